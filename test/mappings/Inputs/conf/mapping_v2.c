/* Update description for conf v1 -> v2, with datatype transformers in the
 * form of UpStare's figure 5-2.
 *
 * - settings[] grows from 3 to 4 entries (the figure's case): the running
 *   table is copied element by element, so what v1 changed at run time
 *   (listen_port) is kept, and the new entries are filled by hand, with the
 *   new tunable's value set as the figure does.
 * - struct stats loses tag, gains misses and reorders its fields.
 * - current points at stats: pointers are not rewritten by hcu; the
 *   transformation function points it at the new storage itself.
 * - main's frame holds a struct stats (snap): its stack transformer converts
 *   it with the same element transformer.
 *
 * In the mapping, the running program's objects keep their names (settings,
 * stats) and the new storage is <name>_v2; the old struct layout is declared
 * under another tag. */
#include <string.h>

#include "hcu_mappings.h"
#include "hcu_headers.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "report", "report", 0 },
  { "main", "main", 1 }
};

struct setting {
  const char *name;
  unsigned int *var;
};

struct stats_v1 {
  int hits;
  long bytes;
  char tag[8];
};

struct stats {
  long bytes;
  int misses;
  int hits;
};

extern struct setting settings[3];
extern struct setting settings_v2[4];
extern unsigned int tunable_max_fails;
extern struct stats_v1 stats;
extern struct stats stats_v2;
extern struct stats *current;

void HCU_datatype_transformation__struct__setting__element(
    struct setting *old, struct setting *new) {
  new->name = old->name;
  new->var = old->var;
}

void HCU_datatype_transformation__struct__setting__arraysize3_to_struct__setting__arraysize4(
    struct setting (*old)[3], struct setting (*new)[4]) {
  long array_counter;
  {
    array_counter = 0;
    while (1) {
      HCU_datatype_transformation__struct__setting__element(
          &(*old)[array_counter], &(*new)[array_counter]);
      if (array_counter >= 3 - 1 - 1) /* the terminator moves to the end */
        break;
      array_counter++;
    }
    /* Must extend the array by hand. */
    ((*new)[2]).name = "max_fails";
    ((*new)[2]).var = &tunable_max_fails;
    ((*new)[3]).name = 0;
    ((*new)[3]).var = 0;
  }
}

void HCU_datatype_transformation__struct__stats_v1_to_struct__stats(
    struct stats_v1 *old, struct stats *new) {
  memset(new, 0, sizeof *new);
  new->hits = old->hits;
  new->bytes = old->bytes;
}

struct hcu_function_formal_main_v1_s {
  int argc;
  char **argv;
};

struct hcu_stack_local_main_v1_s {
  int rounds;
  struct stats_v1 snap;
  int r;
  void *hcu_a;
  void *hcu_mark;
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};

struct hcu_stack_local_main_v2_s {
  int rounds;
  struct stats snap;
  int r;
  void *hcu_a;
  void *hcu_mark;
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};

/* Locals and formals of the same name and type are carried over already;
 * snap changed type and is left zero for us. (-DNO_STACK_TRANSFORMER leaves
 * it out, for the test of the refusal.) */
#ifndef NO_STACK_TRANSFORMER
void HCU_stack_transformer__main(void *transform_stack_to,
                                 void *transform_stack_from,
                                 void *transform_params_to) {
  struct hcu_stack_local_main_v2_s *to = transform_stack_to;
  struct hcu_stack_local_main_v1_s *from = transform_stack_from;
  (void)transform_params_to;
  HCU_datatype_transformation__struct__stats_v1_to_struct__stats(&from->snap,
                                                                 &to->snap);
  hcu_copy_stack_frame_fields(&to->hcu_stack_frame_fields,
                              &from->hcu_stack_frame_fields);
}
#endif

int HCU_datatype_transformations_function(void)
    __attribute__((__HCU_ATTRIBUTE_NON_UPDATEABLE__));
int HCU_datatype_transformations_function(void) {
  HCU_datatype_transformation__struct__setting__arraysize3_to_struct__setting__arraysize4(
      &settings, &settings_v2);
  tunable_max_fails = 3;
  HCU_datatype_transformation__struct__stats_v1_to_struct__stats(&stats,
                                                                 &stats_v2);
  /* Last, once nothing can fail any more: this writes running storage. */
  if (current == (void *)&stats)
    current = &stats_v2;
  return 0;
}
