/* hcu_safety_constraints.h: safety constraints of an update (UpStare's
 * figure 5-5), in disjunctive normal form. docs/mapping-format.md gives the
 * exact semantics; in short, for each entry:
 *
 *   { "thread", "function", number_of_terms, { term, term, ... } }
 *
 * the update is forbidden while, for a running thread of that name, any term
 * holds; a term holds when all its items hold; the item {min, max, neg}
 * holds when the thread has an active frame of the function that has passed
 * point min and not yet reached point max (-1: no bound), or, with neg = 1,
 * when it has no such frame. An item whose three fields are 0 ends a term
 * (that is how C fills the unused slots). */
#ifndef HCU_SAFETY_CONSTRAINTS_H
#define HCU_SAFETY_CONSTRAINTS_H

#include "hcu_mappings.h"

#ifndef HCU_MAX_CONSTRAINT_ITEMS
#define HCU_MAX_CONSTRAINT_ITEMS 8 /* items in one term (a conjunction) */
#endif
#ifndef HCU_MAX_CONSTRAINT_TERMS
#define HCU_MAX_CONSTRAINT_TERMS 8 /* terms in one entry (a disjunction) */
#endif

typedef struct hcu_safety_constraint_item {
  int min_point; /* execution has passed this point; -1: from the entry */
  int max_point; /* and has not yet reached this one; -1: to the end */
  int negated;   /* 1: the item holds when no frame is in that range */
} hcu_safety_constraint_item_t;

/* A conjunction of items; unused slots are all zero. */
typedef hcu_safety_constraint_item_t
    hcu_safety_constraint_term_t[HCU_MAX_CONSTRAINT_ITEMS];

typedef struct hcu_safety_constraint {
  const char *thread;   /* "main", or a thread's entry function */
  const char *function; /* the function whose frames the items test */
  int count;            /* number of terms below */
  hcu_safety_constraint_term_t terms[HCU_MAX_CONSTRAINT_TERMS];
} hcu_safety_constraint_t;

/* The seed's prose calls the array type by this name. */
typedef hcu_safety_constraint_t hcu_safety_constraints_t;

#endif /* HCU_SAFETY_CONSTRAINTS_H */
