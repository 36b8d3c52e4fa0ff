/* A program whose main loop is a noreturn function (issue 3): it counts the
 * lines it reads from stdin, reporting each, and exits at end of input
 * through another noreturn function. The test updates it while it is blocked
 * in read() inside serve(). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NORET __attribute__((noreturn))

static long count;

static void report(long n) {
  printf("v2 line %ld\n", n);
  fflush(stdout);
}

_Noreturn static void finish(int code) {
  printf("v2 finish after %ld lines\n", count);
  fflush(stdout);
  exit(code);
}

NORET static void serve(void) {
  char c;
  for (;;) {
    ssize_t n = read(0, &c, 1);
    if (n <= 0)
      finish(0);
    if (c == '\n')
      report(++count);
  }
}

int main(void) {
  printf("ready\n");
  fflush(stdout);
  serve();
}
