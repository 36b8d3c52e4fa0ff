//===- CallKinds.cpp - which calls matter to an update --------------------===//
#include "CallKinds.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace hcu {
namespace {

const llvm::StringSet<> &blockingFunctions() {
  static const llvm::StringSet<> Set = {
#define HCU_BLOCKING(name) #name,
#include "WrappedFunctions.def"
  };
  return Set;
}

const llvm::StringSet<> &wrappedFunctions() {
  static const llvm::StringSet<> Set = {
#define HCU_WRAPPED(name) #name,
#include "WrappedFunctions.def"
  };
  return Set;
}

/// Functions that tie state to the caller's C frame, which a frame record
/// cannot carry over: their callers are pinned (docs/design.md). longjmp
/// needs nothing: it never returns, and setjmp sites repair what it skips.
const llvm::StringSet<> &pinningFunctions() {
  static const llvm::StringSet<> Set = {
      "setjmp",         "_setjmp",
      "__sigsetjmp",    "sigsetjmp",
      "__builtin_setjmp", "alloca",
      "__builtin_alloca", "__builtin_alloca_with_align",
      "__builtin_alloca_uninitialized", "vfork"};
  return Set;
}

bool isSystemFunction(const FunctionDecl *FD, const SourceManager &SM) {
  if (FD->getBuiltinID())
    return true;
  for (const FunctionDecl *R : FD->redecls())
    if (SM.isInSystemHeader(R->getLocation()))
      return true;
  return false;
}

} // namespace

CallKind classifyCall(const CallExpr *CE, const SourceManager &SM) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return CE->getCallee()->getType()->isBlockPointerType() ? CallKind::Ignored
                                                            : CallKind::Indirect;
  StringRef Name = Callee->getName();
  if (pinningFunctions().count(Name))
    return CallKind::Pinning;
  if (!isSystemFunction(Callee, SM))
    return CallKind::Program;
  if (wrappedFunctions().count(Name))
    return CallKind::Wrapped;
  if (blockingFunctions().count(Name))
    return CallKind::Blocking;
  return CallKind::Ignored;
}

bool isSetjmpName(llvm::StringRef Name) {
  return Name == "setjmp" || Name == "_setjmp" || Name == "__sigsetjmp" ||
         Name == "sigsetjmp" || Name == "__builtin_setjmp";
}

bool isUnevaluated(const Stmt *S, ASTContext &Ctx) {
  const Stmt *Child = S;
  for (;;) {
    auto Parents = Ctx.getParents(*Child);
    if (Parents.empty())
      return false;
    const Stmt *P = Parents[0].get<Stmt>();
    if (!P)
      return false; // reached a declaration: evaluated
    if (const auto *U = dyn_cast<UnaryExprOrTypeTraitExpr>(P))
      return U->getKind() != UETT_SizeOf ||
             !U->getTypeOfArgument()->isVariablyModifiedType();
    if (const auto *G = dyn_cast<GenericSelectionExpr>(P))
      if (!G->isResultDependent() && Child != G->getResultExpr())
        return true;
    if (const auto *C = dyn_cast<ChooseExpr>(P))
      if (Child != C->getChosenSubExpr())
        return true;
    if (isa<CompoundStmt>(P) && !isa<StmtExpr>(Child))
      return false; // statements are evaluated (unless inside the above)
    Child = P;
  }
}

} // namespace hcu
