/*
 * Transport layer (include/meterbus/tpl.h): the CI table, long and short transport headers with
 * the configuration field and its mode-7 extension, truncated headers, application errors and
 * alarms, manufacturer CIs, the legacy fixed data structure and the identification helpers.
 *
 * Every expected value comes from the protocol tables (EN 13757-7 CI table, EN 13757-3 headers and
 * identification fields, application error codes), from the OMS Vol.2 Annex N examples (whose
 * transport headers are plaintext), or is worked out by hand in the comment next to it; nothing
 * here was produced by running the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define BUF_CAP 300u

/* Parse hex text that the test itself wrote; a parse failure is a broken test. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* mb_ci_info(ci) must give exactly this header kind, content and direction. */
static void expect_ci(uint8_t ci, mb_tpl_header_t header, mb_ci_content_t content,
                      mb_ci_direction_t direction)
{
    mb_ci_info_t info = mb_ci_info(ci);
    if (info.header != header || info.content != content || info.direction != direction) {
        fail_msg("CI 0x%02X: got header %d content %d direction %d, want %d %d %d", ci,
                 (int)info.header, (int)info.content, (int)info.direction, (int)header,
                 (int)content, (int)direction);
    }
}

/* A transport header full of garbage, so that a decoder that forgets to clear it is caught. */
static void tpl_garbage(mb_tpl_t *t) { memset(t, 0x5A, sizeof *t); }

/* Decode the bytes of @p hex after CI @p ci into @p t; @p buf holds them (apl points into it). */
static int tpl_hex(uint8_t ci, const char *hex, uint8_t *buf, size_t *len, mb_tpl_t *t)
{
    *len = hx(hex, buf, BUF_CAP);
    tpl_garbage(t);
    return mb_tpl_decode(ci, buf, *len, t);
}

/* Nothing of the address is set (no long header). */
static void assert_no_address(const mb_tpl_t *t)
{
    assert_false(t->has_address);
    assert_int_equal(t->address.id, 0);
    assert_int_equal(t->address.manufacturer, 0);
    assert_int_equal(t->address.version, 0);
    assert_int_equal(t->address.medium, 0);
}

/* No configuration field extension and none of its optional fields. */
static void assert_no_config_ext(const mb_tpl_t *t)
{
    assert_false(t->has_config_ext);
    assert_int_equal(t->config_ext, 0);
    assert_false(t->has_message_counter);
    assert_int_equal(t->message_counter, 0);
    assert_false(t->has_key_version);
    assert_int_equal(t->key_version, 0);
}

/* The 29 data bytes (after CI 72) of the OMS Vol.2 Annex N.2.2 RSP_UD. */
#define OMS_N22_DATA \
    "78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F 15 02 FD 17 00 00"

/* ---- CI table ------------------------------------------------------------------ */

