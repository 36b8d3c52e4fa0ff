#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v3[] = {
// CHECK: {{^}}{{.*}}constraints-suffix.c:[[@LINE-1]]:25: error: 'hcu_safety_constraints_v3' does not match this patch: it builds version 2, so the constraints must be named 'hcu_safety_constraints_v2'{{$}}
    {"main", "functionA", 1, {{-1, -1, 0}}},
};
