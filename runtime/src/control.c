/* control.c: the control channel. A private AF_UNIX socket served by one
 * detached thread that answers hcuapply's requests, one connection at a time.
 *
 * Rules that keep the target safe: only our own user or root may talk to us;
 * a request is one bounded line read under a deadline, so a bad or stuck
 * client costs an error answer, never a crash or a wedged channel; nothing
 * here exits, aborts or takes a program thread's signals. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hcu/hcu.h"
#include "hcu_internal.h"
#include "hcu_history.h"
#include "hcu_protocol.h"

/* ---- Request parser (pure) ----------------------------------------------*/

enum {
  KEY_PATH = 1,
  KEY_MODEL = 2,
  KEY_DRY_RUN = 4,
  KEY_TIMEOUT = 8,
  KEY_TWO_PHASE = 16,
  KEY_PROGRESS = 32
};

static int perr(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(char *err, size_t errsz, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (errsz)
    vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
  return HCU_ERR_PROTOCOL;
}

/* Next space-separated token of [*p, end). Exactly one space between tokens,
 * none at either end: a strict grammar leaves nothing to guess. Returns 1 and
 * the token, 0 at the end, -1 on an empty field. */
static int next_token(const char **p, const char *end, const char **tok,
                      size_t *len) {
  if (*p == end)
    return 0;
  const char *sp = memchr(*p, ' ', (size_t)(end - *p));
  const char *stop = sp ? sp : end;
  if (stop == *p || (sp && sp + 1 == end))
    return -1;
  *tok = *p;
  *len = (size_t)(stop - *p);
  *p = sp ? sp + 1 : end;
  return 1;
}

/* A token fit to quote in a message: at most 40 bytes, unprintables as '?'. */
static const char *show(const char *tok, size_t len, char *buf, size_t size) {
  size_t n = len < size - 1 ? len : size - 1;
  for (size_t i = 0; i < n; i++)
    buf[i] = tok[i] > ' ' && tok[i] < 0x7f ? tok[i] : '?';
  buf[n] = '\0';
  return buf;
}

static int token_is(const char *tok, size_t len, const char *word) {
  return strlen(word) == len && memcmp(tok, word, len) == 0;
}

/* Decimal without sign or spaces, at most max. */
static int parse_uint(const char *s, unsigned max, unsigned *out) {
  unsigned long long v = 0;
  if (!*s)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    v = v * 10 + (unsigned)(*s - '0');
    if (v > max)
      return -1;
  }
  *out = (unsigned)v;
  return 0;
}

static int apply_key(struct hcu_apply_request *a, int key, const char *val,
                     char *err, size_t errsz) {
  unsigned n;
  char q[41];
  switch (key) {
  case KEY_PATH:
    if (val[0] != '/')
      return perr(err, errsz, "path must be absolute, not '%s'",
                  show(val, strlen(val), q, sizeof q));
    return HCU_OK; /* already decoded into a->path */
  case KEY_MODEL:
    if (strcmp(val, "immediate") == 0)
      a->model = HCU_MODEL_IMMEDIATE;
    else if (strcmp(val, "lazy") == 0)
      a->model = HCU_MODEL_LAZY;
    else
      return perr(err, errsz, "model must be immediate or lazy, not '%s'",
                  show(val, strlen(val), q, sizeof q));
    return HCU_OK;
  case KEY_DRY_RUN:
    if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
      return perr(err, errsz, "dry_run must be 0 or 1, not '%s'",
                  show(val, strlen(val), q, sizeof q));
    a->dry_run = val[0] == '1';
    return HCU_OK;
  case KEY_TWO_PHASE:
    if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
      return perr(err, errsz, "two_phase must be 0 or 1, not '%s'",
                  show(val, strlen(val), q, sizeof q));
    a->two_phase = val[0] == '1';
    return HCU_OK;
  case KEY_PROGRESS:
    if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
      return perr(err, errsz, "progress must be 0 or 1, not '%s'",
                  show(val, strlen(val), q, sizeof q));
    a->want_progress = val[0] == '1';
    return HCU_OK;
  case KEY_TIMEOUT:
    if (parse_uint(val, HCU_PROTO_MAX_TIMEOUT_MS, &n) != 0)
      return perr(err, errsz,
                  "timeout_ms must be a number of milliseconds up to %u, not "
                  "'%s'",
                  HCU_PROTO_MAX_TIMEOUT_MS,
                  show(val, strlen(val), q, sizeof q));
    a->timeout_ms = n;
    return HCU_OK;
  }
  return perr(err, errsz, "internal: unknown key id %d", key);
}

