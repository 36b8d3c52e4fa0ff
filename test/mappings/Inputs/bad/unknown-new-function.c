#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"say", "shout", 0},
// CHECK: {{^}}{{.*}}unknown-new-function.c:[[@LINE-1]]:13: error: the patch has no function 'shout' (new functions are named as in the new version's source){{$}}
};
