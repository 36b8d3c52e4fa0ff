#include "tally.h"
void report_b(void) {
  add_tally(10);
  printf("b %ld\n", tally);
}
