/* family.c: updating a process together with its forked children.
 *
 * The family of a process is the process and every descendant that runs
 * the same executable (fork children of an hcu program are updatable: each
 * has its own control channel). A descendant that exec'd another program is
 * left alone. The update is two-phase (docs/protocol.md): every member
 * prepares (loads and checks the patch, stops its threads, maps its frames,
 * runs the transformers) and reports "prepared" while it stays stopped;
 * only when all have prepared does every member get "commit". If one cannot
 * prepare, every prepared member gets "abort" and rolls back: no process
 * changes version. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hcu/hcu_errors.h"
#include "hcu_protocol.h"
#include "hcuapply.h"

/* ---- Finding the family --------------------------------------------------*/

struct proc {
  pid_t pid, ppid;
};

/* The parent from /proc/PID/stat: "pid (comm) state ppid ...", where comm
 * may hold spaces and parentheses, so parse after the last ')'. */
static pid_t ppid_of(const char *pid) {
  char path[300], buf[512];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *rp = strrchr(buf, ')');
  char state;
  long ppid;
  if (!rp || sscanf(rp + 1, " %c %ld", &state, &ppid) != 2)
    return -1;
  return state == 'Z' || state == 'X' ? -1 : (pid_t)ppid; /* zombies: gone */
}

static int exe_of(pid_t pid, struct stat *st) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/exe", (long)pid);
  return stat(path, st);
}

static int list_procs(struct proc **out, size_t *count) {
  DIR *d = opendir("/proc");
  if (!d)
    return -1;
  size_t n = 0, cap = 256;
  struct proc *v = malloc(cap * sizeof *v);
  struct dirent *e;
  while (v && (e = readdir(d))) {
    pid_t pid;
    if (parse_pid(e->d_name, &pid) != 0)
      continue;
    pid_t pp = ppid_of(e->d_name);
    if (pp <= 0)
      continue;
    if (n == cap) {
      struct proc *w = realloc(v, 2 * cap * sizeof *v);
      if (!w) {
        free(v);
        v = NULL;
        break;
      }
      v = w;
      cap *= 2;
    }
    v[n].pid = pid;
    v[n].ppid = pp;
    n++;
  }
  closedir(d);
  if (!v)
    return -1;
  *out = v;
  *count = n;
  return 0;
}

int family_find(pid_t root, struct family *f) {
  memset(f, 0, sizeof *f);
  struct stat rst;
  struct proc *ps = NULL;
  size_t np = 0;
  f->pids = malloc(sizeof *f->pids);
  if (!f->pids)
    return -1;
  f->pids[0] = root;
  f->n = 1;
  /* Not our business to diagnose here: apply reports an unreachable root. */
  if (exe_of(root, &rst) != 0 || list_procs(&ps, &np) != 0)
    return 0;
  /* Breadth first through every descendant; pids[] doubles as the queue of
   * members, others[] holds descendants of another program (their own
   * children are still looked at: they may have been forked before it). */
  pid_t *queue = malloc((np + 1) * sizeof *queue);
  if (!queue) {
    free(ps);
    return -1;
  }
  size_t qh = 0, qt = 0;
  queue[qt++] = root;
  while (qh < qt) {
    pid_t parent = queue[qh++];
    for (size_t i = 0; i < np; i++) {
      if (ps[i].ppid != parent || qt > np)
        continue;
      queue[qt++] = ps[i].pid;
      struct stat st;
      if (exe_of(ps[i].pid, &st) == 0 && st.st_dev == rst.st_dev &&
          st.st_ino == rst.st_ino) {
        pid_t *w = realloc(f->pids, (size_t)(f->n + 1) * sizeof *w);
        if (!w)
          break;
        f->pids = w;
        f->pids[f->n++] = ps[i].pid;
      } else {
        f->others++;
      }
    }
  }
  free(queue);
  free(ps);
  return 0;
}

void family_free(struct family *f) {
  free(f->pids);
  memset(f, 0, sizeof *f);
}

