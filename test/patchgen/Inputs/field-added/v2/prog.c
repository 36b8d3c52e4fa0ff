/* hcu-patchgen test: v2 adds a field in the middle of a struct held by a
 * global. Commands on stdin: "add" deposits 10, anything else just prints. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct account {
  long balance;
  long last; /* new: the last amount deposited */
  int ops;
};

struct account wallet = {.balance = 100, .last = -1};

static void handle(const char *cmd) {
  if (strncmp(cmd, "add", 3) == 0) {
    wallet.balance += 10;
    wallet.last = 10;
    wallet.ops++;
  }
  printf("balance %ld ops %d last %ld\n", wallet.balance, wallet.ops, wallet.last);
  fflush(stdout);
}

int main(void) {
  char buf[64];
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf - 1);
    if (n <= 0)
      return 0;
    buf[n] = 0;
    handle(buf);
  }
}
