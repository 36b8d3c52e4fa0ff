/* wrappers.c: blocking calls that an update can interrupt.
 *
 * Generated code calls hcu_wrap_<name> instead of <name>; each has libc's
 * signature. The wake signal is blocked everywhere except inside the waits
 * here (ppoll / pselect with the thread's own mask minus that signal), so it
 * interrupts only these waits and no other code ever sees an EINTR it did not
 * ask for. When an update wants the thread, the wrapper marks the thread
 * unwinding with resume kind REPLAY and returns a dummy value; the caller's
 * post-call check then unwinds, and after the update the call is made again
 * (a sleep or timeout keeps its original deadline).
 *
 * Cost: a thread the runtime does not know (no hcu_self) calls libc directly.
 * For a known thread, a call that would not block costs one or two extra
 * system calls (a non-blocking first attempt or fcntl, and the mask query);
 * a call that blocks pays them once before it sleeps.
 *
 * Known limits: SO_RCVTIMEO is not honoured while waiting for readiness, and
 * an absolute clock_nanosleep on CLOCK_REALTIME does not follow clock steps
 * made while it waits. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "hcu_engine.h"

/* ---- Time ----------------------------------------------------------------*/

static const long NS = 1000000000L;

struct timespec hcu_now_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts;
}

/* base + d, saturating instead of overflowing time_t. */
struct timespec hcu_ts_add(struct timespec base, time_t sec, long nsec) {
  const time_t tmax = (time_t)((~(unsigned long long)0 >> 1) >>
                               (64 - 8 * sizeof(time_t)));
  struct timespec r = base;
  r.tv_nsec += nsec;
  if (r.tv_nsec >= NS) {
    r.tv_nsec -= NS;
    sec++;
  }
  if (sec > tmax - r.tv_sec) {
    r.tv_sec = tmax;
    r.tv_nsec = NS - 1;
  } else {
    r.tv_sec += sec;
  }
  return r;
}

/* max(0, a - b) */
struct timespec hcu_ts_sub(struct timespec a, struct timespec b) {
  struct timespec r = {0, 0};
  if (a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec))
    return r;
  r.tv_sec = a.tv_sec - b.tv_sec;
  r.tv_nsec = a.tv_nsec - b.tv_nsec;
  if (r.tv_nsec < 0) {
    r.tv_nsec += NS;
    r.tv_sec--;
  }
  return r;
}

int hcu_ts_before(struct timespec a, struct timespec b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

static int ts_valid(const struct timespec *t) {
  return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < NS;
}

/* ---- Replay ---------------------------------------------------------------*/

/* The first wrapper call after a rebuild whose innermost frame was
 * interrupted consumes the deadline left by the interrupted call. */
int hcu_replay_is(struct hcu_thread *t, int id) {
  int ok = t->replay.valid && t->replay.id == id;
  t->replay.valid = 0;
  return ok;
}

int hcu_replay_take(struct hcu_thread *t, int id, struct timespec *dl) {
  int ok = t->replay.valid && t->replay.id == id && t->replay.has_deadline;
  if (ok)
    *dl = t->replay.deadline;
  t->replay.valid = 0;
  return ok;
}

int hcu_asked_to_unwind(struct hcu_thread *t, int id,
                           const struct timespec *dl) {
  if (!__atomic_load_n(&hcu_eng.requested, __ATOMIC_ACQUIRE) ||
      !hcu_thread_begin_unwind(t, HCU_RESUME_REPLAY))
    return 0;
  t->replay.valid = 1;
  t->replay.id = id;
  t->replay.has_deadline = dl != NULL;
  t->replay.done = 0;
  if (dl)
    t->replay.deadline = *dl;
  return 1;
}

/* Whether an EINTR from some other signal should reach the caller: libc's
 * call would have been restarted unless the handler lacks SA_RESTART. The
 * trampolines of handlers installed through the wrappers note which ran
 * (signals.c); for other handlers (a library's, a sanitizer's) we cannot
 * tell which signal arrived, so any caught, unblocked signal without
 * SA_RESTART makes the call return EINTR. Runs only after such an EINTR. */
int hcu_foreign_eintr_visible(void) {
  /* Handlers installed through the wrappers say what interrupted us. */
  int note = hcu_signals_eintr();
  if (note)
    return note == 2;
  /* Otherwise guess from the handlers installed: any without SA_RESTART. */
  sigset_t blocked;
  pthread_sigmask(SIG_BLOCK, NULL, &blocked);
  for (int s = 1; s < NSIG; s++) {
    struct sigaction sa;
    if (s == hcu_wake_signal || sigismember(&blocked, s) == 1 ||
        sigaction(s, NULL, &sa) != 0)
      continue;
    if (!(sa.sa_flags & SA_SIGINFO) &&
        (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN))
      continue;
    if (!(sa.sa_flags & SA_RESTART))
      return 1;
  }
  return 0;
}

/* ---- Waiting --------------------------------------------------------------*/

void hcu_wait_mask(sigset_t *m) {
  pthread_sigmask(SIG_BLOCK, NULL, m);
  sigdelset(m, hcu_wake_signal);
}

/* Waits for fds (or only time when nfds is 0) until the absolute monotonic
 * deadline dl (0: no limit). Returns ppoll's count (0 = timed out), -1 with
 * errno (EINTR: another signal), or W_UNWIND. Our own signal without an
 * update for us (a stale one) just continues the wait. */
int hcu_wait_ready(struct hcu_thread *t, int id, struct pollfd *fds,
                      nfds_t nfds, const struct timespec *dl) {
  sigset_t mask;
  hcu_wait_mask(&mask);
  for (;;) {
    if (hcu_asked_to_unwind(t, id, dl))
      return W_UNWIND;
    struct timespec rel, *relp = NULL;
    if (dl) {
      rel = hcu_ts_sub(*dl, hcu_now_mono());
      relp = &rel;
    }
    unsigned seen = hcu_wake_count;
    hcu_signals_wait_begin();
    int r = ppoll(fds, nfds, relp, &mask);
    if (r >= 0 || errno != EINTR)
      return r;
    if (hcu_wake_count == seen)
      return -1;
  }
}

/* Blocks until fd is readable, for calls that then do the real operation.
 * 1: go ahead; 0: the caller returns -1 with errno set; W_UNWIND. */
static int wait_readable(struct hcu_thread *t, int id, int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  for (;;) {
    int r = hcu_wait_ready(t, id, &p, 1, NULL);
    if (r > 0 || r == W_UNWIND)
      return r > 0 ? 1 : W_UNWIND;
    if (r < 0 && (errno != EINTR || hcu_foreign_eintr_visible()))
      return 0;
  }
}

static int is_nonblocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl < 0 || (fl & O_NONBLOCK); /* a bad fd: let libc report it */
}

