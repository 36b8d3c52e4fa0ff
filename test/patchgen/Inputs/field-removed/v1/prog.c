/* hcu-patchgen test: v2 removes a field from a struct held by a global. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct stats {
  long hits;
  int unused_flags;
  int misses;
};

struct stats st = {0, 7, 0};

static void handle(const char *cmd) {
  if (cmd[0] == 'h')
    st.hits++;
  else if (cmd[0] == 'm')
    st.misses++;
  printf("hits %ld misses %d flags %d\n", st.hits, st.misses, st.unused_flags);
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
