/* hcu_mappings.h: the types of an hcu update description (mapping) file.
 *
 * The format is UpStare's (docs/mapping-format.md): a mapping file includes
 * this header and defines, with the suffix of the new version (here _v2):
 *
 *   hcu_mapping_update_description_t          mapping_updates_v2[]
 *   hcu_mapping_function_update_description_t mapping_function_updates_v2[]
 *
 * and optionally HCU_datatype_transformations_function(), datatype
 * transformers (HCU_datatype_transformation__*), algorithmic equivalences and
 * stack transformers (HCU_stack_transformer__<fn>), and safety constraints
 * (hcu_safety_constraints.h).
 */
#ifndef HCU_MAPPINGS_H
#define HCU_MAPPINGS_H

#include "hcu/hcu_rt.h"

/* A thread whose stack is reconstructed: the thread named by its entry
 * function, rebuilt up to (and including) the frame of up_to_function. */
typedef struct hcu_mapping_update_description {
  const char *thread;
  const char *up_to_function;
} hcu_mapping_update_description_t;

/* A function update: old name (running version), new name (the patch; may be
 * a rename), and whether the old function is a thread entry point. */
typedef struct hcu_mapping_function_update_description {
  const char *old_name;
  const char *new_name;
  int thread_entry;
} hcu_mapping_function_update_description_t;

/* One continuation mapping: a point of the old function and the point of the
 * new function where execution continues. Points are numbered per function
 * (0 = entry; hcu-transform's output and metadata list them). A stable name
 * ("loop#2", "siftDown#1", "entry") may be given instead of a number; a name,
 * when present, wins over the number beside it:
 *   { 2, 1 }                                  by number (UpStare's form)
 *   HCU_CONTINUATION("loop#2", "heapify#1")   by name */
typedef struct hcu_mapping_continuation {
  int old_point;
  int new_point;
  const char *old_point_name;
  const char *new_point_name;
} hcu_mapping_continuation_t;

#define HCU_CONTINUATION(old_name, new_name) { -1, -1, old_name, new_name }

/* A continuation point by its stable name, wherever a mapping table takes a
 * point number (the pairs of an algorithmic equivalence, the min and max of
 * a safety constraint item):
 *   { HCU_CP("functionB", "stage#1"), HCU_CP("functionB", "stage#3"), 1 }
 * The function must be the one the field is about (the constraint's
 * function; the old or the new function of an equivalence). hcu-cc resolves
 * it to the point's number in that function's version when it builds the
 * patch, and reports a name the function does not have as an error at the
 * mapping's line. Compiled by anything else it is -2, which the runtime
 * refuses. */
#ifndef HCU_CP_AT
#define HCU_CP_AT(function, point, n)                                         \
  (-2 + 0 * (int)sizeof(function) + 0 * (int)sizeof(point) + 0 * (n))
#endif
#define HCU_CP(function, point) HCU_CP_AT(function, point, __COUNTER__)

#ifndef HCU_MAX_CONTINUATIONS
#define HCU_MAX_CONTINUATIONS 64
#endif

/* Algorithmic equivalence: the old function continues as new_function, from
 * the points listed (count entries of points). */
typedef struct hcu_mapping_algorithmic_equivalence {
  const char *old_function;
  const char *new_function;
  int count;
  hcu_mapping_continuation_t points[HCU_MAX_CONTINUATIONS];
} hcu_mapping_algorithmic_equivalence_t;

/* Marks mapping-file functions that belong to the update machinery itself
 * (UpStare spells the attribute __HCU_ATTRIBUTE_NON_UPDATEABLE__). Mapping
 * files are never instrumented, so this only keeps the symbol. */
#define __HCU_ATTRIBUTE_NON_UPDATEABLE__ __used__

/* The entry point for datatype transformers: returns 0 on success, nonzero to
 * abort the update (nothing is switched then). Optional, hence weak; hidden so
 * that one patch can never pick up an earlier patch's transformers. */
int HCU_datatype_transformations_function(void)
    __attribute__((weak, visibility("hidden")));

/* The reverse of the above, run by `hcuapply revert`: fills the previous
 * version's storage from the new one. A patch whose mapping changes the
 * layout of globals can be reverted only if it defines this. Optional. */
int HCU_datatype_reverse_transformations_function(void)
    __attribute__((weak, visibility("hidden")));

#endif /* HCU_MAPPINGS_H */
