/*
 * Wired link layer (include/meterbus/link.h): frame decoding and encoding, the builders, C-field,
 * A-field, baud-rate and secondary-address helpers, error texts and the version getters.
 *
 * Every expected byte string is either a published reference frame (OMS Vol.2 Annex N.2.2, the
 * m-bus.com documentation) or worked out by hand in the comment next to it; nothing here was
 * produced by running the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define GUARD   0xA5u
#define BUF_CAP 300u

/* Parse hex text that the test itself wrote; a parse failure is a broken test. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* Assert that the @p n bytes at @p got are exactly the bytes of @p hex. */
static void assert_bytes(const uint8_t *got, size_t n, const char *hex)
{
    uint8_t want[BUF_CAP];
    size_t want_len = hx(hex, want, sizeof want);
    assert_int_equal(n, want_len);
    assert_memory_equal(got, want, want_len);
}

/* A frame full of garbage, so that a decoder that forgets to clear it is caught. */
static void frame_garbage(mb_frame_t *f, const uint8_t *somewhere)
{
    f->type = MB_FRAME_LONG;
    f->c = 0x99;
    f->a = 0x98;
    f->ci = 0x97;
    f->data = somewhere;
    f->data_len = 123;
}

static void assert_frame_none(const mb_frame_t *f)
{
    assert_int_equal(f->type, MB_FRAME_NONE);
    assert_null(f->data);
    assert_int_equal(f->data_len, 0);
}

/*
 * @p hex must be rejected with @p err by mb_frame_decode and mb_frame_decode_prefix alike (they
 * differ only for trailing bytes), leaving the frame of type MB_FRAME_NONE.
 */
static void expect_reject(const char *hex, int err)
{
    uint8_t buf[BUF_CAP];
    size_t n = hx(hex, buf, sizeof buf);
    mb_frame_t f;

    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, n, &f), err);
    assert_frame_none(&f);

    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), err);
    assert_frame_none(&f);
}

/* Every byte in [from, BUF_CAP) of @p buf still holds the guard value. */
static void assert_guard(const uint8_t *buf, size_t from)
{
    for (size_t i = from; i < BUF_CAP; i++) {
        assert_int_equal(buf[i], GUARD);
    }
}

/* The 29 data bytes (after CI 72) of the OMS Vol.2 Annex N.2.2 RSP_UD. */
#define OMS_N22_DATA \
    "78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F 15 02 FD 17 00 00"
#define OMS_N22_FRAME "68 20 20 68 08 FD 72 " OMS_N22_DATA " 89 16"

/*
 * A long frame with L = 255: C 08, A 01, CI 72, data bytes 00 01 02 .. FB (252 bytes).
 * CS = 08 + 01 + 72 + (0 + 1 + ... + 251) = 0x7B + 31626; 31626 = 123 * 256 + 138, so
 * 31626 mod 256 = 0x8A and CS = (0x7B + 0x8A) mod 256 = 0x105 mod 256 = 0x05.
 */
static size_t make_max_long(uint8_t *out)
{
    out[0] = 0x68;
    out[1] = 0xFF;
    out[2] = 0xFF;
    out[3] = 0x68;
    out[4] = 0x08;
    out[5] = 0x01;
    out[6] = 0x72;
    for (size_t i = 0; i < 252; i++) {
        out[7 + i] = (uint8_t)i;
    }
    out[259] = 0x05;
    out[260] = 0x16;
    return 261;
}

/* ---- decoding each frame type -------------------------------------------------------------- */

static void decode_ack(void **state)
{
    (void)state;
    uint8_t buf[1] = {0xE5};
    mb_frame_t f;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, 1, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_ACK);
    assert_int_equal(f.c, 0);
    assert_int_equal(f.a, 0);
    assert_int_equal(f.ci, 0);
    assert_null(f.data);
    assert_int_equal(f.data_len, 0);
}

static void decode_nack(void **state)
{
    (void)state;
    uint8_t buf[1] = {0xA2};
    mb_frame_t f;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, 1, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_NACK);
    assert_int_equal(f.c, 0);
    assert_int_equal(f.a, 0);
    assert_null(f.data);
    assert_int_equal(f.data_len, 0);
}

static void decode_short_req_ud2(void **state)
{
    (void)state;
    uint8_t buf[8];
    size_t n = hx("10 7B 05 80 16", buf, sizeof buf); /* reference frame */
    mb_frame_t f;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_SHORT);
    assert_int_equal(f.c, 0x7B);
    assert_int_equal(f.a, 0x05);
    assert_int_equal(f.ci, 0);
    assert_null(f.data);
    assert_int_equal(f.data_len, 0);
}

static void decode_short_snd_nke_253(void **state)
{
    (void)state;
    uint8_t buf[8];
    size_t n = hx("10 40 FD 3D 16", buf, sizeof buf); /* reference frame */
    mb_frame_t f;
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_SHORT);
    assert_int_equal(f.c, MB_C_SND_NKE);
    assert_int_equal(f.a, MB_ADDR_NETWORK);
}

static void decode_control_set_baud(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t n = hx("68 03 03 68 53 05 BD 15 16", buf, sizeof buf); /* reference frame */
    mb_frame_t f;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_CONTROL);
    assert_int_equal(f.c, 0x53);
    assert_int_equal(f.a, 0x05);
    assert_int_equal(f.ci, 0xBD);
    assert_null(f.data);
    assert_int_equal(f.data_len, 0);
}

static void decode_long_set_address(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t n = hx("68 06 06 68 53 05 51 01 7A 0A 2E 16", buf, sizeof buf); /* reference frame */
    mb_frame_t f;
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.c, 0x53);
    assert_int_equal(f.a, 0x05);
    assert_int_equal(f.ci, 0x51);
    assert_ptr_equal(f.data, buf + 7);
    assert_int_equal(f.data_len, 3);
    assert_bytes(f.data, f.data_len, "01 7A 0A");
}

/* L = 4: the shortest long frame, one data byte (application reset with subcode). */
static void decode_long_one_data_byte(void **state)
{
    (void)state;
    uint8_t buf[16];
    size_t n = hx("68 04 04 68 53 05 50 10 B8 16", buf, sizeof buf);
    mb_frame_t f;
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.c, 0x53);
    assert_int_equal(f.a, 0x05);
    assert_int_equal(f.ci, 0x50);
    assert_ptr_equal(f.data, buf + 7);
    assert_int_equal(f.data_len, 1);
    assert_int_equal(f.data[0], 0x10);
}

static void decode_long_max(void **state)
{
    (void)state;
    uint8_t buf[MB_FRAME_MAX_LEN];
    size_t n = make_max_long(buf);
    mb_frame_t f;
    assert_int_equal(n, MB_FRAME_MAX_LEN);
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.c, 0x08);
    assert_int_equal(f.a, 0x01);
    assert_int_equal(f.ci, 0x72);
    assert_ptr_equal(f.data, buf + 7);
    assert_int_equal(f.data_len, MB_FRAME_DATA_MAX);
    for (size_t i = 0; i < 252; i++) {
        assert_int_equal(f.data[i], i);
    }
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), 261);
    assert_int_equal(f.data_len, 252);
}

static void decode_oms_n22_rsp_ud(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = hx(OMS_N22_FRAME, buf, sizeof buf);
    mb_frame_t f;
    assert_int_equal(n, 38); /* L = 0x20 = 32, plus 6 */
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.c, MB_C_RSP_UD);
    assert_int_equal(f.a, 0xFD);
    assert_int_equal(f.ci, 0x72);
    assert_ptr_equal(f.data, buf + 7);
    assert_int_equal(f.data_len, 29);
    assert_bytes(f.data, f.data_len, OMS_N22_DATA);

    /* The long header starts with the secondary address: ID 12345678, "ELS" 0x1593, v 0x33, gas.
     */
    mb_secondary_t sec;
    mb_secondary_unpack(f.data, &sec);
    assert_int_equal(sec.id, 0x12345678u);
    assert_int_equal(sec.manufacturer, 0x1593u);
    assert_int_equal(sec.version, 0x33u);
    assert_int_equal(sec.medium, 0x03u);
}

