/*
 * Wireless radio coding (include/meterbus/wradio.h): 3-of-6 decode/encode and the mode T frame
 * receiver, Manchester, mode C/T detection.
 *
 * The 3-of-6 table is written out here from EN 13757-4 as chip strings, and
 * the short expected chip sequences are worked out by hand in the comments beside them.
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

#if MB_ENABLE_WIRELESS

#define GUARD 0xA5u

/* The table as chip strings, nibble 0..F. */
static const char *const TABLE[16] = {"010110", "001101", "001110", "001011", "011100", "011001",
                                      "011010", "010011", "101100", "100101", "100110", "100011",
                                      "110100", "110001", "110010", "101001"};

static unsigned chips_value(const char *s)
{
    unsigned v = 0;
    for (; *s != '\0'; s++) {
        v = v << 1 | (unsigned)(*s == '1');
    }
    return v;
}

/* -1 when @p code (6 bits) is not in the table. */
static int table_nibble(unsigned code)
{
    for (int n = 0; n < 16; n++) {
        if (chips_value(TABLE[n]) == code) {
            return n;
        }
    }
    return -1;
}

/* Write 6-chip @p code as symbol @p s of a packed chip buffer. */
static void put_symbol(uint8_t *chips, size_t s, unsigned code)
{
    for (unsigned j = 0; j < 6; j++) {
        size_t bit = 6 * s + j;
        uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
        if ((code >> (5 - j)) & 1u) {
            chips[bit / 8] |= mask;
        } else {
            chips[bit / 8] &= (uint8_t)~mask;
        }
    }
}

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* ---- 3-of-6 ------------------------------------------------------------------------------- */

static void table_codes(void **state)
{
    (void)state;
    int valid = 0;
    for (unsigned code = 0; code < 64; code++) {
        int n = table_nibble(code);
        int ones = 0;
        for (unsigned b = 0; b < 6; b++) {
            ones += (code >> b) & 1u;
        }
        if (n >= 0) {
            valid++;
            assert_int_equal(ones, 3);
        }
    }
    assert_int_equal(valid, 16);
}

/* Hand-worked: 12 34 -> 001101 001110 001011 011100 = 0011 0100 1110 0010 1101 1100, + 0x55. */
static void known_encoding(void **state)
{
    (void)state;
    uint8_t in[4] = {0x12, 0x34};
    uint8_t chips[8];
    memset(chips, GUARD, sizeof chips);
    assert_int_equal(mb_w3of6_encode(in, 2, chips, sizeof chips), 4);
    assert_int_equal(chips[0], 0x34);
    assert_int_equal(chips[1], 0xE2);
    assert_int_equal(chips[2], 0xDC);
    assert_int_equal(chips[3], 0x55); /* postamble 01010101 */
    assert_int_equal(chips[4], GUARD);

    /* A5 -> 100110 011001, then the postamble 0101: 1001 1001 1001 0101 = 99 95. */
    in[0] = 0xA5;
    memset(chips, GUARD, sizeof chips);
    assert_int_equal(mb_w3of6_encode(in, 1, chips, sizeof chips), 2);
    assert_int_equal(chips[0], 0x99);
    assert_int_equal(chips[1], 0x95);
    assert_int_equal(chips[2], GUARD);

    /* And back; the 4 pad chips of an odd count are not checked. */
    uint8_t out[4];
    mb_wcode_errors_t e;
    uint8_t c3[3] = {0x34, 0xE2, 0xDC};
    assert_int_equal(mb_w3of6_decode(c3, 3, out, 2, &e), 2);
    assert_int_equal(out[0], 0x12);
    assert_int_equal(out[1], 0x34);
    assert_int_equal(e.count, 0);
    uint8_t c2[2] = {0x99, 0x9F};
    assert_int_equal(mb_w3of6_decode(c2, 2, out, 1, &e), 1);
    assert_int_equal(out[0], 0xA5);

    /* Empty input writes only the postamble byte. */
    assert_int_equal(mb_w3of6_encode(NULL, 0, chips, sizeof chips), 1);
    assert_int_equal(chips[0], 0x55);
    assert_int_equal(mb_w3of6_decode(NULL, 0, NULL, 0, NULL), 0);
}

