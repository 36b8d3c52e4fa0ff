/* blocker v1 -> v2: report() prints the new version's prefix; main() is
 * updated too, so the frame blocked in it is rebuilt in the new code. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},
    {"report", "report", 0},
    {"spin", "spin", 0},
};
