/* tforeign v1 -> v2: VERSION is 2; every function is updated, so the pump
 * thread's frames in on_item are rebuilt in the new code. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"},
                                                      {"on_item", "on_item"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},   {"on_item", "on_item", 1},
    {"work", "work", 0},   {"expected", "expected", 0},
};
