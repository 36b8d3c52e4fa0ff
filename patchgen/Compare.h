//===- Compare.h - what changed between two builds' metadata ----*- C++ -*-===//
//
// hcu-patchgen's model of an update: the two versions' merged metadata
// (program.hcu.json or patch.so.hcu.json, written by hcu-cc) compared by
// key, with function bodies compared by the transform's token hash.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_PATCHGEN_COMPARE_H
#define HCU_PATCHGEN_COMPARE_H

#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hcu {

/// One version's metadata, indexed.
struct Version {
  std::string Path; // the metadata file
  nlohmann::json Meta;
  std::map<std::string, nlohmann::json> Functions; // by key
  std::map<std::string, nlohmann::json> Globals;   // by key
  std::map<std::string, nlohmann::json> Types;     // by name ("struct s")
  std::map<std::string, std::string> UnitFileOfFunction, UnitFileOfGlobal;
  /// The --hcu-root the version was built with (a unit named by its path,
  /// net/util.c, in /src/net/util.c: /src); empty for base-name units.
  std::string Root;

  /// Indexes Meta; false (with Error set) if it lacks what the comparison
  /// needs (a build by an hcu-cc without function hashes).
  bool index(std::string &Error);
  int version() const { return Meta.value("version", 1); }
};

struct FieldChange {
  std::string Name, What; // What: added, removed, retyped, moved, extended
  std::string OldType, NewType;
};

struct TypeChange {
  std::string Name;
  std::vector<FieldChange> Fields;
  bool OnlyLayout = false; // same fields, other offsets (a nested change)
};

struct FunctionUpdate {
  std::string OldKey, NewKey; // differ for a rename
  std::string Why;            // "changed", "renamed", "uses global x", ...
  bool ThreadEntry = false;
};

struct CpChange {
  std::string Function;
  std::vector<std::string> Kept, Removed, Added; // stable names
};

struct Comparison {
  std::vector<FunctionUpdate> Updates;
  std::vector<std::string> FunctionsAdded, FunctionsRemoved;
  std::vector<std::string> GlobalsAdded, GlobalsRemoved, GlobalsRetyped,
      GlobalsReinitialized;
  std::vector<TypeChange> TypesChanged;
  std::vector<std::string> TypesAdded, TypesRemoved;
  std::vector<CpChange> Cps;
  std::set<std::string> NewUnitFiles; // new version's files the patch needs
};

Comparison compareVersions(const Version &Old, const Version &New);

/// The comparison as JSON (hcu-patchgen --json).
nlohmann::json comparisonJson(const Version &Old, const Version &New,
                              const Comparison &C);

/// The comparison as text, one change per line.
std::string comparisonText(const Version &Old, const Version &New,
                           const Comparison &C);

} // namespace hcu

#endif
