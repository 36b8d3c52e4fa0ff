/* frames.c: the per-thread side of an update. Program threads unwind into
 * frame records, park in their entry trampoline, and rebuild their stacks
 * from the records (mapped to the new version on commit, untouched on
 * rollback). The state machine is described in hcu_engine.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "hcu_engine.h"

int hcu_update_pending;
struct hcu_engine hcu_eng = {.lock = PTHREAD_MUTEX_INITIALIZER,
                             .cv = PTHREAD_COND_INITIALIZER};
__thread struct hcu_thread *hcu_self __attribute__((tls_model("initial-exec")));
__thread volatile unsigned hcu_wake_count
    __attribute__((tls_model("initial-exec")));

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

/* Condvar waits use CLOCK_MONOTONIC so a clock step cannot stretch them. */
static void engine_setup(void) {
  pthread_condattr_t a;
  /* Nobody waits yet: re-initialising the static condvar is safe here. */
  if (pthread_condattr_init(&a) != 0 ||
      pthread_condattr_setclock(&a, CLOCK_MONOTONIC) != 0 ||
      pthread_cond_destroy(&hcu_eng.cv) != 0 ||
      pthread_cond_init(&hcu_eng.cv, &a) != 0)
    hcu_fatal("engine: cannot create a CLOCK_MONOTONIC condition variable");
  pthread_condattr_destroy(&a);
}

void hcu_engine_init(void) { pthread_once(&engine_once, engine_setup); }

struct timespec hcu_deadline_in_ms(unsigned ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* ---- Records --------------------------------------------------------------*/

static unsigned long round_up(unsigned long n) {
  unsigned long a = sizeof(max_align_t);
  return (n + a - 1) / a * a;
}

struct hcu_record *hcu_record_new(const struct hcu_func_desc *fn) {
  unsigned long fs = round_up(fn->formals_size);
  unsigned long ls = round_up(fn->locals_size);
  struct hcu_record *r = calloc(1, sizeof *r + fs + ls);
  if (!r)
    return NULL;
  r->fn = fn;
  r->formals_size = fn->formals_size;
  r->locals_size = fn->locals_size;
  r->formals = (char *)r->data;
  r->locals = (char *)r->data + fs;
  return r;
}

int hcu_recstack_push(struct hcu_recstack *s, struct hcu_record *r) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    struct hcu_record **v = realloc(s->v, cap * sizeof *v);
    if (!v)
      return -1;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = r;
  return 0;
}

/* Zeroed before it is freed: a record holds the program's locals, and a
 * stale copy of a pointer in freed memory would keep a superseded patch
 * loaded (unload.c reads all memory for pointers into patches). */
void hcu_record_free(struct hcu_record *r) {
  if (!r)
    return;
  explicit_bzero(r->data, (size_t)((char *)r->locals - (char *)r->data) +
                              round_up(r->locals_size));
  free(r);
}

void hcu_recstack_clear(struct hcu_recstack *s) {
  for (size_t i = 0; i < s->n; i++)
    hcu_record_free(s->v[i]);
  s->n = 0;
}

struct hcu_stack_frame_fields_s *hcu_record_fields(struct hcu_record *r) {
  return (struct hcu_stack_frame_fields_s *)((char *)r->locals +
                                             r->fn->fields_offset);
}

void hcu_copy_stack_frame_fields(struct hcu_stack_frame_fields_s *to,
                                 const struct hcu_stack_frame_fields_s *from) {
  if (to && from)
    *to = *from;
}

/* ---- Threads --------------------------------------------------------------*/

/* Under hcu_eng.lock: the thread has finished rebuilding (or never had to). */
static void became_running_locked(struct hcu_thread *t) {
  t->state = HCU_T_RUNNING;
  hcu_eng.last_rebuilt_us = hcu_now_us();
  if (hcu_eng.clear_when_rebuilt && hcu_threads_not_in(HCU_T_RUNNING) == 0) {
    /* The engine gave up waiting for us and left this to the last thread. */
    hcu_eng.clear_when_rebuilt = 0;
    __atomic_store_n(&hcu_update_pending, 0, __ATOMIC_RELEASE);
    hcu_eng.busy = 0;
    hcu_log("update: the last thread finished rebuilding late");
  }
  pthread_cond_broadcast(&hcu_eng.cv);
}

