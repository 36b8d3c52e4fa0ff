/* mapping_dnf.c's two terms with the continuation points named instead of
 * numbered (HCU_CP, resolved to functionB's numbers by hcu-cc): no update
 * before functionB reaches stage#2, nor once it has passed stage#1 without
 * being between stage#1 and stage#3. */
#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = { { "say", "say", 0 } };

hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
  { "main", "functionB", 2, {
      { { -1, HCU_CP("functionB", "stage#2"), 0 } },
      { { HCU_CP("functionB", "stage#1"), -1, 0 },
        { HCU_CP("functionB", "stage#1"), HCU_CP("functionB", "stage#3"), 1 } } } }
};
