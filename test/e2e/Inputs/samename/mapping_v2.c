/* samename v1 -> v2: only the static bump of b/util.c changes. a/util.c
 * has a bump too, so the mapping names it by its key. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"b/util.c/bump", "b/util.c/bump", 0},
};
