/* exec_alphabet: the alphabet server (test/alphabet/v1) updated by re-exec,
 * the idea of the thesis' "exec" method, as a baseline for hcu.
 *   exec_alphabet PORT TICK_MS      (the state after an update comes in argv)
 * On SIGUSR1 it serializes its state (listening fd, client fd, next letter,
 * time of the signal) into argv and execs /proc/self/exe; the fds survive
 * exec. After the first letter sent by the new image it prints
 * "exec_update_ns <signal to first send after exec>". */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t want_update;
static struct timespec t_signal;
static void on_usr1(int s) { (void)s; clock_gettime(CLOCK_MONOTONIC, &t_signal); want_update = 1; }
static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(int argc, char **argv) {
  struct sigaction sa = {0};
  int lfd, cfd = -1;
  char letter = 'A';
  long long t0 = 0;
  if (argc != 3 && argc != 7) return fprintf(stderr, "usage: %s PORT TICK_MS\n", argv[0]), 2;
  long tick = atol(argv[2]);
  sa.sa_handler = on_usr1; /* no SA_RESTART: nanosleep/accept return EINTR */
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (argc == 7) { /* restore */
    lfd = atoi(argv[3]), cfd = atoi(argv[4]), letter = argv[5][0], t0 = atoll(argv[6]);
  } else {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    int one = 1;
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 4) ||
        getsockname(lfd, (struct sockaddr *)&a, &alen)) return perror("bind/listen"), 1;
    printf("listening on 127.0.0.1:%u\n", ntohs(a.sin_port)), fflush(stdout);
  }
  for (;;) {
    if (want_update) {
      char s[4][24], *nargv[] = {argv[0], argv[1], argv[2], s[0], s[1], s[2], s[3], NULL};
      snprintf(s[0], 24, "%d", lfd), snprintf(s[1], 24, "%d", cfd);
      snprintf(s[2], 24, "%c", letter), snprintf(s[3], 24, "%lld", ns(t_signal));
      execv("/proc/self/exe", nargv);
      return perror("execv"), 1;
    }
    if (cfd < 0 && (cfd = accept(lfd, NULL, NULL)) < 0) continue;
    char line[2] = {letter, '\n'};
    if (send(cfd, line, 2, 0) != 2) { close(cfd), cfd = -1; continue; }
    if (t0) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      printf("exec_update_ns %lld\n", ns(now) - t0), fflush(stdout), t0 = 0;
    }
    letter = letter == 'Z' ? 'A' : letter + 1;
    struct timespec tk = {tick / 1000, tick % 1000 * 1000000L};
    nanosleep(&tk, NULL);
  }
}
