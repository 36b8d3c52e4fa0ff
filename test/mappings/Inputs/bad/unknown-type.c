#include "hcu_mappings.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
extern parseconf_setting_t parseconf_uint_array[17];
// CHECK: {{^}}{{.*}}unknown-type.c:[[@LINE-1]]:8: error: unknown type name 'parseconf_setting_t'{{$}}
