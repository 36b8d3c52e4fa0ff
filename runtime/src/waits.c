/* waits.c: more blocking calls an update can interrupt and replay (see
 * wrappers.c for the scheme): sem_wait, sem_timedwait, epoll_wait, ppoll,
 * pselect, waitpid, wait, sigwait, connect, send, write and writev.
 *
 * Calls with a signal-mask argument (ppoll, pselect, epoll_pwait) take the
 * wake signal out of the mask they wait with. Calls without one (sem_wait,
 * waitpid, connect) run in a short window with the wake signal unblocked;
 * its handler has no SA_RESTART, so the call returns EINTR. A signal that
 * lands between our check and the call is not lost for long: the engine
 * repeats it every few milliseconds until the thread stops. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "hcu_engine.h"

/* ---- The unblocked window -------------------------------------------------*/

static void window_open(sigset_t *old) {
  hcu_signals_wait_begin();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, hcu_wake_signal);
  pthread_sigmask(SIG_UNBLOCK, &set, old);
}

static void window_close(const sigset_t *old) {
  pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* After a call in the window failed with EINTR: 1 to try again (our signal
 * without an update for us, or another signal libc would have restarted
 * after), 0 to report EINTR to the caller. */
static int retry_eintr(unsigned seen) {
  return hcu_wake_count != seen || !hcu_foreign_eintr_visible();
}

/* ---- sem_wait -------------------------------------------------------------*/

/* sem_timedwait's deadline is absolute (CLOCK_REALTIME) in the arguments,
 * so its replay keeps it. */
static int sem_wait_any(sem_t *s, const struct timespec *abstime) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return abstime ? sem_timedwait(s, abstime) : sem_wait(s);
  hcu_replay_take(t, HCU_W_SEM, &(struct timespec){0, 0});
  int saved = errno;
  if (sem_trywait(s) == 0)
    return 0;
  if (errno != EAGAIN)
    return -1;
  errno = saved;
  sigset_t old;
  window_open(&old);
  t->blocked_in = abstime ? "sem_timedwait" : "sem_wait";
  int r;
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_SEM, NULL)) {
      errno = saved;
      r = -1;
      break;
    }
    unsigned seen = hcu_wake_count;
    r = abstime ? sem_timedwait(s, abstime) : sem_wait(s);
    if (r == 0 || errno != EINTR || !retry_eintr(seen))
      break;
  }
  t->blocked_in = NULL;
  window_close(&old);
  return r;
}

int hcu_wrap_sem_wait(sem_t *s) { return sem_wait_any(s, NULL); }

int hcu_wrap_sem_timedwait(sem_t *s, const struct timespec *abstime) {
  if (!abstime) {
    errno = EINVAL;
    return -1;
  }
  return sem_wait_any(s, abstime);
}

/* ---- waitpid / wait -------------------------------------------------------*/

pid_t hcu_wrap_waitpid(pid_t pid, int *status, int options) {
  struct hcu_thread *t = hcu_self;
  if (!t || (options & WNOHANG))
    return waitpid(pid, status, options);
  hcu_replay_take(t, HCU_W_WAITPID, &(struct timespec){0, 0});
  int saved = errno;
  pid_t r = waitpid(pid, status, options | WNOHANG);
  if (r != 0)
    return r; /* a child had changed state, or an error */
  sigset_t old;
  window_open(&old);
  t->blocked_in = "waitpid";
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_WAITPID, NULL)) {
      errno = saved;
      r = -1;
      break;
    }
    unsigned seen = hcu_wake_count;
    r = waitpid(pid, status, options);
    if (r >= 0 || errno != EINTR || !retry_eintr(seen))
      break;
  }
  t->blocked_in = NULL;
  window_close(&old);
  return r;
}

pid_t hcu_wrap_wait(int *status) { return hcu_wrap_waitpid(-1, status, 0); }

/* ---- sigwait ---------------------------------------------------------------*/

