/* update.c: the update engine. One update at a time, run by the control
 * thread: load and check the patch, stop every program thread, map their
 * frame records to the new version, run the datatype transformers, and only
 * then commit. Any failure before the commit leaves the old version running
 * with its state intact. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu_constraints.h"
#include "hcu_engine.h"
#include "hcu_fault.h"
#include "hcu_history.h"
#include "hcu_unload.h"

#define DEFAULT_TIMEOUT_MS 5000u
#define REKILL_MS 2u
#define REBUILD_WAIT_MS 5000u

struct apply {
  const struct hcu_apply_request *req;
  struct hcu_apply_result *res;
  void *handle;
  const struct hcu_patch_info *info;
  struct hcu_unit_desc *units; /* the patch's, pending until the commit */
  struct hcu_fn_update *upd;
  int nupd;
  unsigned timeout_ms;
  int quiesce_started;
  uint64_t t_request;
  struct hcu_constraint_set *cons; /* the patch's safety constraints */
  uint64_t t_first;                /* first stop request */
  uint64_t next_progress_us;       /* when to say again what it waits for */
  int late;                        /* a retry's release left a thread late */
  struct hcu_history *hist;           /* apply: pushed at the commit */
  struct hcu_patch_info revert_info;  /* revert: the newest update, reversed */
  struct hcu_frame_rules rules; /* equivalences, stack transformers */
  struct hcu_partial *partial;  /* the mapping's partial rebuilds */
  int npartial;
};

static int fail(struct apply *a, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct apply *a, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->res->message, sizeof a->res->message, fmt, ap);
  va_end(ap);
  return code;
}

/* A line of progress for the operator (hcuapply shows it on a terminal or
 * with --verbose). Never called with the engine lock held: it writes to
 * the control socket. */
static void progress(struct apply *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(struct apply *a, const char *fmt, ...) {
  if (!a->req->progress)
    return;
  char line[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  a->req->progress(a->req->progress_ctx, line);
}

#define PROGRESS_EVERY_US 1000000u

static unsigned timeout_of(const struct hcu_apply_request *req) {
  if (req->timeout_ms)
    return req->timeout_ms;
  const char *s = getenv("HCU_TIMEOUT_MS");
  if (s && *s) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!errno && !*end && v > 0 && v <= 3600000UL && s[0] != '-')
      return (unsigned)v;
    hcu_log("update: ignoring HCU_TIMEOUT_MS='%s'", s);
  }
  return DEFAULT_TIMEOUT_MS;
}

/* ---- Loading and checking the patch --------------------------------------*/

static int check_info(struct apply *a) {
  const struct hcu_patch_info *i = a->info;
  const char *path = a->req->path;
  if (i->abi != HCU_PATCH_ABI_VERSION)
    return fail(a, HCU_ERR_PATCH_INVALID,
                "%s was built for patch ABI %d, this runtime has ABI %d; "
                "rebuild it with the matching hcu-cc",
                path, i->abi, HCU_PATCH_ABI_VERSION);
  if (!hcu_build_id()[0])
    return fail(a, HCU_ERR_WRONG_BUILD,
                "this process's executable has no GNU build id (link it with "
                "-Wl,--build-id), so no patch can be checked against it");
  if (!i->target_build_id || strcmp(i->target_build_id, hcu_build_id()) != 0)
    return fail(a, HCU_ERR_WRONG_BUILD,
                "patch is for build %s, this process runs build %s",
                i->target_build_id ? i->target_build_id : "(none)",
                hcu_build_id());
  if (i->base_version != hcu_current_version())
    return fail(a, HCU_ERR_WRONG_VERSION,
                "patch applies to version %d, process runs version %d",
                i->base_version, hcu_current_version());
  if (i->new_version != i->base_version + 1 || i->nfunctions < 0 ||
      i->nthreads < 0 || (i->nfunctions > 0 && !i->functions) ||
      (i->nthreads > 0 && !i->threads))
    return fail(a, HCU_ERR_PATCH_INVALID,
                "%s has a malformed hcu_patch_info (versions %d -> %d, %d "
                "functions, %d threads)",
                path, i->base_version, i->new_version, i->nfunctions,
                i->nthreads);
  return HCU_OK;
}

/* Threads are named by their entry function: "main", or the start routine
 * of threads created with pthread_create (every thread with that entry is
 * rebuilt; all are stopped anyway). A thread is rebuilt whole when
 * up_to_function is its entry, else only up to the innermost frame of
 * up_to_function (docs/mapping-format.md, partial rebuilds). */
static int check_threads(struct apply *a) {
  const struct hcu_patch_info *i = a->info;
  const char *map = i->mapping_file ? i->mapping_file : "the mapping";
  char err[512];
  if (i->nthreads > 0 &&
      !(a->partial = calloc((size_t)i->nthreads, sizeof *a->partial)))
    return fail(a, HCU_ERR_NOMEM, "out of memory reading mapping_updates");
  for (int k = 0; k < i->nthreads; k++) {
    const hcu_mapping_update_description_t *t = &i->threads[k];
    if (!t->thread)
      return fail(a, HCU_ERR_PATCH_INVALID,
                  "%s: thread entry %d in mapping_updates has no name", map, k);
    const struct hcu_func_desc *f = NULL;
    if (strcmp(t->thread, "main") != 0 &&
        !(f = hcu_registry_find(t->thread, err, sizeof err)))
      return fail(a, HCU_ERR_MAPPING,
                  "%s: thread '%s' in mapping_updates: %s (threads are named "
                  "by their entry function)",
                  map, t->thread, err);
    if (!t->up_to_function || strcmp(t->up_to_function, t->thread) == 0 ||
        (f && strcmp(t->up_to_function, f->key) == 0))
      continue; /* the whole stack */
    const struct hcu_func_desc *u =
        hcu_registry_find(t->up_to_function, err, sizeof err);
    if (!u)
      return fail(a, HCU_ERR_MAPPING,
                  "%s: thread '%s' in mapping_updates is rebuilt up to '%s': "
                  "%s",
                  map, t->thread, t->up_to_function, err);
    if (f == u || (!f && strcmp(u->key, "main") == 0))
      continue;
    a->partial[a->npartial].thread = f ? f->key : "main";
    a->partial[a->npartial].up_to = u->key;
    a->npartial++;
  }
  return HCU_OK;
}

