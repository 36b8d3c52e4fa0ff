#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"sayy", "say", 0},
// CHECK: {{^}}{{.*}}unknown-old-function.c:[[@LINE-1]]:6: error: the running program (version 1) has no function 'sayy'{{$}}
};