static void decode_prefix_returns_length(void **state)
{
    (void)state;
    uint8_t buf[64];
    mb_frame_t f;
    size_t n;

    n = hx("E5 E5", buf, sizeof buf);
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), 1);
    assert_int_equal(f.type, MB_FRAME_ACK);

    n = hx("A2 FF", buf, sizeof buf);
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), 1);
    assert_int_equal(f.type, MB_FRAME_NACK);

    n = hx("10 7B 05 80 16 00 01", buf, sizeof buf);
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), 5);
    assert_int_equal(f.type, MB_FRAME_SHORT);
    assert_int_equal(f.c, 0x7B);
    assert_int_equal(f.a, 0x05);

    n = hx("68 03 03 68 53 05 BD 15 16 68", buf, sizeof buf);
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), 9);
    assert_int_equal(f.type, MB_FRAME_CONTROL);
    assert_int_equal(f.ci, 0xBD);

    n = hx("68 06 06 68 53 05 51 01 7A 0A 2E 16 E5 10", buf, sizeof buf);
    assert_int_equal(mb_frame_decode_prefix(buf, n, &f), 12);
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_ptr_equal(f.data, buf + 7);
    assert_int_equal(f.data_len, 3);
}

/* ---- rejections ---------------------------------------------------------------------------- */

static void reject_empty(void **state)
{
    (void)state;
    uint8_t buf[1] = {0xE5};
    mb_frame_t f;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, 0, &f), MB_ERR_FRAME_EMPTY);
    assert_frame_none(&f);
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode_prefix(buf, 0, &f), MB_ERR_FRAME_EMPTY);
    assert_frame_none(&f);
}

static void reject_bad_start(void **state)
{
    (void)state;
    expect_reject("00", MB_ERR_FRAME_START);
    expect_reject("16", MB_ERR_FRAME_START);
    expect_reject("FF", MB_ERR_FRAME_START);
    expect_reject("E6", MB_ERR_FRAME_START);
    expect_reject("11 7B 05 80 16", MB_ERR_FRAME_START);
    expect_reject("69 03 03 68 53 05 BD 15 16", MB_ERR_FRAME_START);
}

static void reject_truncated_short(void **state)
{
    (void)state;
    expect_reject("10", MB_ERR_FRAME_TRUNCATED);
    expect_reject("10 7B", MB_ERR_FRAME_TRUNCATED);
    expect_reject("10 7B 05", MB_ERR_FRAME_TRUNCATED);
    expect_reject("10 7B 05 80", MB_ERR_FRAME_TRUNCATED);
    /* Enough bytes is checked before the C field. */
    expect_reject("10 08", MB_ERR_FRAME_TRUNCATED);
}

static void reject_truncated_long(void **state)
{
    (void)state;
    uint8_t buf[MB_FRAME_MAX_LEN];
    size_t n = hx("68 06 06 68 53 05 51 01 7A 0A 2E 16", buf, sizeof buf);
    mb_frame_t f;
    /* Every cut point: after 68, after the first L, after both L, ..., before the stop byte. */
    for (size_t cut = 1; cut < n; cut++) {
        frame_garbage(&f, buf);
        assert_int_equal(mb_frame_decode(buf, cut, &f), MB_ERR_FRAME_TRUNCATED);
        assert_frame_none(&f);
        assert_int_equal(mb_frame_decode_prefix(buf, cut, &f), MB_ERR_FRAME_TRUNCATED);
        assert_frame_none(&f);
    }
    /* The 261-byte frame cut at 4, 7, 8, 259 and 260 bytes. */
    n = make_max_long(buf);
    const size_t cuts[] = {4, 7, 8, 259, 260};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        assert_int_equal(mb_frame_decode(buf, cuts[i], &f), MB_ERR_FRAME_TRUNCATED);
        assert_int_equal(mb_frame_decode_prefix(buf, cuts[i], &f), MB_ERR_FRAME_TRUNCATED);
    }
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
}

static void reject_len_mismatch(void **state)
{
    (void)state;
    expect_reject("68 06 07 68 53 05 51 01 7A 0A 2E 16", MB_ERR_FRAME_LEN_MISMATCH);
    expect_reject("68 07 06 68 53 05 51 01 7A 0A 2E 16", MB_ERR_FRAME_LEN_MISMATCH);
    /* The two L fields are compared as soon as both are there, before the length is checked. */
    expect_reject("68 05 06", MB_ERR_FRAME_LEN_MISMATCH);
}

static void reject_second_start(void **state)
{
    (void)state;
    expect_reject("68 06 06 69 53 05 51 01 7A 0A 2E 16", MB_ERR_FRAME_START2);
    expect_reject("68 06 06 10", MB_ERR_FRAME_START2);
}

static void reject_l_below_3(void **state)
{
    (void)state;
    /* Complete-looking frames: 68 L L 68, then L bytes, CS, 16. */
    expect_reject("68 00 00 68 00 16", MB_ERR_FRAME_LEN);
    expect_reject("68 01 01 68 53 53 16", MB_ERR_FRAME_LEN);
    expect_reject("68 02 02 68 53 05 58 16", MB_ERR_FRAME_LEN);
    /* L < 3 is found from the header alone, before the length is checked. */
    expect_reject("68 02 02 68", MB_ERR_FRAME_LEN);
}

static void reject_cfield(void **state)
{
    (void)state;
    /* RSP_UD in a short frame: CS = 08 + 05 = 0D. */
    expect_reject("10 08 05 0D 16", MB_ERR_FRAME_CFIELD);
    /* SND_NKE in a control frame: CS = 40 + 05 + BD = 0x102 -> 02. */
    expect_reject("68 03 03 68 40 05 BD 02 16", MB_ERR_FRAME_CFIELD);
    /* SND_NKE in a long frame: CS = 40 + 05 + 51 + 7F = 0x115 -> 15. */
    expect_reject("68 04 04 68 40 05 51 7F 15 16", MB_ERR_FRAME_CFIELD);
    /* REQ_UD2 without FCV (4B) in a short frame: CS = 4B + 05 = 50. */
    expect_reject("10 4B 05 50 16", MB_ERR_FRAME_CFIELD);
    /* REQ_UD2 in a control frame: CS = 7B + 05 + 50 = D0. */
    expect_reject("68 03 03 68 7B 05 50 D0 16", MB_ERR_FRAME_CFIELD);
    /* Bit 7 set. FB = REQ_UD2 7B | 80, short: CS = FB + 05 = 0x100 -> 00. */
    expect_reject("10 FB 05 00 16", MB_ERR_FRAME_CFIELD);
    /* D3 = SND_UD 53 | 80, control: CS = D3 + 05 + BD = 0x195 -> 95.
     * 88 = RSP_UD 08 | 80, control: CS = 88 + 05 + 72 = FF. */
    expect_reject("68 03 03 68 D3 05 BD 95 16", MB_ERR_FRAME_CFIELD);
    expect_reject("68 03 03 68 88 05 72 FF 16", MB_ERR_FRAME_CFIELD);
    /* C is checked before the stop byte and the checksum. */
    expect_reject("10 08 05 00 00", MB_ERR_FRAME_CFIELD);
}

static void reject_stop(void **state)
{
    (void)state;
    expect_reject("10 7B 05 80 17", MB_ERR_FRAME_STOP);
    expect_reject("68 03 03 68 53 05 BD 15 00", MB_ERR_FRAME_STOP);
    expect_reject("68 06 06 68 53 05 51 01 7A 0A 2E 68", MB_ERR_FRAME_STOP);
    /* The stop byte is checked before the checksum. */
    expect_reject("10 7B 05 81 17", MB_ERR_FRAME_STOP);
}

static void reject_checksum(void **state)
{
    (void)state;
    expect_reject("10 7B 05 81 16", MB_ERR_FRAME_CHECKSUM);
    expect_reject("10 7B 05 7F 16", MB_ERR_FRAME_CHECKSUM);
    expect_reject("68 03 03 68 53 05 BD 16 16", MB_ERR_FRAME_CHECKSUM);
    expect_reject("68 06 06 68 53 05 51 01 7A 0A 2F 16", MB_ERR_FRAME_CHECKSUM);
    /* A data byte changed, checksum left as it was. */
    expect_reject("68 06 06 68 53 05 51 01 7A 0B 2E 16", MB_ERR_FRAME_CHECKSUM);
    /* The 261-byte frame with its checksum (05) off by one. */
    uint8_t buf[MB_FRAME_MAX_LEN];
    mb_frame_t f;
    size_t n = make_max_long(buf);
    buf[259] = 0x06;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_ERR_FRAME_CHECKSUM);
    assert_frame_none(&f);
}

static void reject_trailing(void **state)
{
    (void)state;
    uint8_t buf[64];
    mb_frame_t f;
    const char *cases[] = {"E5 E5", "A2 00", "10 7B 05 80 16 16", "68 03 03 68 53 05 BD 15 16 E5",
                           "68 06 06 68 53 05 51 01 7A 0A 2E 16 00"};
    const int lens[] = {1, 1, 5, 9, 12};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = hx(cases[i], buf, sizeof buf);
        frame_garbage(&f, buf);
        assert_int_equal(mb_frame_decode(buf, n, &f), MB_ERR_FRAME_TRAILING);
        assert_frame_none(&f);
        assert_int_equal(mb_frame_decode_prefix(buf, n, &f), lens[i]);
        assert_int_not_equal(f.type, MB_FRAME_NONE);
    }
}

