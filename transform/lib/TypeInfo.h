//===- TypeInfo.h - type spelling and layout signatures ---------*- C++ -*-===//
#ifndef HCU_TRANSFORM_TYPEINFO_H
#define HCU_TRANSFORM_TYPEINFO_H

#include "clang/AST/ASTContext.h"
#include <string>

namespace hcu {

/// A string that is equal for two types exactly when their memory layouts are
/// the same: scalars by kind and size, records field by field with offsets,
/// arrays with their bounds. Pointers name their pointee without expanding it.
std::string layoutSignature(clang::QualType T, const clang::ASTContext &Ctx);

/// The type spelled so that `__typeof__(<spelling>) name;` declares an object
/// of that type at file scope.
std::string spellType(clang::QualType T, const clang::ASTContext &Ctx);

/// Whether the spelling of T names only entities visible at file scope (no
/// unnamed tags, no types or typedefs declared inside a function). On false,
/// Why says which part is not.
bool isSpellableAtFileScope(clang::QualType T, std::string &Why);

/// Whether an object of type T cannot be assigned as a whole (arrays,
/// const-qualified types, records with a const member at any depth), so that
/// saving or restoring it takes memcpy.
bool needsMemcpy(clang::QualType T);

} // namespace hcu

#endif
