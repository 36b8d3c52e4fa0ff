// A va_list parameter decays to a pointer to the builtin struct
// __va_list_tag; written out by its name in the body's prototype, gcc takes
// it for a new struct and rejects the definition (GCC torture va-arg-14). It
// is named through __builtin_va_list instead in the record, and declared as
// written in the prototype (-Warray-parameter tells va_list from a pointer).
// RUN: %hcu_transform %s -o - -- 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -Wall -Werror=array-parameter -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdarg.h>
#include <stdio.h>

static int first(va_list param, ...) {
  va_list local;
  va_start(local, param);
  va_copy(param, local);
  int a = va_arg(local, int), b = va_arg(param, int);
  va_end(local);
  va_end(param);
  return a * 10 + b;
}
// CHECK: __typeof__(__typeof__((*(__builtin_va_list *)0)[0]) *) param;
// CHECK: static __typeof__(int) first__hcu_v1(__typeof__(va_list) param, __builtin_va_list *hcu_vap);
// CHECK-NOT: {{struct __va_list_tag \*}}

int main(void) {
  va_list unused;
  printf("%d\n", first(unused, 7));
  // OUT: 77
  return 0;
}
