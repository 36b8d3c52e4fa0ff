#include "tally.h"
long weight(long v) { return v * 2; }
void report_a(void) { printf("a %ld\n", tally); }
int main(void) {
  for (long i = 1; i <= 3; i++)
    add_tally(i);
  report_a();
  report_b();
  return 0;
}