int hcu_thread_init(struct hcu_thread *t, const char *name) {
  memset(t, 0, sizeof *t);
  t->pthread = pthread_self();
  t->tid = (pid_t)syscall(SYS_gettid);
  t->name = name;
  t->state = HCU_T_RUNNING;
  t->next_kind = HCU_RESUME_AT;
  /* Reserve the record vector now, so a shallow unwind never allocates it. */
  t->recs.v = malloc(64 * sizeof *t->recs.v);
  if (!t->recs.v || pthread_mutex_init(&t->wlock, NULL) != 0) {
    free(t->recs.v);
    t->recs.v = NULL;
    hcu_log("threads: cannot register thread %s: out of memory", name);
    return HCU_ERR_NOMEM;
  }
  t->recs.cap = 64;
  return HCU_OK;
}

void hcu_thread_join(struct hcu_thread *t) {
  hcu_self = t;
  int oldcancel;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &oldcancel);
  pthread_mutex_lock(&hcu_eng.lock);
  t->next = hcu_eng.threads;
  hcu_eng.threads = t;
  /* A thread that appears while an update is under way has run no
   * instrumented code yet: it counts as stopped (with no frames) until the
   * update is decided, then starts in whatever version is current. Joining
   * the list and taking this state in one critical section keeps the engine
   * from ever seeing it running between "all stopped" and the commit. */
  if (__atomic_load_n(&hcu_eng.requested, __ATOMIC_RELAXED)) {
    hcu_signals_park(); /* it counts as stopped: no handler then */
    t->park_sp = __builtin_frame_address(0);
    t->state = HCU_T_PARKED;
    pthread_cond_broadcast(&hcu_eng.cv);
    while (__atomic_load_n(&hcu_eng.requested, __ATOMIC_RELAXED))
      pthread_cond_wait(&hcu_eng.cv, &hcu_eng.lock);
    hcu_recstack_clear(&t->recs); /* the engine may have swapped in none */
    became_running_locked(t);
    pthread_mutex_unlock(&hcu_eng.lock);
    hcu_signals_unpark();
  } else {
    pthread_mutex_unlock(&hcu_eng.lock);
  }
  pthread_setcancelstate(oldcancel, NULL);
}

int hcu_thread_register(struct hcu_thread *t, const char *name) {
  int rc = hcu_thread_init(t, name);
  if (rc == HCU_OK)
    hcu_thread_join(t);
  return rc;
}

void hcu_thread_leave_list(struct hcu_thread *t) {
  pthread_mutex_lock(&hcu_eng.lock);
  for (struct hcu_thread **p = &hcu_eng.threads; *p; p = &(*p)->next)
    if (*p == t) {
      *p = t->next;
      break;
    }
  t->next = NULL;
  /* The engine may be waiting for this thread to stop or to rebuild. */
  pthread_cond_broadcast(&hcu_eng.cv);
  pthread_mutex_unlock(&hcu_eng.lock);
}

int hcu_threads_not_in(int st) {
  int n = 0;
  for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
    n += t->state != st;
  return n;
}

__thread int hcu_pin_depth __attribute__((tls_model("initial-exec")));

static void drain_wake_signals(void);

/* The lazy model: the thread stops right here, without unwinding, until the
 * update is decided, then goes on in the code it was running; its next calls
 * go through the slots to whatever version is current. Under lock. */
static void park_in_place_locked(struct hcu_thread *t) {
  t->park_sp = __builtin_frame_address(0);
  t->state = HCU_T_PARKED;
  if (!hcu_eng.first_parked_us)
    hcu_eng.first_parked_us = hcu_now_us();
  pthread_cond_broadcast(&hcu_eng.cv);
  while (hcu_eng.decision == HCU_DEC_NONE)
    pthread_cond_wait(&hcu_eng.cv, &hcu_eng.lock);
  became_running_locked(t);
}

