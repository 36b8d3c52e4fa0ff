#include "counter.h"

static int n;

void step(void) { n += 100 * STEP; }

int count(void) { return n; }
