//===- MacroExpander.cpp - expands macros that hide update-relevant code --===//
//
// A macro invocation inside a function body is replaced by its expansion when
// the expansion contains something the later passes must edit: a call of
// interest or a wrapped call, a loop, a return or continue, a local variable
// declared or named by the macro's own body. The expansion is written on the
// invocation's first line, followed by as many newlines as the invocation
// spanned, so the lines of the rest of the file do not move.
//
//===----------------------------------------------------------------------===//
#include "MacroExpander.h"
#include "CallKinds.h"
#include "SourceNav.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Rewrite/Core/Rewriter.h"

#include <map>

using namespace clang;

namespace hcu {
namespace {

class HazardFinder : public RecursiveASTVisitor<HazardFinder> {
public:
  HazardFinder(ASTContext &Ctx) : SM(Ctx.getSourceManager()) {}

  /// Outermost expansion ranges in the main file, by begin offset.
  std::map<unsigned, CharSourceRange> Ranges;

  bool VisitCallExpr(CallExpr *CE) {
    CallKind K = classifyCall(CE, SM);
    if (isCallOfInterest(K) || K == CallKind::Wrapped) {
      hazard(CE->getBeginLoc());
      hazard(CE->getEndLoc());
      hazard(CE->getCallee()->getBeginLoc());
    }
    return true;
  }
  bool VisitWhileStmt(WhileStmt *S) { return loop(S, S->getBody()); }
  bool VisitForStmt(ForStmt *S) { return loop(S, S->getBody()); }
  bool VisitDoStmt(DoStmt *S) { return loop(S, S->getBody()); }
  bool VisitReturnStmt(ReturnStmt *S) {
    hazard(S->getBeginLoc());
    return true;
  }
  bool VisitContinueStmt(ContinueStmt *S) {
    hazard(S->getBeginLoc());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    if (const auto *VD = dyn_cast<VarDecl>(E->getDecl()))
      if (VD->isLocalVarDeclOrParm())
        bodyHazard(E->getLocation());
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->isLocalVarDecl())
      bodyHazard(VD->getLocation());
    return true;
  }

private:
  const SourceManager &SM;

  bool loop(Stmt *S, Stmt *Body) {
    hazard(S->getBeginLoc());
    hazard(Body->getBeginLoc());
    return true;
  }
  /// A location produced by a macro's own body (not an argument).
  void bodyHazard(SourceLocation L) {
    if (L.isMacroID() && !SM.isMacroArgExpansion(L))
      hazard(L);
  }
  void hazard(SourceLocation L) {
    if (!L.isMacroID())
      return;
    CharSourceRange R = SM.getExpansionRange(L);
    if (!SM.isInMainFile(R.getBegin()))
      return;
    unsigned B = SM.getFileOffset(R.getBegin());
    auto It = Ranges.find(B);
    if (It == Ranges.end() ||
        SM.isBeforeInTranslationUnit(It->second.getEnd(), R.getEnd()))
      Ranges[B] = R;
  }
};

/// The expanded tokens of the invocation starting at Begin, joined by spaces.
/// A name the preprocessor left unexpanded although it names a function-like
/// macro and a `(` follows (`#define check(t) check(#t, t)`: a macro is not
/// expanded inside its own expansion) is written `(check)`, so that parsing
/// the text again does not expand it either.
bool expandedText(const syntax::TokenBuffer &TB, const SourceManager &SM,
                  const IdentifierTable &Idents, SourceLocation Begin,
                  std::string &Out) {
  const syntax::Token *Spelled = TB.spelledTokenContaining(Begin);
  if (!Spelled)
    return false;
  std::optional<syntax::TokenBuffer::Expansion> E =
      TB.expansionStartingAt(Spelled);
  if (!E)
    return false;
  for (size_t I = 0; I < E->Expanded.size(); ++I) {
    const syntax::Token &T = E->Expanded[I];
    if (!Out.empty())
      Out += ' ';
    std::string Text = T.text(SM).str();
    auto Id = Idents.find(Text);
    if (T.kind() == tok::identifier && Id != Idents.end() &&
        Id->getValue()->hadMacroDefinition() && I + 1 < E->Expanded.size() &&
        E->Expanded[I + 1].kind() == tok::l_paren)
      Text = "(" + Text + ")";
    Out += Text;
  }
  return true;
}

} // namespace

bool expandHazardousMacros(ASTContext &Ctx, const syntax::TokenBuffer &TB,
                           Rewriter &R) {
  const SourceManager &SM = Ctx.getSourceManager();
  HazardFinder Finder(Ctx);
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (auto *FD = dyn_cast<FunctionDecl>(D))
      if (FD->doesThisDeclarationHaveABody() &&
          SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
        Finder.TraverseStmt(FD->getBody());

  bool Changed = false;
  SourceLocation LastEnd;
  for (const auto &[Offset, Range] : Finder.Ranges) {
    // Ranges are outermost already; skip any that overlaps the previous one.
    if (LastEnd.isValid() &&
        SM.isBeforeInTranslationUnit(Range.getBegin(), LastEnd))
      continue;
    std::string Text;
    if (!expandedText(TB, SM, Ctx.Idents, Range.getBegin(), Text))
      continue;
    CharSourceRange Chars = Range.isTokenRange()
                                ? CharSourceRange::getCharRange(
                                      Range.getBegin(),
                                      Lexer::getLocForEndOfToken(
                                          Range.getEnd(), 0, SM,
                                          Ctx.getLangOpts()))
                                : Range;
    StringRef Old = Lexer::getSourceText(Chars, SM, Ctx.getLangOpts());
    Text += std::string(Old.count('\n'), '\n');
    SourceNav::replaceOriginal(R, Chars, Text);
    LastEnd = Chars.getEnd();
    Changed = true;
  }
  return Changed;
}

} // namespace hcu
