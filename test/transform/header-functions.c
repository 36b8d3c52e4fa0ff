// Functions defined in the project's own headers are instrumented as
// functions of this unit: the headers that define them are inlined into the
// main file between #line directives (docs/design.md, "Functions defined in
// headers"). Shapes: a guarded header included twice (inlined once, the
// second directive dropped), a header guarded by a once-pragma included
// twice, an X-macro header included twice (inlined twice), a header in a
// subdirectory that includes its siblings (the one defining a function is
// inlined, the other is included by absolute path), and headers that stay
// headers: a system header's inline function (bswap_32), one found through
// -isystem, one under --library-headers (as /usr/ is by default), one that
// uses #include_next (its meaning depends on where it was found), and a
// once-pragma header that a header staying a header includes again. The
// program prints what the plain build prints.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform --library-headers=%S/Inputs/headers/lib %s -o %t/out.c --metadata %t/out.json -- -I%S/Inputs/headers -I%S/Inputs/headers/next1 -I%S/Inputs/headers/next2 -I%S/Inputs/headers/lib -isystem %S/Inputs/headers/sys
// RUN: FileCheck %s < %t/out.c
// RUN: grep -c '^#line 1 ".*/Inputs/headers/util.h"' %t/out.c | FileCheck --check-prefix=ONE %s
// RUN: grep -c '^#line 1 ".*/Inputs/headers/once.h"' %t/out.c | FileCheck --check-prefix=ONE %s
// RUN: grep -c '^#line 1 ".*/Inputs/headers/xmacro.h"' %t/out.c | FileCheck --check-prefix=TWO %s
// RUN: grep -v '^//' %t/out.c | not grep -e '^#pragma once' -e 'hcu_slot____bswap_32' -e 'hcu_slot__lib_fn' -e 'hcu_slot__sys_fn' -e 'hcu_slot__never_called' -e 'hcu_slot__c99_inline' -e 'hcu_slot__nexty' -e 'hcu_slot__once_again'
// RUN: FileCheck --check-prefix=META %s < %t/out.json
// RUN: cc -I%S/Inputs/headers -I%S/Inputs/headers/next1 -I%S/Inputs/headers/next2 -I%S/Inputs/headers/lib -isystem %S/Inputs/headers/sys -o %t/plain %s && %t/plain > %t/plain.out
// RUN: %hcu_cc %test_cflags --hcu-library-headers=%S/Inputs/headers/lib -I%S/Inputs/headers -I%S/Inputs/headers/next1 -I%S/Inputs/headers/next2 -I%S/Inputs/headers/lib -isystem %S/Inputs/headers/sys -O2 -Wall -Wextra -o %t/hcu %s && %t/hcu > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
// ONE: {{^}}1{{$}}
// TWO: {{^}}2{{$}}
#include <byteswap.h>
// CHECK: {{^}}#line 1 "/{{.*}}/Inputs/headers/util.h"
// The header's static is renamed like the main file's.
// CHECK: {{^}}/*static*/ int calls;
// CHECK: {{^}}static inline int twice__hcu_v1(int v) {{.*}}hcu_rebuild_frame
// CHECK: hcu_slot__step(v)
// CHECK: {{^}}__typeof__(twice) *hcu_slot__twice __asm__("hcu_slot__header_functions_c__twice") = twice__hcu_v1;
// Unused static inline functions and C99 inline definitions stay as written.
// CHECK: {{^}}static inline int never_called(int v) { return v - 1; }
// CHECK-NEXT: {{^}}inline int c99_inline(int v) { return v + 1; }
// CHECK: {{^}}#line [[@LINE+2]] "/{{.*}}/header-functions.c"
#include "util.h"
#include "util.h"
// CHECK-EMPTY:
#include "once.h"
// CHECK: {{^}}static int thrice__hcu_v1(int v)
#include "once.h"
#define NAME add_one
#define VALUE 1
#include "xmacro.h"
// CHECK: {{^}}extern __typeof__(add_one) *hcu_slot__add_one __asm__("hcu_slot__header_functions_c__add_one");
// CHECK: {{^}}static int add_one__hcu_v1(int v)
#define NAME add_two
#define VALUE 2
#include "xmacro.h"
// CHECK: __asm__("hcu_slot__header_functions_c__add_two")
#include "sub/inner.h"
// CHECK: {{^}}#line 1 "/{{.*}}/Inputs/headers/sub/inner.h"
// CHECK: {{^}}#include "/{{.*}}/Inputs/headers/sub/types.h"
// CHECK-NEXT: {{^}}#line 1 "/{{.*}}/Inputs/headers/sub/sibling.h"
// CHECK: {{^}}static inline counter_t sibling__hcu_v1(counter_t v)
// CHECK: {{^}}#line 7 "/{{.*}}/Inputs/headers/sub/inner.h"
// CHECK: {{^}}static inline counter_t inner__hcu_v1(counter_t v)
// CHECK: hcu_slot__sibling(v)
#include "libfn.h"
// CHECK: {{^}}#include "libfn.h"
#include <sysfn.h>
// CHECK: {{^}}#include <sysfn.h>
#include "nexty.h"
// CHECK: {{^}}#include "nexty.h"
#include "once2.h"
// CHECK: {{^}}#include "once2.h"
#include "wrap.h"

int step(int v) { return v + 1; }
int lib_base(int v) { return v + 1; }

int main(void) {
  int t = twice(1);
  printf("twice %d calls %d\n", t, calls);
  // CHECK: hcu_slot__twice(1);
  printf("thrice %d\n", thrice(1));
  printf("x %d %d\n", add_one(1), add_two(1));
  printf("inner %ld\n", inner(1));
  printf("lib %d sys %d swap %x\n", lib_fn(1), sys_fn(1), bswap_32(0x11223344u));
  printf("next %d again %d wrapped %d\n", nexty(1), once_again(1), WRAPPED);
  return 0;
}
// OUT: twice 4 calls 1
// OUT-NEXT: thrice 6
// OUT-NEXT: x 3 4
// OUT-NEXT: inner 21
// OUT-NEXT: lib -98 sys -999 swap 44332211
// OUT-NEXT: next 6 again 7 wrapped 1
// The header functions are this unit's statics, each with its continuation
// points (the call of step), described at its line in its header.
// CHECK: {"twice", "header-functions.c/twice", (void **)&hcu_slot__twice
// META: "key": "header-functions.c/twice"
// META: "headers": [
// META: "/{{.*}}/Inputs/headers/once.h"
// META: "/{{.*}}/Inputs/headers/sub/inner.h"
// META: "/{{.*}}/Inputs/headers/sub/sibling.h"
// META: "/{{.*}}/Inputs/headers/util.h"
// META: "/{{.*}}/Inputs/headers/xmacro.h"
