/* tbench N: N threads, each a loop of a little work and a 200 us sleep, and
 * main asleep; the subject of benchmarks/threads/pause.py. V2 (built with
 * -DV2) differs only in step(). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

unsigned long counter[256];

unsigned long step(unsigned long x) {
#ifdef V2
  return x * 3 + 1;
#else
  return x * 5 + 1;
#endif
}

void *spinner(void *arg) {
  long id = (long)arg;
  unsigned long x = (unsigned long)id;
  for (;;) {
    x = step(x);
    counter[id % 256]++;
    usleep(200);
  }
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t t;
  int n = argc > 1 ? atoi(argv[1]) : 1;
  for (long i = 0; i < n; i++) {
    int r = pthread_create(&t, NULL, spinner, (void *)i);
    if (r != 0)
      return 1;
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    sleep(10);
  }
}