/* Waits for the program's set plus the wake signal; a wake signal is taken
 * here (not by the handler) and only means "check for an update". */
int hcu_wrap_sigwait(const sigset_t *set, int *sig) {
  struct hcu_thread *t = hcu_self;
  if (!t || !set || sigismember(set, hcu_wake_signal) == 1)
    return sigwait(set, sig);
  hcu_replay_take(t, HCU_W_SIGWAIT, &(struct timespec){0, 0});
  sigset_t both = *set;
  sigaddset(&both, hcu_wake_signal);
  int saved = errno, r;
  t->blocked_in = "sigwait";
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_SIGWAIT, NULL)) {
      r = 0;
      break;
    }
    int s = sigwaitinfo(&both, NULL);
    if (s == hcu_wake_signal || (s < 0 && errno == EINTR))
      continue; /* sigwait itself never fails with EINTR */
    if (s < 0) {
      r = errno;
      break;
    }
    *sig = s;
    r = 0;
    break;
  }
  t->blocked_in = NULL;
  errno = saved;
  return r;
}

/* ---- ppoll / pselect / epoll_wait ------------------------------------------*/

/* The mask to wait with: the caller's (or the current one) minus ours. */
static void call_mask(const sigset_t *given, sigset_t *m) {
  if (given)
    *m = *given;
  else
    pthread_sigmask(SIG_BLOCK, NULL, m);
  sigdelset(m, hcu_wake_signal);
}

static int deadline_of(struct hcu_thread *t, int id,
                       const struct timespec *rel, struct timespec *dl) {
  if (!rel) {
    t->replay.valid = 0;
    return 0;
  }
  if (!hcu_replay_take(t, id, dl))
    *dl = hcu_ts_add(hcu_now_mono(), rel->tv_sec, rel->tv_nsec);
  return 1;
}

static int bad_ts(const struct timespec *ts) {
  return ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L);
}

int hcu_wrap_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
                   const sigset_t *sigmask) {
  struct hcu_thread *t = hcu_self;
  if (!t || bad_ts(tmo))
    return ppoll(fds, nfds, tmo, sigmask);
  struct timespec dl;
  int has_dl = deadline_of(t, HCU_W_POLL, tmo, &dl);
  sigset_t mask;
  call_mask(sigmask, &mask);
  int saved = errno;
  t->blocked_in = "ppoll";
  int r;
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_POLL, has_dl ? &dl : NULL)) {
      errno = saved;
      r = -1;
      break;
    }
    struct timespec rel;
    if (has_dl)
      rel = hcu_ts_sub(dl, hcu_now_mono());
    unsigned seen = hcu_wake_count;
    r = ppoll(fds, nfds, has_dl ? &rel : NULL, &mask);
    if (r >= 0 || errno != EINTR || hcu_wake_count == seen)
      break; /* ppoll reports every other signal's EINTR */
  }
  t->blocked_in = NULL;
  return r;
}

int hcu_wrap_pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                     const struct timespec *tmo, const sigset_t *sigmask) {
  struct hcu_thread *t = hcu_self;
  if (!t || nfds < 0 || nfds > FD_SETSIZE || bad_ts(tmo))
    return pselect(nfds, rd, wr, ex, tmo, sigmask);
  struct timespec dl;
  int has_dl = deadline_of(t, HCU_W_SELECT, tmo, &dl);
  sigset_t mask;
  call_mask(sigmask, &mask);
  fd_set in[3];
  fd_set *sets[3] = {rd, wr, ex};
  for (int i = 0; i < 3; i++)
    if (sets[i])
      in[i] = *sets[i];
  int saved = errno;
  t->blocked_in = "pselect";
  int r;
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_SELECT, has_dl ? &dl : NULL)) {
      errno = saved;
      r = -1;
      break;
    }
    struct timespec rel;
    if (has_dl)
      rel = hcu_ts_sub(dl, hcu_now_mono());
    unsigned seen = hcu_wake_count;
    r = pselect(nfds, rd, wr, ex, has_dl ? &rel : NULL, &mask);
    if (r >= 0 || errno != EINTR || hcu_wake_count == seen)
      break;
    for (int i = 0; i < 3; i++)
      if (sets[i])
        *sets[i] = in[i];
  }
  t->blocked_in = NULL;
  return r;
}

