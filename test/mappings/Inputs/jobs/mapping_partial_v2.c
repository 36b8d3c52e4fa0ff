/* jobs v1 -> v2, rebuilding the main thread only up to job(): the running
 * job's frame (and step's above it) are rebuilt in version 2, main's frame
 * stays on the stack in version 1 code. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "job" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "step", "step", 0 },
  { "job", "job", 0 },
  { "main", "main", 1 }
};
