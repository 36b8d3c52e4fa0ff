/* hcuapply.h: what the subcommands of hcuapply share. */
#ifndef HCUAPPLY_H
#define HCUAPPLY_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes; --help and docs/hcuapply.1 list them too. */
enum {
  EXIT_UPDATED = 0,
  EXIT_FAILED = 1,      /* the process refused or rolled back the update */
  EXIT_USAGE = 2,       /* bad options, or the patch file is not there */
  EXIT_UNREACHABLE = 3, /* no such pid, no channel, permission denied */
  EXIT_PROTOCOL = 4     /* the process sent or received a malformed message */
};

/* A decoded answer: "ok" or "error code=N name=X", then key=value lines. */
struct answer {
  int ok;
  int code;
  size_t n;
  char **keys;
  char **values;
};

/* A failure before or outside the process's answer. */
struct client_error {
  int exit_code; /* EXIT_* */
  int code;      /* hcu_error, for --json */
  char message[1024];
};

/* Sends one request line to pid and reads the whole answer, waiting at most
 * timeout_ms. Returns 0, or an EXIT_* code with *err filled. */
int client_request(pid_t pid, const char *line, int timeout_ms,
                   struct answer *ans, struct client_error *err);
const char *answer_get(const struct answer *ans, const char *key);
/* The same in steps, for conversations of several messages: connect (fd, or
 * minus an EXIT_* code), send a line, read one answer (until EOF, or with
 * until_end until its "end" line). 0 or an EXIT_* code with *err filled. */
int client_connect(pid_t pid, struct client_error *err);
int client_send(int fd, pid_t pid, const char *line, struct client_error *err);
int client_read(int fd, pid_t pid, int timeout_ms, int until_end,
                struct answer *ans, struct client_error *err);
void answer_free(struct answer *ans);
/* Called with each progress line a process sends before its answer (apply
 * and revert with progress=1); 0: dropped. */
extern void (*client_progress)(pid_t pid, const char *text);
/* Shows progress on stderr when it is a terminal or with --verbose, never
 * with --json. Returns 1 if progress should be asked for. */
int progress_setup(int verbose, int json);

/* Parses a strictly decimal pid; 0 on success. */
int parse_pid(const char *s, pid_t *pid);

/* JSON output. */
void json_string(FILE *f, const char *s);
/* A number from the answer, printed raw if it is one, as a string if not. */
void json_number(FILE *f, const char *s);

/* Reports a client_error on stderr (and as JSON on stdout with --json);
 * returns its exit code. */
int report_client_error(pid_t pid, const struct client_error *err, int json);
/* Reports an error answer the same way; returns the matching exit code. */
int report_answer_error(pid_t pid, const struct answer *ans, int json);

int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_usage(void);
/* Reports the getopt_long error at argv[optind - 1]; returns EXIT_USAGE. */
int option_error(int c, char **argv);
/* Options of subcommands that take only -p and --json. 0 or EXIT_USAGE. */
int parse_pid_options(int argc, char **argv, pid_t *pid, int *json, int *help);

/* One process's apply answer: a line for people, or a JSON object (no
 * newline). */
void print_apply_human(pid_t pid, int dry_run, const struct answer *ans);
void print_apply_json(pid_t pid, int dry_run, const char *model,
                      const struct answer *ans);

/* A process and the descendants that run the same program (family.c). */
struct family {
  pid_t *pids; /* the process first */
  int n;
  int others; /* descendants running another program: left alone */
};
int family_find(pid_t root, struct family *f);
void family_free(struct family *f);
/* Two-phase apply to every member; request is the apply line with
 * two_phase=1. Prints the per-process report; returns the exit code. */
int family_apply(const struct family *f, const char *request, int wait_ms,
                 const char *model, int dry_run, int json);

int cmd_apply(int argc, char **argv);
int cmd_revert(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_messages(int argc, char **argv);

#endif /* HCUAPPLY_H */