/* ---- fd calls -------------------------------------------------------------*/

int hcu_wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len,
                     int flags) {
  struct hcu_thread *t = hcu_self;
  if (!t || is_nonblocking(fd))
    return accept4(fd, addr, len, flags);
  hcu_replay_take(t, HCU_W_ACCEPT, &(struct timespec){0, 0});
  int saved = errno;
  int r = wait_readable(t, HCU_W_ACCEPT, fd);
  if (r == W_UNWIND) {
    errno = saved;
    return -1;
  }
  return r ? accept4(fd, addr, len, flags) : -1;
}

int hcu_wrap_accept(int fd, struct sockaddr *addr, socklen_t *len) {
  return hcu_wrap_accept4(fd, addr, len, 0);
}

/* read and readv: wait until fd is readable, then make the real call. A
 * replay waits again (nothing was read before the unwind). */
static ssize_t read_any(int fd, void *buf, size_t n, const struct iovec *iov,
                        int iovcnt) {
  return iov ? readv(fd, iov, iovcnt) : read(fd, buf, n);
}

static ssize_t read_wrapped(int fd, void *buf, size_t n,
                            const struct iovec *iov, int iovcnt) {
  struct hcu_thread *t = hcu_self;
  if (!t || n == 0 || is_nonblocking(fd))
    return read_any(fd, buf, n, iov, iovcnt);
  hcu_replay_take(t, HCU_W_READ, &(struct timespec){0, 0});
  int saved = errno;
  t->blocked_in = iov ? "readv" : "read";
  int r = wait_readable(t, HCU_W_READ, fd);
  t->blocked_in = NULL;
  if (r == W_UNWIND) {
    errno = saved;
    return -1;
  }
  return r ? read_any(fd, buf, n, iov, iovcnt) : -1;
}

ssize_t hcu_wrap_read(int fd, void *buf, size_t n) {
  return read_wrapped(fd, buf, n, NULL, 0);
}

/* A zero-length readv returns at once, like read of 0 bytes; a bad vector
 * is libc's to report. */
ssize_t hcu_wrap_readv(int fd, const struct iovec *iov, int iovcnt) {
  size_t n = 0;
  if (iovcnt <= 0 || iovcnt > IOV_MAX || !iov)
    return readv(fd, iov, iovcnt);
  for (int i = 0; i < iovcnt; i++)
    n |= iov[i].iov_len;
  return read_wrapped(fd, NULL, n, iov, iovcnt);
}

