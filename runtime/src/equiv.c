/* equiv.c: what the mapping file says about active frames (UpStare's figure
 * 5-4): algorithmic equivalences, under which a frame of one function
 * continues in another function at a mapped continuation point, and stack
 * transformers, which fill a new frame record from the old one. update.c's
 * map_frames applies them; this file resolves and checks them when the patch
 * is loaded (before any thread is stopped) and runs stack transformers under
 * fault.c's crash guard so that a crashing one rolls the update back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu_engine.h"
#include "hcu_fault.h"

static const char *map_name(const struct hcu_patch_info *i) {
  return i->mapping_file ? i->mapping_file : "the mapping";
}

const struct hcu_cp_desc *hcu_cp_number(const struct hcu_func_desc *f,
                                        int number) {
  for (int i = 0; i < f->ncps; i++)
    if (f->cps[i].number == number)
      return &f->cps[i];
  return NULL;
}

const struct hcu_cp_desc *hcu_cp_named(const struct hcu_func_desc *f,
                                       const char *name) {
  for (int i = 0; i < f->ncps; i++)
    if (strcmp(f->cps[i].name, name) == 0)
      return &f->cps[i];
  return NULL;
}

/* A point of f given by number or (when name is set) by stable name. */
static const struct hcu_cp_desc *point_of(const struct hcu_func_desc *f,
                                          int number, const char *name) {
  return name ? hcu_cp_named(f, name) : hcu_cp_number(f, number);
}

static void point_text(char *buf, size_t n, int number, const char *name) {
  if (name)
    snprintf(buf, n, "'%s'", name);
  else
    snprintf(buf, n, "%d", number);
}

/* The function a mapping names: the patch's first, else the program's. */
static const struct hcu_func_desc *
new_function(const struct hcu_unit_desc *units, const char *name, char *err,
             size_t errsz) {
  char e2[256];
  const struct hcu_func_desc *f = hcu_units_find(units, name, err, errsz);
  if (!f)
    f = hcu_registry_find(name, e2, sizeof e2);
  return f;
}

static int load_one(struct hcu_frame_rules *r, const char *table,
                    const hcu_mapping_algorithmic_equivalence_t *m,
                    const struct hcu_unit_desc *units, char *err,
                    size_t errsz) {
  const char *map = map_name(r->info);
  char why[512];
  if (!m->old_function || !m->new_function) {
    snprintf(err, errsz, "%s: an entry of %s has no function name", map,
             table);
    return HCU_ERR_PATCH_INVALID;
  }
  if (m->count < 0 || m->count > HCU_MAX_CONTINUATIONS) {
    snprintf(err, errsz,
             "%s: %s: %s -> %s lists %d continuation points; between 0 and %d "
             "are possible",
             map, table, m->old_function, m->new_function, m->count,
             HCU_MAX_CONTINUATIONS);
    return HCU_ERR_MAPPING;
  }
  struct hcu_equiv *e = &r->eq[r->neq];
  memset(e, 0, sizeof *e);
  e->table = table;
  e->old_fn = hcu_registry_find(m->old_function, why, sizeof why);
  if (!e->old_fn) {
    snprintf(err, errsz, "%s: %s: equivalence %s -> %s: %s", map, table,
             m->old_function, m->new_function, why);
    return HCU_ERR_MAPPING;
  }
  e->new_fn = new_function(units, m->new_function, why, sizeof why);
  if (!e->new_fn) {
    snprintf(err, errsz, "%s: %s: equivalence %s -> %s: %s", map, table,
             m->old_function, m->new_function, why);
    return HCU_ERR_MAPPING;
  }
  for (int k = 0; k < r->neq; k++)
    if (hcu_same_key(r->eq[k].old_fn, e->old_fn)) {
      snprintf(err, errsz,
               "%s: %s: %s has two algorithmic equivalences (also in %s)", map,
               table, e->old_fn->key, r->eq[k].table);
      return HCU_ERR_MAPPING;
    }
  for (int k = 0; k < m->count; k++) {
    const hcu_mapping_continuation_t *p = &m->points[k];
    const struct hcu_cp_desc *o = point_of(e->old_fn, p->old_point,
                                           p->old_point_name);
    const struct hcu_cp_desc *n = point_of(e->new_fn, p->new_point,
                                           p->new_point_name);
    char pt[96];
    if (!o || !n) {
      const struct hcu_func_desc *f = o ? e->new_fn : e->old_fn;
      if (o)
        point_text(pt, sizeof pt, p->new_point, p->new_point_name);
      else
        point_text(pt, sizeof pt, p->old_point, p->old_point_name);
      snprintf(err, errsz,
               "%s: %s: %s -> %s, point pair %d: %s has no continuation point "
               "%s (it has 0..%d; hcu-transform's output lists them)",
               map, table, m->old_function, m->new_function, k + 1, f->key, pt,
               f->ncps - 1);
      return HCU_ERR_MAPPING;
    }
    for (int j = 0; j < e->n; j++)
      if (e->old_cp[j] == o->number) {
        snprintf(err, errsz,
                 "%s: %s: %s -> %s maps continuation point %d (%s) twice",
                 map, table, m->old_function, m->new_function, o->number,
                 o->name);
        return HCU_ERR_MAPPING;
      }
    e->old_cp[e->n] = o->number;
    e->new_cp[e->n] = n->number;
    e->n++;
  }
  r->neq++;
  return HCU_OK;
}

