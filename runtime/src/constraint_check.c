/* constraint_check.c: evaluates a patch's safety constraints on the frame
 * records of the stopped threads (the pure part is constraints.c). */
#include <stdio.h>
#include <stdlib.h>

#include "hcu_constraints.h"
#include "hcu_engine.h"

int hcu_constraints_allow(const struct hcu_constraint_set *s, char *why,
                          size_t whysz) {
  if (!s)
    return 1;
  int allow = 1;
  struct hcu_frame_pos small[64], *pos = small;
  size_t cap = sizeof small / sizeof small[0];
  pthread_mutex_lock(&hcu_eng.lock);
  for (struct hcu_thread *t = hcu_eng.threads; t && allow; t = t->next) {
    if (t->recs.n > cap) {
      struct hcu_frame_pos *p = realloc(pos == small ? NULL : pos,
                                        t->recs.n * sizeof *p);
      if (!p) {
        snprintf(why, whysz, "out of memory evaluating the safety "
                             "constraints");
        allow = 0;
        break;
      }
      pos = p;
      cap = t->recs.n;
    }
    for (size_t i = 0; i < t->recs.n; i++) {
      struct hcu_record *r = t->recs.v[i];
      const struct hcu_stack_frame_fields_s *f = hcu_record_fields(r);
      pos[i] = (struct hcu_frame_pos){r->fn, f->cp, f->kind};
    }
    if (hcu_constraints_forbid(s, t->name, pos, t->recs.n, why, whysz))
      allow = 0;
  }
  pthread_mutex_unlock(&hcu_eng.lock);
  if (pos != small)
    free(pos);
  return allow;
}
