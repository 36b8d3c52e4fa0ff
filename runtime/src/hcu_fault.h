/* hcu_fault.h: fault injection for tests, and the guard that keeps a crash
 * in a patch's datatype transformer from killing the process (fault.c). */
#ifndef HCU_FAULT_H
#define HCU_FAULT_H

/* Steps of an update at which HCU_FAULT can make it fail. */
enum hcu_fault_step {
  HCU_FAULT_LOAD,              /* patch load (dlopen) */
  HCU_FAULT_BIND,              /* symbol binding of the patch's slots */
  HCU_FAULT_TRANSFORMER,       /* a datatype transformer reports failure */
  HCU_FAULT_TRANSFORMER_CRASH, /* a datatype transformer crashes (SIGSEGV) */
  HCU_FAULT_TIMEOUT,           /* quiescence does not happen in time */
  HCU_FAULT_REBUILD,           /* a frame cannot be rebuilt (mapped) */
  HCU_FAULT_NSTEPS
};

/* Name of a step as written in HCU_FAULT ("transformer-crash"). */
const char *hcu_fault_name(int step);

/* 1 if HCU_FAULT asks this step to fail now. Each listed step fires once
 * (HCU_FAULT=load,timeout), or N times with step:N, then disarms, so that
 * a test can check that the next update succeeds. Control thread only. */
int hcu_fault_fire(int step);

/* Runs fn (a patch's HCU_datatype_transformations_function) on the control
 * thread with SIGSEGV, SIGBUS, SIGILL and SIGFPE caught: a crash returns to
 * here instead of killing the process. Returns fn's result, or sets *crashed
 * to the signal number and returns -1. The program's own handlers are
 * restored before returning. With inject, the call crashes on purpose after
 * fn returned (HCU_FAULT=transformer-crash). */
int hcu_fault_guarded_call(int (*fn)(void), int inject, int *crashed);

#endif /* HCU_FAULT_H */
