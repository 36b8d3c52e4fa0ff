// The body of a variadic function gets a va_list pointer instead of `...`;
// a format(printf, 1, 2) attribute written on its header then names no
// variadic argument, which gcc rejects (GCC torture user-printf, va-arg-21).
// The body's copy becomes format(printf, 1, 0), the form for vprintf-like
// functions; the entry keeps the original, so calls are still checked.
// RUN: %hcu_transform %s -o - -- 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -Wall -Wextra -Werror -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdarg.h>
#include <stdio.h>

void __attribute__((format(printf, 1, 2), noinline)) say(const char *fmt, ...) {
  va_list va;
  va_start(va, fmt);
  vprintf(fmt, va);
  va_end(va);
}
// CHECK: static void __attribute__((format(printf, 1, 0), noinline)) say__hcu_v1(const char *fmt, __builtin_va_list *hcu_vap) {
// CHECK: void __attribute__((format(printf, 1, 2), noinline)) say(const char *fmt, ...) { __builtin_va_list hcu_va;

int main(void) {
  say("%s %d\n", "two", 2);
  // OUT: two 2
  return 0;
}
