#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 0},
// CHECK: {{^}}{{.*}}main-flag.c:[[@LINE-1]]:22: error: 'main' is a thread entry point: its thread-entry flag must be 1{{$}}
};