static int apply_key_id(const char *tok, size_t len) {
  if (token_is(tok, len, "path"))
    return KEY_PATH;
  if (token_is(tok, len, "model"))
    return KEY_MODEL;
  if (token_is(tok, len, "dry_run"))
    return KEY_DRY_RUN;
  if (token_is(tok, len, "timeout_ms"))
    return KEY_TIMEOUT;
  if (token_is(tok, len, "two_phase"))
    return KEY_TWO_PHASE;
  if (token_is(tok, len, "progress"))
    return KEY_PROGRESS;
  return 0;
}

/* key=value arguments of apply and revert; status and messages take none.
 * revert takes apply's keys but path and model (it undoes the newest
 * update, with the model that update used). */
static int parse_apply_args(const char *p, const char *end,
                            struct hcu_apply_request *a, char *err,
                            size_t errsz) {
  const char *verb = a->revert ? "revert" : "apply";
  char small[64];
  const char *tok;
  size_t len;
  char q[41];
  int seen = 0, r;
  while ((r = next_token(&p, end, &tok, &len)) > 0) {
    const char *eq = memchr(tok, '=', len);
    if (!eq)
      return perr(err, errsz, "argument '%s' is not key=value",
                  show(tok, len, q, sizeof q));
    size_t klen = (size_t)(eq - tok);
    int key = apply_key_id(tok, klen);
    if (!key || (a->revert && (key == KEY_PATH || key == KEY_MODEL)))
      return perr(err, errsz, "unknown key '%s' for %s",
                  show(tok, klen, q, sizeof q), verb);
    if (seen & key)
      return perr(err, errsz, "duplicate key '%.*s'", (int)klen, tok);
    seen |= key;
    /* The path decodes in place; the other values are short. */
    char *val = key == KEY_PATH ? a->path : small;
    size_t valsz = key == KEY_PATH ? sizeof a->path : sizeof small;
    int n = hcu_pct_decode(eq + 1, len - klen - 1, val, valsz);
    if (n == HCU_PCT_BAD_ESCAPE)
      return perr(err, errsz, "bad percent escape in the value of '%.*s'",
                  (int)klen, tok);
    if (n == HCU_PCT_BAD_CHAR)
      return perr(err, errsz,
                  "value of '%.*s' has a byte that must be percent-encoded",
                  (int)klen, tok);
    if (n < 0)
      return perr(err, errsz, "value of '%.*s' is too long", (int)klen, tok);
    if ((r = apply_key(a, key, val, err, errsz)) != HCU_OK)
      return r;
  }
  if (r < 0)
    return perr(err, errsz, "empty field (two spaces, or a trailing space)");
  if (!(seen & KEY_PATH) && !a->revert)
    return perr(err, errsz, "apply needs path=<absolute path of the patch>");
  return HCU_OK;
}

