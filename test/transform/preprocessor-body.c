// The instrumented file keeps its directives, and the real compiler (gcc,
// __GNUC__ 12) evaluates them again, where the Clang front end saw
// __GNUC__ 4 (SQLite's `#if GCC_VERSION>=5004000` in sqlite3SubInt64). A
// conditional group inside a function body is frozen to the branch the
// transform parsed, so that its continuation points exist; lines do not
// move. Groups outside bodies are left alone.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform --normalize-only %s -o %t/norm.c -- && FileCheck %s < %t/norm.c
// RUN: %hcu_cc %test_cflags -Wall -Wextra -Werror -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>

#if __GNUC__ >= 5
#define NEW_GCC 1
#endif

static int add(int a, int b) { return a + b; }

int sum(int *p, int b) {
#if __GNUC__ >= 5 /* a comment
  over two lines */
  return __builtin_add_overflow(*p, b, p);
#elif defined(NOTHING)
  return -1;
#else
  *p = add(*p, b);
#ifdef __GNUC__
  *p = add(*p, 0);
#endif
  return 0;
#endif
}

int main(void) {
  int x = 1;
  int o = sum(&x, 2);
  printf("x = %d, overflow %d, line %d\n", x, o, __LINE__);
  // OUT: {{^}}x = 3, overflow 0, line [[@LINE-1]]{{$}}
  return 0;
}
// CHECK: {{^}}#if __GNUC__ >= 5
// CHECK-NEXT: {{^}}#define NEW_GCC 1
// CHECK-NEXT: {{^}}#endif
// CHECK: {{^}}int sum(int *p, int b) {
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}  *p = add(*p, b);
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}  *p = add(*p, 0);
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}  return 0;
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}}
