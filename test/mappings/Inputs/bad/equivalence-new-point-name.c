#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_mapping_algorithmic_equivalence_t eq[] = {
    {"functionB", "functionB", 1, {HCU_CONTINUATION("stage#1", "stage#9")}},
// CHECK: {{^}}{{.*}}equivalence-new-point-name.c:[[@LINE-1]]:64: error: function 'functionB' has no continuation point named 'stage#9' in the patch (version 2) (its points: entry, stage#1, stage#2, stage#3, say#1){{$}}
};
