/* Compiled with -DMB_CONFIG_HEADER="user_config.h": the user's values win over the defaults. */
#include "meterbus/meterbus.h"

/* C99 has no static_assert: an array of negative size stops the build instead. */
typedef char user_gap_applied[(MB_RX_DEFAULT_GAP_MS == 250) ? 1 : -1];
typedef char user_text_applied[(MB_ENABLE_TEXT == 0) ? 1 : -1];
typedef char default_kept[(MB_ENABLE_WIRED == 1) ? 1 : -1];
