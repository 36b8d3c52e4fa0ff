/* Compiles without a warning under -Wall -Wextra plainly; must with hcu-cc
 * too (test/driver/wall-wextra.test). One of each shape the transform
 * emits: normalized calls, declarations initialized by calls, loops,
 * address-taken locals, static functions, pinned functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct pair {
  int a;
  const int b;
};

static jmp_buf env;

static int twice(int x) { return 2 * x; }

static struct pair make(int a) {
  struct pair p = {a, a + 1};
  return p;
}

static int sum(int n, ...) {
  va_list ap;
  int s = 0;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

static void fail(const char *why, ...) {
  (void)why;
  longjmp(env, 1);
}

static int guarded(int x) {
  if (setjmp(env) == 0) {
    if (x < 0)
      fail("negative");
    return twice(x);
  }
  return -1;
}

static int vla(int n) {
  int v[n];
  for (int i = 0; i < n; i++)
    v[i] = twice(i);
  return v[n - 1];
}

static void fill(int *p) { *p = 7; }

int run(int argc) {
  int total = 0, k;
  int addr;
  char buf[16];
  fill(&addr);
  struct pair p = make(argc);
  int first = twice(argc) + twice(p.a);
  for (k = 0; k < twice(3); k++)
    total += twice(k) > 2 && twice(k + 1) < 10 ? twice(k) : k;
  while (read(-1, buf, sizeof buf) > 0)
    total++;
  switch (twice(argc)) {
  case 2:
    total += sum(3, 1, 2, 3);
    /* fall through */
  default:
    total += guarded(argc) + vla(argc + 1);
  }
  if (total > 1000)
    goto out;
  total += first + addr + p.b;
out:
  return total ? total : twice(total);
}

int main(int argc, char **argv) {
  (void)argv;
  printf("%d\n", run(argc));
  return 0;
}
