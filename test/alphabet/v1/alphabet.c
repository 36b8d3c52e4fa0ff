/* alphabet, version 1: a TCP server that sends the next letter of the
 * alphabet to the connected client once per tick.
 *
 *   alphabet [PORT [TICK_MS]]
 *
 * Listens on 127.0.0.1:PORT (0: any free port), prints
 * "listening on 127.0.0.1:<port>" once it is ready, then serves one client at
 * a time. The letter sequence goes on across clients: A..Z, then A again.
 * Version 1 sends lines like "A\n". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct server_state {
  char next_letter;
};

struct server_state state = {'A'};

static unsigned tick_ms = 1000;

/* Nonzero once the client has closed its end (or the socket failed). */
int client_gone(int fd) {
  char buf[64];
  ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n == 0)
    return 1;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    return 1;
  return 0;
}

/* Sends one letter per tick until the client goes away. */
void serve(int fd) {
  struct timespec tick;
  char line[32];

  tick.tv_sec = tick_ms / 1000;
  tick.tv_nsec = (long)(tick_ms % 1000) * 1000000L;
  for (;;) {
    int gone = client_gone(fd);
    if (gone)
      return;
    int len = snprintf(line, sizeof line, "%c\n", state.next_letter);
    if (send(fd, line, (size_t)len, 0) != (ssize_t)len)
      return;
    state.next_letter = state.next_letter == 'Z' ? 'A' : state.next_letter + 1;
    nanosleep(&tick, NULL);
  }
}

/* Binds 127.0.0.1:port, listens, and announces the port actually bound. */
int open_listener(unsigned port) {
  struct sockaddr_in addr;
  socklen_t addrlen = sizeof addr;
  int one = 1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  if (fd < 0) {
    perror("socket");
    return -1;
  }
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
      listen(fd, 4) < 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &addrlen) < 0) {
    perror("bind/listen");
    close(fd);
    return -1;
  }
  printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(addr.sin_port));
  fflush(stdout);
  return fd;
}

int main(int argc, char **argv) {
  unsigned port = 0;

  if (argc > 1)
    port = (unsigned)strtoul(argv[1], NULL, 10);
  if (argc > 2)
    tick_ms = (unsigned)strtoul(argv[2], NULL, 10);
  if (argc > 3 || port > 65535 || tick_ms == 0) {
    fprintf(stderr, "usage: %s [PORT [TICK_MS]]\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);

  int listener = open_listener(port);
  if (listener < 0)
    return 1;
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      perror("accept");
      return 1;
    }
    serve(fd);
    close(fd);
  }
}