/* The recv family tries without blocking first: no extra system call when
 * data is already there. MSG_WAITALL cannot be split that way, so it waits
 * for readiness and then makes the real (possibly blocking) call. */
enum { RECV = 0, RECVFROM = 1, RECVMSG = 2 };

static ssize_t recv_any(int kind, int fd, void *buf, size_t n, int flags,
                        struct sockaddr *addr, socklen_t *len,
                        struct msghdr *msg) {
  switch (kind) {
  case RECV:
    return recv(fd, buf, n, flags);
  case RECVFROM:
    return recvfrom(fd, buf, n, flags, addr, len);
  default:
    return recvmsg(fd, msg, flags);
  }
}

static ssize_t recv_wrapped(int kind, int fd, void *buf, size_t n, int flags,
                            struct sockaddr *addr, socklen_t *len,
                            struct msghdr *msg) {
  struct hcu_thread *t = hcu_self;
  if (!t || (flags & MSG_DONTWAIT))
    return recv_any(kind, fd, buf, n, flags, addr, len, msg);
  hcu_replay_take(t, HCU_W_RECV, &(struct timespec){0, 0});
  int saved = errno;
  int waitall = flags & MSG_WAITALL;
  for (;;) {
    if (!waitall) {
      ssize_t got = recv_any(kind, fd, buf, n, flags | MSG_DONTWAIT, addr,
                             len, msg);
      if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK) ||
          is_nonblocking(fd))
        return got;
      errno = saved;
    } else if (is_nonblocking(fd)) {
      return recv_any(kind, fd, buf, n, flags, addr, len, msg);
    }
    int r = wait_readable(t, HCU_W_RECV, fd);
    if (r == W_UNWIND) {
      errno = saved;
      return -1;
    }
    if (!r)
      return -1;
    if (waitall)
      return recv_any(kind, fd, buf, n, flags, addr, len, msg);
  }
}

ssize_t hcu_wrap_recv(int fd, void *buf, size_t n, int flags) {
  return recv_wrapped(RECV, fd, buf, n, flags, NULL, NULL, NULL);
}

ssize_t hcu_wrap_recvfrom(int fd, void *buf, size_t n, int flags,
                          struct sockaddr *addr, socklen_t *len) {
  return recv_wrapped(RECVFROM, fd, buf, n, flags, addr, len, NULL);
}

ssize_t hcu_wrap_recvmsg(int fd, struct msghdr *msg, int flags) {
  return recv_wrapped(RECVMSG, fd, NULL, 0, flags, NULL, NULL, msg);
}

/* ---- poll / select --------------------------------------------------------*/

int hcu_wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return poll(fds, nfds, timeout);
  struct timespec dl;
  if (timeout >= 0 && !hcu_replay_take(t, HCU_W_POLL, &dl))
    dl = hcu_ts_add(hcu_now_mono(), timeout / 1000, (long)(timeout % 1000) * 1000000L);
  else if (timeout < 0)
    t->replay.valid = 0;
  int saved = errno;
  int r = hcu_wait_ready(t, HCU_W_POLL, fds, nfds, timeout >= 0 ? &dl : NULL);
  if (r == W_UNWIND) {
    errno = saved;
    return -1;
  }
  return r; /* EINTR from another signal: as libc's poll */
}

int hcu_wrap_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                    struct timeval *tv) {
  struct hcu_thread *t = hcu_self;
  if (!t || nfds < 0 || nfds > FD_SETSIZE ||
      (tv && (tv->tv_sec < 0 || tv->tv_usec < 0)))
    return select(nfds, rd, wr, ex, tv);
  struct timespec dl;
  if (tv) {
    if (!hcu_replay_take(t, HCU_W_SELECT, &dl))
      dl = hcu_ts_add(hcu_now_mono(), tv->tv_sec + tv->tv_usec / 1000000,
                  (long)(tv->tv_usec % 1000000) * 1000L);
  } else {
    t->replay.valid = 0;
  }
  /* pselect leaves the sets alone on EINTR, but keep copies to be sure. */
  fd_set in[3];
  fd_set *sets[3] = {rd, wr, ex};
  for (int i = 0; i < 3; i++)
    if (sets[i])
      in[i] = *sets[i];
  sigset_t mask;
  hcu_wait_mask(&mask);
  int saved = errno;
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_SELECT, tv ? &dl : NULL)) {
      errno = saved;
      return -1;
    }
    struct timespec rel, *relp = NULL;
    if (tv) {
      rel = hcu_ts_sub(dl, hcu_now_mono());
      relp = &rel;
    }
    unsigned seen = hcu_wake_count;
    int r = pselect(nfds, rd, wr, ex, relp, &mask);
    if (r >= 0 || errno != EINTR || hcu_wake_count == seen) {
      if (tv) { /* Linux's select reports the time left */
        struct timespec left = hcu_ts_sub(dl, hcu_now_mono());
        tv->tv_sec = left.tv_sec;
        tv->tv_usec = left.tv_nsec / 1000;
      }
      return r;
    }
    for (int i = 0; i < 3; i++)
      if (sets[i])
        *sets[i] = in[i];
  }
}

