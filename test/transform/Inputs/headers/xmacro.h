/* An X-macro header without guard, included twice with different NAME. */
int step(int v);
static int NAME(int v) { return step(v) + VALUE; }
#undef NAME
#undef VALUE
