#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
int HCU_stack_transformer__functionA(void *to, void *from) {
// CHECK: {{^}}{{.*}}stack-transformer-signature.c:[[@LINE-1]]:5: error: stack transformer 'HCU_stack_transformer__functionA' must be 'void HCU_stack_transformer__functionA(void *transform_stack_to, void *transform_stack_from, void *transform_params_to)'{{$}}
  (void)to;
  (void)from;
  return 0;
}
