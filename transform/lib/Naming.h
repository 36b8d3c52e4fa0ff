//===- Naming.h - names of the generated entities ---------------*- C++ -*-===//
//
// The names a patch binds to (slots, keys) must be the same in every version
// of a unit; they are made here and only here.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TRANSFORM_NAMING_H
#define HCU_TRANSFORM_NAMING_H

#include "hcu-transform/Transform.h"

#include "clang/AST/Decl.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace hcu {

/// The function pointer every call to FD goes through.
std::string slotName(const clang::FunctionDecl *FD);
/// The asm label that gives the slot of a static function a program-wide name.
std::string slotAsm(const clang::FunctionDecl *FD, llvm::StringRef Uid);
/// The renamed definition of FD in version Version.
std::string implName(const clang::FunctionDecl *FD, int Version);
/// The metadata key of D: its name, or <unit name>/name for statics
/// (util.c/count; net/util.c/count when the unit is named by its path).
std::string keyOf(const clang::NamedDecl *D, bool Static,
                  llvm::StringRef UnitName);
/// The unit's name in keys: Opts.UnitName, or FileName's base name.
std::string unitName(const TransformOptions &Opts, llvm::StringRef FileName);
std::string lineDirective(unsigned Line, llvm::StringRef FileName);

} // namespace hcu

#endif
