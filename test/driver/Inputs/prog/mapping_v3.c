#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v3[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v3[] = {
    {"step", "step", 0},
};
