/* blocker MODE: blocks once in the call named by MODE, then reports what it
 * got and exits. A test updates it while it is blocked.
 *
 *   accept  accept() on 127.0.0.1:PORT ("ready PORT" on stdout first)
 *   recv    accept() one connection ("connected"), then recv() from it
 *   read    read() from stdin
 *   poll    poll() on stdin, then read()
 *   sleep   nanosleep() for 1.5 s
 *   spin    a CPU-bound loop without calls (an update lands on its loop head)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void report(const char *what, const char *data) {
  printf("v1 %s %s\n", what, data);
  fflush(stdout);
}

int listener(void) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
      listen(fd, 1) < 0 || getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
    return -1;
  printf("ready %u\n", (unsigned)ntohs(addr.sin_port));
  fflush(stdout);
  return fd;
}

unsigned long spin(unsigned long n) {
  unsigned long x = 12345, hits = 0;
  for (unsigned long i = 0; i < n; i++) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    if ((x >> 58) == 0)
      hits++;
  }
  return hits;
}

int main(int argc, char **argv) {
  char buf[64];
  const char *mode = argc > 1 ? argv[1] : "";
  memset(buf, 0, sizeof buf);
  if (strcmp(mode, "spin") == 0) {
    printf("ready 0\n");
    fflush(stdout);
    unsigned long hits = spin(1000000000UL);
    snprintf(buf, sizeof buf, "hits=%lu", hits);
    report("spin", buf);
    return 0;
  }
  if (strcmp(mode, "sleep") == 0) {
    struct timespec ts = {1, 500000000L};
    printf("ready 0\n");
    fflush(stdout);
    int r = nanosleep(&ts, NULL);
    report("slept", r == 0 ? "ok" : "interrupted");
    return 0;
  }
  if (strcmp(mode, "read") == 0 || strcmp(mode, "poll") == 0) {
    struct pollfd pfd = {0, POLLIN, 0};
    printf("ready 0\n");
    fflush(stdout);
    if (strcmp(mode, "poll") == 0) {
      int r = poll(&pfd, 1, -1);
      if (r != 1) {
        report("poll", "failed");
        return 1;
      }
    }
    ssize_t n = read(0, buf, sizeof buf - 1);
    if (n <= 0) {
      report(mode, "failed");
      return 1;
    }
    buf[strcspn(buf, "\n")] = 0;
    report(mode, buf);
    return 0;
  }
  int ls = listener();
  if (ls < 0) {
    perror("listener");
    return 1;
  }
  int fd = accept(ls, NULL, NULL);
  if (fd < 0) {
    report(mode, "accept failed");
    return 1;
  }
  if (strcmp(mode, "accept") == 0) {
    report("accepted", "ok");
    return 0;
  }
  printf("connected\n");
  fflush(stdout);
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) {
    report("recv", "failed");
    return 1;
  }
  buf[strcspn(buf, "\n")] = 0;
  report("recv", buf);
  return 0;
}
