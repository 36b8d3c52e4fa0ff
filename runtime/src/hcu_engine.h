/* hcu_engine.h: the update engine's private state, shared by init.c,
 * registry.c, frames.c, arena.c, update.c and wrappers.c.
 *
 * Thread states (each thread moves its own state, always under hcu_eng.lock;
 * the engine only reads them):
 *
 *   RUNNING --(update_point / after_call / wrapper, while requested)--> UNWINDING
 *   UNWINDING --(body returned to the trampoline: hcu_thread_quiesced)--> PARKED
 *   PARKED --(engine decided commit or rollback)--> REBUILDING
 *   REBUILDING --(innermost record taken by hcu_rebuild_frame)--> RUNNING
 */
#ifndef HCU_ENGINE_H
#define HCU_ENGINE_H

#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "hcu/hcu_patch.h"
#include "hcu/hcu_rt.h"
#include "hcu_internal.h"

/* ---- Frame records (frames.c) -------------------------------------------*/

/* One unwound frame: header, then the formals record, then the locals record
 * (each starting on a max_align_t boundary). */
struct hcu_record {
  const struct hcu_func_desc *fn;
  void *formals;
  void *locals;
  unsigned long formals_size;
  unsigned long locals_size;
  max_align_t data[];
};

/* A record stack, innermost frame first (index 0). */
struct hcu_recstack {
  struct hcu_record **v;
  size_t n, cap;
};

struct hcu_record *hcu_record_new(const struct hcu_func_desc *fn);
void hcu_record_free(struct hcu_record *r);
int hcu_recstack_push(struct hcu_recstack *s, struct hcu_record *r);
void hcu_recstack_clear(struct hcu_recstack *s); /* frees the records */
struct hcu_stack_frame_fields_s *hcu_record_fields(struct hcu_record *r);

/* ---- Threads (frames.c) --------------------------------------------------*/

enum hcu_thread_state {
  HCU_T_RUNNING = 0,
  HCU_T_UNWINDING = 1,
  HCU_T_PARKED = 2,
  HCU_T_REBUILDING = 3
};

/* Which wrapper left a replay deadline behind. */
enum hcu_wrap_id {
  HCU_W_NONE = 0,
  HCU_W_ACCEPT,
  HCU_W_READ,
  HCU_W_RECV,
  HCU_W_POLL,
  HCU_W_SELECT,
  HCU_W_NANOSLEEP,
  HCU_W_CLOCK_NANOSLEEP,
  HCU_W_SLEEP,
  HCU_W_USLEEP,
  HCU_W_MUTEX,
  HCU_W_COND,    /* unwound out of a condition wait: the mutex is not held */
  HCU_W_SEM,
  HCU_W_JOIN,
  HCU_W_EPOLL,
  HCU_W_WAITPID,
  HCU_W_SIGWAIT,
  HCU_W_CONNECT, /* the connection attempt goes on in the kernel */
  HCU_W_SEND     /* replay.done bytes were already sent */
};

struct hcu_replay {
  int valid;
  int id;           /* enum hcu_wrap_id */
  int has_deadline; /* deadline is meaningful */
  struct timespec deadline; /* absolute, CLOCK_MONOTONIC */
  size_t done;              /* HCU_W_SEND: bytes sent before the unwind */
};