/* 0x00-0x1F: reserved for DLMS-based applications; no header, no direction. */
static void ci_dlms_reserved_range(void **state)
{
    (void)state;
    expect_ci(0x00, MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
    expect_ci(0x10, MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
    expect_ci(0x1F, MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
}

/* 0x20-0x4F reserved. */
static void ci_reserved_0x20_to_0x4f(void **state)
{
    (void)state;
    expect_ci(0x20, MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
    expect_ci(0x3A, MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
    expect_ci(0x4F, MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
}

/* The other reserved gaps of the table: 56-59, 5D-5E, 62-63, 76-77, 91-9D, C6-FF. */
static void ci_reserved_gaps(void **state)
{
    (void)state;
    static const uint8_t reserved[] = {0x56, 0x57, 0x58, 0x59, 0x5D, 0x5E, 0x62, 0x63, 0x76,
                                       0x77, 0x91, 0x95, 0x9D, 0xC6, 0xD0, 0xF0, 0xFE, 0xFF};
    for (size_t i = 0; i < sizeof reserved; i++) {
        expect_ci(reserved[i], MB_TPL_HEADER_NONE, MB_CI_RESERVED, MB_CI_ANY);
    }
}

/* 0x50 application reset or select (no header), 0x53 the same with a long header. */
static void ci_application_reset(void **state)
{
    (void)state;
    expect_ci(0x50, MB_TPL_HEADER_NONE, MB_CI_APP_RESET, MB_CI_TO_METER);
    expect_ci(0x53, MB_TPL_HEADER_LONG, MB_CI_APP_RESET, MB_CI_TO_METER);
}

/* 0x51 command with full records (wired), 0x5A short header, 0x5B long header. */
static void ci_commands_to_device(void **state)
{
    (void)state;
    expect_ci(0x51, MB_TPL_HEADER_NONE, MB_CI_RECORDS, MB_CI_TO_METER);
    expect_ci(0x5A, MB_TPL_HEADER_SHORT, MB_CI_RECORDS, MB_CI_TO_METER);
    expect_ci(0x5B, MB_TPL_HEADER_LONG, MB_CI_RECORDS, MB_CI_TO_METER);
}

/* 0x52 selection of a slave (secondary addressing). */
static void ci_selection(void **state)
{
    (void)state;
    expect_ci(0x52, MB_TPL_HEADER_NONE, MB_CI_SELECTION, MB_CI_TO_METER);
}

/* 0x54/0x55 request of the selected application; 0x66/0x67/0x68 its response. */
static void ci_selected_application(void **state)
{
    (void)state;
    expect_ci(0x54, MB_TPL_HEADER_NONE, MB_CI_SELECTED_APP, MB_CI_TO_METER);
    expect_ci(0x55, MB_TPL_HEADER_LONG, MB_CI_SELECTED_APP, MB_CI_TO_METER);
    expect_ci(0x66, MB_TPL_HEADER_NONE, MB_CI_SELECTED_APP, MB_CI_FROM_METER);
    expect_ci(0x67, MB_TPL_HEADER_SHORT, MB_CI_SELECTED_APP, MB_CI_FROM_METER);
    expect_ci(0x68, MB_TPL_HEADER_LONG, MB_CI_SELECTED_APP, MB_CI_FROM_METER);
}

/* 0x5C synchronize action. */
static void ci_synchronize(void **state)
{
    (void)state;
    expect_ci(0x5C, MB_TPL_HEADER_NONE, MB_CI_SYNC, MB_CI_TO_METER);
}

/* 0x5F, 0x9E, 0x9F: specific usage (OMS), no content kind of their own, both directions. */
static void ci_specific_usage(void **state)
{
    (void)state;
    expect_ci(0x5F, MB_TPL_HEADER_LONG, MB_CI_RESERVED, MB_CI_ANY);
    expect_ci(0x9E, MB_TPL_HEADER_SHORT, MB_CI_RESERVED, MB_CI_ANY);
    expect_ci(0x9F, MB_TPL_HEADER_LONG, MB_CI_RESERVED, MB_CI_ANY);
}

/* DLMS/COSEM and OBIS: 60/61 and 64/65 to the device, 7C/7D and 7E/7F from it (long/short). */
static void ci_dlms_and_obis(void **state)
{
    (void)state;
    expect_ci(0x60, MB_TPL_HEADER_LONG, MB_CI_DLMS, MB_CI_TO_METER);
    expect_ci(0x61, MB_TPL_HEADER_SHORT, MB_CI_DLMS, MB_CI_TO_METER);
    expect_ci(0x64, MB_TPL_HEADER_LONG, MB_CI_DLMS, MB_CI_TO_METER);
    expect_ci(0x65, MB_TPL_HEADER_SHORT, MB_CI_DLMS, MB_CI_TO_METER);
    expect_ci(0x7C, MB_TPL_HEADER_LONG, MB_CI_DLMS, MB_CI_FROM_METER);
    expect_ci(0x7D, MB_TPL_HEADER_SHORT, MB_CI_DLMS, MB_CI_FROM_METER);
    expect_ci(0x7E, MB_TPL_HEADER_LONG, MB_CI_DLMS, MB_CI_FROM_METER);
    expect_ci(0x7F, MB_TPL_HEADER_SHORT, MB_CI_DLMS, MB_CI_FROM_METER);
}

/* 0x69/0x6A/0x6B: response with format frame, none/short/long header. */
static void ci_format_frames(void **state)
{
    (void)state;
    expect_ci(0x69, MB_TPL_HEADER_NONE, MB_CI_FORMAT, MB_CI_FROM_METER);
    expect_ci(0x6A, MB_TPL_HEADER_SHORT, MB_CI_FORMAT, MB_CI_FROM_METER);
    expect_ci(0x6B, MB_TPL_HEADER_LONG, MB_CI_FORMAT, MB_CI_FROM_METER);
}

/* 0x6C/0x6D: time sync to the device, absolute / relative, long header. */
static void ci_time_sync(void **state)
{
    (void)state;
    expect_ci(0x6C, MB_TPL_HEADER_LONG, MB_CI_TIME_SYNC, MB_CI_TO_METER);
    expect_ci(0x6D, MB_TPL_HEADER_LONG, MB_CI_TIME_SYNC, MB_CI_TO_METER);
}

/* Application errors: 0x6E short, 0x6F long, 0x70 no header. */
static void ci_application_errors(void **state)
{
    (void)state;
    expect_ci(0x6E, MB_TPL_HEADER_SHORT, MB_CI_APP_ERROR, MB_CI_FROM_METER);
    expect_ci(0x6F, MB_TPL_HEADER_LONG, MB_CI_APP_ERROR, MB_CI_FROM_METER);
    expect_ci(0x70, MB_TPL_HEADER_NONE, MB_CI_APP_ERROR, MB_CI_FROM_METER);
}

/* Alarms: 0x71 no header, 0x74 short, 0x75 long. */
static void ci_alarms(void **state)
{
    (void)state;
    expect_ci(0x71, MB_TPL_HEADER_NONE, MB_CI_ALARM, MB_CI_FROM_METER);
    expect_ci(0x74, MB_TPL_HEADER_SHORT, MB_CI_ALARM, MB_CI_FROM_METER);
    expect_ci(0x75, MB_TPL_HEADER_LONG, MB_CI_ALARM, MB_CI_FROM_METER);
}

/* EN 13757-3 responses: 0x72 long (wired RSP_UD), 0x78 none, 0x7A short (wM-Bus). */
static void ci_record_responses(void **state)
{
    (void)state;
    expect_ci(0x72, MB_TPL_HEADER_LONG, MB_CI_RECORDS, MB_CI_FROM_METER);
    expect_ci(0x78, MB_TPL_HEADER_NONE, MB_CI_RECORDS, MB_CI_FROM_METER);
    expect_ci(0x7A, MB_TPL_HEADER_SHORT, MB_CI_RECORDS, MB_CI_FROM_METER);
}

/* Compact frames: 0x73 long (13757-7 reading), 0x79 none, 0x7B short. */
static void ci_compact_frames(void **state)
{
    (void)state;
    expect_ci(0x73, MB_TPL_HEADER_LONG, MB_CI_COMPACT, MB_CI_FROM_METER);
    expect_ci(0x79, MB_TPL_HEADER_NONE, MB_CI_COMPACT, MB_CI_FROM_METER);
    expect_ci(0x7B, MB_TPL_HEADER_SHORT, MB_CI_COMPACT, MB_CI_FROM_METER);
}

/* Transport layer without application data: 80, 84, 85 to the device (long); 8A/8B from it. */
static void ci_tpl_only(void **state)
{
    (void)state;
    expect_ci(0x80, MB_TPL_HEADER_LONG, MB_CI_TPL_ONLY, MB_CI_TO_METER);
    expect_ci(0x84, MB_TPL_HEADER_LONG, MB_CI_TPL_ONLY, MB_CI_TO_METER);
    expect_ci(0x85, MB_TPL_HEADER_LONG, MB_CI_TPL_ONLY, MB_CI_TO_METER);
    expect_ci(0x8A, MB_TPL_HEADER_SHORT, MB_CI_TPL_ONLY, MB_CI_FROM_METER);
    expect_ci(0x8B, MB_TPL_HEADER_LONG, MB_CI_TPL_ONLY, MB_CI_FROM_METER);
}

/* 0x81 network layer; network management 82/83 to the device, 87/88/89 from it. */
static void ci_network_layer_and_management(void **state)
{
    (void)state;
    expect_ci(0x81, MB_TPL_HEADER_OTHER, MB_CI_NETWORK_LAYER, MB_CI_ANY);
    expect_ci(0x82, MB_TPL_HEADER_LONG, MB_CI_NETWORK_MANAGEMENT, MB_CI_TO_METER);
    expect_ci(0x83, MB_TPL_HEADER_NONE, MB_CI_NETWORK_MANAGEMENT, MB_CI_TO_METER);
    expect_ci(0x87, MB_TPL_HEADER_LONG, MB_CI_NETWORK_MANAGEMENT, MB_CI_FROM_METER);
    expect_ci(0x88, MB_TPL_HEADER_SHORT, MB_CI_NETWORK_MANAGEMENT, MB_CI_FROM_METER);
    expect_ci(0x89, MB_TPL_HEADER_NONE, MB_CI_NETWORK_MANAGEMENT, MB_CI_FROM_METER);
}

/* Extended link layer 0x86 and 0x8C-0x8F, AFL 0x90: layers of their own. */
static void ci_ell_and_afl(void **state)
{
    (void)state;
    expect_ci(0x86, MB_TPL_HEADER_OTHER, MB_CI_ELL, MB_CI_ANY);
    expect_ci(0x8C, MB_TPL_HEADER_OTHER, MB_CI_ELL, MB_CI_ANY);
    expect_ci(0x8D, MB_TPL_HEADER_OTHER, MB_CI_ELL, MB_CI_ANY);
    expect_ci(0x8E, MB_TPL_HEADER_OTHER, MB_CI_ELL, MB_CI_ANY);
    expect_ci(0x8F, MB_TPL_HEADER_OTHER, MB_CI_ELL, MB_CI_ANY);
    expect_ci(0x90, MB_TPL_HEADER_OTHER, MB_CI_AFL, MB_CI_ANY);
}

/* 0xA0-0xB7 manufacturer specific, both directions; the codes around it are something else. */
static void ci_manufacturer_range(void **state)
{
    (void)state;
    for (unsigned ci = 0xA0; ci <= 0xB7; ci++) {
        expect_ci((uint8_t)ci, MB_TPL_HEADER_NONE, MB_CI_MANUFACTURER, MB_CI_ANY);
    }
    assert_int_not_equal(mb_ci_info(0x9F).content, MB_CI_MANUFACTURER);
    assert_int_not_equal(mb_ci_info(0xB8).content, MB_CI_MANUFACTURER);
}

/* 0xB8-0xBF: set baud rate (300 .. 38400 Bd), to the device, no header. */
static void ci_baud_rates(void **state)
{
    (void)state;
    for (unsigned ci = 0xB8; ci <= 0xBF; ci++) {
        expect_ci((uint8_t)ci, MB_TPL_HEADER_NONE, MB_CI_BAUD, MB_CI_TO_METER);
    }
}

/* Image transfer C0 (to, long) C1 (from, short) C2 (from, long); security info C3/C4/C5. */
static void ci_image_and_security_transfer(void **state)
{
    (void)state;
    expect_ci(0xC0, MB_TPL_HEADER_LONG, MB_CI_IMAGE_TRANSFER, MB_CI_TO_METER);
    expect_ci(0xC1, MB_TPL_HEADER_SHORT, MB_CI_IMAGE_TRANSFER, MB_CI_FROM_METER);
    expect_ci(0xC2, MB_TPL_HEADER_LONG, MB_CI_IMAGE_TRANSFER, MB_CI_FROM_METER);
    expect_ci(0xC3, MB_TPL_HEADER_LONG, MB_CI_SECURITY_TRANSFER, MB_CI_TO_METER);
    expect_ci(0xC4, MB_TPL_HEADER_SHORT, MB_CI_SECURITY_TRANSFER, MB_CI_FROM_METER);
    expect_ci(0xC5, MB_TPL_HEADER_LONG, MB_CI_SECURITY_TRANSFER, MB_CI_FROM_METER);
}

/* Over all 256 codes: the header kind OTHER belongs to exactly the ELL, AFL and NWL layers. */
static void ci_other_header_only_for_own_layers(void **state)
{
    (void)state;
    for (unsigned ci = 0; ci < 256; ci++) {
        mb_ci_info_t info = mb_ci_info((uint8_t)ci);
        bool own_layer = ci == 0x81 || ci == 0x86 || (ci >= 0x8C && ci <= 0x90);
        assert_int_equal(info.header == MB_TPL_HEADER_OTHER, own_layer);
        assert_int_equal(info.content == MB_CI_ELL || info.content == MB_CI_AFL ||
                             info.content == MB_CI_NETWORK_LAYER,
                         own_layer);
    }
}

static void ci_content_names(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    assert_string_equal(mb_ci_content_name(MB_CI_RESERVED), "reserved");
    assert_string_equal(mb_ci_content_name(MB_CI_RECORDS), "records");
    assert_string_equal(mb_ci_content_name(MB_CI_APP_ERROR), "app_error");
    assert_string_equal(mb_ci_content_name(MB_CI_FIXED), "fixed");
    assert_string_equal(mb_ci_content_name(MB_CI_ELL), "ell");
    assert_string_equal(mb_ci_content_name(MB_CI_AFL), "afl");
    assert_string_equal(mb_ci_content_name(MB_CI_NETWORK_LAYER), "network_layer");
    /* Every content kind has a non-empty name. */
    for (int c = MB_CI_RESERVED; c <= MB_CI_NETWORK_LAYER; c++) {
        assert_true(mb_ci_content_name((mb_ci_content_t)c)[0] != '\0');
    }
#else
    assert_string_equal(mb_ci_content_name(MB_CI_RECORDS), "");
#endif
}

/* ---- long header ------------------------------------------------------------- */

/*
 * OMS N.2.2: ID 12345678, manufacturer 0x1593 "ELS", version 0x33, device 0x03 gas,
 * ACC 0x2A, status 0, config 0x0000; the application data is the 17 bytes after the 12 of the
 * header.
 */
static void long_header_oms_n22(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x72, OMS_N22_DATA, buf, &len, &t), MB_OK);
    assert_int_equal(len, 29);
    assert_int_equal(t.ci, 0x72);
    assert_int_equal(t.info.header, MB_TPL_HEADER_LONG);
    assert_int_equal(t.info.content, MB_CI_RECORDS);
    assert_int_equal(t.info.direction, MB_CI_FROM_METER);
    assert_true(t.has_address);
    assert_int_equal(t.address.id, 0x12345678);
    assert_int_equal(t.address.manufacturer, 0x1593);
    assert_int_equal(t.address.version, 0x33);
    assert_int_equal(t.address.medium, 0x03);
    assert_int_equal(t.access, 0x2A);
    assert_int_equal(t.status, 0x00);
    assert_int_equal(t.config, 0x0000);
    assert_no_config_ext(&t);
    assert_ptr_equal(t.apl, buf + 12);
    assert_int_equal(t.apl_len, 17);
    assert_int_equal(t.apl[0], 0x0C);
    char id[9], man[4];
    mb_id_text(t.address.id, id);
    assert_string_equal(id, "12345678");
    assert_true(mb_manufacturer_text(t.address.manufacturer, man));
    assert_string_equal(man, "ELS");
#if MB_ENABLE_TEXT
    assert_string_equal(mb_medium_name(t.address.medium), "gas");
#endif
}

/* The ID is BCD by definition, but meters send A-F nibbles: they are kept as sent. */
static void long_header_id_with_hex_nibbles(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    /* ID bytes EF CD AB 90 (LSB first) = 0x90ABCDEF */
    assert_int_equal(tpl_hex(0x72, "EF CD AB 90 2D 2C 01 07 05 00 00 00", buf, &len, &t), MB_OK);
    assert_int_equal(t.address.id, 0x90ABCDEF);
    char id[9];
    mb_id_text(t.address.id, id);
    assert_string_equal(id, "90ABCDEF");
    /* manufacturer 2D 2C = 0x2C2D = KAM, version 1, device 7 water */
    assert_int_equal(t.address.manufacturer, 0x2C2D);
    char man[4];
    assert_true(mb_manufacturer_text(t.address.manufacturer, man));
    assert_string_equal(man, "KAM");
    assert_int_equal(t.address.version, 0x01);
    assert_int_equal(t.address.medium, 0x07);
    assert_int_equal(t.access, 0x05);
    assert_int_equal(t.apl_len, 0);
    assert_ptr_equal(t.apl, buf + 12);
}

/*
 * OMS N.5.3/N.5.4, the plaintext long header: ID 55667788, QDS 0x4493, version
 * 0x55, device 0x08 (heat cost allocator), ACC 0, status 0x04 (power low), CF 0x0510: mode 5,
 * 1 encrypted block; mode 5 has no extension, the encrypted data follows the CF directly.
 */
static void long_header_oms_n53_mode5(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x72,
                             "88 77 66 55 93 44 55 08 00 04 10 05 "
                             "00 DF E2 A7 82 14 6D 15 13 58 1C D2 F8 3F 39 04 "
                             "0C FD 10 78 56 34 12",
                             buf, &len, &t),
                     MB_OK);
    assert_int_equal(t.address.id, 0x55667788);
    assert_int_equal(t.address.manufacturer, 0x4493);
    assert_int_equal(t.address.version, 0x55);
    assert_int_equal(t.address.medium, 0x08);
    assert_int_equal(t.access, 0x00);
    assert_int_equal(t.status, 0x04);
    assert_int_equal(t.status & MB_STATUS_POWER_LOW, MB_STATUS_POWER_LOW);
    assert_int_equal(t.config, 0x0510);
    assert_int_equal(mb_cf_security_mode(t.config), 5);
    assert_int_equal(mb_cf_encrypted_blocks(t.config), 1);
    assert_no_config_ext(&t);
    assert_ptr_equal(t.apl, buf + 12);
    assert_int_equal(t.apl_len, len - 12);
    char man[4];
    assert_true(mb_manufacturer_text(t.address.manufacturer, man));
    assert_string_equal(man, "QDS");
}

/* A long header followed by the mode-7 extension byte: the extension is part of the header. */
static void long_header_mode7_extension(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    /* CF 0x0730: mode 7, 3 blocks, Z clear; CFE 0x10: KDF-A, key ID 0, V clear */
    assert_int_equal(tpl_hex(0x72, "78 56 34 12 93 15 33 03 2A 00 30 07 10 AA BB", buf, &len, &t),
                     MB_OK);
    assert_int_equal(t.config, 0x0730);
    assert_int_equal(mb_cf_security_mode(t.config), 7);
    assert_int_equal(mb_cf_encrypted_blocks(t.config), 3);
    assert_true(t.has_config_ext);
    assert_int_equal(t.config_ext, 0x10);
    assert_false(t.has_message_counter);
    assert_false(t.has_key_version);
    assert_ptr_equal(t.apl, buf + 13);
    assert_int_equal(t.apl_len, 2);
}

/* ---- status byte and configuration field -------------------------------- */

/*
 * Status 0x1F: application status 11 (alarm), power low, permanent error, temporary error.
 * Status 0xE1: application busy (01) and the three manufacturer bits.
 */
static void status_byte_bits(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x7A, "01 1F 00 00", buf, &len, &t), MB_OK);
    assert_int_equal(t.status, 0x1F);
    assert_int_equal(t.status & MB_STATUS_APP_MASK, MB_APP_STATUS_ALARM);
    assert_true((t.status & MB_STATUS_POWER_LOW) != 0);
    assert_true((t.status & MB_STATUS_PERMANENT_ERR) != 0);
    assert_true((t.status & MB_STATUS_TEMPORARY_ERR) != 0);
    assert_int_equal(t.status & MB_STATUS_MANUFACTURER, 0);

    assert_int_equal(tpl_hex(0x7A, "01 E1 00 00", buf, &len, &t), MB_OK);
    assert_int_equal(t.status & MB_STATUS_APP_MASK, MB_APP_STATUS_BUSY);
    assert_int_equal(t.status & MB_STATUS_MANUFACTURER, 0xE0);
    assert_int_equal(
        t.status & (MB_STATUS_POWER_LOW | MB_STATUS_PERMANENT_ERR | MB_STATUS_TEMPORARY_ERR), 0);

    assert_int_equal(tpl_hex(0x7A, "01 02 00 00", buf, &len, &t), MB_OK);
    assert_int_equal(t.status & MB_STATUS_APP_MASK, MB_APP_STATUS_ERROR);
    assert_int_equal(MB_APP_STATUS_OK, 0);
}

