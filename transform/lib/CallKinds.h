//===- CallKinds.h - which calls matter to an update ------------*- C++ -*-===//
#ifndef HCU_TRANSFORM_CALLKINDS_H
#define HCU_TRANSFORM_CALLKINDS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

namespace hcu {

enum class CallKind {
  Ignored,  // libc or builtin: never on the stack during an update
  Pinning,  // setjmp, alloca, vfork: the caller's frame cannot be rebuilt
  Wrapped,  // redirected to libhcu's wrapper, not a continuation point
  Blocking, // redirected to libhcu's wrapper, a continuation point
  Program,  // a function of the program (or of another instrumented file)
  Indirect  // through a pointer: may be any of the above
};

CallKind classifyCall(const clang::CallExpr *CE, const clang::SourceManager &SM);

/// Calls that must be continuation points: Blocking, Program, Indirect.
inline bool isCallOfInterest(CallKind K) {
  return K == CallKind::Blocking || K == CallKind::Program ||
         K == CallKind::Indirect;
}

/// setjmp and its relatives: calls that return twice.
bool isSetjmpName(llvm::StringRef Name);

/// Whether S sits in an operand that is never evaluated (sizeof, _Alignof,
/// the controlling or unselected parts of _Generic), up to the statement Top.
bool isUnevaluated(const clang::Stmt *S, clang::ASTContext &Ctx);

} // namespace hcu

#endif
