/* revert.c: "hcuapply revert -p PID": undoes the newest update, using the
 * reverse mapping its patch provides; the process refuses (with the reason)
 * when the patch cannot be undone. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu/hcu_errors.h"
#include "hcu_protocol.h"
#include "hcuapply.h"

#define DEFAULT_WAIT_MS 30000
#define ANSWER_MARGIN_MS 10000

static unsigned long long num(const struct answer *ans, const char *key) {
  const char *v = answer_get(ans, key);
  return v ? strtoull(v, NULL, 10) : 0;
}

static void print_json(pid_t pid, int dry_run, const struct answer *ans) {
  static const char *const nums[] = {"old_version", "new_version", "quiesce_us",
                                     "pause_us",    "nfunctions",  "nframes"};
  printf("{\"pid\":%ld,\"ok\":true,\"revert\":true,\"dry_run\":%s", (long)pid,
         dry_run ? "true" : "false");
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
    printf(",\"%s\":", nums[i]);
    json_number(stdout, answer_get(ans, nums[i]));
  }
  const char *fns = answer_get(ans, "functions");
  const char *msg = answer_get(ans, "message");
  printf(",\"functions\":");
  json_string(stdout, fns ? fns : "");
  printf(",\"message\":");
  json_string(stdout, msg ? msg : "");
  printf("}\n");
}

int cmd_revert(int argc, char **argv) {
  static const struct option opts[] = {
      {"pid", required_argument, NULL, 'p'},
      {"dry-run", no_argument, NULL, 'n'},
      {"timeout", required_argument, NULL, 't'},
      {"json", no_argument, NULL, 'j'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  pid_t pid = 0;
  int c, have_pid = 0, json = 0, dry_run = 0, verbose = 0;
  unsigned timeout_ms = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":p:hv", opts, NULL)) != -1) {
    switch (c) {
    case 'v':
      verbose = 1;
      break;
    case 'p':
      if (parse_pid(optarg, &pid) != 0)
        return usage_error("bad pid '%s'", optarg);
      have_pid = 1;
      break;
    case 'n':
      dry_run = 1;
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
      timeout_ms = (unsigned)v;
      break;
    }
    case 'j':
      json = 1;
      break;
    case 'h':
      print_usage();
      return 0;
    default:
      return option_error(c, argv);
    }
  }
  if (optind < argc)
    return usage_error("revert: unexpected argument '%s' (revert takes no "
                       "patch: it undoes the newest update)",
                       argv[optind]);
  if (!have_pid)
    return usage_error("revert needs -p PID");
  char line[128];
  snprintf(line, sizeof line, "hcu1 revert dry_run=%d timeout_ms=%u%s\n",
           dry_run, timeout_ms,
           progress_setup(verbose, json) ? " progress=1" : "");
  struct answer ans;
  struct client_error err;
  int wait_ms =
      (timeout_ms ? (int)timeout_ms : DEFAULT_WAIT_MS) + ANSWER_MARGIN_MS;
  int rc = client_request(pid, line, wait_ms, &ans, &err);
  if (rc != 0)
    return report_client_error(pid, &err, json);
  if (!ans.ok)
    rc = report_answer_error(pid, &ans, json);
  else if (json)
    print_json(pid, dry_run, &ans);
  else if (dry_run)
    printf("hcuapply: dry run: pid %ld can be reverted from version %llu to "
           "version %llu; %llu function%s would be switched back; process "
           "left unchanged\n",
           (long)pid, num(&ans, "old_version"), num(&ans, "new_version"),
           num(&ans, "nfunctions"), num(&ans, "nfunctions") == 1 ? "" : "s");
  else
    printf("hcuapply: reverted pid %ld from version %llu to version %llu in "
           "%.3f ms pause; %llu function%s switched back: %s\n",
           (long)pid, num(&ans, "old_version"), num(&ans, "new_version"),
           num(&ans, "pause_us") / 1000.0, num(&ans, "nfunctions"),
           num(&ans, "nfunctions") == 1 ? "" : "s",
           answer_get(&ans, "functions") ? answer_get(&ans, "functions") : "");
  answer_free(&ans);
  return rc;
}
