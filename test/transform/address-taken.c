// A local whose address is taken lives in the per-thread frame arena, so a
// pointer to it stays valid when the frame is unwound and rebuilt. Every
// use is redirected; returns pop the arena block.
// RUN: %hcu_transform %s -- | FileCheck %s
void fill(int *p, char *buf);

int use(int k) {
  int x = k;
  char buf[16] = "hi";
  int plain = 3;
  fill(&x, buf);
  return x + buf[0] + plain;
}

// CHECK: {{^}}struct hcu_addr_use_v1_s {
// CHECK-NEXT: {{^}}  __typeof__(int) x;
// CHECK-NEXT: {{^}}  __typeof__(char[16]) buf;
// CHECK-NEXT: {{^}}};
// CHECK: {{^}}static int use__hcu_v1(int k) {{.*}} hcu_mark = hcu_arena_top; hcu_a = (struct hcu_addr_use_v1_s *)hcu_arena_push(sizeof(struct hcu_addr_use_v1_s));
// CHECK-NEXT: {{^}}  (hcu_a->x) = k;
// CHECK-NEXT: {{^}}  __builtin_memcpy((hcu_a->buf), (__typeof__((hcu_a->buf))){"hi"}, sizeof((hcu_a->buf)));
// CHECK-NEXT: {{^}}  int plain = 3;
// CHECK-NEXT: {{^}}  { if (0) { hcu_resume_1: plain = hcu_l->plain; hcu_a = hcu_l->hcu_a; hcu_mark = hcu_l->hcu_mark; {{.*}} fill(&(hcu_a->x), (hcu_a->buf)); hcu_after_1: {{.*}}hcu_l->hcu_a = hcu_a; hcu_l->hcu_mark = hcu_mark;
// CHECK-NEXT: {{^}}  { __typeof__(int) hcu_ret = ( (hcu_a->x) + (hcu_a->buf)[0] + plain); hcu_arena_pop(hcu_mark); return hcu_ret; }
// The arena block's layout is recorded so an update only adopts a block of the same shape.
// CHECK: {{^}}  {"use", "use", {{.*}}, "x:int#4;buf:char#1[16];", (void *)use},
