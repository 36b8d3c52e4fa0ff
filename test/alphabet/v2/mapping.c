/* Update description for alphabet v1 -> v2 (UpStare's mapping format).
 *
 * v2 adds letters_sent to struct server_state and prints it. The running
 * program's global is reached by its own name (state, v1 layout); the patch's
 * new storage is state_v2. The transformer keeps the letter sequence and
 * starts the counter at 1000 + the index of the next letter (A = 0), so the
 * first v2 line is "x #<1000 + index of x>" and the count goes up by one per
 * letter from there. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},
    {"serve", "serve", 0}, /* new line format; uses the changed global */
};

/* The old layout, under another tag, and the new one. */
struct server_state_v1 {
  char next_letter;
};

struct server_state {
  char next_letter;
  unsigned long letters_sent;
};

extern struct server_state_v1 state;
extern struct server_state state_v2;

void HCU_datatype_transformation__struct__server_state_to_struct__server_state(
    struct server_state_v1 *old, struct server_state *new_) {
  new_->next_letter = old->next_letter;
  new_->letters_sent = 1000UL + (unsigned long)(old->next_letter - 'A');
}

int HCU_datatype_transformations_function(void) {
  if (state.next_letter < 'A' || state.next_letter > 'Z')
    return 1; /* not a state we know how to carry over: refuse the update */
  HCU_datatype_transformation__struct__server_state_to_struct__server_state(
      &state, &state_v2);
  return 0;
}
