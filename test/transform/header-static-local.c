// A static local of a function defined in a project header moves to file
// scope like any other (docs/design.md, "Static locals"), and the #line
// directives around it name the header and its lines, not the main file:
// compiler errors, gdb and sanitizers point at counter.h.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c --metadata %t/out.json -- -I%S/Inputs/headers
// RUN: FileCheck %s < %t/out.c
// RUN: %python -c "import json,sys; print(*[g['key'] for g in json.load(open(sys.argv[1]))['globals']])" %t/out.json | FileCheck --check-prefix=KEYS %s
// RUN: %hcu_cc %test_cflags -I%S/Inputs/headers -Wall -Wextra -Werror -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include "counter.h"
#include <stdio.h>

int main(void) {
  int a = next_id();
  int b = next_id();
  printf("%d %d\n", a, b);
  return 0;
}

// CHECK: {{^}}/* hcu: static locals of next_id */
// CHECK-NEXT: {{^}}#line 4 "{{.*}}/Inputs/headers/counter.h"
// CHECK-NEXT: {{^}} int hcu_sl__header_static_local_c__next_id__id;
// CHECK-NEXT: {{^}}#line 3 "{{.*}}/Inputs/headers/counter.h"
// CHECK-NEXT: {{^}}static inline int next_id__hcu_v1(void)
// KEYS: {{^}}header-static-local.c/next_id#id{{$}}
// OUT: {{^}}1 2{{$}}
