#include "hcu_mappings.h"
// CHECK: {{^}}{{.*}}missing-updates.c:[[@LINE-1]]:1: error: the mapping must define mapping_updates_v2 (hcu_mapping_update_description_t[]){{$}}
#include "hcu_safety_constraints.h"
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
