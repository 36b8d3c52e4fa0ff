/* Found through -isystem: a system header. */
static inline int sys_fn(int v) { return v - 1000; }