int hcu_wrap_epoll_wait(int epfd, struct epoll_event *ev, int maxev,
                        int timeout) {
  struct hcu_thread *t = hcu_self;
  if (!t || timeout == 0)
    return epoll_wait(epfd, ev, maxev, timeout);
  struct timespec dl, rel = {timeout / 1000, (long)(timeout % 1000) * 1000000L};
  int has_dl = deadline_of(t, HCU_W_EPOLL, timeout > 0 ? &rel : NULL, &dl);
  sigset_t mask;
  call_mask(NULL, &mask);
  int saved = errno;
  t->blocked_in = "epoll_wait";
  int r;
  for (;;) {
    if (hcu_asked_to_unwind(t, HCU_W_EPOLL, has_dl ? &dl : NULL)) {
      errno = saved;
      r = -1;
      break;
    }
    int ms = -1;
    if (has_dl) {
      struct timespec left = hcu_ts_sub(dl, hcu_now_mono());
      long long l = (long long)left.tv_sec * 1000 + (left.tv_nsec + 999999) / 1000000;
      ms = l > 0x7fffffff ? 0x7fffffff : (int)l;
    }
    unsigned seen = hcu_wake_count;
    hcu_signals_wait_begin();
    r = epoll_pwait(epfd, ev, maxev, ms, &mask);
    if (r >= 0 || errno != EINTR)
      break;
    if (hcu_wake_count == seen && hcu_foreign_eintr_visible())
      break; /* epoll_wait is never restarted: any handler's EINTR shows */
  }
  t->blocked_in = NULL;
  return r;
}

/* ---- connect ---------------------------------------------------------------*/

/* After an interrupted connect the kernel goes on connecting; the replay
 * waits for the outcome instead of calling connect again. */
