// A definition whose `extern` comes from a macro (Lua's `LUA_API int
// lua_gettop(...)` with `#define LUA_API extern`) keeps it: the body is
// still internal, `extern` taking its linkage from the static declaration
// before it (C11 6.2.2p4); adding `static` would be two storage classes.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: %hcu_cc %test_cflags -Wall -Wextra -Werror -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>

#define API extern

API int twice(int x);

static int add(int a, int b) { return a + b; }

API int twice(int x) {
  return add(x, x);
}

int main(void) {
  printf("twice(21) = %d\n", twice(21));
  return 0;
}
// CHECK: {{^}}static __typeof__(twice) twice__hcu_v1;
// CHECK: {{^}}API int twice__hcu_v1(int x) {
// CHECK: {{^}}API int twice(int x) { {{.*}} return hcu_slot__twice(x); }
// OUT: {{^}}twice(21) = 42{{$}}
