// A macro that calls the function of its own name (`#define check(t)
// check(#t, ...)`) is expanded once by the preprocessor: inside its own
// expansion the name is not a macro any more. When the transform writes the
// expansion out, the name is parenthesized so that the next parse does not
// expand it again (GCC torture 20000223-1).
// RUN: %hcu_transform --normalize-only %s -o - -- 2>&1 | FileCheck %s
// RUN: %hcu_cc %test_cflags -o %t %s && %t | FileCheck --check-prefix=OUT %s
#include <stdio.h>
static int check(const char *type, int align) {
  printf("%s %d\n", type, align);
  return align;
}
#define QUOTE_(s) #s
#define QUOTE(s) QUOTE_(s)
#define check(t) check(QUOTE(t), (int)_Alignof(t))
int main(void) {
  int n = 0;
  n += check(char);
  // CHECK: n += (check) ( "char" , ( int ) _Alignof ( char ) );
  // OUT: char 1
  n += check(int);
  // OUT-NEXT: int 4
  return n != 5;
}
