#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {
    {"main", "mian"},
// CHECK: {{^}}{{.*}}unknown-up-to.c:[[@LINE-1]]:14: error: the running program (version 1) has no function 'mian'{{$}}
};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