/* ---- The two phases --------------------------------------------------------*/

struct member {
  pid_t pid;
  int fd;
  int prepared;          /* answered "prepared" and waits for the decision */
  int failed;            /* EXIT_* of this member's failure, 0 if none */
  int code;              /* hcu_error of the failure */
  char message[1024];    /* its reason */
  struct answer ans;     /* the final answer (if any) */
  int have_ans;
};

static void member_fail(struct member *m, int exit_code, int code,
                        const char *msg) {
  m->failed = exit_code;
  m->code = code;
  snprintf(m->message, sizeof m->message, "%s", msg);
}

static void member_fail_answer(struct member *m, const struct answer *a) {
  const char *msg = answer_get(a, "message");
  int exit_code = a->code == HCU_ERR_PROTOCOL ? EXIT_PROTOCOL
                  : a->code == HCU_ERR_PERMISSION ||
                          a->code == HCU_ERR_NO_PROCESS ||
                          a->code == HCU_ERR_CHANNEL
                      ? EXIT_UNREACHABLE
                      : EXIT_FAILED;
  member_fail(m, exit_code, a->code,
              msg && *msg ? msg : hcu_strerror(a->code));
}

static void close_member(struct member *m) {
  if (m->fd >= 0)
    close(m->fd);
  m->fd = -1;
}

