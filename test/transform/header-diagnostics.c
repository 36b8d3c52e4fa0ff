// Diagnostics about a function defined in a project header name the header,
// with the line and column in it (checked in the header:
// Inputs/headers/bad.h): the transform's refusals (no output is written)
// and Clang's warnings, shown once although the file is parsed again with
// the header inlined.
// RUN: rm -f %t.c
// RUN: not %hcu_transform %s -o %t.c -- -I%S/Inputs/headers 2>&1 | FileCheck --check-prefix=ERR %S/Inputs/headers/bad.h
// RUN: test ! -e %t.c
// RUN: %hcu_transform %s -o %t.c -- -Wall -DONLY_WARN -I%S/Inputs/headers 2>&1 | FileCheck --check-prefix=WARN %S/Inputs/headers/bad.h
#include "bad.h"

#ifdef ONLY_WARN
int main(void) { return scratch(4); }
#else
int main(void) { return made_fn() + scratch(4); }
#endif
