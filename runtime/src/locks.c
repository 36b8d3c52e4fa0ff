/* locks.c: mutexes, condition variables and semaphores as blocking calls.
 *
 * Three rules keep an update from deadlocking on the program's locks:
 *
 * 1. A thread that holds a program mutex (t->held, counted by the lock,
 *    trylock and unlock wrappers) does not start unwinding at update points:
 *    it runs on until it lets go, so threads normally never park inside a
 *    critical section.
 * 2. Waiting for a mutex is interruptible: the wrapper waits in short slices
 *    (glibc's lock wait restarts after signals, so a signal cannot cut it
 *    short) and unwinds with REPLAY between two slices; the replay locks
 *    again. A thread waiting for a mutex held by a parked thread therefore
 *    parks too.
 * 3. A condition wait that an update interrupts unwinds *without* the mutex
 *    (as if still inside the wait, which is where the mutex is released) and
 *    its replay only re-locks the mutex and returns 0: a spurious wakeup,
 *    which POSIX allows and every correct caller handles by re-checking its
 *    predicate. Waiting again instead could lose a pthread_cond_signal that
 *    this very wakeup consumed. The engine wakes such a thread by
 *    broadcasting the condition variable it waits on (hcu_thread_kick).
 *
 *    The wait itself runs on a runtime mutex, and the wrapper re-locks the
 *    program's mutex interruptibly (rule 2): a thread that parked holding
 *    that mutex (blocked in a call inside its critical section) cannot keep
 *    a waiter woken for the update inside libc's re-lock (see below). */
#include <errno.h>
#include <stdint.h>

#include "hcu_engine.h"

#define LOCK_SLICE_MS 4

/* ---- Mutexes --------------------------------------------------------------*/

/* One slice of waiting. CLOCK_REALTIME and pthread_mutex_timedlock rather
 * than pthread_mutex_clocklock: sanitizers (TSan) do not intercept the
 * latter and would not see the lock taken. A clock step can only lengthen
 * one slice, i.e. delay noticing an update, never the lock itself. */
static int lock_slice(pthread_mutex_t *m, long ms) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until = hcu_ts_add(until, 0, ms * 1000000L);
  return pthread_mutex_timedlock(m, &until);
}

int hcu_lock_interruptible(struct hcu_thread *t, int id, pthread_mutex_t *m,
                           const struct timespec *abs_mono) {
  int r = pthread_mutex_trylock(m);
  if (r != EBUSY)
    return r; /* 0, or an error the real lock would report too */
  const char *was = t->blocked_in;
  t->blocked_in = "pthread_mutex_lock";
  for (;;) {
    if (hcu_asked_to_unwind(t, id, abs_mono)) {
      r = W_UNWIND;
      break;
    }
    long ms = LOCK_SLICE_MS;
    if (abs_mono) {
      struct timespec left = hcu_ts_sub(*abs_mono, hcu_now_mono());
      if (left.tv_sec == 0 && left.tv_nsec == 0) {
        r = ETIMEDOUT;
        break;
      }
      if (left.tv_sec == 0 && left.tv_nsec / 1000000L < ms)
        ms = left.tv_nsec / 1000000L + 1;
    }
    r = lock_slice(m, ms);
    if (r != ETIMEDOUT)
      break;
  }
  t->blocked_in = was;
  return r;
}

int hcu_wrap_pthread_mutex_lock(pthread_mutex_t *m) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return pthread_mutex_lock(m);
  hcu_replay_take(t, HCU_W_MUTEX, &(struct timespec){0, 0});
  int r = hcu_lock_interruptible(t, HCU_W_MUTEX, m, NULL);
  if (r == W_UNWIND)
    return 0; /* the caller unwinds at once and replays the call */
  if (r == 0)
    t->held++;
  return r;
}

/* The deadline is absolute (CLOCK_REALTIME) in the arguments, so a replay
 * keeps it; it is followed on the monotonic clock while waiting. */
