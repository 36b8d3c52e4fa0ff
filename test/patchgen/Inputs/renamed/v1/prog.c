/* hcu-patchgen test: v2 renames a function (same body). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long total;

static void report(const char *tag) {
  printf("%s total %ld\n", tag, total);
  fflush(stdout);
}

static void handle(const char *cmd) {
  total += (long)strlen(cmd);
  report("v1");
}

int main(void) {
  char buf[64];
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf - 1);
    if (n <= 0)
      return 0;
    buf[n] = 0;
    handle(buf);
  }
}
