/* Guarded by a once-pragma only, and included again by wrap.h, which stays
 * a header: inlined, it would be entered a second time from wrap.h. */
#pragma once
static inline int once_again(int v) { return v * 7; }
