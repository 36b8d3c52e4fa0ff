//===- DeclSplitter.h - one declaration per address-taken local -*- C++ -*-===//
#ifndef HCU_TRANSFORM_DECLSPLITTER_H
#define HCU_TRANSFORM_DECLSPLITTER_H

#include "clang/AST/ASTContext.h"
#include "clang/Rewrite/Core/Rewriter.h"

namespace hcu {

/// In each function of the main file, splits a declaration of several locals
/// (`char *data, *header;`) into one declaration per local (`char *data;
/// char *header;`, on the same line) when one of them may live in the frame
/// arena (its address is taken, or it is an array), because the instrumenter
/// rewrites an arena local's declaration as a whole. Declarations written by
/// macros, in a `for`, or that define a tag are left alone. Returns whether
/// anything was split.
bool splitSharedDeclarations(clang::ASTContext &Ctx, clang::Rewriter &R);

} // namespace hcu

#endif
