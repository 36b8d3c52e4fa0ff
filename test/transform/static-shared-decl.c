// Two file-scope statics declared with one `static` (tinyproxy's stats.c:
// `static struct stat_s stats_buf, *stats;`): the keyword is dropped once,
// both get their file-unique assembler names, and the program still works.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: %hcu_cc %test_cflags -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>

struct stat_s {
  int reqs;
};

static struct stat_s stats_buf, *stats;
// CHECK: {{^}}#pragma redefine_extname stats_buf hcu_s__static_shared_decl_c__stats_buf
// CHECK: {{^}}#pragma redefine_extname stats hcu_s__static_shared_decl_c__stats
// CHECK: {{^}}/*static*/ struct stat_s stats_buf, *stats;{{$}}

int main(void) {
  stats = &stats_buf;
  stats->reqs = 7;
  printf("reqs %d\n", stats_buf.reqs);
  return 0;
}
// OUT: {{^}}reqs 7{{$}}
