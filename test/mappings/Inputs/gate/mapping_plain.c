/* Figure 5-5 as written: no update anywhere inside functionA on the main
 * thread. */
#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = { { "say", "say", 0 } };

hcu_safety_constraint_t hcu_safety_constraints_v2[] = { { "main", "functionA", 1, { { -1, -1, 0 } } } };
