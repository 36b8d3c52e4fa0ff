// Locals of every kind are saved and restored at continuation points, and
// the program still computes what it computed: static locals (never in the
// frame record: their storage outlives the frame; moved to file scope, see
// static-locals.c), arrays
// (copied with memcpy), structs, unions, bit-fields, const and volatile
// locals, register locals, and shadowing locals in nested blocks (renamed,
// so both are saved).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: cc -o %t/plain %s && %t/plain > %t/plain.out
// RUN: %hcu_cc %test_cflags -O2 -o %t/hcu %s && %t/hcu > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
#include <stdio.h>
#include <string.h>

struct pt { int x, y; };
union num { int i; float f; };
struct flags { unsigned a : 3, b : 5; signed c : 4; };

int id(int v) { return v; }

int counter(void) {
  static int calls;
  return ++calls + id(0);
}

int locals(int n) {
  int arr[4] = {1, 2, 3, 4};
  struct pt p = {n, 2 * n};
  union num u;
  struct flags fl = {5, 17, -3};
  const int k = id(n) + 1;
  volatile int v = 7;
  register int r = 3;
  u.i = id(n);
  arr[2] = id(arr[1]) + k;
  fl.b = id(fl.b) + 1;
  int s = 0;
  {
    int s = id(100);
    p.x += s;
  }
  s = id(p.x + p.y + arr[2] + u.i + fl.a + fl.b + fl.c + k + v + r);
  return s;
}

// Written without spaces (GCC torture 920731-1): the declaration of a local
// without initializer is wrapped in HCU_SAVE_BEGIN/END (docs/design.md,
// Warnings), which must stay apart from the next token.
int packed(int x){int w;w=id(x);return w;}

int main(void) {
  printf("packed %d\n", packed(9));
  counter();
  counter();
  printf("counter %d\n", counter());
  printf("locals %d %d\n", locals(1), locals(5));
  return 0;
}
// CHECK-LABEL: struct hcu_stack_local_counter_v1_s {
// CHECK-NOT: calls
// CHECK: };
// CHECK: {{^}}  int hcu_sl__construct_locals_c__counter__calls;
// CHECK-LABEL: struct hcu_stack_local_locals_v1_s {
// CHECK-NEXT: __typeof__(int[4]) arr;
// CHECK-NEXT: __typeof__(struct pt) p;
// CHECK-NEXT: __typeof__(union num) u;
// CHECK-NEXT: __typeof__(struct flags) fl;
// CHECK: __typeof__(int) k;
// CHECK-NEXT: __typeof__(int) v;
// CHECK-NEXT: __typeof__(int) r;
// CHECK: __typeof__(int) s;
// CHECK-NEXT: __typeof__(int) s_hcu2;
// CHECK: __builtin_memcpy((void *)&hcu_l->arr, &arr, sizeof(arr)); hcu_l->p = p; hcu_l->u = u; hcu_l->fl = fl;
// CHECK: {{^}}    if (0) { hcu_resume_{{[0-9]+}}: {{.*}} int s_hcu2 = hcu_slot__id(100);
// CHECK: {{^}}static int packed__hcu_v1(int x){HCU_SAVE_BEGIN {{.*}} int w; HCU_SAVE_END {{.*}}w=hcu_slot__id(x);
// OUT: packed 9
// OUT-NEXT: counter 3
// OUT-NEXT: locals 140 164
