// A static function keeps internal linkage for its entry and body; its slot
// gets an assembler name unique to the file so that a patch binds to it, and
// its key in the metadata is file.c/name. File-scope statics are renamed the
// same way (the #pragma keeps declarations in headers consistent).
// RUN: %hcu_transform %s -o %t.c --metadata %t.json -- && FileCheck %s < %t.c && FileCheck --check-prefix=META %s < %t.json
static int counter;

static int bump(int by) {
  counter += by;
  return counter;
}

int tick(void) {
  int v = bump(1);
  return v;
}

// CHECK: {{^}}#pragma redefine_extname counter hcu_s__static_function_c__counter
// CHECK: {{^}}/*static*/ int counter;
// CHECK: {{^}}extern __typeof__(bump) *hcu_slot__bump __asm__("hcu_slot__static_function_c__bump");
// CHECK: {{^}}static int bump__hcu_v1(int by) {
// CHECK: {{^}}static int bump(int by) { {{.*}} return hcu_slot__bump(by); }
// CHECK: {{^}}  if (0) { hcu_resume_1: {{.*}} int v = hcu_slot__bump(1);
// CHECK: {{^}}  {"bump", "static-function.c/bump", {{.*}} HCU_FN_STATIC,
// META: "key": "static-function.c/bump",
// META: "key": "static-function.c/counter",
// META: "symbol": "hcu_s__static_function_c__counter"
