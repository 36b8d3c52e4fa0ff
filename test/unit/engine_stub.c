/* engine_stub.c: stands in for the update engine (update.c) so the control
 * channel can be tested on its own. The tests set the outcome. */
#include <stdio.h>
#include <string.h>

#include "engine_stub.h"

int stub_apply_code = HCU_OK;
int stub_apply_calls;
struct hcu_apply_request stub_last_request;
static int version = 1;

int hcu_update_apply(const struct hcu_apply_request *req,
                     struct hcu_apply_result *res) {
  stub_apply_calls++;
  stub_last_request = *req;
  res->code = stub_apply_code;
  res->old_version = version;
  res->new_version = version + 1;
  res->quiesce_us = 1200;
  res->pause_us = 213;
  if (stub_apply_code == HCU_OK) {
    res->nfunctions = 3;
    res->nframes = 2;
    snprintf(res->functions, sizeof res->functions, "main,serve,next_letter");
    char why[512];
    if (req->prepared && !req->dry_run &&
        !req->prepared(req->prepared_ctx, res, why, sizeof why)) {
      res->new_version = version;
      snprintf(res->message, sizeof res->message, "%s; nothing was changed",
               why);
      return res->code = HCU_ERR_ABORTED;
    }
    snprintf(res->message, sizeof res->message, "updated");
    if (!req->dry_run)
      version++;
  } else {
    snprintf(res->message, sizeof res->message, "stub failure = %d",
             stub_apply_code);
  }
  return stub_apply_code;
}

int hcu_current_version(void) { return version; }

const char *hcu_build_id(void) { return "0123456789abcdef"; }

/* The update history (history.c): empty in these tests. */
struct hcu_history *hcu_history_top(void) { return 0; }
int hcu_history_threads(void) { return 1; }
int hcu_history_unloaded;
struct hcu_history *hcu_history_orphans(void) { return 0; }