int hcu_parse_request(const char *buf, size_t len, struct hcu_request *req,
                      char *err, size_t errsz) {
  memset(req, 0, sizeof *req);
  if (errsz)
    err[0] = '\0';
  if (len == 0)
    return perr(err, errsz, "empty request");
  if (len > HCU_PROTO_MAX_REQUEST)
    return perr(err, errsz, "request longer than %d bytes",
                HCU_PROTO_MAX_REQUEST);
  const char *nl = memchr(buf, '\n', len);
  if (!nl)
    return perr(err, errsz, "truncated request: no newline at the end");
  if (nl != buf + len - 1)
    return perr(err, errsz, "data after the request line");

  const char *p = buf, *tok;
  size_t tlen;
  char q[41];
  int r = next_token(&p, nl, &tok, &tlen);
  if (r < 0)
    return perr(err, errsz, "empty field (two spaces, or a leading space)");
  if (r == 0 || !token_is(tok, tlen, HCU_PROTO_MAGIC))
    return perr(err, errsz, "not an %s request (unsupported protocol?)",
                HCU_PROTO_MAGIC);
  r = next_token(&p, nl, &tok, &tlen);
  if (r < 0)
    return perr(err, errsz, "empty field (two spaces, or a trailing space)");
  if (r == 0)
    return perr(err, errsz,
                "missing verb (apply, revert, status or messages)");

  int revert = token_is(tok, tlen, "revert");
  if (revert || token_is(tok, tlen, "apply")) {
    req->verb = revert ? HCU_VERB_REVERT : HCU_VERB_APPLY;
    req->apply.revert = revert;
    req->apply.model = HCU_MODEL_IMMEDIATE;
    r = parse_apply_args(p, nl, &req->apply, err, errsz);
    if (r != HCU_OK)
      memset(req, 0, sizeof *req);
    return r;
  }
  if (token_is(tok, tlen, "status"))
    req->verb = HCU_VERB_STATUS;
  else if (token_is(tok, tlen, "messages"))
    req->verb = HCU_VERB_MESSAGES;
  else
    return perr(err, errsz, "unknown verb '%s'", show(tok, tlen, q, sizeof q));
  if (p != nl) {
    const char *verb = req->verb == HCU_VERB_STATUS ? "status" : "messages";
    req->verb = HCU_VERB_NONE;
    return perr(err, errsz, "%s takes no arguments", verb);
  }
  return HCU_OK;
}

/* ---- Answers ------------------------------------------------------------*/

/* Buffered writer for one answer; a failed send (client gone or stuck past
 * the send timeout) drops the rest of the answer, nothing else. */
struct writer {
  int fd;
  int failed;
  size_t n;
  char buf[4096];
};

static void w_flush(struct writer *w) {
  size_t off = 0;
  while (!w->failed && off < w->n) {
    ssize_t r = send(w->fd, w->buf + off, w->n - off, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      w->failed = 1;
    else
      off += (size_t)r;
  }
  w->n = 0;
}

static void w_put(struct writer *w, const char *s) {
  for (size_t len = strlen(s); len > 0;) {
    if (w->n == sizeof w->buf)
      w_flush(w);
    size_t k = sizeof w->buf - w->n;
    if (k > len)
      k = len;
    memcpy(w->buf + w->n, s, k);
    w->n += k;
    s += k;
    len -= k;
  }
}

static void w_kv(struct writer *w, const char *key, const char *value) {
  char enc[3 * 4096 + 1];
  if (hcu_pct_encode(value, enc, sizeof enc) < 0)
    snprintf(enc, sizeof enc, "%s", "(value%20too%20long)");
  w_put(w, key);
  w_put(w, "=");
  w_put(w, enc);
  w_put(w, "\n");
}

static void w_kv_num(struct writer *w, const char *key, long long value) {
  char num[32];
  snprintf(num, sizeof num, "%lld", value);
  w_kv(w, key, num);
}

static void w_status_line(struct writer *w, int code) {
  char line[128];
  if (code == HCU_OK)
    snprintf(line, sizeof line, "ok\n");
  else
    snprintf(line, sizeof line, "error code=%d name=%s\n", code,
             hcu_error_name(code));
  w_put(w, line);
}

static void w_end(struct writer *w) {
  w_put(w, "end\n");
  w_flush(w);
}

static void answer_error(struct writer *w, int code, const char *message) {
  w_status_line(w, code);
  w_kv(w, "message", message);
  w_end(w);
}

/* ---- Verbs --------------------------------------------------------------*/

static atomic_int updates_enabled = 1;
/* The last apply's outcome, for status. Touched by the control thread only. */
static struct hcu_apply_result last_result;
static int have_last, last_dry_run;

void hcu_control_set_updates_enabled(int enabled) {
  atomic_store(&updates_enabled, enabled != 0);
}

int hcu_control_updates_enabled(void) { return atomic_load(&updates_enabled); }

int hcu_set_updates_enabled(int enabled) {
  int was = atomic_exchange(&updates_enabled, enabled != 0);
  if (was != (enabled != 0))
    hcu_log("updates %s by the program", enabled ? "enabled" : "disabled");
  return was;
}

static void put_result(struct writer *w, const char *prefix,
                       const struct hcu_apply_result *r) {
  struct {
    const char *name;
    long long value;
  } nums[] = {{"old_version", r->old_version},
              {"new_version", r->new_version},
              {"quiesce_us", (long long)r->quiesce_us},
              {"pause_us", (long long)r->pause_us},
              {"nfunctions", r->nfunctions},
              {"nframes", r->nframes}};
  char key[64];
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    snprintf(key, sizeof key, "%s%s", prefix, nums[i].name);
    w_kv_num(w, key, nums[i].value);
  }
  snprintf(key, sizeof key, "%sfunctions", prefix);
  w_kv(w, key, r->functions);
  snprintf(key, sizeof key, "%smessage", prefix);
  w_kv(w, key, r->message);
}

