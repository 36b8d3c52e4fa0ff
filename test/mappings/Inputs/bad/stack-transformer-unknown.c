#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
void HCU_stack_transformer__functionC(void *to, void *from, void *params) {
// CHECK: {{^}}{{.*}}stack-transformer-unknown.c:[[@LINE-1]]:6: error: stack transformer for 'functionC', but the patch has no function 'functionC'{{$}}
  (void)to;
  (void)from;
  (void)params;
}
