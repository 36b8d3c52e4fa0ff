/* pool v1 -> v2: every function; the workers are thread entries. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {
  { "main", "main" }, { "worker", "worker" }
};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "process", "process", 0 },
  { "worker", "worker", 1 },
  { "main", "main", 1 }
};