static int resolve_functions(struct apply *a) {
  const struct hcu_patch_info *i = a->info;
  const char *map = i->mapping_file ? i->mapping_file : "the mapping";
  char err[512];
  if (i->nfunctions == 0)
    return HCU_OK;
  a->upd = calloc((size_t)i->nfunctions, sizeof *a->upd);
  if (!a->upd)
    return fail(a, HCU_ERR_NOMEM, "out of memory resolving %d function updates",
                i->nfunctions);
  for (int k = 0; k < i->nfunctions; k++) {
    const hcu_mapping_function_update_description_t *f = &i->functions[k];
    if (!f->old_name || !f->new_name)
      return fail(a, HCU_ERR_PATCH_INVALID,
                  "%s: function update %d has no old or new name", map, k);
    const struct hcu_func_desc *o = hcu_registry_find(f->old_name, err,
                                                      sizeof err);
    if (!o)
      return fail(a, HCU_ERR_MAPPING, "%s: function update %s -> %s: %s", map,
                  f->old_name, f->new_name, err);
    const struct hcu_func_desc *n = hcu_units_find(a->units, f->new_name, err,
                                                   sizeof err);
    if (!n)
      return fail(a, HCU_ERR_MAPPING, "%s: function update %s -> %s: %s", map,
                  f->old_name, f->new_name, err);
    for (int j = 0; j < a->nupd; j++)
      if (hcu_same_key(a->upd[j].old_fn, o))
        return fail(a, HCU_ERR_MAPPING,
                    "%s: function %s is updated twice", map, o->key);
    /* Binding by interposition: the patch's slot for an unchanged key must
     * be the program's own. */
    if (hcu_same_key(o, n) && n->slot != o->slot)
      return fail(a, HCU_ERR_MAPPING,
                  "the patch's slot for %s did not bind to the program's; "
                  "link the program with -Wl,--export-dynamic",
                  o->key);
    a->upd[a->nupd].old_fn = o;
    a->upd[a->nupd].new_fn = n;
    a->nupd++;
  }
  if (hcu_fault_fire(HCU_FAULT_BIND))
    return fail(a, HCU_ERR_MAPPING,
                "the patch's slot for %s did not bind to the program's: "
                "injected fault (HCU_FAULT=bind); nothing was changed",
                a->upd[0].old_fn->key);
  return HCU_OK;
}

static int load_patch(struct apply *a) {
  const char *path = a->req->path;
  if (a->req->model != HCU_MODEL_IMMEDIATE &&
      a->req->model != HCU_MODEL_LAZY)
    return fail(a, HCU_ERR_UNSUPPORTED, "unknown update model %d",
                a->req->model);
  if (hcu_fault_fire(HCU_FAULT_LOAD))
    return fail(a, HCU_ERR_PATCH_LOAD,
                "cannot load %s: injected fault (HCU_FAULT=load); nothing was "
                "changed",
                path);
  /* A reverted patch that stayed loaded (unload.c) would come back
   * without its constructors, so without its units. */
  void *again = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  int orphan = 0;
  for (struct hcu_history *h = hcu_history_orphans(); h && again && !orphan;
       h = h->prev)
    orphan = h->handle == again;
  if (again)
    dlclose(again);
  if (orphan) {
    return fail(a, HCU_ERR_PATCH_LOAD,
                "cannot load %s: the same file is still loaded (reverted, "
                "but kept because the program may still use it: see "
                "hcuapply status); apply a copy of it under another name",
                path);
  }
  int nbad = 0;
  hcu_registry_begin_load();
  dlerror();
  a->handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  const char *dlerr = a->handle ? NULL : dlerror();
  a->units = hcu_registry_end_load(&nbad);
  if (!a->handle)
    return fail(a, HCU_ERR_PATCH_LOAD, "cannot load %s: %s", path,
                dlerr ? dlerr : "unknown dlopen error");
  a->info = dlsym(a->handle, "hcu_patch_info");
  if (!a->info)
    return fail(a, HCU_ERR_PATCH_INVALID,
                "%s does not export hcu_patch_info; build patches with hcu-cc",
                path);
  int rc = check_info(a);
  if (rc != HCU_OK)
    return rc;
  if (nbad)
    return fail(a, HCU_ERR_PATCH_INVALID,
                "%d of the units in %s were refused (wrong ABI or malformed "
                "descriptors; see the log)",
                nbad, path);
  for (const struct hcu_unit_desc *u = a->units; u; u = u->next)
    if (u->version != a->info->new_version)
      return fail(a, HCU_ERR_PATCH_INVALID,
                  "unit %s in %s is version %d, the patch says %d",
                  u->file ? u->file : "?", path, u->version,
                  a->info->new_version);
  rc = check_threads(a);
  if (rc == HCU_OK)
    rc = resolve_functions(a);
  if (rc == HCU_OK)
    rc = hcu_rules_load(&a->rules, a->info, a->units, a->upd, a->nupd,
                        a->res->message, sizeof a->res->message);
  if (rc == HCU_OK)
    rc = hcu_constraints_load(a->info, hcu_registry_find, &a->cons,
                              a->res->message, sizeof a->res->message);
  if (rc == HCU_OK && hcu_registry_prepare(a->units) != 0)
    rc = fail(a, HCU_ERR_NOMEM, "out of memory registering the patch");
  return rc;
}

/* ---- Quiescence -----------------------------------------------------------*/

static const char *state_name(int st) {
  switch (st) {
  case HCU_T_RUNNING:
    return "running";
  case HCU_T_UNWINDING:
    return "unwinding";
  case HCU_T_PARKED:
    return "stopped";
  case HCU_T_REBUILDING:
    return "rebuilding";
  }
  return "?";
}

/* The threads that are not stopped, and why, for messages (under the
 * engine lock). */
