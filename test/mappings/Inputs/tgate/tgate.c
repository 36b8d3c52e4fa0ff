/* tgate: gate's scenario with the constrained function on a worker thread.
 * main reads commands on stdin and passes each to the worker (one byte on a
 * pipe); the worker answers every command with one line, starting with the
 * version that printed it ("v1", or "v2" in the patch).
 *
 *   B      the worker enters busy(), where it stays until "leave"
 *   ping   the worker answers "<v> worker ping" (in busy: "<v> busy ping")
 *   leave  the worker leaves busy(): "<v> worker idle"
 *   quit   the worker returns, main joins it and exits 0 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "v1"
#endif

static int to_worker[2];

void say(const char *who, const char *what) {
  printf("%s %s %s\n", VERSION, who, what);
  fflush(stdout);
}

static int next_command(void) {
  char c;
  return read(to_worker[0], &c, 1) == 1 ? c : 'q';
}

void busy(void) {
  say("worker", "busy");
  int c;
  while ((c = next_command()) != 'l' && c != 'q')
    say("busy", "ping");
  say("worker", "idle");
}

void *worker(void *arg) {
  (void)arg;
  int c;
  while ((c = next_command()) != 'q') {
    if (c == 'B')
      busy();
    else
      say("worker", "ping");
  }
  return NULL;
}

static int readline(char *buf, int n) {
  int i = 0;
  while (i < n - 1) {
    char c;
    if (read(0, &c, 1) != 1)
      return -1;
    if (c == '\n')
      break;
    buf[i++] = c;
  }
  buf[i] = '\0';
  return i;
}

int main(void) {
  pthread_t th;
  if (pipe(to_worker) != 0 || pthread_create(&th, NULL, worker, NULL) != 0)
    return 1;
  say("main", "ready");
  char buf[64];
  while (readline(buf, sizeof buf) >= 0) {
    char c = strcmp(buf, "leave") == 0 ? 'l'
             : strcmp(buf, "quit") == 0 ? 'q'
                                        : buf[0];
    if (write(to_worker[1], &c, 1) != 1 || c == 'q')
      break;
  }
  pthread_join(th, NULL);
  return 0;
}
