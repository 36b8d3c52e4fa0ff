/* pump.c: an "uninstrumented library" for tforeign. Compiled with the plain
 * C compiler: its pthread_create is libc's, not hcu's wrapper, so libhcu
 * does not know the thread it starts. The thread calls the callback it was
 * given in a loop, with 0, 1, 2, ..., until the callback returns nonzero.
 * pump_stall blocks (in code libhcu cannot interrupt) until stdin has a
 * line. */
#include <pthread.h>
#include <unistd.h>

#include "pump.h"

static pthread_t pump_thread;
static pump_fn pump_cb;

static void *pump_loop(void *arg) {
  long i = 0;
  (void)arg;
  while (!pump_cb(i))
    i++;
  return NULL;
}

int pump_start(pump_fn cb) {
  pump_cb = cb;
  return pthread_create(&pump_thread, NULL, pump_loop, NULL);
}

int pump_wait(void) { return pthread_join(pump_thread, NULL); }

void pump_stall(void) {
  char c;
  while (read(0, &c, 1) == 1 && c != '\n')
    ;
}
