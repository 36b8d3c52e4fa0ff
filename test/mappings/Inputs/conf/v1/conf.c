/* A program with a settings table and a statistics struct, for the datatype
 * transformer tests (figure 5-2). main keeps a snapshot of the statistics in
 * a local, so its frame holds a value of the changed type. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct setting {
  const char *name;
  unsigned int *var;
};

unsigned int tunable_port = 21;
unsigned int tunable_idle = 300;

struct setting settings[3] = {
    {"port", &tunable_port}, {"idle", &tunable_idle}, {0, 0}};

struct stats {
  int hits;
  long bytes;
  char tag[8];
};

struct stats stats = {0, 0, "v1"};
struct stats *current = &stats;

void report(int round, int snap_hits) {
  printf("v1 round %d:", round);
  for (int k = 0; settings[k].name; k++)
    printf(" %s=%u", settings[k].name, *settings[k].var);
  printf("; hits=%d bytes=%ld via-pointer=%d snapshot=%d\n", stats.hits,
         stats.bytes, current->hits, snap_hits);
  fflush(stdout);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 10;
  struct stats snap = {0, 0, "snap"};
  /* Configuration read at run time: the table differs from its initializer. */
  settings[0].name = "listen_port";
  tunable_port = 2121;
  for (int r = 1; r <= rounds; r++) {
    stats.hits++;
    stats.bytes += 100;
    if (r % 5 == 1)
      snap = stats;
    report(r, snap.hits);
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
  }
  return 0;
}