static int connect_outcome(struct hcu_thread *t, int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  for (;;) {
    int r = hcu_wait_ready(t, HCU_W_CONNECT, &p, 1, NULL);
    if (r == W_UNWIND)
      return W_UNWIND;
    if (r > 0)
      break;
    if (r < 0 && errno == EINTR && !hcu_foreign_eintr_visible())
      continue;
    return -1;
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return -1;
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

int hcu_wrap_connect(int fd, const struct sockaddr *addr, socklen_t len) {
  struct hcu_thread *t = hcu_self;
  if (!t)
    return connect(fd, addr, len);
  int saved = errno, r;
  t->blocked_in = "connect";
  if (hcu_replay_is(t, HCU_W_CONNECT)) {
    r = connect_outcome(t, fd);
  } else {
    sigset_t old;
    window_open(&old);
    unsigned seen = hcu_wake_count;
    r = connect(fd, addr, len);
    int e = errno;
    window_close(&old);
    errno = e;
    if (r < 0 && errno == EINTR &&
        (hcu_wake_count != seen || !hcu_foreign_eintr_visible()))
      r = connect_outcome(t, fd);
  }
  t->blocked_in = NULL;
  if (r == W_UNWIND) {
    errno = saved;
    return -1;
  }
  return r;
}

/* ---- send / write -----------------------------------------------------------*/

/* A blocking send sends everything; it is done here without blocking, in
 * pieces (sendmsg over the caller's vector from where it got to), waiting
 * for room in between. An update that interrupts it records how much went
 * out, and the replay sends the rest. */
enum { SEND = 0, WRITE = 1, WRITEV = 2 };
#define SEND_IOV_WINDOW 64 /* iovecs per sendmsg; the loop goes on */

static ssize_t send_some(int fd, const struct iovec *iov, int iovcnt,
                         size_t done, int flags) {
  struct iovec v[SEND_IOV_WINDOW];
  int k = 0, i = 0;
  while (i < iovcnt && done >= iov[i].iov_len)
    done -= iov[i++].iov_len;
  for (; i < iovcnt && k < SEND_IOV_WINDOW; i++, done = 0)
    if (iov[i].iov_len > done) {
      v[k].iov_base = (char *)iov[i].iov_base + done;
      v[k++].iov_len = iov[i].iov_len - done;
    }
  struct msghdr msg = {.msg_iov = v, .msg_iovlen = (size_t)k};
  return sendmsg(fd, &msg, flags | MSG_DONTWAIT);
}

static ssize_t plain_call(int kind, int fd, const struct iovec *iov,
                          int iovcnt, int flags) {
  switch (kind) {
  case SEND:
    return send(fd, iov[0].iov_base, iov[0].iov_len, flags);
  case WRITE:
    return write(fd, iov[0].iov_base, iov[0].iov_len);
  default:
    return writev(fd, iov, iovcnt);
  }
}

static const char *const send_names[] = {"send", "write", "writev"};

static ssize_t send_all(struct hcu_thread *t, int kind, int fd,
                        const struct iovec *iov, int iovcnt, size_t n,
                        int flags) {
  size_t done = 0;
  if (hcu_replay_is(t, HCU_W_SEND))
    done = t->replay.done <= n ? t->replay.done : n;
  int saved = errno;
  for (;;) {
    ssize_t r = send_some(fd, iov, iovcnt, done, flags);
    if (r >= 0) {
      done += (size_t)r;
      if (done == n)
        return (ssize_t)n;
      continue;
    }
    if (errno == ENOTSOCK && kind != SEND && done == 0) {
      errno = saved;
      /* files, pipes, terminals: as they are */
      return plain_call(kind, fd, iov, iovcnt, flags);
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return done ? (ssize_t)done : -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_NONBLOCK))
      return done ? (ssize_t)done : -1; /* the caller asked not to block */
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    t->blocked_in = send_names[kind];
    int w = hcu_wait_ready(t, HCU_W_SEND, &p, 1, NULL);
    t->blocked_in = NULL;
    if (w == W_UNWIND) {
      t->replay.done = done;
      errno = saved;
      return -1;
    }
    if (w < 0 && (errno != EINTR || hcu_foreign_eintr_visible()))
      return done ? (ssize_t)done : -1;
  }
}

ssize_t hcu_wrap_send(int fd, const void *buf, size_t n, int flags) {
  struct hcu_thread *t = hcu_self;
  if (!t || n == 0 || (flags & MSG_DONTWAIT))
    return send(fd, buf, n, flags);
  struct iovec v = {(void *)(uintptr_t)buf, n};
  return send_all(t, SEND, fd, &v, 1, n, flags);
}

ssize_t hcu_wrap_write(int fd, const void *buf, size_t n) {
  struct hcu_thread *t = hcu_self;
  if (!t || n == 0)
    return write(fd, buf, n);
  struct iovec v = {(void *)(uintptr_t)buf, n};
  return send_all(t, WRITE, fd, &v, 1, n, 0);
}

/* A vector libc would refuse (bad count, total beyond SSIZE_MAX) goes to
 * libc as it is, to get its error. */
ssize_t hcu_wrap_writev(int fd, const struct iovec *iov, int iovcnt) {
  struct hcu_thread *t = hcu_self;
  size_t n = 0;
  int ok = t && iov && iovcnt > 0 && iovcnt <= IOV_MAX;
  for (int i = 0; ok && i < iovcnt; i++) {
    if (iov[i].iov_len > (size_t)SSIZE_MAX - n)
      ok = 0;
    else
      n += iov[i].iov_len;
  }
  if (!ok || n == 0)
    return writev(fd, iov, iovcnt);
  return send_all(t, WRITEV, fd, iov, iovcnt, n, 0);
}
