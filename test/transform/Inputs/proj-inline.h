/* A project header (quote include, not a system header) with a static inline
 * function: construct-decls.c, which instruments it. */
int helper(int v);
static inline int proj_twice(int v) { return helper(v) * 2; }
