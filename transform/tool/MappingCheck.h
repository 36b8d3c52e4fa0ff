//===- MappingCheck.h - does a mapping file fit the patch? ----------------===//
#ifndef HCU_TOOL_MAPPINGCHECK_H
#define HCU_TOOL_MAPPINGCHECK_H

#include <string>
#include <vector>

namespace hcu {

/// Parses the mapping file Path with the Clang front end (FrontEndFlags as
/// for the patch's sources) and checks that it defines
/// mapping_updates_v<NewVersion> and mapping_function_updates_v<NewVersion>
/// as arrays of the right types. Problems are printed as `Path:L:C: error:`;
/// returns false on any error.
bool checkMapping(const std::string &Path,
                  const std::vector<std::string> &FrontEndFlags,
                  int BaseVersion, int NewVersion);

} // namespace hcu

#endif