struct hcu_thread {
  pthread_t pthread;
  pid_t tid;
  const char *name; /* the mapping's thread name ("main") */
  int state;        /* enum hcu_thread_state; written by the owner under lock */
  int next_kind;    /* resume kind of the next record pushed (owner only) */
  struct hcu_recstack recs;   /* records of the last unwind */
  struct hcu_recstack mapped; /* engine-owned: recs mapped to the new version */
  struct hcu_record *taken;   /* handed out by hcu_rebuild_frame; freed later */
  struct hcu_replay replay;
  /* A partial rebuild (the mapping rebuilds this thread only up to a
   * callee): the key of that function, set when the unwind starts, or 0.
   * partial: its frame was unwound (the last record pushed is the
   * boundary); below: its caller has not yet parked in hcu_call_again
   * (owner only). */
  const char *stop_at;
  int partial, below;
  /* Program mutexes this thread holds, as seen by the lock wrappers (locks.c).
   * While nonzero the thread does not start unwinding at update points, so
   * it never parks inside a critical section (owner only). */
  int held;
  /* The condition variable the thread waits on in a wrapper, so that the
   * engine can wake it for an update (locks.c); under wlock. */
  pthread_mutex_t wlock;
  pthread_cond_t *wait_cv;
  const char *blocked_in; /* wrapper it is blocked in, for timeout messages */
  int heap;               /* allocated by threads.c (not the main thread) */
  /* Started by uninstrumented code; in the list only while it runs
   * instrumented code called through a stable entry (threads.c). */
  int foreign;
  /* Signal handlers running on this thread (signals.c; atomics, written by
   * the thread in its handlers): nesting depth, and the outermost one's
   * signal and handler, for messages. */
  int sig_depth;
  int sig_no;
  void *sig_fn;
  /* Where the thread's stack was when it last parked: the live part of a
   * stopped thread's stack is [park_sp, top) (unload.c scans it). */
  void *park_sp;
  struct hcu_thread *next;
};

extern __thread struct hcu_thread *hcu_self
    __attribute__((tls_model("initial-exec")));
extern __thread volatile unsigned hcu_wake_count
    __attribute__((tls_model("initial-exec")));

enum hcu_decision { HCU_DEC_NONE = 0, HCU_DEC_COMMIT = 1, HCU_DEC_ROLLBACK = 2 };

/* One partial rebuild: threads named thread ("main" or an entry function's
 * key) unwind up to (and including) the innermost frame of up_to (a key). */
struct hcu_partial {
  const char *thread, *up_to;
};

struct hcu_engine {
  pthread_mutex_t lock;
  pthread_cond_t cv; /* CLOCK_MONOTONIC; any thread state change, decision */
  struct hcu_thread *threads;
  int requested;     /* atomic: program threads must unwind now */
  int decision;      /* enum hcu_decision, under lock */
  int busy;          /* an update is in progress, under lock */
  int clear_when_rebuilt; /* the last thread to rebuild clears pending */
  /* The update in progress is lazy: threads stop where they are (no
   * unwinding) and go on in the code they were running (under lock). */
  int lazy;
  /* Partial rebuilds of this update: threads (by name) unwound only up to
   * a callee's frame, whose callers stay in their code (under lock). */
  const struct hcu_partial *partial;
  int npartial;
  uint64_t first_parked_us, last_rebuilt_us;
};
extern struct hcu_engine hcu_eng;
extern int hcu_wake_signal;

void hcu_engine_init(void);
/* Registers the calling thread: hcu_thread_init, then hcu_thread_join. */
int hcu_thread_register(struct hcu_thread *t, const char *name);
/* Fills a registry entry for the calling thread (HCU_OK or HCU_ERR_NOMEM). */
int hcu_thread_init(struct hcu_thread *t, const char *name);
/* Makes t the calling thread's entry and adds it to the list; while an update
 * is under way it waits, counted as stopped, until the update is decided. */
void hcu_thread_join(struct hcu_thread *t);
/* Takes t out of the list (if there), under the engine's lock. */
void hcu_thread_leave_list(struct hcu_thread *t);
/* Removes the calling thread from the registry and frees what it owns
 * (threads.c). The thread keeps running, unknown to the runtime. */
void hcu_thread_unregister(struct hcu_thread *t);
/* Wakes a thread for an update: the wake signal, and a broadcast on the
 * condition variable it waits on, if any (locks.c; under hcu_eng.lock). */
void hcu_thread_kick(struct hcu_thread *t);
/* Starts unwinding the calling thread with the given first resume kind if an
 * update is requested and the thread is running. 1 if it did. */
