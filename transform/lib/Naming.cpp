//===- Naming.cpp - names of the generated entities -----------------------===//
#include "Naming.h"

#include "clang/AST/RecursiveASTVisitor.h"
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

namespace {

/// VD's function, and which static local of that name it is (1, 2, ...) in
/// the function's body, in source (traversal) order.
struct StaticOrdinal : RecursiveASTVisitor<StaticOrdinal> {
  const VarDecl *Target;
  int Seen = 0, Ordinal = 0;
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->isStaticLocal() && VD->getName() == Target->getName()) {
      ++Seen;
      if (VD == Target)
        Ordinal = Seen;
    }
    return true;
  }
};

std::pair<std::string, int> staticLocalPlace(const VarDecl *VD) {
  const auto *FD = dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
  if (!FD || !FD->getBody())
    return {"", 1};
  StaticOrdinal O;
  O.Target = VD;
  O.TraverseStmt(FD->getBody());
  return {FD->getName().str(), O.Ordinal > 1 ? O.Ordinal : 1};
}

} // namespace

std::string staticLocalKey(const VarDecl *VD, llvm::StringRef UnitName) {
  auto [Fn, K] = staticLocalPlace(VD);
  return UnitName.str() + "/" + Fn + "#" +
         VD->getName().str() + (K > 1 ? "#" + std::to_string(K) : "");
}

std::string staticLocalSymbol(const VarDecl *VD, llvm::StringRef Uid) {
  auto [Fn, K] = staticLocalPlace(VD);
  return "hcu_sl__" + Uid.str() + "__" + Fn + "__" + VD->getName().str() +
         (K > 1 ? "__" + std::to_string(K) : "");
}

std::string cString(llvm::StringRef S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

std::string lineDirective(unsigned Line, llvm::StringRef FileName) {
  return "#line " + std::to_string(Line) + " " + cString(FileName) + "\n";
}

} // namespace hcu
