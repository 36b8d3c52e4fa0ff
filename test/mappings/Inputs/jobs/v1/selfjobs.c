/* jobs.c's version 1, but job 1 asks for its own update at step 2, the way
 * UpStare's HCU_STATIC_REQUEST_UPDATE_*() does: lazily to the patch named
 * by PATCH_PATH if that is defined, else immediately to $HCU_UPDATE_PATCH. */
#include <stdio.h>
#include <time.h>

#include "hcu/hcu.h"

void step(int job, int k, const char *job_version) {
  printf("job %d step %d: job %s step v1\n", job, k, job_version);
  fflush(stdout);
}

void job(int j, int steps) {
  for (int k = 1; k <= steps; k++) {
    step(j, k, "v1");
    if (j == 1 && k == 2) {
#ifdef PATCH_PATH
      int rc = HCU_STATIC_REQUEST_UPDATE_LAZY(PATCH_PATH);
#else
      int rc = HCU_STATIC_REQUEST_UPDATE_IMMEDIATE();
#endif
      printf("request: %d\n", rc);
    }
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
