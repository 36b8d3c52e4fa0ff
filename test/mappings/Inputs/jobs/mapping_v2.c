/* jobs v1 -> v2: every function is updated. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "step", "step", 0 },
  { "job", "job", 0 },
  { "main", "main", 1 }
};