/* Several faults in one frame: the first failing check of the documented order wins. */
static void reject_check_order(void **state)
{
    (void)state;
    /* L differ + second start bad + L < 3 -> L differ */
    expect_reject("68 01 02 10 00 00 00", MB_ERR_FRAME_LEN_MISMATCH);
    /* second start bad + L < 3 -> second start */
    expect_reject("68 01 01 10 00 00 00", MB_ERR_FRAME_START2);
    /* L < 3 + too short -> L */
    expect_reject("68 01 01 68 53", MB_ERR_FRAME_LEN);
    /* too short + C not allowed -> truncated */
    expect_reject("68 03 03 68 40 05", MB_ERR_FRAME_TRUNCATED);
    /* C not allowed + bad stop + bad checksum -> C */
    expect_reject("68 03 03 68 40 05 BD 00 00", MB_ERR_FRAME_CFIELD);
    /* bad stop + bad checksum -> stop */
    expect_reject("68 03 03 68 53 05 BD 00 00", MB_ERR_FRAME_STOP);
    /* bad checksum + trailing -> checksum (decode_prefix too) */
    expect_reject("68 03 03 68 53 05 BD 00 16 E5", MB_ERR_FRAME_CHECKSUM);
}

static void reject_null_arguments(void **state)
{
    (void)state;
    uint8_t buf[8];
    size_t n = hx("10 7B 05 80 16", buf, sizeof buf);
    mb_frame_t f;
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode(NULL, 5, &f), MB_ERR_ARG);
    assert_frame_none(&f);
    frame_garbage(&f, buf);
    assert_int_equal(mb_frame_decode_prefix(NULL, 5, &f), MB_ERR_ARG);
    assert_frame_none(&f);
    assert_int_equal(mb_frame_decode(buf, n, NULL), MB_ERR_ARG);
    assert_int_equal(mb_frame_decode_prefix(buf, n, NULL), MB_ERR_ARG);
}

/* ---- C field allowed per frame type -------------------------------------------------------- */

static bool in_list(uint8_t c, const uint8_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] == c) {
            return true;
        }
    }
    return false;
}

/* SND_UD2 sends data: with L = 3 (no data) the C field is refused. CS = 43 + 05 + 51 = 0x99. */
static void decode_snd_ud2_control_frame_rejected(void **state)
{
    (void)state;
    uint8_t buf[16];
    mb_frame_t f;
    size_t n = hx("68 03 03 68 43 05 51 99 16", buf, sizeof buf);
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_ERR_FRAME_CFIELD);
    assert_int_equal(f.type, MB_FRAME_NONE);
    /* The same with one data byte is a valid long frame: CS = 43 + 05 + 51 + 7F = 0x18. */
    n = hx("68 04 04 68 43 05 51 7F 18 16", buf, sizeof buf);
    assert_int_equal(mb_frame_decode(buf, n, &f), MB_OK);
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.c, MB_C_SND_UD2);
}

static void c_valid_for_every_byte(void **state)
{
    (void)state;
    /* EN 13757-2: SND_NKE 40, REQ_UD1 5A/7A, REQ_UD2 5B/7B in short frames; SND_UD 53/73 and
     * RSP_UD 08/18/28/38 in control and long frames; SND_UD2 43 (2018) in long frames only. */
    static const uint8_t short_ok[] = {0x40, 0x5A, 0x7A, 0x5B, 0x7B};
    static const uint8_t control_ok[] = {0x53, 0x73, 0x08, 0x18, 0x28, 0x38};
    static const uint8_t long_ok[] = {0x53, 0x73, 0x43, 0x08, 0x18, 0x28, 0x38};
    unsigned n_short = 0, n_control = 0, n_long = 0;
    for (unsigned v = 0; v < 256; v++) {
        uint8_t c = (uint8_t)v;
        bool want_short = in_list(c, short_ok, sizeof short_ok);
        bool want_control = in_list(c, control_ok, sizeof control_ok);
        bool want_long = in_list(c, long_ok, sizeof long_ok);
        assert_int_equal(mb_c_valid_for(MB_FRAME_SHORT, c), want_short);
        assert_int_equal(mb_c_valid_for(MB_FRAME_CONTROL, c), want_control);
        assert_int_equal(mb_c_valid_for(MB_FRAME_LONG, c), want_long);
        /* Frames without a C field allow none. */
        assert_false(mb_c_valid_for(MB_FRAME_NONE, c));
        assert_false(mb_c_valid_for(MB_FRAME_ACK, c));
        assert_false(mb_c_valid_for(MB_FRAME_NACK, c));
        assert_false(mb_c_valid_for((mb_frame_type_t)99, c));
        n_short += mb_c_valid_for(MB_FRAME_SHORT, c);
        n_control += mb_c_valid_for(MB_FRAME_CONTROL, c);
        n_long += mb_c_valid_for(MB_FRAME_LONG, c);
    }
    assert_int_equal(n_short, 5);
    assert_int_equal(n_control, 6);
    assert_int_equal(n_long, 7);
}

/* ---- builders against the reference frames -------------------------------------------------- */

static void build_snd_nke(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    assert_int_equal(mb_encode_snd_nke(out, sizeof out, 5), 5);
    assert_bytes(out, 5, "10 40 05 45 16");
    assert_int_equal(mb_encode_snd_nke(out, sizeof out, 253), 5);
    assert_bytes(out, 5, "10 40 FD 3D 16");
    assert_int_equal(mb_encode_snd_nke(out, sizeof out, 254), 5);
    assert_bytes(out, 5, "10 40 FE 3E 16");
}

static void build_req_ud2(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    assert_int_equal(mb_encode_req_ud2(out, sizeof out, 5, true), 5);
    assert_bytes(out, 5, "10 7B 05 80 16");
    assert_int_equal(mb_encode_req_ud2(out, sizeof out, 5, false), 5);
    assert_bytes(out, 5, "10 5B 05 60 16");
    assert_int_equal(mb_encode_req_ud2(out, sizeof out, 253, true), 5);
    assert_bytes(out, 5, "10 7B FD 78 16");
}

static void build_req_ud1(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    assert_int_equal(mb_encode_req_ud1(out, sizeof out, 5, true), 5);
    assert_bytes(out, 5, "10 7A 05 7F 16");
    /* FCB 0: CS = 5A + 05 = 5F */
    assert_int_equal(mb_encode_req_ud1(out, sizeof out, 5, false), 5);
    assert_bytes(out, 5, "10 5A 05 5F 16");
}

static void build_select(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    mb_secondary_t full = {0x12345678u, 0xFFFFu, 0xFF, 0xFF};
    mb_secondary_t wild = {0x1234FFFFu, 0xFFFFu, 0xFF, 0xFF};
    assert_int_equal(mb_encode_select(out, sizeof out, false, &full), 17);
    assert_bytes(out, 17, "68 0B 0B 68 53 FD 52 78 56 34 12 FF FF FF FF B2 16");
    assert_int_equal(mb_encode_select(out, sizeof out, false, &wild), 17);
    assert_bytes(out, 17, "68 0B 0B 68 53 FD 52 FF FF 34 12 FF FF FF FF E2 16");
    /* FCB 1: C = 73, CS = B2 + 20 = D2 */
    assert_int_equal(mb_encode_select(out, sizeof out, true, &full), 17);
    assert_bytes(out, 17, "68 0B 0B 68 73 FD 52 78 56 34 12 FF FF FF FF D2 16");
}

static void build_select_fields(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    /* The N.2.2 address: ID 12345678, manufacturer 0x1593, version 33, medium 03.
     * CS = 53 + FD + 52 = 0x1A2 -> A2; + 78 56 34 12 (0x114 -> 14) -> B6; + 93 15 33 03 (0xDE)
     * -> 0x194 -> 94. */
    mb_secondary_t sec = {0x12345678u, 0x1593u, 0x33, 0x03};
    assert_int_equal(mb_encode_select(out, sizeof out, false, &sec), 17);
    assert_bytes(out, 17, "68 0B 0B 68 53 FD 52 78 56 34 12 93 15 33 03 94 16");
}

static void build_select_enhanced(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    mb_secondary_t full = {0x12345678u, 0xFFFFu, 0xFF, 0xFF};
    assert_int_equal(mb_encode_select_enhanced(out, sizeof out, false, &full, 0x11223344u), 23);
    assert_bytes(out, 23, "68 11 11 68 53 FD 52 78 56 34 12 FF FF FF FF 0C 78 44 33 22 11 E0 16");
}

