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

#if defined(__x86_64__)
/* An instrumented entry is `return hcu_slot__f(args);`: its first
 * instructions load the slot with a RIP-relative operand (`jmp *slot(%rip)`
 * at -O2, `mov slot(%rip), %reg` at -O0). Any RIP-relative displacement in
 * the first bytes that lands exactly on a registered slot names the
 * function; a false match would have to hit a slot's address exactly. */
static const struct hcu_func_desc *entry_by_code(const unsigned char *p) {
  enum { SCAN = 48 };
  for (int i = 0; i + 6 <= SCAN; i++) {
    int len = 0; /* bytes of the instruction up to and including disp32 */
    if (p[i] == 0xff && (p[i + 1] == 0x25 || p[i + 1] == 0x15))
      len = 6; /* jmp/call *disp(%rip) */
    else if ((p[i] & 0xf8) == 0x48 && p[i + 1] == 0x8b &&
             (p[i + 2] & 0xc7) == 0x05)
      len = 7; /* mov disp(%rip), %r64 */
    if (!len || i + len > SCAN)
      continue;
    int32_t disp;
    memcpy(&disp, p + i + len - 4, 4);
    void *const *slot = (void *const *)(p + i + len + disp);
    const struct hcu_func_desc *d = hcu_registry_by_slot(slot);
    if (d)
      return d;
  }
  return NULL;
}
#endif

/* The descriptor of the instrumented function whose entry is fn, or 0. */
const struct hcu_func_desc *hcu_entry_of(void *fn) {
  const struct hcu_func_desc *d = NULL;
  if (!fn)
    return NULL;
#if defined(__x86_64__)
  d = entry_by_code((const unsigned char *)fn);
#endif
  Dl_info info;
  if (!d && dladdr(fn, &info) && info.dli_sname &&
      info.dli_saddr == fn) {
    char err[256];
    d = hcu_registry_find(info.dli_sname, err, sizeof err);
    if (d && (d->flags & HCU_FN_STATIC))
      d = NULL; /* a static function of that name elsewhere: not this one */
  }
  return d;
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
  s->name = d->key;
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