static void describe_running(char *who, size_t size) {
  size_t n = 0;
  who[0] = '\0';
  for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
    if (t->state != HCU_T_PARKED && n < size) {
      char how[160] = "", sig[128];
      hcu_signals_describe(t, sig, sizeof sig);
      if (sig[0])
        snprintf(how, sizeof how, ", %s", sig);
      else if (t->blocked_in)
        snprintf(how, sizeof how, ", blocked in %s", t->blocked_in);
      else if (t->held > 0)
        snprintf(how, sizeof how, ", holding %d mutex%s", t->held,
                 t->held > 1 ? "es" : "");
      n += (size_t)snprintf(who + n, size - n, "%s%s%s (tid %ld, %s%s)",
                            n ? ", " : "",
                            t->foreign ? "a thread libhcu did not start, "
                                         "called back into "
                                       : "",
                            t->name, (long)t->tid, state_name(t->state), how);
    }
  int other = hcu_signals_unmanaged();
  if (other > 0 && n < size)
    snprintf(who + n, size - n,
             "%s%d signal handler%s on threads libhcu does not manage",
             n ? ", " : "", other, other > 1 ? "s" : "");
}

static int quiesce(struct apply *a) {
  pthread_mutex_lock(&hcu_eng.lock);
  __atomic_store_n(&hcu_eng.lazy, a->req->model == HCU_MODEL_LAZY,
                   __ATOMIC_RELAXED);
  hcu_eng.partial = a->req->revert ? NULL : a->partial;
  hcu_eng.npartial = a->req->revert ? 0 : a->npartial;
  hcu_eng.decision = HCU_DEC_NONE;
  hcu_eng.first_parked_us = 0;
  hcu_eng.last_rebuilt_us = 0;
  hcu_eng.clear_when_rebuilt = 0;
  __atomic_store_n(&hcu_eng.requested, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&hcu_eng.lock);
  __atomic_store_n(&hcu_update_pending, 1, __ATOMIC_RELEASE);
  a->quiesce_started = 1;
  a->t_request = hcu_now_us();
  if (!a->t_first)
    a->t_first = a->t_request;
  uint64_t deadline = a->t_first + (uint64_t)a->timeout_ms * 1000u;
  if (!a->next_progress_us)
    a->next_progress_us = a->t_first + PROGRESS_EVERY_US;

  pthread_mutex_lock(&hcu_eng.lock);
  /* No update while a signal handler runs (signals.c): a stopped thread
   * runs none, but one on a thread we do not manage might. */
  while (hcu_threads_not_in(HCU_T_PARKED) > 0 || hcu_signals_running() > 0) {
    uint64_t now = hcu_now_us();
    /* Progress: only when this attempt itself waits (between attempts
     * quiesce_allowed says what holds the update back). */
    if (now >= deadline ||
        (a->req->progress && now >= a->next_progress_us &&
         now - a->t_request >= PROGRESS_EVERY_US)) {
      char who[900];
      describe_running(who, sizeof who);
      pthread_mutex_unlock(&hcu_eng.lock);
      if (now >= deadline)
        return fail(a, HCU_ERR_TIMEOUT,
                    "not every thread reached an update point within %u ms: "
                    "%s; nothing was changed",
                    a->timeout_ms, who);
      progress(a, "waiting for quiescence (%llu of %u ms): %s",
               (unsigned long long)(now - a->t_first) / 1000u, a->timeout_ms,
               who);
      a->next_progress_us = now + PROGRESS_EVERY_US;
      pthread_mutex_lock(&hcu_eng.lock);
      continue;
    }
    /* One signal is enough (it stays pending while blocked); repeating it
     * costs nothing and covers a thread that drained a stale one. */
    for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
      if (t->state == HCU_T_RUNNING)
        hcu_thread_kick(t);
    struct timespec ts = hcu_deadline_in_ms(REKILL_MS);
    pthread_cond_timedwait(&hcu_eng.cv, &hcu_eng.lock, &ts);
  }
  pthread_mutex_unlock(&hcu_eng.lock);
  a->res->quiesce_us = hcu_now_us() - a->t_first;
  if (hcu_fault_fire(HCU_FAULT_TIMEOUT))
    return fail(a, HCU_ERR_TIMEOUT,
                "not every thread reached an update point within %u ms: "
                "injected fault (HCU_FAULT=timeout); nothing was changed",
                a->timeout_ms);
  return HCU_OK;
}

static int release(struct apply *a, int decision);
static int map_frames(struct apply *a);

/* The timeout, after constraints (or a thread state no mapping continues
 * from, unmapped) held the update back for the reason why. */
static int held_back(struct apply *a, int unmapped, const char *why) {
  return fail(a, HCU_ERR_TIMEOUT,
              unmapped ? "no thread state the mapping can continue from "
                         "within %u ms: %s; nothing was changed"
                       : "the safety constraints did not allow the update "
                         "within %u ms: %s; nothing was changed",
              a->timeout_ms, why);
}

/* Stops every thread where the safety constraints allow the update: while
 * they forbid it, the threads go on in the old version (a rollback of this
 * attempt) and the engine asks again, until the timeout. */
