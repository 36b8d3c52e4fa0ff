#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"say", "say", 2},
// CHECK: {{^}}{{.*}}flag-not-boolean.c:[[@LINE-1]]:20: error: the thread-entry flag must be 0 or 1, not 2{{$}}
};
