/* arena.c: the per-thread frame arena (address-taken locals live here so that
 * pointers to them survive an update), hcu_zero, and the one fatal path. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hcu_engine.h"

__thread char *hcu_arena_top __attribute__((tls_model("initial-exec")));
__thread char *hcu_arena_limit __attribute__((tls_model("initial-exec")));

unsigned long hcu_arena_size = 8UL << 20;

/* Reserved, not committed: pages cost memory only once a frame touches them. */
int hcu_arena_map(void) {
  void *p = mmap(NULL, hcu_arena_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    hcu_log("arena: cannot reserve %lu bytes: %s", hcu_arena_size,
            strerror(errno));
    return -1;
  }
  hcu_arena_top = p;
  hcu_arena_limit = (char *)p + hcu_arena_size;
  return 0;
}

void hcu_arena_unmap(void) {
  if (!hcu_arena_limit)
    return;
  munmap(hcu_arena_limit - hcu_arena_size, hcu_arena_size);
  hcu_arena_top = hcu_arena_limit = NULL;
}

void hcu_fatal(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  hcu_log("fatal: %s", msg);
  fprintf(stderr, "hcu: fatal: %s\n", msg);
  abort();
}

void *hcu_arena_overflow(unsigned long size) {
  if (hcu_arena_top == NULL && hcu_arena_map() == 0) {
    unsigned long n = (size + 15UL) & ~15UL;
    if (n <= hcu_arena_size) {
      char *p = hcu_arena_top;
      hcu_arena_top = p + n;
      return p;
    }
  }
  /* Like a C stack overflow: generated code has no way to continue without
   * the block (the frame's address-taken locals live in it), so this is the
   * one place where the runtime aborts instead of reporting an error. */
  hcu_fatal("frame arena exhausted (%lu bytes); raise HCU_ARENA_SIZE (KiB, "
            "now %lu)",
            size, hcu_arena_size / 1024);
}

void hcu_zero(void *p, unsigned long n) { memset(p, 0, n); }