int hcu_thread_begin_unwind(struct hcu_thread *t, int kind) {
  int oldcancel;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &oldcancel);
  pthread_mutex_lock(&hcu_eng.lock);
  int go = __atomic_load_n(&hcu_eng.requested, __ATOMIC_RELAXED) &&
           t->state == HCU_T_RUNNING;
  if (go && hcu_eng.lazy) {
    park_in_place_locked(t);
    pthread_mutex_unlock(&hcu_eng.lock);
    pthread_setcancelstate(oldcancel, NULL);
    drain_wake_signals();
    return 0;
  }
  pthread_setcancelstate(oldcancel, NULL);
  /* A pinned function is active on t's stack (hcu_rt.h): t can stop in place
   * (lazy, above) but not unwind; it goes on until the pin is gone. */
  if (hcu_pin_depth > 0)
    go = 0;
  if (go) {
    t->state = HCU_T_UNWINDING;
    t->stop_at = NULL;
    for (int k = 0; k < hcu_eng.npartial; k++)
      if (strcmp(hcu_eng.partial[k].thread, t->name) == 0)
        t->stop_at = hcu_eng.partial[k].up_to;
  }
  pthread_mutex_unlock(&hcu_eng.lock);
  if (!go)
    return 0;
  /* A new record stack: drop what the last rebuild left behind. */
  hcu_record_free(t->taken);
  t->taken = NULL;
  hcu_recstack_clear(&t->recs);
  t->replay.valid = 0;
  t->partial = t->below = 0;
  t->next_kind = kind;
  return 1;
}

static int update_requested(void) {
  return __atomic_load_n(&hcu_eng.requested, __ATOMIC_ACQUIRE);
}

/* A thread that holds a program mutex keeps running until it lets go of it:
 * parked inside a critical section it would keep every other thread that
 * needs the mutex (including one leaving a condition wait, which re-locks
 * inside libc where we cannot interrupt it) from ever stopping. */
int hcu_update_point(void) {
  struct hcu_thread *t = hcu_self;
  if (!t || !update_requested() || t->held > 0)
    return 0;
  return hcu_thread_begin_unwind(t, HCU_RESUME_AT);
}

int hcu_after_call(void) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return 0;
  if (t->state == HCU_T_UNWINDING)
    return 1; /* a callee or a wrapper started it */
  if (!update_requested() || t->held > 0)
    return 0;
  return hcu_thread_begin_unwind(t, HCU_RESUME_AFTER);
}

void *hcu_unwind_frame(const struct hcu_func_desc *fn, int cp, void **formals) {
  struct hcu_thread *t = hcu_self;
  if (!t || t->state != HCU_T_UNWINDING)
    hcu_fatal("%s unwound at continuation point %d on a thread that is not "
              "unwinding",
              fn->key, cp);
  struct hcu_record *r = hcu_record_new(fn);
  /* Unwinding cannot stop half-way: the frames below are already gone. Out
   * of memory here is as final as a stack overflow. */
  if (!r || hcu_recstack_push(&t->recs, r) != 0)
    hcu_fatal("out of memory while unwinding %s (frame %zu of thread %s)",
              fn->key, t->recs.n, t->name);
  struct hcu_stack_frame_fields_s *f = hcu_record_fields(r);
  f->cp = cp;
  f->kind = t->next_kind;
  t->next_kind = HCU_RESUME_REENTER;
  *formals = r->formals;
  /* The innermost frame of the partial rebuild's function: its caller
   * stays (hcu_call_again). */
  if (t->stop_at && !t->partial && strcmp(fn->key, t->stop_at) == 0)
    t->partial = t->below = 1;
  return r->locals;
}

int hcu_thread_unwound(void) {
  struct hcu_thread *t = hcu_self;
  return t && t->state == HCU_T_UNWINDING;
}

