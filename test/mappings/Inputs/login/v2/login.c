/* Version 2: the password check is fixed, handle_pass_command is renamed
 * handle_pas_command (as in UpStare's figure 5-1), and the banner changed;
 * the mapping leaves the banner out on purpose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *banner(void) { return "banner v2"; }

int password_ok(const char *given) { return strcmp(given, "secret") == 0; }

void handle_pas_command(int round) {
  printf("round %d: %s, pas v2, 'sec' accepted=%d\n", round, banner(),
         password_ok("sec"));
  fflush(stdout);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 10;
  for (int r = 1; r <= rounds; r++) {
    handle_pas_command(r);
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
  }
  printf("main v2 done\n");
  return 0;
}
