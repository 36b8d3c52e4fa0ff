#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 2, {{-1, 2, 0}}},
// CHECK: {{^}}{{.*}}constraint-count-mismatch.c:[[@LINE-1]]:27: error: the count says 2 terms, but 1 is written{{$}}
};
