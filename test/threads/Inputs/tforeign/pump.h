/* pump.h: see pump.c. */
#ifndef PUMP_H
#define PUMP_H
typedef int (*pump_fn)(long);
int pump_start(pump_fn cb);
int pump_wait(void);
void pump_stall(void);
#endif
