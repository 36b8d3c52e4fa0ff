/* A header whose functions the transform refuses or warns about: the
 * diagnostics name the header, at the line and column in it
 * (header-diagnostics.c). */
#ifndef ONLY_WARN
#define NAMED(x) x##_fn
int NAMED(made)(void) { return 0; }
// ERR: {{^}}/{{.*}}/Inputs/headers/bad.h:[[@LINE-1]]:5: error: the name of function 'made_fn' comes from a macro expansion; hcu cannot rename it
#endif
static inline int scratch(int n) {
  int unused;
  // WARN: {{^}}/{{.*}}/Inputs/headers/bad.h:[[@LINE-1]]:7: warning: unused variable 'unused'
  // WARN-NOT: warning:
  return n;
}