static ssize_t read_request(int fd, char *buf, size_t size, unsigned wait_ms,
                            char *err, size_t errsz);

/* Two-phase apply (docs/protocol.md): answers "prepared" on the open
 * connection, then waits for the coordinator's "commit" or "abort". A
 * broken connection, a late or malformed decision all mean abort. */
struct decision {
  struct writer *w;
  unsigned wait_ms;
};

static int await_decision(void *ctx, const struct hcu_apply_result *res,
                          char *why, size_t whysz) {
  struct decision *d = ctx;
  char line[HCU_PROTO_MAX_REQUEST + 1], err[256];
  w_status_line(d->w, HCU_OK);
  w_kv(d->w, "phase", "prepared");
  put_result(d->w, "", res);
  w_end(d->w);
  if (d->w->failed) {
    snprintf(why, whysz, "the coordinator's connection broke before the "
                         "decision");
    return 0;
  }
  ssize_t n = read_request(d->w->fd, line, sizeof line - 1, d->wait_ms, err,
                           sizeof err);
  if (n < 0) {
    snprintf(why, whysz, "no decision from the coordinator: %s", err);
    return 0;
  }
  line[n] = '\0';
  if (strcmp(line, HCU_PROTO_MAGIC " commit\n") == 0)
    return 1;
  static const char abort_[] = HCU_PROTO_MAGIC " abort";
  char reason[512] = "";
  if (strncmp(line, abort_, sizeof abort_ - 1) == 0) {
    const char *p = line + sizeof abort_ - 1;
    if (strncmp(p, " reason=", 8) == 0) {
      size_t len = strcspn(p + 8, "\n");
      if (hcu_pct_decode(p + 8, len, reason, sizeof reason) < 0)
        snprintf(reason, sizeof reason, "(undecodable reason)");
    }
    snprintf(why, whysz, "the coordinator aborted the update%s%s",
             reason[0] ? ": " : "", reason);
    return 0;
  }
  char q[41];
  snprintf(why, whysz,
           n == 0 ? "the coordinator closed the connection before deciding"
                  : "the coordinator sent '%s' instead of commit or abort",
           show(line, strcspn(line, "\n"), q, sizeof q));
  return 0;
}

/* progress=1: a "progress=" line before the answer for each slow step
 * (docs/protocol.md). A client that went away only loses these lines. */
static void send_progress(void *ctx, const char *text) {
  struct writer *w = ctx;
  w_kv(w, "progress", text);
  w_flush(w);
}

