/* Update description for alphabet v1 -> v2 whose datatype transformer
 * crashes: it writes through a null pointer, as a buggy transformer would.
 * faults.py checks that the update is rolled back and the process lives. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},
    {"serve", "serve", 0},
};

struct server_state_v1 {
  char next_letter;
};

struct server_state {
  char next_letter;
  unsigned long letters_sent;
};

extern struct server_state_v1 state;
extern struct server_state state_v2;

/* volatile: the compiler cannot know the pointer is null and must emit the
 * store, so the crash is a real SIGSEGV in the patch's code. */
static struct server_state *volatile broken;

void HCU_datatype_transformation__struct__server_state_to_struct__server_state(
    struct server_state_v1 *old, struct server_state *new_) {
  new_->next_letter = old->next_letter;
  broken->letters_sent = 1;
}

int HCU_datatype_transformations_function(void) {
  HCU_datatype_transformation__struct__server_state_to_struct__server_state(
      &state, &state_v2);
  return 0;
}