/* Security mode = CF bits 12..8, encrypted blocks = bits 7..4. */
static void config_field_helpers(void **state)
{
    (void)state;
    /* 0x2520 (N.2.1): S=1, mode 5, 2 blocks */
    assert_int_equal(mb_cf_security_mode(0x2520), 5);
    assert_int_equal(mb_cf_encrypted_blocks(0x2520), 2);
    /* 0x0790 (sensostar): mode 7, 9 blocks */
    assert_int_equal(mb_cf_security_mode(0x0790), 7);
    assert_int_equal(mb_cf_encrypted_blocks(0x0790), 9);
    /* 0x0000: no encryption */
    assert_int_equal(mb_cf_security_mode(0x0000), 0);
    assert_int_equal(mb_cf_encrypted_blocks(0x0000), 0);
    /* 0x1F00: mode field all ones = 31; the bits around it do not leak in */
    assert_int_equal(mb_cf_security_mode(0x1F00), 31);
    assert_int_equal(mb_cf_security_mode(0xE0FF), 0);
    assert_int_equal(mb_cf_encrypted_blocks(0xFF0F), 0);
    assert_int_equal(mb_cf_encrypted_blocks(0x00F0), 15);
}

/* ---- short header ------------------------------------------------------------ */

/*
 * OMS N.2.1, the plaintext short header after CI 7A: ACC 0x2A, status 0, CF
 * 0x2520 (S=1, mode 5, 2 blocks). Bit 13 is S in mode 5, not a message-counter flag.
 */
