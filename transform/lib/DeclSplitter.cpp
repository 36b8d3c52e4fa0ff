//===- DeclSplitter.cpp - one declaration per address-taken local ---------===//
#include "DeclSplitter.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <set>

using namespace clang;

namespace hcu {
namespace {

class Collector : public RecursiveASTVisitor<Collector> {
public:
  std::vector<const DeclStmt *> Decls;
  std::set<const VarDecl *> Taken; // named under a unary &
  std::set<const ForStmt *> Fors;
  std::set<const DeclStmt *> ForInits;
  bool VisitDeclStmt(DeclStmt *DS) {
    if (!DS->isSingleDecl())
      Decls.push_back(DS);
    return true;
  }
  bool VisitForStmt(ForStmt *FS) {
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(FS->getInit()))
      ForInits.insert(DS);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      markRefs(UO->getSubExpr());
    return true;
  }

private:
  void markRefs(const Stmt *S) {
    if (!S)
      return;
    if (const auto *DR = dyn_cast<DeclRefExpr>(S))
      if (const auto *VD = dyn_cast<VarDecl>(DR->getDecl()))
        Taken.insert(VD);
    for (const Stmt *C : S->children())
      markRefs(C);
  }
};

/// Where the specifiers that declarators share end: `char` in
/// `const char *p[4]` (getTypeSpecEndLoc would include the `*`).
SourceLocation baseTypeEnd(const VarDecl *VD) {
  TypeLoc TL = VD->getTypeSourceInfo()->getTypeLoc();
  for (;;) {
    if (auto Q = TL.getAs<QualifiedTypeLoc>())
      TL = Q.getUnqualifiedLoc();
    else if (auto P = TL.getAs<PointerTypeLoc>())
      TL = P.getPointeeLoc();
    else if (auto A = TL.getAs<ArrayTypeLoc>())
      TL = A.getElementLoc();
    else if (auto Pa = TL.getAs<ParenTypeLoc>())
      TL = Pa.getInnerLoc();
    else if (auto F = TL.getAs<FunctionTypeLoc>())
      TL = F.getReturnLoc();
    else
      return TL.getEndLoc();
  }
}

/// Splits DS if it qualifies; returns whether it did.
bool split(const DeclStmt *DS, const Collector &C, const SourceManager &SM,
           const LangOptions &LO, Rewriter &R) {
  std::vector<const VarDecl *> Vars;
  bool Arena = false;
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->isLocalVarDecl() || VD->getLocation().isMacroID())
      return false;
    Arena |= C.Taken.count(VD) || VD->getType()->isArrayType();
    Vars.push_back(VD);
  }
  if (!Arena || C.ForInits.count(DS) || DS->getBeginLoc().isMacroID() ||
      !Vars.front()->getTypeSourceInfo())
    return false;
  SourceLocation BaseEnd = baseTypeEnd(Vars.front());
  if (BaseEnd.isInvalid() || BaseEnd.isMacroID())
    return false;
  // The shared specifiers: from the statement's start to the end of the
  // first declarator's type specifier ("static const char").
  SourceLocation SpecEnd = Lexer::getLocForEndOfToken(BaseEnd, 0, SM, LO);
  std::string Spec =
      Lexer::getSourceText(CharSourceRange::getCharRange(DS->getBeginLoc(),
                                                         SpecEnd),
                           SM, LO)
          .str();
  if (Spec.empty() || Spec.find('{') != std::string::npos)
    return false;
  std::vector<SourceLocation> Commas;
  for (size_t I = 1; I < Vars.size(); ++I) {
    std::optional<Token> Comma =
        Lexer::findNextToken(Vars[I - 1]->getEndLoc(), SM, LO);
    if (!Comma || Comma->isNot(tok::comma) || Comma->getLocation().isMacroID())
      return false;
    Commas.push_back(Comma->getLocation());
  }
  for (SourceLocation L : Commas)
    R.ReplaceText(L, 1, "; " + Spec + " ");
  return true;
}

} // namespace

bool splitSharedDeclarations(ASTContext &Ctx, Rewriter &R) {
  const SourceManager &SM = Ctx.getSourceManager();
  bool Changed = false;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() ||
        !SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
      continue;
    Collector C;
    C.TraverseStmt(FD->getBody());
    for (const DeclStmt *DS : C.Decls)
      Changed |= split(DS, C, SM, Ctx.getLangOpts(), R);
  }
  return Changed;
}

} // namespace hcu
