/* hcu.h: the few calls a program built with hcu-cc may make itself. None is
 * needed: a program updates without any source change. */
#ifndef HCU_H
#define HCU_H

#ifdef __cplusplus
extern "C" {
#endif

/* Turns updates of this process off (0) or back on (nonzero), e.g. around a
 * phase that must not be updated; returns the previous setting. While off,
 * hcuapply apply and revert are refused with HCU_ERR_DISABLED (exit 1) and
 * hcuapply status says "updates disabled". HCU_DISABLE=1 in the environment
 * starts the process with updates off. */
int hcu_set_updates_enabled(int enabled);

#ifdef __cplusplus
}
#endif
#endif /* HCU_H */
