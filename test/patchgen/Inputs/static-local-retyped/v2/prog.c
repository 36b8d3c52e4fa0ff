/* hcu-patchgen test: the static locals of handle change type in v2: a struct
 * gains a field, an int becomes a long. Commands on stdin: any word. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct stats {
  long longest; /* new */
  int hits;
};

static void handle(const char *cmd) {
  static struct stats st = {.longest = -1};
  static long total = 100;
  st.hits++;
  total += (long)strlen(cmd);
  if ((long)strlen(cmd) > st.longest)
    st.longest = (long)strlen(cmd);
  printf("hits %d total %ld longest %ld\n", st.hits, total, st.longest);
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
