#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{HCU_CP("functionA", "readline#1"), -1, 0}}},
// CHECK: {{^}}{{.*}}cp-wrong-function.c:[[@LINE-1]]:32: error: HCU_CP("functionA", ...) names another function than the one this point belongs to ('functionB'){{$}}
};