static void do_apply(struct writer *w, const struct hcu_apply_request *req) {
  static struct hcu_apply_result res; /* 3 KiB: off the control stack */
  static struct hcu_apply_request two; /* req, with the hooks */
  struct decision dec = {w, 0};
  if (req->want_progress) {
    two = *req;
    two.progress = send_progress;
    two.progress_ctx = w;
    req = &two;
  }
  if (req->two_phase) { /* a dry run too: a family's prepares in full */
    if (req != &two)
      two = *req;
    /* Long enough for the slowest process of the group to prepare. */
    dec.wait_ms = (req->timeout_ms > HCU_PROTO_DECISION_WAIT_MS
                       ? req->timeout_ms
                       : HCU_PROTO_DECISION_WAIT_MS) +
                  HCU_PROTO_DECISION_WAIT_MS;
    two.prepared = await_decision;
    two.prepared_ctx = &dec;
    req = &two;
  }
  if (!atomic_load(&updates_enabled)) {
    const char *env = getenv("HCU_DISABLE");
    char msg[160];
    snprintf(msg, sizeof msg, "%s%s", hcu_strerror(HCU_ERR_DISABLED),
             env && strcmp(env, "1") == 0
                 ? " (HCU_DISABLE=1 in its environment)"
                 : " (by the program, or the runtime could not register "
                   "its main thread: see hcuapply messages)");
    hcu_log("control: refused an update: updates are disabled");
    answer_error(w, HCU_ERR_DISABLED, msg);
    return;
  }
  memset(&res, 0, sizeof res);
  if (req->revert)
    hcu_log("revert requested%s", req->dry_run ? " (dry run)" : "");
  else if (req->timeout_ms)
    hcu_log("update requested: %s (%s%s, timeout %u ms)", req->path,
            req->model == HCU_MODEL_LAZY ? "lazy" : "immediate",
            req->dry_run ? ", dry run" : "", req->timeout_ms);
  else
    hcu_log("update requested: %s (%s%s, default timeout)", req->path,
            req->model == HCU_MODEL_LAZY ? "lazy" : "immediate",
            req->dry_run ? ", dry run" : "");
  int code = hcu_update_apply(req, &res);
  res.code = code; /* the return value is authoritative */
  res.message[sizeof res.message - 1] = '\0';
  res.functions[sizeof res.functions - 1] = '\0';
  hcu_log("update %s: %s%s%s", code == HCU_OK ? "done" : "failed",
          hcu_error_name(code), res.message[0] ? ": " : "", res.message);
  last_result = res;
  last_dry_run = req->dry_run;
  have_last = 1;
  w_status_line(w, code);
  put_result(w, "", &res);
  w_end(w);
}

/* One "history" line per committed update still in effect, oldest first:
 * "<version> <UTC time> <patch path>". */
static void put_history(struct writer *w, const struct hcu_history *h) {
  if (!h)
    return;
  put_history(w, h->prev);
  char line[PATH_MAX + 64];
  snprintf(line, sizeof line, "%d %s %s", h->version, h->when,
           h->path);
  w_kv(w, "history", line);
  if (h->kept[0]) {
    snprintf(line, sizeof line, "%d %s", h->version, h->kept);
    w_kv(w, "kept", line);
  }
}

static void do_status(struct writer *w) {
  const char *build = hcu_build_id();
  w_status_line(w, HCU_OK);
  w_kv_num(w, "pid", (long long)getpid());
  w_kv_num(w, "version", hcu_current_version());
  w_kv(w, "build_id", build ? build : "");
  w_kv_num(w, "updates_enabled", atomic_load(&updates_enabled));
  w_kv(w, "protocol", HCU_PROTO_MAGIC);
  w_kv(w, "model", "immediate");
  w_kv_num(w, "threads", hcu_history_threads());
  put_history(w, hcu_history_top());
  /* Reverted, but kept loaded: "<version> <patch>\t<reason>". */
  for (const struct hcu_history *h = hcu_history_orphans(); h; h = h->prev) {
    char line[PATH_MAX + 300];
    snprintf(line, sizeof line, "%d %s\t%s", h->version, h->path, h->kept);
    w_kv(w, "reverted_kept", line);
  }
  w_kv_num(w, "unloaded", hcu_history_unloaded);
  w_kv_num(w, "last_update", have_last);
  if (have_last) {
    w_kv_num(w, "last_code", last_result.code);
    w_kv(w, "last_name", hcu_error_name(last_result.code));
    w_kv_num(w, "last_dry_run", last_dry_run);
    put_result(w, "last_", &last_result);
  }
  w_end(w);
}

