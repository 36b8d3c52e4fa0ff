//===- LocalRenamer.cpp - gives every local of a function its own name ----===//
#include "LocalRenamer.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <map>
#include <set>

using namespace clang;

namespace hcu {
namespace {

class Collector : public RecursiveASTVisitor<Collector> {
public:
  std::vector<const VarDecl *> Vars;
  std::vector<const DeclRefExpr *> Refs;
  std::set<std::string> Names; // every identifier the body refers to
  bool VisitVarDecl(VarDecl *VD) {
    // A block-scope `extern int v;` names the global: never renamed. Nor
    // is a static local: it is never in a frame record, and its key
    // (file.c/f#name, docs/design.md) keeps the name as written.
    if (!isa<ParmVarDecl>(VD) && VD->isLocalVarDecl() &&
        !VD->hasExternalStorage() && !VD->isStaticLocal())
      Vars.push_back(VD);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    Refs.push_back(E);
    Names.insert(E->getDecl()->getName().str());
    return true;
  }
};

/// C23 (and gcc in any mode) lets a definition leave a parameter unnamed;
/// its value must still be saved in the formals record and passed on by the
/// entry, so it gets a name (`int` -> `int hcu_unnamed2`), written where the
/// declarator's name would be.
bool nameUnnamedParams(const FunctionDecl *FD, const std::set<std::string> &Used,
                       Rewriter &R) {
  bool Changed = false;
  for (const ParmVarDecl *P : FD->parameters()) {
    if (!P->getName().empty() || P->getLocation().isMacroID() ||
        P->getLocation().isInvalid())
      continue;
    std::string To = "hcu_unnamed" + std::to_string(P->getFunctionScopeIndex() + 1);
    while (Used.count(To))
      To += "_";
    R.InsertTextBefore(P->getLocation(), " " + To);
    Changed = true;
  }
  return Changed;
}

} // namespace

bool renameRepeatedLocals(ASTContext &Ctx, Rewriter &R) {
  const SourceManager &SM = Ctx.getSourceManager();
  bool Changed = false;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() ||
        !SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
      continue;
    Collector C;
    C.TraverseStmt(FD->getBody());
    std::map<std::string, int> Seen;
    for (const ParmVarDecl *P : FD->parameters())
      Seen[P->getName().str()] = 1;
    Changed |= nameUnnamedParams(FD, C.Names, R);
    std::map<const VarDecl *, std::string> NewName;
    for (const VarDecl *VD : C.Vars) {
      std::string Name = VD->getName().str();
      int &N = Seen[Name];
      if (N++ == 0 || VD->getLocation().isMacroID())
        continue;
      std::string To;
      do
        To = Name + "_hcu" + std::to_string(N++);
      while (C.Names.count(To) || Seen.count(To));
      NewName[VD] = To;
    }
    for (const auto &[VD, To] : NewName)
      R.ReplaceText(VD->getLocation(), VD->getName().size(), To);
    std::set<unsigned> Done; // a macro argument may be expanded twice
    for (const DeclRefExpr *E : C.Refs) {
      const auto *VD = dyn_cast<VarDecl>(E->getDecl());
      auto It = VD ? NewName.find(VD) : NewName.end();
      if (It == NewName.end())
        continue;
      SourceLocation L = E->getLocation();
      if (L.isMacroID())
        L = SM.getSpellingLoc(L); // an argument of a macro, spelled here
      if (Done.insert(SM.getFileOffset(L)).second)
        R.ReplaceText(L, VD->getName().size(), It->second);
    }
    Changed |= !NewName.empty();
  }
  return Changed;
}

} // namespace hcu
