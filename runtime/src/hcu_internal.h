/* hcu_internal.h: declarations shared by libhcu's own source files. */
#ifndef HCU_INTERNAL_H
#define HCU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hcu/hcu_errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Update requests (control channel -> update engine) ------------------*/

enum hcu_update_model { HCU_MODEL_IMMEDIATE = 0, HCU_MODEL_LAZY = 1 };

struct hcu_apply_result;

struct hcu_apply_request {
  char path[4096];      /* absolute path of the patch .so */
  int model;            /* enum hcu_update_model */
  int dry_run;          /* validate and quiesce, then roll back */
  unsigned timeout_ms;  /* quiescence timeout; 0 = default */
  int revert;           /* undo the newest update (path unused) */
  int two_phase;        /* prepare, then wait for the coordinator's decision */
  /* Two-phase updates of a process group: called by the engine once the
   * update is prepared (every thread stopped, frames mapped, transformers
   * run), before anything is switched. Returns 1 to commit, or 0 to roll
   * back with the reason in why. Not called for dry runs. */
  int (*prepared)(void *ctx, const struct hcu_apply_result *res, char *why,
                  size_t whysz);
  void *prepared_ctx;
  int want_progress; /* progress=1: report slow steps as they happen */
  /* Called by the engine with a line of progress for people (a step done,
   * or once a second while it waits for the threads). May be 0. */
  void (*progress)(void *ctx, const char *text);
  void *progress_ctx;
};

struct hcu_apply_result {
  int code;                 /* enum hcu_error (HCU_OK on success) */
  char message[1024];       /* what went wrong and where, or a summary */
  int old_version;
  int new_version;
  uint64_t quiesce_us;      /* request -> every thread stopped */
  uint64_t pause_us;        /* first thread stopped -> last thread resumed */
  int nfunctions;           /* functions whose slot was switched */
  int nframes;              /* frames unwound and rebuilt */
  char functions[2048];     /* comma-separated keys of switched functions */
};

/* Runs one update to completion (or rollback) and fills *res. Called from the
 * control thread; never from a program thread. Returns res->code. */
int hcu_update_apply(const struct hcu_apply_request *req,
                     struct hcu_apply_result *res);

/* Current program version and the program's GNU build id (hex). */
int hcu_current_version(void);
const char *hcu_build_id(void);

/* Control channel: started by the runtime constructor unless updates are
 * disabled (HCU_DISABLE=1). Returns 0 or an hcu_error. */
int hcu_control_start(void);

/* Whether apply requests reach the engine; status reports it. */
void hcu_control_set_updates_enabled(int enabled);
int hcu_control_updates_enabled(void);

/* Nonzero on the control thread (the engine may assert it). */
int hcu_is_control_thread(void);

/* Runtime log: a fixed ring of recent messages, readable over the channel.
 * hcu_log_init registers its fork handlers (idempotent; call it first). */
void hcu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hcu_log_init(void);

/* Monotonic microseconds. */
uint64_t hcu_now_us(void);

#ifdef __cplusplus
}
#endif
#endif /* HCU_INTERNAL_H */
