/* hcu_unload.h: unloading patches that immediate updates superseded
 * (unload.c; the policy is in docs/design.md, "Unloading patches"). */
#ifndef HCU_UNLOAD_H
#define HCU_UNLOAD_H

struct hcu_unload;

struct hcu_history;

/* With every program thread stopped, after an immediate update's commit
 * (reverted 0) or a revert's (reverted: its history entry, still on top):
 * decides which superseded or reverted patches can go (and forgets their
 * units) and which stay, with the reason. *plan is 0 when there is
 * nothing to do. */
void hcu_unload_plan(struct hcu_unload **plan, struct hcu_history *reverted);
/* After the release: unloads what the plan allows (nothing if a thread was
 * late), records the reasons of the others, frees the plan. A reverted
 * patch leaves the history either way; if it stays loaded it joins the
 * reverted-but-kept list. */
void hcu_unload_finish(struct hcu_unload *plan, int late);
/* Whether this committed immediate update should look for patches to
 * unload: every HCU_UNLOAD_EVERY-th one (default 8, 1 to 1000), so that the
 * snapshot's cost (a clone, in the pause) is paid once for several
 * updates. Reverts always look. Counts the calls. */
int hcu_unload_due(void);

#endif /* HCU_UNLOAD_H */
