#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionZ", "functionB", 1, {{1, 1}}},
// CHECK: {{^}}{{.*}}equivalence-unknown-old.c:[[@LINE-1]]:6: error: the running program (version 1) has no function 'functionZ'{{$}}
};
