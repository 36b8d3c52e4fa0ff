/* gate: a program whose position the tests control line by line on stdin,
 * to update it where safety constraints allow. Every answer starts with the
 * version that printed it (VERSION: "v1", or "v2" in the patch).
 *
 *   ping     answer "<v> <where> ping"
 *   A        enter functionA, which stays until "leave"
 *   B        enter functionB, which goes through stages 1, 2, 3 on "next"
 *   quit     exit 0 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "v1"
#endif

static int readline(char *buf, int n) {
  int i = 0;
  while (i < n - 1) {
    char c;
    if (read(0, &c, 1) != 1)
      return -1;
    if (c == '\n')
      break;
    buf[i++] = c;
  }
  buf[i] = '\0';
  return i;
}

void say(const char *where, const char *what) {
  printf("%s %s %s\n", VERSION, where, what);
  fflush(stdout);
}

void functionA(void) {
  char buf[64];
  say("A", "entered");
  while (readline(buf, sizeof buf) >= 0 && strcmp(buf, "leave") != 0)
    say("A", buf);
  say("A", "left");
}

static void stage(const char *name) {
  char buf[64];
  say(name, "entered");
  while (readline(buf, sizeof buf) >= 0 && strcmp(buf, "next") != 0)
    say(name, buf);
}

void functionB(void) {
  stage("1");
  stage("2");
  stage("3");
  say("B", "left");
}

int main(void) {
  char buf[64];
  say("main", "ready");
  while (readline(buf, sizeof buf) >= 0 && strcmp(buf, "quit") != 0) {
    if (strcmp(buf, "A") == 0)
      functionA();
    else if (strcmp(buf, "B") == 0)
      functionB();
    else
      say("main", buf);
  }
  return 0;
}
