/* apply.c: "hcuapply [apply] -p PID PATCH": asks the process to update. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hcu/hcu_errors.h"
#include "hcu_protocol.h"
#include "hcuapply.h"

/* Waiting for the answer covers the process's own quiescence timeout. The
 * runtime's default is not known here, so assume a generous one. */
#define DEFAULT_WAIT_MS 30000
#define ANSWER_MARGIN_MS 10000

struct apply_options {
  pid_t pid;
  const char *patch;
  const char *model;
  int dry_run;
  unsigned timeout_ms; /* 0: the runtime's default */
  int json;
  int verbose;
  int help;
};

static int parse_options(int argc, char **argv, struct apply_options *o) {
  static const struct option opts[] = {
      {"pid", required_argument, NULL, 'p'},
      {"update-model", required_argument, NULL, 'm'},
      {"dry-run", no_argument, NULL, 'n'},
      {"timeout", required_argument, NULL, 't'},
      {"json", no_argument, NULL, 'j'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int c, have_pid = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":p:hv", opts, NULL)) != -1) {
    switch (c) {
    case 'v':
      o->verbose = 1;
      break;
    case 'p':
      if (parse_pid(optarg, &o->pid) != 0)
        return usage_error("bad pid '%s'", optarg);
      have_pid = 1;
      break;
    case 'm':
      if (strcmp(optarg, "immediate") != 0 && strcmp(optarg, "lazy") != 0)
        return usage_error("--update-model must be immediate or lazy, not "
                           "'%s'",
                           optarg);
      o->model = optarg;
      break;
    case 'n':
      o->dry_run = 1;
      break;
    case 't': {
      char *end;
      errno = 0;
      unsigned long v = strtoul(optarg, &end, 10);
      if (optarg[0] < '0' || optarg[0] > '9' || *end || errno ||
          v > HCU_PROTO_MAX_TIMEOUT_MS)
        return usage_error("--timeout must be milliseconds between 0 and %u, "
                           "not '%s'",
                           HCU_PROTO_MAX_TIMEOUT_MS, optarg);
      o->timeout_ms = (unsigned)v;
      break;
    }
    case 'j':
      o->json = 1;
      break;
    case 'h':
      o->help = 1;
      return 0;
    default:
      return option_error(c, argv);
    }
  }
  if (optind == argc)
    return usage_error("no PATCH given");
  if (optind + 1 < argc)
    return usage_error("one PATCH only (unexpected '%s')", argv[optind + 1]);
  if (!have_pid)
    return usage_error("apply needs -p PID");
  o->patch = argv[optind];
  return 0;
}

/* "main,serve" -> "main, serve" */
static void print_list(const char *csv) {
  for (; *csv; csv++) {
    if (*csv == ',')
      fputs(", ", stdout);
    else
      putchar(*csv);
  }
}

static unsigned long long num(const struct answer *ans, const char *key) {
  const char *v = answer_get(ans, key);
  return v ? strtoull(v, NULL, 10) : 0;
}

/* Set by the apply command for a lazy update: its report names no rebuilt
 * frames (family.c's reports are immediate). */
static int lazy_report;

void print_apply_human(pid_t pid, int dry_run, const struct answer *ans) {
  const char *fns = answer_get(ans, "functions");
  unsigned long long nfn = num(ans, "nfunctions"), nfr = num(ans, "nframes");
  double pause_ms = num(ans, "pause_us") / 1000.0;
  double quiesce_ms = num(ans, "quiesce_us") / 1000.0;
  if (dry_run)
    printf("hcuapply: dry run: pid %ld can be updated from version %llu to "
           "version %llu (quiescence %.1f ms, pause %.3f ms); %llu function%s "
           "would be switched",
           (long)pid, num(ans, "old_version"), num(ans, "new_version"),
           quiesce_ms, pause_ms, nfn, nfn == 1 ? "" : "s");
  else
    printf("hcuapply: updated pid %ld from version %llu to version %llu in "
           "%.3f ms pause (quiescence %.1f ms); %llu function%s switched",
           (long)pid, num(ans, "old_version"), num(ans, "new_version"),
           pause_ms, quiesce_ms, nfn, nfn == 1 ? "" : "s");
  if (fns && *fns) {
    fputs(": ", stdout);
    print_list(fns);
  }
  if (lazy_report)
    printf("; lazy: running frames finish in their old code%s\n",
           dry_run ? "; process left unchanged" : "");
  else
    printf("; %llu frame%s %s\n", nfr, nfr == 1 ? "" : "s",
           dry_run ? "would be rebuilt; process left unchanged" : "rebuilt");
}