int hcu_thread_begin_unwind(struct hcu_thread *t, int kind);
/* Number of registered threads not in state st (call under lock). */
int hcu_threads_not_in(int st);
/* Absolute CLOCK_MONOTONIC time ms from now, for condvar waits. */
struct timespec hcu_deadline_in_ms(unsigned ms);

/* ---- Arena (arena.c) -----------------------------------------------------*/

extern unsigned long hcu_arena_size; /* bytes reserved per thread */
int hcu_arena_map(void); /* maps the calling thread's arena; 0 or -1 */
void hcu_arena_unmap(void); /* at thread exit */
/* Unrecoverable: logs, prints to stderr and aborts. */
void hcu_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* ---- Registry (registry.c) -----------------------------------------------*/

void hcu_registry_fork_child(void);
void hcu_registry_begin_load(void);
/* Ends a patch load; returns the units it registered (0 if none) and the
 * number of units refused (bad ABI or descriptor) in *nbad. */
struct hcu_unit_desc *hcu_registry_end_load(int *nbad);
/* Program function by key, else by unique C name. 0 and a message if not. */
const struct hcu_func_desc *hcu_registry_find(const char *name, char *err,
                                              size_t errsz);
/* The same over a list of (pending) units. */
const struct hcu_func_desc *hcu_units_find(const struct hcu_unit_desc *units,
                                           const char *name, char *err,
                                           size_t errsz);
/* The current descriptor of d's key (d itself if unknown). */
const struct hcu_func_desc *hcu_registry_current(const struct hcu_func_desc *d);
/* The current descriptor of the function whose stable entry is fn, or 0. */
const struct hcu_func_desc *hcu_registry_by_entry(const void *fn);
/* d's key as the registry first recorded it (lives as long as the key). */
const char *hcu_registry_stable_key(const struct hcu_func_desc *d);
/* Reserves room so that hcu_registry_commit cannot fail. 0 or -1. */
int hcu_registry_prepare(const struct hcu_unit_desc *units);
struct hcu_fn_update {
  const struct hcu_func_desc *old_fn, *new_fn;
};
void hcu_registry_commit(struct hcu_unit_desc *units,
                         const struct hcu_fn_update *u, int n, int version);
int hcu_same_key(const struct hcu_func_desc *a, const struct hcu_func_desc *b);
/* Revert: the key of a function the committed patch (units, with its
 * updates u) added to the program, or 0 if it added none. */
const char *hcu_registry_added_key(const struct hcu_unit_desc *units,
                                   const struct hcu_fn_update *u, int n);
/* Undoes a commit; u maps the patch's descriptors (old_fn) back to the
 * previous ones (new_fn). Forgets every unit and entry of the patch. */
void hcu_registry_revert(const struct hcu_unit_desc *units,
                         const struct hcu_fn_update *u, int n, int version);
/* Unloading (unload.c). The key of a function whose current descriptor,
 * slot target, first entry or key lies in [lo, hi), or 0. */
const char *hcu_registry_in_range(uintptr_t lo, uintptr_t hi);
/* 1 if addr is one of the registry's links between units. */
int hcu_registry_owns(const void *addr);
/* Nonzero only in the child that checks for pointers into patches
 * (unload.c): one thread, locks not taken. */
extern int hcu_in_snapshot;
/* Forgets the program's units that lie in [lo, hi) (an unloaded patch). */
void hcu_registry_forget_range(uintptr_t lo, uintptr_t hi);

/* ---- What the mapping says about active frames (equiv.c) -----------------*/

/* An algorithmic equivalence, resolved: frames of old_fn stopped at
 * old_cp[k] continue in new_fn at new_cp[k]. */
struct hcu_equiv {
  const struct hcu_func_desc *old_fn, *new_fn;
  const char *table; /* the mapping's array, for messages */
  int n;
  int old_cp[HCU_MAX_CONTINUATIONS], new_cp[HCU_MAX_CONTINUATIONS];
};

struct hcu_frame_rules {
  const struct hcu_patch_info *info;
  struct hcu_equiv *eq;
  int neq;
  const struct hcu_fn_update *upd; /* for renamed callees */
  int nupd;
};

