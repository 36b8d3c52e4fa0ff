/* unload.c: unloading the patches that immediate updates superseded.
 *
 * After an immediate update commits, every thread runs the newest code, but
 * the patches of older versions stay mapped. A patch P is unloaded (dlclose)
 * when all of these hold, checked with every program thread stopped, after
 * the commit and before the release (docs/design.md, "Unloading patches"):
 *
 *  - it is not the newest update nor the one below it (a revert of the
 *    newest needs the previous version's code);
 *  - no function's slot, current descriptor, key or first entry is in P
 *    (the registry);
 *  - P defines no symbol that the process resolves to P: a function or a
 *    global the patch added, or the new storage of a global it retyped,
 *    which later patches bind to by name;
 *  - no word of the process's writable memory outside P points into P's
 *    code, constants or data (.text, .rodata, .data, .bss): the stopped
 *    threads' live stacks (return addresses of pinned frames, saved
 *    registers), the heap, every object's data. A pointer to a string
 *    literal of P stored in a global keeps P loaded. The runtime's own
 *    bookkeeping (history entries, the registry's unit links) is ignored.
 *
 * A patch that fails a check stays loaded; the reason is logged once and
 * shown by "hcuapply status". Checks are repeated at every immediate
 * update, so a patch is unloaded once what kept it is gone. */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <link.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hcu_engine.h"
#include "hcu_history.h"
#include "hcu_unload.h"

/* Larger writable mappings are not read: every candidate is kept instead. */
#define SCAN_MAPPING_MAX (1ull << 32)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif
#ifndef SANITIZER_BUILD
#define SANITIZER_BUILD 0
#endif
#define SCAN_CHUNK 4096

enum { SEC_TEXT, SEC_RODATA, SEC_DATA, SEC_BSS, NSEC };
static const char *const sec_names[NSEC] = {".text", ".rodata", ".data",
                                            ".bss"};

enum { KIND_SUPERSEDED, KIND_REVERTED, KIND_ORPHAN };

struct cand {
  struct hcu_history *h;
  int kind;
  uintptr_t base, lo, hi; /* load address; its mapped segments */
  uintptr_t sec_lo[NSEC], sec_hi[NSEC];
  /* The dynamic linker's record of it (a heap block holding its segment
   * addresses): ignored by the scan. */
  uintptr_t lm_lo, lm_hi;
  char why[sizeof ((struct hcu_history *)0)->kept];
};

struct hcu_unload {
  struct cand *c;
  int n;
  /* The pointer check runs in a snapshot child (snapshot_scan): its pid
   * and the pipe its verdicts come back on, or -1. */
  pid_t child;
  int fd;
};

static void keep(struct cand *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void keep(struct cand *c, const char *fmt, ...) {
  if (c->why[0])
    return; /* the first reason found is enough */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->why, sizeof c->why, fmt, ap);
  va_end(ap);
}

/* ---- Where the patch is mapped -------------------------------------------*/

struct find_ctx {
  struct cand *c;
  int found;
};

static int on_object(struct dl_phdr_info *info, size_t size, void *p) {
  struct find_ctx *f = p;
  (void)size;
  if (info->dlpi_addr != f->c->base || !info->dlpi_name ||
      !info->dlpi_name[0])
    return 0;
  uintptr_t lo = UINTPTR_MAX, hi = 0, pg = (uintptr_t)getpagesize();
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD)
      continue;
    uintptr_t s = (info->dlpi_addr + ph->p_vaddr) & ~(pg - 1);
    uintptr_t e = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + pg - 1) &
                  ~(pg - 1);
    if (s < lo)
      lo = s;
    if (e > hi)
      hi = e;
  }
  f->c->lo = lo;
  f->c->hi = hi;
  f->found = lo < hi;
  return 1;
}

/* ---- The patch file: sections and exported symbols -----------------------*/

static void *read_at(int fd, off_t off, size_t n) {
  if (n == 0 || n > (16u << 20))
    return NULL;
  char *b = malloc(n + 1);
  if (b && pread(fd, b, n, off) != (ssize_t)n) {
    free(b);
    return NULL;
  }
  if (b)
    b[n] = '\0';
  return b;
}

