#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
int hcu_safety_constraints_v2[] = {1, 2};
// CHECK: {{^}}{{.*}}constraints-type.c:[[@LINE-1]]:5: error: 'hcu_safety_constraints_v2' must be an array of hcu_safety_constraint_t (include hcu_safety_constraints.h){{$}}
