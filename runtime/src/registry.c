/* registry.c: the instrumented units of the program and of the patch being
 * loaded, and the current descriptor of every function key. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcu_engine.h"

struct fn_entry {
  const char *key;
  const struct hcu_func_desc *cur; /* the version the slot points to */
  void *entry; /* the first version's stable entry: pointers hold this */
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fn_entry *tab;
static size_t ntab, captab;
static struct hcu_unit_desc *units, **units_tail = &units;
static int program_version = 1;

/* Patch loading: units registered by the loading thread during dlopen go to
 * the pending list instead of the program. */
static int loading;
static pthread_t loader;
static struct hcu_unit_desc *pending, **pending_tail = &pending;
static int pending_bad;

int hcu_same_key(const struct hcu_func_desc *a, const struct hcu_func_desc *b) {
  return a == b || (a && b && a->key && b->key && strcmp(a->key, b->key) == 0);
}

int hcu_current_version(void) {
  return __atomic_load_n(&program_version, __ATOMIC_ACQUIRE);
}

static int var_ok(const struct hcu_var_desc *v, int n, unsigned long size) {
  if (n < 0 || (n > 0 && !v))
    return 0;
  for (int i = 0; i < n; i++)
    if (!v[i].name || !v[i].type || v[i].offset > size ||
        v[i].size > size - v[i].offset)
      return 0;
  return 1;
}

/* Everything the engine later relies on without checking again. */
static const char *func_problem(const struct hcu_func_desc *f) {
  if (!f->name || !f->key)
    return "function without a name or key";
  if (!f->slot || !f->impl)
    return "function without a slot or body";
  if (f->locals_size < sizeof(struct hcu_stack_frame_fields_s) ||
      f->fields_offset >
          f->locals_size - sizeof(struct hcu_stack_frame_fields_s))
    return "frame fields outside the locals record";
  if (!var_ok(f->formals, f->nformals, f->formals_size))
    return "formal outside the formals record";
  if (!var_ok(f->locals, f->nlocals, f->locals_size))
    return "local outside the locals record";
  if (f->ncps < 1 || !f->cps)
    return "no continuation points";
  for (int i = 0; i < f->ncps; i++)
    if (!f->cps[i].name)
      return "continuation point without a name";
  if (!f->arena_layout)
    return "no arena layout";
  return NULL;
}

static int unit_ok(const struct hcu_unit_desc *u) {
  const char *file = u->file ? u->file : "(unnamed unit)";
  if (u->abi != HCU_ABI_VERSION) {
    hcu_log("registry: %s was built for runtime ABI %d, this runtime has ABI "
            "%d; rebuild it (unit ignored)",
            file, u->abi, HCU_ABI_VERSION);
    return 0;
  }
  if (u->nfuncs < 0 || (u->nfuncs > 0 && !u->funcs)) {
    hcu_log("registry: %s has a malformed function table (unit ignored)",
            file);
    return 0;
  }
  for (int i = 0; i < u->nfuncs; i++) {
    const char *why = func_problem(&u->funcs[i]);
    if (why) {
      hcu_log("registry: %s: function %d (%s): %s (unit ignored)", file, i,
              u->funcs[i].key ? u->funcs[i].key : "?", why);
      return 0;
    }
  }
  return 1;
}

static struct fn_entry *find_key(const char *key) {
  for (size_t i = 0; i < ntab; i++)
    if (strcmp(tab[i].key, key) == 0)
      return &tab[i];
  return NULL;
}

static int reserve(size_t more) {
  if (ntab + more <= captab)
    return 0;
  size_t cap = captab ? captab : 64;
  while (cap < ntab + more)
    cap *= 2;
  struct fn_entry *t = realloc(tab, cap * sizeof *t);
  if (!t)
    return -1;
  tab = t;
  captab = cap;
  return 0;
}

/* Adds the unit's functions that are new keys (room reserved by caller). */
static void add_functions(const struct hcu_unit_desc *u) {
  for (int i = 0; i < u->nfuncs; i++) {
    const struct hcu_func_desc *f = &u->funcs[i];
    struct fn_entry *e = find_key(f->key);
    if (!e) {
      tab[ntab].key = f->key;
      tab[ntab].cur = f;
      tab[ntab].entry = f->entry;
      ntab++;
    }
  }
}

void hcu_register_unit(struct hcu_unit_desc *unit) {
  if (!unit)
    return;
  pthread_mutex_lock(&reg_lock);
  int to_patch = loading && pthread_equal(loader, pthread_self());
  if (!unit_ok(unit)) {
    if (to_patch)
      pending_bad++;
    pthread_mutex_unlock(&reg_lock);
    return;
  }
  unit->next = NULL;
  if (to_patch) {
    *pending_tail = unit;
    pending_tail = &unit->next;
    pthread_mutex_unlock(&reg_lock);
    return;
  }
  if (reserve((size_t)unit->nfuncs) != 0) {
    hcu_log("registry: out of memory registering %s; its functions cannot be "
            "updated",
            unit->file ? unit->file : "(unnamed unit)");
    pthread_mutex_unlock(&reg_lock);
    return;
  }
  for (int i = 0; i < unit->nfuncs; i++)
    if (find_key(unit->funcs[i].key))
      hcu_log("registry: function %s is defined twice (again in %s); "
              "updates use the first",
              unit->funcs[i].key, unit->file ? unit->file : "?");
  add_functions(unit);
  *units_tail = unit;
  units_tail = &unit->next;
  /* The program's version is the newest version among its units. */
  if (unit->version > program_version)
    __atomic_store_n(&program_version, unit->version, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&reg_lock);
}