static void round_trip_every_byte(void **state)
{
    (void)state;
    uint8_t in[256];
    uint8_t chips[MB_W3OF6_TX_LEN(256)];
    uint8_t out[256];
    for (unsigned i = 0; i < 256; i++) {
        in[i] = (uint8_t)i;
    }
    assert_int_equal(mb_w3of6_encode(in, 256, chips, sizeof chips), 385);
    /* Each symbol is the table's code for its nibble. */
    for (unsigned i = 0; i < 256; i++) {
        for (unsigned half = 0; half < 2; half++) {
            size_t s = 2 * i + half;
            unsigned code = 0;
            for (unsigned j = 0; j < 6; j++) {
                size_t bit = 6 * s + j;
                code = code << 1 | ((chips[bit / 8] >> (7 - bit % 8)) & 1u);
            }
            assert_int_equal(code, chips_value(TABLE[half == 0 ? i >> 4 : i & 15]));
        }
    }
    mb_wcode_errors_t e;
    assert_int_equal(mb_w3of6_decode(chips, MB_W3OF6_CHIP_LEN(256), out, 256, &e), 256);
    assert_memory_equal(out, in, 256);
    assert_int_equal(e.count, 0);
    /* Every odd and even length. */
    for (size_t n = 0; n <= 256; n++) {
        int r = mb_w3of6_encode(in, n, chips, sizeof chips);
        assert_int_equal(r, (int)MB_W3OF6_TX_LEN(n));
        assert_int_equal(mb_w3of6_decode(chips, MB_W3OF6_CHIP_LEN(n), out, n, &e), (int)n);
        assert_memory_equal(out, in, n);
    }
}

/* Each of the 48 invalid codes, at each of 8 symbol positions: found exactly there. */
static void invalid_symbols(void **state)
{
    (void)state;
    const uint8_t in[4] = {0x3C, 0x5A, 0x96, 0xF0};
    uint8_t chips[MB_W3OF6_TX_LEN(4)];
    int invalid = 0;
    for (unsigned code = 0; code < 64; code++) {
        if (table_nibble(code) >= 0) {
            continue;
        }
        invalid++;
        for (size_t s = 0; s < 8; s++) {
            uint8_t out[4];
            mb_wcode_errors_t e;
            assert_int_equal(mb_w3of6_encode(in, 4, chips, sizeof chips), 7);
            put_symbol(chips, s, code);
            assert_int_equal(mb_w3of6_decode(chips, 6, out, 4, &e), MB_ERR_WL_3OF6);
            assert_int_equal(e.count, 1);
            assert_int_equal(e.first, s);
            /* The rest decodes; the bad nibble reads as 0. */
            for (size_t i = 0; i < 4; i++) {
                uint8_t want = in[i];
                if (i == s / 2) {
                    want = (uint8_t)(s % 2 == 0 ? want & 0x0F : want & 0xF0);
                }
                assert_int_equal(out[i], want);
            }
            /* NULL errors is allowed. */
            assert_int_equal(mb_w3of6_decode(chips, 6, out, 4, NULL), MB_ERR_WL_3OF6);
        }
    }
    assert_int_equal(invalid, 48);

    /* Several: counted, the first reported. */
    uint8_t out[4];
    mb_wcode_errors_t e;
    assert_int_equal(mb_w3of6_encode(in, 4, chips, sizeof chips), 7);
    put_symbol(chips, 7, 0x3F);
    put_symbol(chips, 3, 0x00);
    put_symbol(chips, 5, 0x15);
    assert_int_equal(mb_w3of6_decode(chips, 6, out, 4, &e), MB_ERR_WL_3OF6);
    assert_int_equal(e.count, 3);
    assert_int_equal(e.first, 3);
    /* The whole postamble byte after an even count is never read: only 6 bytes given. */
}

