/* test_hook.c: linked into the test program (never instrumented). When
 * HCU_TEST_APPLY is set, a thread of its own calls the update engine directly
 * for each comma-separated entry "[dry:|stall:]PATH", HCU_TEST_DELAY_MS
 * (default 150) apart, and prints one line per outcome:
 *   hook: <name> -> <HCU_ERROR_NAME> version=<old>-><new> frames=<n>: <message>
 * "stall:" holds stdout's lock for 100 ms first and applies with a 50 ms
 * timeout: the program blocks in printf, outside any update point.
 * This stands in for hcuapply and the control channel. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hcu_internal.h"

static void *hook_main(void *arg) {
  char *spec = arg, *save = NULL;
  const char *d = getenv("HCU_TEST_DELAY_MS");
  unsigned delay = d ? (unsigned)strtoul(d, NULL, 10) : 150;
  static struct hcu_apply_request req;
  static struct hcu_apply_result res;
  for (char *tok = strtok_r(spec, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    usleep(delay * 1000);
    memset(&req, 0, sizeof req);
    memset(&res, 0, sizeof res);
    req.dry_run = strncmp(tok, "dry:", 4) == 0;
    int stall = strncmp(tok, "stall:", 6) == 0;
    snprintf(req.path, sizeof req.path, "%s",
             tok + (req.dry_run ? 4 : stall ? 6 : 0));
    if (stall) {
      flockfile(stdout);
      usleep(100 * 1000);
      req.timeout_ms = 50;
    }
    int rc = hcu_update_apply(&req, &res);
    const char *base = strrchr(req.path, '/');
    printf("hook: %s%s -> %s version=%d->%d frames=%d: %s\n",
           req.dry_run ? "dry:" : stall ? "stall:" : "",
           base ? base + 1 : req.path,
           hcu_error_name(rc), res.old_version, res.new_version, res.nframes,
           res.message);
    fflush(stdout);
    if (stall)
      funlockfile(stdout);
  }
  free(spec);
  return NULL;
}

__attribute__((constructor(200))) static void hook_start(void) {
  const char *spec = getenv("HCU_TEST_APPLY");
  if (!spec || !*spec)
    return;
  char *copy = strdup(spec);
  pthread_t t;
  if (!copy || pthread_create(&t, NULL, hook_main, copy) != 0) {
    fprintf(stderr, "test_hook: cannot start\n");
    free(copy);
    return;
  }
  pthread_detach(t);
}
