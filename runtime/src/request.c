/* request.c: updates a program asks for itself (hcu/hcu.h). The engine must
 * not run on a program thread (that thread has to stop for the update), so
 * the request starts a short-lived runtime thread that applies the patch as
 * the control thread does for hcuapply. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "hcu/hcu.h"
#include "hcu_engine.h"

static void *apply_requested(void *p) {
  struct hcu_apply_request *req = p;
  struct hcu_apply_result *res = calloc(1, sizeof *res);
  if (!res) {
    hcu_log("request: out of memory applying %s", req->path);
  } else {
    int rc = hcu_update_apply(req, res);
    hcu_log("request: update to %s (%s) requested by the program: %s%s%s",
            req->path, req->model == HCU_MODEL_LAZY ? "lazy" : "immediate",
            hcu_error_name(rc), res->message[0] ? ": " : "", res->message);
  }
  free(res);
  free(req);
  return NULL;
}

int hcu_request_update(const char *patch_path, const char *model) {
  if (!hcu_control_updates_enabled()) {
    hcu_log("request: updates are disabled in this process");
    return HCU_ERR_DISABLED;
  }
  if (!patch_path || !*patch_path)
    patch_path = getenv("HCU_UPDATE_PATCH");
  if (!patch_path || !*patch_path) {
    hcu_log("request: no patch named (pass a path or set HCU_UPDATE_PATCH)");
    return HCU_ERR_PATCH_LOAD;
  }
  int m;
  if (model && strcmp(model, "lazy") == 0)
    m = HCU_MODEL_LAZY;
  else if (!model || strcmp(model, "immediate") == 0)
    m = HCU_MODEL_IMMEDIATE;
  else {
    hcu_log("request: update model must be immediate or lazy, not '%s'",
            model);
    return HCU_ERR_PROTOCOL;
  }
  struct hcu_apply_request *req = calloc(1, sizeof *req);
  if (!req)
    return HCU_ERR_NOMEM;
  char abs[PATH_MAX];
  if (!realpath(patch_path, abs) || strlen(abs) >= sizeof req->path) {
    hcu_log("request: cannot use the patch %s: %s", patch_path,
            strerror(errno ? errno : ENAMETOOLONG));
    free(req);
    return HCU_ERR_PATCH_LOAD;
  }
  strcpy(req->path, abs);
  req->model = m;
  hcu_log("request: the program asked for an update to %s", req->path);
  /* The runtime thread must never take the wake signal or the program's
   * signals: it starts with everything blocked. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_t th;
  int rc = pthread_attr_init(&attr);
  if (rc == 0) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&th, &attr, apply_requested, req);
    pthread_attr_destroy(&attr);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    hcu_log("request: cannot start the update thread: %s", strerror(rc));
    free(req);
    return HCU_ERR_NOMEM;
  }
  return HCU_OK; /* req belongs to the thread now */
}
