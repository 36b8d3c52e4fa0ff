// What the transform cannot make safe is refused with a compiler-style
// diagnostic at the exact line and column, and no output is written. What it
// can keep correct but not updatable is pinned, with a warning.
// RUN: rm -f %t.c
// RUN: not %hcu_transform %s -o %t.c -- 2>&1 | FileCheck %s
// RUN: test ! -e %t.c
#define NAMED(x) x##_fn

// alias() naming a file-scope static, which gets a file-unique symbol: the
// string is rewritten, which a macro's expansion cannot be.
static int target;
#define ALIAS_OF(x) __attribute__((alias(#x)))
extern int other ALIAS_OF(target);
// CHECK: {{^}}{{.*}}diagnostics.c:[[@LINE-1]]:18: error: cannot retarget alias("target") to 'hcu_s__diagnostics_c__target' (the renamed static): the attribute comes from a macro

int g(int *p);

int NAMED(made)(void) { return 0; }
// CHECK: {{^}}{{.*}}diagnostics.c:[[@LINE-1]]:5: error: the name of function 'made_fn' comes from a macro expansion; hcu cannot rename it

// An address-taken local that shares its declaration is split into its own
// declaration by the normalizer: no diagnostic, the function stays updatable.
int shared(void) {
  int a = 1, b = 2;
  // CHECK-NOT: 'shared' is pinned
  return g(&a) + b;
}
