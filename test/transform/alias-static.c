// alias("a") names a's assembler symbol. A file-scope static gets a new one
// (hcu_s__<file>__a) so that patches bind to it; the alias follows it (GCC
// torture alias-3), and both names still reach the same storage.
// RUN: %hcu_transform %s -o - -- 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdio.h>
static int a = 0;
extern int b __attribute__((alias("a")));
// CHECK: #pragma redefine_extname a hcu_s__alias_static_c__a
// CHECK: extern int b __attribute__((alias("hcu_s__alias_static_c__a")));
static void inc(void) { b++; }
int main(void) {
  inc();
  inc();
  printf("a=%d b=%d\n", a, b);
  // OUT: a=2 b=2
  return a != 2;
}