void print_apply_json(pid_t pid, int dry_run, const char *model,
                      const struct answer *ans) {
  static const char *const nums[] = {"old_version", "new_version", "quiesce_us",
                                     "pause_us",    "nfunctions",  "nframes"};
  printf("{\"pid\":%ld,\"ok\":true,\"dry_run\":%s,\"model\":", (long)pid,
         dry_run ? "true" : "false");
  json_string(stdout, model);
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
    printf(",\"%s\":", nums[i]);
    json_number(stdout, answer_get(ans, nums[i]));
  }
  printf(",\"functions\":[");
  const char *fns = answer_get(ans, "functions");
  for (const char *p = fns && *fns ? fns : NULL; p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char name[512];
    snprintf(name, sizeof name, "%.*s", (int)len, p);
    json_string(stdout, name);
    p = comma ? comma + 1 : NULL;
    if (p)
      putchar(',');
  }
  printf("],\"message\":");
  const char *msg = answer_get(ans, "message");
  json_string(stdout, msg ? msg : "");
  printf("}");
}

/* The request carries an absolute path: the process's cwd is not ours. */
static int resolve_patch(const char *patch, char *abs) {
  struct stat st;
  if (!realpath(patch, abs) || stat(abs, &st) != 0) {
    fprintf(stderr, "hcuapply: error: patch file '%s': %s\n", patch,
            strerror(errno));
    return EXIT_USAGE;
  }
  if (!S_ISREG(st.st_mode)) {
    fprintf(stderr, "hcuapply: error: patch '%s' is not a regular file\n",
            patch);
    return EXIT_USAGE;
  }
  return 0;
}

int cmd_apply(int argc, char **argv) {
  struct apply_options o = {.model = "immediate"};
  int rc = parse_options(argc, argv, &o);
  if (rc != 0 || o.help) {
    if (o.help)
      print_usage();
    return rc;
  }
  char abs[PATH_MAX], enc[3 * PATH_MAX + 1];
  static char line[HCU_PROTO_MAX_REQUEST + 3 * PATH_MAX];
  if ((rc = resolve_patch(o.patch, abs)) != 0)
    return rc;
  int progress = progress_setup(o.verbose, o.json);
  int n = hcu_pct_encode(abs, enc, sizeof enc) < 0
              ? -1
              : snprintf(line, sizeof line,
                         "hcu1 apply path=%s model=%s dry_run=%d "
                         "timeout_ms=%u%s\n",
                         enc, o.model, o.dry_run, o.timeout_ms,
                         progress ? " progress=1" : "");
  if (n < 0 || n > HCU_PROTO_MAX_REQUEST)
    return usage_error("the patch path is too long for a request (%d bytes "
                       "at most, encoded)",
                       HCU_PROTO_MAX_REQUEST);

  struct answer ans;
  struct client_error err;
  int wait_ms =
      (o.timeout_ms ? (int)o.timeout_ms : DEFAULT_WAIT_MS) + ANSWER_MARGIN_MS;
  /* With forked children running the same program: all or none (family.c).
   * A dry run prepares every one of them in full, then rolls all back. */
  struct family fam;
  if (family_find(o.pid, &fam) == 0) {
    if (fam.n > 1) {
      line[n - 1] = '\0'; /* the newline */
      static char two[sizeof line + 16];
      snprintf(two, sizeof two, "%s two_phase=1\n", line);
      rc = strlen(two) > HCU_PROTO_MAX_REQUEST
               ? usage_error("the patch path is too long for a request")
               : family_apply(&fam, two, wait_ms, o.model, o.dry_run, o.json);
      family_free(&fam);
      return rc;
    }
    family_free(&fam);
  }
  rc = client_request(o.pid, line, wait_ms, &ans, &err);
  if (rc != 0)
    return report_client_error(o.pid, &err, o.json);
  if (!ans.ok)
    rc = report_answer_error(o.pid, &ans, o.json);
  else if (o.json) {
    print_apply_json(o.pid, o.dry_run, o.model, &ans);
    putchar('\n');
  } else {
    lazy_report = strcmp(o.model, "lazy") == 0;
    print_apply_human(o.pid, o.dry_run, &ans);
  }
  answer_free(&ans);
  return rc;
}
