/* hcu-patchgen test: v2 differs only in comments, layout and line numbers. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long total;

static void handle(const char *cmd) {
  assert(cmd != NULL);
  total += (long)strlen(cmd);
  printf("total %ld\n", total);
  fflush(stdout);
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
