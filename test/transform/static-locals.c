// Static locals whose value can change move to file scope before their
// function, named by a program-wide symbol (hcu_sl__<uid>__<f>__<name>) that
// no inner declaration can shadow, and are listed with the unit's globals
// under the key file.c/f#name (docs/design.md, "Static locals"). Const and
// read-only ones stay in place. The program computes what it computed.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c --metadata %t/out.json -- && FileCheck %s < %t/out.c
// RUN: FileCheck --check-prefix=META %s < %t/out.json
// RUN: cc -o %t/plain %s && %t/plain > %t/plain.out
// RUN: %hcu_cc %test_cflags -O2 -Wall -Wextra -Werror -o %t/hcu %s && %t/hcu > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
#include <stdarg.h>
#include <stdio.h>

int count = 1000; // a global the static locals below shadow
#define BUMP(v) ((v) += 2)
#define BUMP_COUNT() (count += 3)
#define LEN 4

int step(int v) { return v; }

int first(void) {
  static int count;
  static int *where = &count, spare __attribute__((aligned(16))) = 5;
  static _Thread_local int per_thread = 7;
  static const char *names[] = {"zero", "one"};
  static const int limits[LEN] = {1, 2, 3, 4};
  count = step(count) + 1;
  BUMP(spare);
  BUMP_COUNT();
  ++*where;
  per_thread++;
  return count + spare + per_thread + (int)sizeof names[0][0] + limits[1];
}
// CHECK-LABEL: /* hcu: static locals of first */
// CHECK-NEXT: {{^}}#line [[#@LINE-13]] "{{.*}}static-locals.c"
// CHECK-NEXT: {{^}}  int hcu_sl__static_locals_c__first__count;{{$}}
// CHECK-NEXT: {{^}}#line [[#@LINE-14]] "{{.*}}static-locals.c"
// CHECK-NEXT: {{^}}  int *hcu_sl__static_locals_c__first__where = &hcu_sl__static_locals_c__first__count, hcu_sl__static_locals_c__first__spare __attribute__((aligned(16))) = 5;{{$}}
// CHECK-NEXT: {{^}}#line [[#@LINE-15]] "{{.*}}static-locals.c"
// CHECK-NEXT: {{^}}  _Thread_local int hcu_sl__static_locals_c__first__per_thread = 7;{{$}}
// CHECK-NEXT: {{^}}#line [[#@LINE-20]] "{{.*}}static-locals.c"
// CHECK: {{^}}static int first__hcu_v1(void) {
// The read-only table and the const one stay where they were.
// CHECK: {{^}}  static const char *names[] = {"zero", "one"};{{$}}
// CHECK-NEXT: {{^}}  static const int limits[LEN] = {1, 2, 3, 4};{{$}}
// CHECK: hcu_n1_1 = hcu_slot__step(hcu_sl__static_locals_c__first__count);
// CHECK: hcu_sl__static_locals_c__first__count = hcu_n1_1 + 1
// A use in a macro's argument is renamed there; one in a macro's own body
// (BUMP_COUNT names `count`) was expanded by the normalizer first.
// CHECK: {{^}}  BUMP(hcu_sl__static_locals_c__first__spare);{{$}}
// CHECK-NEXT: {{^}}  ( hcu_sl__static_locals_c__first__count += 3 );{{$}}
// CHECK-NEXT: {{^}}  ++*hcu_sl__static_locals_c__first__where;{{$}}

// The same name in another function, and twice in one function (two blocks):
// the second gets the key second#n#2 and the symbol ..._n__2.
int second(int which) {
  int r;
  if (which) {
    static int n = 10;
    r = ++n;
  } else {
    static int n = 20;
    r = ++n;
  }
  {
    int count = step(1); // an ordinary local shadows the global too
    r += count;
  }
  return r + count; // the global
}
// CHECK-LABEL: /* hcu: static locals of second */
// CHECK-NEXT: {{^}}#line
// CHECK-NEXT: {{^}}    int hcu_sl__static_locals_c__second__n = 10;{{$}}
// CHECK-NEXT: {{^}}#line
// CHECK-NEXT: {{^}}    int hcu_sl__static_locals_c__second__n__2 = 20;{{$}}
// CHECK: {{^}}    r = ++hcu_sl__static_locals_c__second__n;{{$}}
// CHECK: {{^}}    r = ++hcu_sl__static_locals_c__second__n__2;{{$}}
// CHECK: {{^}}  return r + count; // the global

// A pinned function (variadic) is replaced by patches too: its static locals
// move the same way.
int sum(int n, ...) {
  static int calls;
  va_list ap;
  int s = 0;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    s += va_arg(ap, int);
  va_end(ap);
  return s + ++calls * 100;
}
// CHECK-LABEL: /* hcu: static locals of sum */
// CHECK-NEXT: {{^}}#line
// CHECK-NEXT: {{^}}  int hcu_sl__static_locals_c__sum__calls;{{$}}
// CHECK: {{^}}static int sum__hcu_v1(int n, __builtin_va_list *hcu_vap) { hcu_pin_depth++;
// CHECK: return s + ++hcu_sl__static_locals_c__sum__calls * 100;

int main(void) {
  int a = first();
  int b = first();
  int c = second(1);
  int d = second(0);
  int e = second(1);
  printf("first %d %d\n", a, b);
  printf("second %d %d %d global %d\n", c, d, e, count);
  int f = sum(2, 3, 4);
  printf("sum %d %d\n", f, sum(1, 5));
  return 0;
}

// META:      "function": "first",
// META-NEXT: "key": "static-locals.c/first#count",
// META-NEXT: "layout": "int#4",
// META-NEXT: "line": [[#@LINE-92]],
// META-NEXT: "name": "count",
// META-NEXT: "static": true,
// META-NEXT: "symbol": "hcu_sl__static_locals_c__first__count",
// META:      "key": "static-locals.c/first#where",
// META:      "key": "static-locals.c/first#spare",
// META:      "key": "static-locals.c/first#per_thread",
// META-NOT:  "key": "static-locals.c/first#names"
// META:      "key": "static-locals.c/second#n",
// META:      "symbol": "hcu_sl__static_locals_c__second__n",
// META:      "key": "static-locals.c/second#n#2",
// META:      "symbol": "hcu_sl__static_locals_c__second__n__2",

// OUT: {{^}}first 23 31{{$}}
// OUT-NEXT: {{^}}second 1012 1022 1013 global 1000{{$}}
// OUT-NEXT: {{^}}sum 107 205{{$}}
