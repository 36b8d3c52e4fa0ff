// A file the transform refuses (here: a function whose name comes from a
// macro, which hcu cannot rename) fails the build
// with the transform's diagnostics, in compiler form, and leaves no object.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: not %hcu_cc -c %s -o %t/v.o 2>&1 | FileCheck %s
// RUN: not ls %t/v.o
//
#define NAMED(x) x##_fn
// CHECK: {{^}}{{.*}}transform-error.c:[[@LINE+1]]:{{[0-9]+}}: error:
int NAMED(sum)(int n) { return n; }