static void short_header_oms_n21_mode5(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x7A, "2A 00 20 25 59 23 C9 5A AA 26", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.header, MB_TPL_HEADER_SHORT);
    assert_no_address(&t);
    assert_int_equal(t.access, 0x2A);
    assert_int_equal(t.status, 0x00);
    assert_int_equal(t.config, 0x2520);
    assert_no_config_ext(&t);
    assert_ptr_equal(t.apl, buf + 4);
    assert_int_equal(t.apl_len, 6);
}

/*
 * Security profile B, TPL after the AFL: 7A 75 00 20 07 10 ...: ACC 0x75,
 * status 0, CF 0x0720 (mode 7, 2 blocks, Z clear), CFE 0x10 (KDF-A, V clear).
 */
static void short_header_mode7_profile_b(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x7A, "75 00 20 07 10 90 58 47 5F 4B", buf, &len, &t), MB_OK);
    assert_int_equal(t.access, 0x75);
    assert_int_equal(t.status, 0x00);
    assert_int_equal(t.config, 0x0720);
    assert_int_equal(mb_cf_security_mode(t.config), 7);
    assert_int_equal(mb_cf_encrypted_blocks(t.config), 2);
    assert_true(t.has_config_ext);
    assert_int_equal(t.config_ext, 0x10);
    assert_false(t.has_message_counter);
    assert_false(t.has_key_version);
    assert_ptr_equal(t.apl, buf + 5);
    assert_int_equal(t.apl[0], 0x90);
    assert_int_equal(t.apl_len, 5);
}

/* Sensostar: 7A 0E 00 90 07 10 ...: CF 0x0790 (mode 7, 9 blocks), CFE 0x10. */
static void short_header_mode7_sensostar(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x7A, "0E 00 90 07 10 0F 8F AD 4C", buf, &len, &t), MB_OK);
    assert_int_equal(t.access, 0x0E);
    assert_int_equal(t.config, 0x0790);
    assert_int_equal(mb_cf_encrypted_blocks(t.config), 9);
    assert_true(t.has_config_ext);
    assert_int_equal(t.config_ext, 0x10);
    assert_ptr_equal(t.apl, buf + 5);
    assert_int_equal(t.apl_len, 4);
}

/*
 * Mode 7 with Z (CF bit 13): a 4-byte message counter, LE, follows the CFE.
 * CF 0x2720 = Z | mode 7 | 2 blocks; CFE 0x10; counter 78 56 34 12 = 0x12345678.
 */
static void short_header_mode7_message_counter(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x7A, "01 00 20 27 10 78 56 34 12 AA", buf, &len, &t), MB_OK);
    assert_int_equal(t.config, 0x2720);
    assert_true(t.has_config_ext);
    assert_int_equal(t.config_ext, 0x10);
    assert_true(t.has_message_counter);
    assert_int_equal(t.message_counter, 0x12345678);
    assert_false(t.has_key_version);
    assert_ptr_equal(t.apl, buf + 9);
    assert_int_equal(t.apl_len, 1);
}

/* Mode 7 with V (CFE bit 6): a 1-byte key version follows. CFE 0x53 = V, KDF-A, key ID 3. */
static void short_header_mode7_key_version(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x7A, "01 00 20 07 53 09 AA BB", buf, &len, &t), MB_OK);
    assert_true(t.has_config_ext);
    assert_int_equal(t.config_ext, 0x53);
    assert_false(t.has_message_counter);
    assert_true(t.has_key_version);
    assert_int_equal(t.key_version, 0x09);
    assert_ptr_equal(t.apl, buf + 6);
    assert_int_equal(t.apl_len, 2);
}

/* Both optional fields: message counter first, then key version. */
static void short_header_mode7_counter_then_key_version(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    /* counter FF FF FF FF = 0xFFFFFFFF, key version 0x80 */
    assert_int_equal(tpl_hex(0x7A, "01 00 20 27 40 FF FF FF FF 80 2F", buf, &len, &t), MB_OK);
    assert_true(t.has_message_counter);
    assert_int_equal(t.message_counter, 0xFFFFFFFFu);
    assert_true(t.has_key_version);
    assert_int_equal(t.key_version, 0x80);
    assert_ptr_equal(t.apl, buf + 10);
    assert_int_equal(t.apl_len, 1);
}

/* Mode 13 also carries a CFE (protocol type in bits 3..0), but no mode-7 optional fields. */
static void short_header_mode13_extension(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    /* CF 0x0D30: mode 13 (01101 in bits 12..8), 0x30 encrypted bytes; CFE 0x41 */
    assert_int_equal(tpl_hex(0x7A, "01 00 30 0D 41 AA", buf, &len, &t), MB_OK);
    assert_int_equal(mb_cf_security_mode(t.config), 13);
    assert_true(t.has_config_ext);
    assert_int_equal(t.config_ext, 0x41);
    assert_false(t.has_message_counter);
    assert_false(t.has_key_version);
    assert_ptr_equal(t.apl, buf + 5);
    assert_int_equal(t.apl_len, 1);
}

/* A short header and nothing after it: no application data, not an error. */
static void short_header_without_data(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x8A, "07 00 00 00", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_TPL_ONLY);
    assert_int_equal(t.access, 0x07);
    assert_int_equal(t.apl_len, 0);
    assert_ptr_equal(t.apl, buf + 4);
}

/* ---- no header ---------------------------------------------------------------------------- */

/* CI 0x78: the application data starts right after the CI. */
static void no_header_ci78(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x78, "04 13 80 3C 07 00", buf, &len, &t), MB_OK);
    assert_int_equal(t.ci, 0x78);
    assert_int_equal(t.info.header, MB_TPL_HEADER_NONE);
    assert_no_address(&t);
    assert_int_equal(t.access, 0);
    assert_int_equal(t.status, 0);
    assert_int_equal(t.config, 0);
    assert_no_config_ext(&t);
    assert_ptr_equal(t.apl, buf);
    assert_int_equal(t.apl_len, 6);
}

/* No bytes at all after a CI without header: valid, empty application data. */
static void no_header_empty(void **state)
{
    (void)state;
    mb_tpl_t t;
    tpl_garbage(&t);
    assert_int_equal(mb_tpl_decode(0x50, NULL, 0, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_APP_RESET);
    assert_int_equal(t.apl_len, 0);
    assert_no_address(&t);
}

/* ELL and AFL are layers of their own: the decoder reads no TPL header for them. */
static void other_layer_passes_data_through(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x8C, "20 75 90 0F 00 2C 25", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.header, MB_TPL_HEADER_OTHER);
    assert_int_equal(t.info.content, MB_CI_ELL);
    assert_no_address(&t);
    assert_no_config_ext(&t);
    assert_ptr_equal(t.apl, buf);
    assert_int_equal(t.apl_len, 7);
}

/* ---- truncated headers -------------------------------------------------------------------- */

