/* hcu-patchgen test: counters kept in static locals, two of them named
 * `served` (in two functions), both shadowing a global of that name.
 * Commands on stdin: "bad" counts an error, anything else a request. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int served = 1000;
static int served_global(void) { return served; }

static int next_error(void) {
  static int served;
  return ++served;
}

static void handle(const char *cmd) {
  static int served;
  if (strncmp(cmd, "bad", 3) == 0)
    printf("v1 error %d\n", next_error());
  else
    printf("v1 request %d (global %d)\n", ++served, served_global());
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