static void truncated_and_args(void **state)
{
    (void)state;
    uint8_t chips[16] = {0x34, 0xE2, 0xDC, 0x55};
    uint8_t out[16];
    mb_wcode_errors_t e = {5, 5};
    assert_int_equal(mb_w3of6_decode(chips, 2, out, 2, &e), MB_ERR_WL_TRUNCATED);
    assert_int_equal(e.count, 0);
    assert_int_equal(mb_w3of6_decode(chips, 1, out, 1, &e), MB_ERR_WL_TRUNCATED);
    /* 34 E2 = 001101 001110 0010: one byte, 0x12; the 4 chips after it are not looked at. */
    assert_int_equal(mb_w3of6_decode(chips, 2, out, 1, &e), 1);
    assert_int_equal(out[0], 0x12);
    assert_int_equal(mb_w3of6_decode(NULL, 3, out, 2, &e), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_decode(chips, 3, NULL, 2, &e), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_decode(chips, 3, out, (size_t)-1, &e), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_encode(NULL, 1, out, sizeof out), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_encode(chips, 1, NULL, 4), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_encode(chips, (size_t)-1, out, sizeof out), MB_ERR_ARG);
    memset(out, GUARD, sizeof out);
    assert_int_equal(mb_w3of6_encode(chips, 2, out, 3), MB_ERR_NOSPACE);
    assert_int_equal(mb_w3of6_encode(chips, 3, out, 4), MB_ERR_NOSPACE);
    for (size_t i = 0; i < sizeof out; i++) {
        assert_int_equal(out[i], GUARD);
    }
    assert_int_equal(mb_w3of6_encode(chips, 3, out, 5), 5);
}

static void in_place_3of6(void **state)
{
    (void)state;
    uint32_t rng = 42u;
    for (size_t n = 0; n <= MB_WFRAME_MAX_RAW_LEN; n++) {
        uint8_t data[MB_WFRAME_MAX_RAW_LEN];
        uint8_t buf[MB_W3OF6_MAX_TX_LEN];
        uint8_t want[MB_W3OF6_MAX_TX_LEN];
        for (size_t i = 0; i < n; i++) {
            data[i] = (uint8_t)mbt_rand(&rng);
        }
        int r = mb_w3of6_encode(data, n, want, sizeof want);
        assert_int_equal(r, (int)MB_W3OF6_TX_LEN(n));
        memcpy(buf, data, n);
        assert_int_equal(mb_w3of6_encode(buf, n, buf, sizeof buf), r);
        assert_memory_equal(buf, want, (size_t)r);
        assert_int_equal(mb_w3of6_decode(buf, (size_t)r, buf, n, NULL), (int)n);
        assert_memory_equal(buf, data, n);
    }
}

/* ---- mode T receiver ---------------------------------------------------------------------- */

/* wmbusmeters simulation_dll_crcs.txt, second telegram (format A, 61 bytes on the air). */
static const char TELEGRAM_A2[] = "3444EE4D813929271608 811D"
                                  " 7A51000000046D1912A62B036E000000 5170"
                                  " 426CE1F1436E00000002FF2C00000259 D6D0"
                                  " D4090265FC0902FD66A000 44C4";

static void rx_whole_frame(void **state)
{
    (void)state;
    uint8_t raw[MB_WFRAME_MAX_RAW_LEN];
    uint8_t chips[MB_W3OF6_MAX_TX_LEN + 8];
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    assert_int_equal(n, 61);
    int cn = mb_w3of6_encode(raw, n, chips, sizeof chips);
    assert_int_equal(cn, 92); /* 61 * 1.5 = 91.5 -> 92 with the 4-chip postamble */
    /* Noise after the frame. */
    memset(chips + cn, 0x00, 8);

    assert_int_equal(mb_w3of6_frame_chip_len(0x34), 92);
    assert_int_equal(mb_w3of6_frame_chip_len(9), 0);
    assert_int_equal(mb_w3of6_frame_chip_len(255), MB_W3OF6_CHIP_LEN(290));

    for (size_t chunk = 1; chunk <= 9; chunk++) {
        uint8_t out[MB_WFRAME_MAX_RAW_LEN];
        mb_w3of6_rx_t rx;
        mb_w3of6_rx_init(&rx, out, sizeof out);
        assert_int_equal(mb_w3of6_rx_chip_len(&rx), 0);
        size_t fed = 0;
        int r = 0;
        while (r == 0 && fed < (size_t)cn + 8) {
            size_t k = chunk;
            if (k > (size_t)cn + 8 - fed) {
                k = (size_t)cn + 8 - fed;
            }
            r = mb_w3of6_rx_feed(&rx, chips + fed, k);
            fed += k;
            /* L is known after 2 chip bytes (12 chips). */
            if (fed >= 2) {
                assert_int_equal(mb_w3of6_rx_chip_len(&rx), 92);
            } else {
                assert_int_equal(mb_w3of6_rx_chip_len(&rx), 0);
            }
            if (r == 0) {
                assert_true(fed < 92);
            }
        }
        assert_int_equal(r, 61);
        assert_true(fed >= 92 && fed < 92 + chunk);
        assert_memory_equal(out, raw, 61);
        /* More chips change nothing. */
        assert_int_equal(mb_w3of6_rx_feed(&rx, chips, 8), 61);
        mb_wframe_t f;
        assert_int_equal(mb_wframe_decode(out, 61, MB_WFORMAT_A, out, sizeof out, &f), 61);
        assert_int_equal(f.address.id, 0x27293981u);
    }
}

