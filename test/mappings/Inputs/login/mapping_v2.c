/* Update description for login v1 -> v2 in the form of UpStare's figure
 * 5-1: the password fix, the renamed command handler and main (the thread
 * entry, flag 1). banner() changed too, but is not listed: it keeps running
 * version 1's code, as a user applying only a fix would want. */
#include "hcu_mappings.h"

hcu_mapping_update_description_t mapping_updates_v2[] = { { "main", "main" } };

hcu_mapping_function_update_description_t mapping_function_updates_v2[] = {
  { "password_ok", "password_ok", 0 },
  { "handle_pass_command", "handle_pas_command", 0 },
  { "main", "main", 1 }
};
