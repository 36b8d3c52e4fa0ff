// A loop whose condition or increment calls a function of the program gets
// the call inside its body, where it can be a continuation point; a
// `continue` then jumps to the moved increment.
// RUN: %hcu_transform --normalize-only %s -- | FileCheck %s
int next(int);
int more(void);

int walk(int n) {
  int s = 0;
  while (more())
    s++;
  for (int i = 0; i < n; i = next(i)) {
    if (i == 3)
      continue;
    s += i;
  }
  return s;
}

// CHECK-LABEL: {{^}}int walk(int n) {
// CHECK: {{^}}  { __typeof__(int) hcu_n0_1; for (;;) { hcu_n0_1 = more(); if (!(hcu_n0_1)) break;
// CHECK-NEXT: {{^}}    s++; } }
// CHECK-NEXT: {{^}}  { __typeof__(int) hcu_n0_2; int i = 0; for (;;) { if (!(i < n)) break;  {
// CHECK-NEXT: {{^}}    if (i == 3)
// CHECK-NEXT: {{^}}      goto hcu_cont0_1;
// CHECK-NEXT: {{^}}    s += i;
// CHECK-NEXT: {{^}}  } hcu_cont0_1: ; hcu_n0_2 = next(i); (void)(i = hcu_n0_2); } }