static void rx_errors(void **state)
{
    (void)state;
    uint8_t raw[MB_WFRAME_MAX_RAW_LEN];
    uint8_t chips[MB_W3OF6_MAX_TX_LEN];
    uint8_t out[MB_WFRAME_MAX_RAW_LEN];
    mb_w3of6_rx_t rx;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    int cn = mb_w3of6_encode(raw, n, chips, sizeof chips);

    /* A bad symbol ends reception where it is. */
    put_symbol(chips, 41, 0x2A); /* low nibble of byte 20 */
    mb_w3of6_rx_init(&rx, out, sizeof out);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, 30), 0);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips + 30, (size_t)cn - 30), MB_ERR_WL_3OF6);
    assert_int_equal(mb_w3of6_rx_bad_symbol(&rx), 41);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, 1), MB_ERR_WL_3OF6);
    /* In the L field itself: after 2 chip bytes. */
    put_symbol(chips, 0, 0x07);
    mb_w3of6_rx_init(&rx, out, sizeof out);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, 1), 0);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips + 1, 1), MB_ERR_WL_3OF6);
    assert_int_equal(mb_w3of6_rx_bad_symbol(&rx), 0);
    assert_int_equal(mb_w3of6_rx_chip_len(&rx), 0);

    /* L below 10. */
    uint8_t l9[1] = {0x09};
    assert_int_equal(mb_w3of6_encode(l9, 1, chips, sizeof chips), 2);
    mb_w3of6_rx_init(&rx, out, sizeof out);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, 2), MB_ERR_WL_LEN);
    assert_int_equal(mb_w3of6_rx_bad_symbol(&rx), 0);

    /* The frame is longer than the buffer: known after L. */
    cn = mb_w3of6_encode(raw, n, chips, sizeof chips);
    mb_w3of6_rx_init(&rx, out, 60);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, (size_t)cn), MB_ERR_NOSPACE);
    mb_w3of6_rx_init(&rx, out, 0);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, (size_t)cn), MB_ERR_NOSPACE);
    mb_w3of6_rx_init(&rx, NULL, 100);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, (size_t)cn), MB_ERR_NOSPACE);
    mb_w3of6_rx_init(&rx, out, 61);
    assert_int_equal(mb_w3of6_rx_feed(&rx, chips, (size_t)cn), 61);

    assert_int_equal(mb_w3of6_rx_feed(NULL, chips, 1), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_rx_feed(&rx, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_w3of6_rx_chip_len(NULL), 0);
    assert_int_equal(mb_w3of6_rx_bad_symbol(NULL), 0);
    mb_w3of6_rx_init(NULL, out, 1); /* ignored */
    mb_w3of6_rx_init(&rx, out, sizeof out);
    assert_int_equal(mb_w3of6_rx_feed(&rx, NULL, 0), 0);
}

/* ---- Manchester --------------------------------------------------------------------------- */