static void check_symbols(struct cand *c, const char *sym, size_t symsz,
                          const char *str, size_t strsz) {
  for (size_t k = 1; k < symsz / sizeof(Elf64_Sym); k++) {
    Elf64_Sym s;
    memcpy(&s, sym + k * sizeof s, sizeof s);
    int bind = ELF64_ST_BIND(s.st_info), type = ELF64_ST_TYPE(s.st_info);
    if (s.st_shndx == SHN_UNDEF || s.st_name >= strsz ||
        (bind != STB_GLOBAL && bind != STB_WEAK) ||
        (type != STT_FUNC && type != STT_OBJECT))
      continue;
    const char *name = str + s.st_name;
    /* The patch's own descriptor: found with dlsym on its handle. */
    if (strcmp(name, "hcu_patch_info") == 0 ||
        strcmp(name, "hcu_patch_reverse_transformations") == 0)
      continue;
    void *g = dlsym(RTLD_DEFAULT, name);
    if ((uintptr_t)g >= c->lo && (uintptr_t)g < c->hi) {
      keep(c,
           "it defines %s %s, which the process uses from this patch (a "
           "%s it added%s)",
           type == STT_FUNC ? "function" : "global", name,
           type == STT_FUNC ? "function" : "global",
           type == STT_FUNC ? "" : ", or the new storage of a global it "
                                   "retyped");
      return;
    }
  }
}

static void read_elf(struct cand *c, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    keep(c, "its file %s cannot be read (%s)", path, strerror(errno));
    return;
  }
  Elf64_Ehdr eh;
  Elf64_Shdr *sh = NULL;
  char *names = NULL, *sym = NULL, *str = NULL;
  size_t symsz = 0, strsz = 0;
  uintptr_t symaddr = 0;
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
      eh.e_shnum > 4096 || eh.e_shstrndx >= eh.e_shnum ||
      !(sh = read_at(fd, (off_t)eh.e_shoff, eh.e_shnum * sizeof *sh)) ||
      !(names = read_at(fd, (off_t)sh[eh.e_shstrndx].sh_offset,
                        sh[eh.e_shstrndx].sh_size))) {
    keep(c, "its file %s is not an ELF64 object this runtime can read", path);
    goto out;
  }
  for (int i = 0; i < eh.e_shnum; i++) {
    if (sh[i].sh_name >= sh[eh.e_shstrndx].sh_size)
      continue;
    const char *nm = names + sh[i].sh_name;
    for (int k = 0; k < NSEC; k++)
      if (strcmp(nm, sec_names[k]) == 0 && sh[i].sh_size) {
        c->sec_lo[k] = c->base + sh[i].sh_addr;
        c->sec_hi[k] = c->sec_lo[k] + sh[i].sh_size;
      }
    if (sh[i].sh_type == SHT_DYNSYM && sh[i].sh_link < eh.e_shnum && !sym) {
      symsz = sh[i].sh_size;
      symaddr = c->base + sh[i].sh_addr;
      sym = read_at(fd, (off_t)sh[i].sh_offset, symsz);
      strsz = sh[sh[i].sh_link].sh_size;
      str = read_at(fd, (off_t)sh[sh[i].sh_link].sh_offset, strsz);
    }
  }
  /* The file must still be the object that was loaded. */
  if (!sym || !str || symaddr < c->lo || symaddr + symsz > c->hi ||
      memcmp((const void *)symaddr, sym, symsz) != 0) {
    keep(c, "its file %s changed on disk since it was loaded", path);
    goto out;
  }
  /* Nothing was loaded after a patch that is being reverted: no other
   * object can have bound to its symbols. */
  if (c->kind != KIND_REVERTED)
    check_symbols(c, sym, symsz, str, strsz);
out:
  free(sym);
  free(str);
  free(names);
  free(sh);
  close(fd);
}

/* ---- Pointers into the candidates ------------------------------------------*/

struct scan {
  struct hcu_unload *u;
  uintptr_t min, max;        /* of every candidate section */
  uintptr_t own_lo, own_hi;  /* this (control) thread's stack mapping */
  void *sps[64];             /* stopped threads' stack pointers */
  int nsps;
  int stop; /* memory could not be read: every candidate is kept */
};

