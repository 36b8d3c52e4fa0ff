/* fault.c: fault injection (HCU_FAULT) and the crash guard around datatype
 * transformers.
 *
 * HCU_FAULT=step[:N][,step[:N]...] makes the named steps of the next
 * updates fail, so that tests can check that every failure ends in a clean
 * rollback. Read once, on the control thread, at the first update.
 *
 * The guard: a patch's transformer runs on the control thread while every
 * program thread is parked. If it faults, the kernel delivers SIGSEGV (or
 * SIGBUS, SIGILL, SIGFPE) to that thread; our handler jumps back to the
 * guard, the update is rolled back, and the program's handlers are put back.
 * The control thread blocks every signal otherwise, so only the four
 * synchronous ones are unblocked, and only for the call. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hcu_fault.h"
#include "hcu_internal.h"

static const char *const step_names[HCU_FAULT_NSTEPS] = {
    "load", "bind", "transformer", "transformer-crash", "timeout", "rebuild"};

static int armed[HCU_FAULT_NSTEPS]; /* remaining firings per step */
static int parsed;

const char *hcu_fault_name(int step) {
  return step >= 0 && step < HCU_FAULT_NSTEPS ? step_names[step] : "?";
}

static void parse_one(const char *tok, size_t len) {
  const char *colon = memchr(tok, ':', len);
  size_t nlen = colon ? (size_t)(colon - tok) : len;
  int count = 1;
  if (colon) {
    char num[16];
    size_t k = len - nlen - 1;
    char *end;
    if (k == 0 || k >= sizeof num)
      goto bad;
    memcpy(num, colon + 1, k);
    num[k] = '\0';
    long v = strtol(num, &end, 10);
    if (*end || v < 1 || v > 1000000)
      goto bad;
    count = (int)v;
  }
  for (int s = 0; s < HCU_FAULT_NSTEPS; s++)
    if (strlen(step_names[s]) == nlen &&
        memcmp(step_names[s], tok, nlen) == 0) {
      armed[s] = count;
      hcu_log("fault injection: step %s fails %d time%s (HCU_FAULT)",
              step_names[s], count, count == 1 ? "" : "s");
      return;
    }
bad:
  hcu_log("fault injection: ignoring '%.*s' in HCU_FAULT (steps: load, "
          "bind, transformer, transformer-crash, timeout, rebuild; "
          "optionally :N)",
          (int)(len > 64 ? 64 : len), tok);
}

static void parse_env(void) {
  parsed = 1;
  const char *s = getenv("HCU_FAULT");
  if (!s || !*s)
    return;
  while (*s) {
    const char *comma = strchr(s, ',');
    size_t len = comma ? (size_t)(comma - s) : strlen(s);
    if (len)
      parse_one(s, len);
    s += len + (comma ? 1 : 0);
  }
}

int hcu_fault_fire(int step) {
  if (!parsed)
    parse_env();
  if (step < 0 || step >= HCU_FAULT_NSTEPS || armed[step] <= 0)
    return 0;
  armed[step]--;
  hcu_log("fault injection: failing step %s now", step_names[step]);
  return 1;
}

/* ---- The crash guard ------------------------------------------------------*/

static const int guarded_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
#define NGUARDED (sizeof guarded_signals / sizeof guarded_signals[0])

static struct sigaction saved[NGUARDED];
static sigjmp_buf guard_env;
static _Thread_local volatile sig_atomic_t guard_here;

static void on_crash(int sig) {
  if (guard_here) {
    guard_here = 0;
    siglongjmp(guard_env, sig);
  }
  /* Another thread faulted while the guard was installed: give the signal
   * back to the program's handler; the faulting instruction runs again. */
  for (size_t i = 0; i < NGUARDED; i++)
    if (guarded_signals[i] == sig)
      sigaction(sig, &saved[i], NULL);
}

/* A real invalid access (not a raise()), on a page made for it, so that no
 * sanitizer or compiler sees undefined behaviour in the runtime itself. */
static void crash_now(void) {
  static void *page;
  if (!page) {
    page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
      page = NULL;
      raise(SIGSEGV);
      return;
    }
  }
  *(volatile int *)page = 1;
}

int hcu_fault_guarded_call(int (*fn)(void), int inject, int *crashed) {
  struct sigaction sa;
  sigset_t unblock, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_crash;
  sigemptyset(&sa.sa_mask);
  sigemptyset(&unblock);
  for (size_t i = 0; i < NGUARDED; i++) {
    sigaction(guarded_signals[i], &sa, &saved[i]);
    sigaddset(&unblock, guarded_signals[i]);
  }
  pthread_sigmask(SIG_UNBLOCK, &unblock, &old);
  volatile int rc = -1;
  *crashed = 0;
  int sig = sigsetjmp(guard_env, 1);
  if (sig == 0) {
    guard_here = 1;
    rc = fn ? fn() : 0;
    if (inject)
      crash_now();
    guard_here = 0;
  } else {
    *crashed = sig;
    rc = -1;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  for (size_t i = 0; i < NGUARDED; i++)
    sigaction(guarded_signals[i], &saved[i], NULL);
  return rc;
}
