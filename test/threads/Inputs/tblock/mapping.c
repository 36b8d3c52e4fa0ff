/* tblock v1 -> v2: report() prints "v2"; every function is updated, so the
 * blocked thread's frames (and main's) are rebuilt in the new code. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {
    {"main", "main"}, {"blocked", "blocked"}, {"reader", "reader"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},     {"blocked", "blocked", 1},
    {"reader", "reader", 1}, {"report", "report", 0},
    {"now", "now", 0},       {"read_line", "read_line", 0},
    {"drain", "drain", 0},   {"past", "past", 0},
    {"realtime_in", "realtime_in", 0}, {"fork_reader", "fork_reader", 0},
};
