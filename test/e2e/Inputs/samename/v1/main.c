/* A program built from two files with one name, a/util.c and b/util.c, each
 * with a static counter and a static function of the same names (issue 3):
 * built with --hcu-root, their units are a/util.c and b/util.c. It reports
 * both counters for every line it reads from stdin. */
#include <stdio.h>
#include <unistd.h>

int a_tick(void);
int b_tick(void);

int main(void) {
  char c;
  int n = 0;
  printf("ready\n");
  fflush(stdout);
  while (read(0, &c, 1) == 1) {
    if (c != '\n')
      continue;
    int a = a_tick();
    int b = b_tick();
    printf("line %d a=%d b=%d\n", ++n, a, b);
    fflush(stdout);
  }
  return 0;
}
