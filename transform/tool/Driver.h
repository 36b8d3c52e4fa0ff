//===- Driver.h - hcu-cc: compile, link and build patches -----------------===//
#ifndef HCU_TOOL_DRIVER_H
#define HCU_TOOL_DRIVER_H

#include "CCArgs.h"
#include "Exec.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hcu {

/// Where the runtime's headers and libhcu.a are: baked in at configure time,
/// overridden by HCU_INCLUDE_DIR (one directory holding hcu/hcu_rt.h and
/// hcu_mappings.h, as installed) and HCU_LIB_DIR.
struct RuntimePaths {
  std::vector<std::string> IncludeDirs;
  std::string LibDir;
  static RuntimePaths fromEnvironment();
};

class Driver {
public:
  Driver(CCArgs Args, Exec X, RuntimePaths Paths)
      : Args(std::move(Args)), X(std::move(X)), Paths(std::move(Paths)) {}

  /// -c / -S: one object (or assembly file) per input, sidecars beside it.
  int compileOnly();
  /// Compile the .c inputs into OUT.hcu.d/ and link a program with libhcu.
  int link();
  /// --hcu-patch-for: compile in patch mode and link a patch .so.
  int buildPatch();

private:
  CCArgs Args;
  Exec X;
  RuntimePaths Paths;
  /// Set for patch builds (also `-c --hcu-patch-for`).
  std::optional<nlohmann::json> Base;
  int BaseVersion = 0;

  int loadBase();
  int version() const { return Base ? BaseVersion + 1 : 1; }
  std::vector<std::string> transformFlags() const;
  std::vector<std::string> compileFlags() const;
  std::vector<std::string> runtimeIncludeFlags() const;
  /// Transforms In, compiles it into Out (assembly when Assemble), writes
  /// the sidecars; the unit's metadata goes to *Unit.
  int unitNameFor(const CCInput &In, std::string &Name) const;
  int compileOne(const CCInput &In, const std::string &Out, bool Assemble,
                 nlohmann::json *Unit);
  /// Compiles every .c input into Dir; fills Objects (one per input, "" for
  /// the inputs cc handles itself) and Units.
  int compileAllInto(const std::string &Dir, std::vector<std::string> &Objects,
                     std::vector<nlohmann::json> &Units);
  /// The link command's arguments in the user's order, .c inputs replaced
  /// by their objects.
  std::vector<std::string>
  linkArgs(const std::vector<std::string> &Objects) const;
  /// Appends the metadata of pre-built inputs (x.o with x.o.hcu.json).
  int collectInputUnits(std::vector<nlohmann::json> &Units) const;
  int checkUnitNames(const std::vector<nlohmann::json> &Units) const;
  int writePatchDescriptor(const std::string &Dir, const std::string &Object,
                           const struct MappingFacts &Facts,
                           const std::vector<nlohmann::json> &Units);
  void fixDependencyFile(const CCInput &In, const std::string &Out,
                         const std::string &Instrumented,
                         const nlohmann::json &Headers) const;
};

/// Prints hcu-cc's own options.
void printHcuHelp();

} // namespace hcu

#endif
