/* Version 2 of jobs.c: the same program, but every function prints v2. */
#include <stdio.h>
#include <time.h>

void step(int job, int k, const char *job_version) {
  printf("job %d step %d: job %s step v2\n", job, k, job_version);
  fflush(stdout);
}

void job(int j, int steps) {
  for (int k = 1; k <= steps; k++) {
    step(j, k, "v2");
    struct timespec ts = {0, 50000000L};
    nanosleep(&ts, NULL);
  }
}

int main(void) {
  job(1, 12);
  job(2, 2);
  printf("main v2 done\n");
  return 0;
}
