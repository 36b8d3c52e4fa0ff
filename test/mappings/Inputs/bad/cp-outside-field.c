#include "hcu_mappings.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
int HCU_datatype_transformations_function(void) {
  int first = HCU_CP("functionB", "stage#1");
// CHECK: {{^}}{{.*}}cp-outside-field.c:[[@LINE-1]]:15: error: HCU_CP(...) names a continuation point only in a point field: the points of an algorithmic equivalence or the min and max of a safety constraint item; elsewhere use the point's number{{$}}
  return first > 0 ? 0 : 0;
}
// CHECK-NOT: negative
