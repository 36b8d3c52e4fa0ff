/* hcu/hcu.h: the few calls a program built with hcu-cc may make itself.
 * None is needed: a program updates without any source change.
 *
 * UpStare lets a program ask for its own update with
 * HCU_STATIC_REQUEST_UPDATE_LAZY() or HCU_STATIC_REQUEST_UPDATE_IMMEDIATE().
 * In hcu the program also names the patch to apply:
 *
 *   HCU_STATIC_REQUEST_UPDATE_IMMEDIATE()           the patch in $HCU_UPDATE_PATCH
 *   HCU_STATIC_REQUEST_UPDATE_LAZY("/opt/v2.so")    this patch (a string literal)
 *   hcu_request_update(path, "lazy")               a path computed at run time
 *
 * The request is asynchronous: a runtime thread applies the patch exactly as
 * `hcuapply -p PID PATCH --update-model=...` would, and the calling thread
 * stops for it at its next update point. The outcome goes to the runtime log
 * (`hcuapply messages`).
 */
#ifndef HCU_H
#define HCU_H

/* A call into the runtime is not a continuation point (hcu-transform leaves
 * calls of system-header functions alone): the requesting thread stops at
 * its next update point, one that the new version has too. */
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

/* Turns updates of this process off (0) or back on (nonzero), e.g. around a
 * phase that must not be updated; returns the previous setting. While off,
 * hcuapply apply and revert are refused with HCU_ERR_DISABLED (exit 1) and
 * hcuapply status says "updates disabled". HCU_DISABLE=1 in the environment
 * starts the process with updates off. */
int hcu_set_updates_enabled(int enabled);

/* Starts an update to the patch at patch_path (NULL or "": the path in
 * $HCU_UPDATE_PATCH) with model "immediate" or "lazy". Returns 0 (HCU_OK)
 * once the update has been started, or an hcu_error code (hcu_errors.h) when
 * it could not be: no patch named, the file does not exist, bad model,
 * updates disabled (HCU_DISABLE=1), out of memory. Whether the update itself
 * succeeds is decided later, as for hcuapply; failures roll back. */
int hcu_request_update(const char *patch_path, const char *model);

#define HCU_STATIC_REQUEST_UPDATE_LAZY(...)                                    \
  hcu_request_update("" __VA_ARGS__, "lazy")
#define HCU_STATIC_REQUEST_UPDATE_IMMEDIATE(...)                               \
  hcu_request_update("" __VA_ARGS__, "immediate")

#ifdef __cplusplus
}
#endif
#endif /* HCU_H */
