// Loop heads get an update point: continuation point numbered in source
// order, named loop#k, that saves and restores the locals in scope there.
// RUN: %hcu_transform %s -- | FileCheck %s

int sum(int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += i;
  while (s > 100) {
    s /= 2;
  }
  return s;
}

// CHECK: {{^}}  for (int i = 0; i < n; i++)
// CHECK-NEXT: {{^}}    { if (HCU_PENDING()) { if (hcu_update_point()) { HCU_SAVE_BEGIN hcu_l = {{.*}}hcu_unwind_frame(&hcu_descs[0], 1, (void **)&hcu_f); hcu_f->n = n; hcu_l->s = s; hcu_l->i = i; {{.*}} } } if (0) { hcu_resume_1: s = hcu_l->s; i = hcu_l->i; } s += i; }
// CHECK: {{^}}  while (s > 100) { if (HCU_PENDING()) { if (hcu_update_point()) {{.*}}hcu_unwind_frame(&hcu_descs[0], 2, {{.*}} if (0) { hcu_resume_2: s = hcu_l->s; }
// CHECK: {{^}}static const struct hcu_cp_desc hcu_cps_0[] = { {0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_LOOP, "loop#1"}, {2, HCU_CP_LOOP, "loop#2"}, {0, 0, 0} };
