/* Update description for alphabet v1 -> v2 whose datatype transformer
 * crashes: it writes through a wild pointer, as a buggy transformer would.
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

/* A wild pointer into the first page past NULL, which is never mapped
 * (vm.mmap_min_addr): the store is a real SIGSEGV in the patch's code. Not
 * NULL itself, so that UBSan (halt_on_error in the sanitizer run) does not
 * stop the process before the fault; volatile, so the compiler must emit
 * the store. */
static volatile unsigned long wild_address = 4096;

void HCU_datatype_transformation__struct__server_state_to_struct__server_state(
    struct server_state_v1 *old, struct server_state *new_) {
  new_->next_letter = old->next_letter;
  ((struct server_state *)wild_address)->letters_sent = 1;
}

int HCU_datatype_transformations_function(void) {
  HCU_datatype_transformation__struct__server_state_to_struct__server_state(
      &state, &state_v2);
  return 0;
}
