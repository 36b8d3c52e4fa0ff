/* Runs job 1 (12 steps) and job 2 (2 steps), one step every 50 ms. Each
 * line says which version of job() and of step() printed it, so the tests
 * can see which frames run which code after an update. */
#include <stdio.h>
#include <time.h>

void step(int job, int k, const char *job_version) {
  printf("job %d step %d: job %s step v1\n", job, k, job_version);
  fflush(stdout);
}

void job(int j, int steps) {
  for (int k = 1; k <= steps; k++) {
    step(j, k, "v1");
    struct timespec ts = {0, 50000000L};
    nanosleep(&ts, NULL);
  }
}

int main(void) {
  job(1, 12);
  job(2, 2);
  printf("main v1 done\n");
  return 0;
}
