#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionC", 1, {{-1, -1, 0}}},
// CHECK: {{^}}{{.*}}constraint-unknown-function.c:[[@LINE-1]]:14: error: the running program (version 1) has no function 'functionC'{{$}}
};
