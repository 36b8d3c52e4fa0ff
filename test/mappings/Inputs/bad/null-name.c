#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {0, "say", 0},
// CHECK: {{^}}{{.*}}null-name.c:[[@LINE-1]]:6: error: the old function name must be a non-empty string literal{{$}}
};