/* Internal result of frame mapping: a thread is not at a point the mapping
 * can continue from yet; it runs on and the update is tried again. */
#define HCU_NOT_READY (-1)

const struct hcu_cp_desc *hcu_cp_number(const struct hcu_func_desc *f,
                                        int number);
const struct hcu_cp_desc *hcu_cp_named(const struct hcu_func_desc *f,
                                       const char *name);
/* Resolves and checks the patch's equivalences and stack transformers. */
int hcu_rules_load(struct hcu_frame_rules *r, const struct hcu_patch_info *i,
                   const struct hcu_unit_desc *units,
                   const struct hcu_fn_update *upd, int nupd, char *err,
                   size_t errsz);
void hcu_rules_free(struct hcu_frame_rules *r);
const struct hcu_equiv *hcu_rules_equiv(const struct hcu_frame_rules *r,
                                        const struct hcu_func_desc *fn);
/* The new point for a frame of fn (e's old function, any version) stopped at
 * cp, or -1 if the equivalence does not map it. */
int hcu_equiv_target(const struct hcu_equiv *e, const struct hcu_func_desc *fn,
                     int cp);
/* The new name of a callee that an equivalence or a rename replaces, or 0. */
const char *hcu_rules_callee(const struct hcu_frame_rules *r,
                             const char *callee);
hcu_stack_transformer_fn hcu_rules_transformer(const struct hcu_frame_rules *r,
                                               const struct hcu_func_desc *nf);
/* Under the crash guard: the signal number if it crashed, else 0. */
int hcu_run_stack_transformer(hcu_stack_transformer_fn fn, void *to,
                              void *from, void *params);

/* ---- Wrappers (wrappers.c): same signatures as libc's ---------------------*/

int hcu_wrap_accept(int fd, struct sockaddr *addr, socklen_t *len);
int hcu_wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
ssize_t hcu_wrap_read(int fd, void *buf, size_t n);
ssize_t hcu_wrap_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t hcu_wrap_recv(int fd, void *buf, size_t n, int flags);
ssize_t hcu_wrap_recvfrom(int fd, void *buf, size_t n, int flags,
                          struct sockaddr *addr, socklen_t *len);
ssize_t hcu_wrap_recvmsg(int fd, struct msghdr *msg, int flags);
int hcu_wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int hcu_wrap_select(int nfds, fd_set *r, fd_set *w, fd_set *e,
                    struct timeval *tv);
int hcu_wrap_nanosleep(const struct timespec *req, struct timespec *rem);
int hcu_wrap_clock_nanosleep(clockid_t clk, int flags,
                             const struct timespec *req, struct timespec *rem);
unsigned hcu_wrap_sleep(unsigned seconds);
int hcu_wrap_usleep(useconds_t usec);

/* threads.c */
int hcu_wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                            void *(*start)(void *), void *arg);
void hcu_wrap_pthread_exit(void *ret) __attribute__((noreturn));
int hcu_wrap_pthread_join(pthread_t th, void **ret);
/* The instrumented function whose stable entry is fn, or 0. */
const struct hcu_func_desc *hcu_entry_of(void *fn);

/* signals.c */
int hcu_wrap_sigaction(int sig, const struct sigaction *act,
                       struct sigaction *old);
sighandler_t hcu_wrap_signal(int sig, sighandler_t handler);
/* A parking thread blocks the program's signals until it has rebuilt, so no
 * handler starts on it while an update is decided. */
void hcu_signals_park(void);
void hcu_signals_unpark(void);
/* Handlers running now on any thread (registered ones: under hcu_eng.lock);
 * those on threads the engine does not manage. */
int hcu_signals_running(void);
int hcu_signals_unmanaged(void);
/* Whether the calling thread is running a handler installed through the
 * wrappers. */
