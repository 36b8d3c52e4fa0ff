/* hcu/hcu.h: what a program built with hcu-cc may call itself.
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
 * stops for it at its next update point, which is right after the call. The
 * outcome goes to the runtime log (`hcuapply messages`).
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
