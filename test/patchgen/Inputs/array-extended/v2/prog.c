/* hcu-patchgen test: v2 extends a global array of structs (a table with a
 * new entry), the shape of UpStare's figure 5-2. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counter {
  const char *name;
  long hits;
};

struct counter counters[3] = {{"get", 0}, {"put", 0}, {"del", 0}};

static void handle(const char *cmd) {
  for (unsigned i = 0; i < sizeof counters / sizeof counters[0]; i++)
    if (strncmp(cmd, counters[i].name, strlen(counters[i].name)) == 0)
      counters[i].hits++;
  for (unsigned i = 0; i < sizeof counters / sizeof counters[0]; i++)
    printf("%s=%ld ", counters[i].name, counters[i].hits);
  printf("\n");
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
