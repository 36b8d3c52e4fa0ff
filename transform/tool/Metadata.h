//===- Metadata.h - hcu-cc's metadata files -------------------------------===//
//
// Every file hcu-cc builds has its metadata beside it, named by appending
// ".hcu.json" to the file's own name: x.o -> x.o.hcu.json (one unit, written
// by the transform), prog -> prog.hcu.json and patch.so -> patch.so.hcu.json
// (merged, "format": "hcu-metadata-1").
//
//===----------------------------------------------------------------------===//
#ifndef HCU_TOOL_METADATA_H
#define HCU_TOOL_METADATA_H

#include "llvm/Support/Error.h"
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hcu {

inline std::string metadataPathFor(const std::string &File) {
  return File + ".hcu.json";
}
inline std::string instrumentedPathFor(const std::string &Object) {
  return Object + ".hcu.c";
}

llvm::Expected<nlohmann::json> readJsonFile(const std::string &Path);
llvm::Error writeJsonFile(const std::string &Path, const nlohmann::json &J);

/// The unit's uid ("uid" in its metadata).
std::string unitUid(const nlohmann::json &Unit);
/// The unit's name in keys ("name"; the base name of "file" in older
/// metadata).
std::string baseUnitName(const nlohmann::json &Unit);

/// Metadata of a linked program from its units' metadata.
nlohmann::json programMetadata(const std::string &BuildId,
                               const std::vector<nlohmann::json> &Units);

/// Metadata of a patch: Base's units, each replaced by the patch's unit of
/// the same uid, then the patch's new units.
nlohmann::json patchMetadata(const nlohmann::json &Base,
                             const std::string &BuildId, int NewVersion,
                             const std::vector<nlohmann::json> &Units);

/// Checks what a patch build needs of its base's metadata; Path is for the
/// message.
llvm::Error checkBaseMetadata(const nlohmann::json &Base,
                              const std::string &Path);

/// The running program's build id that a patch built on Base applies to.
std::string targetBuildId(const nlohmann::json &Base);

} // namespace hcu

#endif
