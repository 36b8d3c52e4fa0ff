// Noreturn functions (_Noreturn, and __attribute__((noreturn)) from a macro
// as Lua's l_noret): an update unwinds a frame by returning from it, so the
// body, its slot and the calls through the slot are not noreturn; the
// definition's own specifiers are neutralized with macros around it; after
// a call to a noreturn function the check runs, then the compiler is told
// the rest is unreachable; the stable entry, the only thing other code sees
// as noreturn, pins the thread instead of returning. The program prints
// what the plain build prints, and builds without warnings.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: cc -o %t/plain %s && not %t/plain > %t/plain.out
// RUN: %hcu_cc %test_cflags -Wall -Wextra -Werror -O2 -o %t/hcu %s && not %t/hcu > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
#include <stdio.h>
#include <stdlib.h>

#define l_noret void __attribute__((noreturn))

_Noreturn static void die(int code) {
  printf("die %d\n", code);
  exit(code);
}

static l_noret fail(int code) {
  die(code + 1);
}

static int check(int x) {
  if (x > 0)
    return x;
  fail(x + 2);
}

int main(void) {
  printf("check %d\n", check(5));
  check(0);
}
// CHECK: static __typeof__(void (int)) die__hcu_v1;
// CHECK: extern __typeof__(void (int)) *hcu_slot__die
// CHECK: #pragma push_macro("noreturn")
// CHECK: #define noreturn __cold__
// CHECK: #define _Noreturn{{$}}
// CHECK: _Noreturn static void die__hcu_v1(int code) {
// CHECK-NEXT: #pragma pop_macro("_Noreturn")
// CHECK: __typeof__(void (int)) *hcu_slot__die{{.*}} = die__hcu_v1;
// CHECK-NEXT: _Noreturn static void die(int code) { if (__builtin_expect(hcu_self == 0, 0)) (void)hcu_foreign_enter(&hcu_descs[{{[0-9]+}}]); hcu_pin_depth++; hcu_slot__die(code); __builtin_unreachable(); }
// CHECK: static l_noret fail__hcu_v1(int code) {
// CHECK: hcu_slot__die(code + 1); hcu_after_{{[0-9]+}}: if (HCU_PENDING() && hcu_after_call()) {{.*}} __builtin_unreachable(); }
// CHECK: static int check__hcu_v1(int x) {
// CHECK: hcu_slot__fail(x + 2); hcu_after_{{[0-9]+}}: if (HCU_PENDING() && hcu_after_call()) {{.*}} __builtin_unreachable(); }
// OUT: check 5
// OUT-NEXT: die 3
