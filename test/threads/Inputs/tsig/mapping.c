/* tsig v1 -> v2: say() prints "v2"; every function is updated, so every
 * thread's frames are rebuilt in the new code, and the next SIGUSR1 runs the
 * new on_usr1. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = {
    {"main", "main"},
    {"tsig.c/spinner", "tsig.c/spinner"},
    {"sigthread", "sigthread"}};

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
    {"main", "main", 1},         {"tsig.c/spinner", "tsig.c/spinner", 1},
    {"sigthread", "sigthread", 1}, {"on_usr1", "on_usr1", 0},
    {"on_usr2", "on_usr2", 0},   {"say", "say", 0},
    {"handlers_ok", "handlers_ok", 0},
};