static int quiesce_allowed(struct apply *a) {
  char why[sizeof a->res->message];
  unsigned wait_ms = 1;
  int logged = 0;
  int unmapped = 0;
  for (;;) {
    int rc = quiesce(a);
    /* The deadline passed while the threads were being stopped again after
     * a constraint (or an unmappable state) held the update back: that is
     * the reason to report, not the last stop's. */
    if (rc == HCU_ERR_TIMEOUT && logged)
      return held_back(a, unmapped, why);
    if (rc != HCU_OK)
      return rc;
    unmapped = 0;
    if (hcu_constraints_allow(a->cons, why, sizeof why)) {
      /* Lazy: nothing was unwound, no frame to map. Otherwise a thread
       * stopped where an algorithmic equivalence cannot continue it is
       * not ready yet either (equiv.c). */
      if (a->req->model == HCU_MODEL_LAZY)
        return HCU_OK;
      rc = map_frames(a);
      if (rc != HCU_NOT_READY)
        return rc;
      snprintf(why, sizeof why, "%s", a->res->message);
      unmapped = 1;
    }
    if (!logged++)
      hcu_log("update: %s; retrying until the timeout", why);

    uint64_t end = a->t_first + (uint64_t)a->timeout_ms * 1000u;
    if (hcu_now_us() + wait_ms * 1000u >= end)
      return held_back(a, unmapped, why);
    a->quiesce_started = 0;
    if (release(a, HCU_DEC_ROLLBACK)) {
      a->late = 1;
      return fail(a, HCU_ERR_TIMEOUT,
                  "a thread did not resume in time between two attempts "
                  "(%s); nothing was changed",
                  why);
    }
    /* Said once the threads run again, never while they are stopped. */
    if (a->req->progress && hcu_now_us() >= a->next_progress_us) {
      progress(a, "waiting for %s (%llu of %u ms): %s",
               unmapped ? "a thread state the mapping can continue from"
                        : "the safety constraints",
               (unsigned long long)(hcu_now_us() - a->t_first) / 1000u,
               a->timeout_ms, why);
      a->next_progress_us = hcu_now_us() + PROGRESS_EVERY_US;
    }
    struct timespec ts = {0, (long)wait_ms * 1000000L};
    nanosleep(&ts, NULL);
    wait_ms = wait_ms < 32 ? wait_ms * 2 : 50;
  }
}

/* ---- Mapping frame records -----------------------------------------------*/

static const struct hcu_cp_desc *cp_by_number(const struct hcu_func_desc *f,
                                              int number) {
  for (int i = 0; i < f->ncps; i++)
    if (f->cps[i].number == number)
      return &f->cps[i];
  return NULL;
}

static const struct hcu_cp_desc *cp_by_name(const struct hcu_func_desc *f,
                                            const char *name) {
  for (int i = 0; i < f->ncps; i++)
    if (strcmp(f->cps[i].name, name) == 0)
      return &f->cps[i];
  return NULL;
}

/* Copies same-named variables of identical layout; new ones stay zero. */
/* With a stack transformer (lenient), a variable whose type changed stays
 * zero for the transformer to fill. */
static int copy_vars(struct apply *a, const struct hcu_thread *t,
                     const char *fn, const char *what,
                     const struct hcu_var_desc *ov, int on, const char *obuf,
                     const struct hcu_var_desc *nv, int nn, char *nbuf,
                     int lenient) {
  for (int i = 0; i < nn; i++)
    for (int j = 0; j < on; j++) {
      if (strcmp(nv[i].name, ov[j].name) != 0)
        continue;
      if (lenient &&
          (strcmp(nv[i].type, ov[j].type) != 0 || nv[i].size != ov[j].size))
        break;
      if (strcmp(nv[i].type, ov[j].type) != 0 || nv[i].size != ov[j].size)
        return fail(a, HCU_ERR_FRAME,
                    "thread %s: the active frame of %s has %s '%s' of type "
                    "'%s', the new version's is '%s'; convert it in a stack "
                    "transformer",
                    t->name, fn, what, ov[j].name, ov[j].type, nv[i].type);
      memcpy(nbuf + nv[i].offset, obuf + ov[j].offset, nv[i].size);
      break;
    }
  return HCU_OK;
}

/* "g#2" in the old function is "h#2" in the new one when the mapping
 * replaces g by h (an equivalence or a renaming function update). */
static const struct hcu_cp_desc *renamed_point(struct apply *a,
                                               const struct hcu_func_desc *nf,
                                               const struct hcu_cp_desc *ocp) {
  const char *hash = strrchr(ocp->name, '#');
  char callee[256], name[300];
  if (ocp->kind != HCU_CP_CALL || !hash ||
      (size_t)(hash - ocp->name) >= sizeof callee)
    return NULL;
  memcpy(callee, ocp->name, (size_t)(hash - ocp->name));
  callee[hash - ocp->name] = '\0';
  const char *to = hcu_rules_callee(&a->rules, callee);
  if (!to)
    return NULL;
  snprintf(name, sizeof name, "%s%s", to, hash);
  return cp_by_name(nf, name);
}

/* Runs the mapping's stack transformer for the new record n (filled by
 * default already) from the old record r; cp and kind are set by the caller
 * afterwards. */
static int run_transformer(struct apply *a, const struct hcu_thread *t,
                           hcu_stack_transformer_fn x, struct hcu_record *r,
                           struct hcu_record *n) {
  struct hcu_stack_frame_fields_s *nfields = hcu_record_fields(n);
  const char *map = a->info->mapping_file ? a->info->mapping_file
                                          : "the mapping";
  nfields->cp = -1;
  nfields->kind = -1;
  int sig = hcu_run_stack_transformer(x, n->locals, r->locals, n->formals);
  if (sig)
    return fail(a, HCU_ERR_TRANSFORMER,
                "%s: HCU_stack_transformer__%s crashed (SIG%s) mapping the "
                "frame of %s in thread %s; nothing was changed",
                map, n->fn->name, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
                r->fn->key, t->name);
  if (nfields->cp == -1 && nfields->kind == -1)
    return fail(a, HCU_ERR_TRANSFORMER,
                "%s: HCU_stack_transformer__%s did not call "
                "hcu_copy_stack_frame_fields(&to->hcu_stack_frame_fields, "
                "&from->hcu_stack_frame_fields); nothing was changed",
                map, n->fn->name);
  return HCU_OK;
}

