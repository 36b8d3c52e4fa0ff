/* threads.c: threads created by instrumented code.
 *
 * hcu_wrap_pthread_create starts the thread in a runtime trampoline that
 * registers it (registry entry, frame arena, wake signal blocked) and calls
 * the start routine in a loop, like main's generated trampoline: when the
 * routine returned because the thread was unwound for an update, the thread
 * parks, then calls the routine again, which rebuilds its stack. The routine
 * is called through the pointer the program passed, which for an instrumented
 * function is its stable entry, so the thread always lands in the newest
 * version.
 *
 * Only threads whose start routine is an instrumented function are
 * registered here. A thread running an uninstrumented routine, like one
 * created by uninstrumented code, is registered only while it runs
 * instrumented code it called back (hcu_foreign_enter, below).
 *
 * A thread leaves the registry when its start routine returns, when it calls
 * pthread_exit, and (through a key destructor) when it is cancelled or exits
 * from uninstrumented code. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu_engine.h"

#define JOIN_SLICE_MS 10

struct start {
  void *(*fn)(void *);
  void *arg;
  const char *name; /* the entry's key, for the registry and messages */
};

static pthread_key_t exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* ---- Which function a start routine is -----------------------------------*/

/* The descriptor of the instrumented function whose entry is fn, or 0. The
 * transform records each function's entry in its descriptor, so this is an
 * exact lookup: an uninstrumented function (or a pointer into the middle of
 * one) is never mistaken for an instrumented one. */
const struct hcu_func_desc *hcu_entry_of(void *fn) {
  return hcu_registry_by_entry(fn);
}

/* ---- Registry entries of created threads ---------------------------------*/

/* The entry of a thread libhcu did not start, kept between its calls into
 * instrumented code (freed at thread exit). */
static __thread struct hcu_thread *foreign_entry
    __attribute__((tls_model("initial-exec")));

void hcu_thread_unregister(struct hcu_thread *t) {
  if (!t)
    return;
  hcu_thread_leave_list(t);
  if (hcu_self == t)
    hcu_self = NULL;
  if (foreign_entry == t)
    foreign_entry = NULL;
  hcu_recstack_clear(&t->recs);
  hcu_recstack_clear(&t->mapped);
  free(t->recs.v);
  free(t->mapped.v);
  free(t->taken);
  pthread_mutex_destroy(&t->wlock);
  if (t->heap)
    free(t);
}

/* Exit paths we do not see (cancellation, pthread_exit from uninstrumented
 * code): the key's destructor still takes the thread out of the registry. */
static void exit_destructor(void *p) {
  hcu_thread_unregister(p);
  hcu_arena_unmap();
}

static void make_key(void) {
  if (pthread_key_create(&exit_key, exit_destructor) != 0)
    hcu_log("threads: no thread-exit key; a cancelled thread would stay "
            "registered");
}

static void leave(struct hcu_thread *t) {
  pthread_setspecific(exit_key, NULL);
  hcu_thread_unregister(t);
  hcu_arena_unmap();
}

static void *trampoline(void *p) {
  struct start s = *(struct start *)p;
  free(p);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, hcu_wake_signal);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  struct hcu_thread *t = calloc(1, sizeof *t);
  if (!t || hcu_thread_register(t, s.name) != HCU_OK) {
    /* Running it unregistered would let it run old code after an update;
     * but refusing to run it would break the program. Log and run. */
    hcu_log("threads: thread %s runs unregistered (out of memory); updates "
            "will not stop it",
            s.name);
    free(t);
    return s.fn(s.arg);
  }
  t->heap = 1;
  pthread_setspecific(exit_key, t);
  void *r;
  for (;;) {
    r = s.fn(s.arg);
    if (!hcu_thread_unwound())
      break;
    hcu_thread_quiesced();
  }
  leave(t);
  return r;
}

