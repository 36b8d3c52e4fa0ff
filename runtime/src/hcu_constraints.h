/* hcu_constraints.h: the safety constraints of a patch (constraints.c).
 *
 * Loading checks the tables a patch carries (they are untrusted input: a
 * patch may be built by anything) and resolves their names; evaluation runs
 * with every thread stopped, on the threads' frame records, and says whether
 * the update may happen now and, if not, which constraint forbids it and
 * where the thread is. The semantics are in docs/mapping-format.md. */
#ifndef HCU_CONSTRAINTS_H
#define HCU_CONSTRAINTS_H

#include <stddef.h>

#include "hcu/hcu_patch.h"
#include "hcu/hcu_rt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Finds a running function by key or unique name: 0 and a message if none
 * (hcu_registry_find; a stub in the fuzz target). */
typedef const struct hcu_func_desc *(*hcu_find_fn)(const char *name, char *err,
                                                   size_t errsz);

struct hcu_constraint_set;

/* Where one frame of a stopped thread is: its function, continuation point
 * and resume kind (enum hcu_resume_kind). Innermost frame first. */
struct hcu_frame_pos {
  const struct hcu_func_desc *fn;
  int cp;
  int kind;
};

/* Checks info's constraint tables and resolves them with find. HCU_OK with
 * *out (0 when the patch has no constraints), or HCU_ERR_PATCH_INVALID /
 * HCU_ERR_MAPPING with the reason in msg. The set points into info's tables,
 * which must outlive it (the patch stays loaded until the set is freed). */
int hcu_constraints_load(const struct hcu_patch_info *info, hcu_find_fn find,
                         struct hcu_constraint_set **out, char *msg,
                         size_t msgsz);
void hcu_constraints_free(struct hcu_constraint_set *s);

/* One thread's verdict: 1 if constraint entries of s that name this thread
 * forbid the update with its frames as given (why says which and where), 0
 * if they allow it. thread is the runtime's thread name ("main", or its
 * entry function's key). */
int hcu_constraints_forbid(const struct hcu_constraint_set *s,
                           const char *thread, const struct hcu_frame_pos *f,
                           size_t nframes, char *why, size_t whysz);

/* With every program thread parked (takes hcu_eng.lock): 1 if the update may
 * happen now, 0 with the reason in why. */
int hcu_constraints_allow(const struct hcu_constraint_set *s, char *why,
                          size_t whysz);

#ifdef __cplusplus
}
#endif
#endif /* HCU_CONSTRAINTS_H */
