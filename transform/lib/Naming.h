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
/// The metadata key of a static local VD of function F:
/// `file.c/F#name`, and `file.c/F#name#k` for the k-th (k >= 2, in source
/// order) static local of F with that name (docs/design.md, "Static
/// locals").
std::string staticLocalKey(const clang::VarDecl *VD, llvm::StringRef UnitName);
/// The program-wide symbol of that static local: hcu_sl__<uid>__F__name,
/// with `__k` for the k-th of its name.
std::string staticLocalSymbol(const clang::VarDecl *VD, llvm::StringRef Uid);
/// S as a C string literal (quotes and backslashes escaped).
std::string cString(llvm::StringRef S);
std::string lineDirective(unsigned Line, llvm::StringRef FileName);

} // namespace hcu

#endif
