#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"step", "step", 0},
};
