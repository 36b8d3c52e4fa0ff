#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{-1, -1, 2}}},
// CHECK: {{^}}{{.*}}constraint-negation-flag.c:[[@LINE-1]]:40: error: the negation flag must be 0 or 1, not 2{{$}}
};
