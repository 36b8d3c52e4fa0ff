// A function whose name is an object-like macro (SQLite's shell.c:
// `#define re_match sqlite3re_match`, then `static int re_match(...)`) is
// instrumented under the name the macro gives it; the macro token in the
// definition is what is renamed. A name built by a function-like macro is
// still refused, with the place.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: %hcu_cc %test_cflags -Wall -Wextra -Werror -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
// RUN: not %hcu_transform %s -o %t/bad.c -- -DPASTE 2>&1 | FileCheck --check-prefix=ERR %s
#include <stdio.h>

#define re_match my_re_match

static int helper(int x) { return x + 1; }

static int re_match(int a) {
  return helper(a) * 2;
}

#ifdef PASTE
#define NAMED(x) x##_impl
int NAMED(greet)(void) { return 1; }
// ERR: macro-named-function.c:[[@LINE-1]]:5: error: the name of function 'greet_impl' comes from a macro expansion; hcu cannot rename it
#endif

int main(void) {
  printf("re_match(20) = %d, my_re_match(1) = %d\n", re_match(20), my_re_match(1));
  return 0;
}
// CHECK: {{^}}static __typeof__(my_re_match) my_re_match__hcu_v1;
// CHECK: {{^}}static int my_re_match__hcu_v1(int a) {
// CHECK: {{^}}static int re_match(int a) { {{.*}} return hcu_slot__my_re_match(a); }
// OUT: {{^}}re_match(20) = 42, my_re_match(1) = 4{{$}}
