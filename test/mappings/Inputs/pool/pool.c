/* Three worker threads wait on one condition variable for jobs that main
 * queues every 20 ms. Each processed job prints which version of worker()
 * and of process() handled it. -DV2 builds version 2 (both print v2). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#ifdef V2
#define VERSION "v2"
#else
#define VERSION "v1"
#endif

#define NJOBS 40

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int queue[NJOBS];
static int head;
static int tail;
static int done;
static int processed;

void process(int job, const char *worker_version) {
  printf("job %d: worker %s process " VERSION "\n", job, worker_version);
  fflush(stdout);
}

void *worker(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&m);
    while (head == tail && !done)
      pthread_cond_wait(&cv, &m);
    if (head == tail) {
      pthread_mutex_unlock(&m);
      break;
    }
    int job = queue[head++];
    processed++;
    pthread_mutex_unlock(&m);
    process(job, VERSION);
  }
  return NULL;
}

int main(void) {
  pthread_t th[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&th[i], NULL, worker, NULL);
  for (int j = 1; j <= NJOBS; j++) {
    pthread_mutex_lock(&m);
    queue[tail++] = j;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
  }
  pthread_mutex_lock(&m);
  done = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&m);
  for (int i = 0; i < 3; i++)
    pthread_join(th[i], NULL);
  printf("main " VERSION " done: %d jobs\n", processed);
  return 0;
}
