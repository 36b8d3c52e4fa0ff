#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionB", "functionB", 2, {{1, 1}}},
// CHECK: {{^}}{{.*}}equivalence-count.c:[[@LINE-1]]:32: error: the count says 2 pairs, but 1 is written{{$}}
};
