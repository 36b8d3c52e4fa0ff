#ifndef TYPES_H
#define TYPES_H
typedef long counter_t;
#endif
