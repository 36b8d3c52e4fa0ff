/* A project header with an include guard, included twice by
 * header-functions.c: static inline helpers (the used one is instrumented,
 * the unused one and the C99 inline definition stay as written), a static
 * counter (renamed like the main file's statics). */
#ifndef UTIL_H
#define UTIL_H
#include <stdio.h>
int step(int v);
static int calls;
static inline int twice(int v) {
  calls++;
  return step(v) * 2;
}
static inline int never_called(int v) { return v - 1; }
inline int c99_inline(int v) { return v + 1; }
#endif
