//===- LocalRenamer.h - gives every local of a function its own name ------===//
#ifndef HCU_TRANSFORM_LOCALRENAMER_H
#define HCU_TRANSFORM_LOCALRENAMER_H

#include "clang/AST/ASTContext.h"
#include "clang/Rewrite/Core/Rewriter.h"

namespace hcu {

/// In each function of the main file, renames every local variable whose
/// name an earlier parameter or local of the same function already has
/// (`i` -> `i_hcu2`), so that a shadowed variable can still be saved in a
/// frame record. Returns whether anything was renamed.
bool renameRepeatedLocals(clang::ASTContext &Ctx, clang::Rewriter &R);

} // namespace hcu

#endif
