/* tfork v1 -> v2: new answer and greeting formats; every function is
 * updated, so every frame of the parent and of each session child is
 * rebuilt in the new code. The transformer is the test's fault hook: a
 * session told "poison" makes its own process refuse to prepare. */
#include <stdlib.h>

#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},  {"serve", "serve", 0},   {"read_line", "read_line", 0},
    {"say", "say", 0},    {"answer", "answer", 0},
    {"spawn_other_program", "spawn_other_program", 0},
};

int HCU_datatype_transformations_function(void) {
  return getenv("TFORK_POISON") ? 1 : 0;
}
