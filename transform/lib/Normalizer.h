//===- Normalizer.h - makes every call of interest a statement --*- C++ -*-===//
//
// Before instrumentation, a C file is rewritten (in rounds, re-parsed in
// between) until every call that must be a continuation point is a statement
// of its own: `f(a);`, `x = f(a);` or `return f(a);`, with arguments that have
// no side effects. Calls nested in expressions are hoisted into temporaries in
// an order C allows; &&, ||, ?: and comma keep their sequencing through
// explicit control flow; loop conditions and increments with calls are moved
// into the loop body; statement expressions that contain calls become blocks;
// macro invocations hiding such calls, loops or local variables are expanded.
//
// Each round only edits statements that do not nest inside another edit of
// the same round, so edits never conflict; the next round sees the result.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TRANSFORM_NORMALIZER_H
#define HCU_TRANSFORM_NORMALIZER_H

#include "clang/AST/ASTContext.h"
#include "clang/Tooling/Syntax/Tokens.h"

#include <string>

namespace hcu {

/// Runs one round over the main file. Returns true and sets Out to the new
/// text of the file if anything changed; false if the file is normalized.
bool normalizeRound(clang::ASTContext &Ctx, const clang::syntax::TokenBuffer &TB,
                    int Round, std::string &Out);

} // namespace hcu

#endif
