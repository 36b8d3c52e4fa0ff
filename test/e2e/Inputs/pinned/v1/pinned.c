/* A program whose functions are pinned (docs/design.md, "Pinned functions"):
 * a variadic error reporter that longjmps out through an ordinary function
 * back to a setjmp, a variadic sum and a VLA. Each line on stdin runs one
 * round; "stuck" on the command line makes every round wait for its line
 * inside a variadic function instead of in main. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static jmp_buf on_error;
static int errors;
static char last_error[64] = "none";

static void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  longjmp(on_error, 1);
}

static int check(int i) {
  if (i % 3 == 0)
    fail("round %d is a multiple of %d", i, 3);
  return i;
}

static int guarded(int i) {
  if (setjmp(on_error) == 0)
    return check(i);
  errors++;
  return -1;
}

static int sum(int n, ...) {
  va_list ap;
  int s = 0;
  va_start(ap, n);
  for (int k = 0; k < n; k++)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

static int squares(int n) {
  int v[n];
  int s = 0;
  for (int k = 0; k < n; k++)
    v[k] = k * k;
  for (int k = 0; k < n; k++)
    s += v[k];
  return s;
}

static int wait_line(const char *why, ...) {
  char c = 0;
  (void)why;
  while (read(0, &c, 1) == 1 && c != '\n')
    ;
  return c == '\n';
}

static void report(int i, int g, int s) {
  printf("v1 round %d guarded %d sum %d errors %d last '%s'\n", i, g, s, errors,
         last_error);
  fflush(stdout);
}

int main(int argc, char **argv) {
  int stuck = argc > 1 && strcmp(argv[1], "stuck") == 0;
  printf("ready\n");
  fflush(stdout);
  for (int i = 0;; i++) {
    int g = guarded(i);
    int s = sum(3, i, squares(i % 5), 1);
    report(i, g, s);
    int more;
    if (stuck) {
      more = wait_line("in a pinned function");
    } else {
      char c = 0;
      while (read(0, &c, 1) == 1 && c != '\n')
        ;
      more = c == '\n';
    }
    if (!more)
      break;
  }
  return 0;
}
