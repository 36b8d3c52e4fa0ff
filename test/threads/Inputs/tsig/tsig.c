/* tsig [forever]: signal handlers during updates (docs/threads.md).
 *
 * Threads: main reads one command per line from stdin; "spinner" waits for
 * work in a loop without calls; "sigthread" naps in nanosleep and takes
 * SIGUSR1, sent by main with pthread_kill. SIGUSR1's handler on_usr1
 * (installed with signal()) loops until SIGUSR2 arrives, whose handler
 * on_usr2 is installed with sigaction() and SA_SIGINFO; with "forever",
 * on_usr1 never returns.
 *
 * Commands: sig (SIGUSR1 to sigthread), spin (spinner says it is alive),
 * tick (sigthread says it is alive), quit. Every output line starts with
 * the version: "v1", or "v2" when built with -DV2. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef V2
#define VERSION "v2"
#else
#define VERSION "v1"
#endif

volatile sig_atomic_t released;
volatile int spin_req, tick_req;
volatile unsigned long spins;
int forever;
pthread_t sigthr;

/* One write per line, so that threads and handlers do not mix their lines;
 * async-signal-safe. */
void say(const char *what) {
  char line[128];
  size_t n = strlen(VERSION), k = strlen(what);
  memcpy(line, VERSION, n);
  line[n++] = ' ';
  if (k > sizeof line - n - 1)
    k = sizeof line - n - 1;
  memcpy(line + n, what, k);
  n += k;
  line[n++] = '\n';
  write(1, line, n);
}

void on_usr1(int sig) {
  (void)sig;
  say("handler start");
  if (forever) {
    for (;;) {
      spins++;
    }
  }
  while (!released) {
    spins++;
  }
  released = 0;
  say("handler end");
}

void on_usr2(int sig, siginfo_t *info, void *uc) {
  (void)sig;
  (void)info;
  (void)uc;
  released = 1;
}

/* Static: its thread is found by the entry recorded in its descriptor, and
 * is named "tsig.c/spinner". */
static void *spinner(void *arg) {
  (void)arg;
  for (;;) {
    while (!spin_req) {
      spins++;
    }
    spin_req = 0;
    say("spinner alive");
  }
  return NULL;
}

void *sigthread(void *arg) {
  (void)arg;
  for (;;) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    if (tick_req) {
      tick_req = 0;
      say("sigthread alive");
    }
  }
  return NULL;
}

/* The wrappers install a trampoline; the program must still see its own
 * handlers when it asks. */
int handlers_ok(void) {
  struct sigaction a1;
  struct sigaction a2;
  if (sigaction(SIGUSR1, NULL, &a1) != 0 || sigaction(SIGUSR2, NULL, &a2) != 0)
    return 0;
  return a1.sa_handler == on_usr1 && (a2.sa_flags & SA_SIGINFO) &&
         a2.sa_sigaction == on_usr2;
}

int main(int argc, char **argv) {
  char line[64];
  pthread_t sp;
  struct sigaction sa;
  forever = argc > 1 && strcmp(argv[1], "forever") == 0;
  if (signal(SIGUSR1, on_usr1) != SIG_DFL)
    say("signal() returned something else than SIG_DFL");
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr2;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR2, &sa, NULL);
  pthread_create(&sp, NULL, spinner, NULL);
  pthread_create(&sigthr, NULL, sigthread, NULL);
  int ok = handlers_ok();
  say(ok ? "ready" : "ready, but sigaction reports other handlers");
  for (;;) {
    ssize_t n = read(0, line, sizeof line - 1);
    if (n <= 0)
      break;
    line[n] = '\0';
    line[strcspn(line, "\n")] = '\0';
    if (strcmp(line, "sig") == 0)
      pthread_kill(sigthr, SIGUSR1);
    else if (strcmp(line, "spin") == 0)
      spin_req = 1;
    else if (strcmp(line, "tick") == 0)
      tick_req = 1;
    else if (strcmp(line, "quit") == 0)
      break;
    else
      say("unknown command");
  }
  return 0;
}