/* ---- Sleeps ---------------------------------------------------------------*/

/* Sleeps until dl (monotonic). 0 done, -1 with EINTR (another signal; *left
 * is the time remaining), W_UNWIND. */
static int sleep_until(struct hcu_thread *t, int id,
                       const struct timespec *dl, struct timespec *left) {
  for (;;) {
    int r = hcu_wait_ready(t, id, NULL, 0, dl);
    if (r == W_UNWIND || r == 0)
      return r;
    if (r < 0 && errno != EINTR)
      return -1;
    if (r < 0) {
      if (left)
        *left = hcu_ts_sub(*dl, hcu_now_mono());
      return -1;
    }
  }
}

static struct timespec sleep_deadline(struct hcu_thread *t, int id,
                                      const struct timespec *req) {
  struct timespec dl;
  if (!hcu_replay_take(t, id, &dl))
    dl = hcu_ts_add(hcu_now_mono(), req->tv_sec, req->tv_nsec);
  return dl;
}

int hcu_wrap_nanosleep(const struct timespec *req, struct timespec *rem) {
  struct hcu_thread *t = hcu_self;
  if (!t || !req || !ts_valid(req))
    return nanosleep(req, rem);
  struct timespec dl = sleep_deadline(t, HCU_W_NANOSLEEP, req), left;
  int saved = errno;
  int r = sleep_until(t, HCU_W_NANOSLEEP, &dl, &left);
  if (r == W_UNWIND) {
    errno = saved;
    return -1;
  }
  if (r < 0 && errno == EINTR && rem)
    *rem = left;
  return r;
}

int hcu_wrap_clock_nanosleep(clockid_t clk, int flags,
                             const struct timespec *req,
                             struct timespec *rem) {
  struct hcu_thread *t = hcu_self;
  if (!t || !req || !ts_valid(req) ||
      (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC &&
       clk != CLOCK_BOOTTIME))
    return clock_nanosleep(clk, flags, req, rem);
  struct timespec dl, left;
  if (flags & TIMER_ABSTIME) {
    /* The deadline is in the arguments: a replay recomputes it. */
    struct timespec now;
    t->replay.valid = 0;
    if (clock_gettime(clk, &now) != 0)
      return errno;
    struct timespec rel = hcu_ts_sub(*req, now);
    dl = hcu_ts_add(hcu_now_mono(), rel.tv_sec, rel.tv_nsec);
  } else {
    dl = sleep_deadline(t, HCU_W_CLOCK_NANOSLEEP, req);
  }
  int saved = errno;
  int r = sleep_until(t, HCU_W_CLOCK_NANOSLEEP, &dl, &left);
  int e = errno;
  errno = saved; /* clock_nanosleep reports errors by value, not errno */
  if (r == W_UNWIND)
    return EINTR;
  if (r < 0) {
    if (e == EINTR && rem && !(flags & TIMER_ABSTIME))
      *rem = left;
    return e;
  }
  return 0;
}

unsigned hcu_wrap_sleep(unsigned seconds) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return sleep(seconds);
  struct timespec req = {(time_t)seconds, 0}, left;
  struct timespec dl = sleep_deadline(t, HCU_W_SLEEP, &req);
  int saved = errno;
  int r = sleep_until(t, HCU_W_SLEEP, &dl, &left);
  if (r == W_UNWIND) {
    errno = saved;
    return 0;
  }
  if (r < 0) /* glibc rounds what is left to the nearest second */
    return (unsigned)left.tv_sec + (left.tv_nsec >= 500000000L);
  return 0;
}

int hcu_wrap_usleep(useconds_t usec) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return usleep(usec);
  struct timespec req = {(time_t)(usec / 1000000),
                         (long)(usec % 1000000) * 1000L};
  struct timespec dl = sleep_deadline(t, HCU_W_USLEEP, &req);
  int saved = errno;
  int r = sleep_until(t, HCU_W_USLEEP, &dl, NULL);
  if (r == W_UNWIND) {
    errno = saved;
    return -1;
  }
  return r;
}
