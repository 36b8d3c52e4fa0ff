#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionB", "functionB", 1, {{9, 1}}},
// CHECK: {{^}}{{.*}}equivalence-old-point.c:[[@LINE-1]]:37: error: 'functionB' has no continuation point 9 (its points are 0 to 4 in the running version){{$}}
};
