/* constraints.c: checking, resolving and evaluating a patch's safety
 * constraints (UpStare's figure 5-5; semantics in docs/mapping-format.md).
 *
 * Everything here is pure: no engine state, no locks. The tables come from a
 * patch, which anything could have built, so loading checks every field
 * before anything is evaluated, and evaluation never trusts a number it has
 * not checked. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu_constraints.h"
#include "hcu/hcu_errors.h"

#define MAX_ENTRIES 4096 /* more would be a malformed patch */
#define MAX_NAME 512

struct entry {
  int index; /* 1-based, as a user counts the table's entries */
  int line;  /* in the mapping file, 0 if unknown */
  const char *thread; /* "main", or the entry function's key */
  const struct hcu_func_desc *fn;
  const hcu_safety_constraint_t *c;
  int nitems[HCU_MAX_CONSTRAINT_TERMS];
};

struct hcu_constraint_set {
  const char *map;
  int n;
  struct entry e[];
};

static int msgf(char *msg, size_t sz, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int msgf(char *msg, size_t sz, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (sz)
    vsnprintf(msg, sz, fmt, ap);
  va_end(ap);
  return code;
}

static int item_is_empty(const hcu_safety_constraint_item_t *it) {
  return it->min_point == 0 && it->max_point == 0 && it->negated == 0;
}

static int has_point(const struct hcu_func_desc *f, int number) {
  for (int i = 0; i < f->ncps; i++)
    if (f->cps[i].number == number)
      return 1;
  return 0;
}

static int name_ok(const char *s) {
  return s && s[0] && strnlen(s, MAX_NAME) < MAX_NAME;
}

/* "mapping.c:12: safety constraint 2 (thread main, function f)" */
static void where(const struct hcu_constraint_set *s, const struct entry *e,
                  char *buf, size_t sz) {
  char line[32] = "";
  if (e->line > 0)
    snprintf(line, sizeof line, ":%d", e->line);
  snprintf(buf, sz, "%s%s: safety constraint %d (thread %s, function %s)",
           s->map, line, e->index, e->c->thread, e->c->function);
}

static int check_item(const struct hcu_constraint_set *s,
                      const struct entry *e, int term, int k,
                      const hcu_safety_constraint_item_t *it, char *msg,
                      size_t sz) {
  char w[1200];
  where(s, e, w, sizeof w);
  int lo = it->min_point, hi = it->max_point;
  if (lo < -1 || hi < -1)
    return msgf(msg, sz, HCU_ERR_PATCH_INVALID,
                "%s, term %d, item %d: point %d is not a continuation point "
                "number (use -1 for anywhere)",
                w, term, k, lo < -1 ? lo : hi);
  if (it->negated != 0 && it->negated != 1)
    return msgf(msg, sz, HCU_ERR_PATCH_INVALID,
                "%s, term %d, item %d: the negation flag is %d; it must be 0 "
                "or 1",
                w, term, k, it->negated);
  if (lo >= 0 && hi >= 0 && lo >= hi)
    return msgf(msg, sz, HCU_ERR_MAPPING,
                "%s, term %d, item %d: the range from point %d to point %d "
                "is empty",
                w, term, k, lo, hi);
  for (int j = 0; j < 2; j++) {
    int p = j ? hi : lo;
    if (p >= 0 && !has_point(e->fn, p))
      return msgf(msg, sz, HCU_ERR_MAPPING,
                  "%s, term %d, item %d: %s has no continuation point %d "
                  "(its points are 0 to %d)",
                  w, term, k, e->fn->key, p, e->fn->ncps - 1);
  }
  return HCU_OK;
}

/* Checks the terms of one entry and counts their items. */
static int check_terms(const struct hcu_constraint_set *s, struct entry *e,
                       char *msg, size_t sz) {
  char w[1200];
  where(s, e, w, sizeof w);
  const hcu_safety_constraint_t *c = e->c;
  if (c->count < 1 || c->count > HCU_MAX_CONSTRAINT_TERMS)
    return msgf(msg, sz, HCU_ERR_PATCH_INVALID,
                "%s: the number of terms is %d; it must be between 1 and %d",
                w, c->count, HCU_MAX_CONSTRAINT_TERMS);
  for (int t = 0; t < HCU_MAX_CONSTRAINT_TERMS; t++) {
    int n = 0, ended = 0;
    for (int k = 0; k < HCU_MAX_CONSTRAINT_ITEMS; k++) {
      const hcu_safety_constraint_item_t *it = &c->terms[t][k];
      if (item_is_empty(it)) {
        ended = 1;
        continue;
      }
      if (t >= c->count)
        return msgf(msg, sz, HCU_ERR_PATCH_INVALID,
                    "%s: term %d is filled in, but the entry says it has %d "
                    "term%s",
                    w, t + 1, c->count, c->count == 1 ? "" : "s");
      if (ended)
        return msgf(msg, sz, HCU_ERR_PATCH_INVALID,
                    "%s, term %d: item %d follows an empty item", w, t + 1,
                    k + 1);
      int rc = check_item(s, e, t + 1, k + 1, it, msg, sz);
      if (rc != HCU_OK)
        return rc;
      n++;
    }
    if (t < c->count && n == 0)
      return msgf(msg, sz, HCU_ERR_PATCH_INVALID, "%s: term %d has no items",
                  w, t + 1);
    e->nitems[t] = n;
  }
  return HCU_OK;
}

/* A term made only of un-negated "anywhere" items on the thread's own entry
 * function holds for as long as the thread lives. */
static int never_clears(const struct entry *e) {
  if (strcmp(e->thread, e->fn->key) != 0)
    return 0;
  for (int t = 0; t < e->c->count; t++) {
    int all = 1;
    for (int k = 0; k < e->nitems[t] && all; k++) {
      const hcu_safety_constraint_item_t *it = &e->c->terms[t][k];
      all = !it->negated && it->min_point == -1 && it->max_point == -1;
    }
    if (all)
      return t + 1;
  }
  return 0;
}

static int load_entry(struct hcu_constraint_set *s, struct entry *e,
                      hcu_find_fn find, char *msg, size_t sz) {
  const hcu_safety_constraint_t *c = e->c;
  char err[512];
  if (!name_ok(c->thread) || !name_ok(c->function))
    return msgf(msg, sz, HCU_ERR_PATCH_INVALID,
                "%s: safety constraint %d has no %s name (or one longer than "
                "%d bytes)",
                s->map, e->index, name_ok(c->thread) ? "function" : "thread",
                MAX_NAME - 1);
  char w[1200];
  where(s, e, w, sizeof w);
  if (strcmp(c->thread, "main") == 0) {
    e->thread = "main";
  } else {
    const struct hcu_func_desc *t = find(c->thread, err, sizeof err);
    if (!t)
      return msgf(msg, sz, HCU_ERR_MAPPING,
                  "%s: no thread %s: %s (threads are named by their entry "
                  "function)",
                  w, c->thread, err);
    e->thread = t->key;
  }
  e->fn = find(c->function, err, sizeof err);
  if (!e->fn)
    return msgf(msg, sz, HCU_ERR_MAPPING, "%s: %s", w, err);
  int rc = check_terms(s, e, msg, sz);
  if (rc != HCU_OK)
    return rc;
  int t = never_clears(e);
  if (t)
    return msgf(msg, sz, HCU_ERR_MAPPING,
                "%s: term %d can never clear: %s is the thread's entry "
                "function, active for as long as the thread runs",
                w, t, e->fn->key);
  return HCU_OK;
}

int hcu_constraints_load(const struct hcu_patch_info *info, hcu_find_fn find,
                         struct hcu_constraint_set **out, char *msg,
                         size_t msgsz) {
  *out = NULL;
  const char *map = info->mapping_file && name_ok(info->mapping_file)
                        ? info->mapping_file
                        : "the mapping";
  int n = info->nconstraints;
  if (n == 0)
    return HCU_OK;
  if (n < 0 || n > MAX_ENTRIES || !info->constraints)
    return msgf(msg, msgsz, HCU_ERR_PATCH_INVALID,
                "%s: the patch's safety constraint table is malformed (%d "
                "entries%s)",
                map, n, info->constraints ? "" : " at a null address");
  struct hcu_constraint_set *s =
      calloc(1, sizeof *s + (size_t)n * sizeof s->e[0]);
  if (!s)
    return msgf(msg, msgsz, HCU_ERR_NOMEM,
                "out of memory loading %d safety constraints", n);
  s->map = map;
  s->n = n;
  for (int i = 0; i < n; i++) {
    struct entry *e = &s->e[i];
    e->index = i + 1;
    e->line = info->constraint_lines ? info->constraint_lines[i] : 0;
    e->c = &info->constraints[i];
    int rc = load_entry(s, e, find, msg, msgsz);
    if (rc != HCU_OK) {
      free(s);
      return rc;
    }
  }
  *out = s;
  return HCU_OK;
}

void hcu_constraints_free(struct hcu_constraint_set *s) { free(s); }

/* ---- Evaluation ------------------------------------------------------------*/

static int same_fn(const struct hcu_func_desc *a, const struct hcu_func_desc *b) {
  return a == b || (a && b && a->key && b->key && strcmp(a->key, b->key) == 0);
}

/* Has the frame passed point lo and not yet reached point hi? A frame stopped
 * at point p (at an update point, or inside the call there) has reached p
 * but not passed it; once the call at p has returned it has passed it. */
static int in_range(const struct hcu_frame_pos *f, int lo, int hi) {
  int passed = lo < 0 || f->cp > lo ||
               (f->cp == lo && f->kind == HCU_RESUME_AFTER);
  int before = hi < 0 || f->cp < hi;
  return passed && before;
}

static int item_holds(const struct entry *e,
                      const hcu_safety_constraint_item_t *it,
                      const struct hcu_frame_pos *f, size_t nframes) {
  int found = 0;
  for (size_t i = 0; i < nframes && !found; i++)
    found = same_fn(f[i].fn, e->fn) &&
            in_range(&f[i], it->min_point, it->max_point);
  return it->negated ? !found : found;
}

static const char *cp_name(const struct hcu_func_desc *fn, int cp) {
  for (int i = 0; i < fn->ncps; i++)
    if (fn->cps[i].number == cp && fn->cps[i].name)
      return fn->cps[i].name;
  return "?";
}

/* "thread main is in f at point 2 (read#1)", innermost frame of f. */
static void describe(const char *thread, const struct entry *e,
                     const struct hcu_frame_pos *f, size_t nframes, char *buf,
                     size_t sz) {
  for (size_t i = 0; i < nframes; i++)
    if (same_fn(f[i].fn, e->fn)) {
      snprintf(buf, sz, "thread %s is in %s at point %d (%s)%s", thread,
               e->fn->key, f[i].cp, cp_name(f[i].fn, f[i].cp),
               f[i].kind == HCU_RESUME_AFTER ? ", after its call" : "");
      return;
    }
  if (nframes > 0 && f[0].fn)
    snprintf(buf, sz, "thread %s is not in %s (it is in %s at point %d (%s))",
             thread, e->fn->key, f[0].fn->key, f[0].cp,
             cp_name(f[0].fn, f[0].cp));
  else
    snprintf(buf, sz, "thread %s is not in %s", thread, e->fn->key);
}

int hcu_constraints_forbid(const struct hcu_constraint_set *s,
                           const char *thread, const struct hcu_frame_pos *f,
                           size_t nframes, char *why, size_t whysz) {
  if (!s || !thread)
    return 0;
  for (int i = 0; i < s->n; i++) {
    const struct entry *e = &s->e[i];
    if (strcmp(e->thread, thread) != 0)
      continue;
    for (int t = 0; t < e->c->count; t++) {
      int holds = 1;
      for (int k = 0; k < e->nitems[t] && holds; k++)
        holds = item_holds(e, &e->c->terms[t][k], f, nframes);
      if (!holds)
        continue;
      char w[1200], d[600];
      where(s, e, w, sizeof w);
      describe(thread, e, f, nframes, d, sizeof d);
      msgf(why, whysz, 0, "%s forbids the update (term %d holds): %s", w,
           t + 1, d);
      return 1;
    }
  }
  return 0;
}
