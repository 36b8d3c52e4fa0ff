// An initializer that names the variable it initializes in an unevaluated
// operand (SQLite's `IncrMerger *pIncr = *ppOut = (IncrMerger*)(fault() ? 0 :
// sqlite3MallocZero(sizeof(*pIncr)));`): the hoisted call comes before the
// declaration, where the name is not declared yet, so there the variable is
// spelled as an expression of its type.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform --normalize-only %s -o %t/norm.c -- && FileCheck %s < %t/norm.c
// RUN: %hcu_cc %test_cflags -Wall -Wextra -Werror -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *next; int v[4]; };

static int fault(int n) { return n == 42; }
static void *zalloc(size_t n) { return calloc(1, n); }

static struct node *make(struct node **out, int n) {
  struct node *p = *out = (struct node *)(fault(n) ? 0 : zalloc(sizeof(*p)));
  return p;
}

int main(void) {
  struct node *q;
  struct node *n = make(&q, 1);
  int same = n == q;
  printf("same %d, zeroed %d, faulted %d\n", same, n->v[3] == 0, make(&q, 42) == 0);
  free(n);
  return 0;
}
// CHECK: {{^}}  {{.*}} = zalloc(sizeof(*(*(__typeof__(struct node *) *)0))); {{.*}} struct node *p = *out = (struct node *)(hcu_n{{[0-9_]+}});
// OUT: {{^}}same 1, zeroed 1, faulted 1{{$}}
