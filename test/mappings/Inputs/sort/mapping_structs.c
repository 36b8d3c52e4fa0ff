/* mapping_v2.c with one mistake each, for frame-structs.test:
 * MISSING_J, WRONG_TYPE, WRONG_VERSION, NO_FIELDS, BAD_SIGNATURE. */
#include "hcu_mappings.h"
#include "hcu_headers.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "main", "main", 1 }
};

hcu_mapping_algorithmic_equivalence_t mapping_equivalence_v2_bubblesort[] = {
  { "bubbleSort", "heapSort", 1, { { 2, 1 } } }
};

#ifdef WRONG_VERSION
struct hcu_stack_local_bubbleSort_v2_s {
#else
struct hcu_stack_local_bubbleSort_v1_s {
#endif
  int i;
#ifndef MISSING_J
  int j;
#endif
  int temp;
#ifndef NO_FIELDS
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
#endif
};

struct hcu_function_formal_heapSort_v2_s {
  int *numbers;
#ifdef WRONG_TYPE
  long array_size;
#else
  int array_size;
#endif
};

#ifdef BAD_SIGNATURE
void HCU_stack_transformer__heapSort(void *transform_stack_to,
                                     void *transform_stack_from) {
  (void)transform_stack_to;
  (void)transform_stack_from;
}
#else
void HCU_stack_transformer__heapSort(void *transform_stack_to,
                                     void *transform_stack_from,
                                     void *transform_params_to) {
  (void)transform_stack_to;
  (void)transform_stack_from;
  (void)transform_params_to;
}
#endif
