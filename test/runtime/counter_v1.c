/* counter_v1.c: hand-written stand-in for what hcu-transform emits for this
 * program, version 1 (docs/design.md, "What the transform emits"):
 *
 *   struct counter { long count; };
 *   struct counter state;
 *   long long start_ms;
 *
 *   static long long now_ms(void) {...}   (uninstrumented helper, libc only)
 *
 *   void tick(struct counter *c) {
 *     c->count++;
 *     printf("v1 count=%ld t=%lld\n", c->count, now_ms() - start_ms);
 *     fflush(stdout);
 *   }
 *
 *   void pause_ms(long ms) {
 *     struct timespec ts;                (address taken: frame arena)
 *     ts.tv_sec = ms / 1000; ts.tv_nsec = ms % 1000 * 1000000;
 *     nanosleep(&ts, NULL);              nanosleep#1 (wrapped)
 *   }
 *
 *   int main(int argc, char **argv) {
 *     long limit = argc > 1 ? atol(argv[1]) : 100;
 *     long ms = argc > 2 ? atol(argv[2]) : 20;
 *     long i;
 *     start_ms = now_ms();
 *     for (i = 0; i < limit; i++) {      loop#1
 *       tick(&state);                    tick#1
 *       pause_ms(ms);                    pause_ms#1
 *     }
 *     return 0;
 *   }
 */
#include "hcu/hcu_rt.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__typeof__(nanosleep) hcu_wrap_nanosleep;

struct counter {
  long count;
};
struct counter state;
long long start_ms;

long long now_ms(void);
void tick(struct counter *c);
void pause_ms(long ms);
int main(int argc, char **argv);

/* Not instrumented in this hand-written version: it only calls libc. */
long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The unit's descriptors are one array, so the pointer a body passes to the
 * runtime is the descriptor the unit registered. */
static const struct hcu_func_desc hcu_funcs[3];
#define hcu_desc__tick (hcu_funcs[0])
#define hcu_desc__main (hcu_funcs[1])
#define hcu_desc__pause_ms (hcu_funcs[2])

/* ---- tick ----------------------------------------------------------------*/
struct hcu_function_formal_tick_v1_s {
  struct counter *c;
};
struct hcu_stack_local_tick_v1_s {
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};
static __typeof__(tick) tick__hcu_v1;
extern __typeof__(tick) *hcu_slot__tick;

static void tick__hcu_v1(struct counter *c) {
  struct hcu_stack_local_tick_v1_s *hcu_l;
  struct hcu_function_formal_tick_v1_s *hcu_f;
  void *hcu_fp;
  if (HCU_PENDING()) {
    hcu_l = hcu_rebuild_frame(&hcu_desc__tick, &hcu_fp);
    if (hcu_l) {
      hcu_f = hcu_fp;
      c = hcu_f->c;
      switch (hcu_l->hcu_stack_frame_fields.cp) {
      default:
        goto hcu_resume_0;
      }
    }
    if (hcu_update_point()) {
      hcu_l = hcu_unwind_frame(&hcu_desc__tick, 0, &hcu_fp);
      hcu_f = hcu_fp;
      hcu_f->c = c;
      return;
    }
  }
  if (0) {
  hcu_resume_0:;
  }
  c->count++;
  printf("v1 count=%ld t=%lld\n", c->count, now_ms() - start_ms);
  fflush(stdout);
}

__typeof__(tick) *hcu_slot__tick = tick__hcu_v1;
void tick(struct counter *c) { hcu_slot__tick(c); }

static const struct hcu_var_desc hcu_formals__tick[] = {
    {"c", "ptr", offsetof(struct hcu_function_formal_tick_v1_s, c),
     sizeof(struct counter *)}};
static const struct hcu_cp_desc hcu_cps__tick[] = {{0, HCU_CP_ENTRY, "entry"}};

/* ---- pause_ms ------------------------------------------------------------*/
struct hcu_function_formal_pause_ms_v1_s {
  long ms;
};
struct hcu_addr_pause_ms_v1_s {
  struct timespec ts;
};
struct hcu_stack_local_pause_ms_v1_s {
  struct hcu_addr_pause_ms_v1_s *hcu_a;
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};
static __typeof__(pause_ms) pause_ms__hcu_v1;
extern __typeof__(pause_ms) *hcu_slot__pause_ms;

