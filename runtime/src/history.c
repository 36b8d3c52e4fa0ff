/* history.c: the stack of committed updates (see hcu_history.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hcu_engine.h"
#include "hcu_history.h"

static struct hcu_history *top;

struct hcu_history *hcu_history_new(const char *path) {
  struct hcu_history *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  h->path = strdup(path);
  if (!h->path) {
    free(h);
    return NULL;
  }
  return h;
}

void hcu_history_free(struct hcu_history *h) {
  if (!h)
    return;
  free(h->upd);
  free(h->path);
  free(h);
}

void hcu_history_push(struct hcu_history *h) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(h->when, sizeof h->when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  h->prev = top;
  top = h;
}

struct hcu_history *hcu_history_top(void) {
  return top;
}

struct hcu_history *hcu_history_pop(void) {
  struct hcu_history *h = top;
  if (h)
    top = h->prev;
  return h;
}

int hcu_history_unloaded;

void hcu_history_remove(struct hcu_history *h) {
  struct hcu_history **pp = &top, *above = NULL;
  while (*pp && *pp != h) {
    above = *pp;
    pp = &(*pp)->prev;
  }
  if (!*pp)
    return;
  *pp = h->prev;
  if (above)
    above->prev_unloaded = 1;
  hcu_history_unloaded++;
}

int hcu_history_owns(const void *addr) {
  const char *a = addr;
  for (const struct hcu_history *h = top; h; h = h->prev)
    if (a >= (const char *)h && a < (const char *)(h + 1))
      return 1;
  return 0;
}

int hcu_history_threads(void) {
  int n = 0;
  pthread_mutex_lock(&hcu_eng.lock);
  for (struct hcu_thread *t = hcu_eng.threads; t; t = t->next)
    n++;
  pthread_mutex_unlock(&hcu_eng.lock);
  return n;
}