void hcu_registry_fork_child(void) {
  pthread_mutex_init(&reg_lock, NULL);
  loading = 0;
}

void hcu_registry_begin_load(void) {
  pthread_mutex_lock(&reg_lock);
  loading = 1;
  loader = pthread_self();
  pending = NULL;
  pending_tail = &pending;
  pending_bad = 0;
  pthread_mutex_unlock(&reg_lock);
}

struct hcu_unit_desc *hcu_registry_end_load(int *nbad) {
  pthread_mutex_lock(&reg_lock);
  loading = 0;
  struct hcu_unit_desc *u = pending;
  *nbad = pending_bad;
  pending = NULL;
  pending_tail = &pending;
  pending_bad = 0;
  pthread_mutex_unlock(&reg_lock);
  return u;
}

/* By key, else by C name if exactly one current function has it. */
static const struct hcu_func_desc *
find_in(const struct hcu_func_desc *(*next)(void *, size_t), void *ctx,
        const char *name, char *err, size_t errsz, const char *where) {
  const struct hcu_func_desc *f, *by_name = NULL, *other = NULL;
  for (size_t i = 0; (f = next(ctx, i)); i++) {
    if (strcmp(f->key, name) == 0)
      return f;
    if (strcmp(f->name, name) != 0)
      continue;
    if (!by_name)
      by_name = f;
    else if (!other && !hcu_same_key(f, by_name))
      other = f;
  }
  if (by_name && !other)
    return by_name;
  if (other)
    snprintf(err, errsz,
             "'%s' is ambiguous in %s (%s, %s); name it by its file/name key",
             name, where, by_name->key, other->key);
  else
    snprintf(err, errsz, "%s has no function '%s'", where, name);
  return NULL;
}

static const struct hcu_func_desc *next_program(void *ctx, size_t i) {
  (void)ctx;
  return i < ntab ? tab[i].cur : NULL;
}

const struct hcu_func_desc *hcu_registry_find(const char *name, char *err,
                                              size_t errsz) {
  pthread_mutex_lock(&reg_lock);
  const struct hcu_func_desc *f =
      find_in(next_program, NULL, name, err, errsz, "the running program");
  pthread_mutex_unlock(&reg_lock);
  return f;
}

static const struct hcu_func_desc *next_unit_fn(void *ctx, size_t i) {
  for (const struct hcu_unit_desc *u = ctx; u; u = u->next) {
    if (i < (size_t)u->nfuncs)
      return &u->funcs[i];
    i -= (size_t)u->nfuncs;
  }
  return NULL;
}

const struct hcu_func_desc *hcu_units_find(const struct hcu_unit_desc *list,
                                           const char *name, char *err,
                                           size_t errsz) {
  return find_in(next_unit_fn, (void *)list, name, err, errsz, "the patch");
}

const struct hcu_func_desc *hcu_registry_current(const struct hcu_func_desc *d) {
  pthread_mutex_lock(&reg_lock);
  struct fn_entry *e = d && d->key ? find_key(d->key) : NULL;
  const struct hcu_func_desc *cur = e ? e->cur : d;
  pthread_mutex_unlock(&reg_lock);
  return cur;
}

/* A patch's entry of a static function is its own copy, so both the first
 * and the current version's entries name the function. */
const struct hcu_func_desc *hcu_registry_by_entry(const void *fn) {
  const struct hcu_func_desc *f = NULL;
  if (!fn)
    return NULL;
  pthread_mutex_lock(&reg_lock);
  for (size_t i = 0; i < ntab && !f; i++)
    if (tab[i].entry == fn || tab[i].cur->entry == fn)
      f = tab[i].cur;
  pthread_mutex_unlock(&reg_lock);
  return f;
}

/* The key as first registered: a string of the object that defined the
 * function first (the program, for its own functions), which outlives the
 * patches of later versions. */
const char *hcu_registry_stable_key(const struct hcu_func_desc *d) {
  const char *key = d ? d->key : NULL;
  pthread_mutex_lock(&reg_lock);
  struct fn_entry *e = key ? find_key(key) : NULL;
  if (e)
    key = e->key;
  pthread_mutex_unlock(&reg_lock);
  return key;
}

int hcu_registry_prepare(const struct hcu_unit_desc *list) {
  size_t n = 0;
  for (const struct hcu_unit_desc *u = list; u; u = u->next)
    n += (size_t)u->nfuncs;
  pthread_mutex_lock(&reg_lock);
  int rc = reserve(n);
  pthread_mutex_unlock(&reg_lock);
  return rc;
}

