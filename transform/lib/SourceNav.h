//===- SourceNav.h - finding places in statements and tokens ----*- C++ -*-===//
#ifndef HCU_TRANSFORM_SOURCENAV_H
#define HCU_TRANSFORM_SOURCENAV_H

#include "clang/AST/ASTContext.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceLocation.h"
#include "clang/Basic/SourceManager.h"

namespace hcu {

/// Source positions the rewriter edits at: token and statement ends, parents
/// in the AST, scope ends. All results are expansion (file) locations.
class SourceNav {
public:
  explicit SourceNav(clang::ASTContext &Ctx)
      : Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  bool before(clang::SourceLocation A, clang::SourceLocation B) const {
    return SM.isBeforeInTranslationUnit(A, B);
  }
  unsigned line(clang::SourceLocation L) const {
    return SM.getPresumedLineNumber(SM.getExpansionLoc(L));
  }
  /// A #line directive saying that the next line is L's (file and line:
  /// L may be in an inlined header, or after the user's own #line).
  std::string lineDirectiveAt(clang::SourceLocation L) const;
  clang::SourceLocation afterToken(clang::SourceLocation L) const;
  /// The first token of the file spelled Word in [B, E) (`static` before a
  /// declarator); invalid if there is none.
  clang::SourceLocation findWord(clang::SourceLocation B, clang::SourceLocation E,
                                 llvm::StringRef Word) const;
  /// Where the token at L ends in the file: for a location inside a macro
  /// expansion, the last token of the invocation (not the macro's name).
  clang::SourceLocation expansionEnd(clang::SourceLocation L) const;
  /// Replaces the original characters of CR (a file range) with Text.
  /// Rewriter::ReplaceText(range, ...) would measure the range in rewritten
  /// text and swallow whatever an earlier edit inserted at its start.
  static void replaceOriginal(clang::Rewriter &R, clang::CharSourceRange CR,
                              llvm::StringRef Text);
  /// Location just past the ';' that ends S (for statements that end in one).
  clang::SourceLocation afterSemi(const clang::Stmt *S) const;
  /// Location just past the last character of statement S.
  clang::SourceLocation stmtEnd(const clang::Stmt *S) const;

  const clang::Stmt *parentStmt(const clang::Stmt *S) const;
  /// The declaration statement that declares VD, or null.
  const clang::DeclStmt *declStmtOf(const clang::VarDecl *VD) const;
  /// Whether S is a statement of its own (not part of an expression).
  bool inStatementPosition(const clang::Stmt *S) const;
  /// Where the variables that DS declares go out of scope.
  clang::SourceLocation scopeEndOf(const clang::DeclStmt *DS) const;

private:
  clang::ASTContext &Ctx;
  clang::SourceManager &SM;
};

} // namespace hcu

#endif
