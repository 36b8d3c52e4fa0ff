/* Stands for an installed library's header (--library-headers). */
int lib_base(int v);
static inline int lib_fn(int v) { return lib_base(v) - 100; }
