//===- SourceNav.cpp - finding places in statements and tokens ------------===//
#include "SourceNav.h"
#include "Naming.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace hcu {

std::string SourceNav::lineDirectiveAt(SourceLocation L) const {
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(L));
  return lineDirective(P.getLine(), P.getFilename());
}

SourceLocation SourceNav::findWord(SourceLocation B, SourceLocation E,
                                  llvm::StringRef Word) const {
  Token Tok;
  for (SourceLocation L = B; L.isValid() && before(L, E);) {
    if (Lexer::getRawToken(L, Tok, SM, Ctx.getLangOpts(), true))
      break;
    if (Tok.is(tok::raw_identifier) && Tok.getRawIdentifier() == Word)
      return L;
    L = Lexer::findNextToken(L, SM, Ctx.getLangOpts())
            .value_or(Token())
            .getLocation();
  }
  return {};
}

SourceLocation SourceNav::afterToken(SourceLocation L) const {
  return Lexer::getLocForEndOfToken(L, 0, SM, Ctx.getLangOpts());
}

SourceLocation SourceNav::expansionEnd(SourceLocation L) const {
  // The last token of the macro invocation, not the macro's name.
  return L.isMacroID() ? SM.getExpansionRange(L).getEnd() : L;
}

SourceLocation SourceNav::afterSemi(const Stmt *S) const {
  SourceLocation End = expansionEnd(S->getEndLoc());
  // The next token, past comments and whitespace, is the ';'.
  std::optional<Token> Next = Lexer::findNextToken(End, SM, Ctx.getLangOpts());
  if (Next && Next->is(tok::semi))
    return Next->getEndLoc();
  return afterToken(End);
}

SourceLocation SourceNav::stmtEnd(const Stmt *S) const {
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    return afterToken(SM.getExpansionLoc(CS->getRBracLoc()));
  if (const auto *If = dyn_cast<IfStmt>(S))
    return stmtEnd(If->getElse() ? If->getElse() : If->getThen());
  if (const auto *W = dyn_cast<WhileStmt>(S))
    return stmtEnd(W->getBody());
  if (const auto *F = dyn_cast<ForStmt>(S))
    return stmtEnd(F->getBody());
  if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    return stmtEnd(Sw->getBody());
  if (const auto *L = dyn_cast<LabelStmt>(S))
    return stmtEnd(L->getSubStmt());
  if (const auto *C = dyn_cast<SwitchCase>(S))
    return stmtEnd(C->getSubStmt());
  if (isa<DeclStmt>(S))
    return afterToken(expansionEnd(S->getEndLoc())); // ends at ';'
  return afterSemi(S);
}

const Stmt *SourceNav::parentStmt(const Stmt *S) const {
  auto Ps = Ctx.getParents(*S);
  return Ps.empty() ? nullptr : Ps[0].get<Stmt>();
}

const DeclStmt *SourceNav::declStmtOf(const VarDecl *VD) const {
  auto Ps = Ctx.getParents(*VD);
  return Ps.empty() ? nullptr : Ps[0].get<DeclStmt>();
}

bool SourceNav::inStatementPosition(const Stmt *S) const {
  const Stmt *P = parentStmt(S);
  if (!P)
    return false;
  if (isa<CompoundStmt>(P))
    return true;
  if (const auto *If = dyn_cast<IfStmt>(P))
    return If->getThen() == S || If->getElse() == S;
  if (const auto *W = dyn_cast<WhileStmt>(P))
    return W->getBody() == S;
  if (const auto *F = dyn_cast<ForStmt>(P))
    return F->getBody() == S;
  if (const auto *D = dyn_cast<DoStmt>(P))
    return D->getBody() == S;
  if (const auto *L = dyn_cast<LabelStmt>(P))
    return L->getSubStmt() == S;
  if (const auto *C = dyn_cast<SwitchCase>(P))
    return C->getSubStmt() == S;
  return false;
}

SourceLocation SourceNav::scopeEndOf(const DeclStmt *DS) const {
  for (const Stmt *P = parentStmt(DS); P; P = parentStmt(P)) {
    if (const auto *CS = dyn_cast<CompoundStmt>(P))
      return SM.getExpansionLoc(CS->getRBracLoc());
    if (isa<ForStmt>(P))
      return stmtEnd(P);
  }
  return SourceLocation();
}

void SourceNav::replaceOriginal(Rewriter &R, CharSourceRange CR,
                                llvm::StringRef Text) {
  SourceManager &SM = R.getSourceMgr();
  if (CR.isTokenRange())
    CR = CharSourceRange::getCharRange(
        CR.getBegin(), Lexer::getLocForEndOfToken(CR.getEnd(), 0, SM,
                                                  R.getLangOpts()));
  unsigned Len = SM.getFileOffset(CR.getEnd()) - SM.getFileOffset(CR.getBegin());
  R.ReplaceText(CR.getBegin(), Len, Text);
}

} // namespace hcu
