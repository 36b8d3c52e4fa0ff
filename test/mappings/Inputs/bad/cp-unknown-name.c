#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{HCU_CP("functionB", "stage#1"), HCU_CP("functionB", "stage#9"), 0}}},
// CHECK: {{^}}{{.*}}cp-unknown-name.c:[[@LINE-1]]:64: error: function 'functionB' has no continuation point named 'stage#9' in the running program (version 1) (its points: entry, stage#1, stage#2, stage#3, say#1){{$}}
};
