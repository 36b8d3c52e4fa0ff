/* The alphabet v1 -> v2 mapping (test/alphabet/v2/mapping.c) with a safety
 * constraint that forbids the update while serve() runs on the main thread:
 * with a client connected, that is always, so the update waits until its
 * timeout (operator_progress.py watches hcuapply report the wait). */
#include "hcu_mappings.h"
#include "hcu_safety_constraints.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},
    {"serve", "serve", 0},
};

hcu_safety_constraint_t hcu_safety_constraints_v2[] = {
    {"main", "serve", 1, {{-1, -1, 0}}},
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
  state_v2.next_letter = state.next_letter;
  state_v2.letters_sent = 1000UL + (unsigned long)(state.next_letter - 'A');
  return 0;
}
