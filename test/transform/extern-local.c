// A block-scope extern declaration names the global even where a local of
// the same name is in scope: the renamer must leave it alone (GCC torture
// scope-1), and the program must still read the global.
// RUN: %hcu_transform %s -o - -- | FileCheck %s
// RUN: %hcu_cc %test_cflags -o %t %s && %t
int v = 3;
int g(int x) { return x; }
int f(void) {
  int v = 4;
  if (g(v) != 4)
    return 1;
  {
    extern int v;
    // CHECK: extern int v;
    // CHECK-NOT: v_hcu{{[0-9]+}};
    return g(v) == 3 ? 0 : 2;
  }
}
int main(void) { return f(); }
