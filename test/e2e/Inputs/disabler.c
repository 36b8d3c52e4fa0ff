/* A program that turns its own updates off with hcu_set_updates_enabled(0)
 * (hcu/hcu.h), prints "ready", and then sleeps in a loop. security.py checks
 * that hcuapply status and apply say that updates are disabled. */
#include <hcu/hcu.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  struct timespec tick = {0, 50 * 1000000L};
  int was = hcu_set_updates_enabled(0);
  printf("ready (updates were %s)\n", was ? "enabled" : "disabled");
  fflush(stdout);
  for (;;)
    nanosleep(&tick, NULL);
}