static int map_record(struct apply *a, const struct hcu_thread *t,
                      struct hcu_record *r, const struct hcu_func_desc *nf,
                      struct hcu_record **out) {
  const struct hcu_func_desc *of = r->fn;
  const struct hcu_stack_frame_fields_s *ofields = hcu_record_fields(r);
  const struct hcu_cp_desc *ocp = cp_by_number(of, ofields->cp);
  if (!ocp)
    return fail(a, HCU_ERR_FRAME,
                "thread %s: %s is stopped at continuation point %d, which its "
                "descriptor does not list",
                t->name, of->key, ofields->cp);
  const struct hcu_cp_desc *ncp = cp_by_name(nf, ocp->name);
  if (!ncp)
    ncp = renamed_point(a, nf, ocp);
  if (!ncp)
    return fail(a, HCU_ERR_FRAME,
                "thread %s: %s is stopped at %s, which the new version does "
                "not have; add a continuation mapping",
                t->name, of->key, ocp->name);
  if (strcmp(of->arena_layout, nf->arena_layout) != 0)
    return fail(a, HCU_ERR_FRAME,
                "thread %s: the active frame of %s keeps address-taken locals "
                "laid out as '%s', the new version as '%s'; they cannot be "
                "carried over",
                t->name, of->key, of->arena_layout, nf->arena_layout);
  struct hcu_record *n = hcu_record_new(nf);
  if (!n)
    return fail(a, HCU_ERR_NOMEM, "out of memory mapping the frame of %s",
                of->key);
  hcu_stack_transformer_fn x = hcu_rules_transformer(&a->rules, nf);
  int rc = copy_vars(a, t, of->key, "formal", of->formals, of->nformals,
                     r->formals, nf->formals, nf->nformals, n->formals, !!x);
  if (rc == HCU_OK)
    rc = copy_vars(a, t, of->key, "local", of->locals, of->nlocals, r->locals,
                   nf->locals, nf->nlocals, n->locals, !!x);
  if (rc == HCU_OK && x)
    rc = run_transformer(a, t, x, r, n);
  if (rc != HCU_OK) {
    hcu_record_free(n);
    return rc;
  }
  struct hcu_stack_frame_fields_s *nfields = hcu_record_fields(n);
  nfields->cp = ncp->number;
  nfields->kind = ofields->kind;
  *out = n;
  return HCU_OK;
}

/* A frame of a function with an algorithmic equivalence continues in the
 * equivalent function at the mapped point: formals carried over by name,
 * locals zero, then the stack transformer. Frames above it (its callees)
 * are abandoned by the caller. */
static int map_equiv(struct apply *a, const struct hcu_thread *t, size_t i,
                     const struct hcu_equiv *e, struct hcu_record **out) {
  struct hcu_record *r = t->recs.v[i];
  const struct hcu_func_desc *of = r->fn, *nf = e->new_fn;
  const struct hcu_stack_frame_fields_s *ofields = hcu_record_fields(r);
  const struct hcu_cp_desc *ocp = cp_by_number(of, ofields->cp);
  int np = hcu_equiv_target(e, of, ofields->cp);
  if (np < 0) {
    fail(a, HCU_ERR_FRAME,
         "thread %s: %s is at continuation point %d (%s), which %s does not "
         "map to %s",
         t->name, of->key, ofields->cp, ocp ? ocp->name : "?", e->table,
         nf->key);
    return HCU_NOT_READY;
  }
  for (size_t j = 0; j <= i; j++)
    if (t->recs.v[j]->fn->arena_layout[0])
      return fail(a, HCU_ERR_UNSUPPORTED,
                  "thread %s: %s keeps address-taken locals in the frame "
                  "arena; a frame that an algorithmic equivalence replaces "
                  "(%s -> %s) cannot have them yet",
                  t->name, t->recs.v[j]->fn->key, of->key, nf->key);
  if (nf->arena_layout[0] && np != 0)
    return fail(a, HCU_ERR_UNSUPPORTED,
                "%s keeps address-taken locals in the frame arena; an "
                "algorithmic equivalence can continue it only at its entry "
                "(point 0)",
                nf->key);
  struct hcu_record *n = hcu_record_new(nf);
  if (!n)
    return fail(a, HCU_ERR_NOMEM, "out of memory mapping the frame of %s",
                of->key);
  hcu_stack_transformer_fn x = hcu_rules_transformer(&a->rules, nf);
  int rc = copy_vars(a, t, of->key, "formal", of->formals, of->nformals,
                     r->formals, nf->formals, nf->nformals, n->formals, 1);
  if (rc == HCU_OK && x)
    rc = run_transformer(a, t, x, r, n);
  if (rc != HCU_OK) {
    hcu_record_free(n);
    return rc;
  }
  struct hcu_stack_frame_fields_s *nfields = hcu_record_fields(n);
  nfields->cp = np;
  nfields->kind = HCU_RESUME_AT; /* the new frame is the innermost */
  hcu_log("update: thread %s: %s at %s continues as %s at point %d%s", t->name,
          of->key, ocp ? ocp->name : "?", nf->key, np,
          i ? " (the frames above it are abandoned)" : "");
  *out = n;
  return HCU_OK;
}

/* A caller resumes by calling, at its call site, the function whose frame
 * is above it: after an equivalence or a rename that must still hold. */
static int check_calls(struct apply *a, const struct hcu_thread *t) {
  const struct hcu_recstack *m = &t->mapped;
  for (size_t i = 1; i < m->n; i++) {
    struct hcu_record *caller = m->v[i];
    const struct hcu_stack_frame_fields_s *f = hcu_record_fields(caller);
    const struct hcu_cp_desc *cp = cp_by_number(caller->fn, f->cp);
    if (f->kind != HCU_RESUME_REENTER || !cp || cp->kind != HCU_CP_CALL)
      continue;
    const char *hash = strrchr(cp->name, '#');
    const char *callee = m->v[i - 1]->fn->name;
    if (!hash || strncmp(cp->name, "(*)", 3) == 0)
      continue;
    if ((size_t)(hash - cp->name) != strlen(callee) ||
        strncmp(cp->name, callee, strlen(callee)) != 0)
      return fail(a, HCU_ERR_FRAME,
                  "thread %s: %s would continue at its call %s, but the frame "
                  "above it continues in %s; update %s so that it calls %s "
                  "there",
                  t->name, caller->fn->key, cp->name, m->v[i - 1]->fn->key,
                  caller->fn->key, callee);
  }
  return HCU_OK;
}

/* A thread rebuilt up to F (partial): F's caller is not unwound; after the
 * commit it calls F again through F's slot, which leads to the new function
 * of F's update (F itself if the mapping does not update it). The outermost
 * mapped record must be a frame of that function. */
