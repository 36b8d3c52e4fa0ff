#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{-2, 3, 0}}},
// CHECK: {{^}}{{.*}}constraint-point-below.c:[[@LINE-1]]:32: error: min point -2 is not a continuation point number (use -1 for anywhere){{$}}
};