int hcu_signals_in_handler(void);
/* A wait starts (wrappers): forget which handlers ran before it. After it
 * failed with EINTR: 1 if only program handlers with SA_RESTART ran since
 * (libc would have restarted the call), 2 if one without ran, 0 if none of
 * the handlers installed through the wrappers ran. */
void hcu_signals_wait_begin(void);
int hcu_signals_eintr(void);
/* "in signal handler NAME for SIGX", or "" if t runs no handler. */
void hcu_signals_describe(const struct hcu_thread *t, char *buf, size_t size);

/* locks.c */
int hcu_wrap_pthread_mutex_lock(pthread_mutex_t *m);
int hcu_wrap_pthread_mutex_timedlock(pthread_mutex_t *m,
                                     const struct timespec *abstime);
int hcu_wrap_pthread_mutex_trylock(pthread_mutex_t *m);
int hcu_wrap_pthread_mutex_unlock(pthread_mutex_t *m);
int hcu_wrap_pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m);
int hcu_wrap_pthread_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *m,
                                    const struct timespec *abstime);
int hcu_wrap_pthread_cond_signal(pthread_cond_t *cv);
int hcu_wrap_pthread_cond_broadcast(pthread_cond_t *cv);
/* The child of a fork: the runtime mutexes of condition waits are free. */
void hcu_locks_fork_child(void);
/* Interruptible lock for the runtime's own wrappers: 0 or an error number,
 * or W_UNWIND (-2) after starting an unwind with REPLAY and replay id id. */
int hcu_lock_interruptible(struct hcu_thread *t, int id, pthread_mutex_t *m,
                           const struct timespec *abs_mono);

/* waits.c */
int hcu_wrap_sem_wait(sem_t *s);
int hcu_wrap_sem_timedwait(sem_t *s, const struct timespec *abstime);
pid_t hcu_wrap_waitpid(pid_t pid, int *status, int options);
pid_t hcu_wrap_wait(int *status);
int hcu_wrap_sigwait(const sigset_t *set, int *sig);
int hcu_wrap_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
                   const sigset_t *sigmask);
int hcu_wrap_pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                     const struct timespec *tmo, const sigset_t *sigmask);
int hcu_wrap_epoll_wait(int epfd, struct epoll_event *ev, int maxev,
                        int timeout);
int hcu_wrap_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t hcu_wrap_send(int fd, const void *buf, size_t n, int flags);
ssize_t hcu_wrap_write(int fd, const void *buf, size_t n);
ssize_t hcu_wrap_writev(int fd, const struct iovec *iov, int iovcnt);

/* Shared by the wrappers in wrappers.c, locks.c, threads.c and waits.c. */
enum { W_UNWIND = -2 };
int hcu_asked_to_unwind(struct hcu_thread *t, int id,
                        const struct timespec *dl);
/* The first wrapper call after a rebuild consumes the replay record: take
 * returns 1 (and the deadline) only for a record with a deadline; is
 * returns 1 for any record of that wrapper (the replay continues from the
 * state the record keeps, e.g. replay.done). */
int hcu_replay_take(struct hcu_thread *t, int id, struct timespec *dl);
int hcu_replay_is(struct hcu_thread *t, int id);
struct timespec hcu_now_mono(void);
struct timespec hcu_ts_add(struct timespec base, time_t sec, long nsec);
struct timespec hcu_ts_sub(struct timespec a, struct timespec b);
int hcu_ts_before(struct timespec a, struct timespec b);
/* The thread's signal mask without the wake signal. */
void hcu_wait_mask(sigset_t *m);
/* Waits for fds (or only time) until the monotonic deadline dl (0: none):
 * ppoll's count, -1 with errno, or W_UNWIND (wrappers.c). */
int hcu_wait_ready(struct hcu_thread *t, int id, struct pollfd *fds,
                   nfds_t nfds, const struct timespec *dl);
/* After an EINTR that was not ours: whether libc's call would have returned
 * it (a caught signal without SA_RESTART). */
int hcu_foreign_eintr_visible(void);

#endif /* HCU_ENGINE_H */
