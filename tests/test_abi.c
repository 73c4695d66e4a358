/* What a language binding learns from the library it loaded: features and struct sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "meterbus/meterbus.h"

static void features_are_the_build_switches(void **state)
{
    (void)state;
    uint32_t want = (MB_ENABLE_WIRED ? 0x01u : 0u) | (MB_ENABLE_WIRELESS ? 0x02u : 0u) |
                    (MB_ENABLE_SECURITY ? 0x04u : 0u) | (MB_ENABLE_MASTER ? 0x08u : 0u) |
                    (MB_ENABLE_SLAVE ? 0x10u : 0u) | (MB_ENABLE_TEXT ? 0x20u : 0u) |
                    (MB_ENABLE_REAL32 ? 0x40u : 0u) | (MB_ENABLE_AES_TABLES ? 0x80u : 0u);
    assert_int_equal(mb_features(), want);
}

static void sizes_are_the_library_s(void **state)
{
    (void)state;
    assert_int_equal(mb_struct_size(MB_STRUCT_FRAME), sizeof(mb_frame_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_SECONDARY), sizeof(mb_secondary_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_HAL), sizeof(mb_hal_t));
#if MB_ENABLE_WIRED
    assert_int_equal(mb_struct_size(MB_STRUCT_RX), sizeof(mb_rx_t));
#endif
#if MB_ENABLE_MASTER
    assert_int_equal(mb_struct_size(MB_STRUCT_MASTER), sizeof(mb_master_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_MASTER_CONFIG), sizeof(mb_master_config_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_SCAN), sizeof(mb_scan_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_SCAN_FOUND), sizeof(mb_scan_found_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_READOUT), sizeof(mb_readout_t));
#else
    assert_int_equal(mb_struct_size(MB_STRUCT_MASTER), 0);
#endif
#if MB_ENABLE_SLAVE
    assert_int_equal(mb_struct_size(MB_STRUCT_SLAVE), sizeof(mb_slave_t));
#endif
#if MB_ENABLE_WIRELESS
    assert_int_equal(mb_struct_size(MB_STRUCT_WFRAME), sizeof(mb_wframe_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_FORMAT), sizeof(mb_format_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_FORMAT_CACHE), sizeof(mb_format_cache_t));
#endif
#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
    assert_int_equal(mb_struct_size(MB_STRUCT_WMSG), sizeof(mb_wmsg_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_KEYS), sizeof(mb_keys_t));
    assert_int_equal(mb_struct_size(MB_STRUCT_KEY_REQUEST), sizeof(mb_key_request_t));
#endif
    assert_int_equal(mb_struct_size((mb_struct_id_t)0), 0);
    assert_int_equal(mb_struct_size((mb_struct_id_t)999), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(features_are_the_build_switches),
        cmocka_unit_test(sizes_are_the_library_s),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
