#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "main", 1, {{-1, -1, 0}}},
// CHECK: {{^}}{{.*}}constraint-never-clears.c:[[@LINE-1]]:26: error: this constraint can never clear: term 1 holds wherever 'main' is active, and 'main' is the entry of thread 'main', active for as long as the thread runs{{$}}
};
