//===- BuildId.cpp - the GNU build id of a linked ELF file ----------------===//

#include "BuildId.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"

using namespace llvm;
using namespace llvm::object;

namespace hcu {
namespace {

std::string hex(ArrayRef<uint8_t> Bytes) {
  return llvm::toHex(Bytes, /*LowerCase=*/true);
}

/// Searches the PT_NOTE segments (always there in a linked file), then the
/// SHT_NOTE sections (a file whose program headers were stripped).
template <class ELFT>
Expected<std::string> findBuildId(const ELFFile<ELFT> &File) {
  auto Match = [](const typename ELFT::Note &N) {
    return N.getType() == ELF::NT_GNU_BUILD_ID && N.getName() == "GNU";
  };
  auto Align = [](uint64_t A) -> size_t { return A < 4 ? 4 : A; };
  auto Phdrs = File.program_headers();
  if (!Phdrs)
    return Phdrs.takeError();
  for (const typename ELFT::Phdr &P : *Phdrs) {
    if (P.p_type != ELF::PT_NOTE)
      continue;
    Error Err = Error::success();
    for (const typename ELFT::Note &N : File.notes(P, Err))
      if (Match(N)) {
        consumeError(std::move(Err));
        return hex(N.getDesc(Align(P.p_align)));
      }
    if (Err)
      return std::move(Err);
  }
  auto Shdrs = File.sections();
  if (!Shdrs)
    return Shdrs.takeError();
  for (const typename ELFT::Shdr &S : *Shdrs) {
    if (S.sh_type != ELF::SHT_NOTE)
      continue;
    Error Err = Error::success();
    for (const typename ELFT::Note &N : File.notes(S, Err))
      if (Match(N)) {
        consumeError(std::move(Err));
        return hex(N.getDesc(Align(S.sh_addralign)));
      }
    if (Err)
      return std::move(Err);
  }
  return createStringError(inconvertibleErrorCode(),
                           "it has no GNU build id (was it linked with "
                           "-Wl,--build-id?)");
}

} // namespace

Expected<std::string> readBuildId(const std::string &Path) {
  Expected<OwningBinary<ObjectFile>> Obj = ObjectFile::createObjectFile(Path);
  if (!Obj)
    return Obj.takeError();
  const ObjectFile *O = Obj->getBinary();
  if (const auto *E = dyn_cast<ELF32LEObjectFile>(O))
    return findBuildId(E->getELFFile());
  if (const auto *E = dyn_cast<ELF32BEObjectFile>(O))
    return findBuildId(E->getELFFile());
  if (const auto *E = dyn_cast<ELF64LEObjectFile>(O))
    return findBuildId(E->getELFFile());
  if (const auto *E = dyn_cast<ELF64BEObjectFile>(O))
    return findBuildId(E->getELFFile());
  return createStringError(inconvertibleErrorCode(), "it is not an ELF file");
}

} // namespace hcu
