/* hcu-patchgen test: v2 adds a file-scope static. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void handle(const char *cmd) {
  printf("echo %s", cmd);
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
