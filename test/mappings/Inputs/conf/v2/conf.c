/* Version 2: the settings table has a new entry (max_fails), and struct
 * stats lost its tag, gained misses and has its fields in another order. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct setting {
  const char *name;
  unsigned int *var;
};

unsigned int tunable_port = 21;
unsigned int tunable_idle = 300;
unsigned int tunable_max_fails;

struct setting settings[4] = {{"port", &tunable_port},
                              {"idle", &tunable_idle},
                              {"max_fails", &tunable_max_fails},
                              {0, 0}};

struct stats {
  long bytes;
  int misses;
  int hits;
};

struct stats stats;
struct stats *current = &stats;

void report(int round, int snap_hits) {
  printf("v2 round %d:", round);
  for (int k = 0; settings[k].name; k++)
    printf(" %s=%u", settings[k].name, *settings[k].var);
  printf("; hits=%d bytes=%ld misses=%d via-pointer=%d snapshot=%d\n",
         stats.hits, stats.bytes, stats.misses, current->hits, snap_hits);
  fflush(stdout);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 10;
  struct stats snap = {0, 0, 0};
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
