//===- MappingCheck.h - does a mapping file fit the patch? ----------------===//
#ifndef HCU_TOOL_MAPPINGCHECK_H
#define HCU_TOOL_MAPPINGCHECK_H

#include <string>
#include <vector>

namespace hcu {

struct FunctionIndex;
struct MappingFacts;

/// The two versions a mapping connects; without them (null) only the
/// mapping's own shape is checked.
struct MappingInputs {
  const FunctionIndex *Old = nullptr; // the running version
  const FunctionIndex *New = nullptr; // the patch's code
};

/// Parses the mapping file Path with the Clang front end (FrontEndFlags as
/// for the patch's sources) and checks that it defines
/// mapping_updates_v<NewVersion> and mapping_function_updates_v<NewVersion>
/// as arrays of the right types, and with In, that everything it names
/// exists (MappingRules.h). Problems are printed as `Path:L:C: error:`;
/// returns false on any error. Facts gets what the patch descriptor needs.
bool checkMapping(const std::string &Path,
                  const std::vector<std::string> &FrontEndFlags,
                  int BaseVersion, int NewVersion, const MappingInputs &In,
                  MappingFacts &Facts);

} // namespace hcu

#endif