static void build_set_address(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    assert_int_equal(mb_encode_set_address(out, sizeof out, 5, false, 10), 12);
    assert_bytes(out, 12, "68 06 06 68 53 05 51 01 7A 0A 2E 16");
    /* Highest allowed address 250 = FA: CS = 2E - 0A + FA = 0x11E -> 1E */
    assert_int_equal(mb_encode_set_address(out, sizeof out, 5, false, 250), 12);
    assert_bytes(out, 12, "68 06 06 68 53 05 51 01 7A FA 1E 16");
    /* Address 0, FCB 1: C = 73, CS = 73 + 05 + 51 + 01 + 7A + 00 = 0x144 -> 44 */
    assert_int_equal(mb_encode_set_address(out, sizeof out, 5, true, 0), 12);
    assert_bytes(out, 12, "68 06 06 68 73 05 51 01 7A 00 44 16");
}

static void build_set_baud(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    assert_int_equal(mb_encode_set_baud(out, sizeof out, 5, false, 9600), 9);
    assert_bytes(out, 9, "68 03 03 68 53 05 BD 15 16");
    /* 300 Bd -> CI B8: CS = 53 + 05 + B8 = 0x110 -> 10 */
    assert_int_equal(mb_encode_set_baud(out, sizeof out, 5, false, 300), 9);
    assert_bytes(out, 9, "68 03 03 68 53 05 B8 10 16");
    /* 38400 Bd to 255 with FCB: CI BF, CS = 73 + FF + BF = 0x231 -> 31 */
    assert_int_equal(mb_encode_set_baud(out, sizeof out, 255, true, 38400), 9);
    assert_bytes(out, 9, "68 03 03 68 73 FF BF 31 16");
}

static void build_app_reset(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, MB_APP_RESET_NO_SUBCODE), 9);
    assert_bytes(out, 9, "68 03 03 68 53 05 50 A8 16");
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, 0x10), 10);
    assert_bytes(out, 10, "68 04 04 68 53 05 50 10 B8 16");
    /* Subcode limits: 00 -> CS A8; FF -> A8 + FF = 0x1A7 -> A7 */
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, 0), 10);
    assert_bytes(out, 10, "68 04 04 68 53 05 50 00 A8 16");
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, 255), 10);
    assert_bytes(out, 10, "68 04 04 68 53 05 50 FF A7 16");
}

static void build_ack_nack(void **state)
{
    (void)state;
    uint8_t out[4] = {0, 0, 0, 0};
    assert_int_equal(mb_encode_ack(out, sizeof out), 1);
    assert_int_equal(out[0], 0xE5);
    assert_int_equal(mb_encode_nack(out, sizeof out), 1);
    assert_int_equal(out[0], 0xA2);
}

static void build_rsp_ud_flags(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    /* Control frames, A 05, CI 72: CS = C + 05 + 72 = C + 77 */
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, false, false, 0x72, NULL, 0), 9);
    assert_bytes(out, 9, "68 03 03 68 08 05 72 7F 16");
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, false, true, 0x72, NULL, 0), 9);
    assert_bytes(out, 9, "68 03 03 68 18 05 72 8F 16");
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, true, false, 0x72, NULL, 0), 9);
    assert_bytes(out, 9, "68 03 03 68 28 05 72 9F 16");
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, true, true, 0x72, NULL, 0), 9);
    assert_bytes(out, 9, "68 03 03 68 38 05 72 AF 16");
}

static void build_rsp_ud_long(void **state)
{
    (void)state;
    uint8_t data[64];
    uint8_t out[BUF_CAP];
    size_t n = hx(OMS_N22_DATA, data, sizeof data);
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 0xFD, false, false, 0x72, data, n), 38);
    assert_bytes(out, 38, OMS_N22_FRAME);
    /* Application error "busy" (code 08): 08 + 05 + 70 + 08 = 0x85 */
    const uint8_t busy = 0x08;
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, false, false, 0x70, &busy, 1), 10);
    assert_bytes(out, 10, "68 04 04 68 08 05 70 08 85 16");
}

static void build_snd_ud2(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    const uint8_t dif = 0x7F;
    /* The global readout request reference frame with C 43 instead of 53: CS = 28 - 10 = 18 */
    assert_int_equal(mb_encode_snd_ud2(out, sizeof out, 5, 0x51, &dif, 1), 10);
    assert_bytes(out, 10, "68 04 04 68 43 05 51 7F 18 16");
}

static void build_snd_ud(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    const uint8_t dif = 0x7F;
    /* No data: a control frame (same bytes as the application reset reference frame). */
    assert_int_equal(mb_encode_snd_ud(out, sizeof out, 5, false, 0x50, NULL, 0), 9);
    assert_bytes(out, 9, "68 03 03 68 53 05 50 A8 16");
    /* FCB 1: C = 73, CS = A8 + 20 = C8 */
    assert_int_equal(mb_encode_snd_ud(out, sizeof out, 5, true, 0x50, NULL, 0), 9);
    assert_bytes(out, 9, "68 03 03 68 73 05 50 C8 16");
    /* With data: the global readout request reference frame. */
    assert_int_equal(mb_encode_snd_ud(out, sizeof out, 5, false, 0x51, &dif, 1), 10);
    assert_bytes(out, 10, "68 04 04 68 53 05 51 7F 28 16");
}

static void build_snd_ud_max(void **state)
{
    (void)state;
    uint8_t data[252];
    uint8_t out[BUF_CAP];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)i;
    }
    memset(out, GUARD, sizeof out);
    /* L = 255; CS = 53 + 05 + 51 + (0 + ... + 251) = 0xA9 + 0x8A (mod 256) = 0x133 -> 33 */
    assert_int_equal(mb_encode_snd_ud(out, sizeof out, 5, false, 0x51, data, 252), 261);
    assert_bytes(out, 7, "68 FF FF 68 53 05 51");
    assert_memory_equal(out + 7, data, 252);
    assert_int_equal(out[259], 0x33);
    assert_int_equal(out[260], 0x16);
    assert_guard(out, 261);
}

static void build_argument_errors(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    uint8_t data[253];
    memset(data, 0x11, sizeof data);
    memset(out, GUARD, sizeof out);
    mb_secondary_t sec = {0x12345678u, 0xFFFFu, 0xFF, 0xFF};

    assert_int_equal(mb_encode_set_baud(out, sizeof out, 5, false, 1234), MB_ERR_ARG);
    assert_int_equal(mb_encode_set_baud(out, sizeof out, 5, false, 0), MB_ERR_ARG);
    assert_int_equal(mb_encode_set_baud(out, sizeof out, 5, false, 115200), MB_ERR_ARG);
    assert_int_equal(mb_encode_set_address(out, sizeof out, 5, false, 251), MB_ERR_ARG);
    assert_int_equal(mb_encode_set_address(out, sizeof out, 5, false, 255), MB_ERR_ARG);
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, 256), MB_ERR_ARG);
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, -2), MB_ERR_ARG);
    assert_int_equal(mb_encode_app_reset(out, sizeof out, 5, false, INT_MIN), MB_ERR_ARG);
    assert_int_equal(mb_encode_snd_ud2(out, sizeof out, 5, 0x51, data, 0), MB_ERR_ARG);
    assert_int_equal(mb_encode_snd_ud2(out, sizeof out, 5, 0x51, NULL, 0), MB_ERR_ARG);
    assert_int_equal(mb_encode_snd_ud2(out, sizeof out, 5, 0x51, data, 253), MB_ERR_ARG);
    assert_int_equal(mb_encode_snd_ud2(out, sizeof out, 5, 0x51, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_encode_snd_ud(out, sizeof out, 5, false, 0x51, data, 253), MB_ERR_ARG);
    assert_int_equal(mb_encode_snd_ud(out, sizeof out, 5, false, 0x51, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, false, false, 0x72, data, 253),
                     MB_ERR_ARG);
    assert_int_equal(mb_encode_rsp_ud(out, sizeof out, 5, false, false, 0x72, NULL, 3), MB_ERR_ARG);
    assert_int_equal(mb_encode_select(out, sizeof out, false, NULL), MB_ERR_ARG);
    assert_int_equal(mb_encode_select_enhanced(out, sizeof out, false, NULL, 0), MB_ERR_ARG);
    /* No output buffer but a capacity. */
    assert_int_equal(mb_encode_snd_nke(NULL, 5, 5), MB_ERR_ARG);
    assert_int_equal(mb_encode_select(NULL, 17, false, &sec), MB_ERR_ARG);
    /* None of them wrote anything. */
    assert_guard(out, 0);
}

