/* client.c: finds a process's control channel, sends one request and reads
 * and checks the answer. The protocol is in docs/protocol.md. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hcu/hcu_errors.h"
#include "hcu_protocol.h"
#include "hcuapply.h"

#define MAX_ANSWER (1 << 20)

static int fail(struct client_error *err, int exit_code, int code,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct client_error *err, int exit_code, int code,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  err->exit_code = exit_code;
  err->code = code;
  return exit_code;
}

int parse_pid(const char *s, pid_t *pid) {
  long v = 0;
  if (!*s)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > INT_MAX / 10)
      return -1;
    v = v * 10 + (*s - '0');
  }
  if (v <= 0 || v > INT_MAX)
    return -1;
  *pid = (pid_t)v;
  return 0;
}

/* The runtime's rule, seen from outside: $HCU_RUNTIME_DIR, else
 * /tmp/hcu-<uid> of the process's owner (not ours: root updates anyone). */
static int socket_path(pid_t pid, char *buf, size_t size) {
  const char *env = getenv("HCU_RUNTIME_DIR");
  char proc[64];
  struct stat st;
  long uid = (long)geteuid();
  snprintf(proc, sizeof proc, "/proc/%ld", (long)pid);
  if (stat(proc, &st) == 0)
    uid = (long)st.st_uid;
  int n = env && *env
              ? snprintf(buf, size, "%s/%ld.sock", env, (long)pid)
              : snprintf(buf, size, "/tmp/hcu-%ld/%ld.sock", uid, (long)pid);
  return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int connect_to(pid_t pid, struct client_error *err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  const char *path = addr.sun_path;
  if (kill(pid, 0) != 0 && errno == ESRCH)
    return -fail(err, EXIT_UNREACHABLE, HCU_ERR_NO_PROCESS,
                 "no process with pid %ld", (long)pid);
  if (socket_path(pid, addr.sun_path, sizeof addr.sun_path) != 0)
    return -fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
                 "the control socket path is too long; shorten "
                 "HCU_RUNTIME_DIR");
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL, "socket: %s",
                 strerror(errno));
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
    return fd;
  int e = errno;
  close(fd);
  if (e == ENOENT)
    return -fail(err, EXIT_UNREACHABLE, HCU_ERR_NO_PROCESS,
                 "process %ld is not an updatable hcu program (no control "
                 "channel at %s)",
                 (long)pid, path);
  if (e == ECONNREFUSED)
    return -fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
                 "process %ld is not listening on %s (a stale socket, or the "
                 "process is exiting)",
                 (long)pid, path);
  if (e == EACCES || e == EPERM)
    return -fail(err, EXIT_UNREACHABLE, HCU_ERR_PERMISSION,
                 "permission denied on %s: only the owner of process %ld or "
                 "root may update it",
                 path, (long)pid);
  return -fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
               "cannot connect to %s: %s", path, strerror(e));
}

/* The socket must be the target's own, not a leftover another process holds. */
static int check_peer(int fd, pid_t pid, struct client_error *err) {
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
                "cannot read the control channel's credentials: %s",
                strerror(errno));
  if (cred.pid != pid)
    return fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
                "the control channel for pid %ld is served by pid %ld",
                (long)pid, (long)cred.pid);
  return 0;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t r = send(fd, buf, len, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    buf += r;
    len -= (size_t)r;
  }
  return 0;
}

void (*client_progress)(pid_t pid, const char *text);

/* Hands the complete "progress=" lines at the start of buf[0..*n) to
 * client_progress and removes them. Returns 1 once the answer proper has
 * begun (a complete line that is not progress). */
static int take_progress(pid_t pid, char *buf, size_t *n) {
  static const char key[] = "progress=";
  for (;;) {
    char *nl = memchr(buf, '\n', *n);
    if (!nl)
      return 0;
    size_t llen = (size_t)(nl - buf);
    if (llen < sizeof key - 1 || memcmp(buf, key, sizeof key - 1) != 0)
      return 1;
    char text[4096];
    size_t vlen = llen - (sizeof key - 1);
    if (client_progress &&
        hcu_pct_decode(buf + sizeof key - 1, vlen, text, sizeof text) >= 0)
      client_progress(pid, text);
    *n -= llen + 1;
    memmove(buf, nl + 1, *n);
  }
}

