// A function first declared inside another function (`float inita(), a;`,
// GCC torture 930603-1) and defined later: the declaration is not visible at
// file scope, where the transform writes __typeof__(inita), so the transform
// declares it there first.
// RUN: %hcu_transform %s -o - -- 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -w -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdio.h>
int main(void) {
  float inita(), a;
  a = inita();
  printf("a=%g\n", a);
  // OUT: a=3
  return a != 3.0f;
}
// CHECK: /* hcu: inita, version 1 */
// CHECK-NEXT: __typeof__(float) inita();
// CHECK: static __typeof__(inita) inita__hcu_v1;
float inita() { return 3.0f; }
