// What the transform cannot make safe yet is refused with a compiler-style
// diagnostic at the exact line and column, and no output is written.
// RUN: not %hcu_transform %s -o %t.c -- 2>&1 | FileCheck %s
// RUN: test ! -e %t.c
#include <setjmp.h>

int vla(int n) {
  int buf[n];
  // CHECK: {{^}}{{.*}}diagnostics.c:[[@LINE-1]]:7: error: variable-length array 'buf'
  buf[0] = 1;
  return buf[0];
}

int local_type(void) {
  struct local { int x; } l = {1};
  // CHECK: {{^}}{{.*}}diagnostics.c:[[@LINE-1]]:27: error: local 'l' cannot be saved in a frame record: 'struct local' is declared inside the function
  return l.x;
}

int var(int n, ...) { return n; }
// CHECK: {{^}}{{.*}}diagnostics.c:[[@LINE-1]]:5: error: variadic function 'var' cannot be instrumented yet

int jump(jmp_buf env) {
  if (setjmp(env))
    return 1;
  // CHECK: {{^}}{{.*}}diagnostics.c:[[@LINE-2]]:7: error: '_setjmp' cannot be made safe across an update yet
  return 0;
}
