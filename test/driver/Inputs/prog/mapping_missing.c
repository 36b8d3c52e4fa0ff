#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
