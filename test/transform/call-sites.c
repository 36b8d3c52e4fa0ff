// Every call to a function of the program is a numbered continuation point
// with a stable name; calls to functions defined in this file go through
// their slot, others through their entry; libc calls are left alone.
// RUN: %hcu_transform %s -- | FileCheck %s
#include <string.h>

int g(int x);

int h(int x) { return x + (int)strlen("abc"); }

int f(int a) {
  int r = h(a);
  g(r);
  r = h(r);
  return h(r);
}

// CHECK: {{^}}static int f__hcu_v1(int a) {{.*}} switch (hcu_l->hcu_stack_frame_fields.cp) { case 1: goto hcu_resume_1; case 2: goto hcu_resume_2; case 3: goto hcu_resume_3; case 4: goto hcu_resume_4; default: break; }
// The declaration stays one (x keeps its scope; it may be const): resuming
// before it runs the call again, resuming after it restores x.
// CHECK: {{^}}  if (0) { hcu_resume_1: {{.*}}goto hcu_afterinit_1; } hcu_again_1: ; int r = hcu_slot__h(a); if (0) { hcu_afterinit_1: __builtin_memcpy((void *)&r, &hcu_l->r, sizeof(hcu_l->r)); } if (HCU_PENDING() && hcu_after_call())
// CHECK: {{^}}  { if (0) { hcu_resume_2: {{.*}} g(r); hcu_after_2:
// CHECK: {{^}}  { if (0) { hcu_resume_3: {{.*}} r = hcu_slot__h(r); hcu_after_3:
// CHECK: {{^}}  { if (0) { hcu_resume_4: {{.*}} hcu_rv = hcu_slot__h(r); hcu_after_4: {{.*}} return hcu_rv; }
// The stable entry keeps the symbol and calls through the slot; on a thread
// libhcu did not start it is that thread's entry (docs/threads.md).
// CHECK: {{^}}__typeof__(f) *hcu_slot__f = f__hcu_v1;
// CHECK-NEXT: {{^}}int f(int a) { if (__builtin_expect(hcu_self == 0, 0) && hcu_foreign_enter(&hcu_descs[{{[0-9]+}}])) for (;;) { __typeof__(int) hcu_r = hcu_slot__f(a); if (!hcu_foreign_again()) return hcu_r; } return hcu_slot__f(a); }
// CHECK: {{^}}static const struct hcu_cp_desc hcu_cps_1[] = { {0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_CALL, "h#1"}, {2, HCU_CP_CALL, "g#1"}, {3, HCU_CP_CALL, "h#2"}, {4, HCU_CP_CALL, "h#3"}, {0, 0, 0} };
