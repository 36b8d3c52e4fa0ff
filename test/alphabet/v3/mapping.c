/* Update description for alphabet v2 -> v3 (UpStare's mapping format).
 *
 * v3 changes only serve(), the per-tick loop that is on the stack while a
 * client is connected: the line format becomes "[C] #1002". struct
 * server_state is the same as in v2, so there is no datatype transformer. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v3[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v3[] = {
    {"main", "main", 1},
    {"serve", "serve", 0},
};
