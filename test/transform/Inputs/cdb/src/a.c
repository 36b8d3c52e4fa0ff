#include "conf.h"
int g(int x) { return x * SCALE * FACTOR; }
int f(int x) { return g(x) + 1; }
