// In a patch, a static local whose value can change must bind to the running
// program's storage. One whose declaration cannot move to file scope is
// refused at its name, saying why; one that is const or only read is not
// (each version has its own copy). Outside patch mode the same file builds,
// those static locals staying in place.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo '{"globals": [{"key": "static-locals-refused.c/per_thread#t", "layout": "short#2", "symbol": "hcu_sl__static_locals_refused_c__per_thread__t"}]}' > %t/base.json
// RUN: not %hcu_transform %s --hcu-version=2 --hcu-base=%t/base.json -o %t/out.c -- 2>&1 | FileCheck %s
// RUN: test ! -e %t/out.c
// RUN: %hcu_transform %s -o %t/v1.c -- && FileCheck --check-prefix=V1 %s < %t/v1.c
#define PERSIST static

int local_type(void) {
  struct tally { int n; };
  static struct tally t;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:23: error: static local 't' in 'local_type' cannot get program-wide storage (its type uses 'struct tally', declared in the function), so its value would not carry over to the patch; move it to file scope
  return ++t.n;
}

int local_enum(void) {
  enum { START = 3 };
  static int n = START;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:14: error: static local 'n' in 'local_enum' cannot get program-wide storage (it refers to 'START', declared in the function)
  return n++;
}

const char *name_of(void) {
  static const char *who = __func__;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:22: error: static local 'who' in 'name_of' cannot get program-wide storage (its initializer uses __func__)
  return who++;
}

int macro_inside(void) {
#define FIRST 7
  static int m = FIRST;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:14: error: static local 'm' in 'macro_inside' cannot get program-wide storage (its declaration uses a macro defined inside the function)
  return m++;
}

int keyword_macro(void) {
  PERSIST int hits;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:15: error: static local 'hits' in 'keyword_macro' cannot get program-wide storage (its declaration starts with a macro, which may hold its 'static')
  return ++hits;
}

int local_extern(void) {
  extern int defined_later;
  static int *at = &defined_later;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:15: error: static local 'at' in 'local_extern' cannot get program-wide storage (it refers to 'defined_later', declared in the function)
  at++;
  return *--at;
}
int defined_later;

// The running program has t as a short: new storage would leave every other
// thread's copy behind.
int per_thread(void) {
  static _Thread_local int t;
  // CHECK: {{^}}{{.*}}static-locals-refused.c:[[@LINE-1]]:28: error: thread-local static local 't' in 'per_thread' changed its layout; a datatype transformer could only convert the copy of one thread
  return ++t;
}

// Not refused: a const table and a table only read.
int tables(int i) {
  static const int squares[] = {0, 1, 4, 9};
  static const char *names[] = {"zero", "one"};
  return squares[i] + names[i][0];
}
// CHECK-NOT: error:

// V1: {{^}}  static struct tally t;{{$}}
// V1: {{^}}  static int n = START;{{$}}
// V1: {{^}}  PERSIST int hits;{{$}}
// V1: {{^}}  static const int squares[] = {0, 1, 4, 9};{{$}}
