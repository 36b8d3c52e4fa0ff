/* Update description for the benchmark's patch chain (alphabet, version @V@).
 * benchmarks/lib/build.sh replaces @V@ with the patch's version. Patches from
 * version 3 on alternate the v2 and v3 sources of test/alphabet, whose struct
 * server_state is the same: no datatype transformer, only the two functions
 * that can be on the stack (main in accept, serve in its per-tick loop). */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v@V@[] = {{"main", "main"}};

hcu_mapping_function_update_description_t mapping_function_updates_v@V@[] = {
    {"main", "main", 1},
    {"serve", "serve", 0},
};
