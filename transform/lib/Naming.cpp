//===- Naming.cpp - names of the generated entities -----------------------===//
#include "Naming.h"

#include "llvm/Support/Path.h"

using namespace clang;

namespace hcu {

std::string slotName(const FunctionDecl *FD) {
  return "hcu_slot__" + FD->getName().str();
}

std::string slotAsm(const FunctionDecl *FD, llvm::StringRef Uid) {
  if (FD->getFormalLinkage() == Linkage::Internal)
    return " __asm__(\"hcu_slot__" + Uid.str() + "__" + FD->getName().str() +
           "\")";
  return "";
}

std::string implName(const FunctionDecl *FD, int Version) {
  return FD->getName().str() + "__hcu_v" + std::to_string(Version);
}

std::string keyOf(const NamedDecl *D, bool Static, llvm::StringRef UnitName) {
  return Static ? UnitName.str() + "/" + D->getName().str()
                : D->getName().str();
}

std::string unitName(const TransformOptions &Opts, llvm::StringRef FileName) {
  return Opts.UnitName.empty() ? llvm::sys::path::filename(FileName).str()
                               : Opts.UnitName;
}

std::string lineDirective(unsigned Line, llvm::StringRef FileName) {
  return "#line " + std::to_string(Line) + " \"" + FileName.str() + "\"\n";
}

} // namespace hcu
