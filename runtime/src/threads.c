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
 * registered: a thread running an uninstrumented routine has no update points
 * and no frames we could unwind, so stopping it is not possible; it is left
 * alone and logged. Threads created by uninstrumented code are not seen at all
 * (docs/threads.md).
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

void hcu_thread_unregister(struct hcu_thread *t) {
  if (!t)
    return;
  pthread_mutex_lock(&hcu_eng.lock);
  for (struct hcu_thread **p = &hcu_eng.threads; *p; p = &(*p)->next)
    if (*p == t) {
      *p = t->next;
      break;
    }
  /* The engine may be waiting for this thread to stop or to rebuild. */
  pthread_cond_broadcast(&hcu_eng.cv);
  pthread_mutex_unlock(&hcu_eng.lock);
  if (hcu_self == t)
    hcu_self = NULL;
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
            "its thread is not stopped by updates",
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
