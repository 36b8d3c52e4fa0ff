/* tforeign: a thread created by an uninstrumented library (pump.c) calls an
 * instrumented callback, on_item, in a loop; each call does some work in a
 * loop (update points) and records its item, its result and the version
 * that finished it. The test updates the program while this runs, then
 * sends a line; main lets the callback run on for a while in the new
 * version, stops it, and checks what was recorded:
 *
 *   - every item 0..n-1 exactly once, in order, with the right result (the
 *     frame that was stopped inside the callback went on with its state);
 *   - version 1 first, then only version 2 (the callback's new version is
 *     seen, and the old one never again).
 *
 * tforeign stall: the first callback calls back into the library, which
 * blocks until stdin has a line: the thread is in instrumented code and
 * cannot stop, so an update must time out naming it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pump.h"

#ifdef V2
#define VERSION 2
#else
#define VERSION 1
#endif

#define MAX_ITEMS (1 << 20)
#define WORK 20000

struct item {
  long i;
  long result;
  int version;
};

struct item items[MAX_ITEMS];
long n_items; /* written by the pump thread only; read by main at the end */
volatile int stop;
volatile long progress; /* items done, for main to watch */
char line[64];

long work(long i, long j) { return (i * 31 + j) % 1009; }

int stall;

int on_item(long i) {
  long acc = 0;
  if (stall && i == 0)
    pump_stall();
  for (long j = 0; j < WORK; j++)
    acc += work(i, j);
  if (n_items < MAX_ITEMS) {
    items[n_items].i = i;
    items[n_items].result = acc;
    items[n_items].version = VERSION;
    n_items++;
  }
  progress = n_items;
  return stop || n_items >= MAX_ITEMS;
}

long expected(long i) {
  long acc = 0;
  for (long j = 0; j < WORK; j++)
    acc += (i * 31 + j) % 1009;
  return acc;
}

int main(int argc, char **argv) {
  stall = argc > 1 && strcmp(argv[1], "stall") == 0;
  if (pump_start(on_item) != 0)
    return 1;
  /* The update must find the pump thread inside the callback, not still
   * starting up (stall: it blocks in its first call; the test waits). */
  while (!stall && progress < 3)
    usleep(1000);
  printf("ready\n");
  fflush(stdout);
  if (!stall && read(0, line, sizeof line) <= 0)
    return 1;
  /* The update is done (or, stall, the line released the callback): let
   * the callback run some more, then stop it. */
  long seen = progress;
  while (progress < seen + 50)
    usleep(1000);
  stop = 1;
  if (pump_wait() != 0)
    return 1;
  long wrong = 0, v1 = 0, v2 = 0, back = 0;
  for (long k = 0; k < n_items; k++) {
    if (items[k].i != k || items[k].result != expected(k))
      wrong++;
    if (items[k].version == 1) {
      v1++;
      if (v2)
        back++;
    } else {
      v2++;
    }
  }
  printf("items: %ld, %ld wrong or out of order\n", n_items, wrong);
  printf("versions: v1 %s, then v2 %s, v1 after v2: %ld\n",
         v1 ? "seen" : "missing", v2 >= 50 ? "seen" : "missing", back);
  printf("main runs v%d\n", VERSION);
  return 0;
}
