/* init.c: the runtime's constructor. It runs before the instrumented units'
 * constructors (priority 101): build id, main thread, frame arena, wake
 * signal, control channel. */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "hcu_engine.h"
#include "hcu_protocol.h"

int hcu_wake_signal;
static char build_id[2 * 64 + 1];
static struct hcu_thread main_thread;

const char *hcu_build_id(void) { return build_id; }

static size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

/* Looks for NT_GNU_BUILD_ID in one PT_NOTE segment. */
static int note_build_id(const char *p, size_t size, size_t align) {
  const char *end = p + size;
  while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
    const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
    const char *name = p + sizeof *n;
    size_t namesz = align_up(n->n_namesz, align);
    size_t descsz = align_up(n->n_descsz, align);
    if (namesz > (size_t)(end - name) ||
        descsz > (size_t)(end - name) - namesz)
      return 0;
    const unsigned char *desc = (const unsigned char *)name + namesz;
    if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
        memcmp(name, "GNU", 4) == 0 && n->n_descsz > 0 &&
        n->n_descsz <= (sizeof build_id - 1) / 2) {
      static const char hex[] = "0123456789abcdef";
      for (size_t i = 0; i < n->n_descsz; i++) {
        build_id[2 * i] = hex[desc[i] >> 4];
        build_id[2 * i + 1] = hex[desc[i] & 15];
      }
      build_id[2 * n->n_descsz] = '\0';
      return 1;
    }
    p = (const char *)desc + descsz;
  }
  return 0;
}

/* The first object dl_iterate_phdr reports is the main executable. */
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_NOTE)
      continue;
    size_t align = ph->p_align == 8 ? 8 : 4;
    if (note_build_id((const char *)(info->dlpi_addr + ph->p_vaddr),
                      ph->p_memsz, align))
      break;
  }
  return 1; /* stop after the first object */
}

/* Unsigned decimal environment value in [lo, hi], else dflt (logged). */
static unsigned long env_ulong(const char *name, unsigned long dflt,
                               unsigned long lo, unsigned long hi) {
  const char *s = getenv(name);
  if (!s || !*s)
    return dflt;
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end || v < lo || v > hi || s[0] == '-') {
    hcu_log("init: ignoring %s='%s' (expected %lu..%lu)", name, s, lo, hi);
    return dflt;
  }
  return v;
}

/* Only counts: the wrappers look at the counter after ppoll returns EINTR. */
static void wake_handler(int sig) {
  (void)sig;
  hcu_wake_count++;
}

static void install_wake_signal(void) {
  int dflt = SIGRTMIN + 4;
  hcu_wake_signal = (int)env_ulong("HCU_SIGNAL", (unsigned long)dflt, 1,
                                   (unsigned long)SIGRTMAX);
  if (hcu_wake_signal == SIGKILL || hcu_wake_signal == SIGSTOP) {
    hcu_log("init: HCU_SIGNAL cannot be %d; using %d", hcu_wake_signal, dflt);
    hcu_wake_signal = dflt;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = wake_handler;
  /* No SA_RESTART: the signal is unblocked only around waits we want it to
   * cut short (ppoll, pselect, and the windows in waits.c around sem_wait,
   * waitpid, connect), so nothing else can see the EINTR. */
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  if (sigaction(hcu_wake_signal, &sa, NULL) != 0)
    hcu_log("init: cannot install the wake signal %d handler: %s",
            hcu_wake_signal, strerror(errno));
  /* Blocked everywhere but inside the wrappers' ppoll/pselect; threads
   * created later inherit the block. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, hcu_wake_signal);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* The child of a fork has one thread, the one that forked, and no update in
 * progress; locks another thread held at the fork must not stay held. */
static void fork_child(void) {
  pthread_mutex_init(&hcu_eng.lock, NULL);
  pthread_condattr_t a;
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(&hcu_eng.cv, &a);
  pthread_condattr_destroy(&a);
  hcu_eng.requested = 0;
  hcu_eng.busy = 0;
  hcu_eng.clear_when_rebuilt = 0;
  hcu_eng.decision = HCU_DEC_NONE;
  hcu_update_pending = 0;
  hcu_eng.threads = hcu_self;
  if (hcu_self) {
    hcu_self->next = NULL;
    hcu_self->pthread = pthread_self();
    hcu_self->tid = getpid();
    /* The engine may have held it (kicking this thread) at the fork. */
    pthread_mutex_init(&hcu_self->wlock, NULL);
    hcu_self->wait_cv = NULL;
  }
  hcu_registry_fork_child();
  hcu_locks_fork_child();
}

__attribute__((constructor(101))) static void hcu_init(void) {
  hcu_log_init();
  hcu_engine_init();
  dl_iterate_phdr(phdr_cb, NULL);
  if (!build_id[0])
    hcu_log("init: the executable has no GNU build id (link with "
            "-Wl,--build-id); patches cannot be checked against it");

  /* KiB; at least 4 KiB. */
  hcu_arena_size = env_ulong("HCU_ARENA_SIZE", hcu_arena_size / 1024, 4,
                             (unsigned long)-1 / 1024) *
                   1024;
  if (hcu_arena_map() != 0)
    hcu_log("init: no frame arena for the main thread yet; retrying on first "
            "use");

  install_wake_signal();
  if (pthread_atfork(NULL, NULL, fork_child) != 0)
    hcu_log("init: cannot register the fork handler");
  if (hcu_thread_register(&main_thread, "main") != HCU_OK) {
    /* An update that cannot stop the main thread would mix versions. */
    hcu_log("init: the main thread is not registered; updates are disabled");
    hcu_control_set_updates_enabled(0);
  }

  /* HCU_DISABLE=1 turns updates off, not the channel: hcuapply status
   * still answers and apply is refused with the reason. */
  const char *dis = getenv("HCU_DISABLE");
  if (dis && strcmp(dis, "1") == 0)
    hcu_log("init: updates disabled (HCU_DISABLE=1)");
  int rc = hcu_control_start();
  if (rc != HCU_OK)
    hcu_log("init: no control channel (%s); the program runs without updates",
            hcu_error_name(rc));
}
