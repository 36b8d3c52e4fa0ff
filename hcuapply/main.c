/* main.c: hcuapply's entry: picks the subcommand from the first argument
 * only, and otherwise treats the command line as "apply". */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hcuapply.h"

#ifndef HCU_VERSION_STRING
#define HCU_VERSION_STRING "unknown"
#endif

static const char usage_text[] =
    "Usage: hcuapply [apply] -p PID [options] PATCH\n"
    "       hcuapply revert -p PID [--dry-run] [--timeout=MS] [--json] [-v]\n"
    "       hcuapply status -p PID [--json]\n"
    "       hcuapply messages -p PID [--json]\n"
    "       hcuapply list [--json]\n"
    "       hcuapply inspect [--json] PATCH\n"
    "       hcuapply --help | --version [--json]\n"
    "\n"
    "Updates a running hcu program to the version in PATCH, reverts its\n"
    "newest update, or asks it about its state; list shows this user's\n"
    "updatable processes. A subcommand is recognised only as the first\n"
    "argument. --json works with every subcommand.\n"
    "\n"
    "Options:\n"
    "  -p, --pid=PID                the process to talk to\n"
    "      --update-model=MODEL     immediate (default): every frame is moved\n"
    "                               to the new version at once; lazy: running\n"
    "                               frames finish in the old version\n"
    "      --dry-run                check the patch and reach quiescence, "
    "then\n"
    "                               roll back: the process keeps its version\n"
    "      --timeout=MS             how long the process may wait for its\n"
    "                               threads to reach an update point\n"
    "      --json                   print one JSON object on stdout\n"
    "  -v, --verbose                apply, revert: progress of slow steps on\n"
    "                               stderr (shown anyway when stderr is a\n"
    "                               terminal; never with --json)\n"
    "  -h, --help                   this text\n"
    "      --version                hcuapply's version and protocol\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  the update or revert failed, was refused (updates disabled,\n"
    "     nothing to revert, no reverse mapping) or rolled back; the\n"
    "     process is untouched\n"
    "  2  usage error, or the patch file cannot be found\n"
    "  3  cannot reach the process: no such pid, no control channel,\n"
    "     permission denied, or no answer in time\n"
    "  4  protocol error: a malformed request or answer\n"
    "\n"
    "Environment:\n"
    "  HCU_RUNTIME_DIR  directory of the control sockets (default\n"
    "                   /tmp/hcu-<uid of the process>)\n"
    "  (in the program's environment: HCU_DISABLE=1 turns updates off,\n"
    "  HCU_FAULT=STEP makes an update step fail for tests; see hcuapply(1))\n";

/* --json anywhere on the command line: errors found before a subcommand
 * can say so are JSON too. */
static int json_wanted;

int usage_error(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "hcuapply: error: %s\nTry 'hcuapply --help'.\n", msg);
  if (json_wanted) {
    printf("{\"ok\":false,\"name\":\"usage\",\"exit\":%d,\"message\":",
           EXIT_USAGE);
    json_string(stdout, msg);
    printf("}\n");
  }
  return EXIT_USAGE;
}

void print_usage(void) { fputs(usage_text, stdout); }

int option_error(int c, char **argv) {
  const char *arg = argv[optind - 1];
  if (c == ':')
    return usage_error("option '%s' needs a value", arg);
  return usage_error("unknown option '%s'", arg);
}

int parse_pid_options(int argc, char **argv, pid_t *pid, int *json, int *help) {
  static const struct option opts[] = {{"pid", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c, have_pid = 0;
  *json = *help = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":p:h", opts, NULL)) != -1) {
    switch (c) {
    case 'p':
      if (parse_pid(optarg, pid) != 0)
        return usage_error("bad pid '%s'", optarg);
      have_pid = 1;
      break;
    case 'j':
      *json = 1;
      break;
    case 'h':
      *help = 1;
      return 0;
    default:
      return option_error(c, argv);
    }
  }
  if (optind < argc)
    return usage_error("%s: unexpected argument '%s'", argv[0], argv[optind]);
  if (!have_pid)
    return usage_error("%s needs -p PID", argv[0]);
  return 0;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    json_wanted |= strcmp(argv[i], "--json") == 0;
  if (argc < 2)
    return usage_error("no arguments");
  const char *first = argv[1];
  if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
    print_usage();
    return 0;
  }
  if (strcmp(first, "--version") == 0) {
    if (json_wanted) {
      printf("{\"ok\":true,\"version\":");
      json_string(stdout, HCU_VERSION_STRING);
      printf(",\"protocol\":\"hcu1\"}\n");
    } else {
      printf("hcuapply (hcu) %s, control protocol hcu1\n",
             HCU_VERSION_STRING);
    }
    return 0;
  }
  /* Subcommands see argv[0] as their name, so getopt starts after it. */
  if (strcmp(first, "apply") == 0)
    return cmd_apply(argc - 1, argv + 1);
  if (strcmp(first, "inspect") == 0)
    return cmd_inspect(argc - 1, argv + 1);
  if (strcmp(first, "list") == 0)
    return cmd_list(argc - 1, argv + 1);
  if (strcmp(first, "revert") == 0)
    return cmd_revert(argc - 1, argv + 1);
  if (strcmp(first, "status") == 0)
    return cmd_status(argc - 1, argv + 1);
  if (strcmp(first, "messages") == 0)
    return cmd_messages(argc - 1, argv + 1);
  return cmd_apply(argc, argv);
}
