/* hcu_errors.h: the one list of hcu error codes, shared by libhcu and the tools.
 * Codes travel over the control channel by number; never renumber one. */
#ifndef HCU_ERRORS_H
#define HCU_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

#define HCU_ERROR_LIST(X)                                                      \
  X(HCU_OK, 0, "success")                                                      \
  X(HCU_ERR_INTERNAL, 1, "internal error")                                     \
  X(HCU_ERR_NOMEM, 2, "out of memory")                                         \
  X(HCU_ERR_PROTOCOL, 3, "malformed request")                                  \
  X(HCU_ERR_PERMISSION, 4, "permission denied")                                \
  X(HCU_ERR_DISABLED, 5, "updates are disabled in this process")               \
  X(HCU_ERR_BUSY, 6, "another update is in progress")                          \
  X(HCU_ERR_PATCH_LOAD, 7, "the patch could not be loaded")                    \
  X(HCU_ERR_PATCH_INVALID, 8, "the patch is not a valid hcu patch")            \
  X(HCU_ERR_WRONG_BUILD, 9, "the patch was built for another program or build") \
  X(HCU_ERR_WRONG_VERSION, 10, "the patch does not apply to the running version") \
  X(HCU_ERR_MAPPING, 11, "the mapping does not match the program")             \
  X(HCU_ERR_TIMEOUT, 12, "threads did not reach an update point in time")      \
  X(HCU_ERR_TRANSFORMER, 13, "a transformer in the mapping failed")           \
  X(HCU_ERR_FRAME, 14, "an active frame cannot be mapped to the new version")  \
  X(HCU_ERR_UNSUPPORTED, 15, "requested feature is not supported yet")         \
  X(HCU_ERR_NO_PROCESS, 16, "no such updatable process")                       \
  X(HCU_ERR_CHANNEL, 17, "cannot reach the process's control channel")     \
  X(HCU_ERR_ABORTED, 18, "another process of the group could not prepare the update")

enum hcu_error {
#define HCU_X(name, num, text) name = num,
  HCU_ERROR_LIST(HCU_X)
#undef HCU_X
};

/* Symbolic name ("HCU_ERR_TIMEOUT") and description of a code. */
const char *hcu_error_name(int code);
const char *hcu_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif /* HCU_ERRORS_H */
