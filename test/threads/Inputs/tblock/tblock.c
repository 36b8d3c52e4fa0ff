/* tblock MODE: a second thread blocks once in the call MODE names; the test
 * updates the program while it is blocked, then gives the call what it waits
 * for (a line on stdin, or a signal). The thread reports what it got with
 * report(), whose prefix is "v1" here and "v2" when built with -DV2, so the
 * line shows both that the call completed correctly and in which version.
 *
 *   mutex     pthread_mutex_lock on a mutex main holds until stdin has a line
 *   cond      pthread_cond_wait until main has read a line and signals
 *   timedwait pthread_cond_timedwait, 1.5 s, never signalled: must time out
 *             once, about 1.5 s after it started
 *   sem       sem_wait until main has read a line and posts
 *   join      pthread_join of a thread that reads a line and returns it
 *   epoll     epoll_wait on stdin, then read
 *   ppoll     ppoll on stdin, then read
 *   pselect   pselect on stdin, then read
 *   waitpid   waitpid for a child that reads a line and exits with its length
 *   sigwait   sigwait for SIGUSR1 (the test sends it)
 *   send      send 4 MiB on a socket main reads only after a line on stdin
 *   write     the same with write
 *   sleep     clock_nanosleep 1.5 s: must end about 1.5 s after it started
 *   usleep    usleep 1.5 s: the same
 *   select    select on stdin, then read
 *   recvfrom  recvfrom on a socket main writes a line to after stdin has one
 *   recvmsg   the same with recvmsg
 *   accept4   accept4 on a 127.0.0.1 listener main connects to (and sends a
 *             line on) after stdin has one; then recv
 *   readv     readv of stdin into a 3-byte and a 60-byte buffer
 *   writev    write 4 MiB in three uneven pieces with writev, like send
 *   connect   connect to a 127.0.0.1 listener whose backlog main filled
 *             first (the kernel drops the SYN until main accepts, after
 *             stdin has a line); then recv the line main sends on it
 *   nanosleep nanosleep 3 s: must not end before
 *   sleepsec  sleep(3): the same
 *   wait      wait() for a child that reads a line and exits with its length
 *   timedlock pthread_mutex_timedlock, 3 s, on a mutex main holds until the
 *             thread has ended: must time out, not before the deadline
 *   semtimed  sem_timedwait with a 60 s deadline until main posts (after a
 *             line)
 *   condheld  pthread_cond_wait while main holds the mutex and is blocked in
 *             read (a thread parked holding the mutex must not keep the
 *             waiter, woken for the update, inside the mutex's re-lock)
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BIG (4 << 20)

pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
sem_t sem;
int ready;
char data[64];
int sv[2];
int waiting;               /* condheld: the thread waits on cv */
int lsock = -1;            /* accept4: the thread's listener */
struct sockaddr_in laddr; /* and its address */
const char *mode;

void report(const char *what, const char *text) {
#ifdef V2
  printf("v2 %s %s\n", what, text);
#else
  printf("v1 %s %s\n", what, text);
#endif
  fflush(stdout);
}

double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1 if the CLOCK_REALTIME deadline dl has passed. */
int past(const struct timespec *dl) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec > dl->tv_sec ||
         (ts.tv_sec == dl->tv_sec && ts.tv_nsec >= dl->tv_nsec);
}