/* Every builder, by number, into out[0..cap). */
enum builder {
    B_SND_NKE,
    B_REQ_UD2,
    B_REQ_UD1,
    B_SND_UD_CONTROL,
    B_SND_UD_LONG,
    B_SND_UD_MAX,
    B_SND_UD2,
    B_APP_RESET,
    B_APP_RESET_SUBCODE,
    B_SET_BAUD,
    B_SET_ADDRESS,
    B_SELECT,
    B_SELECT_ENHANCED,
    B_ACK,
    B_NACK,
    B_RSP_UD_CONTROL,
    B_RSP_UD_LONG,
    B_FRAME_ENCODE_SHORT,
    B_FRAME_ENCODE_LONG,
    B_COUNT
};

/* Wire length of each builder's frame: 5 short, 9 control, data + 9 long, 1 single character. */
static const size_t builder_len[B_COUNT] = {5,  5,  5,  9, 10, 261, 12, 9, 10, 9,
                                            12, 17, 23, 1, 1,  9,   38, 5, 12};

static int build(enum builder which, uint8_t *out, size_t cap)
{
    static const uint8_t data3[3] = {0x01, 0x02, 0x03};
    static const uint8_t data29[29] = {0};
    static const uint8_t data252[252] = {0};
    const mb_secondary_t sec = {0x12345678u, 0xFFFFu, 0xFF, 0xFF};
    const mb_frame_t f_short = {MB_FRAME_SHORT, 0x7B, 5, 0, NULL, 0};
    const mb_frame_t f_long = {MB_FRAME_LONG, 0x08, 5, 0x72, data3, 3};
    switch (which) {
    case B_SND_NKE: return mb_encode_snd_nke(out, cap, 5);
    case B_REQ_UD2: return mb_encode_req_ud2(out, cap, 5, true);
    case B_REQ_UD1: return mb_encode_req_ud1(out, cap, 5, false);
    case B_SND_UD_CONTROL: return mb_encode_snd_ud(out, cap, 5, false, 0x50, NULL, 0);
    case B_SND_UD_LONG: return mb_encode_snd_ud(out, cap, 5, true, 0x51, data3, 1);
    case B_SND_UD_MAX: return mb_encode_snd_ud(out, cap, 5, true, 0x51, data252, 252);
    case B_SND_UD2: return mb_encode_snd_ud2(out, cap, 5, 0x5B, data3, 3);
    case B_APP_RESET: return mb_encode_app_reset(out, cap, 5, false, MB_APP_RESET_NO_SUBCODE);
    case B_APP_RESET_SUBCODE: return mb_encode_app_reset(out, cap, 5, false, 0x10);
    case B_SET_BAUD: return mb_encode_set_baud(out, cap, 5, false, 2400);
    case B_SET_ADDRESS: return mb_encode_set_address(out, cap, 5, false, 10);
    case B_SELECT: return mb_encode_select(out, cap, false, &sec);
    case B_SELECT_ENHANCED: return mb_encode_select_enhanced(out, cap, false, &sec, 1);
    case B_ACK: return mb_encode_ack(out, cap);
    case B_NACK: return mb_encode_nack(out, cap);
    case B_RSP_UD_CONTROL: return mb_encode_rsp_ud(out, cap, 5, true, true, 0x72, NULL, 0);
    case B_RSP_UD_LONG: return mb_encode_rsp_ud(out, cap, 5, false, false, 0x72, data29, 29);
    case B_FRAME_ENCODE_SHORT: return mb_frame_encode(&f_short, out, cap);
    case B_FRAME_ENCODE_LONG: return mb_frame_encode(&f_long, out, cap);
    default: break;
    }
    fail();
    return 0;
}

static void build_nospace_every_builder(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    for (int b = 0; b < B_COUNT; b++) {
        size_t want = builder_len[b];
        /* Capacity one byte short: refused, nothing written at or past cap. */
        memset(out, GUARD, sizeof out);
        assert_int_equal(build((enum builder)b, out, want - 1), MB_ERR_NOSPACE);
        assert_guard(out, want - 1);
        /* No room at all. */
        assert_int_equal(build((enum builder)b, out, 0), MB_ERR_NOSPACE);
        assert_guard(out, 0);
        /* Exactly enough: the whole frame, not a byte more, and it decodes. */
        assert_int_equal(build((enum builder)b, out, want), (int)want);
        assert_guard(out, want);
        mb_frame_t f;
        assert_int_equal(mb_frame_decode(out, want, &f), MB_OK);
    }
}

/* ---- mb_frame_encode / mb_frame_encoded_len ------------------------------------------------ */

static void assert_frame_equal(const mb_frame_t *got, const mb_frame_t *want)
{
    assert_int_equal(got->type, want->type);
    assert_int_equal(got->c, want->c);
    assert_int_equal(got->a, want->a);
    assert_int_equal(got->ci, want->ci);
    assert_int_equal(got->data_len, want->data_len);
    if (want->data_len == 0) {
        assert_null(got->data);
    } else {
        assert_memory_equal(got->data, want->data, want->data_len);
    }
}

/* Encode @p f, check the length against @p wire_len, decode and compare. */
static void round_trip(const mb_frame_t *f, size_t wire_len)
{
    uint8_t out[BUF_CAP];
    mb_frame_t back;
    memset(out, GUARD, sizeof out);
    assert_int_equal(mb_frame_encoded_len(f), wire_len);
    assert_int_equal(mb_frame_encode(f, out, sizeof out), (int)wire_len);
    assert_guard(out, wire_len);
    assert_int_equal(mb_frame_decode(out, wire_len, &back), MB_OK);
    assert_frame_equal(&back, f);
    if (f->type == MB_FRAME_LONG) {
        assert_ptr_equal(back.data, out + 7);
    }
}

static void encode_round_trip_each_type(void **state)
{
    (void)state;
    uint8_t data[252];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(0xE5 ^ i);
    }
    const mb_frame_t ack = {MB_FRAME_ACK, 0, 0, 0, NULL, 0};
    const mb_frame_t nack = {MB_FRAME_NACK, 0, 0, 0, NULL, 0};
    const mb_frame_t shrt = {MB_FRAME_SHORT, 0x5B, 0xFE, 0, NULL, 0};
    const mb_frame_t control = {MB_FRAME_CONTROL, 0x38, 0x00, 0xB8, NULL, 0};
    const mb_frame_t long1 = {MB_FRAME_LONG, 0x43, 0xFF, 0x5B, data, 1};
    const mb_frame_t long252 = {MB_FRAME_LONG, 0x73, 0x01, 0x72, data, 252};
    round_trip(&ack, 1);
    round_trip(&nack, 1);
    round_trip(&shrt, 5);
    round_trip(&control, 9);
    round_trip(&long1, 10);
    round_trip(&long252, 261);
}

static void encode_round_trip_every_c(void **state)
{
    (void)state;
    static const uint8_t short_ok[] = {0x40, 0x5A, 0x7A, 0x5B, 0x7B};
    static const uint8_t long_ok[] = {0x53, 0x73, 0x43, 0x08, 0x18, 0x28, 0x38};
    const uint8_t data[2] = {0x16, 0x68};
    for (size_t i = 0; i < sizeof short_ok; i++) {
        mb_frame_t f = {MB_FRAME_SHORT, short_ok[i], (uint8_t)(i * 50), 0, NULL, 0};
        round_trip(&f, 5);
    }
    for (size_t i = 0; i < sizeof long_ok; i++) {
        mb_frame_t c = {MB_FRAME_CONTROL,    long_ok[i], (uint8_t)(i * 40),
                        (uint8_t)(0xB8 + i), NULL,       0};
        mb_frame_t l = {MB_FRAME_LONG, long_ok[i], (uint8_t)(255 - i), (uint8_t)i, data, 2};
        if (long_ok[i] == MB_C_SND_UD2) {
            /* SND_UD2 carries data: a control frame with it is refused. */
            uint8_t out[BUF_CAP];
            assert_int_equal(mb_frame_encoded_len(&c), 0);
            assert_int_equal(mb_frame_encode(&c, out, sizeof out), MB_ERR_FRAME_CFIELD);
        } else {
            round_trip(&c, 9);
        }
        round_trip(&l, 11);
    }
}

static void encode_matches_reference(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    const uint8_t rec[3] = {0x01, 0x7A, 0x0A};
    const mb_frame_t shrt = {MB_FRAME_SHORT, 0x7B, 0x05, 0, NULL, 0};
    const mb_frame_t control = {MB_FRAME_CONTROL, 0x53, 0x05, 0xBD, NULL, 0};
    const mb_frame_t lng = {MB_FRAME_LONG, 0x53, 0x05, 0x51, rec, 3};
    assert_int_equal(mb_frame_encode(&shrt, out, sizeof out), 5);
    assert_bytes(out, 5, "10 7B 05 80 16");
    assert_int_equal(mb_frame_encode(&control, out, sizeof out), 9);
    assert_bytes(out, 9, "68 03 03 68 53 05 BD 15 16");
    assert_int_equal(mb_frame_encode(&lng, out, sizeof out), 12);
    assert_bytes(out, 12, "68 06 06 68 53 05 51 01 7A 0A 2E 16");
}

