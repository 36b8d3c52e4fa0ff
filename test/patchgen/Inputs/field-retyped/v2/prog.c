/* hcu-patchgen test: a field changes to a type that no rule converts. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct user {
  char id[8];
  long logins;
};

struct user me = {"42", 0};

static void handle(const char *cmd) {
  me.logins++;
  printf("user %s logins %ld\n", me.id, me.logins);
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
