//===- BuildId.h - the GNU build id of a linked ELF file ------------------===//
#ifndef HCU_TOOL_BUILDID_H
#define HCU_TOOL_BUILDID_H

#include "llvm/Support/Error.h"
#include <string>

namespace hcu {

/// The NT_GNU_BUILD_ID note of the ELF file at Path, in lower-case hex.
/// Any ELF class and byte order (cross builds); an error when the file is
/// not ELF or has no build id.
llvm::Expected<std::string> readBuildId(const std::string &Path);

} // namespace hcu

#endif
