// UpStare's figure 5-3: the continuation points of a function are numbered
// from 0 (the entry) in source order, one per update point (a loop head, the
// figure's hcu_try_to_update_N) and one per call of interest, and the
// function's prologue switches on the number to jump back to its point. The
// figure lists vsf_standalone_main's points 0 (entry), 1 (an update point),
// 2 (vsf_sysutil_get_ipaddr_size), 3 (die), 4 (vsf_sysutil_fork); this
// function has the same shape, and our transform must give the same numbers,
// plus a stable name for each (what mappings may write instead).
// Calls to libc (printf here) are not continuation points: they cannot be on
// the stack during an update.
// RUN: %hcu_transform %s --metadata %t.json -o %t.c --
// RUN: FileCheck %s < %t.c
// RUN: FileCheck --check-prefix=META %s < %t.json

#include <stdio.h>

struct vsf_client_launch {
  int fd;
};
int vsf_sysutil_get_ipaddr_size(void);
void die(const char *why);
int vsf_sysutil_fork(void);

struct vsf_client_launch vsf_standalone_main(void) {
  struct vsf_client_launch ret;
  int size = 0;
  while (1) {
    size = vsf_sysutil_get_ipaddr_size();
    if (size <= 0)
      die("bad address size");
    printf("forking\n");
    if (vsf_sysutil_fork() == 0)
      break;
  }
  ret.fd = size;
  return ret;
}

// CHECK: {{^}}static struct vsf_client_launch vsf_standalone_main__hcu_v1(void) {{{.*}}switch (hcu_l->hcu_stack_frame_fields.cp) { case 1: goto hcu_resume_1; case 2: goto hcu_resume_2; case 3: goto hcu_resume_3; case 4: goto hcu_resume_4; default: break; }
// CHECK: {{^}}static const struct hcu_cp_desc hcu_cps_0[] = { {0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_LOOP, "loop#1"}, {2, HCU_CP_CALL, "vsf_sysutil_get_ipaddr_size#1"}, {3, HCU_CP_CALL, "die#1"}, {4, HCU_CP_CALL, "vsf_sysutil_fork#1"}, {0, 0, 0} };

// The metadata lists the same points with their source lines.
// META: "continuation_points": [
// META-NEXT: {
// META-NEXT: "kind": "entry",
// META-NEXT: "line": 24,
// META-NEXT: "n": 0,
// META-NEXT: "name": "entry"
// META: "kind": "loop",
// META-NEXT: "line": 27,
// META-NEXT: "n": 1,
// META-NEXT: "name": "loop#1"
// META: "kind": "call",
// META-NEXT: "line": 28,
// META-NEXT: "n": 2,
// META-NEXT: "name": "vsf_sysutil_get_ipaddr_size#1"
// META: "kind": "call",
// META-NEXT: "line": 30,
// META-NEXT: "n": 3,
// META-NEXT: "name": "die#1"
// META: "kind": "call",
// META-NEXT: "line": 32,
// META-NEXT: "n": 4,
// META-NEXT: "name": "vsf_sysutil_fork#1"