/* Reads until EOF (or, with until_end, until a complete "end" line) into a
 * NUL-terminated malloc'd buffer. Progress lines before the answer go to
 * client_progress, not into the buffer. */
static char *read_all(int fd, pid_t pid, int timeout_ms, int until_end,
                      size_t *len, struct client_error *err) {
  long long deadline = now_ms() + timeout_ms;
  int answer_begun = 0;
  size_t n = 0, cap = 4096;
  char *buf = malloc(cap);
  if (!buf) {
    fail(err, EXIT_PROTOCOL, HCU_ERR_NOMEM, "out of memory");
    return NULL;
  }
  for (;;) {
    long long left = deadline - now_ms();
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int pr = left > 0 ? poll(&pfd, 1, (int)left) : 0;
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr == 0) {
      fail(err, EXIT_UNREACHABLE, HCU_ERR_TIMEOUT,
           "no answer from pid %ld within %d ms; an update may still be "
           "running: check with 'hcuapply status -p %ld'",
           (long)pid, timeout_ms, (long)pid);
      break;
    }
    if (pr < 0) {
      fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
           "waiting for pid %ld's answer: %s", (long)pid, strerror(errno));
      break;
    }
    if (n + 1 >= cap) {
      char *bigger = cap >= MAX_ANSWER ? NULL : realloc(buf, cap * 2);
      if (!bigger) {
        fail(err, EXIT_PROTOCOL, HCU_ERR_PROTOCOL,
             "the answer from pid %ld is larger than %d bytes", (long)pid,
             MAX_ANSWER);
        break;
      }
      buf = bigger;
      cap *= 2;
    }
    ssize_t r = recv(fd, buf + n, cap - n - 1, 0);
    if (r < 0 && errno == EINTR)
      continue;
    /* A process that answered before reading all of our request (a
     * refusal, an oversized line) resets the connection after its answer:
     * what arrived is the answer; parse_answer checks it is whole. */
    if (r < 0 && errno == ECONNRESET && n > 0)
      r = 0;
    if (r < 0) {
      fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
           "reading from pid %ld's control channel: %s", (long)pid,
           strerror(errno));
      break;
    }
    if (r > 0)
      n += (size_t)r;
    if (!answer_begun)
      answer_begun = take_progress(pid, buf, &n);
    if (r == 0 ||
        (until_end && n >= 5 && memcmp(buf + n - 5, "\nend\n", 5) == 0)) {
      buf[n] = '\0';
      *len = n;
      return buf;
    }
  }
  free(buf);
  return NULL;
}

static int add_pair(struct answer *ans, const char *key, size_t klen,
                    const char *val, size_t vlen) {
  char **keys = realloc(ans->keys, (ans->n + 1) * sizeof *keys);
  if (keys)
    ans->keys = keys;
  char **values = realloc(ans->values, (ans->n + 1) * sizeof *values);
  if (values)
    ans->values = values;
  char *k = keys ? strndup(key, klen) : NULL;
  char *v = values ? malloc(vlen + 1) : NULL;
  if (!k || !v || hcu_pct_decode(val, vlen, v, vlen + 1) < 0) {
    free(k);
    free(v);
    return -1;
  }
  ans->keys[ans->n] = k;
  ans->values[ans->n] = v;
  ans->n++;
  return 0;
}

static int parse_status_line(const char *line, size_t len, struct answer *ans) {
  if (len == 2 && memcmp(line, "ok", 2) == 0) {
    ans->ok = 1;
    return 0;
  }
  char name[64];
  int code, end = 0;
  char copy[128];
  if (len >= sizeof copy)
    return -1;
  memcpy(copy, line, len);
  copy[len] = '\0';
  if (sscanf(copy, "error code=%d name=%63[A-Z_]%n", &code, name, &end) != 2 ||
      (size_t)end != len || code <= 0)
    return -1;
  ans->code = code;
  return 0;
}

