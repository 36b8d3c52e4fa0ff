// An address-taken local named in the declarator of another one (Lua's
// l_randomizePivot: `unsigned buff[sof(c) + sof(t)];` after `clock_t c`,
// both in the frame arena): the declarator goes, and so do the uses in it;
// the uses that stay are redirected once.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %hcu_transform %s -o %t/out.c -- && FileCheck %s < %t/out.c
// RUN: %hcu_cc %test_cflags -O2 -o %t/prog %s && %t/prog | FileCheck --check-prefix=OUT %s
#include <stdio.h>
#include <string.h>

#define WORDS(e) (sizeof(e) / sizeof(unsigned))

static long seed(void) { return 0x1234567887654321L; }

static unsigned mix(void) {
  long c = seed();
  unsigned buff[WORDS(c) + 1];
  unsigned i, r = 0;
  memcpy(buff, &c, WORDS(c) * sizeof(unsigned));
  buff[WORDS(c)] = 7;
  for (i = 0; i < WORDS(buff); i++)
    r += buff[i];
  return r;
}

int main(void) {
  printf("mix = %u\n", mix());
  return 0;
}
// CHECK: {{^}}  __typeof__(long) c;
// CHECK-NEXT: {{^}}  __typeof__(unsigned int[3]) buff;
// CHECK: (hcu_a->c) = hcu_slot__seed();
// CHECK-NEXT: {{^}}  ;
// CHECK-NEXT: {{^}}  HCU_SAVE_BEGIN unsigned i, r = 0; HCU_SAVE_END
// CHECK-NEXT: {{^}}  memcpy((hcu_a->buff), &(hcu_a->c), WORDS((hcu_a->c)) * sizeof(unsigned));
// OUT: {{^}}mix = 2576980384{{$}}
