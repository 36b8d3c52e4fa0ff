/* Update description for sort v1 (bubble sort) -> v2 (heap sort), written
 * in the form of UpStare's figure 5-4.
 *
 * bubbleSort's continuation point 2 is the head of its inner loop (1 is the
 * outer loop, 0 the entry); heapSort's point 1 is its call of heapify. The
 * outer loop of bubble sort moves the largest remaining element to position
 * i, so when it is stopped, numbers[i+1..] are final and heap sort only has
 * to sort the first i+1 elements: the transformer shrinks array_size and
 * leaves heapSort's locals alone (they are set before they are read). */
#include "hcu_mappings.h"
#include "hcu_headers.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "main", "main", 1 }
};

hcu_mapping_algorithmic_equivalence_t mapping_equivalence_v2_bubblesort[] = {
  { "bubbleSort", "heapSort", 1, { { 2, 1 } } }
};

struct hcu_stack_local_bubbleSort_v1_s {
  int i;
  int j;
  int temp;
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};

struct hcu_stack_local_heapSort_v2_s {
  int i;
  int temp;
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};

struct hcu_function_formal_heapSort_v2_s {
  int *numbers;
  int array_size;
};

void HCU_stack_transformer__heapSort(void *transform_stack_to,
                                     void *transform_stack_from,
                                     void *transform_params_to) {
  struct hcu_stack_local_heapSort_v2_s *stack_to;
  struct hcu_stack_local_bubbleSort_v1_s *stack_from;
  struct hcu_function_formal_heapSort_v2_s *params_to;
  stack_to = (struct hcu_stack_local_heapSort_v2_s *)transform_stack_to;
  stack_from = (struct hcu_stack_local_bubbleSort_v1_s *)transform_stack_from;
  params_to = (struct hcu_function_formal_heapSort_v2_s *)transform_params_to;
  /* Keep bubble sort's progress: only the unsorted prefix is left. */
  params_to->array_size = stack_from->i + 1;
  hcu_copy_stack_frame_fields(&stack_to->hcu_stack_frame_fields,
                              &stack_from->hcu_stack_frame_fields);
}
