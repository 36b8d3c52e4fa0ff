#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{2, 9, 0}}},
// CHECK: {{^}}{{.*}}constraint-unknown-point.c:[[@LINE-1]]:35: error: 'functionB' has no continuation point 9 (its points are 0 to 4 in the running version){{$}}
};
