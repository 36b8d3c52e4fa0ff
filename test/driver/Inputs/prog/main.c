#include "counter.h"
#include <stdio.h>

int main(void) {
  for (int i = 0; i < 3; i++)
    step();
  int c = count();
  printf("count=%d\n", c);
  return 0;
}
