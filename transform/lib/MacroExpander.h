//===- MacroExpander.h - expands macros that hide update-relevant code ----===//
#ifndef HCU_TRANSFORM_MACROEXPANDER_H
#define HCU_TRANSFORM_MACROEXPANDER_H

#include "clang/AST/ASTContext.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "clang/Tooling/Syntax/Tokens.h"

namespace hcu {

/// Replaces, in function bodies of the main file, each macro invocation whose
/// expansion the later passes would need to edit by its expanded text.
/// Returns whether anything was replaced.
bool expandHazardousMacros(clang::ASTContext &Ctx,
                           const clang::syntax::TokenBuffer &TB,
                           clang::Rewriter &R);

} // namespace hcu

#endif