static int check_partial(struct apply *a, const struct hcu_thread *t) {
  if (!t->partial || t->recs.n == 0 || t->mapped.n == 0)
    return HCU_OK;
  const struct hcu_func_desc *f = t->recs.v[t->recs.n - 1]->fn;
  if (strcmp(f->key, t->stop_at) != 0)
    return HCU_OK; /* unwound to its entry: rebuilt whole */
  const struct hcu_func_desc *reached = f;
  for (int k = 0; k < a->nupd; k++)
    if (hcu_same_key(f, a->upd[k].old_fn))
      reached = a->upd[k].new_fn;
  const struct hcu_func_desc *outer = t->mapped.v[t->mapped.n - 1]->fn;
  if (!hcu_same_key(outer, reached))
    return fail(a, HCU_ERR_FRAME,
                "thread %s is rebuilt only up to %s: its caller stays in its "
                "code and calls %s again, which leads to %s, but the mapping "
                "makes that frame a frame of %s; rebuild the thread further "
                "down or update %s to %s; nothing was changed",
                t->name, f->key, f->key, reached->key, outer->key, f->key,
                outer->key);
  hcu_log("update: thread %s is rebuilt up to %s (%zu frames); its caller "
          "stays in the code it runs",
          t->name, f->key, t->recs.n);
  return HCU_OK;
}

static struct hcu_record *copy_record(const struct hcu_record *r) {
  struct hcu_record *n = hcu_record_new(r->fn);
  if (n) {
    memcpy(n->formals, r->formals, r->formals_size);
    memcpy(n->locals, r->locals, r->locals_size);
  }
  return n;
}

static void drop_mapped(void) {
  for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
    hcu_recstack_clear(&t->mapped);
}

/* Builds every parked thread's new records beside the old ones. */
static int map_frames(struct apply *a) {
  int rc = HCU_OK;
  if (hcu_fault_fire(HCU_FAULT_REBUILD))
    return fail(a, HCU_ERR_FRAME,
                "the stacks cannot be rebuilt in version %d: injected fault "
                "(HCU_FAULT=rebuild); nothing was changed",
                a->info->new_version);
  pthread_mutex_lock(&hcu_eng.lock);
  for (struct hcu_thread *t = hcu_eng.threads; t && rc == HCU_OK;
       t = t->next) {
    for (size_t i = 0; i < t->recs.n && rc == HCU_OK; i++) {
      struct hcu_record *r = t->recs.v[i], *n = NULL;
      const struct hcu_fn_update *u = NULL;
      const struct hcu_equiv *e = hcu_rules_equiv(&a->rules, r->fn);
      const struct hcu_func_desc *cur = NULL;
      for (int k = 0; k < a->nupd && !u; k++)
        if (hcu_same_key(r->fn, a->upd[k].old_fn))
          u = &a->upd[k];
      if (e) {
        rc = map_equiv(a, t, i, e, &n);
        if (rc == HCU_OK)
          hcu_recstack_clear(&t->mapped); /* its callees: abandoned */
      } else if (u) {
        rc = map_record(a, t, r, u->new_fn, &n);
      } else if ((cur = hcu_registry_current(r->fn)) != r->fn) {
        /* Left in older code by a lazy update: its slot leads elsewhere. */
        rc = map_record(a, t, r, cur, &n);
      } else if (!(n = copy_record(r))) {
        rc = fail(a, HCU_ERR_NOMEM, "out of memory copying the frame of %s",
                  r->fn->key);
      }
      if (rc == HCU_OK && hcu_recstack_push(&t->mapped, n) != 0) {
        hcu_record_free(n);
        rc = fail(a, HCU_ERR_NOMEM, "out of memory mapping frames");
      }
    }
    if (rc == HCU_OK)
      rc = check_calls(a, t);
    if (rc == HCU_OK)
      rc = check_partial(a, t);
    a->res->nframes += (int)t->recs.n;
    if (t->recs.n > 0) {
      struct hcu_record *in = t->recs.v[0];
      const struct hcu_stack_frame_fields_s *f = hcu_record_fields(in);
      const struct hcu_cp_desc *cp = cp_by_number(in->fn, f->cp);
      static const char *const kinds[] = {"at", "reenter", "replay", "after"};
      hcu_log("update: thread %s stopped in %s at %s (%s), %zu frames",
              t->name, in->fn->key, cp ? cp->name : "?",
              f->kind >= 0 && f->kind < 4 ? kinds[f->kind] : "?", t->recs.n);
    }
  }
  if (rc != HCU_OK)
    drop_mapped();
  pthread_mutex_unlock(&hcu_eng.lock);
  return rc;
}

/* ---- Datatype transformers ----------------------------------------------*/

/* Under the crash guard: a fault inside the patch's code before the commit
 * is a failed update, not a dead process (fault.c). */
static int run_transformers(struct apply *a) {
  const char *map =
      a->info->mapping_file ? a->info->mapping_file : a->req->path;
  int crash = hcu_fault_fire(HCU_FAULT_TRANSFORMER_CRASH);
  int refuse = !crash && hcu_fault_fire(HCU_FAULT_TRANSFORMER);
  if (!a->info->datatype_transformations && !crash && !refuse)
    return HCU_OK;
  int sig = 0;
  int t = hcu_fault_guarded_call(a->info->datatype_transformations, crash,
                                 &sig);
  if (sig)
    return fail(a, HCU_ERR_TRANSFORMER,
                "%s: a datatype transformer crashed (SIG%s)%s; nothing was "
                "changed",
                map, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
                crash ? ": injected fault (HCU_FAULT=transformer-crash)" : "");
  if (t != 0)
    return fail(a, HCU_ERR_TRANSFORMER,
                "%s: the datatype transformers returned %d; nothing was "
                "changed",
                map, t);
  if (refuse)
    return fail(a, HCU_ERR_TRANSFORMER,
                "%s: the datatype transformers failed: injected fault "
                "(HCU_FAULT=transformer); nothing was changed",
                map);
  return HCU_OK;
}

/* ---- Commit, release, rollback -------------------------------------------*/

static void list_functions(struct apply *a) {
  struct hcu_apply_result *res = a->res;
  size_t n = 0;
  res->functions[0] = '\0';
  for (int k = 0; k < a->nupd && n < sizeof res->functions; k++)
    n += (size_t)snprintf(res->functions + n, sizeof res->functions - n,
                          "%s%s", k ? "," : "", a->upd[k].new_fn->key);
  res->nfunctions = a->nupd;
}

