/* What a language binding asks the library it loaded: its features and the sizes of its structs. */
#include "meterbus/meterbus.h"

uint32_t mb_features(void)
{
    return (MB_ENABLE_WIRED ? MB_FEATURE_WIRED : 0u) |
           (MB_ENABLE_WIRELESS ? MB_FEATURE_WIRELESS : 0u) |
           (MB_ENABLE_SECURITY ? MB_FEATURE_SECURITY : 0u) |
           (MB_ENABLE_MASTER ? MB_FEATURE_MASTER : 0u) | (MB_ENABLE_SLAVE ? MB_FEATURE_SLAVE : 0u) |
           (MB_ENABLE_TEXT ? MB_FEATURE_TEXT : 0u) | (MB_ENABLE_REAL32 ? MB_FEATURE_REAL32 : 0u) |
           (MB_ENABLE_AES_TABLES ? MB_FEATURE_AES_TABLES : 0u);
}

size_t mb_struct_size(mb_struct_id_t id)
{
    switch (id) {
#if MB_ENABLE_WIRED
    case MB_STRUCT_RX: return sizeof(mb_rx_t);
#endif
    case MB_STRUCT_FRAME: return sizeof(mb_frame_t);
    case MB_STRUCT_SECONDARY: return sizeof(mb_secondary_t);
    case MB_STRUCT_HAL: return sizeof(mb_hal_t);
#if MB_ENABLE_MASTER
    case MB_STRUCT_MASTER: return sizeof(mb_master_t);
    case MB_STRUCT_MASTER_CONFIG: return sizeof(mb_master_config_t);
    case MB_STRUCT_SCAN: return sizeof(mb_scan_t);
    case MB_STRUCT_SCAN_FOUND: return sizeof(mb_scan_found_t);
    case MB_STRUCT_READOUT: return sizeof(mb_readout_t);
#endif
#if MB_ENABLE_SLAVE
    case MB_STRUCT_SLAVE: return sizeof(mb_slave_t);
#endif
#if MB_ENABLE_WIRELESS
    case MB_STRUCT_WFRAME: return sizeof(mb_wframe_t);
    case MB_STRUCT_FORMAT: return sizeof(mb_format_t);
    case MB_STRUCT_FORMAT_CACHE: return sizeof(mb_format_cache_t);
#endif
#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
    case MB_STRUCT_WMSG: return sizeof(mb_wmsg_t);
    case MB_STRUCT_KEYS: return sizeof(mb_keys_t);
    case MB_STRUCT_KEY_REQUEST: return sizeof(mb_key_request_t);
#endif
    default: return 0;
    }
}
