/* tserver: a thread per connection and a pool of workers fed through a
 * condition-variable queue. Each client sends lines "CLIENT SEQ"; its
 * connection thread queues a job, waits on a second condition variable
 * until a worker has formatted the reply, and sends it back. The reply's
 * format is what differs between the two versions the test alternates:
 *   version A: "A CLIENT SEQ"
 *   version B: "B CLIENT SEQ CLIENT+SEQ"
 * (version B is this file built with -DVERSION_B.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct job {
  int client, seq;
  int done;
  char reply[96];
  struct job *next;
};

struct queue {
  pthread_mutex_t lock;
  pthread_cond_t nonempty;
  pthread_cond_t finished;
  struct job *head, *tail;
};

struct queue q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                  PTHREAD_COND_INITIALIZER, NULL, NULL};

void format_reply(struct job *j) {
#ifdef VERSION_B
  snprintf(j->reply, sizeof j->reply, "B %d %d %d\n", j->client, j->seq,
           j->client + j->seq);
#else
  snprintf(j->reply, sizeof j->reply, "A %d %d\n", j->client, j->seq);
#endif
}

void enqueue(struct job *j) {
  pthread_mutex_lock(&q.lock);
  j->next = NULL;
  if (q.tail)
    q.tail->next = j;
  else
    q.head = j;
  q.tail = j;
  pthread_cond_signal(&q.nonempty);
  pthread_mutex_unlock(&q.lock);
}

void wait_done(struct job *j) {
  pthread_mutex_lock(&q.lock);
  while (!j->done) {
    pthread_cond_wait(&q.finished, &q.lock);
  }
  pthread_mutex_unlock(&q.lock);
}

void *worker(void *arg) {
  struct job *j;
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&q.lock);
    while (q.head == NULL) {
      pthread_cond_wait(&q.nonempty, &q.lock);
    }
    j = q.head;
    q.head = j->next;
    if (q.head == NULL)
      q.tail = NULL;
    pthread_mutex_unlock(&q.lock);
    format_reply(j);
    pthread_mutex_lock(&q.lock);
    j->done = 1;
    pthread_cond_broadcast(&q.finished);
    pthread_mutex_unlock(&q.lock);
  }
  return NULL;
}

int send_all(int fd, const char *p, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t w = send(fd, p + off, n - off, 0);
    if (w <= 0)
      return -1;
    off += (size_t)w;
  }
  return 0;
}

void *conn_thread(void *arg) {
  int fd = (int)(long)arg;
  char buf[4096];
  size_t len = 0;
  struct job job;
  char *nl;
  for (;;) {
    ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
    if (n <= 0)
      break;
    len += (size_t)n;
    while ((nl = memchr(buf, '\n', len)) != NULL) {
      size_t used = (size_t)(nl + 1 - buf);
      *nl = '\0';
      memset(&job, 0, sizeof job);
      if (sscanf(buf, "%d %d", &job.client, &job.seq) != 2)
        job.client = job.seq = -1;
      enqueue(&job);
      wait_done(&job);
      size_t rl = strlen(job.reply);
      int w = send_all(fd, job.reply, rl);
      if (w < 0)
        len = 0;
      memmove(buf, nl + 1, len - used);
      len -= used;
    }
  }
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  struct sockaddr_in addr;
  socklen_t alen = sizeof addr;
  pthread_t tid;
  int nworkers = argc > 1 ? atoi(argv[1]) : 4;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 ||
      listen(ls, 64) < 0 ||
      getsockname(ls, (struct sockaddr *)&addr, &alen) < 0) {
    perror("listen");
    return 1;
  }
  for (int i = 0; i < nworkers; i++) {
    int r = pthread_create(&tid, NULL, worker, NULL);
    if (r != 0)
      return 1;
    pthread_detach(tid);
  }
  printf("listening %u\n", (unsigned)ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    int fd = accept(ls, NULL, NULL);
    if (fd < 0)
      continue;
    int r = pthread_create(&tid, NULL, conn_thread, (void *)(long)fd);
    if (r != 0)
      close(fd);
    else
      pthread_detach(tid);
  }
}
