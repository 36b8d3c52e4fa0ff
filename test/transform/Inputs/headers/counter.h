#ifndef COUNTER_H
#define COUNTER_H
static inline int next_id(void) {
  static int id;
  return ++id;
}
#endif