/* ---- Threads libhcu did not start ---------------------------------------
 * A thread created by uninstrumented code (or by the wrapper for an
 * uninstrumented start routine) is unknown until it calls instrumented code
 * through a stable entry (a callback). Then it joins the registry for the
 * duration of that outermost call, named after the function, and leaves it
 * when the call returns: an update stops it like any other thread while it
 * runs instrumented code (its outermost instrumented frame is its entry, so
 * it is never unwound into the library's frames), and does not wait for it
 * while it runs the library's code. One entering during an update waits,
 * counted as stopped, until the update is decided. */

int hcu_foreign_enter(const struct hcu_func_desc *fn) {
  /* A handler hides its thread (signals.c); before init there is no
   * engine to join. */
  if (hcu_self || !hcu_wake_signal || hcu_signals_in_handler())
    return 0;
  struct hcu_thread *t = foreign_entry;
  if (!t) {
    pthread_once(&key_once, make_key);
    t = malloc(sizeof *t);
    if (!t || hcu_thread_init(t, fn->key) != HCU_OK) {
      free(t);
      hcu_log("threads: out of memory registering a thread libhcu did not "
              "start, in %s; updates will not stop it",
              fn->key);
      return 0;
    }
    t->heap = 1;
    t->foreign = 1;
    /* Like the threads we start: the wake signal reaches it only in a
     * wrapper's wait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, hcu_wake_signal);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    foreign_entry = t;
    pthread_setspecific(exit_key, t); /* unregistered at thread exit */
  }
  t->name = fn->key;
  hcu_thread_join(t);
  return 1;
}

int hcu_foreign_again(void) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return 0;
  if (t->state == HCU_T_UNWINDING) {
    hcu_thread_quiesced();
    return 1;
  }
  hcu_thread_leave_list(t);
  hcu_self = NULL;
  free(t->taken);
  t->taken = NULL;
  t->replay.valid = 0;
  t->held = 0; /* what it still holds, library code locked or unlocks */
  return 0;
}

int hcu_wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                            void *(*start)(void *), void *arg) {
  pthread_once(&key_once, make_key);
  const struct hcu_func_desc *d = hcu_entry_of((void *)(uintptr_t)start);
  if (!d) {
    Dl_info info;
    const char *sym = NULL;
    if (start && dladdr((void *)(uintptr_t)start, &info))
      sym = info.dli_sname;
    hcu_log("threads: start routine %p (%s) is not an instrumented function; "
            "its thread is stopped only while it runs instrumented code",
            (void *)(uintptr_t)start, sym ? sym : "?");
    return pthread_create(th, attr, start, arg);
  }
  struct start *s = malloc(sizeof *s);
  if (!s)
    return EAGAIN; /* what pthread_create reports for lack of resources */
  s->fn = start;
  s->arg = arg;
  /* Not d->key: d may be a patch's descriptor, and the name outlives it
   * (a patch is unloaded once superseded, unload.c). */
  s->name = hcu_registry_stable_key(d);
  int r = pthread_create(th, attr, trampoline, s);
  if (r != 0)
    free(s);
  return r;
}

void hcu_wrap_pthread_exit(void *ret) {
  struct hcu_thread *t = hcu_self;
  if (t) {
    pthread_once(&key_once, make_key);
    leave(t);
  }
  pthread_exit(ret);
}

/* glibc's join waits in a futex that restarts after signals, so it is waited
 * for in slices, checking for an update between them. */
int hcu_wrap_pthread_join(pthread_t th, void **ret) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return pthread_join(th, ret);
  hcu_replay_take(t, HCU_W_JOIN, &(struct timespec){0, 0});
  int r = pthread_tryjoin_np(th, ret);
  if (r != EBUSY)
    return r;
  t->blocked_in = "pthread_join";
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_JOIN, NULL)) {
      r = 0;
      break;
    }
    /* pthread_timedjoin_np (CLOCK_REALTIME), which sanitizers intercept,
     * unlike pthread_clockjoin_np; a clock step only stretches one slice. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until = hcu_ts_add(until, 0, JOIN_SLICE_MS * 1000000L);
    r = pthread_timedjoin_np(th, ret, &until);
    if (r != ETIMEDOUT)
      break;
  }
  t->blocked_in = NULL;
  return r;
}
