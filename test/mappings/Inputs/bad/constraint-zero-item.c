#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"
hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};
hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {{"say", "say", 0}};
hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "functionB", 1, {{{1, 3, 0}, {0, 0, 0}}}},
// CHECK: {{^}}{{.*}}constraint-zero-item.c:[[@LINE-1]]:43: error: the item {0, 0, 0} reads as an unused slot (C's zero fill), and as a range it is empty; write the range you mean{{$}}
};