/* Encode must refuse @p f with @p err, report length 0 and write nothing. */
static void expect_encode_error(const mb_frame_t *f, int err)
{
    uint8_t out[BUF_CAP];
    memset(out, GUARD, sizeof out);
    assert_int_equal(mb_frame_encoded_len(f), 0);
    assert_int_equal(mb_frame_encode(f, out, sizeof out), err);
    assert_guard(out, 0);
}

static void encode_rejects(void **state)
{
    (void)state;
    uint8_t data[253];
    memset(data, 0x42, sizeof data);
    const mb_frame_t control_data = {MB_FRAME_CONTROL, 0x53, 5, 0x50, data, 1};
    const mb_frame_t long_empty = {MB_FRAME_LONG, 0x53, 5, 0x51, data, 0};
    const mb_frame_t long_253 = {MB_FRAME_LONG, 0x53, 5, 0x51, data, 253};
    const mb_frame_t long_null = {MB_FRAME_LONG, 0x53, 5, 0x51, NULL, 4};
    const mb_frame_t short_rsp = {MB_FRAME_SHORT, 0x08, 5, 0, NULL, 0};
    const mb_frame_t short_bit7 = {MB_FRAME_SHORT, 0xDB, 5, 0, NULL, 0};
    const mb_frame_t control_nke = {MB_FRAME_CONTROL, 0x40, 5, 0x50, NULL, 0};
    const mb_frame_t long_req = {MB_FRAME_LONG, 0x7B, 5, 0x51, data, 1};
    const mb_frame_t long_63 = {MB_FRAME_LONG, 0x63, 5, 0x51, data, 1}; /* FCB without FCV */
    const mb_frame_t none = {MB_FRAME_NONE, 0, 0, 0, NULL, 0};
    const mb_frame_t unknown = {(mb_frame_type_t)6, 0x53, 5, 0x51, data, 1};
    expect_encode_error(&control_data, MB_ERR_ARG);
    expect_encode_error(&long_empty, MB_ERR_ARG);
    expect_encode_error(&long_253, MB_ERR_ARG);
    expect_encode_error(&long_null, MB_ERR_ARG);
    expect_encode_error(&short_rsp, MB_ERR_FRAME_CFIELD);
    expect_encode_error(&short_bit7, MB_ERR_FRAME_CFIELD);
    expect_encode_error(&control_nke, MB_ERR_FRAME_CFIELD);
    expect_encode_error(&long_req, MB_ERR_FRAME_CFIELD);
    expect_encode_error(&long_63, MB_ERR_FRAME_CFIELD);
    expect_encode_error(&none, MB_ERR_ARG);
    expect_encode_error(&unknown, MB_ERR_ARG);
}

static void encode_null_arguments(void **state)
{
    (void)state;
    uint8_t out[8];
    const mb_frame_t shrt = {MB_FRAME_SHORT, 0x7B, 0x05, 0, NULL, 0};
    assert_int_equal(mb_frame_encode(NULL, out, sizeof out), MB_ERR_ARG);
    assert_int_equal(mb_frame_encoded_len(NULL), 0);
    assert_int_equal(mb_frame_encode(&shrt, NULL, 5), MB_ERR_ARG);
}

static void encode_nospace(void **state)
{
    (void)state;
    uint8_t out[BUF_CAP];
    uint8_t data[252];
    memset(data, 0x33, sizeof data);
    const mb_frame_t lng = {MB_FRAME_LONG, 0x08, 5, 0x72, data, 252};
    memset(out, GUARD, sizeof out);
    assert_int_equal(mb_frame_encode(&lng, out, 260), MB_ERR_NOSPACE);
    assert_guard(out, 260);
    assert_int_equal(mb_frame_encode(&lng, out, 261), 261);
    assert_guard(out, 261);
}

/* ---- C-field helpers and names -------------------------------------------------------------- */

static void c_field_bits(void **state)
{
    (void)state;
    /* 7B = 0111 1011: PRM, FCB, FCV, function B */
    assert_int_equal(mb_c_function(0x7B), 0xB);
    assert_true(mb_c_is_prm(0x7B));
    assert_true(mb_c_fcb(0x7B));
    assert_true(mb_c_fcv(0x7B));
    /* 5B: FCB clear */
    assert_false(mb_c_fcb(0x5B));
    assert_true(mb_c_fcv(0x5B));
    /* 40: SND_NKE, FCV clear */
    assert_int_equal(mb_c_function(0x40), 0x0);
    assert_true(mb_c_is_prm(0x40));
    assert_false(mb_c_fcv(0x40));
    assert_false(mb_c_fcb(0x40));
    /* RSP_UD from a slave: 08 plain, 28 ACD, 18 DFC, 38 both */
    assert_false(mb_c_is_prm(0x08));
    assert_int_equal(mb_c_function(0x38), 0x8);
    assert_false(mb_c_acd(0x08));
    assert_false(mb_c_dfc(0x08));
    assert_true(mb_c_acd(0x28));
    assert_false(mb_c_dfc(0x28));
    assert_false(mb_c_acd(0x18));
    assert_true(mb_c_dfc(0x18));
    assert_true(mb_c_acd(0x38));
    assert_true(mb_c_dfc(0x38));
}

static void c_names(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    assert_string_equal(mb_c_name(0x40), "SND_NKE");
    assert_string_equal(mb_c_name(0x53), "SND_UD");
    assert_string_equal(mb_c_name(0x73), "SND_UD");
    assert_string_equal(mb_c_name(0x43), "SND_UD2");
    assert_string_equal(mb_c_name(0x63), "unknown"); /* function 3 with FCB but no FCV */
    assert_string_equal(mb_c_name(0x5A), "REQ_UD1");
    assert_string_equal(mb_c_name(0x7A), "REQ_UD1");
    assert_string_equal(mb_c_name(0x5B), "REQ_UD2");
    assert_string_equal(mb_c_name(0x7B), "REQ_UD2");
    assert_string_equal(mb_c_name(0x08), "RSP_UD");
    assert_string_equal(mb_c_name(0x18), "RSP_UD");
    assert_string_equal(mb_c_name(0x28), "RSP_UD");
    assert_string_equal(mb_c_name(0x38), "RSP_UD");
    assert_string_equal(mb_c_name(0x00), "ACK");
    assert_string_equal(mb_c_name(0x01), "NACK");
    assert_string_equal(mb_c_name(0x44), "SND_NR");
    assert_string_equal(mb_c_name(0x45), "SND_UD3");
    assert_string_equal(mb_c_name(0x46), "SND_IR");
    assert_string_equal(mb_c_name(0x47), "ACC_NR");
    assert_string_equal(mb_c_name(0x48), "ACC_DMD");
    assert_string_equal(mb_c_name(0x06), "CNF_IR");
    /* Unused function codes and the reserved bit 7. */
    assert_string_equal(mb_c_name(0x02), "unknown");
    assert_string_equal(mb_c_name(0x0F), "unknown");
    assert_string_equal(mb_c_name(0x41), "unknown");
    assert_string_equal(mb_c_name(0x4F), "unknown");
    assert_string_equal(mb_c_name(0xC0), "unknown");
    assert_string_equal(mb_c_name(0x88), "unknown");
    assert_string_equal(mb_c_name(0xFF), "unknown");
#else
    assert_string_equal(mb_c_name(0x40), "");
    assert_string_equal(mb_c_name(0x08), "");
#endif
}

static void frame_type_names(void **state)
{
    (void)state;
#if MB_ENABLE_TEXT
    assert_string_equal(mb_frame_type_name(MB_FRAME_NONE), "none");
    assert_string_equal(mb_frame_type_name(MB_FRAME_ACK), "ACK");
    assert_string_equal(mb_frame_type_name(MB_FRAME_NACK), "NACK");
    assert_string_equal(mb_frame_type_name(MB_FRAME_SHORT), "short");
    assert_string_equal(mb_frame_type_name(MB_FRAME_CONTROL), "control");
    assert_string_equal(mb_frame_type_name(MB_FRAME_LONG), "long");
    assert_string_equal(mb_frame_type_name((mb_frame_type_t)42), "none");
#else
    assert_string_equal(mb_frame_type_name(MB_FRAME_LONG), "");
#endif
}

/* ---- A field -------------------------------------------------------------------------------- */