/* Between the commit and the release, a stopped thread's records are the
 * frames as they were before the update (the new ones are beside them,
 * and scanned); they are freed when the threads go on. Called with every
 * thread stopped, which keeps the lists as they are. */
static int in_old_records(uintptr_t at) {
  int in = 0;
  /* The snapshot child has one thread, and the lock may have been copied
   * held. */
  if (!hcu_in_snapshot)
    pthread_mutex_lock(&hcu_eng.lock);
  for (struct hcu_thread *t = hcu_eng.threads; t && !in; t = t->next)
    for (size_t i = 0; i < t->recs.n && !in; i++) {
      const struct hcu_record *r = t->recs.v[i];
      in = at >= (uintptr_t)r &&
           at < (uintptr_t)r->locals + (uintptr_t)r->locals_size;
    }
  if (!hcu_in_snapshot)
    pthread_mutex_unlock(&hcu_eng.lock);
  return in;
}

static void hit(struct scan *s, uintptr_t at, uintptr_t v, const char *where) {
  for (int i = 0; i < s->u->n; i++) {
    struct cand *c = &s->u->c[i];
    if (c->why[0])
      continue;
    for (int k = 0; k < NSEC; k++)
      if (v >= c->sec_lo[k] && v < c->sec_hi[k]) {
        if (hcu_history_owns((void *)at) || hcu_registry_owns((void *)at))
          return;
        if (at >= (uintptr_t)s->u->c && at < (uintptr_t)(s->u->c + s->u->n))
          return; /* this very plan */
        if (in_old_records(at))
          return; /* the frames as they were: freed at the release */
        for (int j = 0; j < s->u->n; j++) {
          struct cand *o = &s->u->c[j];
          if (!o->lm_hi) /* only when needed: a heap block of ld.so's */
            o->lm_hi = o->lm_lo + malloc_usable_size((void *)o->lm_lo);
          if (at >= o->lm_lo && at < o->lm_hi)
            return;
        }
        keep(c,
             "a pointer at %#lx (%s) points into its %s (%#lx): program data "
             "may still use it",
             (unsigned long)at, where, sec_names[k], (unsigned long)v);
      }
  }
}

static void keep_all(struct hcu_unload *u, const char *fmt, const char *arg) {
  for (int i = 0; i < u->n; i++)
    keep(&u->c[i], fmt, arg);
}

