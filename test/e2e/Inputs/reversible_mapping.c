/* Update description for alphabet v1 -> v2 that can be undone: the same as
 * test/alphabet/v2/mapping.c, plus the reverse datatype transformer that
 * hcuapply revert runs (v2's state back into v1's layout). The counter is
 * dropped; the letter sequence carries on. */
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

int HCU_datatype_transformations_function(void) {
  if (state.next_letter < 'A' || state.next_letter > 'Z')
    return 1;
  state_v2.next_letter = state.next_letter;
  state_v2.letters_sent = 1000UL + (unsigned long)(state.next_letter - 'A');
  return 0;
}

int HCU_datatype_reverse_transformations_function(void) {
  if (state_v2.next_letter < 'A' || state_v2.next_letter > 'Z')
    return 1;
  state.next_letter = state_v2.next_letter;
  return 0;
}