int hcu_wrap_pthread_mutex_timedlock(pthread_mutex_t *m,
                                     const struct timespec *abstime) {
  struct hcu_thread *t = hcu_self;
  if (!t || !abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
    return pthread_mutex_timedlock(m, abstime);
  t->replay.valid = 0;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct timespec rel = hcu_ts_sub(*abstime, now);
  struct timespec dl = hcu_ts_add(hcu_now_mono(), rel.tv_sec, rel.tv_nsec);
  int r = hcu_lock_interruptible(t, HCU_W_MUTEX, m, &dl);
  if (r == W_UNWIND)
    return 0;
  if (r == 0)
    t->held++;
  return r;
}

int hcu_wrap_pthread_mutex_trylock(pthread_mutex_t *m) {
  int r = pthread_mutex_trylock(m);
  struct hcu_thread *t = hcu_self;
  if (t && r == 0)
    t->held++;
  return r;
}

int hcu_wrap_pthread_mutex_unlock(pthread_mutex_t *m) {
  int r = pthread_mutex_unlock(m);
  struct hcu_thread *t = hcu_self;
  /* Clamped: a mutex locked by uninstrumented code and unlocked here. */
  if (t && r == 0 && t->held > 0)
    t->held--;
  return r;
}

/* ---- Condition variables --------------------------------------------------*/

void hcu_thread_kick(struct hcu_thread *t) {
  int e = pthread_kill(t->pthread, hcu_wake_signal);
  if (e)
    hcu_log("update: cannot signal thread %s: %d", t->name, e);
  /* The waiter is inside the wrapper while wait_cv is set, so the program
   * cannot have destroyed the condition variable yet. */
  pthread_mutex_lock(&t->wlock);
  if (t->wait_cv)
    pthread_cond_broadcast(t->wait_cv);
  pthread_mutex_unlock(&t->wlock);
}

/* Leaves the wait for an update: gives the mutex up (the caller expects it
 * released only while inside the wait, which is where we pretend to be) and
 * marks the call for replay. */
static int unwind_out_of_wait(struct hcu_thread *t, pthread_mutex_t *m) {
  if (__atomic_load_n(&hcu_eng.lazy, __ATOMIC_RELAXED)) {
    /* Lazy update: stop without the mutex (another waiter woken by the
     * same broadcast needs it to get out of libc and stop too), take it
     * back, and report a spurious wakeup. Nothing is unwound. */
    pthread_mutex_unlock(m);
    if (t->held > 0)
      t->held--;
    hcu_thread_begin_unwind(t, HCU_RESUME_REPLAY); /* parks in place */
    if (hcu_lock_interruptible(t, HCU_W_COND, m, NULL) == 0)
      t->held++;
    return 1;
  }
  if (!hcu_asked_to_unwind(t, HCU_W_COND, NULL))
    return 0;
  pthread_mutex_unlock(m);
  if (t->held > 0)
    t->held--;
  return 1;
}

/* ---- The wait itself --------------------------------------------------------
 * libc's wait re-locks the program's mutex before it returns, in a futex
 * wait that no signal can cut short. If the mutex's holder is parked for an
 * update (rule 1's exception: it was blocked in a call inside its critical
 * section), a waiter woken for that update would stay in that re-lock and
 * the update would time out. So the wrapper never lets libc re-lock the
 * program's mutex: it waits with a runtime mutex of its own (one of a few,
 * chosen by the condition variable's address) and re-locks the program's
 * mutex itself, interruptibly (rule 2).
 *
 * No wakeup is lost in between: the waiter takes the runtime mutex before it
 * releases the program's, and libc registers it on the condition variable
 * before it releases the runtime mutex; the signal and broadcast wrappers
 * take the same runtime mutex around the call. A signaller that changed the
 * predicate after the waiter released the program's mutex therefore signals
 * after the waiter is registered. (A signal from uninstrumented code, which
 * is not wrapped, could fall into that window; so could one from another
 * process on a process-shared condition variable.) */

#define COND_STRIPES 64

static pthread_mutex_t stripes[COND_STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;

static void stripes_init(void) {
  for (int i = 0; i < COND_STRIPES; i++)
    pthread_mutex_init(&stripes[i], NULL);
}

/* The child of a fork: a stripe another thread held at the fork is free. */
void hcu_locks_fork_child(void) {
  pthread_once(&stripes_once, stripes_init);
  stripes_init();
}

static pthread_mutex_t *stripe_of(const pthread_cond_t *cv) {
  pthread_once(&stripes_once, stripes_init);
  uintptr_t h = (uintptr_t)cv;
  h ^= h >> 12;
  return &stripes[(h >> 4) % COND_STRIPES];
}

static int under_stripe(pthread_cond_t *cv, int (*wake)(pthread_cond_t *)) {
  pthread_mutex_t *s = stripe_of(cv);
  pthread_mutex_lock(s);
  int r = wake(cv);
  pthread_mutex_unlock(s);
  return r;
}

int hcu_wrap_pthread_cond_signal(pthread_cond_t *cv) {
  return under_stripe(cv, pthread_cond_signal);
}

int hcu_wrap_pthread_cond_broadcast(pthread_cond_t *cv) {
  return under_stripe(cv, pthread_cond_broadcast);
}

struct waiting {
  struct hcu_thread *t;
  pthread_mutex_t *stripe, *m;
};

static void wait_cv_set(struct hcu_thread *t, pthread_cond_t *cv) {
  pthread_mutex_lock(&t->wlock);
  t->wait_cv = cv;
  pthread_mutex_unlock(&t->wlock);
}

/* Cancelled inside the wait: libc re-locked the stripe; the program's
 * cleanup handlers expect its own mutex held, as after libc's wait. */
static void wait_cancelled(void *p) {
  struct waiting *w = p;
  pthread_mutex_unlock(w->stripe);
  wait_cv_set(w->t, NULL);
  w->t->blocked_in = NULL;
  if (pthread_mutex_lock(w->m) == 0)
    w->t->held++;
}

static int cond_wait(pthread_cond_t *cv, pthread_mutex_t *m,
                     const struct timespec *abstime) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return abstime ? pthread_cond_timedwait(cv, m, abstime)
                   : pthread_cond_wait(cv, m);
  if (hcu_replay_is(t, HCU_W_COND)) {
    /* Replaying a wait an update interrupted: the mutex is not held. Lock
     * it (interruptibly: its holder may be stopping too) and report a
     * spurious wakeup; the caller re-checks its predicate. */
    int r = hcu_lock_interruptible(t, HCU_W_COND, m, NULL);
    if (r == W_UNWIND)
      return 0;
    if (r == 0)
      t->held++;
    return r;
  }
  if (__atomic_load_n(&hcu_eng.requested, __ATOMIC_ACQUIRE) &&
      unwind_out_of_wait(t, m))
    return 0;
  struct waiting w = {t, stripe_of(cv), m};
  pthread_mutex_lock(w.stripe);
  int r = pthread_mutex_unlock(m);
  if (r != 0) { /* not the owner (an error-checking mutex) */
    pthread_mutex_unlock(w.stripe);
    return r;
  }
  if (t->held > 0)
    t->held--;
  wait_cv_set(t, cv);
  t->blocked_in = abstime ? "pthread_cond_timedwait" : "pthread_cond_wait";
  pthread_cleanup_push(wait_cancelled, &w);
  r = abstime ? pthread_cond_timedwait(cv, w.stripe, abstime)
              : pthread_cond_wait(cv, w.stripe);
  pthread_cleanup_pop(0);
  pthread_mutex_unlock(w.stripe);
  t->blocked_in = NULL;
  wait_cv_set(t, NULL);
  /* The mutex's holder may be parked for an update: lock interruptibly. An
   * unwind here replays as a spurious wakeup, whatever ended the wait. */
  int l = hcu_lock_interruptible(t, HCU_W_COND, m, NULL);
  if (l == W_UNWIND)
    return 0;
  if (l != 0)
    return l;
  t->held++;
  /* Woken by an update's broadcast or for real: we cannot tell, and need
   * not, since the replay returns 0 with the mutex held either way. A
   * timeout is reported as it is; the caller then runs on, unlocks, and
   * stops at its next update point. */
  if (r == 0 && __atomic_load_n(&hcu_eng.requested, __ATOMIC_ACQUIRE) &&
      unwind_out_of_wait(t, m))
    return 0;
  return r;
}

int hcu_wrap_pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m) {
  return cond_wait(cv, m, NULL);
}

int hcu_wrap_pthread_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *m,
                                    const struct timespec *abstime) {
  return cond_wait(cv, m, abstime);
}
