/* Included by both tally_a.c and tally_b.c (header-functions.test): its
 * static inline function and static counter become each file's own. */
#ifndef TALLY_H
#define TALLY_H
#include <stdio.h>
static long tally;
long weight(long v);
static inline long add_tally(long v) {
  tally += weight(v);
  return tally;
}
void report_a(void);
void report_b(void);
#endif
