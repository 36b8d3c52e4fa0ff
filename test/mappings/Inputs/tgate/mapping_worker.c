/* Constraints on the worker thread (named by its entry function): no update
 * while the worker is in busy(). The entry on "main" never holds: main never
 * calls busy(), and each entry looks only at its own thread's stack. */
#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {
  { "main", "main" }, { "worker", "worker" }
};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = { { "say", "say", 0 } };

hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
  { "main", "busy", 1, { { -1, -1, 0 } } },
  { "worker", "busy", 1, { { -1, -1, 0 } } }
};