/* Hand-worked: A5 = 1010 0101; IEEE 1 = 01, 0 = 10: 01 10 01 10 10 01 10 01 = 66 99. */
static void manchester_known(void **state)
{
    (void)state;
    const uint8_t in[2] = {0xA5, 0x00};
    uint8_t chips[6];
    memset(chips, GUARD, sizeof chips);
    assert_int_equal(mb_wmanchester_encode(in, 2, chips, sizeof chips, MB_WMANCHESTER_IEEE), 4);
    assert_int_equal(chips[0], 0x66);
    assert_int_equal(chips[1], 0x99);
    assert_int_equal(chips[2], 0xAA); /* 0 -> 10 eight times */
    assert_int_equal(chips[3], 0xAA);
    assert_int_equal(chips[4], GUARD);
    assert_int_equal(mb_wmanchester_encode(in, 2, chips, sizeof chips, MB_WMANCHESTER_THOMAS), 4);
    assert_int_equal(chips[0], 0x99);
    assert_int_equal(chips[1], 0x66);
    assert_int_equal(chips[2], 0x55);
    assert_int_equal(chips[3], 0x55);

    uint8_t out[2];
    mb_wcode_errors_t e;
    const uint8_t ieee[2] = {0x66, 0x99};
    assert_int_equal(mb_wmanchester_decode(ieee, 2, out, 1, MB_WMANCHESTER_IEEE, &e), 1);
    assert_int_equal(out[0], 0xA5);
    assert_int_equal(mb_wmanchester_decode(ieee, 2, out, 1, MB_WMANCHESTER_THOMAS, &e), 1);
    assert_int_equal(out[0], 0x5A);
    assert_int_equal(e.count, 0);
}

static void manchester_round_trip(void **state)
{
    (void)state;
    uint8_t in[256];
    uint8_t chips[512];
    uint8_t out[256];
    for (unsigned i = 0; i < 256; i++) {
        in[i] = (uint8_t)i;
    }
    for (int pol = 0; pol <= 1; pol++) {
        assert_int_equal(mb_wmanchester_encode(in, 256, chips, sizeof chips, (mb_wmanchester_t)pol),
                         512);
        /* Every pair is 01 or 10. */
        for (size_t i = 0; i < sizeof chips; i++) {
            for (unsigned j = 0; j < 8; j += 2) {
                unsigned pair = (chips[i] >> j) & 3u;
                assert_true(pair == 1 || pair == 2);
            }
        }
        assert_int_equal(
            mb_wmanchester_decode(chips, sizeof chips, out, 256, (mb_wmanchester_t)pol, NULL), 256);
        assert_memory_equal(out, in, 256);
        /* In place. */
        uint8_t buf[512];
        memcpy(buf, in, 256);
        assert_int_equal(mb_wmanchester_encode(buf, 256, buf, sizeof buf, (mb_wmanchester_t)pol),
                         512);
        assert_memory_equal(buf, chips, 512);
        assert_int_equal(
            mb_wmanchester_decode(buf, sizeof buf, buf, 256, (mb_wmanchester_t)pol, NULL), 256);
        assert_memory_equal(buf, in, 256);
    }
}

static void manchester_invalid_pairs(void **state)
{
    (void)state;
    const uint8_t in[3] = {0x12, 0xEF, 0x80};
    for (size_t s = 0; s < 24; s++) {
        for (unsigned bad = 0; bad <= 3; bad += 3) {
            uint8_t chips[6];
            uint8_t out[3];
            mb_wcode_errors_t e;
            assert_int_equal(mb_wmanchester_encode(in, 3, chips, 6, MB_WMANCHESTER_IEEE), 6);
            size_t bit = 2 * s;
            unsigned shift = 6 - bit % 8;
            chips[bit / 8] = (uint8_t)((chips[bit / 8] & ~(3u << shift)) | bad << shift);
            assert_int_equal(mb_wmanchester_decode(chips, 6, out, 3, MB_WMANCHESTER_IEEE, &e),
                             MB_ERR_WL_MANCHESTER);
            assert_int_equal(e.count, 1);
            assert_int_equal(e.first, s);
            /* The bad bit reads as 0, the rest as sent. */
            for (size_t i = 0; i < 3; i++) {
                uint8_t want = in[i];
                if (i == s / 8) {
                    want &= (uint8_t) ~(0x80u >> (s % 8));
                }
                assert_int_equal(out[i], want);
            }
        }
    }
    /* Errors and truncation. */
    uint8_t chips[4] = {0x00, 0xFF, 0x66, 0x99};
    uint8_t out[2];
    mb_wcode_errors_t e;
    assert_int_equal(mb_wmanchester_decode(chips, 4, out, 2, MB_WMANCHESTER_IEEE, &e),
                     MB_ERR_WL_MANCHESTER);
    assert_int_equal(e.count, 8);
    assert_int_equal(e.first, 0);
    assert_int_equal(out[0], 0x00);
    assert_int_equal(out[1], 0xA5);
    assert_int_equal(mb_wmanchester_decode(chips, 3, out, 2, MB_WMANCHESTER_IEEE, &e),
                     MB_ERR_WL_TRUNCATED);
    assert_int_equal(mb_wmanchester_decode(chips, 4, out, 2, (mb_wmanchester_t)2, &e), MB_ERR_ARG);
    assert_int_equal(mb_wmanchester_decode(NULL, 4, out, 2, MB_WMANCHESTER_IEEE, &e), MB_ERR_ARG);
    assert_int_equal(mb_wmanchester_decode(NULL, 0, NULL, 0, MB_WMANCHESTER_IEEE, &e), 0);
    assert_int_equal(mb_wmanchester_encode(chips, 2, out, 2, (mb_wmanchester_t)7), MB_ERR_ARG);
    assert_int_equal(mb_wmanchester_encode(chips, 2, out, 3, MB_WMANCHESTER_IEEE), MB_ERR_NOSPACE);
    assert_int_equal(mb_wmanchester_encode(NULL, 2, out, 3, MB_WMANCHESTER_IEEE), MB_ERR_ARG);
    assert_int_equal(mb_wmanchester_encode(chips, (size_t)-1, out, 2, MB_WMANCHESTER_IEEE),
                     MB_ERR_ARG);
}

