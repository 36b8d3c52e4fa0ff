/* errors.c: names and descriptions of hcu error codes, generated from the one
 * list in hcu_errors.h so they cannot drift. Also compiled into hcuapply. */
#include "hcu/hcu_errors.h"

const char *hcu_error_name(int code) {
  switch (code) {
#define HCU_X(name, num, text)                                                 \
  case num:                                                                    \
    return #name;
    HCU_ERROR_LIST(HCU_X)
#undef HCU_X
  }
  return "HCU_ERR_UNKNOWN";
}

const char *hcu_strerror(int code) {
  switch (code) {
#define HCU_X(name, num, text)                                                 \
  case num:                                                                    \
    return text;
    HCU_ERROR_LIST(HCU_X)
#undef HCU_X
  }
  return "unknown error code";
}