/* Entry by entry, through one line on the stack: no copy of the whole
 * ring that would stay resident. */
static void do_messages(struct writer *w) {
  char line[HCU_LOG_LINE_MAX];
  unsigned long long end, seq = hcu_log_oldest(&end);
  w_status_line(w, HCU_OK);
  for (; seq < end; seq++)
    if (hcu_log_entry(seq, line))
      w_kv(w, "line", line);
  w_end(w);
}

/* ---- One connection -----------------------------------------------------*/

static atomic_int conn_fd = -1; /* closed by the fork child handler */

/* Reads until a newline, EOF, one byte past the limit, or the deadline.
 * Returns the byte count, or -1 on timeout or error (reason in err). */
static ssize_t read_request(int fd, char *buf, size_t size, unsigned wait_ms,
                            char *err, size_t errsz) {
  uint64_t deadline = hcu_now_us() + wait_ms * 1000ull;
  size_t n = 0;
  while (n < size && !memchr(buf, '\n', n)) {
    uint64_t now = hcu_now_us();
    if (now >= deadline) {
      perr(err, errsz, "timed out after %u ms waiting for a complete request",
           wait_ms);
      return -1;
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int pr = poll(&pfd, 1, (int)((deadline - now + 999) / 1000));
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr < 0) {
      perr(err, errsz, "poll: %s", strerror(errno));
      return -1;
    }
    if (pr == 0)
      continue; /* the deadline check above reports it */
    ssize_t r = recv(fd, buf + n, size - n, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      perr(err, errsz, "recv: %s", strerror(errno));
      return -1;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  return (ssize_t)n;
}

static int peer_allowed(int fd, struct writer *w) {
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    hcu_log("control: refused a connection: SO_PEERCRED failed: %s",
            strerror(errno));
    answer_error(w, HCU_ERR_PERMISSION, "cannot read the peer's credentials");
    return 0;
  }
  if (cred.uid == geteuid() || cred.uid == 0)
    return 1;
  hcu_log("control: refused a connection from uid %ld pid %ld (we run as uid "
          "%ld)",
          (long)cred.uid, (long)cred.pid, (long)geteuid());
  char msg[160];
  snprintf(msg, sizeof msg,
           "uid %ld may not control this process (owned by uid %ld)",
           (long)cred.uid, (long)geteuid());
  answer_error(w, HCU_ERR_PERMISSION, msg);
  return 0;
}

/* Serialises handle() so its static buffers stay private even if a test
 * calls it while the control thread runs. */
static pthread_mutex_t handle_lock = PTHREAD_MUTEX_INITIALIZER;

void hcu_control_handle(int fd) {
  static struct writer w; /* big buffers off the stack; see handle_lock */
  static char buf[HCU_PROTO_MAX_REQUEST + 1];
  static struct hcu_request req;
  char err[256];

  pthread_mutex_lock(&handle_lock);
  atomic_store(&conn_fd, fd);
  w.fd = fd;
  w.failed = 0;
  w.n = 0;
  /* A client that stops reading must not hold the channel either. */
  struct timeval tv = {.tv_sec = HCU_PROTO_READ_TIMEOUT_MS / 1000,
                       .tv_usec = (HCU_PROTO_READ_TIMEOUT_MS % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  if (peer_allowed(fd, &w)) {
    ssize_t n = read_request(fd, buf, sizeof buf, HCU_PROTO_READ_TIMEOUT_MS,
                             err, sizeof err);
    if (n >= 0 &&
        hcu_parse_request(buf, (size_t)n, &req, err, sizeof err) == HCU_OK) {
      if (req.verb == HCU_VERB_APPLY || req.verb == HCU_VERB_REVERT)
        do_apply(&w, &req.apply);
      else if (req.verb == HCU_VERB_STATUS)
        do_status(&w);
      else
        do_messages(&w);
    } else {
      hcu_log("control: rejected a request: %s", err);
      answer_error(&w, HCU_ERR_PROTOCOL, err);
    }
  }
  /* Request bytes left unread make the kernel reset the connection, which
   * can cost the client our answer: drain what has arrived (bounded). */
  for (int i = 0; i < 16 && recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0; i++)
    ;
  atomic_store(&conn_fd, -1);
  close(fd);
  pthread_mutex_unlock(&handle_lock);
}

/* ---- The channel --------------------------------------------------------*/

static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static int listen_fd = -1;
static dev_t listen_dev;  /* identity of listen_fd's socket, to notice a */
static ino_t listen_ino;  /* program that closed or reused our descriptor */
static pid_t owner_pid;   /* whose socket sock_path is: only it unlinks it */
static pid_t started_pid; /* the process the channel thread runs in */
static int hooks_registered;
static _Thread_local int on_control_thread;

int hcu_is_control_thread(void) { return on_control_thread; }

int hcu_control_check_dir(const char *dir, char *err, size_t errsz) {
  struct stat st;
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    perr(err, errsz, "cannot create socket directory %s: %s", dir,
         strerror(errno));
    return HCU_ERR_CHANNEL;
  }
  /* lstat: a symlink planted by someone else must not redirect us. */
  if (lstat(dir, &st) != 0) {
    perr(err, errsz, "cannot stat socket directory %s: %s", dir,
         strerror(errno));
    return HCU_ERR_CHANNEL;
  }
  if (!S_ISDIR(st.st_mode)) {
    perr(err, errsz, "socket directory %s is not a directory", dir);
    return HCU_ERR_PERMISSION;
  }
  if (st.st_uid != geteuid()) {
    perr(err, errsz,
         "socket directory %s is owned by uid %ld, not by us (uid "
         "%ld)",
         dir, (long)st.st_uid, (long)geteuid());
    return HCU_ERR_PERMISSION;
  }
  if (st.st_mode & 077) {
    perr(err, errsz,
         "socket directory %s is open to group or others (mode "
         "%03o); chmod 700 it",
         dir, (unsigned)(st.st_mode & 0777));
    return HCU_ERR_PERMISSION;
  }
  return HCU_OK;
}

static int channel_fail(int code, const char *what, const char *path) {
  hcu_log("control: no control channel: %s %s: %s", what, path,
          strerror(errno));
  return code;
}

/* Binds and listens on <dir>/<pid>.sock; sets listen_fd and sock_path. */
static int open_listener(void) {
  char dir[PATH_MAX], err[512];
  const char *env = getenv("HCU_RUNTIME_DIR");
  int n = env && *env
              ? snprintf(dir, sizeof dir, "%s", env)
              : snprintf(dir, sizeof dir, "/tmp/hcu-%ld", (long)geteuid());
  if (n < 0 || (size_t)n >= sizeof dir) {
    hcu_log("control: no control channel: HCU_RUNTIME_DIR is too long");
    return HCU_ERR_CHANNEL;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%ld.sock", dir,
               (long)getpid());
  if (n < 0 || (size_t)n >= sizeof addr.sun_path) {
    hcu_log("control: no control channel: socket path in %s is longer than "
            "%zu bytes; set HCU_RUNTIME_DIR to a shorter directory",
            dir, sizeof addr.sun_path - 1);
    return HCU_ERR_CHANNEL;
  }
  int rc = hcu_control_check_dir(dir, err, sizeof err);
  if (rc != HCU_OK) {
    hcu_log("control: no control channel: %s", err);
    return rc;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return channel_fail(HCU_ERR_CHANNEL, "socket for", addr.sun_path);
  /* A socket left by an earlier process with our pid is stale by definition. */
  if (unlink(addr.sun_path) != 0 && errno != ENOENT) {
    close(fd);
    return channel_fail(HCU_ERR_CHANNEL, "cannot remove stale", addr.sun_path);
  }
  struct stat st;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      listen(fd, 8) != 0 || fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return channel_fail(HCU_ERR_CHANNEL, "cannot listen on", addr.sun_path);
  }
  /* The private directory is the guard; owner-only is belt and braces. */
  chmod(addr.sun_path, 0600);
  listen_fd = fd;
  listen_dev = st.st_dev;
  listen_ino = st.st_ino;
  memcpy(sock_path, addr.sun_path, sizeof sock_path);
  owner_pid = getpid();
  return HCU_OK;
}

static int listener_is_ours(void) {
  struct stat st;
  return listen_fd >= 0 && fstat(listen_fd, &st) == 0 &&
         st.st_dev == listen_dev && st.st_ino == listen_ino;
}

static void *control_main(void *arg) {
  (void)arg;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL); /* program signals are not ours */
  on_control_thread = 1;
  int last_errno = 0;
  for (;;) {
    if (!listener_is_ours()) {
      /* Daemons close every descriptor at start-up; the number may now
       * be the program's, so never close it, just open a new socket. */
      hcu_log("control: the channel's descriptor was closed; reopening");
      listen_fd = -1;
      while (open_listener() != HCU_OK)
        sleep(5);
      hcu_log("control: listening again on %s", sock_path);
    }
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) {
      last_errno = 0;
      hcu_control_handle(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED)
      continue;
    if (errno != last_errno) /* one entry per streak, not a flood */
      hcu_log("control: accept failed: %s", strerror(errno));
    last_errno = errno;
    usleep(100 * 1000); /* out of descriptors or memory: back off */
  }
  return NULL;
}

static int start_thread(void) {
  pthread_attr_t attr;
  pthread_t tid;
  sigset_t all, old;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  /* The thread inherits this mask, so no signal can land on it before it
   * blocks them itself. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&tid, &attr, control_main, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    hcu_log("control: no control channel: cannot create its thread: %s",
            strerror(rc));
    close(listen_fd);
    listen_fd = -1;
    unlink(sock_path);
    return HCU_ERR_CHANNEL;
  }
  return HCU_OK;
}

static void remove_socket(void) {
  if (owner_pid == getpid() && sock_path[0])
    unlink(sock_path);
}

/* The child has no control thread and must not answer for its parent: close
 * the inherited descriptors (the parent keeps its own) and open its own
 * channel. */
static void fork_child(void) {
  pthread_mutex_init(&handle_lock, NULL);
  int c = atomic_exchange(&conn_fd, -1);
  if (c >= 0)
    close(c);
  if (listen_fd >= 0)
    close(listen_fd);
  listen_fd = -1;
  started_pid = 0;
  if (hcu_control_start() != HCU_OK)
    hcu_log("control: child %ld has no control channel", (long)getpid());
}

int hcu_control_start(void) {
  hcu_log_init(); /* first, so the log's fork handlers run before ours */
  const char *disable = getenv("HCU_DISABLE");
  if (disable && strcmp(disable, "1") == 0)
    hcu_control_set_updates_enabled(0);
  if (started_pid == getpid())
    return HCU_OK;
  int rc = open_listener();
  if (rc == HCU_OK)
    rc = start_thread();
  if (rc != HCU_OK)
    return rc;
  started_pid = getpid();
  if (!hooks_registered) {
    hooks_registered = 1;
    atexit(remove_socket);
    pthread_atfork(NULL, NULL, fork_child);
  }
  hcu_log("control: listening on %s", sock_path);
  return HCU_OK;
}