static void scan_range(struct scan *s, uintptr_t lo, uintptr_t hi,
                       const char *where) {
  uintptr_t buf[SCAN_CHUNK / sizeof(uintptr_t)];
  pid_t self = getpid();
  lo = (lo + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
  while (lo < hi) {
    size_t n = hi - lo < sizeof buf ? hi - lo : sizeof buf;
    struct iovec local = {buf, n}, remote = {(void *)lo, n};
    /* Read through the kernel: a page unmapped meanwhile by a thread the
     * runtime does not stop is an error, not a fault. */
    ssize_t got = process_vm_readv(self, &local, 1, &remote, 1, 0);
    if (got < 0 && errno != EFAULT && errno != EINTR) {
      /* Not allowed (a seccomp filter, say): nothing was looked at. */
      char why[96];
      snprintf(why, sizeof why, "%s", strerror(errno));
      keep_all(s->u,
               "the process's memory cannot be read to look for pointers "
               "into the patch (process_vm_readv: %s)",
               why);
      s->stop = 1;
      return;
    }
    if (got <= 0) {
      if (got < 0 && errno == EINTR)
        continue;
      lo = (lo | ((uintptr_t)getpagesize() - 1)) + 1;
      continue;
    }
    for (size_t i = 0; i < (size_t)got / sizeof(uintptr_t); i++)
      if (buf[i] >= s->min && buf[i] < s->max)
        hit(s, lo + i * sizeof(uintptr_t), buf[i], where);
    lo += (uintptr_t)got;
  }
}


static const char *hex(const char *p, unsigned long *v) {
  *v = 0;
  const char *start = p;
  for (;; p++) {
    int d = *p >= '0' && *p <= '9'   ? *p - '0'
            : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                                     : -1;
    if (d < 0)
      return p > start ? p : NULL;
    *v = *v * 16 + (unsigned long)d;
  }
}

static const char *skip_field(const char *p) {
  while (*p && *p != ' ')
    p++;
  while (*p == ' ')
    p++;
  return p;
}

/* One line of /proc/self/maps: "lo-hi perms offset dev inode   path".
 * Returns 1 to go on, 0 to stop. */
static int scan_mapping(struct scan *s, const char *line) {
  unsigned long lo, hi;
  const char *p = hex(line, &lo);
  if (!p || *p != '-' || !(p = hex(p + 1, &hi)) || *p != ' ')
    return 1;
  const char *perms = p + 1;
  const char *path = skip_field(skip_field(skip_field(skip_field(perms))));
  /* Writable memory, and anonymous memory the program made read-only.
   * Read-only file mappings hold the files' contents, and the relocated
   * data of other objects (made read-only after relocation) points into a
   * patch only through a symbol, which the symbol check covers. */
  int anon = !*path || (path[0] == '[' && strncmp(path, "[vvar", 5) != 0 &&
                        strcmp(path, "[vsyscall]") != 0 &&
                        strcmp(path, "[vdso]") != 0);
  if (perms[0] != 'r' || (perms[1] != 'w' && !anon) ||
      strncmp(path, "/dev/", 5) == 0 || strncmp(path, "[vvar", 5) == 0 ||
      strcmp(path, "[vsyscall]") == 0 || strcmp(path, "[vdso]") == 0)
    return 1;
  if (lo <= s->own_lo && s->own_lo < hi)
    return 1; /* the control thread's own stack: runtime locals */
  for (int i = 0; i < s->u->n; i++)
    if (lo >= s->u->c[i].lo && hi <= s->u->c[i].hi)
      return 1;
  if (hi - lo > SCAN_MAPPING_MAX) {
    char what[64];
    snprintf(what, sizeof what, "%lu MiB at %#lx", (hi - lo) >> 20, lo);
    keep_all(s->u,
             "a writable mapping (%s) is too large to look for pointers "
             "into the patch",
             what);
    return 0;
  }
  /* A stopped thread's stack: only the live part, above where it parked;
   * below it lie dead frames. */
  uintptr_t from = lo;
  for (int i = 0; i < s->nsps; i++)
    if ((uintptr_t)s->sps[i] >= lo && (uintptr_t)s->sps[i] < hi)
      from = (uintptr_t)s->sps[i];
  scan_range(s, from, hi, *path ? path : "anonymous memory");
  return !s->stop;
}

/* Reads the memory map a piece at a time into a stack buffer: no heap
 * block that would stay resident. */
static void scan_memory(struct scan *s) {
  char buf[4096 + 1];
  size_t have = 0;
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    keep_all(s->u, "%s", "the process's memory map could not be read");
    return;
  }
  for (;;) {
    ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      keep_all(s->u, "%s", "the process's memory map could not be read");
      break;
    }
    have += (size_t)r;
    buf[have] = '\0';
    char *line = buf, *nl;
    int go = 1;
    while (go && (nl = strchr(line, '\n'))) {
      *nl = '\0';
      go = scan_mapping(s, line);
      line = nl + 1;
    }
    if (!go)
      break;
    if (r == 0) {
      if (*line)
        scan_mapping(s, line);
      break;
    }
    have = strlen(line);
    if (have == sizeof buf - 1) {
      keep_all(s->u, "%s", "a line of the process's memory map is too long");
      break;
    }
    memmove(buf, line, have);
  }
  close(fd);
}

/* ---- The policy -------------------------------------------------------------*/

