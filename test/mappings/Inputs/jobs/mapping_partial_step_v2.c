/* jobs v1 -> v2, rebuilding the main thread only up to step(): step is
 * active only while it prints, so when the update stops the thread (asleep
 * in job) no frame of step is on the stack, and the thread is rebuilt
 * whole. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "step" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "step", "step", 0 },
  { "job", "job", 0 },
  { "main", "main", 1 }
};
