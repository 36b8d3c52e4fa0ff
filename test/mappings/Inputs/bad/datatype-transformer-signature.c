#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
void HCU_datatype_transformation__int_to_long(int old, long new_) {
// CHECK: {{^}}{{.*}}datatype-transformer-signature.c:[[@LINE-1]]:6: error: datatype transformer 'HCU_datatype_transformation__int_to_long' must be 'void HCU_datatype_transformation__int_to_long(OLD_TYPE *old, NEW_TYPE *new)'{{$}}
  (void)old;
  (void)new_;
}
