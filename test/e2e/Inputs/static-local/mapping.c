/* static-local v1 -> v2, written by hand: handle's static locals change type
 * (st gains a field, total becomes a long). Their storage is named by the
 * symbols the metadata lists for the keys prog.c/handle#st and
 * prog.c/handle#total: the running program's, and the patch's new storage
 * (the same symbol with _v2). */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"handle", "handle", 0},
};

struct stats_v1 { int hits; };
struct stats_v2 { long longest; int hits; };

extern struct stats_v1 st_old __asm__("hcu_sl__prog_c__handle__st");
extern struct stats_v2 st_new __asm__("hcu_sl__prog_c__handle__st_v2");
extern int total_old __asm__("hcu_sl__prog_c__handle__total");
extern long total_new __asm__("hcu_sl__prog_c__handle__total_v2");

int HCU_datatype_transformations_function(void) {
  /* Values that show this transformer ran: hits times ten, and a total an
   * int could not hold. longest keeps v2's initial value (-1). */
  st_new.hits = st_old.hits * 10;
  total_new = total_old + 3000000000L;
  return 0;
}
