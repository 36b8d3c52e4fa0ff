/* log.c: the runtime's message ring, readable from outside over the control
 * channel ("hcuapply messages"), so a user can ask a running process what
 * happened to its last update. Fixed size: logging never allocates. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hcu_internal.h"
#include "hcu_protocol.h"

static char ring[HCU_LOG_ENTRIES][HCU_LOG_LINE_MAX];
static unsigned long long ring_total; /* entries ever written */
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static int log_verbose;

/* A fork while another thread holds the lock would leave it locked forever in
 * the child: hold it across fork instead. */
static void log_prepare(void) { pthread_mutex_lock(&ring_lock); }
static void log_parent(void) { pthread_mutex_unlock(&ring_lock); }
static void log_child(void) { pthread_mutex_init(&ring_lock, NULL); }

static void log_setup(void) {
  /* The ring's pages are made resident now rather than one by one as it
   * fills: its memory is a fixed cost from the start, not something that
   * grows over the first updates (soak tests compare RSS). */
  explicit_bzero(ring, sizeof ring);
  const char *v = getenv("HCU_VERBOSE");
  log_verbose = v && strcmp(v, "1") == 0;
  pthread_atfork(log_prepare, log_parent, log_child);
}

void hcu_log_init(void) { pthread_once(&log_once, log_setup); }

uint64_t hcu_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* "2025-01-31T12:34:56.123456Z": wall-clock time, to match other logs. */
static void format_timestamp(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%06ldZ", (long)(ts.tv_nsec / 1000));
}

void hcu_log(const char *fmt, ...) {
  char line[HCU_LOG_LINE_MAX];
  hcu_log_init();
  format_timestamp(line, sizeof line);
  size_t n = strlen(line);
  line[n++] = ' ';
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line + n, sizeof line - n, fmt, ap);
  va_end(ap);
  /* One entry is one line, whatever the caller passed. */
  for (char *p = line; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';

  pthread_mutex_lock(&ring_lock);
  /* strncpy pads with zeros: no stale stack bytes in the ring (unload.c
   * reads all memory for pointers). */
  strncpy(ring[ring_total % HCU_LOG_ENTRIES], line, sizeof line);
  ring_total++;
  pthread_mutex_unlock(&ring_lock);

  if (log_verbose)
    fprintf(stderr, "hcu[%ld]: %s\n", (long)getpid(), line);
}

size_t hcu_log_copy(char (*out)[HCU_LOG_LINE_MAX], size_t max) {
  hcu_log_init();
  pthread_mutex_lock(&ring_lock);
  unsigned long long n =
      ring_total < HCU_LOG_ENTRIES ? ring_total : HCU_LOG_ENTRIES;
  if (n > max)
    n = max; /* keep the newest */
  unsigned long long first = ring_total - n;
  for (unsigned long long i = 0; i < n; i++)
    memcpy(out[i], ring[(first + i) % HCU_LOG_ENTRIES], HCU_LOG_LINE_MAX);
  pthread_mutex_unlock(&ring_lock);
  return (size_t)n;
}

unsigned long long hcu_log_oldest(unsigned long long *end) {
  hcu_log_init();
  pthread_mutex_lock(&ring_lock);
  *end = ring_total;
  unsigned long long first =
      ring_total < HCU_LOG_ENTRIES ? 0 : ring_total - HCU_LOG_ENTRIES;
  pthread_mutex_unlock(&ring_lock);
  return first;
}

int hcu_log_entry(unsigned long long seq, char out[HCU_LOG_LINE_MAX]) {
  int ok;
  pthread_mutex_lock(&ring_lock);
  ok = seq < ring_total && ring_total - seq <= HCU_LOG_ENTRIES;
  if (ok)
    memcpy(out, ring[seq % HCU_LOG_ENTRIES], HCU_LOG_LINE_MAX);
  pthread_mutex_unlock(&ring_lock);
  return ok;
}
