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
 * Known limit: a thread that parks while holding a mutex (it was blocked in
 * another call, e.g. read(), inside a critical section) keeps a thread whose
 * condition wait uses that mutex inside libc's re-lock, where nothing can
 * interrupt it; that update times out, naming the thread. */
#include <errno.h>

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
  pthread_mutex_lock(&t->wlock);
  t->wait_cv = cv;
  pthread_mutex_unlock(&t->wlock);
  t->blocked_in = abstime ? "pthread_cond_timedwait" : "pthread_cond_wait";
  int counted = t->held > 0; /* released while waiting */
  t->held -= counted;
  int r = abstime ? pthread_cond_timedwait(cv, m, abstime)
                  : pthread_cond_wait(cv, m);
  t->held += counted;
  t->blocked_in = NULL;
  pthread_mutex_lock(&t->wlock);
  t->wait_cv = NULL;
  pthread_mutex_unlock(&t->wlock);
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
