//===- Fingerprint.h - what hcu-patchgen compares between versions -*- C++ -*-//
//
// Computed on the unit as the user wrote it (the first round, before any
// normalization), so that the numbering of generated temporaries can never
// make an unchanged function look changed.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TRANSFORM_FINGERPRINT_H
#define HCU_TRANSFORM_FINGERPRINT_H

#include "clang/AST/ASTContext.h"
#include "clang/Tooling/Syntax/Tokens.h"
#include "hcu-transform/Transform.h"
#include <nlohmann/json.hpp>

namespace hcu {

/// {"functions": {name: {"hash", "globals", "types"}},
///  "globals": {name: {"init_hash"}}, "types": [{"name", "kind", "layout",
///  "fields" | "enumerators", "file", "line"}]}
///
/// A function's hash covers its preprocessed tokens (so a changed macro it
/// uses counts, comments, whitespace and line numbers do not), with its own
/// name left out (so a rename with the same body is recognized) and the
/// values of builtin macros such as __LINE__ and __FILE__ (assert's) left
/// out.
nlohmann::json fingerprintUnit(clang::ASTContext &Ctx,
                               const clang::syntax::TokenBuffer &TB,
                               const TransformOptions &Opts);

/// Adds the fingerprint's data to the unit's metadata (functions and globals
/// by name; the "types" table as is).
void mergeFingerprint(nlohmann::json &Metadata, const nlohmann::json &FP);

} // namespace hcu

#endif
