// A macro whose expansion hides a call of the program is expanded in place
// (on its own line, so later line numbers do not move); a local that shadows
// another gets its own name, so that both can be saved in a frame record.
// RUN: %hcu_transform --normalize-only %s -- | FileCheck %s
int check(int);
#define MUST(x) do { if (!(x)) return -1; } while (0)

int use(int a) {
  MUST(check(a));
  int i = a;
  {
    int i = 2;
    a += i;
  }
  return a + i;
}

// The expansion stays on the invocation's line.
// CHECK-LABEL: {{^}}int use(int a) {
// CHECK-NEXT: {{^}}  do { { __typeof__(int) hcu_n2_1; hcu_n2_1 = check ( a ); if ( ! ( hcu_n2_1 ) ) return - 1 ; } } while ( 0 );
// CHECK-NEXT: {{^}}  int i = a;
// CHECK-NEXT: {{^}}  {
// CHECK-NEXT: {{^}}    int i_hcu2 = 2;
// CHECK-NEXT: {{^}}    a += i_hcu2;
// CHECK-NEXT: {{^}}  }
// CHECK-NEXT: {{^}}  return a + i;
