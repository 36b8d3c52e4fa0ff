// Every expression shape that can hold a call of the program, normalized so
// that each call is a statement of its own, in C's order and with its
// sequencing: ||, the comma operator, if and switch conditions, a do-while
// condition, an assignment in a while condition (`(n = next()) > 0`),
// initializers, compound literals, statement expressions, calls through
// function pointers, struct-returning calls used as values, and calls in
// return. The program prints what the plain build prints.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform --normalize-only %s -o %t/norm.c -- && FileCheck %s < %t/norm.c
// RUN: cc -o %t/plain %s && %t/plain > %t/plain.out
// RUN: %hcu_cc %test_cflags -O2 -o %t/hcu %s && %t/hcu > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
#include <stdio.h>

struct pair { int a, b; };
static int trace[64], ntrace;
int f(int v) { trace[ntrace++] = v; return v; }
struct pair mk(int a) { struct pair p = {f(a), a + 1}; return p; }
static int left = 3;
int next(void) { return left--; }

int either(int a) { return f(a) || f(a + 1); }
// CHECK-LABEL: {{^}}int either(int a) {
// CHECK-SAME: if (!(hcu_n{{[0-9_]+}})) {

int comma(int a) { return (f(a), f(a + 1)); }
// CHECK-LABEL: {{^}}int comma(int a) {
// CHECK-SAME: = f(a); {{.*}} = f(a + 1);

int conds(int a) {
  int r = 0;
  if (f(a) > 1)
    r = 1;
  switch (f(a + 10)) {
  case 11: r += 10; break;
  default: r += 20;
  }
  do
    r++;
  while (f(r) < 25);
  return r;
}
// CHECK-LABEL: {{^}}int conds(int a) {
// CHECK: = f(a); if (hcu_n{{[0-9_]+}} > 1)
// CHECK: = f(a + 10); switch (hcu_n{{[0-9_]+}})

int drain(void) {
  int n, total = 0;
  while ((n = next()) > 0)
    total += n;
  return total;
}
// CHECK-LABEL: {{^}}int drain(void) {
// CHECK: for (;;) { {{.*}}= next(); {{.*}}if (!(

int literal(int a) {
  struct pair p = (struct pair){f(a), f(a + 1)};
  int x = ({ int t = f(a) * 2; t + 1; });
  int (*fp)(int) = f;
  int y = fp(x) + (*fp)(p.b);
  return mk(a).b + y + mk(f(a)).a;
}
// CHECK-LABEL: {{^}}int literal(int a) {
// CHECK-NEXT: = f(a); [[B:hcu_n[0-9_]+]] = f(a + 1); struct pair p = (struct pair){[[A:hcu_n[0-9_]+]], [[B]]};
// CHECK-NEXT: { __typeof__(int) [[T:hcu_n[0-9_]+]]; [[T]] = f(a); int t = [[T]] * 2; [[X:hcu_n[0-9_]+]] = (t + 1); } int x = [[X]];
// CHECK: [[P:hcu_n[0-9_]+]] = fp(x); [[Q:hcu_n[0-9_]+]] = (*fp)(p.b); int y = [[P]] + [[Q]];
// CHECK-NEXT: { __typeof__(struct pair) [[M:hcu_n[0-9_]+]];{{.*}} [[M]] = mk(a); {{.*}} = mk({{.*}}); return [[M]].b + y + {{.*}}.a; }

int main(void) {
  // One call per statement: the order of a call's arguments is unspecified.
  int e0 = either(0), e2 = either(2), c = comma(4), k = conds(1);
  int d = drain(), l = literal(5);
  printf("%d %d %d %d %d %d\n", e0, e2, c, k, d, l);
  for (int i = 0; i < ntrace; i++)
    printf("%d ", trace[i]);
  printf("\n");
  return 0;
}
// OUT: 1 1 5 25 6 28
// OUT-NEXT: 0 1 2 4 5 1 11 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 5 6 5 11 6 5 5 5
