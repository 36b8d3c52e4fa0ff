#include "counter.h"

static int n;

void step(void) { n += 10 * STEP; }

int count(void) { return n; }
