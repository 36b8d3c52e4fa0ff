// A definition may leave parameters unnamed (C23; gcc accepts it in every
// mode, GCC torture pr103209). The frame record and the entry need their
// names, so the normalizer names them where the declarator's name goes.
// RUN: %hcu_transform --normalize-only %s -o - -- -std=c2x 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -std=c2x -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdio.h>
struct S { int a; };
typedef int (*fp)(int);
int g(int x) { return x + 1; }
int f(int, const int *p, int (*)(int), int[], struct S s, fp) {
  return *p + s.a;
}
// CHECK: int f(int hcu_unnamed1, const int *p, int (* hcu_unnamed3)(int), int hcu_unnamed4[], struct S s, fp hcu_unnamed6) {
int main(void) {
  int v = 2, a[1] = {0};
  struct S s = {3};
  printf("%d\n", f(1, &v, g, a, s, g));
  // OUT: 5
  return 0;
}
