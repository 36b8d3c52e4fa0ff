// A ?: whose branch is a comma expression, written without parentheses
// (SQLite's putVarint32: `c ? (*(A) = (unsigned char)(B)), 1 :
// sqlite3PutVarint(A, B)`), keeps its value when the other branch's call is
// hoisted: the temporary gets the comma's value (1), not its first operand's.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform --normalize-only %s -o %t/norm.c -- && FileCheck %s < %t/norm.c
// RUN: %hcu_cc %test_cflags -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>

static int put_long(unsigned char *p, unsigned v) {
  p[0] = 0x80 | (v & 0x7f);
  p[1] = (unsigned char)(v >> 7);
  return 2;
}

#define PUT(A, B) (unsigned char)(((B) < 0x80) ? (*(A) = (unsigned char)(B)), 1 : put_long((A), (B)))

int main(void) {
  unsigned char buf[8];
  int n = 0;
  n += PUT(&buf[n], 100u);
  n += PUT(&buf[n], 300u);
  printf("n = %d, bytes %d %d %d\n", n, buf[0], buf[1], buf[2]);
  return 0;
}
// CHECK: {{^}}  { {{.*}} if (( ( 100u ) < 0x80 )) { [[T:hcu_n[0-9_]+]] = (( * ( & buf [ n ] ) = ( unsigned char ) ( 100u ) ) , 1); } else { {{.*}} = put_long (
// OUT: {{^}}n = 3, bytes 100 172 2{{$}}