/* A long header needs 12 bytes: every shorter length is MB_ERR_TPL_SHORT. */
static void truncated_long_header(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t n = hx(OMS_N22_DATA, buf, sizeof buf);
    assert_true(n > 12);
    for (size_t len = 0; len < 12; len++) {
        mb_tpl_t t;
        assert_int_equal(mb_tpl_decode(0x72, buf, len, &t), MB_ERR_TPL_SHORT);
    }
    mb_tpl_t t;
    assert_int_equal(mb_tpl_decode(0x72, buf, 12, &t), MB_OK);
    assert_int_equal(t.apl_len, 0);
    assert_int_equal(mb_tpl_decode(0x72, NULL, 0, &t), MB_ERR_TPL_SHORT);
}

/* A short header needs 4 bytes. */
static void truncated_short_header(void **state)
{
    (void)state;
    uint8_t buf[4] = {0x2A, 0x00, 0x00, 0x00};
    for (size_t len = 0; len < 4; len++) {
        mb_tpl_t t;
        assert_int_equal(mb_tpl_decode(0x7A, buf, len, &t), MB_ERR_TPL_SHORT);
    }
    mb_tpl_t t;
    assert_int_equal(mb_tpl_decode(0x7A, NULL, 0, &t), MB_ERR_TPL_SHORT);
    assert_int_equal(mb_tpl_decode(0x7A, buf, 4, &t), MB_OK);
}

/* Mode 7: the data must hold the CFE, the 4 counter bytes (Z) and the key version (V). */
static void truncated_mode7_extension(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    /* CF 0x2720 (Z), CFE 0x40 (V), counter 01 02 03 04, key version 05: 10 header bytes */
    size_t n = hx("01 00 20 27 40 01 02 03 04 05", buf, sizeof buf);
    for (size_t len = 4; len < n; len++) {
        mb_tpl_t t;
        assert_int_equal(mb_tpl_decode(0x7A, buf, len, &t), MB_ERR_TPL_SHORT);
    }
    mb_tpl_t t;
    assert_int_equal(mb_tpl_decode(0x7A, buf, n, &t), MB_OK);
    assert_int_equal(t.message_counter, 0x04030201);
    assert_int_equal(t.key_version, 0x05);
    assert_int_equal(t.apl_len, 0);
    /* the same behind a long header: 12 + CFE missing */
    size_t m = hx("78 56 34 12 93 15 33 03 2A 00 00 07", buf, sizeof buf);
    assert_int_equal(mb_tpl_decode(0x72, buf, m, &t), MB_ERR_TPL_SHORT);
}

static void tpl_argument_errors(void **state)
{
    (void)state;
    uint8_t buf[4] = {0};
    mb_tpl_t t;
    assert_int_equal(mb_tpl_decode(0x72, buf, sizeof buf, NULL), MB_ERR_ARG);
    assert_int_equal(mb_tpl_decode(0x78, NULL, 3, &t), MB_ERR_ARG);
}

/* ---- application errors and alarms ---------------------------------------- */

/* CI 0x70 with one code byte: no header, the code is the application data. */
static void app_error_ci70(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x70, "08", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_APP_ERROR);
    assert_int_equal(t.info.header, MB_TPL_HEADER_NONE);
    assert_int_equal(t.info.direction, MB_CI_FROM_METER);
    assert_int_equal(t.apl_len, 1);
    assert_int_equal(t.apl[0], 0x08);
#if MB_ENABLE_TEXT
    assert_string_equal(mb_app_error_name(t.apl[0]), "busy");
#endif
}

/* An application error with a short header (CI 0x6E): the code follows the 4 header bytes. */
static void app_error_ci6e_short_header(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x6E, "11 02 00 00 01", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_APP_ERROR);
    assert_int_equal(t.access, 0x11);
    assert_int_equal(t.status & MB_STATUS_APP_MASK, MB_APP_STATUS_ERROR);
    assert_int_equal(t.apl_len, 1);
    assert_int_equal(t.apl[0], 0x01);
}

/* Codes 00..09 of */
static void app_error_names(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    assert_string_equal(mb_app_error_name(0x00), "unspecified");
    assert_string_equal(mb_app_error_name(0x01), "unimplemented_ci");
    assert_string_equal(mb_app_error_name(0x02), "buffer_too_long");
    assert_string_equal(mb_app_error_name(0x03), "too_many_records");
    assert_string_equal(mb_app_error_name(0x04), "premature_end");
    assert_string_equal(mb_app_error_name(0x05), "too_many_difes");
    assert_string_equal(mb_app_error_name(0x06), "too_many_vifes");
    assert_string_equal(mb_app_error_name(0x07), "reserved");
    assert_string_equal(mb_app_error_name(0x08), "busy");
    assert_string_equal(mb_app_error_name(0x09), "too_many_readouts");
#else
    assert_string_equal(mb_app_error_name(0x08), "");
#endif
}

/* CI 0x71: alarm status bytes (manufacturer specific) with no header. */
static void alarm_ci71(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x71, "01 80", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_ALARM);
    assert_int_equal(t.info.header, MB_TPL_HEADER_NONE);
    assert_ptr_equal(t.apl, buf);
    assert_int_equal(t.apl_len, 2);
}

/* CI 0xB1 (manufacturer specific, legacy "RAM read"): raw data, no header. */
static void manufacturer_ci_raw_data(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0xB1, "00 10 20", buf, &len, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_MANUFACTURER);
    assert_no_address(&t);
    assert_ptr_equal(t.apl, buf);
    assert_int_equal(t.apl_len, 3);
}

/* ---- CI 0x73: legacy fixed structure or compact frame ------------------ */

/*
 * A legacy fixed structure: ID 12345678, ACC 0x2A, status 0 (BCD, actual), medium/units EC 69,
 * counter 1 BCD 12345678, counter 2 BCD 00000001.
 * byte 6 0xEC = 11 101100: medium bits 1..0 = 11, unit 1 = 0x2C (m3).
 * byte 7 0x69 = 01 101001: medium bits 3..2 = 01, unit 2 = 0x29 (litre).
 * medium = 0b0111 = 7 (water).
 */
#define FIXED_WATER "78 56 34 12 2A 00 EC 69 78 56 34 12 01 00 00 00"

static void ci73_sixteen_bytes_is_fixed(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x73, FIXED_WATER, buf, &len, &t), MB_OK);
    assert_int_equal(len, MB_FIXED_LEN);
    assert_int_equal(t.info.content, MB_CI_FIXED);
    assert_int_equal(t.info.header, MB_TPL_HEADER_NONE);
    assert_int_equal(t.info.direction, MB_CI_FROM_METER);
    assert_no_address(&t);
    assert_ptr_equal(t.apl, buf);
    assert_int_equal(t.apl_len, 16);
}

