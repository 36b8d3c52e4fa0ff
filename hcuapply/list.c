/* list.c: "hcuapply list": the updatable processes of this user, found by
 * their control sockets in the runtime directory. A socket whose process is
 * gone, or that nobody serves, is stale: skipped and counted. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hcuapply.h"

struct entry {
  pid_t pid;
  struct answer ans;
  char comm[64];
};

static int by_pid(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  return (x->pid > y->pid) - (x->pid < y->pid);
}

static void read_comm(pid_t pid, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
  FILE *f = fopen(path, "r");
  buf[0] = '\0';
  if (f) {
    if (fgets(buf, (int)size, f))
      buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
  }
}

static const char *get(const struct answer *a, const char *key) {
  const char *v = answer_get(a, key);
  return v ? v : "";
}

int cmd_list(int argc, char **argv) {
  static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c, json = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (c == 'j') {
      json = 1;
    } else if (c == 'h') {
      print_usage();
      return 0;
    } else {
      return option_error(c, argv);
    }
  }
  if (optind < argc)
    return usage_error("list: unexpected argument '%s'", argv[optind]);

  char dir[4096];
  const char *env = getenv("HCU_RUNTIME_DIR");
  snprintf(dir, sizeof dir, "%s", env && *env ? env : "");
  if (!dir[0])
    snprintf(dir, sizeof dir, "/tmp/hcu-%ld", (long)geteuid());
  struct entry *v = NULL;
  size_t n = 0, cap = 0;
  int stale = 0;
  DIR *d = opendir(dir);
  struct dirent *de;
  while (d && (de = readdir(d))) {
    pid_t pid;
    char num[32];
    const char *dot = strstr(de->d_name, ".sock");
    size_t len = dot ? (size_t)(dot - de->d_name) : 0;
    if (!dot || dot[5] || len == 0 || len >= sizeof num)
      continue;
    memcpy(num, de->d_name, len);
    num[len] = '\0';
    if (parse_pid(num, &pid) != 0)
      continue;
    if (n == cap) {
      size_t ncap = cap ? 2 * cap : 16;
      struct entry *bigger = realloc(v, ncap * sizeof *v);
      if (!bigger)
        break;
      v = bigger;
      cap = ncap;
    }
    struct client_error err;
    if (client_request(pid, "hcu1 status\n", 2000, &v[n].ans, &err) != 0 ||
        !v[n].ans.ok) {
      answer_free(&v[n].ans);
      stale++; /* gone, not listening, or not ours to ask */
      continue;
    }
    v[n].pid = pid;
    read_comm(pid, v[n].comm, sizeof v[n].comm);
    n++;
  }
  if (d)
    closedir(d);
  if (n > 1)
    qsort(v, n, sizeof *v, by_pid);

  if (json) {
    printf("{\"ok\":true,\"dir\":");
    json_string(stdout, dir);
    printf(",\"stale\":%d,\"processes\":[", stale);
  } else if (n == 0) {
    printf("no updatable processes in %s\n", dir);
  } else {
    printf("%-8s %-7s %-8s %-16s %s\n", "PID", "VERSION", "UPDATES", "COMMAND",
           "BUILD ID");
  }
  for (size_t i = 0; i < n; i++) {
    const struct answer *a = &v[i].ans;
    int enabled = strcmp(get(a, "updates_enabled"), "1") == 0;
    if (json) {
      printf("%s{\"pid\":%ld,\"version\":", i ? "," : "", (long)v[i].pid);
      json_number(stdout, answer_get(a, "version"));
      printf(",\"build_id\":");
      json_string(stdout, get(a, "build_id"));
      printf(",\"updates_enabled\":%s,\"command\":",
             enabled ? "true" : "false");
      json_string(stdout, v[i].comm);
      printf("}");
    } else {
      printf("%-8ld %-7s %-8s %-16s %s\n", (long)v[i].pid, get(a, "version"),
             enabled ? "enabled" : "disabled", v[i].comm, get(a, "build_id"));
    }
    answer_free(&v[i].ans);
  }
  if (json)
    printf("]}\n");
  else if (stale)
    printf("(%d stale socket%s skipped)\n", stale, stale == 1 ? "" : "s");
  free(v);
  return 0;
}