int hcu_rules_load(struct hcu_frame_rules *r, const struct hcu_patch_info *i,
                   const struct hcu_unit_desc *units,
                   const struct hcu_fn_update *upd, int nupd, char *err,
                   size_t errsz) {
  memset(r, 0, sizeof *r);
  r->info = i;
  r->upd = upd;
  r->nupd = nupd;
  if (i->nequivalences < 0 || (i->nequivalences > 0 && !i->equivalences) ||
      i->nstack_transformers < 0 ||
      (i->nstack_transformers > 0 && !i->stack_transformers)) {
    snprintf(err, errsz, "%s has a malformed hcu_patch_info (equivalences "
                         "or stack transformers)",
             map_name(i));
    return HCU_ERR_PATCH_INVALID;
  }
  int total = 0;
  for (int t = 0; t < i->nequivalences; t++) {
    if (i->equivalences[t].n < 0 ||
        (i->equivalences[t].n > 0 && !i->equivalences[t].v)) {
      snprintf(err, errsz, "%s has a malformed equivalence table",
               map_name(i));
      return HCU_ERR_PATCH_INVALID;
    }
    total += i->equivalences[t].n;
  }
  if (total > 0 && !(r->eq = calloc((size_t)total, sizeof *r->eq))) {
    snprintf(err, errsz, "out of memory loading %d equivalences", total);
    return HCU_ERR_NOMEM;
  }
  for (int t = 0; t < i->nequivalences; t++) {
    const struct hcu_patch_equivalences *tab = &i->equivalences[t];
    const char *name = tab->name ? tab->name : "an equivalence table";
    for (int k = 0; k < tab->n; k++) {
      int rc = load_one(r, name, &tab->v[k], units, err, errsz);
      if (rc != HCU_OK)
        return rc;
    }
  }
  for (int k = 0; k < i->nstack_transformers; k++) {
    const struct hcu_patch_stack_transformer *x = &i->stack_transformers[k];
    char why[512];
    if (!x->function || !x->fn) {
      snprintf(err, errsz, "%s has a malformed stack transformer entry",
               map_name(i));
      return HCU_ERR_PATCH_INVALID;
    }
    if (!new_function(units, x->function, why, sizeof why)) {
      snprintf(err, errsz,
               "%s: HCU_stack_transformer__%s fills frames of a function "
               "the new version does not have: %s",
               map_name(i), x->function, why);
      return HCU_ERR_MAPPING;
    }
  }
  return HCU_OK;
}

void hcu_rules_free(struct hcu_frame_rules *r) {
  free(r->eq);
  r->eq = NULL;
  r->neq = 0;
}

const struct hcu_equiv *hcu_rules_equiv(const struct hcu_frame_rules *r,
                                        const struct hcu_func_desc *fn) {
  for (int k = 0; k < r->neq; k++)
    if (hcu_same_key(r->eq[k].old_fn, fn))
      return &r->eq[k];
  return NULL;
}

int hcu_equiv_target(const struct hcu_equiv *e, const struct hcu_func_desc *fn,
                     int cp) {
  /* A record of an older version than the one the table was checked
   * against (left by a lazy update): same point by name. */
  if (fn != e->old_fn) {
    const struct hcu_cp_desc *d = hcu_cp_number(fn, cp);
    const struct hcu_cp_desc *o = d ? hcu_cp_named(e->old_fn, d->name) : NULL;
    if (!o)
      return -1;
    cp = o->number;
  }
  for (int k = 0; k < e->n; k++)
    if (e->old_cp[k] == cp)
      return e->new_cp[k];
  return -1;
}

const char *hcu_rules_callee(const struct hcu_frame_rules *r,
                             const char *callee) {
  for (int k = 0; k < r->neq; k++)
    if (strcmp(r->eq[k].old_fn->name, callee) == 0)
      return r->eq[k].new_fn->name;
  for (int k = 0; k < r->nupd; k++)
    if (strcmp(r->upd[k].old_fn->name, callee) == 0 &&
        strcmp(r->upd[k].new_fn->name, callee) != 0)
      return r->upd[k].new_fn->name;
  return NULL;
}

hcu_stack_transformer_fn hcu_rules_transformer(const struct hcu_frame_rules *r,
                                               const struct hcu_func_desc *nf) {
  const struct hcu_patch_info *i = r->info;
  if (!i) /* a revert: the mapping's rules do not apply backwards */
    return NULL;
  for (int k = 0; k < i->nstack_transformers; k++) {
    const char *f = i->stack_transformers[k].function;
    if (strcmp(f, nf->key) == 0 || strcmp(f, nf->name) == 0)
      return i->stack_transformers[k].fn;
  }
  return NULL;
}

/* ---- Running a stack transformer under the crash guard (fault.c) --------
 * The guard calls an int (*)(void); the engine runs one update at a time on
 * one thread, so the call's arguments can wait in a static. */

static struct {
  hcu_stack_transformer_fn fn;
  void *to, *from, *params;
} xform_call;

static int call_xform(void) {
  xform_call.fn(xform_call.to, xform_call.from, xform_call.params);
  return 0;
}

int hcu_run_stack_transformer(hcu_stack_transformer_fn fn, void *to,
                              void *from, void *params) {
  xform_call.fn = fn;
  xform_call.to = to;
  xform_call.from = from;
  xform_call.params = params;
  int sig = 0;
  hcu_fault_guarded_call(call_xform, 0, &sig);
  return sig;
}