/* Any other length is a compact frame behind a long header (12 bytes). */
static void ci73_other_lengths_are_compact(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    /* 12 header bytes, format signature 34 12, data CRC 78 56, 4 data bytes: 20 bytes */
    assert_int_equal(
        tpl_hex(0x73, "78 56 34 12 93 15 33 03 2A 00 00 00 34 12 78 56 01 02 03 04", buf, &len, &t),
        MB_OK);
    assert_int_equal(t.info.content, MB_CI_COMPACT);
    assert_int_equal(t.info.header, MB_TPL_HEADER_LONG);
    assert_true(t.has_address);
    assert_int_equal(t.address.id, 0x12345678);
    assert_int_equal(t.access, 0x2A);
    assert_ptr_equal(t.apl, buf + 12);
    assert_int_equal(t.apl_len, 8);
    /* 15 and 17 bytes: compact too */
    uint8_t b2[17] = {0x78, 0x56, 0x34, 0x12, 0x93, 0x15, 0x33, 0x03, 0x2A};
    assert_int_equal(mb_tpl_decode(0x73, b2, 15, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_COMPACT);
    assert_int_equal(t.apl_len, 3);
    assert_int_equal(mb_tpl_decode(0x73, b2, 17, &t), MB_OK);
    assert_int_equal(t.info.content, MB_CI_COMPACT);
    assert_int_equal(t.apl_len, 5);
    /* 11 bytes: a truncated long header */
    assert_int_equal(mb_tpl_decode(0x73, b2, 11, &t), MB_ERR_TPL_SHORT);
}

/* ---- legacy fixed data structure --------------------------------------------- */

static void fixed_hex(const char *hex, mb_fixed_t *f)
{
    uint8_t buf[BUF_CAP];
    size_t n = hx(hex, buf, sizeof buf);
    memset(f, 0x5A, sizeof *f);
    assert_int_equal(mb_fixed_decode(buf, n, f), MB_OK);
}

/* The fixed structure of FIXED_WATER, BCD counters in m3 and litres. */
static void fixed_bcd_counters(void **state)
{
    (void)state;
    mb_fixed_t f;
    fixed_hex(FIXED_WATER, &f);
    assert_int_equal(f.id, 0x12345678);
    assert_int_equal(f.access, 0x2A);
    assert_int_equal(f.status, 0x00);
    assert_int_equal(f.medium, 7);
    /* unit 0x2C = m3 (0x26 ml .. 0x2E 100 m3: 10^(code-0x26-6)) */
    assert_int_equal(f.counter[0].unit_code, 0x2C);
    assert_int_equal(f.counter[0].quantity, MB_Q_VOLUME);
    assert_int_equal(f.counter[0].unit, MB_UNIT_M3);
    assert_int_equal(f.counter[0].mantissa, 12345678);
    assert_int_equal(f.counter[0].exponent, 0);
    assert_true(f.counter[0].valid);
    assert_false(f.counter[0].historic);
    /* unit 0x29 = litre = 10^-3 m3 */
    assert_int_equal(f.counter[1].unit_code, 0x29);
    assert_int_equal(f.counter[1].quantity, MB_Q_VOLUME);
    assert_int_equal(f.counter[1].unit, MB_UNIT_M3);
    assert_int_equal(f.counter[1].mantissa, 1);
    assert_int_equal(f.counter[1].exponent, -3);
    assert_true(f.counter[1].valid);
    assert_false(f.counter[1].historic);
#if MB_ENABLE_TEXT
    assert_string_equal(mb_fixed_medium_name(f.medium), "water");
#endif
}

/*
 * Status bit 7: binary counters, LE. 12345678 = 0x00BC614E -> 4E 61 BC 00;
 * 4294967 = 0x00418937 -> 37 89 41 00. Units 0x05 (kWh: 02 Wh, 03 10 Wh, 04 100 Wh, 05 kWh) and
 * 0x17 (kW: 14 W, 15 10 W, 16 100 W, 17 kW); medium 4 (heat) = 0b0100: byte 6 bits 7..6 = 00,
 * byte 7 bits 7..6 = 01. byte 6 = 0x05, byte 7 = 0x40 | 0x17 = 0x57.
 */
static void fixed_binary_counters(void **state)
{
    (void)state;
    mb_fixed_t f;
    fixed_hex("21 43 65 87 01 80 05 57 4E 61 BC 00 37 89 41 00", &f);
    assert_int_equal(f.id, 0x87654321);
    assert_int_equal(f.access, 0x01);
    assert_int_equal(f.status, 0x80);
    assert_int_equal(f.medium, 4);
    assert_int_equal(f.counter[0].quantity, MB_Q_ENERGY);
    assert_int_equal(f.counter[0].unit, MB_UNIT_WH);
    assert_int_equal(f.counter[0].mantissa, 12345678);
    assert_int_equal(f.counter[0].exponent, 3);
    assert_true(f.counter[0].valid);
    assert_int_equal(f.counter[1].quantity, MB_Q_POWER);
    assert_int_equal(f.counter[1].unit, MB_UNIT_W);
    assert_int_equal(f.counter[1].mantissa, 4294967);
    assert_int_equal(f.counter[1].exponent, 3);
    assert_false(f.counter[1].historic);
#if MB_ENABLE_TEXT
    assert_string_equal(mb_fixed_medium_name(f.medium), "heat");
#endif
}

/* Status bit 6: counter 2 holds a stored (historic) value; counter 1 never does. */
static void fixed_status_bit6_historic(void **state)
{
    (void)state;
    mb_fixed_t f;
    fixed_hex("78 56 34 12 2A 40 EC 69 78 56 34 12 01 00 00 00", &f);
    assert_false(f.counter[0].historic);
    assert_true(f.counter[1].historic);
    assert_int_equal(f.counter[1].unit_code, 0x29);
    assert_int_equal(f.counter[1].exponent, -3);
}

/* Unit code 0x3E in counter 2: counter 1's unit, but historic. byte 7 = 0x40 | 0x3E = 0x7E. */
static void fixed_unit_3e_same_unit_historic(void **state)
{
    (void)state;
    mb_fixed_t f;
    fixed_hex("78 56 34 12 2A 00 EC 7E 78 56 34 12 99 99 99 99", &f);
    assert_int_equal(f.medium, 7);
    assert_int_equal(f.counter[1].unit_code, 0x3E);
    assert_true(f.counter[1].historic);
    assert_int_equal(f.counter[1].quantity, MB_Q_VOLUME);
    assert_int_equal(f.counter[1].unit, MB_UNIT_M3);
    assert_int_equal(f.counter[1].exponent, 0);
    assert_int_equal(f.counter[1].mantissa, 99999999);
    assert_false(f.counter[0].historic);
}

/* Decode counter 1 with unit code @p code (medium 0, BCD 00000007). */
static mb_fixed_counter_t fixed_unit(uint8_t code)
{
    uint8_t buf[16] = {0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x3F, 0x07, 0, 0, 0, 0, 0, 0, 0};
    buf[6] = code;
    mb_fixed_t f;
    assert_int_equal(mb_fixed_decode(buf, sizeof buf, &f), MB_OK);
    assert_int_equal(f.medium, 0);
    assert_int_equal(f.counter[0].unit_code, code);
    assert_int_equal(f.counter[0].mantissa, 7);
    return f.counter[0];
}

static void expect_fixed_unit(uint8_t code, mb_quantity_t q, mb_unit_t u, int exponent)
{
    mb_fixed_counter_t c = fixed_unit(code);
    if (c.quantity != q || c.unit != u || c.exponent != exponent) {
        fail_msg("fixed unit 0x%02X: got q %d u %d e %d, want q %d u %d e %d", code,
                 (int)c.quantity, (int)c.unit, c.exponent, (int)q, (int)u, exponent);
    }
}

/*
 * The nine decades of each fixed unit: 02..0A Wh..100 MWh (10^0..10^8 Wh), 0B..13
 * kJ..100 GJ (10^3..10^11 J), 14..1C W..100 MW, 1D..25 kJ/h..100 GJ/h, 26..2E ml..100 m3
 * (10^-6..10^2 m3), 2F..37 ml/h..100 m3/h.
 */
static void fixed_unit_codes_decades(void **state)
{
    (void)state;
    for (int i = 0; i < 9; i++) {
        expect_fixed_unit((uint8_t)(0x02 + i), MB_Q_ENERGY, MB_UNIT_WH, i);
        expect_fixed_unit((uint8_t)(0x0B + i), MB_Q_ENERGY, MB_UNIT_J, 3 + i);
        expect_fixed_unit((uint8_t)(0x14 + i), MB_Q_POWER, MB_UNIT_W, i);
        expect_fixed_unit((uint8_t)(0x1D + i), MB_Q_POWER, MB_UNIT_J_PER_H, 3 + i);
        expect_fixed_unit((uint8_t)(0x26 + i), MB_Q_VOLUME, MB_UNIT_M3, -6 + i);
        expect_fixed_unit((uint8_t)(0x2F + i), MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, -6 + i);
    }
}

/* 0x0D = 100 kJ and 0x0E = MJ, which libmbus swaps. */
static void fixed_unit_codes_0d_0e_not_swapped(void **state)
{
    (void)state;
    expect_fixed_unit(0x0D, MB_Q_ENERGY, MB_UNIT_J, 5);
    expect_fixed_unit(0x0E, MB_Q_ENERGY, MB_UNIT_J, 6);
}

/* 0x38 = 10^-3 degrees C, 0x39 = HCA units; 3A..3D reserved, 3F without units. */
static void fixed_unit_codes_special(void **state)
{
    (void)state;
    expect_fixed_unit(0x38, MB_Q_TEMPERATURE, MB_UNIT_CELSIUS, -3);
    expect_fixed_unit(0x39, MB_Q_HCA_UNITS, MB_UNIT_NONE, 0);
    for (uint8_t code = 0x3A; code <= 0x3D; code++) {
        expect_fixed_unit(code, MB_Q_UNKNOWN, MB_UNIT_NONE, 0);
    }
    expect_fixed_unit(0x3F, MB_Q_UNKNOWN, MB_UNIT_NONE, 0);
}

/* Medium = (byte6 >> 6) | ((byte7 >> 6) << 2), all 16 codes; the unit bits do not leak in. */
static void fixed_medium_all_codes(void **state)
{
    (void)state;
    for (unsigned m = 0; m < 16; m++) {
        uint8_t buf[16] = {0};
        buf[6] = (uint8_t)(((m & 3u) << 6) | 0x3Fu);
        buf[7] = (uint8_t)(((m >> 2) << 6) | 0x3Fu);
        mb_fixed_t f;
        assert_int_equal(mb_fixed_decode(buf, sizeof buf, &f), MB_OK);
        assert_int_equal(f.medium, m);
        assert_int_equal(f.counter[0].unit_code, 0x3F);
        assert_int_equal(f.counter[1].unit_code, 0x3F);
    }
}

static void fixed_medium_names(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    static const char *const names[16] = {"other",
                                          "oil",
                                          "electricity",
                                          "gas",
                                          "heat",
                                          "steam",
                                          "hot_water",
                                          "water",
                                          "heat_cost_allocator",
                                          "reserved",
                                          "gas_mode_2",
                                          "heat_mode_2",
                                          "hot_water_mode_2",
                                          "water_mode_2",
                                          "heat_cost_allocator_mode_2",
                                          "reserved"};
    for (uint8_t m = 0; m < 16; m++) {
        assert_string_equal(mb_fixed_medium_name(m), names[m]);
    }
#else
    assert_string_equal(mb_fixed_medium_name(7), "");
#endif
}

/* A BCD digit A..F makes that counter invalid, not the other one. */
static void fixed_bcd_invalid_digit(void **state)
{
    (void)state;
    mb_fixed_t f;
    fixed_hex("78 56 34 12 2A 00 EC 69 7A 56 34 12 01 00 00 00", &f);
    assert_false(f.counter[0].valid);
    assert_true(f.counter[1].valid);
    assert_int_equal(f.counter[1].mantissa, 1);
    fixed_hex("78 56 34 12 2A 00 EC 69 78 56 34 12 01 00 00 F0", &f);
    assert_true(f.counter[0].valid);
    assert_false(f.counter[1].valid);
}

/* Binary counters have no invalid digits: 0x99999999 is a number, not BCD. */
static void fixed_binary_all_digits_valid(void **state)
{
    (void)state;
    mb_fixed_t f;
    /* FF 00 00 00 = 255; 0A 00 00 00 = 10 */
    fixed_hex("78 56 34 12 2A 80 EC 69 FF 00 00 00 0A 00 00 00", &f);
    assert_true(f.counter[0].valid);
    assert_int_equal(f.counter[0].mantissa, 255);
    assert_true(f.counter[1].valid);
    assert_int_equal(f.counter[1].mantissa, 10);
}

/* The fixed structure through mb_tpl_decode: its application data is the 16 bytes. */
static void fixed_through_tpl(void **state)
{
    (void)state;
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_tpl_t t;
    assert_int_equal(tpl_hex(0x73, FIXED_WATER, buf, &len, &t), MB_OK);
    mb_fixed_t f;
    assert_int_equal(mb_fixed_decode(t.apl, t.apl_len, &f), MB_OK);
    assert_int_equal(f.id, 0x12345678);
    assert_int_equal(f.counter[0].mantissa, 12345678);
}

static void fixed_argument_errors(void **state)
{
    (void)state;
    uint8_t buf[16] = {0};
    mb_fixed_t f;
    assert_int_equal(mb_fixed_decode(NULL, 16, &f), MB_ERR_ARG);
    assert_int_equal(mb_fixed_decode(buf, 16, NULL), MB_ERR_ARG);
    assert_int_equal(mb_fixed_decode(buf, 15, &f), MB_ERR_TPL_SHORT);
    assert_int_equal(mb_fixed_decode(buf, 0, &f), MB_ERR_TPL_SHORT);
}

/* ---- identification helpers ------------------------------------------- */

/* Manufacturer codes (EN 13757-3): m = (c1-64)*1024 + (c2-64)*32 + (c3-64). */
static void manufacturer_code_examples(void **state)
{
    (void)state;
    assert_int_equal(mb_manufacturer_code("ELS"), 0x1593); /* 5*1024 + 12*32 + 19 = 5523 */
    assert_int_equal(mb_manufacturer_code("KAM"), 0x2C2D); /* 11*1024 + 1*32 + 13 = 11309 */
    assert_int_equal(mb_manufacturer_code("QDS"), 0x4493); /* 17*1024 + 4*32 + 19 = 17555 */
    assert_int_equal(mb_manufacturer_code("AMB"), 0x05A2); /* 1024 + 13*32 + 2 = 1442 */
    assert_int_equal(mb_manufacturer_code("GWF"), 0x1EE6); /* 7*1024 + 23*32 + 6 = 7910 */
    assert_int_equal(mb_manufacturer_code("AAA"), 0x0421);
    assert_int_equal(mb_manufacturer_code("ZZZ"), 0x6B5A);
}

static void manufacturer_code_lower_case(void **state)
{
    (void)state;
    assert_int_equal(mb_manufacturer_code("els"), 0x1593);
    assert_int_equal(mb_manufacturer_code("kAm"), 0x2C2D);
}

/* Not exactly three letters A..Z: 0. '@' and '[' sit right below A and above Z. */
static void manufacturer_code_invalid(void **state)
{
    (void)state;
    assert_int_equal(mb_manufacturer_code(NULL), 0);
    assert_int_equal(mb_manufacturer_code(""), 0);
    assert_int_equal(mb_manufacturer_code("EL"), 0);
    assert_int_equal(mb_manufacturer_code("ELSE"), 0);
    assert_int_equal(mb_manufacturer_code("E1S"), 0);
    assert_int_equal(mb_manufacturer_code("E S"), 0);
    assert_int_equal(mb_manufacturer_code("@AA"), 0);
    assert_int_equal(mb_manufacturer_code("AA["), 0);
    assert_int_equal(mb_manufacturer_code("`AA"), 0);
    assert_int_equal(mb_manufacturer_code("AA{"), 0);
}

static void manufacturer_text_examples(void **state)
{
    (void)state;
    char out[4];
    assert_true(mb_manufacturer_text(0x1593, out));
    assert_string_equal(out, "ELS");
    assert_true(mb_manufacturer_text(0x2C2D, out));
    assert_string_equal(out, "KAM");
    assert_true(mb_manufacturer_text(0x0421, out));
    assert_string_equal(out, "AAA");
    assert_true(mb_manufacturer_text(0x6B5A, out));
    assert_string_equal(out, "ZZZ");
}

/* Bit 15 is not part of the code. */
static void manufacturer_text_ignores_bit15(void **state)
{
    (void)state;
    char out[4];
    assert_true(mb_manufacturer_text(0x9593, out));
    assert_string_equal(out, "ELS");
}

/* Letters 0 and 27..31 are not A..Z: written as '?', false returned. */
static void manufacturer_text_invalid_letters(void **state)
{
    (void)state;
    char out[4];
    assert_false(mb_manufacturer_text(0x0000, out));
    assert_string_equal(out, "???");
    /* 0x1580 = 5 (E), 12 (L), 0 */
    assert_false(mb_manufacturer_text(0x1580, out));
    assert_string_equal(out, "EL?");
    /* 0x6C21 = 27, 1, 1 */
    assert_false(mb_manufacturer_text(0x6C21, out));
    assert_string_equal(out, "?AA");
    /* 0x7FFF = 31, 31, 31 */
    assert_false(mb_manufacturer_text(0x7FFF, out));
    assert_string_equal(out, "???");
    /* 0x05E1 = 1 (A), 15 (O), 1 (A)... and 0x043B = 1, 1, 27 */
    assert_false(mb_manufacturer_text(0x043B, out));
    assert_string_equal(out, "AA?");
}

/* Every one of the 26^3 codes: text(code(s)) == s. */
static void manufacturer_round_trip_all(void **state)
{
    (void)state;
    char s[4] = {0}, out[4];
    for (char a = 'A'; a <= 'Z'; a++) {
        for (char b = 'A'; b <= 'Z'; b++) {
            for (char c = 'A'; c <= 'Z'; c++) {
                s[0] = a;
                s[1] = b;
                s[2] = c;
                uint16_t code = mb_manufacturer_code(s);
                assert_int_equal(code, (a - 64) * 1024 + (b - 64) * 32 + (c - 64));
                assert_true(mb_manufacturer_text(code, out));
                assert_string_equal(out, s);
            }
        }
    }
}

static void id_text_digits(void **state)
{
    (void)state;
    char out[9];
    mb_id_text(0x12345678, out);
    assert_string_equal(out, "12345678");
    mb_id_text(0x00000000, out);
    assert_string_equal(out, "00000000");
    mb_id_text(0x00000001, out);
    assert_string_equal(out, "00000001");
    mb_id_text(0x99999999, out);
    assert_string_equal(out, "99999999");
}

static void id_text_hex_nibbles(void **state)
{
    (void)state;
    char out[9];
    mb_id_text(0x90ABCDEF, out);
    assert_string_equal(out, "90ABCDEF");
    mb_id_text(0xFFFFFFFF, out);
    assert_string_equal(out, "FFFFFFFF");
    mb_id_text(0x1234FFFF, out);
    assert_string_equal(out, "1234FFFF");
}

/*
 * Device types (EN 13757-7): every defined code and its meaning. The snake_case names are the
 * library's stable identifiers; each is checked against the meaning in the table.
 */
static void medium_names_defined_codes(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    static const struct {
        uint8_t code;
        const char *name;
    } defined[] = {
        {0x00, "other"},
        {0x01, "oil"},
        {0x02, "electricity"},
        {0x03, "gas"},
        {0x04, "heat_outlet"}, /* heat, volume measured at return/outlet */
        {0x05, "steam"},
        {0x06, "warm_water"}, /* 30..90 degrees C */
        {0x07, "water"},
        {0x08, "heat_cost_allocator"},
        {0x09, "compressed_air"},
        {0x0A, "cooling_outlet"}, /* cooling load meter, volume at return/outlet */
        {0x0B, "cooling_inlet"},  /* cooling load meter, volume at flow/inlet */
        {0x0C, "heat_inlet"},     /* heat, volume measured at flow/inlet */
        {0x0D, "heat_cooling"},   /* combined heat / cooling load meter */
        {0x0E, "bus_system_component"},
        {0x0F, "unknown_medium"},
        {0x10, "irrigation_water"},
        {0x11, "water_data_logger"},
        {0x12, "gas_data_logger"},
        {0x13, "gas_converter"},
        {0x14, "calorific_value"},
        {0x15, "hot_water"}, /* >= 90 degrees C */
        {0x16, "cold_water"},
        {0x17, "dual_register_water"},
        {0x18, "pressure"},
        {0x19, "ad_converter"},
        {0x1A, "smoke_detector"},
        {0x1B, "room_sensor"},
        {0x1C, "gas_detector"},
        {0x20, "breaker"},
        {0x21, "valve"},
        {0x25, "customer_unit"},
        {0x28, "waste_water"},
        {0x29, "garbage"},
        {0x2A, "carbon_dioxide"},
        {0x30, "service_unit"},
        {0x31, "communication_controller"},
        {0x32, "unidirectional_repeater"},
        {0x33, "bidirectional_repeater"},
        {0x36, "radio_converter_system"},
        {0x37, "radio_converter_meter"},
        {0x38, "wired_converter_meter"},
    };
    for (size_t i = 0; i < sizeof defined / sizeof defined[0]; i++) {
        assert_string_equal(mb_medium_name(defined[i].code), defined[i].name);
    }
#else
    assert_string_equal(mb_medium_name(0x07), "");
#endif
}

/* The reserved ranges of and 0xFF (a wildcard, reserved as a device type). */
static void medium_names_reserved_codes(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    static const uint8_t reserved[] = {0x1D, 0x1E, 0x1F, 0x22, 0x23, 0x24, 0x26,
                                       0x27, 0x2B, 0x2F, 0x34, 0x35, 0x39, 0x3F,
                                       0x40, 0x62, 0x80, 0xC3, 0xF0, 0xFE, 0xFF};
    for (size_t i = 0; i < sizeof reserved; i++) {
        assert_string_equal(mb_medium_name(reserved[i]), "reserved");
    }
#else
    assert_string_equal(mb_medium_name(0xFF), "");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ci_dlms_reserved_range),
        cmocka_unit_test(ci_reserved_0x20_to_0x4f),
        cmocka_unit_test(ci_reserved_gaps),
        cmocka_unit_test(ci_application_reset),
        cmocka_unit_test(ci_commands_to_device),
        cmocka_unit_test(ci_selection),
        cmocka_unit_test(ci_selected_application),
        cmocka_unit_test(ci_synchronize),
        cmocka_unit_test(ci_specific_usage),
        cmocka_unit_test(ci_dlms_and_obis),
        cmocka_unit_test(ci_format_frames),
        cmocka_unit_test(ci_time_sync),
        cmocka_unit_test(ci_application_errors),
        cmocka_unit_test(ci_alarms),
        cmocka_unit_test(ci_record_responses),
        cmocka_unit_test(ci_compact_frames),
        cmocka_unit_test(ci_tpl_only),
        cmocka_unit_test(ci_network_layer_and_management),
        cmocka_unit_test(ci_ell_and_afl),
        cmocka_unit_test(ci_manufacturer_range),
        cmocka_unit_test(ci_baud_rates),
        cmocka_unit_test(ci_image_and_security_transfer),
        cmocka_unit_test(ci_other_header_only_for_own_layers),
        cmocka_unit_test(ci_content_names),
        cmocka_unit_test(long_header_oms_n22),
        cmocka_unit_test(long_header_id_with_hex_nibbles),
        cmocka_unit_test(long_header_oms_n53_mode5),
        cmocka_unit_test(long_header_mode7_extension),
        cmocka_unit_test(status_byte_bits),
        cmocka_unit_test(config_field_helpers),
        cmocka_unit_test(short_header_oms_n21_mode5),
        cmocka_unit_test(short_header_mode7_profile_b),
        cmocka_unit_test(short_header_mode7_sensostar),
        cmocka_unit_test(short_header_mode7_message_counter),
        cmocka_unit_test(short_header_mode7_key_version),
        cmocka_unit_test(short_header_mode7_counter_then_key_version),
        cmocka_unit_test(short_header_mode13_extension),
        cmocka_unit_test(short_header_without_data),
        cmocka_unit_test(no_header_ci78),
        cmocka_unit_test(no_header_empty),
        cmocka_unit_test(other_layer_passes_data_through),
        cmocka_unit_test(truncated_long_header),
        cmocka_unit_test(truncated_short_header),
        cmocka_unit_test(truncated_mode7_extension),
        cmocka_unit_test(tpl_argument_errors),
        cmocka_unit_test(app_error_ci70),
        cmocka_unit_test(app_error_ci6e_short_header),
        cmocka_unit_test(app_error_names),
        cmocka_unit_test(alarm_ci71),
        cmocka_unit_test(manufacturer_ci_raw_data),
        cmocka_unit_test(ci73_sixteen_bytes_is_fixed),
        cmocka_unit_test(ci73_other_lengths_are_compact),
        cmocka_unit_test(fixed_bcd_counters),
        cmocka_unit_test(fixed_binary_counters),
        cmocka_unit_test(fixed_status_bit6_historic),
        cmocka_unit_test(fixed_unit_3e_same_unit_historic),
        cmocka_unit_test(fixed_unit_codes_decades),
        cmocka_unit_test(fixed_unit_codes_0d_0e_not_swapped),
        cmocka_unit_test(fixed_unit_codes_special),
        cmocka_unit_test(fixed_medium_all_codes),
        cmocka_unit_test(fixed_medium_names),
        cmocka_unit_test(fixed_bcd_invalid_digit),
        cmocka_unit_test(fixed_binary_all_digits_valid),
        cmocka_unit_test(fixed_through_tpl),
        cmocka_unit_test(fixed_argument_errors),
        cmocka_unit_test(manufacturer_code_examples),
        cmocka_unit_test(manufacturer_code_lower_case),
        cmocka_unit_test(manufacturer_code_invalid),
        cmocka_unit_test(manufacturer_text_examples),
        cmocka_unit_test(manufacturer_text_ignores_bit15),
        cmocka_unit_test(manufacturer_text_invalid_letters),
        cmocka_unit_test(manufacturer_round_trip_all),
        cmocka_unit_test(id_text_digits),
        cmocka_unit_test(id_text_hex_nibbles),
        cmocka_unit_test(medium_names_defined_codes),
        cmocka_unit_test(medium_names_reserved_codes),
    };
    return cmocka_run_group_tests_name("tpl", tests, NULL, NULL);
}