static void pause_ms__hcu_v1(long ms) {
  struct hcu_addr_pause_ms_v1_s *hcu_a;
  struct hcu_stack_local_pause_ms_v1_s *hcu_l;
  struct hcu_function_formal_pause_ms_v1_s *hcu_f;
  void *hcu_fp;
  if (HCU_PENDING()) {
    hcu_l = hcu_rebuild_frame(&hcu_desc__pause_ms, &hcu_fp);
    if (hcu_l) {
      hcu_f = hcu_fp;
      ms = hcu_f->ms;
      switch (hcu_l->hcu_stack_frame_fields.cp) {
      case 0:
        goto hcu_resume_0;
      case 1:
        goto hcu_resume_1;
      }
    }
    if (hcu_update_point()) {
      hcu_l = hcu_unwind_frame(&hcu_desc__pause_ms, 0, &hcu_fp);
      hcu_f = hcu_fp;
      hcu_f->ms = ms;
      return;
    }
  }
  if (0) {
  hcu_resume_0:;
  }
  hcu_a = hcu_arena_push(sizeof *hcu_a);
  hcu_a->ts.tv_sec = ms / 1000;
  hcu_a->ts.tv_nsec = ms % 1000 * 1000000;
  {
    if (0) {
    hcu_resume_1:
      hcu_a = hcu_l->hcu_a; /* the rebuilt frame adopts its arena block */
      if (hcu_l->hcu_stack_frame_fields.kind == HCU_RESUME_AFTER)
        goto hcu_after_1;
    }
    hcu_wrap_nanosleep(&hcu_a->ts, NULL);
  hcu_after_1:
    if (HCU_PENDING() && hcu_after_call()) {
      hcu_l = hcu_unwind_frame(&hcu_desc__pause_ms, 1, &hcu_fp);
      hcu_f = hcu_fp;
      hcu_f->ms = ms;
      hcu_l->hcu_a = hcu_a; /* not popped: the block outlives the frame */
      return;
    }
  }
  hcu_arena_pop(hcu_a);
}

__typeof__(pause_ms) *hcu_slot__pause_ms = pause_ms__hcu_v1;
void pause_ms(long ms) { hcu_slot__pause_ms(ms); }

static const struct hcu_var_desc hcu_formals__pause_ms[] = {
    {"ms", "long", offsetof(struct hcu_function_formal_pause_ms_v1_s, ms),
     sizeof(long)}};
static const struct hcu_var_desc hcu_locals__pause_ms[] = {
    {"hcu_a", "arena", offsetof(struct hcu_stack_local_pause_ms_v1_s, hcu_a),
     sizeof(void *)}};
static const struct hcu_cp_desc hcu_cps__pause_ms[] = {
    {0, HCU_CP_ENTRY, "entry"}, {1, HCU_CP_CALL, "nanosleep#1"}};

/* ---- main ----------------------------------------------------------------*/
struct hcu_function_formal_main_v1_s {
  int argc;
  char **argv;
};
struct hcu_stack_local_main_v1_s {
  long limit;
  long ms;
  long i;
  struct hcu_stack_frame_fields_s hcu_stack_frame_fields;
};
static __typeof__(main) main__hcu_v1;
extern __typeof__(main) *hcu_slot__main;

#define SAVE_MAIN(N)                                                           \
  do {                                                                         \
    hcu_l = hcu_unwind_frame(&hcu_desc__main, N, &hcu_fp);                     \
    hcu_f = hcu_fp;                                                            \
    hcu_f->argc = argc;                                                        \
    hcu_f->argv = argv;                                                        \
    hcu_l->limit = limit;                                                      \
    hcu_l->ms = ms;                                                            \
    hcu_l->i = i;                                                              \
    return 0;                                                                  \
  } while (0)
#define RESTORE_MAIN()                                                         \
  do {                                                                         \
    limit = hcu_l->limit;                                                      \
    ms = hcu_l->ms;                                                            \
    i = hcu_l->i;                                                              \
  } while (0)

