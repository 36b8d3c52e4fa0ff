//===- Metadata.cpp - hcu-cc's metadata files -----------------------------===//

#include "Metadata.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using nlohmann::json;

namespace hcu {
namespace {

llvm::Error fail(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

int unitVersion(const json &Unit) {
  auto It = Unit.find("version");
  return It != Unit.end() && It->is_number_integer() ? It->get<int>() : 1;
}

} // namespace

llvm::Expected<json> readJsonFile(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return fail("cannot read " + Path + ": " + Buf.getError().message());
  json J = json::parse((*Buf)->getBuffer().begin(), (*Buf)->getBuffer().end(),
                       /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (J.is_discarded() || !J.is_object())
    return fail(Path + " is not valid hcu metadata (not a JSON object)");
  return J;
}

llvm::Error writeJsonFile(const std::string &Path, const json &J) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return fail("cannot write " + Path + ": " + EC.message());
  OS << J.dump(2) << "\n";
  OS.close();
  if (OS.has_error())
    return fail("cannot write " + Path + ": " + OS.error().message());
  return llvm::Error::success();
}

std::string unitUid(const json &Unit) {
  auto It = Unit.find("uid");
  return It != Unit.end() && It->is_string() ? It->get<std::string>() : "";
}

std::string baseUnitName(const json &Unit) {
  auto It = Unit.find("name");
  if (It != Unit.end() && It->is_string())
    return It->get<std::string>();
  // Metadata from before units had names: the base name was the name.
  It = Unit.find("file");
  return It != Unit.end() && It->is_string()
             ? llvm::sys::path::filename(It->get<std::string>()).str()
             : "";
}

json programMetadata(const std::string &BuildId,
                     const std::vector<json> &Units) {
  int Version = 1;
  for (const json &U : Units)
    Version = std::max(Version, unitVersion(U));
  return json{{"format", "hcu-metadata-1"}, {"kind", "program"},
              {"build_id", BuildId},        {"target_build_id", BuildId},
              {"version", Version},         {"units", Units}};
}

json patchMetadata(const json &Base, const std::string &BuildId, int NewVersion,
                   const std::vector<json> &Units) {
  json Merged = json::array();
  std::vector<bool> Used(Units.size(), false);
  for (const json &B : Base.at("units")) {
    std::string Uid = unitUid(B);
    json Unit = B;
    for (size_t I = 0; I < Units.size(); ++I)
      if (!Used[I] && !Uid.empty() && unitUid(Units[I]) == Uid) {
        Unit = Units[I];
        Used[I] = true;
        break;
      }
    Merged.push_back(std::move(Unit));
  }
  for (size_t I = 0; I < Units.size(); ++I)
    if (!Used[I])
      Merged.push_back(Units[I]);
  return json{
      {"format", "hcu-metadata-1"}, {"kind", "patch"},
      {"build_id", BuildId},        {"target_build_id", targetBuildId(Base)},
      {"version", NewVersion},      {"base_version", Base.at("version")},
      {"units", std::move(Merged)}};
}

std::string targetBuildId(const json &Base) {
  for (const char *Key : {"target_build_id", "build_id"}) {
    auto It = Base.find(Key);
    if (It != Base.end() && It->is_string() && !It->get<std::string>().empty())
      return It->get<std::string>();
  }
  return "";
}

llvm::Error checkBaseMetadata(const json &Base, const std::string &Path) {
  auto Format = Base.find("format");
  if (Format == Base.end() || *Format != "hcu-metadata-1")
    return fail(Path + " is not hcu metadata of a linked program or patch "
                       "(expected \"format\": \"hcu-metadata-1\")");
  auto Kind = Base.find("kind");
  if (Kind == Base.end() || (*Kind != "program" && *Kind != "patch"))
    return fail(Path + ": \"kind\" must be \"program\" or \"patch\"");
  auto Version = Base.find("version");
  if (Version == Base.end() || !Version->is_number_integer() ||
      Version->get<int>() < 1)
    return fail(Path + ": \"version\" must be a positive integer");
  auto Units = Base.find("units");
  if (Units == Base.end() || !Units->is_array())
    return fail(Path + ": \"units\" must be an array");
  if (targetBuildId(Base).empty())
    return fail(Path + " names no build id");
  return llvm::Error::success();
}

} // namespace hcu