/* Called by the thread whose innermost frame was just handed out. */
static void rebuild_done(struct hcu_thread *t) {
  pthread_mutex_lock(&hcu_eng.lock);
  became_running_locked(t);
  pthread_mutex_unlock(&hcu_eng.lock);
  hcu_signals_unpark(); /* blocked since it parked */
}

/* Wake signals sent while this thread was already on its way to park stay
 * pending (the signal is blocked outside wrappers); drop them so the next
 * wrapper does not see a stale one. */
static void drain_wake_signals(void) {
  sigset_t set;
  struct timespec zero = {0, 0};
  sigemptyset(&set);
  sigaddset(&set, hcu_wake_signal);
  while (sigtimedwait(&set, NULL, &zero) > 0)
    ;
}

/* The unwound thread waits for the decision, then starts rebuilding from
 * its records (mapped ones on commit, its own on rollback). */
static void park_unwound(struct hcu_thread *t) {
  /* Parking is no place for a cancellation: the thread would die holding
   * the engine's lock. Cancellation points in the program still work. */
  int oldcancel;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &oldcancel);
  /* No handler may start on a stopped thread until it has rebuilt: it
   * would run while the update is decided (signals.c). */
  hcu_signals_park();
  pthread_mutex_lock(&hcu_eng.lock);
  t->park_sp = __builtin_frame_address(0);
  t->state = HCU_T_PARKED;
  if (!hcu_eng.first_parked_us)
    hcu_eng.first_parked_us = hcu_now_us();
  pthread_cond_broadcast(&hcu_eng.cv);
  while (hcu_eng.decision == HCU_DEC_NONE)
    pthread_cond_wait(&hcu_eng.cv, &hcu_eng.lock);
  /* On commit the engine has already swapped in the mapped records. */
  t->state = HCU_T_REBUILDING;
  pthread_mutex_unlock(&hcu_eng.lock);
  pthread_setcancelstate(oldcancel, NULL);
  drain_wake_signals();
}

void hcu_thread_quiesced(void) {
  struct hcu_thread *t = hcu_self;
  if (!t || t->state != HCU_T_UNWINDING) {
    hcu_log("threads: hcu_thread_quiesced on a thread that did not unwind");
    return;
  }
  t->below = 0; /* the boundary's caller did not stop (not instrumented) */
  park_unwound(t);
  if (t->recs.n == 0) {
    /* Cannot happen with generated code: the body's own frame is a record. */
    hcu_log("threads: thread %s unwound without a single frame record",
            t->name);
    rebuild_done(t);
  }
}

/* A partial rebuild: the caller of the boundary frame is not unwound. It
 * stops here, right after its call returned, until the update is decided;
 * then it makes the call again, and the callee (its new version on commit)
 * rebuilds from the records. Its own frame goes on in its own code. */
int hcu_call_again(void) {
  struct hcu_thread *t = hcu_self;
  if (!t || t->state != HCU_T_UNWINDING || !t->below)
    return 0;
  t->below = 0;
  park_unwound(t);
  return 1;
}

void *hcu_rebuild_frame(const struct hcu_func_desc *fn, void **formals) {
  struct hcu_thread *t = hcu_self;
  if (!t || t->state != HCU_T_REBUILDING)
    return 0;
  /* The previous record (the caller's) has been restored by now. */
  hcu_record_free(t->taken);
  t->taken = NULL;
  if (t->recs.n == 0)
    hcu_fatal("thread %s: %s entered in rebuild mode with no record left",
              t->name, fn->key);
  struct hcu_record *r = t->recs.v[--t->recs.n]; /* outermost first */
  if (!hcu_same_key(r->fn, fn))
    hcu_fatal("thread %s: rebuilding %s, but the next frame record is for %s",
              t->name, fn->key, r->fn->key);
  t->taken = r;
  if (t->recs.n == 0) {
    if (hcu_record_fields(r)->kind != HCU_RESUME_REPLAY)
      t->replay.valid = 0;
    rebuild_done(t);
  }
  *formals = r->formals;
  return r->locals;
}
