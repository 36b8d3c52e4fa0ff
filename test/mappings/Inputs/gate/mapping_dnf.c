/* Two terms. functionB's points: 0 entry, 1 stage#1, 2 stage#2, 3 stage#3,
 * 4 say#1. No update while functionB has not yet reached point 2 (stage 1),
 * or while it has passed point 1 and is not between points 1 and 3 (stage 3
 * and after): the update may only happen in stage 2, or outside functionB. */
#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = { { "say", "say", 0 } };

hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
  { "main", "functionB", 2, {
      { { -1, 2, 0 } },
      { { 1, -1, 0 }, { 1, 3, 1 } } } }
};
