/* signals.c: signal handlers installed by instrumented code.
 *
 * signal() and sigaction() called from instrumented code go to the wrappers
 * below, which install a runtime trampoline in place of the program's
 * handler and keep the program's pointer in a table. The trampoline
 *
 *   - calls the handler through that pointer: for an instrumented function
 *     it is the stable entry, which jumps through the slot, so the handler
 *     that runs is always the newest version;
 *   - counts the handlers running on each thread, so that the engine does
 *     not decide an update while one runs (docs/threads.md);
 *   - hides the thread from the engine while the handler runs (hcu_self is
 *     0 for its duration): a handler interrupts arbitrary code, which is not
 *     at a continuation point, so it must never start unwinding, rebuild a
 *     frame, or park. Update points and wrappers inside the handler behave
 *     as on an unregistered thread.
 *
 * There is one trampoline per handler flavour (sa_handler, sa_sigaction)
 * and one table per flavour: the kernel switches flavour and flags
 * atomically with the trampoline, so a signal arriving while a handler is
 * being replaced runs the old or the new handler, each with its own type.
 *
 * A parked thread blocks the program's signals (hcu_signals_park) until it
 * has rebuilt, so no handler starts on it while the update is decided; the
 * signals stay pending and run afterwards, in the new version. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hcu_engine.h"

typedef void (*plain_fn)(int);
typedef void (*info_fn)(int, siginfo_t *, void *);

static plain_fn plain_handlers[NSIG];
static info_fn info_handlers[NSIG];
static int restarts[NSIG]; /* installed with SA_RESTART */
/* What interrupted this thread's current wait (see hcu_signals_eintr):
 * 0 nothing seen, 1 only handlers with SA_RESTART, 2 one without. */
static __thread int eintr_note __attribute__((tls_model("initial-exec")));
/* Handlers running on threads the engine does not manage (unregistered
 * threads, and rare nesting windows; see enter()). */
static int unmanaged_running;

/* The registered thread whose handler runs on this OS thread: set only
 * while an outermost handler runs, so nested handlers are charged to it. */
static __thread struct hcu_thread *owner
    __attribute__((tls_model("initial-exec")));
static __thread sigset_t park_saved_mask
    __attribute__((tls_model("initial-exec")));
static __thread int park_masked __attribute__((tls_model("initial-exec")));
/* Handlers running on this thread, nested or not, managed or not. */
static __thread int handler_depth __attribute__((tls_model("initial-exec")));

/* ---- The trampolines (async-signal-safe: TLS, atomics, no locks) ----------*/

struct entered {
  struct hcu_thread *self;    /* hcu_self on entry (0 if nested/unmanaged) */
  struct hcu_thread *charged; /* whose sig_depth counts this handler */
};

static struct entered enter(int sig, void *fn) {
  struct entered e = {hcu_self, NULL};
  handler_depth++;
  int note = __atomic_load_n(&restarts[sig], __ATOMIC_RELAXED) ? 1 : 2;
  if (note > eintr_note)
    eintr_note = note;
  if (e.self) {
    owner = e.self;
    hcu_self = NULL;
  }
  /* A handler nested inside the window between the two stores above sees
   * hcu_self set and takes this same path whole, restoring both before it
   * returns; one nested after them is charged to owner. One nested in the
   * window at exit finds owner 0 and is counted as unmanaged: still
   * counted, so the engine still waits for it. */
  e.charged = e.self ? e.self : owner;
  if (e.charged) {
    if (__atomic_add_fetch(&e.charged->sig_depth, 1, __ATOMIC_SEQ_CST) == 1) {
      __atomic_store_n(&e.charged->sig_no, sig, __ATOMIC_RELAXED);
      __atomic_store_n(&e.charged->sig_fn, fn, __ATOMIC_RELAXED);
    }
  } else {
    __atomic_add_fetch(&unmanaged_running, 1, __ATOMIC_SEQ_CST);
  }
  return e;
}

static void leave(struct entered e) {
  if (e.charged)
    __atomic_sub_fetch(&e.charged->sig_depth, 1, __ATOMIC_SEQ_CST);
  else
    __atomic_sub_fetch(&unmanaged_running, 1, __ATOMIC_SEQ_CST);
  if (e.self) {
    hcu_self = e.self;
    owner = NULL;
  }
  handler_depth--;
}

int hcu_signals_in_handler(void) { return handler_depth > 0; }

static void tramp_plain(int sig) {
  plain_fn fn = sig > 0 && sig < NSIG
                    ? __atomic_load_n(&plain_handlers[sig], __ATOMIC_ACQUIRE)
                    : NULL;
  if (!fn)
    return; /* replaced by SIG_DFL/SIG_IGN while this one was in flight */
  struct entered e = enter(sig, (void *)(uintptr_t)fn);
  fn(sig);
  leave(e);
}

static void tramp_info(int sig, siginfo_t *info, void *uc) {
  info_fn fn = sig > 0 && sig < NSIG
                   ? __atomic_load_n(&info_handlers[sig], __ATOMIC_ACQUIRE)
                   : NULL;
  if (!fn)
    return;
  struct entered e = enter(sig, (void *)(uintptr_t)fn);
  fn(sig, info, uc);
  leave(e);
}

/* ---- The wrappers ---------------------------------------------------------*/