static void add_cand(struct hcu_unload *u, struct hcu_history *h, int kind,
                     int never) {
  struct link_map *lm = NULL;
  struct cand *c = &u->c[u->n++];
  c->h = h;
  c->kind = kind;
  if (!h->handle || dlinfo(h->handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm) {
    keep(c, "the dynamic linker's record of it cannot be read");
    return;
  }
  c->base = lm->l_addr;
  c->lm_lo = (uintptr_t)lm;
  if (never && kind == KIND_SUPERSEDED) {
    keep(c, "HCU_UNLOAD=0 in the process's environment keeps every patch "
            "(and every revert)");
    return;
  }
  struct find_ctx f = {c, 0};
  dl_iterate_phdr(on_object, &f);
  if (!f.found) {
    keep(c, "its mapping could not be found");
    return;
  }
  const char *key = hcu_registry_in_range(c->lo, c->hi);
  if (key)
    keep(c, "function %s still runs its code (no later patch replaced it)",
         key);
  if (!c->why[0])
    read_elf(c, lm->l_name);
}

/* ---- The pointer check, off the pause --------------------------------------
 * Reading the whole writable memory takes milliseconds (1.6 ms for the
 * alphabet server, far more for a large heap), too long for the update's
 * pause. So the runtime takes a copy-on-write snapshot of the process at
 * this moment, every program thread stopped, with a raw clone (no fork
 * handlers run, and no SIGCHLD: the program's wait() calls never see it),
 * and lets the threads go; the child reads the snapshot and sends one
 * verdict per candidate down a pipe, which hcu_unload_finish reads after
 * the release. The snapshot is enough: after it, no thread can make a new
 * pointer into a candidate (none runs its code, no symbol resolves to it),
 * only copy one that already existed, and the snapshot holds every one.
 * The pause pays for the clone (copying page tables), not the scan. */
int hcu_in_snapshot;

static void snapshot_scan(struct scan *s) {
  struct hcu_unload *u = s->u;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    keep_all(u, "the pointer check could not start (pipe: %s)",
             strerror(errno));
    return;
  }
  long pid = syscall(SYS_clone, 0L /* no exit signal */, 0L, 0L, 0L, 0L);
  if (pid == 0) {
    hcu_in_snapshot = 1;
    close(fds[0]);
    scan_memory(s);
    for (int i = 0; i < u->n; i++) {
      const char *p = u->c[i].why;
      size_t left = sizeof u->c[i].why;
      while (left > 0) {
        ssize_t w = write(fds[1], p, left);
        if (w < 0 && errno == EINTR)
          continue;
        if (w <= 0)
          _exit(1);
        p += w;
        left -= (size_t)w;
      }
    }
    _exit(0);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    keep_all(u, "the pointer check could not start (clone: %s)",
             strerror(errno));
    return;
  }
  u->child = (pid_t)pid;
  u->fd = fds[0];
}

/* After the release: the child's verdicts. Anything short of all of them
 * keeps every candidate the check was about. */
