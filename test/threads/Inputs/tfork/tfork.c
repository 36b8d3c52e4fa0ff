/* tfork: a fork-per-connection server, like vsftpd. The parent accepts on
 * 127.0.0.1 (an ephemeral port, printed as "port N") and forks a child for
 * each connection; the child serves that session until the client leaves.
 *
 * A session's state lives in serve()'s locals: a running total and the
 * number of commands. The child greets with "<v> hello pid=<its pid>", then
 * answers one line per command:
 *   add N    adds N to the total
 *   poison   sets TFORK_POISON in this process's environment: the v2
 *            mapping's transformer then refuses the update in this process
 *   spawn    forks a grandchild that execs "sleep 600" (another program,
 *            which an update must leave alone); answers once it has
 * v1 answers "v1 total=T count=C"; v2 (built with -DV2) answers
 * "v2 sum=T after C commands", so a client sees which code served it. */
#define _GNU_SOURCE /* pipe2 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int listener;

/* One line (without its newline) from fd, a byte at a time. 0 at the end
 * of the session. */
int read_line(int fd, char *buf, int size) {
  int n = 0;
  char c;
  while (n < size - 1) {
    ssize_t r = recv(fd, &c, 1, 0);
    if (r <= 0)
      return 0;
    if (c == '\n')
      break;
    buf[n++] = c;
  }
  buf[n] = '\0';
  return 1;
}

/* The exec'd program inherits nothing of ours: the pipe is close-on-exec,
 * so the read returns 0 once the exec has happened. */
void spawn_other_program(void) {
  int p[2];
  char c;
  if (pipe2(p, O_CLOEXEC) != 0)
    return;
  pid_t pid = fork();
  if (pid == 0) {
    execlp("sleep", "sleep", "600", (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  if (pid > 0)
    read(p[0], &c, 1);
  close(p[0]);
}

void say(int fd, const char *text) {
  char out[160];
  size_t len = (size_t)snprintf(out, sizeof out, "%s\n", text);
  send(fd, out, len, MSG_NOSIGNAL);
}

void answer(int fd, long total, int count) {
  char text[128];
#ifdef V2
  snprintf(text, sizeof text, "v2 sum=%ld after %d commands", total, count);
#else
  snprintf(text, sizeof text, "v1 total=%ld count=%d", total, count);
#endif
  say(fd, text);
}

void serve(int fd) {
  char line[128];
  long total = 0;
  int count = 0;
  char hello[64];
#ifdef V2
  snprintf(hello, sizeof hello, "v2 hello pid=%ld", (long)getpid());
#else
  snprintf(hello, sizeof hello, "v1 hello pid=%ld", (long)getpid());
#endif
  say(fd, hello);
  for (;;) {
    int more = read_line(fd, line, (int)sizeof line);
    if (!more)
      break;
    count++;
    if (strncmp(line, "add ", 4) == 0) {
      total += atol(line + 4);
    } else if (strcmp(line, "poison") == 0) {
      setenv("TFORK_POISON", "1", 1);
    } else if (strcmp(line, "spawn") == 0) {
      spawn_other_program();
    }
    answer(fd, total, count);
  }
}

int main(void) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  int one = 1;
  signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
  listener = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      listen(listener, 64) != 0 ||
      getsockname(listener, (struct sockaddr *)&addr, &len) != 0) {
    perror("tfork: listen");
    return 1;
  }
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0)
      continue;
    pid_t pid = fork();
    if (pid == 0) {
      close(listener);
      serve(fd);
      close(fd);
      _exit(0);
    }
    close(fd);
  }
  return 0;
}
