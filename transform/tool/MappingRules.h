//===- MappingRules.h - does a mapping file mean something? ---------------===//
//
// The checks of a mapping file against the programs it connects: every
// function, thread and continuation point it names must exist (in the running
// version for old names, in the patch for new ones), transformers must have
// the signatures the runtime calls them with, and safety constraints must be
// able to hold and to clear. Each problem is a compiler-style error at the
// entry that causes it.
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TOOL_MAPPINGRULES_H
#define HCU_TOOL_MAPPINGRULES_H

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace hcu {

/// The functions of one version, from its hcu-cc metadata.
struct FunctionIndex {
  struct Function {
    std::string Key, Name;
    bool ThreadEntry = false;
    std::vector<int> Points;               // continuation point numbers
    std::vector<std::string> PointNames;   // their stable names, same order
  };
  std::vector<Function> Functions;

  static FunctionIndex fromUnits(const nlohmann::json &Units);
  /// By key, else by unique C name (as the runtime resolves names). Null
  /// with Why set if there is none or the name is ambiguous.
  const Function *find(const std::string &Name, std::string &Why) const;
};

/// What the patch descriptor needs to know about the mapping.
struct MappingFacts {
  bool HasConstraints = false;
  std::vector<unsigned> ConstraintLines; // one per entry
  /// HCU_CP(function, point) uses, by their __COUNTER__ value in the
  /// mapping (HCU_CP_AT's third argument): the point's number.
  std::map<int64_t, int> NamedPoints;
};

/// Runs every rule on the parsed mapping. Old is the running version, New the
/// patch's code. Reports errors through Ctx's diagnostics.
void checkMappingRules(clang::ASTContext &Ctx, const FunctionIndex &Old,
                       const FunctionIndex &New, int NewVersion,
                       MappingFacts &Facts);

} // namespace hcu

#endif
