/* pinned v1 -> v2: report() prints the new prefix. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},
    {"report", "report", 0},
};