static void addr_classes(void **state)
{
    (void)state;
    assert_int_equal(mb_addr_class(0), MB_ADDR_CLASS_UNCONFIGURED);
    assert_int_equal(mb_addr_class(1), MB_ADDR_CLASS_PRIMARY);
    assert_int_equal(mb_addr_class(100), MB_ADDR_CLASS_PRIMARY);
    assert_int_equal(mb_addr_class(250), MB_ADDR_CLASS_PRIMARY);
    assert_int_equal(mb_addr_class(251), MB_ADDR_CLASS_RESERVED);
    assert_int_equal(mb_addr_class(252), MB_ADDR_CLASS_RESERVED);
    assert_int_equal(mb_addr_class(253), MB_ADDR_CLASS_NETWORK);
    assert_int_equal(mb_addr_class(254), MB_ADDR_CLASS_BROADCAST_REPLY);
    assert_int_equal(mb_addr_class(255), MB_ADDR_CLASS_BROADCAST);
}

static void addr_expects_reply(void **state)
{
    (void)state;
    /* EN 13757-2: replies from 0, 1..250, 253, 254; none from 251, 252 and 255. */
    for (unsigned a = 0; a < 256; a++) {
        bool want = a <= 250 || a == 253 || a == 254;
        assert_int_equal(mb_addr_expects_reply((uint8_t)a), want);
    }
}

/* ---- baud rates and wire time --------------------------------------------------------------- */

static void baud_ci_all_rates(void **state)
{
    (void)state;
    static const uint32_t rates[8] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400};
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(mb_baud_to_ci(rates[i]), 0xB8 + i);
        assert_int_equal(mb_ci_to_baud((uint8_t)(0xB8 + i)), rates[i]);
    }
}

static void baud_ci_non_rates(void **state)
{
    (void)state;
    static const uint32_t bad[] = {
        0,         1, 299, 301, 1234, 2401, 14400, 57600, 115200, 300u + 65536u, 38400u + 65536u,
        UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mb_baud_to_ci(bad[i]), 0);
    }
    for (unsigned ci = 0; ci < 256; ci++) {
        if (ci < 0xB8 || ci > 0xBF) {
            assert_int_equal(mb_ci_to_baud((uint8_t)ci), 0);
        }
    }
}

static void wire_time(void **state)
{
    (void)state;
    /* 261 * 11 bits = 2871 bits; at 2400 Bd 1196.25 ms -> 1197 */
    assert_int_equal(mb_wire_time_ms(2400, 261), 1197);
    /* 11 bits at 300 Bd = 36.67 ms -> 37 */
    assert_int_equal(mb_wire_time_ms(300, 1), 37);
    /* 11-bit characters, 261 bytes: 9570 ms at 300 (exact), 299.06 -> 300 at 9600,
     * 74.77 -> 75 at 38400 */
    assert_int_equal(mb_wire_time_ms(300, 261), 9570);
    assert_int_equal(mb_wire_time_ms(9600, 261), 300);
    assert_int_equal(mb_wire_time_ms(38400, 261), 75);
    /* Exact: 12 bytes at 1200 = 132 bits ... 132000 / 1200 = 110 ms, not rounded up to 111 */
    assert_int_equal(mb_wire_time_ms(1200, 12), 110);
    assert_int_equal(mb_wire_time_ms(11000, 1), 1);
    assert_int_equal(mb_wire_time_ms(11001, 1), 1);
    assert_int_equal(mb_wire_time_ms(UINT32_MAX, 1), 1);
    assert_int_equal(mb_wire_time_ms(9600, 0), 0);
    assert_int_equal(mb_wire_time_ms(0, 100), 0);
    assert_int_equal(mb_wire_time_ms(0, 0), 0);
    /* Largest without saturation: 11000 Bd makes 1 ms per byte. */
    assert_int_equal(mb_wire_time_ms(11000, UINT32_MAX), UINT32_MAX);
    assert_int_equal(mb_wire_time_ms(11000, UINT32_MAX - 1), UINT32_MAX - 1);
    /* Saturation: UINT32_MAX bytes at 1 or 300 Bd need far more than 2^32 ms. */
    assert_int_equal(mb_wire_time_ms(1, UINT32_MAX), UINT32_MAX);
    assert_int_equal(mb_wire_time_ms(300, UINT32_MAX), UINT32_MAX);
    /* 390451 bytes at 1 Bd = 4294961000 ms, just below 2^32 - 1 = 4294967295 */
    assert_int_equal(mb_wire_time_ms(1, 390451), 4294961000u);
    /* 390452 bytes at 1 Bd = 4294972000 ms: saturates */
    assert_int_equal(mb_wire_time_ms(1, 390452), UINT32_MAX);
}

/* ---- secondary addresses -------------------------------------------------------------------- */

static void secondary_pack(void **state)
{
    (void)state;
    uint8_t out[MB_SECONDARY_LEN + 1];
    memset(out, GUARD, sizeof out);
    const mb_secondary_t sec = {0x12345678u, 0x1593u, 0x33, 0x03};
    mb_secondary_pack(&sec, out);
    /* As in the long header of the N.2.2 example. */
    assert_bytes(out, 8, "78 56 34 12 93 15 33 03");
    assert_int_equal(out[8], GUARD);
}

static void secondary_unpack(void **state)
{
    (void)state;
    uint8_t in[8];
    mb_secondary_t sec;
    hx("67 45 23 71 2D 2C 1B 04", in, sizeof in); /* heat meter 71234567, "KAM" 0x2C2D */
    mb_secondary_unpack(in, &sec);
    assert_int_equal(sec.id, 0x71234567u);
    assert_int_equal(sec.manufacturer, 0x2C2Du);
    assert_int_equal(sec.version, 0x1B);
    assert_int_equal(sec.medium, 0x04);
    hx("FF FF FF FF FF FF FF FF", in, sizeof in);
    mb_secondary_unpack(in, &sec);
    assert_int_equal(sec.id, 0xFFFFFFFFu);
    assert_int_equal(sec.manufacturer, 0xFFFFu);
    assert_int_equal(sec.version, 0xFF);
    assert_int_equal(sec.medium, 0xFF);
}

static void secondary_pack_unpack_random(void **state)
{
    (void)state;
    uint32_t rng = 0x2468ACE1u;
    for (int i = 0; i < 1000; i++) {
        mb_secondary_t a, b;
        uint8_t wire[8];
        a.id = mbt_rand(&rng);
        a.manufacturer = (uint16_t)mbt_rand(&rng);
        a.version = (uint8_t)mbt_rand(&rng);
        a.medium = (uint8_t)mbt_rand(&rng);
        mb_secondary_pack(&a, wire);
        /* Byte layout by hand: ID LSB first, manufacturer LE, version, medium. */
        assert_int_equal(wire[0], a.id & 0xFF);
        assert_int_equal(wire[3], a.id >> 24);
        assert_int_equal(wire[4], a.manufacturer & 0xFF);
        assert_int_equal(wire[5], a.manufacturer >> 8);
        assert_int_equal(wire[6], a.version);
        assert_int_equal(wire[7], a.medium);
        mb_secondary_unpack(wire, &b);
        assert_int_equal(b.id, a.id);
        assert_int_equal(b.manufacturer, a.manufacturer);
        assert_int_equal(b.version, a.version);
        assert_int_equal(b.medium, a.medium);
    }
}

static const mb_secondary_t gas_meter = {0x12345678u, 0x1593u, 0x33, 0x03};

static bool match(uint32_t id, uint16_t man, uint8_t ver, uint8_t med)
{
    mb_secondary_t mask = {id, man, ver, med};
    return mb_secondary_match(&mask, &gas_meter);
}

static void secondary_match_exact(void **state)
{
    (void)state;
    assert_true(mb_secondary_match(&gas_meter, &gas_meter));
    assert_true(match(0x12345678u, 0x1593u, 0x33, 0x03));
    assert_true(match(0xFFFFFFFFu, 0xFFFFu, 0xFF, 0xFF));
}

static void secondary_match_digit_wildcards(void **state)
{
    (void)state;
    assert_true(match(0x1234FFFFu, 0xFFFFu, 0xFF, 0xFF));
    assert_true(match(0xFFFF5678u, 0xFFFFu, 0xFF, 0xFF));
    assert_true(match(0xF2345678u, 0x1593u, 0x33, 0x03));
    assert_true(match(0x1234567Fu, 0x1593u, 0x33, 0x03));
    assert_true(match(0x1F3F5F7Fu, 0x1593u, 0x33, 0x03));
    assert_true(match(0xF2F4F6F8u, 0x1593u, 0x33, 0x03));
    /* A wildcard digit does not excuse a wrong digit elsewhere. */
    assert_false(match(0x1234FFF0u, 0xFFFFu, 0xFF, 0xFF));
    assert_false(match(0x0FFFFFFFu, 0xFFFFu, 0xFF, 0xFF));
}