/* Checks the whole answer's shape; anything unexpected is a protocol error. */
static int parse_answer(const char *buf, size_t len, struct answer *ans,
                        char *why, size_t whysz) {
  const char *p = buf, *end = buf + len;
  int line_no = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      snprintf(why, whysz, "the answer is truncated (no 'end' line)");
      return -1;
    }
    size_t llen = (size_t)(nl - p);
    line_no++;
    if (line_no == 1) {
      if (parse_status_line(p, llen, ans) != 0) {
        snprintf(why, whysz, "bad first line '%.*s'",
                 (int)(llen > 60 ? 60 : llen), p);
        return -1;
      }
    } else if (llen == 3 && memcmp(p, "end", 3) == 0) {
      if (nl + 1 != end) {
        snprintf(why, whysz, "data after the 'end' line");
        return -1;
      }
      return 0;
    } else {
      const char *eq = memchr(p, '=', llen);
      if (!eq || eq == p ||
          add_pair(ans, p, (size_t)(eq - p), eq + 1,
                   llen - (size_t)(eq - p) - 1) != 0) {
        snprintf(why, whysz, "bad line %d: '%.*s'", line_no,
                 (int)(llen > 60 ? 60 : llen), p);
        return -1;
      }
    }
    p = nl + 1;
  }
  snprintf(why, whysz, "the answer is %s",
           len ? "truncated (no 'end' line)" : "empty");
  return -1;
}

int client_request(pid_t pid, const char *line, int timeout_ms,
                   struct answer *ans, struct client_error *err) {
  memset(ans, 0, sizeof *ans);
  int fd = connect_to(pid, err);
  if (fd < 0)
    return -fd;
  if (check_peer(fd, pid, err) != 0) {
    close(fd);
    return err->exit_code;
  }
  /* A refusal (wrong uid) can come before the process reads the request: a
   * failed send is reported only if no answer follows it. */
  int send_errno = send_all(fd, line, strlen(line)) != 0 ? errno : 0;
  shutdown(fd, SHUT_WR); /* the whole request is sent */
  size_t len = 0;
  char *buf = read_all(fd, pid, timeout_ms, 0, &len, err);
  close(fd);
  if (send_errno && (!buf || len == 0)) {
    free(buf);
    return fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
                "sending the request to pid %ld: %s", (long)pid,
                strerror(send_errno));
  }
  if (!buf)
    return err->exit_code;
  char why[256];
  int rc = parse_answer(buf, len, ans, why, sizeof why);
  free(buf);
  if (rc != 0) {
    answer_free(ans);
    return fail(err, EXIT_PROTOCOL, HCU_ERR_PROTOCOL,
                "malformed answer from pid %ld: %s", (long)pid, why);
  }
  return 0;
}

const char *answer_get(const struct answer *ans, const char *key) {
  for (size_t i = 0; i < ans->n; i++)
    if (strcmp(ans->keys[i], key) == 0)
      return ans->values[i];
  return NULL;
}

void answer_free(struct answer *ans) {
  for (size_t i = 0; i < ans->n; i++) {
    free(ans->keys[i]);
    free(ans->values[i]);
  }
  free(ans->keys);
  free(ans->values);
  memset(ans, 0, sizeof *ans);
}

/* ---- One connection, several messages (two-phase applies) ----------------*/

int client_connect(pid_t pid, struct client_error *err) {
  int fd = connect_to(pid, err);
  if (fd < 0)
    return fd;
  if (check_peer(fd, pid, err) != 0) {
    close(fd);
    return -err->exit_code;
  }
  return fd;
}

int client_send(int fd, pid_t pid, const char *line,
                struct client_error *err) {
  if (send_all(fd, line, strlen(line)) == 0)
    return 0;
  return fail(err, EXIT_UNREACHABLE, HCU_ERR_CHANNEL,
              "sending to pid %ld: %s", (long)pid, strerror(errno));
}

int client_read(int fd, pid_t pid, int timeout_ms, int until_end,
                struct answer *ans, struct client_error *err) {
  memset(ans, 0, sizeof *ans);
  size_t len = 0;
  char *buf = read_all(fd, pid, timeout_ms, until_end, &len, err);
  if (!buf)
    return err->exit_code;
  char why[256];
  int rc = parse_answer(buf, len, ans, why, sizeof why);
  free(buf);
  if (rc != 0) {
    answer_free(ans);
    return fail(err, EXIT_PROTOCOL, HCU_ERR_PROTOCOL,
                "malformed answer from pid %ld: %s", (long)pid, why);
  }
  return 0;
}