/* ---- mode C or T -------------------------------------------------------------------------- */

static void mode_detection(void **state)
{
    (void)state;
    assert_int_equal(mb_wmode_ct_detect(0x54, 0xCD), MB_WMODE_CT_C_A);
    assert_int_equal(mb_wmode_ct_detect(0x54, 0x3D), MB_WMODE_CT_C_B);
    assert_int_equal(mb_wmode_ct_detect(0x54, 0x00), MB_WMODE_CT_UNKNOWN);
    assert_int_equal(mb_wmode_ct_detect(0x00, 0x00), MB_WMODE_CT_UNKNOWN);
    assert_int_equal(mb_wmode_ct_detect(0x55, 0x55), MB_WMODE_CT_UNKNOWN);
    /* The first 16 chips of a mode T frame with L = 0x34: 3 = 001011, 4 = 011100: 2D Cx. */
    assert_int_equal(mb_wmode_ct_detect(0x2D, 0xC0), MB_WMODE_CT_T);
    assert_int_equal(mb_wmode_ct_detect(0x2D, 0xCF), MB_WMODE_CT_T);
    /* Exhaustive against the table written here. */
    for (unsigned w = 0; w < 65536; w++) {
        uint8_t b0 = (uint8_t)(w >> 8);
        uint8_t b1 = (uint8_t)w;
        mb_wmode_ct_t want = MB_WMODE_CT_UNKNOWN;
        if (w == 0x54CD) {
            want = MB_WMODE_CT_C_A;
        } else if (w == 0x543D) {
            want = MB_WMODE_CT_C_B;
        } else if (table_nibble(w >> 10) >= 0 && table_nibble((w >> 4) & 0x3F) >= 0) {
            want = MB_WMODE_CT_T;
        }
        assert_int_equal(mb_wmode_ct_detect(b0, b1), want);
    }
    /* No 3-of-6 frame starts like mode C. */
    assert_true(table_nibble(0x54 >> 2) < 0);
    assert_int_equal(MB_WSYNC_CT, 0x543D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_codes),
        cmocka_unit_test(known_encoding),
        cmocka_unit_test(round_trip_every_byte),
        cmocka_unit_test(invalid_symbols),
        cmocka_unit_test(truncated_and_args),
        cmocka_unit_test(in_place_3of6),
        cmocka_unit_test(rx_whole_frame),
        cmocka_unit_test(rx_errors),
        cmocka_unit_test(manchester_known),
        cmocka_unit_test(manchester_round_trip),
        cmocka_unit_test(manchester_invalid_pairs),
        cmocka_unit_test(mode_detection),
    };
    return cmocka_run_group_tests_name("wradio", tests, NULL, NULL);
}

#else /* !MB_ENABLE_WIRELESS */

int main(void)
{
    puts("wireless radio coding not compiled (MB_ENABLE_WIRELESS=0): nothing to test");
    return 0;
}

#endif
