// Control flow around continuation points: goto forward over a call and
// backward into a loop, switch with fall-through through calls, recursion,
// functions whose address is taken (stored in a table, given to qsort, called
// through pointers), and main with argc, argv and envp. The program prints
// what the plain build prints.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: cc -o %t/plain %s && %t/plain one two > %t/plain.out
// RUN: %hcu_cc %test_cflags -O2 -o %t/hcu %s && %t/hcu one two > %t/hcu.out
// RUN: cmp %t/plain.out %t/hcu.out && FileCheck --check-prefix=OUT %s < %t/hcu.out
#include <stdio.h>
#include <stdlib.h>

int twice(int v) { return 2 * v; }
int inc(int v) { return v + 1; }

int jumps(int n) {
  int t = 0;
  if (n > 3)
    goto skip;
  t = twice(n);
skip:
  t += inc(t);
again:
  if (t < 20) {
    t = twice(t);
    goto again;
  }
  return t;
}

int fall(int c) {
  int s = 0;
  switch (inc(c)) {
  case 1:
    s += twice(1);
    /* fall through */
  case 2:
    s += twice(10);
    break;
  default:
    s = inc(s);
  }
  return s;
}

int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }

int (*const table[])(int) = {twice, inc};

static int cmp(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv, char **envp) {
  int v[4] = {3, 1, 4, 1};
  int (*op)(int) = argc > 2 ? inc : twice;
  qsort(v, 4, sizeof v[0], cmp);
  printf("args %d %s %s env %d\n", argc, argv[1], argv[2], envp != 0);
  printf("jumps %d %d\n", jumps(1), jumps(5));
  printf("fall %d %d %d\n", fall(0), fall(1), fall(7));
  printf("fact %d\n", fact(6));
  printf("ptr %d %d %d sorted %d%d%d%d\n", op(5), table[0](4), (*table[1])(4),
         v[0], v[1], v[2], v[3]);
  return 0;
}
// The goto and its label stay; the call after the label is a continuation
// point that a jump to the label reaches like any other path.
// CHECK-LABEL: static int jumps__hcu_v1(int n) {
// CHECK: goto skip;
// CHECK: {{^}}skip:
// CHECK: {{^}}again:
// CHECK: goto again;
// CHECK-LABEL: static int fall__hcu_v1(int c) {
// CHECK: {{^}}  case 1:
// CHECK: {{^}}  case 2:
// CHECK: hcu_slot__fact(
// The entry of main is the thread trampoline and keeps main's signature.
// CHECK: {{^}}int main(int argc, char **argv, char **envp) {
// CHECK-NEXT: int hcu_r;
// CHECK: hcu_r = hcu_slot__main(argc, argv, envp);
// Calls through pointers are continuation points named (*)#k.
// CHECK: {7, HCU_CP_CALL, "(*)#1"}, {8, HCU_CP_CALL, "(*)#2"}
// CHECK: {"main", "main", {{.*}}HCU_FN_THREAD_ENTRY
// OUT: args 3 one two env 1
// OUT-NEXT: jumps 20 32
// OUT-NEXT: fall 22 20 1
// OUT-NEXT: fact 720
// OUT-NEXT: ptr 6 8 5 sorted 1134