/* CLOCK_REALTIME now + ms. */
struct timespec realtime_in(long ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

/* Reads one line from stdin into data (read(), a blocking call itself). */
int read_line(void) {
  ssize_t n = read(0, data, sizeof data - 1);
  if (n <= 0)
    return -1;
  data[n] = '\0';
  data[strcspn(data, "\n")] = '\0';
  return 0;
}

/* A child that reads a line from stdin and exits with its length. */
pid_t fork_reader(void) {
  pid_t pid = fork();
  if (pid == 0) {
    char line[64];
    ssize_t n = read(0, line, sizeof line);
    _exit(n > 0 ? (int)n : 100);
  }
  return pid;
}

void *reader(void *arg) {
  (void)arg;
  int r = read_line();
  if (r != 0)
    return NULL;
  return strdup(data);
}

void *blocked(void *arg) {
  char buf[64];
  (void)arg;
  if (strcmp(mode, "mutex") == 0) {
    pthread_mutex_lock(&m);
    report("mutex", data);
    pthread_mutex_unlock(&m);
  } else if (strcmp(mode, "cond") == 0) {
    pthread_mutex_lock(&m);
    while (!ready) {
      pthread_cond_wait(&cv, &m);
    }
    report("cond", data);
    pthread_mutex_unlock(&m);
  } else if (strcmp(mode, "timedwait") == 0) {
    struct timespec dl;
    int r = 0, calls = 0;
    double t0 = now();
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 1;
    dl.tv_nsec += 500000000L;
    if (dl.tv_nsec >= 1000000000L) {
      dl.tv_sec++;
      dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m);
    while (r != ETIMEDOUT && !ready) {
      calls++;
      r = pthread_cond_timedwait(&cv, &m, &dl);
    }
    pthread_mutex_unlock(&m);
    double t1 = now();
    double took = t1 - t0;
    snprintf(buf, sizeof buf, "%s %s", r == ETIMEDOUT ? "timedout" : "other",
             took > 1.4 && took < 3.0 ? "on-time" : "late-or-early");
    report("timedwait", buf);
  } else if (strcmp(mode, "sem") == 0) {
    sem_wait(&sem);
    report("sem", data);
  } else if (strcmp(mode, "join") == 0) {
    pthread_t t;
    void *res = NULL;
    int r = pthread_create(&t, NULL, reader, NULL);
    if (r != 0)
      return NULL;
    r = pthread_join(t, &res);
    report("join", r == 0 && res ? (char *)res : "failed");
  } else if (strcmp(mode, "epoll") == 0) {
    struct epoll_event ev;
    struct epoll_event out;
    int ep = epoll_create1(0);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
    int n = epoll_wait(ep, &out, 1, -1);
    int r = read_line();
    report("epoll", n == 1 && r == 0 ? data : "failed");
  } else if (strcmp(mode, "ppoll") == 0) {
    struct pollfd p = {0, POLLIN, 0};
    int n = ppoll(&p, 1, NULL, NULL);
    int r = read_line();
    report("ppoll", n == 1 && r == 0 ? data : "failed");
  } else if (strcmp(mode, "pselect") == 0) {
    fd_set rd;
    memset(&rd, 0, sizeof rd); /* FD_ZERO is a loop in a macro */
    FD_SET(0, &rd);
    int n = pselect(1, &rd, NULL, NULL, NULL, NULL);
    int r = read_line();
    report("pselect", n == 1 && r == 0 ? data : "failed");
  } else if (strcmp(mode, "waitpid") == 0) {
    int status = 0;
    pid_t pid = fork_reader();
    pid_t w = waitpid(pid, &status, 0);
    snprintf(buf, sizeof buf, "%s status=%d", w == pid ? "ok" : "failed",
             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    report("waitpid", buf);
  } else if (strcmp(mode, "sigwait") == 0) {
    sigset_t set;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    int r = sigwait(&set, &sig);
    snprintf(buf, sizeof buf, "r=%d sig=%s", r, sig == SIGUSR1 ? "SIGUSR1" : "?");
    report("sigwait", buf);
  } else if (strcmp(mode, "send") == 0 || strcmp(mode, "write") == 0) {
    char *big = malloc(BIG);
    ssize_t n;
    for (int i = 0; i < BIG; i++)
      big[i] = (char)(i % 251);
    if (strcmp(mode, "send") == 0)
      n = send(sv[0], big, BIG, 0);
    else
      n = write(sv[0], big, BIG);
    snprintf(buf, sizeof buf, "%ld", (long)n);
    report(mode, buf);
    free(big);
  } else if (strcmp(mode, "select") == 0) {
    fd_set rd;
    memset(&rd, 0, sizeof rd);
    FD_SET(0, &rd);
    int n = select(1, &rd, NULL, NULL, NULL);
    int r = read_line();
    report("select", n == 1 && r == 0 ? data : "failed");
  } else if (strcmp(mode, "recvfrom") == 0) {
    ssize_t n = recvfrom(sv[1], buf, sizeof buf - 1, 0, NULL, NULL);
    buf[n > 0 ? n : 0] = '\0';
    report("recvfrom", n > 0 ? buf : "failed");
  } else if (strcmp(mode, "recvmsg") == 0) {
    struct iovec iov = {buf, sizeof buf - 1};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t n = recvmsg(sv[1], &msg, 0);
    buf[n > 0 ? n : 0] = '\0';
    report("recvmsg", n > 0 ? buf : "failed");
  } else if (strcmp(mode, "accept4") == 0) {
    int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
    ssize_t n = c >= 0 ? recv(c, buf, sizeof buf - 1, MSG_WAITALL) : -1;
    buf[n > 0 ? n : 0] = '\0';
    report("accept4", n > 0 ? buf : "failed");
  } else if (strcmp(mode, "usleep") == 0) {
    double t0 = now();
    int r = usleep(1500000);
    double took = now() - t0;
    snprintf(buf, sizeof buf, "r=%d %s", r,
             took > 1.4 && took < 3.0 ? "on-time" : "late-or-early");
    report("usleep", buf);
  } else if (strcmp(mode, "sleep") == 0) {
    struct timespec ts = {1, 500000000L};
    double t0 = now();
    int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
    double t1 = now();
    double took = t1 - t0;
    snprintf(buf, sizeof buf, "r=%d %s", r,
             took > 1.4 && took < 3.0 ? "on-time" : "late-or-early");
    report("sleep", buf);
  } else if (strcmp(mode, "readv") == 0) {
    char a[4], b[61];
    struct iovec iov[2] = {{a, 3}, {b, 60}};
    ssize_t n = readv(0, iov, 2);
    a[n > 3 ? 3 : (n > 0 ? n : 0)] = '\0';
    b[n > 3 ? n - 3 : 0] = '\0';
    b[strcspn(b, "\n")] = '\0';
    snprintf(buf, sizeof buf, "%ld %s|%s", (long)n, a, b);
    report("readv", buf);
  } else if (strcmp(mode, "writev") == 0) {
    char *big = malloc(BIG);
    for (int i = 0; i < BIG; i++)
      big[i] = (char)(i % 251);
    struct iovec iov[3] = {{big, 1000}, {big + 1000, BIG - 3000},
                           {big + BIG - 2000, 2000}};
    ssize_t n = writev(sv[0], iov, 3);
    snprintf(buf, sizeof buf, "%ld", (long)n);
    report("writev", buf);
    free(big);
  } else if (strcmp(mode, "connect") == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    int r = c >= 0 ? connect(c, (struct sockaddr *)&laddr, sizeof laddr) : -1;
    ssize_t n = r == 0 ? recv(c, buf, sizeof buf - 1, MSG_WAITALL) : -1;
    buf[n > 0 ? n : 0] = '\0';
    report("connect", r == 0 && n > 0 ? buf : "failed");
  } else if (strcmp(mode, "nanosleep") == 0) {
    struct timespec ts = {3, 0};
    double t0 = now();
    int r = nanosleep(&ts, NULL);
    double took = now() - t0;
    snprintf(buf, sizeof buf, "r=%d %s", r, took >= 3.0 ? "not-early" : "early");
    report("nanosleep", buf);
  } else if (strcmp(mode, "sleepsec") == 0) {
    double t0 = now();
    unsigned r = sleep(3);
    double took = now() - t0;
    snprintf(buf, sizeof buf, "r=%u %s", r, took >= 3.0 ? "not-early" : "early");
    report("sleepsec", buf);
  } else if (strcmp(mode, "wait") == 0) {
    int status = 0;
    pid_t pid = fork_reader();
    pid_t w = wait(&status);
    snprintf(buf, sizeof buf, "%s status=%d", w == pid ? "ok" : "failed",
             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    report("wait", buf);
  } else if (strcmp(mode, "timedlock") == 0) {
    struct timespec dl = realtime_in(3000);
    int r = pthread_mutex_timedlock(&m, &dl);
    snprintf(buf, sizeof buf, "%s %s", r == ETIMEDOUT ? "ETIMEDOUT" : "other",
             past(&dl) ? "not-early" : "early");
    if (r == 0)
      pthread_mutex_unlock(&m);
    report("timedlock", buf);
  } else if (strcmp(mode, "semtimed") == 0) {
    struct timespec dl = realtime_in(60000);
    int r = sem_timedwait(&sem, &dl);
    snprintf(buf, sizeof buf, "r=%d %s", r, data);
    report("semtimed", buf);
  } else if (strcmp(mode, "condheld") == 0) {
    pthread_mutex_lock(&m);
    waiting = 1;
    while (!ready) {
      pthread_cond_wait(&cv, &m);
    }
    report("condheld", data);
    pthread_mutex_unlock(&m);
  }
  return NULL;
}

/* The peer of send/write: reads everything and checks every byte. */
void drain(void) {
  char *got = malloc(BIG);
  long have = 0;
  while (have < BIG) {
    ssize_t n = recv(sv[1], got + have, BIG - have, 0);
    if (n <= 0)
      break;
    have += n;
  }
  long bad = 0;
  for (long i = 0; i < have; i++)
    bad += got[i] != (char)(i % 251);
  printf("peer got %ld bytes, %ld wrong\n", have, bad);
  fflush(stdout);
  free(got);
}

int main(int argc, char **argv) {
  pthread_t t;
  sigset_t set;
  mode = argc > 1 ? argv[1] : "";
  sem_init(&sem, 0, 0);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  int sp = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  if (sp != 0)
    return 1;
  if (strcmp(mode, "mutex") == 0 || strcmp(mode, "timedlock") == 0)
    pthread_mutex_lock(&m); /* before the thread exists: it must wait */
  if (strcmp(mode, "accept4") == 0 || strcmp(mode, "connect") == 0) {
    socklen_t len = sizeof laddr;
    lsock = socket(AF_INET, SOCK_STREAM, 0);
    memset(&laddr, 0, sizeof laddr);
    laddr.sin_family = AF_INET;
    laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lsock < 0 || bind(lsock, (struct sockaddr *)&laddr, sizeof laddr) != 0 ||
        listen(lsock, strcmp(mode, "connect") == 0 ? 0 : 1) != 0 ||
        getsockname(lsock, (struct sockaddr *)&laddr, &len) != 0)
      return 1;
  }
  int filler = -1;
  if (strcmp(mode, "connect") == 0) {
    /* One established connection fills a backlog of 0: the kernel drops
     * further SYNs until it is accepted, so the thread's connect blocks
     * (and retries the SYN after 1 s, 3 s, ...). */
    filler = socket(AF_INET, SOCK_STREAM, 0);
    if (filler < 0 ||
        connect(filler, (struct sockaddr *)&laddr, sizeof laddr) != 0)
      return 1;
    usleep(100000); /* the handshake's last ACK reaches the listener */
  }
  int r = pthread_create(&t, NULL, blocked, NULL);
  if (r != 0)
    return 1;
  int mine = strcmp(mode, "mutex") == 0 || strcmp(mode, "cond") == 0 ||
             strcmp(mode, "sem") == 0 || strcmp(mode, "send") == 0 ||
             strcmp(mode, "write") == 0 || strcmp(mode, "recvfrom") == 0 ||
             strcmp(mode, "recvmsg") == 0 || strcmp(mode, "accept4") == 0 ||
             strcmp(mode, "writev") == 0 || strcmp(mode, "connect") == 0 ||
             strcmp(mode, "semtimed") == 0 ||
             strcmp(mode, "condheld") == 0;
  if (strcmp(mode, "condheld") == 0) {
    /* Hold the mutex, with the thread waiting on cv, then block in read. */
    for (;;) {
      pthread_mutex_lock(&m);
      if (waiting)
        break;
      pthread_mutex_unlock(&m);
      usleep(1000);
    }
  }
  printf("ready\n");
  fflush(stdout);
  if (mine) {
    /* main reads the line itself (blocked in read, updated too) */
    r = read_line();
    if (r != 0)
      return 1;
    if (strcmp(mode, "mutex") == 0) {
      pthread_mutex_unlock(&m);
    } else if (strcmp(mode, "condheld") == 0) {
      ready = 1; /* the mutex is still held since before the read */
      pthread_cond_signal(&cv);
      pthread_mutex_unlock(&m);
    } else if (strcmp(mode, "cond") == 0) {
      pthread_mutex_lock(&m);
      ready = 1;
      pthread_cond_signal(&cv);
      pthread_mutex_unlock(&m);
    } else if (strcmp(mode, "sem") == 0 || strcmp(mode, "semtimed") == 0) {
      sem_post(&sem);
    } else if (strcmp(mode, "recvfrom") == 0 || strcmp(mode, "recvmsg") == 0) {
      if (send(sv[0], data, strlen(data), 0) < 0)
        return 1;
    } else if (strcmp(mode, "accept4") == 0) {
      int c = socket(AF_INET, SOCK_STREAM, 0);
      if (c < 0 || connect(c, (struct sockaddr *)&laddr, sizeof laddr) != 0 ||
          send(c, data, strlen(data), 0) < 0)
        return 1;
      close(c);
    } else if (strcmp(mode, "connect") == 0) {
      int a = accept(lsock, NULL, NULL); /* the filler: room for the thread */
      int c = accept(lsock, NULL, NULL);
      if (a < 0 || c < 0 || send(c, data, strlen(data), 0) < 0)
        return 1;
      close(c);
      close(a);
      close(filler);
    } else {
      drain();
    }
  }
  pthread_join(t, NULL);
  if (strcmp(mode, "timedlock") == 0)
    pthread_mutex_unlock(&m);
  return 0;
}
