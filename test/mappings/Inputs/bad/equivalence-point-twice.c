#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionB", "functionB", 2, {{1, 1}, HCU_CONTINUATION("stage#1", "stage#2")}},
// CHECK: {{^}}{{.*}}equivalence-point-twice.c:[[@LINE-1]]:44: error: continuation point 1 of 'functionB' is mapped twice{{$}}
// CHECK: {{^}}{{.*}}equivalence-point-twice.c:[[@LINE-2]]:36: note: first mapped here{{$}}
};