static void snapshot_verdicts(struct hcu_unload *u) {
  if (u->child <= 0)
    return;
  int ok = 1;
  for (int i = 0; i < u->n && ok; i++) {
    char why[sizeof u->c[i].why];
    size_t got = 0;
    while (got < sizeof why) {
      ssize_t r = read(u->fd, why + got, sizeof why - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      got += (size_t)r;
    }
    if (got < sizeof why) {
      ok = 0;
      break;
    }
    if (!u->c[i].why[0] && why[0]) {
      why[sizeof why - 1] = '\0';
      memcpy(u->c[i].why, why, sizeof why);
    }
  }
  close(u->fd);
  int status = 0;
  while (waitpid(u->child, &status, __WCLONE) < 0 && errno == EINTR)
    ;
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    keep_all(u, "%s", "the pointer check did not finish");
  u->child = -1;
}

int hcu_unload_due(void) {
  static int every, since;
  if (!every) {
    const char *env = getenv("HCU_UNLOAD_EVERY");
    char *end = NULL;
    long v = env && *env ? strtol(env, &end, 10) : 0;
    if (env && *env && (*end || v < 1 || v > 1000)) {
      hcu_log("unload: HCU_UNLOAD_EVERY=%s is not a number from 1 to 1000; "
              "using 8",
              env);
      v = 0;
    }
    every = v ? (int)v : 8;
  }
  if (++since < every)
    return 0;
  since = 0;
  return 1;
}

void hcu_unload_plan(struct hcu_unload **out, struct hcu_history *reverted) {
  *out = NULL;
  struct hcu_history *top = hcu_history_top();
  /* Superseded: below the newest and the one a revert goes back to. */
  struct hcu_history *first =
      !reverted && top && top->prev ? top->prev->prev : NULL;
  int n = reverted != NULL;
  for (struct hcu_history *h = first; h; h = h->prev)
    n++;
  for (struct hcu_history *h = hcu_history_orphans(); h; h = h->prev)
    n++;
  if (n == 0)
    return;
  struct hcu_unload *u = calloc(1, sizeof *u);
  if (!u || !(u->c = calloc((size_t)n, sizeof *u->c))) {
    free(u);
    hcu_log("unload: out of memory; superseded patches stay loaded");
    return;
  }
  u->child = -1;
  u->fd = -1;
  const char *env = getenv("HCU_UNLOAD");
  int never = env && strcmp(env, "0") == 0;
  if (reverted)
    add_cand(u, reverted, KIND_REVERTED, never);
  for (struct hcu_history *h = first; h; h = h->prev)
    add_cand(u, h, KIND_SUPERSEDED, never);
  for (struct hcu_history *h = hcu_history_orphans(); h; h = h->prev)
    add_cand(u, h, KIND_ORPHAN, never);
  struct scan s = {.u = u, .min = UINTPTR_MAX, .max = 0};
  for (int i = 0; i < u->n; i++)
    for (int k = 0; k < NSEC && !u->c[i].why[0]; k++)
      if (u->c[i].sec_lo[k] < u->c[i].sec_hi[k]) {
        if (u->c[i].sec_lo[k] < s.min)
          s.min = u->c[i].sec_lo[k];
        if (u->c[i].sec_hi[k] > s.max)
          s.max = u->c[i].sec_hi[k];
      }
  /* A sanitizer registers every global of an instrumented object (string
   * literals included) in bookkeeping of its own, which points into each
   * patch: in a sanitizer build the pointer check would keep every patch,
   * so it is not made there (docs/design.md). */
  if (s.min < s.max && !SANITIZER_BUILD) {
    int here;
    s.own_lo = (uintptr_t)&here;
    pthread_mutex_lock(&hcu_eng.lock);
    for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
      if (t->state == HCU_T_PARKED && t->park_sp &&
          s.nsps < (int)(sizeof s.sps / sizeof *s.sps))
        s.sps[s.nsps++] = t->park_sp;
    pthread_mutex_unlock(&hcu_eng.lock);
    snapshot_scan(&s);
  }
  *out = u;
}

/* A superseded patch that stays loaded runs no code until a revert: the
 * pages of its read-only segments (code, constants, symbol tables) are
 * handed back to the kernel. They are never written (no text relocations),
 * so they come back from the file on the next access, exactly as the
 * kernel itself drops them under memory pressure; only the written pages
 * (relocated data, the patch's globals) stay resident. */
static int drop_clean(struct dl_phdr_info *info, size_t size, void *p) {
  (void)size;
  if (info->dlpi_addr != *(uintptr_t *)p || !info->dlpi_name ||
      !info->dlpi_name[0])
    return 0;
  uintptr_t pg = (uintptr_t)getpagesize(), r[16][2];
  int nr = 0;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) {
      const ElfW(Dyn) *d =
          (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
      for (; d->d_tag != DT_NULL; d++)
        if (d->d_tag == DT_TEXTREL ||
            (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
          return 1;
    }
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
      continue;
    uintptr_t s = (info->dlpi_addr + ph->p_vaddr) & ~(pg - 1);
    uintptr_t e = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + pg - 1) &
                  ~(pg - 1);
    /* No page that a writable segment shares. */
    for (int k = 0; k < info->dlpi_phnum; k++) {
      const ElfW(Phdr) *w = &info->dlpi_phdr[k];
      if (w->p_type != PT_LOAD || !(w->p_flags & PF_W))
        continue;
      uintptr_t ws = (info->dlpi_addr + w->p_vaddr) & ~(pg - 1);
      uintptr_t we = (info->dlpi_addr + w->p_vaddr + w->p_memsz + pg - 1) &
                     ~(pg - 1);
      if (ws < e && we > s) {
        if (ws <= s)
          s = we;
        else
          e = ws;
      }
    }
    if (s < e && nr < (int)(sizeof r / sizeof *r)) {
      r[nr][0] = s;
      r[nr++][1] = e;
    }
  }
  /* Only now: the program headers read above lie in the first of these
   * pages, and reading them again would bring it back. */
  for (int i = 0; i < nr; i++)
    if (madvise((void *)r[i][0], r[i][1] - r[i][0], MADV_DONTNEED) != 0)
      hcu_log("unload: madvise %s: %s", info->dlpi_name, strerror(errno));
  return 1;
}

static void drop_clean_pages(void *handle) {
  struct link_map *lm = NULL;
  if (handle && dlinfo(handle, RTLD_DI_LINKMAP, &lm) == 0 && lm) {
    uintptr_t base = lm->l_addr;
    dl_iterate_phdr(drop_clean, &base);
  }
}

static int still_mapped(struct dl_phdr_info *info, size_t size, void *p) {
  (void)size;
  return info->dlpi_addr == *(uintptr_t *)p && info->dlpi_name &&
         info->dlpi_name[0];
}

void hcu_unload_finish(struct hcu_unload *u, int late) {
  struct hcu_history *top = hcu_history_top();
  int reverting = u && u->n > 0 && u->c[0].kind == KIND_REVERTED;
  /* The version a revert goes back to: kept, its code idle. */
  if (!late && !reverting && top && top->prev)
    drop_clean_pages(top->prev->handle);
  if (!u)
    return;
  snapshot_verdicts(u);
  /* The units of a patch that goes: nothing can reach them (no code,
   * symbol or pointer uses the patch). */
  for (int i = 0; i < u->n; i++)
    if (!u->c[i].why[0])
      hcu_registry_forget_range(u->c[i].lo, u->c[i].hi);
  int unloaded = 0;
  for (int i = 0; i < u->n; i++) {
    struct cand *c = &u->c[i];
    struct hcu_history *h = c->h;
    if (!c->why[0] && late)
      snprintf(c->why, sizeof c->why,
               "a thread was still rebuilding after the update");
    if (c->kind == KIND_REVERTED)
      hcu_history_pop(); /* h: the reverted update, on top until now */
    if (c->why[0]) {
      if (strcmp(h->kept, c->why) != 0)
        hcu_log("unload: version %d (%s)%s stays loaded: %s", h->version,
                h->path, c->kind == KIND_SUPERSEDED ? "" : ", reverted,",
                c->why);
      memcpy(h->kept, c->why, sizeof h->kept);
      if (c->kind == KIND_REVERTED)
        hcu_history_orphan(h);
      if (!late)
        drop_clean_pages(h->handle);
      continue;
    }
    int version = h->version;
    unloaded++;
    if (c->kind == KIND_SUPERSEDED)
      hcu_history_remove(h);
    else if (c->kind == KIND_ORPHAN)
      hcu_history_orphan_remove(h);
    if (dlclose(h->handle) != 0)
      hcu_log("unload: dlclose %s: %s", h->path, dlerror());
    else if (dl_iterate_phdr(still_mapped, &c->base))
      hcu_log("unload: version %d (%s): dlclose left it mapped (another "
              "object depends on it)",
              version, h->path);
    else if (c->kind != KIND_REVERTED)
      hcu_log("unload: version %d (%s)%s unloaded: no code, frame, symbol or "
              "pointer uses it",
              version, h->path, c->kind == KIND_ORPHAN ? ", reverted," : "");
    hcu_history_free(h);
  }
  /* Freed memory keeps its contents: no stale pointers into patches for
   * the next scan to find. */
  memset(u->c, 0, (size_t)u->n * sizeof *u->c);
  free(u->c);
  free(u);
  /* What the dynamic linker freed (the patches' link maps, scopes) is
   * whole free pages in the middle of an arena: give them back, so that
   * the process's memory does not creep with the number of updates. */
  if (unloaded)
    malloc_trim(0);
}