/* Two-phase: the coordinator (hcuapply) decides whether this prepared
 * update commits, once every process of the group has prepared. */
static int await_decision(struct apply *a) {
  char why[512] = "";
  list_functions(a);
  a->res->new_version = a->info->new_version; /* what "prepared" reports */
  hcu_log("update: prepared version %d -> %d; waiting for the decision",
          a->res->old_version, a->info->new_version);
  int go = a->req->prepared(a->req->prepared_ctx, a->res, why, sizeof why);
  a->res->new_version = a->res->old_version;
  if (go)
    return HCU_OK;
  return fail(a, HCU_ERR_ABORTED, "%s; nothing was changed", why);
}

static void commit(struct apply *a) {
  for (int k = 0; k < a->nupd; k++) {
    const struct hcu_fn_update *u = &a->upd[k];
    __atomic_store_n(u->old_fn->slot, u->new_fn->impl, __ATOMIC_RELEASE);
  }
  if (a->req->revert) {
    hcu_registry_revert(a->hist->units, a->upd, a->nupd,
                        a->info->new_version);
    return; /* the patch is unloaded after the release */
  }
  hcu_registry_commit(a->units, a->upd, a->nupd, a->info->new_version);
  /* New code now runs: the patch stays loaded, recorded for a revert. */
  a->hist->handle = a->handle;
  a->hist->units = a->units;
  a->hist->upd = a->upd;
  a->hist->nupd = a->nupd;
  a->hist->info = a->info;
  a->hist->version = a->info->new_version;
  int (*const *reverse)(void) =
      dlsym(a->handle, "hcu_patch_reverse_transformations");
  a->hist->reverse = reverse ? *reverse : NULL;
  hcu_history_push(a->hist);
  a->hist = NULL;
  a->upd = NULL;
  a->units = NULL;
  a->handle = NULL;
}

/* Lets the parked threads go (with mapped records on commit, their own on
 * rollback), waits until they have rebuilt, and clears the pending flag.
 * Returns 1 if it had to leave that to the last thread. */
static int release(struct apply *a, int decision) {
  int late = 0;
  pthread_mutex_lock(&hcu_eng.lock);
  __atomic_store_n(&hcu_eng.requested, 0, __ATOMIC_RELEASE);
  for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next) {
    if (decision == HCU_DEC_COMMIT && t->state == HCU_T_PARKED &&
        !hcu_eng.lazy) {
      struct hcu_recstack old = t->recs;
      t->recs = t->mapped;
      t->mapped = old;
    }
    hcu_recstack_clear(&t->mapped);
  }
  hcu_eng.decision = decision;
  pthread_cond_broadcast(&hcu_eng.cv);
  struct timespec until = hcu_deadline_in_ms(REBUILD_WAIT_MS);
  while (hcu_threads_not_in(HCU_T_RUNNING) > 0) {
    if (pthread_cond_timedwait(&hcu_eng.cv, &hcu_eng.lock, &until) ==
            ETIMEDOUT &&
        hcu_threads_not_in(HCU_T_RUNNING) > 0) {
      late = 1;
      break;
    }
  }
  if (late) {
    hcu_eng.clear_when_rebuilt = 1; /* busy stays set until then */
    hcu_log("update: a thread has not finished rebuilding after %u ms%s; the "
            "update stays in progress until it does",
            REBUILD_WAIT_MS,
            decision == HCU_DEC_COMMIT ? " (committed: no rollback possible)"
                                       : "");
  } else {
    __atomic_store_n(&hcu_update_pending, 0, __ATOMIC_RELEASE);
  }
  if (hcu_eng.first_parked_us && hcu_eng.last_rebuilt_us >=
                                     hcu_eng.first_parked_us)
    a->res->pause_us = hcu_eng.last_rebuilt_us - hcu_eng.first_parked_us;
  pthread_mutex_unlock(&hcu_eng.lock);
  return late;
}

static void unload(struct apply *a) {
  a->units = NULL; /* they live in the patch's memory */
  if (a->handle && dlclose(a->handle) != 0)
    hcu_log("update: dlclose %s: %s", a->req->path, dlerror());
  a->handle = NULL;
}

/* ---- Revert -----------------------------------------------------------------
 * The newest committed update, run backwards through the same steps: its
 * patch's functions are the "old" side, the previous descriptors the "new"
 * one, and the reverse datatype transformers (if the mapping changed the
 * layout of globals it must provide them) fill the old storage. After the
 * commit no frame runs the patch's code and its patch is unloaded. */

static int load_revert(struct apply *a) {
  struct hcu_history *h = hcu_history_top();
  if (!h)
    return fail(a, HCU_ERR_WRONG_VERSION,
                "nothing to revert: version %d is the program as it was "
                "started, no update was applied since",
                hcu_current_version());
  a->hist = h;
  const struct hcu_patch_info *i = h->info;
  const char *map = i->mapping_file ? i->mapping_file : h->path;
  if (i->datatype_transformations && !h->reverse)
    return fail(a, HCU_ERR_UNSUPPORTED,
                "cannot revert version %d -> %d: %s changes the layout of "
                "globals and has no reverse mapping "
                "(HCU_datatype_reverse_transformations_function); apply a "
                "patch to a new version instead",
                i->new_version, i->base_version, map);
  if (h->prev_unloaded)
    return fail(a, HCU_ERR_UNSUPPORTED,
                "cannot revert version %d -> %d: the patch of version %d was "
                "unloaded after later updates replaced it (only the newest "
                "update and the one below it keep their previous version's "
                "code)",
                i->new_version, i->base_version, i->base_version);
  const char *added = hcu_registry_added_key(h->units, h->upd, h->nupd);
  if (added)
    return fail(a, HCU_ERR_UNSUPPORTED,
                "cannot revert version %d -> %d: %s added function %s, which "
                "the previous version does not have (pointers to it may be "
                "stored anywhere)",
                i->new_version, i->base_version, h->path, added);
  a->upd = calloc((size_t)(h->nupd ? h->nupd : 1), sizeof *a->upd);
  if (!a->upd)
    return fail(a, HCU_ERR_NOMEM, "out of memory preparing the revert");
  for (int k = 0; k < h->nupd; k++) {
    a->upd[k].old_fn = h->upd[k].new_fn;
    a->upd[k].new_fn = h->upd[k].old_fn;
  }
  a->nupd = h->nupd;
  a->revert_info = *i;
  a->revert_info.base_version = i->new_version;
  a->revert_info.new_version = i->base_version;
  a->revert_info.datatype_transformations = h->reverse;
  a->info = &a->revert_info;
  return HCU_OK;
}

