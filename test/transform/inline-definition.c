// A C99 `inline` definition (neither static nor extern) defines no symbol:
// the function is defined in another file, or nowhere when every call is
// inlined (GCC torture stdarg-4). Its descriptor must not name the entry,
// which would be an undefined reference at link time.
// RUN: %hcu_transform %s -o - -- -O2 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -O2 -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdio.h>
long x;
inline void __attribute__((always_inline)) add(long v) { x += v; }
// CHECK: {"add", "add", (void **)&hcu_slot__add, (void *)add__hcu_v1, {{.*}}, 0},
// CHECK: {"main", "main", {{.*}}, (void *)main},
int main(void) {
  add(2);
  add(40);
  printf("x=%ld\n", x);
  // OUT: x=42
  return 0;
}
