#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {
    {"main", "main"},
    {"main", "main"},
// CHECK: {{^}}{{.*}}duplicate-thread.c:[[@LINE-1]]:5: error: thread 'main' is listed twice in mapping_updates_v2{{$}}
// CHECK: {{^}}{{.*}}duplicate-thread.c:[[@LINE-3]]:5: note: first listed here{{$}}
};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
