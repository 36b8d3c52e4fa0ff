/* hcu_unload.h: unloading patches that immediate updates superseded
 * (unload.c; the policy is in docs/design.md, "Unloading patches"). */
#ifndef HCU_UNLOAD_H
#define HCU_UNLOAD_H

struct hcu_unload;

/* With every program thread stopped, after an immediate update's commit:
 * decides which superseded patches can go (and forgets their units) and
 * which stay, with the reason. *plan is 0 when there is nothing to do. */
void hcu_unload_plan(struct hcu_unload **plan);
/* After the release: unloads what the plan allows (nothing if a thread was
 * late), records the reasons of the others, frees the plan. */
void hcu_unload_finish(struct hcu_unload *plan, int late);

#endif /* HCU_UNLOAD_H */
