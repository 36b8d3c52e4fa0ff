/* hcu-patchgen test: the changed function has a static local table that it
 * only reads (tinyproxy's remove_connection_headers has one). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int is_hop_header(const char *name) {
  static const char *hop[] = {"connection", "proxy-connection"};
  for (unsigned i = 0; i != sizeof hop / sizeof hop[0]; ++i)
    if (strncasecmp(name, hop[i], strlen(hop[i])) == 0)
      return 1;
  return 0;
}

static int calls;

static int next_id(void) { return ++calls; }

static void handle(const char *cmd) {
  printf("%d %s\n", next_id(), is_hop_header(cmd) ? "hop" : "end-to-end");
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
