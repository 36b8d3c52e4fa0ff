/* Variants of mapping_v2.c for the rollback tests (-DNO_COPY: the
 * transformer forgets hcu_copy_stack_frame_fields; -DCRASH: it reads
 * through a wild pointer; -DPOINT=n: the equivalence maps another point), and
 * -DBY_NAME='"loop#2"': the continuation points given by stable name;
 * -DBY_CP: the same with HCU_CP, resolved to numbers by hcu-cc. */
#include "hcu_mappings.h"
#include "hcu_headers.h"

#ifndef POINT
#define POINT 2
#endif

/* -DUP_TO='"bubbleSort"': the main thread rebuilt only up to bubbleSort,
 * whose frame the equivalence turns into heapSort's. */
#ifndef UP_TO
#define UP_TO "main"
#endif

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", UP_TO } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "main", "main", 1 }
};

hcu_mapping_algorithmic_equivalence_t mapping_equivalence_v2_bubblesort[] = {
#if defined(BY_NAME)
  { "bubbleSort", "heapSort", 1, { HCU_CONTINUATION(BY_NAME, "heapify#1") } }
#elif defined(BY_CP)
  { "bubbleSort", "heapSort", 1,
    { { HCU_CP("bubbleSort", "loop#2"), HCU_CP("heapSort", "heapify#1") } } }
#else
  { "bubbleSort", "heapSort", 1, { { POINT, 1 } } }
#endif
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
  struct hcu_stack_local_heapSort_v2_s *to = transform_stack_to;
  struct hcu_stack_local_bubbleSort_v1_s *from = transform_stack_from;
  struct hcu_function_formal_heapSort_v2_s *params = transform_params_to;
#ifdef CRASH
  /* A real SIGSEGV: a load from the first page past NULL, never mapped.
   * Not NULL itself, which UBSan's null check would report (and, with
   * halt_on_error, end the process on) before the fault happens. */
  static volatile unsigned long wild_address = 4096;
  params = *(struct hcu_function_formal_heapSort_v2_s *volatile *)wild_address;
#endif
  params->array_size = from->i + 1;
#ifndef NO_COPY
  hcu_copy_stack_frame_fields(&to->hcu_stack_frame_fields,
                              &from->hcu_stack_frame_fields);
#else
  (void)to;
#endif
}
