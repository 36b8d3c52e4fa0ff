#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"say", "say", 0},
    {"say", "say", 0},
// CHECK: {{^}}{{.*}}duplicate-function.c:[[@LINE-1]]:5: error: function 'say' is updated twice{{$}}
// CHECK: {{^}}{{.*}}duplicate-function.c:[[@LINE-3]]:5: note: first update here{{$}}
};