void hcu_registry_commit(struct hcu_unit_desc *list,
                         const struct hcu_fn_update *u, int n, int version) {
  pthread_mutex_lock(&reg_lock);
  for (int i = 0; i < n; i++) {
    struct fn_entry *e = find_key(u[i].old_fn->key);
    if (e)
      e->cur = u[i].new_fn;
  }
  /* New functions of the patch (and the new key of a renamed one). */
  for (struct hcu_unit_desc *p = list; p; p = p->next)
    add_functions(p);
  if (list) {
    *units_tail = list;
    while (*units_tail)
      units_tail = &(*units_tail)->next;
  }
  __atomic_store_n(&program_version, version, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&reg_lock);
}

/* ---- Revert (history.c, update.c) -----------------------------------------*/

static int in_units(const struct hcu_unit_desc *list,
                    const struct hcu_func_desc *f) {
  for (const struct hcu_unit_desc *u = list; u; u = u->next)
    if (f >= u->funcs && f < u->funcs + u->nfuncs)
      return 1;
  return 0;
}

const char *hcu_registry_added_key(const struct hcu_unit_desc *list,
                                   const struct hcu_fn_update *u, int n) {
  const char *added = NULL;
  pthread_mutex_lock(&reg_lock);
  for (size_t i = 0; i < ntab && !added; i++) {
    if (!in_units(list, tab[i].cur))
      continue;
    int switched = 0;
    for (int k = 0; k < n && !switched; k++)
      switched = strcmp(u[k].old_fn->key, tab[i].key) == 0;
    if (!switched)
      added = tab[i].key;
  }
  pthread_mutex_unlock(&reg_lock);
  return added;
}

/* Removes the program's units for which drop() says so (under reg_lock);
 * the removed units' own links are left as they were. */
static void unlink_units(int (*drop)(const struct hcu_unit_desc *, void *),
                         void *ctx) {
  struct hcu_unit_desc **pp = &units;
  while (*pp) {
    if (drop(*pp, ctx))
      *pp = (*pp)->next;
    else
      pp = &(*pp)->next;
  }
  units_tail = pp;
}

static int in_list(const struct hcu_unit_desc *u, void *ctx) {
  for (const struct hcu_unit_desc *p = ctx; p; p = p->next)
    if (p == u)
      return 1;
  return 0;
}

void hcu_registry_revert(const struct hcu_unit_desc *list,
                         const struct hcu_fn_update *u, int n, int version) {
  pthread_mutex_lock(&reg_lock);
  for (int i = 0; i < n; i++) {
    struct fn_entry *e = find_key(u[i].new_fn->key);
    if (e)
      e->cur = u[i].new_fn;
  }
  size_t k = 0;
  for (size_t i = 0; i < ntab; i++)
    if (!in_units(list, tab[i].cur))
      tab[k++] = tab[i];
  ntab = k;
  unlink_units(in_list, (void *)list);
  __atomic_store_n(&program_version, version, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&reg_lock);
}

/* ---- Unloading superseded patches (unload.c) ------------------------------*/

static int in_range(const void *p, uintptr_t lo, uintptr_t hi) {
  return (uintptr_t)p >= lo && (uintptr_t)p < hi;
}

const char *hcu_registry_in_range(uintptr_t lo, uintptr_t hi) {
  const char *key = NULL;
  pthread_mutex_lock(&reg_lock);
  for (size_t i = 0; i < ntab && !key; i++) {
    const struct hcu_func_desc *f = tab[i].cur;
    if (in_range(f, lo, hi) || in_range(tab[i].entry, lo, hi) ||
        in_range(tab[i].key, lo, hi) ||
        (f->slot && in_range(__atomic_load_n(f->slot, __ATOMIC_ACQUIRE), lo,
                             hi)))
      key = tab[i].key;
  }
  pthread_mutex_unlock(&reg_lock);
  return key;
}

int hcu_registry_owns(const void *addr) {
  int owns = 0;
  /* In the unload check's snapshot child there is one thread, and the
   * lock may have been copied held. */
  if (!hcu_in_snapshot)
    pthread_mutex_lock(&reg_lock);
  owns = addr == (const void *)&units || addr == (const void *)&units_tail;
  for (const struct hcu_unit_desc *u = units; u && !owns; u = u->next)
    owns = addr == (const void *)&u->next;
  if (!hcu_in_snapshot)
    pthread_mutex_unlock(&reg_lock);
  return owns;
}

struct range {
  uintptr_t lo, hi;
};

static int in_range_ctx(const struct hcu_unit_desc *u, void *ctx) {
  const struct range *r = ctx;
  return in_range(u, r->lo, r->hi);
}

void hcu_registry_forget_range(uintptr_t lo, uintptr_t hi) {
  struct range r = {lo, hi};
  pthread_mutex_lock(&reg_lock);
  unlink_units(in_range_ctx, &r);
  pthread_mutex_unlock(&reg_lock);
}
