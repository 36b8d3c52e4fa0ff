/* hcu-patchgen test: the static locals of handle change type in v2: a struct
 * gains a field, an int becomes a long. Commands on stdin: any word. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct stats {
  int hits;
};

static void handle(const char *cmd) {
  static struct stats st;
  static int total = 100;
  st.hits++;
  total += (int)strlen(cmd);
  printf("hits %d total %d\n", st.hits, total);
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
