#ifndef STEP_H
#define STEP_H
static long total;
/* v2 adds ten times the number. */
static inline long step(long v) {
  total += 10 * v;
  return total;
}
#endif
