#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionB", "functionB", 1, {{1, 1}}},
// CHECK: {{^}}{{.*}}equivalence-twice.c:[[@LINE+3]]:48: error: 'functionB' has two algorithmic equivalences{{$}}
// CHECK: {{^}}{{.*}}equivalence-twice.c:[[@LINE-2]]:5: note: the first one is here{{$}}
};
hcu_mapping_algorithmic_equivalence_t eq2[] = {{"functionB", "functionB", 1, {{2, 2}}}};
