/* status.c: "hcuapply status": the process's version, build and last update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu/hcu_errors.h"
#include "hcuapply.h"

static const char *const result_keys[] = {
    "old_version", "new_version", "quiesce_us", "pause_us",
    "nfunctions",  "nframes",     "code"};

static const char *get(const struct answer *ans, const char *key) {
  const char *v = answer_get(ans, key);
  return v ? v : "";
}

/* Why the patch of a superseded version stays loaded ("kept" lines:
 * "<version> <reason>"), or 0. */
static const char *kept_reason(const struct answer *ans, const char *version) {
  size_t n = strlen(version);
  for (size_t i = 0; i < ans->n; i++)
    if (strcmp(ans->keys[i], "kept") == 0 &&
        strncmp(ans->values[i], version, n) == 0 && ans->values[i][n] == ' ')
      return ans->values[i] + n + 1;
  return NULL;
}

/* Answer line i if it is a "reverted_kept" one ("<version> <patch>\t<why>"):
 * fills version and rest (the patch) and returns the reason; else 0. */
static const char *reverted_kept(const struct answer *ans, size_t i,
                                 char version[16], char rest[4400]) {
  if (strcmp(ans->keys[i], "reverted_kept") != 0 ||
      sscanf(ans->values[i], "%15s %4399[^\n]", version, rest) != 2)
    return NULL;
  char *tab = strchr(rest, '\t');
  if (!tab)
    return "";
  *tab = '\0';
  return tab + 1;
}

static void print_json(pid_t pid, const struct answer *ans) {
  char key[64];
  printf("{\"pid\":%ld,\"ok\":true,\"version\":", (long)pid);
  json_number(stdout, answer_get(ans, "version"));
  printf(",\"build_id\":");
  json_string(stdout, get(ans, "build_id"));
  printf(",\"updates_enabled\":%s,\"model\":",
         strcmp(get(ans, "updates_enabled"), "1") == 0 ? "true" : "false");
  json_string(stdout, get(ans, "model"));
  printf(",\"threads\":");
  json_number(stdout, answer_get(ans, "threads"));
  printf(",\"history\":[");
  int first = 1;
  for (size_t i = 0; i < ans->n; i++) {
    char version[16], when[40], patch[4096];
    if (strcmp(ans->keys[i], "history") != 0 ||
        sscanf(ans->values[i], "%15s %39s %4095[^\n]", version, when,
               patch) != 3)
      continue;
    printf("%s{\"version\":", first ? "" : ",");
    json_number(stdout, version);
    printf(",\"when\":");
    json_string(stdout, when);
    printf(",\"patch\":");
    json_string(stdout, patch);
    const char *kept = kept_reason(ans, version);
    printf(",\"kept\":");
    if (kept)
      json_string(stdout, kept);
    else
      printf("null");
    printf("}");
    first = 0;
  }
  printf("],\"reverted_kept\":[");
  first = 1;
  for (size_t i = 0; i < ans->n; i++) {
    char version[16], rest[4400];
    const char *tab = reverted_kept(ans, i, version, rest);
    if (!tab)
      continue;
    printf("%s{\"version\":", first ? "" : ",");
    json_number(stdout, version);
    printf(",\"patch\":");
    json_string(stdout, rest);
    printf(",\"kept\":");
    json_string(stdout, tab);
    printf("}");
    first = 0;
  }
  printf("],\"unloaded\":");
  json_number(stdout, answer_get(ans, "unloaded"));
  printf(",\"last_update\":");
  if (strcmp(get(ans, "last_update"), "1") != 0) {
    printf("null}\n");
    return;
  }
  printf("{\"ok\":%s,\"name\":",
         strcmp(get(ans, "last_code"), "0") == 0 ? "true" : "false");
  json_string(stdout, get(ans, "last_name"));
  printf(",\"dry_run\":%s",
         strcmp(get(ans, "last_dry_run"), "1") == 0 ? "true" : "false");
  for (size_t i = 0; i < sizeof result_keys / sizeof *result_keys; i++) {
    snprintf(key, sizeof key, "last_%s", result_keys[i]);
    printf(",\"%s\":", result_keys[i]);
    json_number(stdout, answer_get(ans, key));
  }
  printf(",\"functions\":");
  json_string(stdout, get(ans, "last_functions"));
  printf(",\"message\":");
  json_string(stdout, get(ans, "last_message"));
  printf("}}\n");
}

static void print_human(pid_t pid, const struct answer *ans) {
  int enabled = strcmp(get(ans, "updates_enabled"), "1") == 0;
  printf("pid %ld: version %s, build id %s, updates %s\n", (long)pid,
         get(ans, "version"),
         *get(ans, "build_id") ? get(ans, "build_id") : "(none)",
         enabled ? "enabled" : "disabled");
  printf("model: %s, threads: %s\n", get(ans, "model"), get(ans, "threads"));
  int any = 0;
  for (size_t i = 0; i < ans->n; i++)
    if (strcmp(ans->keys[i], "history") == 0) {
      if (!any)
        printf("updates in effect (oldest first):\n");
      char version[16], when[40], patch[4096];
      if (sscanf(ans->values[i], "%15s %39s %4095[^\n]", version, when,
                 patch) == 3) {
        printf("  version %s, applied %s from %s\n", version, when, patch);
        const char *kept = kept_reason(ans, version);
        if (kept)
          printf("    superseded but kept loaded: %s\n", kept);
      }
      any = 1;
    }
  if (!any)
    printf("updates in effect: none (running the version it was started "
           "with)\n");
  for (size_t i = 0; i < ans->n; i++) {
    char version[16], rest[4400];
    const char *tab = reverted_kept(ans, i, version, rest);
    if (tab)
      printf("reverted but kept loaded: version %s from %s: %s\n", version,
             rest, tab);
  }
  const char *unloaded = get(ans, "unloaded");
  if (*unloaded && strcmp(unloaded, "0") != 0)
    printf("patches unloaded (superseded, unused): %s\n", unloaded);
  if (strcmp(get(ans, "last_update"), "1") != 0) {
    printf("last update: none\n");
    return;
  }
  const char *what =
      strcmp(get(ans, "last_dry_run"), "1") == 0 ? "dry run" : "update";
  if (strcmp(get(ans, "last_code"), "0") == 0)
    printf("last %s: succeeded, version %s -> %s, pause %.3f ms, %s "
           "functions, %s frames\n",
           what, get(ans, "last_old_version"), get(ans, "last_new_version"),
           strtoull(get(ans, "last_pause_us"), NULL, 10) / 1000.0,
           get(ans, "last_nfunctions"), get(ans, "last_nframes"));
  else
    printf("last %s: failed: %s: %s\n", what, get(ans, "last_name"),
           get(ans, "last_message"));
}

int cmd_status(int argc, char **argv) {
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
  rc = client_request(pid, "hcu1 status\n", 10000, &ans, &err);
  if (rc != 0)
    return report_client_error(pid, &err, json);
  if (!ans.ok)
    rc = report_answer_error(pid, &ans, json);
  else if (json)
    print_json(pid, &ans);
  else
    print_human(pid, &ans);
  answer_free(&ans);
  return rc;
}
