// Calls nested in expressions are hoisted into temporaries, in an order C
// allows; && and ?: keep their sequencing with explicit control flow; an
// argument with side effects is evaluated once, before the call.
// RUN: %hcu_transform --normalize-only %s -- | FileCheck %s
int f(int);
int g(int);

int nested(int a) {
  return f(a) + g(a + 1);
}

int shortcut(int a) {
  int r = a && f(a);
  return r;
}

int choose(int a) {
  return a ? f(a) : g(a);
}

int once(int a) {
  return f(a++);
}

// CHECK-LABEL: {{^}}int nested(int a) {
// CHECK-NEXT: {{^}}  { __typeof__(int) hcu_n0_1; __typeof__(int) hcu_n0_2; hcu_n0_1 = f(a); hcu_n0_2 = g(a + 1); return hcu_n0_1 + hcu_n0_2; }
// CHECK-LABEL: {{^}}int shortcut(int a) {
// CHECK-NEXT: {{^}}  __typeof__(int) hcu_n0_3; __typeof__(int) hcu_n0_4; hcu_n0_3 = 0; if (a) { hcu_n0_4 = f(a); hcu_n0_3 = !!(hcu_n0_4); } int r = hcu_n0_3;
// CHECK-LABEL: {{^}}int choose(int a) {
// CHECK-NEXT: {{^}}  { {{.*}} if (a) { hcu_n0_5 = f(a); hcu_n0_7 = hcu_n0_5; } else { hcu_n0_6 = g(a); hcu_n0_7 = hcu_n0_6; } return hcu_n0_7; }
// CHECK-LABEL: {{^}}int once(int a) {
// CHECK-NEXT: {{^}}  { __typeof__(int) hcu_n0_8; hcu_n0_8 = a++; return f(hcu_n0_8); }