int hcu_update_apply(const struct hcu_apply_request *req,
                     struct hcu_apply_result *res) {
  struct apply a = {.req = req, .res = res, .timeout_ms = timeout_of(req)};
  res->old_version = res->new_version = hcu_current_version();
  res->message[0] = '\0';
  if (hcu_self)
    return fail(&a, HCU_ERR_INTERNAL,
                "hcu_update_apply was called from a program thread");
  pthread_mutex_lock(&hcu_eng.lock);
  int busy = hcu_eng.busy;
  hcu_eng.busy = 1;
  pthread_mutex_unlock(&hcu_eng.lock);
  if (busy)
    return fail(&a, HCU_ERR_BUSY, "another update is in progress");

  int rc = req->revert ? load_revert(&a) : load_patch(&a);
  if (rc == HCU_OK && !req->revert && !(a.hist = hcu_history_new(req->path)))
    rc = fail(&a, HCU_ERR_NOMEM, "out of memory recording the update");
  if (rc == HCU_OK) {
    progress(&a, "%s version %d -> %d (%d function%s to switch); stopping "
             "%d thread%s",
             req->revert ? "reverting" : "patch loaded and checked:",
             a.info->base_version, a.info->new_version, a.nupd,
             a.nupd == 1 ? "" : "s", hcu_history_threads(),
             hcu_history_threads() == 1 ? "" : "s");
    rc = quiesce_allowed(&a);
  }
  if (rc == HCU_OK && a.res->quiesce_us >= PROGRESS_EVERY_US)
    progress(&a, "every thread stopped after %llu ms",
             (unsigned long long)a.res->quiesce_us / 1000u);
  /* A dry run stops short of the transformers, unless it is part of a
   * family's dry run (two-phase): then it prepares in full like an update,
   * answers "prepared", and rolls back whatever the coordinator says. */
  if (rc == HCU_OK && (!req->dry_run || req->prepared))
    rc = run_transformers(&a);
  if (rc == HCU_OK && req->prepared) {
    rc = await_decision(&a);
    if (req->dry_run)
      rc = HCU_OK;
  }
  int dry = rc == HCU_OK && req->dry_run;
  int committed = rc == HCU_OK && !dry;
  int new_version = a.info ? a.info->new_version : 0; /* before dlclose */
  if (rc == HCU_OK)
    list_functions(&a);
  struct hcu_unload *plan = NULL;
  int planned = 0;
  if (committed) {
    commit(&a);
    /* Every thread is still stopped and will rebuild in the new code: the
     * time to decide which older patches nothing uses any more. */
    /* After a revert, the reverted patch goes the same way: unloaded
     * once every thread has rebuilt in the previous code, unless program
     * data may still point into it (a string literal of the new code
     * stored in a global), or a thread is late. */
    if (req->revert ||
        (req->model == HCU_MODEL_IMMEDIATE && hcu_unload_due())) {
      hcu_unload_plan(&plan, req->revert ? hcu_history_top() : NULL);
      planned = 1;
    }
  }
  int late = 0;
  if (a.quiesce_started)
    late = release(&a, committed ? HCU_DEC_COMMIT : HCU_DEC_ROLLBACK);
  if (!committed)
    unload(&a);
  if (committed && req->revert && !plan) {
    /* No plan (out of memory): the reverted patch stays loaded. */
    struct hcu_history *h = hcu_history_pop();
    snprintf(h->kept, sizeof h->kept, "out of memory deciding whether it "
                                      "can be unloaded");
    hcu_history_orphan(h);
  }
  if (planned)
    hcu_unload_finish(plan, late);
  pthread_mutex_lock(&hcu_eng.lock);
  hcu_eng.partial = NULL;
  hcu_eng.npartial = 0;
  pthread_mutex_unlock(&hcu_eng.lock);
  free(a.partial);
  hcu_rules_free(&a.rules);
  free(a.upd);
  hcu_constraints_free(a.cons);
  late |= a.late;
  if (!req->revert)
    hcu_history_free(a.hist);

  if (committed) {
    res->new_version = hcu_current_version();
    snprintf(res->message, sizeof res->message,
             "%sversion %d -> %d%s: %d functions switched (%.600s), %d "
             "frames rebuilt, quiesce %llu us, pause %llu us",
             req->revert ? "reverted " : "", res->old_version,
             res->new_version,
             req->model == HCU_MODEL_LAZY
                 ? " (lazy: running frames finish in the code they started in)"
                 : "",
             res->nfunctions, res->functions, res->nframes,
             (unsigned long long)res->quiesce_us,
             (unsigned long long)res->pause_us);
    hcu_log("update: %s", res->message);
  } else if (dry) {
    res->new_version = new_version; /* the one it would run */
    snprintf(res->message, sizeof res->message,
             "dry run: version %d -> %d would switch %d functions (%.600s) and "
             "map %d frames%s; nothing was changed",
             res->old_version, new_version, res->nfunctions, res->functions,
             res->nframes,
             req->prepared ? "; prepared in full (datatype transformers run) "
                             "and rolled back"
                           : "");
    hcu_log("update: %s", res->message);
  } else {
    hcu_log("update: %s refused (%s): %s",
            req->revert ? "revert" : req->path, hcu_error_name(rc),
            res->message);
  }
  if (!late) {
    pthread_mutex_lock(&hcu_eng.lock);
    hcu_eng.busy = 0;
    pthread_mutex_unlock(&hcu_eng.lock);
  }
  return rc;
}
