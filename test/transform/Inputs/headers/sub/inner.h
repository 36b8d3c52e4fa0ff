/* In a subdirectory: includes its siblings by quote. types.h defines no
 * function (stays an #include, by absolute path); sibling.h does. */
#ifndef INNER_H
#define INNER_H
#include "types.h"
#include "sibling.h"
static inline counter_t inner(counter_t v) { return sibling(v) + 1; }
#endif
