/* noreturn v1 -> v2: both messages change; main, and serve (noreturn, with
 * the frame blocked in read), are rebuilt in the new version. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},
    {"serve", "serve", 0},
    {"report", "report", 0},
    {"finish", "finish", 0},
};
