/* A long-running program whose loop calls a static inline function of its
 * own header (step.h), which keeps a static total (header-function.test).
 * It answers each number it reads with the count of numbers and the total.
 * prog.c is the same in both versions; only the header changes. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "step.h"

int main(void) {
  char buf[64];
  long n = 0;
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    ssize_t got = read(0, buf, sizeof buf - 1);
    if (got <= 0)
      return 0;
    buf[got] = 0;
    n++;
    long t = step(atol(buf));
    printf("%ld %ld\n", n, t);
    fflush(stdout);
  }
}
