/* A login loop for the function-update tests (figure 5-1). Version 1 has a
 * password check that compares only three characters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *banner(void) { return "banner v1"; }

int password_ok(const char *given) { return strncmp(given, "secret", 3) == 0; }

void handle_pass_command(int round) {
  printf("round %d: %s, pass v1, 'sec' accepted=%d\n", round, banner(),
         password_ok("sec"));
  fflush(stdout);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 10;
  for (int r = 1; r <= rounds; r++) {
    handle_pass_command(r);
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
  }
  printf("main v1 done\n");
  return 0;
}