static int main__hcu_v1(int argc, char **argv) {
  long limit;
  long ms;
  long i;
  struct hcu_stack_local_main_v1_s *hcu_l;
  struct hcu_function_formal_main_v1_s *hcu_f;
  void *hcu_fp;
  if (HCU_PENDING()) {
    hcu_l = hcu_rebuild_frame(&hcu_desc__main, &hcu_fp);
    if (hcu_l) {
      hcu_f = hcu_fp;
      argc = hcu_f->argc;
      argv = hcu_f->argv;
      switch (hcu_l->hcu_stack_frame_fields.cp) {
      case 0:
        goto hcu_resume_0;
      case 1:
        goto hcu_resume_1;
      case 2:
        goto hcu_resume_2;
      case 3:
        goto hcu_resume_3;
      }
    }
    if (hcu_update_point()) {
      /* At the entry only the formals are in scope. */
      hcu_l = hcu_unwind_frame(&hcu_desc__main, 0, &hcu_fp);
      hcu_f = hcu_fp;
      hcu_f->argc = argc;
      hcu_f->argv = argv;
      return 0;
    }
  }
  if (0) {
  hcu_resume_0:;
  }
  limit = argc > 1 ? atol(argv[1]) : 100;
  ms = argc > 2 ? atol(argv[2]) : 20;
  start_ms = now_ms();
  for (i = 0; i < limit; i++) {
    if (HCU_PENDING()) {
      if (hcu_update_point())
        SAVE_MAIN(1);
    }
    if (0) {
    hcu_resume_1:
      RESTORE_MAIN();
    }
    {
      if (0) {
      hcu_resume_2:
        RESTORE_MAIN();
        if (hcu_l->hcu_stack_frame_fields.kind == HCU_RESUME_AFTER)
          goto hcu_after_2;
      }
      hcu_slot__tick(&state);
    hcu_after_2:
      if (HCU_PENDING() && hcu_after_call())
        SAVE_MAIN(2);
    }
    {
      if (0) {
      hcu_resume_3:
        RESTORE_MAIN();
        if (hcu_l->hcu_stack_frame_fields.kind == HCU_RESUME_AFTER)
          goto hcu_after_3;
      }
      hcu_slot__pause_ms(ms);
    hcu_after_3:
      if (HCU_PENDING() && hcu_after_call())
        SAVE_MAIN(3);
    }
  }
  return 0;
}

__typeof__(main) *hcu_slot__main = main__hcu_v1;

/* The thread-entry trampoline. */
int main(int argc, char **argv) {
  for (;;) {
    int r = hcu_slot__main(argc, argv);
    if (!HCU_PENDING() || !hcu_thread_unwound())
      return r;
    hcu_thread_quiesced();
  }
}

static const struct hcu_var_desc hcu_formals__main[] = {
    {"argc", "int", offsetof(struct hcu_function_formal_main_v1_s, argc),
     sizeof(int)},
    {"argv", "ptr", offsetof(struct hcu_function_formal_main_v1_s, argv),
     sizeof(char **)}};
static const struct hcu_var_desc hcu_locals__main[] = {
    {"limit", "long", offsetof(struct hcu_stack_local_main_v1_s, limit),
     sizeof(long)},
    {"ms", "long", offsetof(struct hcu_stack_local_main_v1_s, ms),
     sizeof(long)},
    {"i", "long", offsetof(struct hcu_stack_local_main_v1_s, i),
     sizeof(long)}};
static const struct hcu_cp_desc hcu_cps__main[] = {
    {0, HCU_CP_ENTRY, "entry"},
    {1, HCU_CP_LOOP, "loop#1"},
    {2, HCU_CP_CALL, "tick#1"},
    {3, HCU_CP_CALL, "pause_ms#1"}};

static const struct hcu_func_desc hcu_funcs[3] = {
    {"tick", "tick", (void **)&hcu_slot__tick, (void *)tick__hcu_v1, 0,
     sizeof(struct hcu_function_formal_tick_v1_s),
     sizeof(struct hcu_stack_local_tick_v1_s),
     offsetof(struct hcu_stack_local_tick_v1_s, hcu_stack_frame_fields),
     hcu_formals__tick, 1, NULL, 0, hcu_cps__tick, 1, ""},
    {"main", "main", (void **)&hcu_slot__main, (void *)main__hcu_v1,
     HCU_FN_THREAD_ENTRY, sizeof(struct hcu_function_formal_main_v1_s),
     sizeof(struct hcu_stack_local_main_v1_s),
     offsetof(struct hcu_stack_local_main_v1_s, hcu_stack_frame_fields),
     hcu_formals__main, 2, hcu_locals__main, 3, hcu_cps__main, 4, ""},
    {"pause_ms", "pause_ms", (void **)&hcu_slot__pause_ms,
     (void *)pause_ms__hcu_v1, 0,
     sizeof(struct hcu_function_formal_pause_ms_v1_s),
     sizeof(struct hcu_stack_local_pause_ms_v1_s),
     offsetof(struct hcu_stack_local_pause_ms_v1_s, hcu_stack_frame_fields),
     hcu_formals__pause_ms, 1, hcu_locals__pause_ms, 1, hcu_cps__pause_ms, 2,
     "ts:timespec"}};

static struct hcu_unit_desc hcu_unit = {
    HCU_ABI_VERSION, 1, "counter.c", "counter", hcu_funcs, 3, NULL};

__attribute__((constructor)) static void hcu_register(void) {
  hcu_register_unit(&hcu_unit);
}
