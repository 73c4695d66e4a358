/* A user configuration header, as named by -DMB_CONFIG_HEADER="user_config.h". */
#define MB_ENABLE_TEXT       0
#define MB_RX_DEFAULT_GAP_MS 250
