#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{3, 1, 0}}},
// CHECK: {{^}}{{.*}}constraint-min-above-max.c:[[@LINE-1]]:32: error: empty range: execution cannot have passed point 3 without reaching point 1, so this item never holds (min must be below max){{$}}
};
