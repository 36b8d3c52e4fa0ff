/* Defines no function: stays a header. */
#include "once2.h"
#define WRAPPED 1
