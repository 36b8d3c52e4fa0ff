#ifndef SIBLING_H
#define SIBLING_H
int step(int v);
static inline counter_t sibling(counter_t v) { return step((int)v) * 10; }
#endif