static void secondary_match_each_digit(void **state)
{
    (void)state;
    for (unsigned pos = 0; pos < 8; pos++) {
        uint32_t shift = 4 * pos;
        uint32_t digit = (0x12345678u >> shift) & 0xF;
        uint32_t other = (digit + 1) % 10;
        uint32_t id = (0x12345678u & ~(0xFu << shift)) | (other << shift);
        assert_false(match(id, 0x1593u, 0x33, 0x03));
        /* Same digit wildcarded: matches again. */
        assert_true(match(id | (0xFu << shift), 0x1593u, 0x33, 0x03));
    }
}

static void secondary_match_field_nibbles(void **state)
{
    (void)state;
    /* Manufacturer: 0xFFFF, and nibble by nibble (the library's extension, see link.h). */
    assert_true(match(0x12345678u, 0xFFFFu, 0x33, 0x03));
    assert_false(match(0x12345678u, 0x1594u, 0x33, 0x03));
    assert_true(match(0x12345678u, 0x15FFu, 0x33, 0x03));
    assert_true(match(0x12345678u, 0xFF93u, 0x33, 0x03));
    assert_false(match(0x12345678u, 0x14FFu, 0x33, 0x03)); /* 0x14 is not 0x15 */
    assert_false(match(0x12345678u, 0xFF94u, 0x33, 0x03));
    /* Version */
    assert_true(match(0x12345678u, 0x1593u, 0xFF, 0x03));
    assert_false(match(0x12345678u, 0x1593u, 0x34, 0x03));
    assert_true(match(0x12345678u, 0x1593u, 0x3F, 0x03));
    assert_false(match(0x12345678u, 0x1593u, 0x4F, 0x03));
    /* Medium */
    assert_true(match(0x12345678u, 0x1593u, 0x33, 0xFF));
    assert_false(match(0x12345678u, 0x1593u, 0x33, 0x07));
    assert_true(match(0x12345678u, 0x1593u, 0x33, 0x0F));
    assert_false(match(0x12345678u, 0x1593u, 0x33, 0x1F));
}

static void secondary_match_hex_digits_in_address(void **state)
{
    (void)state;
    /* A slave's own ID may hold A..E digits; only an F in the mask is a wildcard. */
    const mb_secondary_t slave = {0x1234ABCDu, 0x1593u, 0x33, 0x03};
    const mb_secondary_t exact = slave;
    const mb_secondary_t wild = {0x1234FFFFu, 0xFFFFu, 0xFF, 0xFF};
    const mb_secondary_t other = {0x1234ABCEu, 0xFFFFu, 0xFF, 0xFF};
    assert_true(mb_secondary_match(&exact, &slave));
    assert_true(mb_secondary_match(&wild, &slave));
    assert_false(mb_secondary_match(&other, &slave));
}

/* ---- errors and version --------------------------------------------------------------------- */

static void strerror_texts(void **state)
{
    (void)state;
    static const int codes[] = {MB_OK,
                                MB_ERR_ARG,
                                MB_ERR_NOSPACE,
                                MB_ERR_FRAME_EMPTY,
                                MB_ERR_FRAME_START,
                                MB_ERR_FRAME_TRUNCATED,
                                MB_ERR_FRAME_LEN_MISMATCH,
                                MB_ERR_FRAME_START2,
                                MB_ERR_FRAME_LEN,
                                MB_ERR_FRAME_CFIELD,
                                MB_ERR_FRAME_STOP,
                                MB_ERR_FRAME_CHECKSUM,
                                MB_ERR_FRAME_TRAILING};
    const size_t n = sizeof codes / sizeof codes[0];
#if MB_ENABLE_TEXT
    for (size_t i = 0; i < n; i++) {
        const char *s = mb_strerror(codes[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown error");
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(s, mb_strerror(codes[j]));
        }
    }
    static const int unknown[] = {1, 2, -3, -9, -29, 100, -1000, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(mb_strerror(unknown[i]), "unknown error");
    }
#else
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(mb_strerror(codes[i]), "");
    }
    assert_string_equal(mb_strerror(12345), "");
#endif
}

static void version_getters(void **state)
{
    (void)state;
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", MB_VERSION_MAJOR, MB_VERSION_MINOR, MB_VERSION_PATCH);
    assert_string_equal(MB_VERSION_STRING, want);
    assert_string_equal(mb_version(), MB_VERSION_STRING);
    assert_int_equal(MB_VERSION_NUMBER, ((uint32_t)MB_VERSION_MAJOR << 16) |
                                            ((uint32_t)MB_VERSION_MINOR << 8) |
                                            (uint32_t)MB_VERSION_PATCH);
    assert_int_equal(mb_version_number(), MB_VERSION_NUMBER);
}

/* ---- sizes ---------------------------------------------------------------------------------- */

static void size_macros(void **state)
{
    (void)state;
    assert_int_equal(MB_FRAME_MAX_LEN, 261);
    assert_int_equal(MB_FRAME_DATA_MAX, 252);
    assert_int_equal(MB_FRAME_LONG_LEN(1), 10);
    assert_int_equal(MB_FRAME_LONG_LEN(MB_FRAME_DATA_MAX), MB_FRAME_MAX_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_ack),
        cmocka_unit_test(decode_nack),
        cmocka_unit_test(decode_short_req_ud2),
        cmocka_unit_test(decode_short_snd_nke_253),
        cmocka_unit_test(decode_control_set_baud),
        cmocka_unit_test(decode_long_set_address),
        cmocka_unit_test(decode_long_one_data_byte),
        cmocka_unit_test(decode_long_max),
        cmocka_unit_test(decode_oms_n22_rsp_ud),
        cmocka_unit_test(decode_prefix_returns_length),
        cmocka_unit_test(reject_empty),
        cmocka_unit_test(reject_bad_start),
        cmocka_unit_test(reject_truncated_short),
        cmocka_unit_test(reject_truncated_long),
        cmocka_unit_test(reject_len_mismatch),
        cmocka_unit_test(reject_second_start),
        cmocka_unit_test(reject_l_below_3),
        cmocka_unit_test(reject_cfield),
        cmocka_unit_test(reject_stop),
        cmocka_unit_test(reject_checksum),
        cmocka_unit_test(reject_trailing),
        cmocka_unit_test(reject_check_order),
        cmocka_unit_test(reject_null_arguments),
        cmocka_unit_test(c_valid_for_every_byte),
        cmocka_unit_test(build_snd_nke),
        cmocka_unit_test(build_req_ud2),
        cmocka_unit_test(build_req_ud1),
        cmocka_unit_test(build_select),
        cmocka_unit_test(build_select_fields),
        cmocka_unit_test(build_select_enhanced),
        cmocka_unit_test(build_set_address),
        cmocka_unit_test(build_set_baud),
        cmocka_unit_test(build_app_reset),
        cmocka_unit_test(build_ack_nack),
        cmocka_unit_test(build_rsp_ud_flags),
        cmocka_unit_test(build_rsp_ud_long),
        cmocka_unit_test(build_snd_ud2),
        cmocka_unit_test(decode_snd_ud2_control_frame_rejected),
        cmocka_unit_test(build_snd_ud),
        cmocka_unit_test(build_snd_ud_max),
        cmocka_unit_test(build_argument_errors),
        cmocka_unit_test(build_nospace_every_builder),
        cmocka_unit_test(encode_round_trip_each_type),
        cmocka_unit_test(encode_round_trip_every_c),
        cmocka_unit_test(encode_matches_reference),
        cmocka_unit_test(encode_rejects),
        cmocka_unit_test(encode_null_arguments),
        cmocka_unit_test(encode_nospace),
        cmocka_unit_test(c_field_bits),
        cmocka_unit_test(c_names),
        cmocka_unit_test(frame_type_names),
        cmocka_unit_test(addr_classes),
        cmocka_unit_test(addr_expects_reply),
        cmocka_unit_test(baud_ci_all_rates),
        cmocka_unit_test(baud_ci_non_rates),
        cmocka_unit_test(wire_time),
        cmocka_unit_test(secondary_pack),
        cmocka_unit_test(secondary_unpack),
        cmocka_unit_test(secondary_pack_unpack_random),
        cmocka_unit_test(secondary_match_exact),
        cmocka_unit_test(secondary_match_digit_wildcards),
        cmocka_unit_test(secondary_match_each_digit),
        cmocka_unit_test(secondary_match_field_nibbles),
        cmocka_unit_test(secondary_match_hex_digits_in_address),
        cmocka_unit_test(strerror_texts),
        cmocka_unit_test(version_getters),
        cmocka_unit_test(size_macros),
    };
    return cmocka_run_group_tests_name("link", tests, NULL, NULL);
}