/* A coordinator's line of progress, beside the processes' own. */
static void note(pid_t pid, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(pid_t pid, const char *fmt, ...) {
  if (!client_progress)
    return;
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  client_progress(pid, text);
}

/* Phase one: every member gets the request at once (they stop their threads
 * in parallel), then each "prepared" answer is awaited in turn. */
static void prepare_all(struct member *ms, int n, const char *request,
                        int wait_ms) {
  struct client_error err;
  int reachable = 1;
  for (int i = 0; i < n; i++) {
    struct member *m = &ms[i];
    int fd = client_connect(m->pid, &err);
    if (fd < 0) {
      member_fail(m, -fd, err.code, err.message);
      reachable = 0;
    }
    m->fd = fd;
  }
  for (int i = 0; i < n; i++) {
    struct member *m = &ms[i];
    if (m->fd < 0)
      continue;
    if (!reachable) { /* stop nobody if one cannot take part */
      close_member(m);
      continue;
    }
    if (client_send(m->fd, m->pid, request, &err) != 0) {
      member_fail(m, err.exit_code, err.code, err.message);
      close_member(m);
    }
  }
  for (int i = 0; i < n; i++) {
    struct member *m = &ms[i];
    if (m->fd < 0)
      continue;
    struct answer a;
    if (client_read(m->fd, m->pid, wait_ms, 1, &a, &err) != 0) {
      member_fail(m, err.exit_code, err.code, err.message);
      close_member(m);
      continue;
    }
    const char *phase = answer_get(&a, "phase");
    if (!a.ok) {
      member_fail_answer(m, &a);
      m->ans = a; /* how far it got */
      m->have_ans = 1;
      close_member(m);
    } else if (!phase || strcmp(phase, "prepared") != 0) {
      member_fail(m, EXIT_PROTOCOL, HCU_ERR_PROTOCOL,
                  "answered without preparing (a runtime that does not "
                  "know two-phase updates?)");
      answer_free(&a);
      close_member(m);
    } else {
      m->prepared = 1;
      answer_free(&a);
      note(m->pid, "prepared (%d of %d processes); its threads wait for the "
                   "decision",
           i + 1, n);
    }
  }
}

/* A process forked after the family was listed (before its parent stopped)
 * would keep the old version: the update must not commit without it. */
static pid_t newcomer(const struct family *f) {
  struct family now;
  if (family_find(f->pids[0], &now) != 0)
    return 0;
  pid_t found = 0;
  for (int i = 1; i < now.n && !found; i++) {
    int known = 0;
    for (int j = 0; j < f->n && !known; j++)
      known = now.pids[i] == f->pids[j];
    if (!known)
      found = now.pids[i];
  }
  family_free(&now);
  return found;
}

/* Phase two: the same decision to every prepared member, then its final
 * answer. */
static void decide_all(struct member *ms, int n, int commit,
                       const char *reason, int wait_ms) {
  char line[1024], enc[3 * 300 + 1];
  if (commit)
    snprintf(line, sizeof line, "%s commit\n", HCU_PROTO_MAGIC);
  else if (hcu_pct_encode(reason, enc, sizeof enc) >= 0)
    snprintf(line, sizeof line, "%s abort reason=%s\n", HCU_PROTO_MAGIC, enc);
  else
    snprintf(line, sizeof line, "%s abort\n", HCU_PROTO_MAGIC);
  struct client_error err;
  for (int i = 0; i < n; i++) {
    struct member *m = &ms[i];
    if (!m->prepared || m->fd < 0)
      continue;
    if (commit)
      note(m->pid, "committing");
    else
      note(m->pid, "aborting: %s", reason);
    if (client_send(m->fd, m->pid, line, &err) != 0) {
      /* It rolls back by itself when the connection goes away. */
      member_fail(m, err.exit_code, err.code, err.message);
      close_member(m);
    } else {
      shutdown(m->fd, SHUT_WR);
    }
  }
  for (int i = 0; i < n; i++) {
    struct member *m = &ms[i];
    if (!m->prepared || m->fd < 0)
      continue;
    if (client_read(m->fd, m->pid, wait_ms, 0, &m->ans, &err) != 0) {
      member_fail(m, err.exit_code, err.code, err.message);
    } else {
      m->have_ans = 1;
      if (!m->ans.ok && !m->failed)
        member_fail_answer(m, &m->ans);
    }
    close_member(m);
  }
}

/* ---- Report -----------------------------------------------------------------*/

static void json_member(const struct member *m, const char *model,
                        int dry_run) {
  if (!m->failed && m->have_ans) {
    print_apply_json(m->pid, dry_run, model, &m->ans);
    return;
  }
  printf("{\"pid\":%ld,\"ok\":false,\"code\":%d,\"name\":", (long)m->pid,
         m->code);
  json_string(stdout, hcu_error_name(m->code));
  printf(",\"message\":");
  json_string(stdout, m->message);
  printf("}");
}

static void report(const struct family *f, const struct member *ms,
                   const struct member *culprit, int committed,
                   const char *summary, const char *model, int dry_run,
                   int json) {
  int n = f->n;
  if (json) {
    printf("{\"pid\":%ld,\"ok\":%s,", (long)f->pids[0],
           committed && !culprit ? "true" : "false");
    if (culprit) {
      printf("\"code\":%d,\"name\":", culprit->code);
      json_string(stdout, hcu_error_name(culprit->code));
      printf(",");
    }
    printf("\"message\":");
    json_string(stdout, summary);
    printf(",\"processes\":[");
    for (int i = 0; i < n; i++) {
      if (i)
        putchar(',');
      json_member(&ms[i], model, dry_run);
    }
    printf("]}\n");
  }
  FILE *out = committed && !culprit ? stdout : stderr;
  if (culprit)
    fprintf(stderr, "hcuapply: error: %s: %s\n",
            hcu_error_name(culprit->code), summary);
  else if (!json)
    printf("hcuapply: %s\n", summary);
  if (json)
    return;
  for (int i = 0; i < n; i++) {
    const struct member *m = &ms[i];
    fflush(stdout);
    if (!m->failed && m->have_ans && m->ans.ok) {
      print_apply_human(m->pid, dry_run, &m->ans);
    } else {
      fprintf(out, "hcuapply: pid %ld: %s: %s\n", (long)m->pid,
              hcu_error_name(m->code), m->message);
    }
  }
}

int family_apply(const struct family *f, const char *request, int wait_ms,
                 const char *model, int dry_run, int json) {
  int n = f->n;
  struct member *ms = calloc((size_t)n, sizeof *ms);
  if (!ms) {
    fprintf(stderr, "hcuapply: error: out of memory\n");
    return EXIT_FAILED;
  }
  for (int i = 0; i < n; i++) {
    ms[i].pid = f->pids[i];
    ms[i].fd = -1;
  }
  prepare_all(ms, n, request, wait_ms);

  const struct member *culprit = NULL;
  for (int i = 0; i < n && !culprit; i++)
    if (ms[i].failed)
      culprit = &ms[i];
  char reason[512] = "";
  pid_t late = culprit ? 0 : newcomer(f);
  if (culprit)
    snprintf(reason, sizeof reason, "pid %ld could not prepare (%s)",
             (long)culprit->pid, hcu_error_name(culprit->code));
  else if (late)
    snprintf(reason, sizeof reason,
             "pid %ld was forked during the update and is not part of it; "
             "apply again",
             (long)late);
  else if (dry_run)
    snprintf(reason, sizeof reason, "dry run");
  /* A dry run is never committed: every member rolls back. */
  decide_all(ms, n, !culprit && !late && !dry_run, reason, wait_ms);

  /* The outcome. A member that failed after the decision to commit means
   * the group is split: say so loudly. */
  int committed = 0, failed_after = 0;
  for (int i = 0; i < n; i++) {
    if (ms[i].have_ans && ms[i].ans.ok)
      committed++;
    else if (!culprit && !late)
      failed_after++;
  }
  char summary[1400];
  int rc = EXIT_UPDATED;
  const char *old_v = n && ms[0].have_ans ? answer_get(&ms[0].ans, "old_version") : NULL;
  const char *new_v = n && ms[0].have_ans ? answer_get(&ms[0].ans, "new_version") : NULL;
  if (culprit) {
    snprintf(summary, sizeof summary,
             "pid %ld could not prepare the update: %s; no process of the "
             "%d changed version",
             (long)culprit->pid, culprit->message, n);
    rc = culprit->failed;
  } else if (late) {
    static struct member fake;
    fake.code = HCU_ERR_ABORTED;
    culprit = &fake;
    snprintf(summary, sizeof summary, "%s; no process of the %d changed version",
             reason, n);
    rc = EXIT_FAILED;
  } else if (failed_after) {
    for (int i = 0; i < n && !culprit; i++)
      if (!(ms[i].have_ans && ms[i].ans.ok))
        culprit = &ms[i];
    if (dry_run)
      snprintf(summary, sizeof summary,
               "dry run: %d of %d processes confirmed their rollback; pid %ld "
               "did not: %s",
               committed, n, (long)culprit->pid, culprit->message);
    else
      snprintf(summary, sizeof summary,
               "the update was committed in %d of %d processes; pid %ld did "
               "not confirm: %s",
               committed, n, (long)culprit->pid, culprit->message);
    rc = culprit->failed ? culprit->failed : EXIT_FAILED;
  } else if (dry_run) {
    snprintf(summary, sizeof summary,
             "dry run: %d processes (pid %ld and %d descendant%s) can be "
             "updated from version %s to version %s; each prepared in full "
             "and rolled back",
             n, (long)f->pids[0], n - 1, n - 1 == 1 ? "" : "s",
             old_v ? old_v : "?", new_v ? new_v : "?");
  } else {
    char others[96] = "";
    if (f->others)
      snprintf(others, sizeof others,
               "; %d descendant%s running another program left alone",
               f->others, f->others == 1 ? "" : "s");
    snprintf(summary, sizeof summary,
             "updated %d processes (pid %ld and %d descendant%s) from version "
             "%s to version %s%s",
             n, (long)f->pids[0], n - 1, n - 1 == 1 ? "" : "s",
             old_v ? old_v : "?", new_v ? new_v : "?", others);
  }
  report(f, ms, culprit, committed == n, summary, model, dry_run, json);
  for (int i = 0; i < n; i++)
    answer_free(&ms[i].ans);
  free(ms);
  return rc;
}
