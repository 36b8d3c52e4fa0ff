/* Uses #include_next, whose meaning depends on where the header was found:
 * it stays a header, its function uninstrumented. */
#include_next <nexty.h>
static inline int nexty(int v) { return nexty_base + v; }
