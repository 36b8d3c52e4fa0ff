// Locals whose address is taken may share one declaration with others
// (tinyproxy's `char *data, *header;`): the normalizer gives each its own
// declaration on the same line, so each can move to the frame arena, and the
// program still does what it did.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform --normalize-only %s -- | FileCheck %s
// RUN: %hcu_cc %test_cflags -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>

static void fill(const char **p, int *n) {
  *p = "filled";
  *n += 2;
}

int main(void) {
  const char *data = "empty", *header, buf[4] = "ok";
  int count = 1, other = 40;
  // CHECK: {{^}}  const char *data = "empty"; const char *header; const char buf[4] = "ok";{{$}}
  // CHECK: {{^}}  int count = 1; int other = 40;{{$}}
  fill(&data, &count);
  header = buf;
  printf("%s %s %d\n", data, header, count + other);
  return 0;
}
// OUT: {{^}}filled ok 43{{$}}
