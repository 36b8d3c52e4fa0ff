#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {
    {"worker", "worker"},
// CHECK: {{^}}{{.*}}unknown-thread.c:[[@LINE-1]]:6: error: unknown thread 'worker': threads are named by their entry function ('main', or a start routine passed to pthread_create), and the running program (version 1) has no function 'worker'{{$}}
// CHECK: {{^}}{{.*}}unknown-thread.c:[[@LINE-2]]:16: error: the running program (version 1) has no function 'worker'{{$}}
};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
