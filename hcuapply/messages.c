/* messages.c: "hcuapply messages": the runtime's recent log, oldest first. */
#include <stdio.h>
#include <string.h>

#include "hcuapply.h"

int cmd_messages(int argc, char **argv) {
  pid_t pid = 0;
  int json, help;
  int rc = parse_pid_options(argc, argv, &pid, &json, &help);
  if (rc != 0 || help) {
    if (help)
      print_usage();
    return rc;
  }
  struct answer ans;
  struct client_error err;
  rc = client_request(pid, "hcu1 messages\n", 10000, &ans, &err);
  if (rc != 0)
    return report_client_error(pid, &err, json);
  if (!ans.ok) {
    rc = report_answer_error(pid, &ans, json);
    answer_free(&ans);
    return rc;
  }
  if (json)
    printf("{\"pid\":%ld,\"ok\":true,\"messages\":[", (long)pid);
  int first = 1;
  for (size_t i = 0; i < ans.n; i++) {
    if (strcmp(ans.keys[i], "line") != 0)
      continue;
    if (!json) {
      puts(ans.values[i]);
      continue;
    }
    if (!first)
      putchar(',');
    json_string(stdout, ans.values[i]);
    first = 0;
  }
  if (json)
    printf("]}\n");
  answer_free(&ans);
  return 0;
}
