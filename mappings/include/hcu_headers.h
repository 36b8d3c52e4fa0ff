/* hcu_headers.h: included by mapping files that write stack transformers.
 * The frame record structs of each function (hcu_stack_local_<fn>_v<N>_s and
 * hcu_function_formal_<fn>_v<N>_s) are printed by `hcu-transform` into the
 * instrumented source and its metadata; a mapping file declares the ones it
 * uses. */
#ifndef HCU_HEADERS_H
#define HCU_HEADERS_H
#include "hcu/hcu_rt.h"
#endif
