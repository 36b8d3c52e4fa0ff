//===- MappingWriter.h - the template mapping file --------------*- C++ -*-===//
//
// Writes an update description in UpStare's format (docs/mapping-format.md)
// from a Comparison: the threads, the function updates, the datatype
// transformers it can derive, and `HCU-TODO` comments where the user must
// decide (hcu-patchgen --build refuses a mapping that still has one).
//
//===----------------------------------------------------------------------===//
#ifndef HCU_PATCHGEN_MAPPINGWRITER_H
#define HCU_PATCHGEN_MAPPINGWRITER_H

#include "Compare.h"
#include <string>

namespace hcu {

/// The mapping file's text; Todos counts the HCU-TODO marks in it.
std::string writeMapping(const Version &Old, const Version &New,
                         const Comparison &C, int &Todos);

/// The marker a mapping must not contain when a patch is built from it.
inline const char *todoMarker() { return "HCU-TODO"; }

} // namespace hcu

#endif