/* What the program would see without us: its own handler, not ours. */
static void unwrap(struct sigaction *old, plain_fn prev_plain,
                   info_fn prev_info) {
  if (!old)
    return;
  if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction == tramp_info)
    old->sa_sigaction = prev_info;
  else if (!(old->sa_flags & SA_SIGINFO) && old->sa_handler == tramp_plain)
    old->sa_handler = prev_plain;
}

int hcu_wrap_sigaction(int sig, const struct sigaction *act,
                       struct sigaction *old) {
  if (sig <= 0 || sig >= NSIG || !act)
    goto plain; /* bad numbers: libc reports them; queries: translate */
  int info = (act->sa_flags & SA_SIGINFO) != 0;
  if (!info && (act->sa_handler == SIG_DFL || act->sa_handler == SIG_IGN))
    goto plain;
  if (info ? !act->sa_sigaction : !act->sa_handler)
    goto plain;

  plain_fn prev_plain = __atomic_load_n(&plain_handlers[sig], __ATOMIC_ACQUIRE);
  info_fn prev_info = __atomic_load_n(&info_handlers[sig], __ATOMIC_ACQUIRE);
  __atomic_store_n(&restarts[sig], (act->sa_flags & SA_RESTART) != 0,
                   __ATOMIC_RELAXED);
  struct sigaction mine = *act;
  if (info) {
    __atomic_store_n(&info_handlers[sig], act->sa_sigaction, __ATOMIC_RELEASE);
    mine.sa_sigaction = tramp_info;
  } else {
    __atomic_store_n(&plain_handlers[sig], act->sa_handler, __ATOMIC_RELEASE);
    mine.sa_handler = tramp_plain;
  }
  int r = sigaction(sig, &mine, old);
  if (r != 0) {
    int e = errno;
    if (info)
      __atomic_store_n(&info_handlers[sig], prev_info, __ATOMIC_RELEASE);
    else
      __atomic_store_n(&plain_handlers[sig], prev_plain, __ATOMIC_RELEASE);
    errno = e;
    return r;
  }
  unwrap(old, prev_plain, prev_info);
  return 0;

plain:;
  plain_fn pp = sig > 0 && sig < NSIG
                    ? __atomic_load_n(&plain_handlers[sig], __ATOMIC_ACQUIRE)
                    : NULL;
  info_fn pi = sig > 0 && sig < NSIG
                   ? __atomic_load_n(&info_handlers[sig], __ATOMIC_ACQUIRE)
                   : NULL;
  int rc = sigaction(sig, act, old);
  if (rc == 0)
    unwrap(old, pp, pi);
  return rc;
}

/* glibc's signal(): BSD semantics (SA_RESTART, the signal blocked while its
 * handler runs), unless siginterrupt() asked otherwise, which we do not
 * see; a program that uses siginterrupt gets SA_RESTART anyway. */
sighandler_t hcu_wrap_signal(int sig, sighandler_t handler) {
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  if (sig > 0 && sig < NSIG)
    sigaddset(&act.sa_mask, sig);
  act.sa_flags = SA_RESTART;
  if (hcu_wrap_sigaction(sig, &act, &old) != 0)
    return SIG_ERR;
  return old.sa_handler; /* for an SA_SIGINFO handler, as glibc does */
}

/* ---- For the engine ------------------------------------------------------*/

void hcu_signals_park(void) {
  sigset_t all;
  sigfillset(&all);
  /* Faults cannot wait; glibc keeps its own internal signals unblockable. */
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGILL);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGTRAP);
  if (pthread_sigmask(SIG_BLOCK, &all, &park_saved_mask) == 0)
    park_masked = 1;
}

void hcu_signals_unpark(void) {
  if (park_masked) {
    park_masked = 0;
    pthread_sigmask(SIG_SETMASK, &park_saved_mask, NULL);
  }
}

void hcu_signals_wait_begin(void) { eintr_note = 0; }

int hcu_signals_eintr(void) {
  int n = eintr_note;
  eintr_note = 0;
  return n;
}

int hcu_signals_running(void) {
  int n = __atomic_load_n(&unmanaged_running, __ATOMIC_SEQ_CST);
  for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
    n += __atomic_load_n(&t->sig_depth, __ATOMIC_SEQ_CST);
  return n;
}

int hcu_signals_unmanaged(void) {
  return __atomic_load_n(&unmanaged_running, __ATOMIC_SEQ_CST);
}

void hcu_signals_describe(const struct hcu_thread *t, char *buf,
                          size_t size) {
  buf[0] = '\0';
  if (__atomic_load_n(&t->sig_depth, __ATOMIC_SEQ_CST) <= 0)
    return;
  int sig = __atomic_load_n(&t->sig_no, __ATOMIC_RELAXED);
  void *fn = __atomic_load_n(&t->sig_fn, __ATOMIC_RELAXED);
  const struct hcu_func_desc *d = hcu_entry_of(fn);
  const char *name = d ? d->key : NULL;
  Dl_info info;
  if (!name && fn && dladdr(fn, &info) && info.dli_sname &&
      info.dli_saddr == fn)
    name = info.dli_sname;
  const char *abbrev = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : NULL;
  if (abbrev)
    snprintf(buf, size, "in signal handler %s for SIG%s", name ? name : "?",
             abbrev);
  else
    snprintf(buf, size, "in signal handler %s for signal %d",
             name ? name : "?", sig);
}
