//===- Transform.h - hcu-transform as a library ---------------------------===//
//
// Rewrites one C translation unit into updatable C (docs/design.md) and
// describes it in JSON metadata. Diagnostics go to stderr in compiler format.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TRANSFORM_TRANSFORM_H
#define HCU_TRANSFORM_TRANSFORM_H

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hcu {

struct TransformOptions {
  /// Version of the code being built: 1 for a program, base+1 for a patch.
  int Version = 1;
  /// Patch mode: globals whose layout changed against BaseMetadata get new
  /// storage (<name>_v<Version>); unchanged ones bind to the base's symbols.
  bool PatchMode = false;
  /// Merged metadata (kind program or patch) of the version a patch applies to.
  nlohmann::json BaseMetadata;
  /// The unit's name in keys (`util.c/count`, `net/util.c/count`): the
  /// source's path relative to the project root (unitNameOf). Default: the
  /// file's base name.
  std::string UnitName;
  /// Unique id of the file within the program, part of its statics' symbols;
  /// default: defaultUid(UnitName).
  std::string Uid;
  /// Stop after normalization: the output is the normalized C (every call of
  /// interest a statement of its own), not instrumented.
  bool NormalizeOnly = false;
  /// Functions defined in the project's own headers are instrumented as
  /// functions of this unit (docs/design.md, "Functions defined in
  /// headers"); false: only the main file's.
  bool HeaderFunctions = true;
  /// Headers under these directories belong to installed libraries: like
  /// system headers, their functions are never instrumented.
  std::vector<std::string> LibraryHeaderDirs = {"/usr/"};
};

/// Transforms File, compiled with CompilerArgs (clang-style flags such as -I,
/// -D, -std; no input file and no -o). On success returns true and fills
/// OutCode (the instrumented C) and OutMetadata (the unit's metadata). On error
/// prints diagnostics and returns false.
bool transformFile(const std::string &File,
                   const std::vector<std::string> &CompilerArgs,
                   const TransformOptions &Opts, std::string &OutCode,
                   nlohmann::json &OutMetadata);

/// The name of File's unit (TransformOptions::UnitName): its path relative to
/// Root with '/' separators, or its base name when Root is empty. False, with
/// Error set, when File is not inside Root.
bool unitNameOf(const std::string &File, const std::string &Root,
                std::string &Name, std::string &Error);

/// The default uid of a unit name: '/' -> "__", [^A-Za-z0-9_] -> '_'
/// (util.c -> util_c, net/util.c -> net__util_c).
std::string defaultUid(const std::string &UnitName);

} // namespace hcu

#endif
