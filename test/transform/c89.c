/* Code built with -std=c89 (GCC torture pr7284-1): neither the runtime
   header nor the generated code may use `inline` or `typeof`, which are not
   keywords there; the transform writes __inline__ and __typeof__ (Clang
   prints the type of a temporary declared with __typeof__ without the
   underscores).
   RUN: %hcu_transform %s -o - -- -std=c89 2>&1 | FileCheck %s
   RUN: %hcu_cc %test_cflags -std=c89 -o %t %s && %t | FileCheck --check-prefix=OUT %s
*/
#include <stdio.h>
int f(int n) { return (n << 4) / 8; }
volatile int x = 128;
int main(void) {
  if (f(x) != 256)
    return 1;
  printf("%d\n", f(x) + f(1));
  return 0;
}
#if 0
OUT: 258
CHECK-NOT: {{[^_]typeof[(]}}
CHECK: __typeof__(__typeof__(int)) hcu_n{{[0-9_]+}};
#endif
