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

/* Zeroed before they are freed: an entry points into its patch, and a
 * stale copy in freed memory would keep a later load of the same patch
 * from being unloaded (unload.c reads all memory for such pointers). */
void hcu_history_free(struct hcu_history *h) {
  if (!h)
    return;
  if (h->upd)
    explicit_bzero(h->upd, (size_t)h->nupd * sizeof *h->upd);
  free(h->upd);
  free(h->path);
  explicit_bzero(h, sizeof *h);
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

static struct hcu_history *orphans;

void hcu_history_orphan(struct hcu_history *h) {
  h->prev = orphans;
  orphans = h;
}

struct hcu_history *hcu_history_orphans(void) {
  return orphans;
}

void hcu_history_orphan_remove(struct hcu_history *h) {
  struct hcu_history **pp = &orphans;
  while (*pp && *pp != h)
    pp = &(*pp)->prev;
  if (*pp) {
    *pp = h->prev;
    hcu_history_unloaded++;
  }
}

int hcu_history_owns(const void *addr) {
  const char *a = addr;
  for (const struct hcu_history *h = top; h; h = h->prev)
    if (a >= (const char *)h && a < (const char *)(h + 1))
      return 1;
  for (const struct hcu_history *h = orphans; h; h = h->prev)
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
