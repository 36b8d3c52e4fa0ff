#include "counter.h"

static int n;

void step(void) { n += STEP; }

int count(void) { return n; }
