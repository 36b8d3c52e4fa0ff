/* hcu_history.h: the updates committed in this process, newest on top, kept
 * so that the newest can be reverted and its patch unloaded (history.c).
 * Used by the control thread only (update.c, control.c): no locking. */
#ifndef HCU_HISTORY_H
#define HCU_HISTORY_H

#include <stdint.h>

struct hcu_unit_desc;
struct hcu_fn_update;
struct hcu_patch_info;

struct hcu_history {
  void *handle;                /* dlopen handle of the patch */
  struct hcu_unit_desc *units; /* the patch's units (in its memory) */
  struct hcu_fn_update *upd;   /* old -> new per switched function */
  int nupd;
  const struct hcu_patch_info *info;
  int (*reverse)(void); /* HCU_datatype_reverse_transformations_function */
  int version;          /* the version it installed */
  char *path;           /* the patch as given to apply */
  char when[32];        /* UTC time of the commit */
  /* Why its patch stays loaded although a later update superseded it
   * (unload.c), "" if nothing keeps it or it is still in use. */
  char kept[256];
  /* The patch of the version below this one was unloaded: this update
   * cannot be reverted any more. */
  int prev_unloaded;
  struct hcu_history *prev;
};

/* A new entry for a patch being applied (path copied); 0 when out of
 * memory. Freed with hcu_history_free unless pushed. */
struct hcu_history *hcu_history_new(const char *path);
void hcu_history_free(struct hcu_history *h);
void hcu_history_push(struct hcu_history *h);
/* The newest committed update, or 0. */
struct hcu_history *hcu_history_top(void);
/* Unlinks the newest entry and returns it (the caller unloads and frees). */
struct hcu_history *hcu_history_pop(void);

/* Unlinks h from anywhere in the stack (its patch was unloaded) and
 * marks the entry above it as no longer revertible. The caller frees h. */
void hcu_history_remove(struct hcu_history *h);
/* Reverted updates whose patch stays loaded because something may still
 * use it (unload.c): a list of their own, linked through prev. */
void hcu_history_orphan(struct hcu_history *h);
struct hcu_history *hcu_history_orphans(void);
/* Unlinks h from that list (its patch was unloaded); the caller frees h. */
void hcu_history_orphan_remove(struct hcu_history *h);
/* Number of patches unloaded so far (status). */
extern int hcu_history_unloaded;
/* 1 if addr lies inside an entry of the stack (runtime bookkeeping, which
 * points into the patches it records). */
int hcu_history_owns(const void *addr);

/* Number of program threads the runtime knows (for status). */
int hcu_history_threads(void);

#endif /* HCU_HISTORY_H */
