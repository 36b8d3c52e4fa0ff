// An address-taken local named by a macro argument that the macro's body uses
// twice (tinyproxy's `safefree(x)`: `(free(x), *(&(x)) = NULL)`) is
// redirected to the frame arena once, at its one spelling, and the program
// still does what it did.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: %hcu_cc %test_cflags -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>
#include <stdlib.h>

#define CLEAR(x) (free(x), *(&(x)) = NULL)

int main(void) {
  char *p = malloc(4);
  CLEAR(p);
  // CHECK: {{^}}  CLEAR((hcu_a->p));
  printf("%s\n", p == NULL ? "cleared" : "not cleared");
  return 0;
}
// OUT: {{^}}cleared{{$}}
