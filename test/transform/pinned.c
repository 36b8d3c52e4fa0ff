// Functions whose frame cannot be saved and rebuilt are pinned: no
// continuation points, and the thread does not unwind while one is active
// (hcu_pin_depth). They keep their slot and entry, so a patch replaces them
// for later calls. A variadic body takes the entry's va_list by pointer.
// RUN: %hcu_transform %s --metadata %t.json -- | FileCheck %s
// RUN: FileCheck --check-prefix=META %s < %t.json
#include <alloca.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

int g(int);
static jmp_buf env;

int sum(int n, ...) {
// CHECK: {{^}}static __typeof__(int) sum__hcu_v1(__typeof__(int) n, __builtin_va_list *hcu_vap);{{$}}
// CHECK: {{^}}extern __typeof__(sum__hcu_v1) *hcu_slot__sum;{{$}}
// CHECK: {{^}}static int sum__hcu_v1(int n, __builtin_va_list *hcu_vap) { hcu_pin_depth++; {{$}}
  va_list ap;
  int s = 0;
  va_start(ap, n);
// CHECK: {{^}}  __builtin_va_copy(ap, *hcu_vap);{{$}}
  while (n-- > 0)
    s += va_arg(ap, int);
  va_end(ap);
  return g(s);
// CHECK: {{^}}  { __typeof__(int) hcu_ret = ( g(s)); hcu_pin_depth--; return hcu_ret; }{{$}}
// CHECK: {{^}}hcu_pin_depth--; }{{$}}
// CHECK: {{^}}__typeof__(sum__hcu_v1) *hcu_slot__sum = sum__hcu_v1;{{$}}
// CHECK: {{^}}int sum(int n, ...) { __builtin_va_list hcu_va; __builtin_va_start(hcu_va, n); __typeof__(int) hcu_r = hcu_slot__sum(n, &hcu_va); __builtin_va_end(hcu_va); return hcu_r; }{{$}}
}

void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  longjmp(env, 1);
// longjmp itself needs nothing: it never returns.
// CHECK: {{^}}  longjmp(env, 1);{{$}}
// CHECK: {{^}}void fail(const char *fmt, ...) { __builtin_va_list hcu_va; __builtin_va_start(hcu_va, fmt); hcu_slot__fail(fmt, &hcu_va); __builtin_va_end(hcu_va); }{{$}}
}

int guarded(int x) {
// After a longjmp, the setjmp site restores the depth and arena top that
// the frames it skipped did not.
// CHECK: {{^}}static int guarded__hcu_v1(int x) { char *const hcu_jtop = hcu_arena_top; const int hcu_jdepth = ++hcu_pin_depth; {{$}}
  if (setjmp(env) == 0)
// CHECK: {{^}}  if (({ int hcu_sj = setjmp(env); hcu_pin_depth = hcu_jdepth; hcu_arena_top = hcu_jtop; hcu_sj; }) == 0){{$}}
    return g(x);
  return -1;
}

int vla(int n) {
// CHECK: {{^}}static int vla__hcu_v1(int n) { hcu_pin_depth++; {{$}}
// CHECK: {{^}}  int v[n];{{$}}
// CHECK: {{^}}  v[0] = g(n);{{$}}
  int v[n];
  v[0] = g(n);
  return v[0];
}

int stack(int n) {
// CHECK: {{^}}static int stack__hcu_v1(int n) { hcu_pin_depth++; {{$}}
  char *p = alloca(n);
  p[0] = 0;
  return g(p[0]);
}

int local_type(void) {
// CHECK: {{^}}static int local_type__hcu_v1(void) { hcu_pin_depth++; {{$}}
  struct local { int x; } l = {1};
  return g(l.x);
}

int caller(int a) {
  int r = sum(2, a, a);
// A call of a variadic function goes to its entry (its slot takes a
// va_list), and is a continuation point like any other call.
// CHECK: {{^}}  if (0) { hcu_resume_1: {{.*}} int r = sum(2, a, a); if (0) { hcu_afterinit_1:
  return r + g(a);
}

// META: "name": "sum",
// META: "pinned": "it is variadic",
// META: "name": "fail",
// META: "pinned": "it is variadic",
// META: "name": "guarded",
// META: "pinned": "it calls '_setjmp'",
// META: "name": "vla",
// META: "pinned": "'v' is a variable-length array",
// META: "name": "stack",
// META: "pinned": "it calls '__builtin_alloca'",
// META: "name": "local_type",
// META: "pinned": "local 'l' has a type no record can name ('struct local' is declared inside the function)",
// META: "name": "caller",
// META-NOT: "pinned"
