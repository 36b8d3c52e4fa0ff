// Declarations the transform meets in real C: K&R definitions, _Noreturn,
// _Thread_local, weak symbols, attributes on definitions (noinline, cold,
// unused, constructor: a constructor runs before main and is never
// instrumented), static inline functions from a project header
// (instrumented as this file's statics, the header being inlined:
// header-functions.c) and from a system header (left alone, not a call of
// interest). The program prints what the plain build prints.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- -I%S/Inputs && FileCheck %s < %t/out.c
// RUN: cc -I%S/Inputs -o %t/plain %s && %t/plain > %t/plain.out
// RUN: %hcu_cc %test_cflags -I%S/Inputs -O2 -o %t/hcu %s && %t/hcu > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
#include <byteswap.h>
#include <stdio.h>
#include <stdlib.h>
#include "proj-inline.h"

int helper(int v) { return v + 1; }

int knr(a, b)
  int a;
  char *b;
{
  return a + b[0] + helper(0);
}

_Thread_local int tls_count;
int bump_tls(void) { return ++tls_count + helper(-1); }

__attribute__((weak)) int maybe(int v) { return v * 3; }
extern int absent(void) __attribute__((weak));

__attribute__((noinline, cold)) static int rare(int v) { return helper(v); }
__attribute__((unused)) static int unused_fn(void) { return 0; }

static int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = helper(41); }

_Noreturn static void finish(int code) {
  fflush(stdout);
  exit(code);
}

int main(void) {
  printf("knr %d\n", knr(1, "A"));
  bump_tls();
  printf("tls %d\n", bump_tls());
  printf("weak %d %d\n", maybe(2), absent ? absent() : -1);
  printf("rare %d ctor %d\n", rare(1), ctor_ran);
  printf("inline %d swap %x\n", proj_twice(3), bswap_32(0x11223344u));
  finish(0);
}
// CHECK: {{^}}static inline int proj_twice__hcu_v1(int v)
// CHECK: {{^}}static int knr__hcu_v1(a, b)
// CHECK: {{^}}__attribute__((weak)) int maybe(int v) { {{.*}} return hcu_slot__maybe(v); }
// CHECK: {{^}}__attribute__((noinline, cold)) static int rare__hcu_v1(int v)
// The constructor is left as written.
// CHECK: {{^}}__attribute__((constructor)) static void init(void) { ctor_ran = helper(41); }
// CHECK: {{^}}_Noreturn static void finish__hcu_v1(int code)
// A call to absent() is a call site like any other (its entry, the weak
// symbol, is null when absent); proj_twice() from the project header is a
// continuation point, bswap_32() from a system header is not.
// CHECK: {"proj_twice", "construct-decls.c/proj_twice", (void **)&hcu_slot__proj_twice
// CHECK: {{{[0-9]+}}, HCU_CP_CALL, "absent#1"}, {{{[0-9]+}}, HCU_CP_CALL, "rare#1"}, {{{[0-9]+}}, HCU_CP_CALL, "proj_twice#1"}, {{{[0-9]+}}, HCU_CP_CALL, "finish#1"}, {0, 0, 0} };
// OUT: knr 67
// OUT-NEXT: tls 2
// OUT-NEXT: weak 6 -1
// OUT-NEXT: rare 2 ctor 42
// OUT-NEXT: inline 8 swap 44332211
