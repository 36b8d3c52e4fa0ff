/* engine_stub.h: knobs of engine_stub.c for the tests. */
#ifndef HCU_ENGINE_STUB_H
#define HCU_ENGINE_STUB_H

#include "hcu_history.h"
#include "hcu_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

extern int stub_apply_code;  /* what the next hcu_update_apply returns */
extern int stub_apply_calls; /* how many times it ran */
extern struct hcu_apply_request stub_last_request;

#ifdef __cplusplus
}
#endif
#endif
