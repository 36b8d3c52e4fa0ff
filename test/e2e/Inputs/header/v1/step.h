#ifndef STEP_H
#define STEP_H
static long total;
/* v1 adds the number to the total. */
static inline long step(long v) {
  total += v;
  return total;
}
#endif
