#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionB", "functionQ", 1, {{1, 1}}},
// CHECK: {{^}}{{.*}}equivalence-unknown-new.c:[[@LINE-1]]:19: error: the patch has no function 'functionQ', nor does the running program (version 1){{$}}
};
