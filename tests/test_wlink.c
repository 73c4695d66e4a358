/*
 * Wireless link layer (include/meterbus/wlink.h): CRC-16/EN-13757, frame formats A and B with
 * their block CRCs, AUTO detection, the DLL header, RSSI conversion, and the wireless C fields.
 *
 * Expected values come from published telegrams (wmbusmeters simulation_dll_crcs.txt and
 * test_frame_b_trim.sh, the OMS Vol.2 Annex N frames) or from a bit-serial
 * reference CRC and block layout written here independently of the library; nothing is produced
 * by the code under test and then compared with itself.
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
#define CAP   400u

/* ---- helpers ------------------------------------------------------------------------------ */

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/*
 * Reference CRC, bit-serial: the message is shifted through the 16-bit register one bit at a
 * time, most significant bit first, the feedback being the register's top bit XOR the message
 * bit (the textbook LFSR, not the byte-wise form the library uses).
 */
static uint16_t ref_crc(const uint8_t *p, size_t len)
{
    uint16_t reg = 0;
    for (size_t i = 0; i < len; i++) {
        for (int b = 7; b >= 0; b--) {
            unsigned in = (p[i] >> b) & 1u;
            unsigned fb = ((reg >> 15) & 1u) ^ in;
            reg = (uint16_t)(reg << 1);
            if (fb) {
                reg ^= 0x3D65u;
            }
        }
    }
    return (uint16_t)~reg;
}

/* Reference format A encoder: L = n - 1, 10-byte block, then 16-byte blocks, CRC after each. */
static size_t ref_encode_a(const uint8_t *f, size_t n, uint8_t *out)
{
    size_t pos = 0;
    size_t at = 0;
    size_t block = 10;
    uint8_t tmp[256];
    memcpy(tmp, f, n);
    tmp[0] = (uint8_t)(n - 1);
    while (at < n) {
        size_t k = n - at < block ? n - at : block;
        memcpy(out + pos, tmp + at, k);
        uint16_t crc = ref_crc(tmp + at, k);
        out[pos + k] = (uint8_t)(crc >> 8);
        out[pos + k + 1] = (uint8_t)crc;
        pos += k + 2;
        at += k;
        block = 16;
    }
    return pos;
}

/* Reference format B encoder: L counts the CRCs; CRC over 0..125 at 126, CRC2 at the end. */
static size_t ref_encode_b(const uint8_t *f, size_t n, uint8_t *out)
{
    size_t raw = n <= 126 ? n + 2 : n + 4;
    memcpy(out, f, n <= 126 ? n : 126);
    out[0] = (uint8_t)(raw - 1);
    if (n <= 126) {
        uint16_t crc = ref_crc(out, n);
        out[n] = (uint8_t)(crc >> 8);
        out[n + 1] = (uint8_t)crc;
    } else {
        uint16_t crc = ref_crc(out, 126);
        out[126] = (uint8_t)(crc >> 8);
        out[127] = (uint8_t)crc;
        memcpy(out + 128, f + 126, n - 126);
        crc = ref_crc(out + 128, n - 126);
        out[raw - 2] = (uint8_t)(crc >> 8);
        out[raw - 1] = (uint8_t)crc;
    }
    return raw;
}

/* Block that on-air byte @p i belongs to (its data or its CRC). */
static unsigned ref_block_a(size_t i) { return i < 12 ? 0u : (unsigned)(1 + (i - 12) / 18); }
static unsigned ref_block_b(size_t i) { return i < 128 ? 0u : 1u; }

static void wframe_garbage(mb_wframe_t *f)
{
    memset(f, 0x5A, sizeof *f);
    f->has_rssi = true;
}

static void assert_cleared(const mb_wframe_t *f)
{
    assert_null(f->frame);
    assert_null(f->payload);
    assert_int_equal(f->frame_len, 0);
    assert_int_equal(f->payload_len, 0);
    assert_int_equal(f->format, MB_WFORMAT_AUTO);
    assert_int_equal(f->crc_errors, 0);
    assert_int_equal(f->blocks, 0);
    assert_int_equal(f->raw_len, 0);
    assert_false(f->has_rssi);
}

/* A random frame without CRCs of @p n bytes. */
static void random_frame(uint32_t *rng, uint8_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        f[i] = (uint8_t)mbt_rand(rng);
    }
    f[0] = (uint8_t)(n - 1);
}

/* ---- vectors ------------------------------------------------------------------------------ */

/* wmbusmeters simulations/simulation_dll_crcs.txt, second telegram: format A, L = 0x34. */
static const char TELEGRAM_A2[] = "3444EE4D813929271608 811D"
                                  " 7A51000000046D1912A62B036E000000 5170"
                                  " 426CE1F1436E00000002FF2C00000259 D6D0"
                                  " D4090265FC0902FD66A000 44C4";
/* The same file, first telegram: format A, L = 0x73, 8 blocks. */
static const char TELEGRAM_A1[] = "734414867CC30B000303 0D58"
                                  " A00EDF0700DC41343CEA390306FF0A0D 44EA"
                                  " DF07000DDF07000DDF07000DDF07000E 44F9"
                                  " DF07000EDF07000EDF07000EDF07000E 931E"
                                  " DF07000DDF07000DDF07000DDF070003 5A45"
                                  " 00000000374F0B200000000000002434 12B3"
                                  " 1C07050C12280000000000002C002302 062F"
                                  " 19080F2F000000000000 DCF5";

/* Fact sheet V5 (wmbusmeters tests/test_frame_b_trim.sh): format B, 195 bytes, two CRCs. */
static const char V5_B[] =
    "C244C5140443054300048C200E900F002C25895E02003B0877D31DA840B17A0E009007100F8FAD4C4E61400DA4F3B1"
    "F7E273CC4C5C07F93CD20B237345DB39F9A98F8415E1C4B7A25C86E4C22D05C3352FA7E2E5627031F14643063F1D"
    "C8FE2C32459B6F02E4234B447B18E4BFDA8C4DA9B1EDE6CF29D0B2122A3E8B9DEEBEE3E6DBE6617B4E709EC6B5951"
    "79CB01C2C0BDE6723A345B708652880C114A58DA07C73AD9EB8ACB17FA0A88F19BC84CB1FC56672DE8A9603FD0C0"
    "5010002FD0B2111F60B";

/* Fact sheet V1..V4: frames without CRCs (L + 1 bytes). */
static const char *const STRIPPED[] = {
    "2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF"
    "3",
    "304493444433221155378C00757288776655934455080004100500DFE2A782146D1513581CD2F83F39040CFD1078"
    "563412",
    "434493157856341233038C2075900F002C25B30A000021924D4F2FB66E017A75002007109058475F4BC91DF878B80A"
    "1B0F98B629024AAC727942BFC549233C0140829B93",
    "24442D2C692845631B168D3050209CD621B006B1140AEF4953AE5B86FAFC0B00E70705B846",
};

/* ---- CRC ---------------------------------------------------------------------------------- */

static void crc_check_value(void **state)
{
    (void)state;
    const uint8_t check[] = "123456789";
    assert_int_equal(mb_crc16_en13757(check, 9), 0xC2B7);
    assert_int_equal(ref_crc(check, 9), 0xC2B7);
    assert_int_equal(mb_crc16_en13757(NULL, 0), 0xFFFF);
    assert_int_equal(mb_crc16_en13757_final(MB_CRC16_EN13757_INIT), 0xFFFF);
}

static void crc_matches_reference(void **state)
{
    (void)state;
    uint32_t rng = 0x1234567u;
    uint8_t buf[300];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)mbt_rand(&rng);
    }
    for (size_t n = 0; n <= sizeof buf; n++) {
        assert_int_equal(mb_crc16_en13757(buf, n), ref_crc(buf, n));
    }
}

static void crc_incremental(void **state)
{
    (void)state;
    const uint8_t check[] = "123456789";
    for (size_t split = 0; split <= 9; split++) {
        uint16_t reg = mb_crc16_en13757_update(MB_CRC16_EN13757_INIT, check, split);
        reg = mb_crc16_en13757_update(reg, check + split, 9 - split);
        assert_int_equal(mb_crc16_en13757_final(reg), 0xC2B7);
    }
    /* One byte at a time. */
    uint16_t reg = MB_CRC16_EN13757_INIT;
    for (size_t i = 0; i < 9; i++) {
        reg = mb_crc16_en13757_update(reg, check + i, 1);
    }
    assert_int_equal(mb_crc16_en13757_final(reg), 0xC2B7);
}

/* The four block CRCs printed in the wmbusmeters telegram. */
static void crc_telegram_blocks(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    assert_int_equal(n, 61);
    assert_int_equal(mb_crc16_en13757(raw, 10), 0x811D);
    assert_int_equal(mb_crc16_en13757(raw + 12, 16), 0x5170);
    assert_int_equal(mb_crc16_en13757(raw + 30, 16), 0xD6D0);
    assert_int_equal(mb_crc16_en13757(raw + 48, 11), 0x44C4);
}

/* ---- format A ----------------------------------------------------------------------------- */

static void decode_a_telegram(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    uint8_t want[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    size_t wn = hx("3444EE4D813929271608 7A51000000046D1912A62B036E000000"
                   " 426CE1F1436E00000002FF2C00000259 D4090265FC0902FD66A000",
                   want, sizeof want);
    assert_int_equal(wn, 53);

    wframe_garbage(&f);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, sizeof out, &f), 61);
    assert_ptr_equal(f.frame, out);
    assert_int_equal(f.frame_len, 53);
    assert_memory_equal(out, want, 53);
    assert_int_equal(f.l, 0x34);
    assert_int_equal(f.c, MB_C_SND_NR);
    assert_int_equal(f.address.manufacturer, 0x4DEE);
    assert_int_equal(f.address.id, 0x27293981u);
    assert_int_equal(f.address.version, 0x16);
    assert_int_equal(f.address.medium, 0x08);
    assert_int_equal(f.ci, 0x7A);
    assert_ptr_equal(f.payload, out + 10);
    assert_int_equal(f.payload_len, 43);
    assert_int_equal(f.format, MB_WFORMAT_A);
    assert_int_equal(f.raw_len, 61);
    assert_int_equal(f.blocks, 4);
    assert_int_equal(f.crc_errors, 0);
    assert_false(f.has_rssi);
    assert_int_equal(f.rssi_dbm, 0);

    /* The frame without CRCs goes on to the transport layer. */
    mb_tpl_t tpl;
    assert_int_equal(mb_tpl_decode(f.ci, f.payload + 1, f.payload_len - 1, &tpl), MB_OK);

    /* Encoding it again gives the telegram back, byte for byte. */
    uint8_t again[CAP];
    assert_int_equal(mb_wframe_encode(f.frame, f.frame_len, MB_WFORMAT_A, again, sizeof again), 61);
    assert_memory_equal(again, raw, 61);
}

static void decode_a_long_telegram(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    uint8_t again[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A1, raw, sizeof raw);
    assert_int_equal(n, 132);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, sizeof out, &f), 132);
    assert_int_equal(f.frame_len, 116);
    assert_int_equal(f.blocks, 8);
    assert_int_equal(f.crc_errors, 0);
    assert_int_equal(f.address.manufacturer, 0x8614);
    assert_int_equal(f.address.id, 0x000BC37Cu);
    assert_int_equal(f.ci, 0xA0);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_AUTO, out, sizeof out, &f), 132);
    assert_int_equal(f.format, MB_WFORMAT_A);
    assert_int_equal(mb_wframe_encode(f.frame, f.frame_len, MB_WFORMAT_A, again, sizeof again),
                     132);
    assert_memory_equal(again, raw, 132);
}

/* ---- format B ----------------------------------------------------------------------------- */

static void decode_b_v5(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    uint8_t again[CAP];
    mb_wframe_t f;
    size_t n = hx(V5_B, raw, sizeof raw);
    assert_int_equal(n, 195);
    /* The printed CRCs, computed here with the reference. */
    assert_int_equal(ref_crc(raw, 126), 0xBEE3);
    assert_int_equal(raw[126], 0xBE);
    assert_int_equal(raw[127], 0xE3);
    assert_int_equal(ref_crc(raw + 128, 65), 0xF60B);

    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_B, out, sizeof out, &f), 195);
    assert_int_equal(f.format, MB_WFORMAT_B);
    assert_int_equal(f.blocks, 2);
    assert_int_equal(f.crc_errors, 0);
    assert_int_equal(f.frame_len, 191);
    assert_int_equal(f.l, 190);
    assert_int_equal(out[0], 190);
    assert_int_equal(f.c, 0x44);
    assert_int_equal(f.address.manufacturer, 0x14C5);
    assert_int_equal(f.address.id, 0x43054304u);
    assert_int_equal(f.address.version, 0x00);
    assert_int_equal(f.address.medium, 0x04);
    assert_int_equal(f.ci, 0x8C);
    assert_int_equal(f.payload_len, 181);
    /* Bytes 1..125 as sent, then 128..192 right after them. */
    assert_memory_equal(out + 1, raw + 1, 125);
    assert_memory_equal(out + 126, raw + 128, 65);
    /* The last bytes: ... 02 FD 0B 21 11 (before CRC2). */
    assert_int_equal(out[190], 0x11);

    assert_int_equal(mb_wframe_encode(f.frame, f.frame_len, MB_WFORMAT_B, again, sizeof again),
                     195);
    assert_memory_equal(again, raw, 195);

    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_AUTO, out, sizeof out, &f), 195);
    assert_int_equal(f.format, MB_WFORMAT_B);
    assert_int_equal(f.crc_errors, 0);
}

/* V1..V4 carry no CRCs: add them for A and B, compare with the reference, decode back. */
static void stripped_vectors_both_formats(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof STRIPPED / sizeof STRIPPED[0]; v++) {
        uint8_t frame[CAP];
        uint8_t raw[CAP];
        uint8_t ref[CAP];
        uint8_t out[CAP];
        mb_wframe_t f;
        size_t n = hx(STRIPPED[v], frame, sizeof frame);
        assert_int_equal(n, (size_t)frame[0] + 1);

        /* NONE: as a USB receiver delivers it. */
        assert_int_equal(mb_wframe_decode(frame, n, MB_WFORMAT_NONE, out, sizeof out, &f), (int)n);
        assert_int_equal(f.blocks, 0);
        assert_int_equal(f.format, MB_WFORMAT_NONE);
        assert_memory_equal(out, frame, n);

        int ra = mb_wframe_encode(frame, n, MB_WFORMAT_A, raw, sizeof raw);
        size_t rn = ref_encode_a(frame, n, ref);
        assert_int_equal(ra, (int)rn);
        assert_int_equal(ra, (int)MB_WFRAME_A_RAW_LEN(n));
        assert_memory_equal(raw, ref, rn);
        assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_A, raw[0]), rn);
        for (int fmt = MB_WFORMAT_AUTO; fmt <= MB_WFORMAT_A; fmt++) {
            assert_int_equal(mb_wframe_decode(raw, rn, (mb_wformat_t)fmt, out, sizeof out, &f),
                             (int)rn);
            assert_int_equal(f.format, MB_WFORMAT_A);
            assert_int_equal(f.frame_len, n);
            assert_memory_equal(out, frame, n);
        }

        int rb = mb_wframe_encode(frame, n, MB_WFORMAT_B, raw, sizeof raw);
        rn = ref_encode_b(frame, n, ref);
        assert_int_equal(rb, (int)rn);
        assert_int_equal(rb, (int)MB_WFRAME_B_RAW_LEN(n));
        assert_memory_equal(raw, ref, rn);
        assert_int_equal(raw[0], n + 1); /* one CRC: L grows by 2 */
        for (int fmt = MB_WFORMAT_AUTO; fmt <= MB_WFORMAT_B; fmt += 2) {
            assert_int_equal(mb_wframe_decode(raw, rn, (mb_wformat_t)fmt, out, sizeof out, &f),
                             (int)rn);
            assert_int_equal(f.format, MB_WFORMAT_B);
            assert_int_equal(f.blocks, 1);
            assert_memory_equal(out, frame, n);
        }
    }
}

/* Every length, every format: encode, check against the reference, decode back. */
static void round_trip_every_length(void **state)
{
    (void)state;
    uint32_t rng = 0xBEEFu;
    for (size_t n = MB_WFRAME_MIN_LEN; n <= MB_WFRAME_MAX_LEN; n++) {
        uint8_t frame[CAP];
        uint8_t raw[CAP];
        uint8_t ref[CAP];
        uint8_t out[CAP];
        mb_wframe_t f;
        random_frame(&rng, frame, n);
        for (int fmt = MB_WFORMAT_A; fmt <= MB_WFORMAT_NONE; fmt++) {
            memset(raw, GUARD, sizeof raw);
            int r = mb_wframe_encode(frame, n, (mb_wformat_t)fmt, raw, sizeof raw);
            if (fmt == MB_WFORMAT_B && n > MB_WFRAME_B_MAX_LEN) {
                assert_int_equal(r, MB_ERR_WL_LEN);
                assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_B, n), 0);
                continue;
            }
            size_t rn = n;
            if (fmt == MB_WFORMAT_A) {
                rn = ref_encode_a(frame, n, ref);
            } else if (fmt == MB_WFORMAT_B) {
                rn = ref_encode_b(frame, n, ref);
            } else {
                memcpy(ref, frame, n);
            }
            assert_int_equal(r, (int)rn);
            assert_int_equal(mb_wframe_encoded_len((mb_wformat_t)fmt, n), rn);
            assert_memory_equal(raw, ref, rn);
            assert_int_equal(raw[rn], GUARD);
            assert_int_equal(mb_wframe_raw_len((mb_wformat_t)fmt, raw[0]), rn);
            memset(out, GUARD, sizeof out);
            assert_int_equal(mb_wframe_decode(raw, rn, (mb_wformat_t)fmt, out, n, &f), (int)rn);
            assert_memory_equal(out, frame, n);
            assert_int_equal(f.frame_len, n);
            assert_int_equal(f.l, n - 1);
            assert_int_equal(f.raw_len, rn);
            assert_int_equal(f.payload_len, n - 10);
            if (fmt != MB_WFORMAT_NONE) {
                int auto_r = mb_wframe_decode(raw, rn, MB_WFORMAT_AUTO, out, n, &f);
                /* Random data may validate both readings (2^-16): then AUTO must say so. */
                if (auto_r == MB_ERR_WL_FORMAT) {
                    continue;
                }
                assert_int_equal(auto_r, (int)rn);
                assert_int_equal(f.format, fmt);
            }
        }
    }
}

static void sizes(void **state)
{
    (void)state;
    assert_int_equal(MB_WFRAME_A_RAW_LEN(11), 15);
    assert_int_equal(MB_WFRAME_A_RAW_LEN(26), 30);
    assert_int_equal(MB_WFRAME_A_RAW_LEN(27), 33);
    assert_int_equal(MB_WFRAME_A_RAW_LEN(53), 61); /* L = 0x34: 53 bytes after L, 61 with CRCs */
    assert_int_equal(MB_WFRAME_A_RAW_LEN(256), MB_WFRAME_MAX_RAW_LEN);
    assert_int_equal(MB_WFRAME_B_RAW_LEN(126), 128);
    assert_int_equal(MB_WFRAME_B_RAW_LEN(127), 131);
    assert_int_equal(MB_WFRAME_B_RAW_LEN(MB_WFRAME_B_MAX_LEN), 256);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_A, 255), 290);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_A, 0x34), 61);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_A, 10), 15);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_A, 9), 0);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_NONE, 10), 11);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_NONE, 9), 0);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 255), 256);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 12), 13);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 11), 0);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 127), 128);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 128), 0);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 129), 0);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_B, 130), 131);
    assert_int_equal(mb_wframe_raw_len(MB_WFORMAT_AUTO, 50), 0);
    assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_A, 10), 0);
    assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_A, 257), 0);
    assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_B, 253), 0);
    assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_NONE, 256), 256);
    assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_AUTO, 20), 0);
    for (size_t n = MB_WFRAME_MIN_LEN; n <= MB_WFRAME_MAX_LEN; n++) {
        assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_A, n), MB_WFRAME_A_RAW_LEN(n));
        assert_true(MB_WFRAME_A_RAW_LEN(n) <= MB_WFRAME_MAX_RAW_LEN);
        if (n <= MB_WFRAME_B_MAX_LEN) {
            assert_int_equal(mb_wframe_encoded_len(MB_WFORMAT_B, n), MB_WFRAME_B_RAW_LEN(n));
        }
    }
}

/* ---- corruption --------------------------------------------------------------------------- */

/* Flip every bit of every byte but L: exactly the block holding that byte fails. */
static void flip_each_bit(const uint8_t *raw, size_t n, mb_wformat_t fmt,
                          unsigned (*block_of)(size_t))
{
    for (size_t i = 1; i < n; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t bad[CAP];
            uint8_t out[CAP];
            mb_wframe_t f;
            memcpy(bad, raw, n);
            bad[i] ^= (uint8_t)(1u << bit);
            assert_int_equal(mb_wframe_decode(bad, n, fmt, out, sizeof out, &f), MB_ERR_WL_CRC);
            assert_int_equal(f.crc_errors, 1u << block_of(i));
            assert_int_equal(f.format, fmt);
            /* The frame is still given out, the flipped data byte in it. */
            assert_ptr_equal(f.frame, out);
            assert_int_equal(f.raw_len, n);
        }
    }
}

static void corruption_detected_in_its_block(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    flip_each_bit(raw, n, MB_WFORMAT_A, ref_block_a);
    n = hx(V5_B, raw, sizeof raw);
    flip_each_bit(raw, n, MB_WFORMAT_B, ref_block_b);

    /* The longest frame of each format. */
    uint32_t rng = 77u;
    uint8_t frame[CAP];
    random_frame(&rng, frame, 256);
    n = ref_encode_a(frame, 256, raw);
    assert_int_equal(n, 290);
    flip_each_bit(raw, n, MB_WFORMAT_A, ref_block_a);
    random_frame(&rng, frame, 252);
    n = ref_encode_b(frame, 252, raw);
    assert_int_equal(n, 256);
    flip_each_bit(raw, n, MB_WFORMAT_B, ref_block_b);
}

static void several_bad_blocks(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A1, raw, sizeof raw);
    raw[5] ^= 0xFF;   /* block 0 */
    raw[50] ^= 0x10;  /* block 2: bytes 30..47 data, 48..49 CRC -> 50 is block 3 */
    raw[131] ^= 0x01; /* last CRC byte: block 7 */
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, sizeof out, &f), MB_ERR_WL_CRC);
    assert_int_equal(f.crc_errors, (1u << 0) | (1u << 3) | (1u << 7));
    assert_int_equal(f.blocks, 8);
    /* The flipped data bytes are in the output as received. */
    assert_int_equal(out[5], 0xC3 ^ 0xFF);
}

static void length_errors(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);

    for (size_t k = 1; k < n; k++) {
        wframe_garbage(&f);
        assert_int_equal(mb_wframe_decode(raw, k, MB_WFORMAT_A, out, sizeof out, &f),
                         MB_ERR_WL_TRUNCATED);
        assert_cleared(&f);
    }
    wframe_garbage(&f);
    assert_int_equal(mb_wframe_decode(raw, 0, MB_WFORMAT_A, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);
    assert_cleared(&f);
    assert_int_equal(mb_wframe_decode(NULL, 0, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);

    /* Bytes after the frame are not read and not an error: the return value says where. */
    raw[61] = 0xC8; /* an RSSI byte */
    assert_int_equal(mb_wframe_decode(raw, 62, MB_WFORMAT_A, out, sizeof out, &f), 61);
    assert_int_equal(mb_wframe_decode(raw, 62, MB_WFORMAT_AUTO, out, sizeof out, &f), 61);

    /* L too small for the format. */
    uint8_t small[40] = {0};
    for (unsigned l = 0; l < 10; l++) {
        small[0] = (uint8_t)l;
        assert_int_equal(mb_wframe_decode(small, sizeof small, MB_WFORMAT_A, out, sizeof out, &f),
                         MB_ERR_WL_LEN);
        assert_int_equal(
            mb_wframe_decode(small, sizeof small, MB_WFORMAT_NONE, out, sizeof out, &f),
            MB_ERR_WL_LEN);
        assert_int_equal(
            mb_wframe_decode(small, sizeof small, MB_WFORMAT_AUTO, out, sizeof out, &f),
            MB_ERR_WL_LEN);
    }
    for (unsigned l = 0; l < 12; l++) {
        small[0] = (uint8_t)l;
        assert_int_equal(mb_wframe_decode(small, sizeof small, MB_WFORMAT_B, out, sizeof out, &f),
                         MB_ERR_WL_LEN);
    }
    /* Format B cannot have L = 128 or 129. */
    uint8_t big[300] = {0};
    big[0] = 128;
    assert_int_equal(mb_wframe_decode(big, sizeof big, MB_WFORMAT_B, out, sizeof out, &f),
                     MB_ERR_WL_LEN);
    big[0] = 129;
    assert_int_equal(mb_wframe_decode(big, sizeof big, MB_WFORMAT_B, out, sizeof out, &f),
                     MB_ERR_WL_LEN);

    /* Encoding: lengths outside the format. */
    uint8_t frame[CAP] = {0};
    assert_int_equal(mb_wframe_encode(frame, 10, MB_WFORMAT_A, raw, sizeof raw), MB_ERR_WL_LEN);
    assert_int_equal(mb_wframe_encode(frame, 257, MB_WFORMAT_A, raw, sizeof raw), MB_ERR_WL_LEN);
    assert_int_equal(mb_wframe_encode(frame, 253, MB_WFORMAT_B, raw, sizeof raw), MB_ERR_WL_LEN);
    assert_int_equal(mb_wframe_encode(frame, 0, MB_WFORMAT_NONE, raw, sizeof raw), MB_ERR_WL_LEN);
    assert_int_equal(mb_wframe_encode(frame, 252, MB_WFORMAT_B, raw, sizeof raw), 256);
    assert_int_equal(mb_wframe_encode(frame, 256, MB_WFORMAT_A, raw, sizeof raw), 290);
}

static void nospace(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    uint8_t frame[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    memset(out, GUARD, sizeof out);
    wframe_garbage(&f);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, 52, &f), MB_ERR_NOSPACE);
    assert_cleared(&f);
    for (size_t i = 0; i < sizeof out; i++) {
        assert_int_equal(out[i], GUARD);
    }
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, 53, &f), 61);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, NULL, 0, &f), MB_ERR_NOSPACE);

    memcpy(frame, out, 53);
    memset(raw, GUARD, sizeof raw);
    assert_int_equal(mb_wframe_encode(frame, 53, MB_WFORMAT_A, raw, 60), MB_ERR_NOSPACE);
    assert_int_equal(mb_wframe_encode(frame, 53, MB_WFORMAT_B, raw, 54), MB_ERR_NOSPACE);
    assert_int_equal(mb_wframe_encode(frame, 53, MB_WFORMAT_NONE, raw, 52), MB_ERR_NOSPACE);
    assert_int_equal(mb_wframe_encode(frame, 53, MB_WFORMAT_A, NULL, 0), MB_ERR_NOSPACE);
    for (size_t i = 0; i < sizeof raw; i++) {
        assert_int_equal(raw[i], GUARD);
    }
    assert_int_equal(mb_wframe_encode(frame, 53, MB_WFORMAT_A, raw, 61), 61);
    assert_int_equal(raw[61], GUARD);
    memset(raw, GUARD, sizeof raw);
    assert_int_equal(mb_wframe_encode(frame, 53, MB_WFORMAT_B, raw, 55), 55);
    assert_int_equal(raw[55], GUARD);
}

static void argument_errors(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, sizeof out, NULL), MB_ERR_ARG);
    wframe_garbage(&f);
    assert_int_equal(mb_wframe_decode(NULL, 5, MB_WFORMAT_A, out, sizeof out, &f), MB_ERR_ARG);
    assert_cleared(&f);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, NULL, 10, &f), MB_ERR_ARG);
    assert_int_equal(mb_wframe_decode(raw, n, (mb_wformat_t)4, out, sizeof out, &f), MB_ERR_ARG);
    assert_int_equal(mb_wframe_decode(raw, n, (mb_wformat_t)-1, out, sizeof out, &f), MB_ERR_ARG);
    assert_int_equal(mb_wframe_encode(NULL, 20, MB_WFORMAT_A, out, sizeof out), MB_ERR_ARG);
    assert_int_equal(mb_wframe_encode(raw, 20, MB_WFORMAT_AUTO, out, sizeof out), MB_ERR_ARG);
    assert_int_equal(mb_wframe_encode(raw, 20, (mb_wformat_t)9, out, sizeof out), MB_ERR_ARG);
    assert_int_equal(mb_wframe_encode(raw, 20, MB_WFORMAT_A, NULL, 40), MB_ERR_ARG);
    mb_secondary_t addr = {0x12345678u, 0x2C2Du, 1, 7};
    assert_int_equal(mb_wframe_header(NULL, 10, 0x44, &addr), MB_ERR_ARG);
    assert_int_equal(mb_wframe_header(out, 10, 0x44, NULL), MB_ERR_ARG);
    assert_int_equal(mb_wframe_header(out, 9, 0x44, &addr), MB_ERR_NOSPACE);
    assert_int_equal(mb_wframe_header(NULL, 0, 0x44, &addr), MB_ERR_NOSPACE);
}

/* ---- AUTO --------------------------------------------------------------------------------- */

static void auto_detection(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;

    /* A with a bad later block: the first block says A, the bad block is reported. */
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    raw[40] ^= 0x04;
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_AUTO, out, sizeof out, &f), MB_ERR_WL_CRC);
    assert_int_equal(f.format, MB_WFORMAT_A);
    assert_int_equal(f.crc_errors, 1u << 2);
    /* ... with the same bytes after it (RSSI): still A. */
    raw[61] = 0x80;
    raw[62] = 0x01;
    assert_int_equal(mb_wframe_decode(raw, n + 2, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_CRC);
    assert_int_equal(f.format, MB_WFORMAT_A);

    /* A with a bad first block at its exact length: the length says A. */
    n = hx(TELEGRAM_A2, raw, sizeof raw);
    raw[3] ^= 0x01;
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_AUTO, out, sizeof out, &f), MB_ERR_WL_CRC);
    assert_int_equal(f.format, MB_WFORMAT_A);
    assert_int_equal(f.crc_errors, 1u << 0);
    /* ... and with bytes after it nothing tells: */
    assert_int_equal(mb_wframe_decode(raw, n + 1, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_FORMAT);
    assert_cleared(&f);

    /* B with a bad CRC at its exact length: the length says B. */
    n = hx(V5_B, raw, sizeof raw);
    raw[150] ^= 0x80;
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_AUTO, out, sizeof out, &f), MB_ERR_WL_CRC);
    assert_int_equal(f.format, MB_WFORMAT_B);
    assert_int_equal(f.crc_errors, 1u << 1);

    /* Shorter than the B reading (L + 1): truncated. */
    n = hx(V5_B, raw, sizeof raw);
    assert_int_equal(mb_wframe_decode(raw, 194, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);
    /* L = 10 or 11 is A only: its first-block CRC decides. */
    uint8_t frame[CAP];
    uint32_t rng = 5u;
    random_frame(&rng, frame, 11);
    n = ref_encode_a(frame, 11, raw);
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_AUTO, out, sizeof out, &f), (int)n);
    assert_int_equal(f.format, MB_WFORMAT_A);
    assert_int_equal(mb_wframe_decode(raw, n - 1, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);
}

/* Cut short: L = 0x34 reads as 53 bytes (B) or 61 (A); 50 is short of both. */
static void auto_truncated(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    (void)n;
    raw[3] ^= 0x01; /* no CRC holds */
    assert_int_equal(mb_wframe_decode(raw, 50, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);
    raw[3] ^= 0x01; /* the first block holds: A, truncated */
    assert_int_equal(mb_wframe_decode(raw, 50, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);
}

/* A frame that is valid as A and as B at once: AUTO refuses to guess. */
static void auto_ambiguous(void **state)
{
    (void)state;
    uint8_t frame[CAP];
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    /* B frame of 40 bytes without CRCs: L = 41 on the air, 42 bytes. */
    size_t n = hx("00 44 2D 2C 78 56 34 12 01 07 7A 00 00 00 00 00 00 00 00 00"
                  " 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 01 02 03 04 05",
                  frame, sizeof frame);
    assert_int_equal(n, 40);
    frame[0] = 41;
    /* Bytes 10..11 carry the A CRC of bytes 0..9 (with the B L field). */
    uint16_t crc_a = ref_crc(frame, 10);
    frame[10] = (uint8_t)(crc_a >> 8);
    frame[11] = (uint8_t)crc_a;
    size_t rn = ref_encode_b(frame, n, raw);
    assert_int_equal(rn, 42);
    assert_int_equal(raw[0], 41);
    wframe_garbage(&f);
    assert_int_equal(mb_wframe_decode(raw, rn, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_FORMAT);
    assert_cleared(&f);
    /* Told the format, it decodes. */
    assert_int_equal(mb_wframe_decode(raw, rn, MB_WFORMAT_B, out, sizeof out, &f), 42);
}

/* Bytes that are neither: no CRC holds and no length matches. */
static void auto_garbage(void **state)
{
    (void)state;
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    memset(raw, 0x20, sizeof raw); /* L = 32: B reads 33 bytes, A 33 + 3 CRCs = 39 */
    assert_int_equal(mb_wframe_decode(raw, 36, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_FORMAT);
    assert_int_equal(mb_wframe_decode(raw, 33, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_CRC);
    assert_int_equal(f.format, MB_WFORMAT_B);
    assert_int_equal(mb_wframe_decode(raw, 39, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_CRC);
    assert_int_equal(f.format, MB_WFORMAT_A);
    assert_int_equal(f.crc_errors, 0x7u);
    assert_int_equal(mb_wframe_decode(raw, 32, MB_WFORMAT_AUTO, out, sizeof out, &f),
                     MB_ERR_WL_TRUNCATED);
}

/* ---- in place ----------------------------------------------------------------------------- */

static void in_place(void **state)
{
    (void)state;
    uint8_t buf[CAP];
    uint8_t want[CAP];
    uint8_t raw[CAP];
    mb_wframe_t f;
    /* Decode in place, A and B. */
    size_t n = hx(TELEGRAM_A1, buf, sizeof buf);
    assert_int_equal(mb_wframe_decode(buf, n, MB_WFORMAT_A, want, sizeof want, &f), 132);
    assert_int_equal(mb_wframe_decode(buf, n, MB_WFORMAT_A, buf, sizeof buf, &f), 132);
    assert_ptr_equal(f.frame, buf);
    assert_memory_equal(buf, want, 116);
    n = hx(V5_B, buf, sizeof buf);
    assert_int_equal(mb_wframe_decode(buf, n, MB_WFORMAT_B, want, sizeof want, &f), 195);
    assert_int_equal(mb_wframe_decode(buf, n, MB_WFORMAT_AUTO, buf, sizeof buf, &f), 195);
    assert_memory_equal(buf, want, 191);

    /* Encode in place, every format and length. */
    uint32_t rng = 99u;
    for (size_t len = MB_WFRAME_MIN_LEN; len <= MB_WFRAME_MAX_LEN; len++) {
        for (int fmt = MB_WFORMAT_A; fmt <= MB_WFORMAT_NONE; fmt++) {
            if (fmt == MB_WFORMAT_B && len > MB_WFRAME_B_MAX_LEN) {
                continue;
            }
            random_frame(&rng, buf, len);
            int r = mb_wframe_encode(buf, len, (mb_wformat_t)fmt, raw, sizeof raw);
            assert_true(r > 0);
            assert_int_equal(mb_wframe_encode(buf, len, (mb_wformat_t)fmt, buf, sizeof buf), r);
            assert_memory_equal(buf, raw, (size_t)r);
            /* And back, in place. */
            memcpy(want, raw, (size_t)r);
            assert_int_equal(mb_wframe_decode(buf, (size_t)r, (mb_wformat_t)fmt, buf, len, &f), r);
            assert_int_equal(mb_wframe_encode(buf, len, (mb_wformat_t)fmt, buf, sizeof buf), r);
            assert_memory_equal(buf, want, (size_t)r);
        }
    }
}

/* ---- DLL header --------------------------------------------------------------------------- */

static void header_builder(void **state)
{
    (void)state;
    uint8_t buf[CAP];
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    /* KAM (0x2C2D), ID 12345678, version 1, device type 7 (water), SND_NR. */
    mb_secondary_t addr = {0x12345678u, 0x2C2Du, 0x01, 0x07};
    memset(buf, GUARD, sizeof buf);
    assert_int_equal(mb_wframe_header(buf, 10, MB_C_SND_NR, &addr), 10);
    uint8_t want[10];
    hx("09 44 2D 2C 78 56 34 12 01 07", want, sizeof want);
    assert_memory_equal(buf, want, 10);
    assert_int_equal(buf[10], GUARD);

    /* CI 0x7A, short header ACC 0x2A status 0 CF 0000, one record 0C 13 27 04 85 02. */
    hx("7A 2A 00 00 00 0C 13 27 04 85 02", buf + 10, sizeof buf - 10);
    int r = mb_wframe_encode(buf, 21, MB_WFORMAT_A, raw, sizeof raw);
    assert_int_equal(r, 25);
    assert_int_equal(raw[0], 20);
    assert_int_equal(mb_wframe_decode(raw, (size_t)r, MB_WFORMAT_AUTO, out, sizeof out, &f), 25);
    assert_int_equal(f.c, MB_C_SND_NR);
    assert_int_equal(f.address.id, 0x12345678u);
    assert_int_equal(f.address.manufacturer, 0x2C2D);
    assert_int_equal(f.address.version, 1);
    assert_int_equal(f.address.medium, 7);
    assert_true(mb_secondary_match(&addr, &f.address));
    assert_int_equal(f.ci, 0x7A);
    assert_int_equal(f.payload_len, 11);
    char id[9];
    mb_id_text(f.address.id, id);
    assert_string_equal(id, "12345678");
}

/* ---- RSSI, names -------------------------------------------------------------------------- */

static void rssi(void **state)
{
    (void)state;
    /* (raw >= 128 ? (raw - 256) / 2 : raw / 2) - 74, worked out by hand. */
    assert_int_equal(mb_wrssi_cc1101(0x00), -74);
    assert_int_equal(mb_wrssi_cc1101(0x01), -74);
    assert_int_equal(mb_wrssi_cc1101(0x02), -73);
    assert_int_equal(mb_wrssi_cc1101(0x7F), -11);
    assert_int_equal(mb_wrssi_cc1101(0x80), -138);
    assert_int_equal(mb_wrssi_cc1101(0xC8), -102); /* 200 - 256 = -56 -> -28 - 74 */
    assert_int_equal(mb_wrssi_cc1101(0xFE), -75);
    assert_int_equal(mb_wrssi_cc1101(0xFF), -74); /* -1 / 2 = 0 in C */
    assert_int_equal(mb_wrssi_signed(0x00), 0);
    assert_int_equal(mb_wrssi_signed(0x7F), 127);
    assert_int_equal(mb_wrssi_signed(0x80), -128);
    assert_int_equal(mb_wrssi_signed(0xB5), -75);

    /* The library never invents RSSI: decoding clears it, the caller fills it. */
    uint8_t raw[CAP];
    uint8_t out[CAP];
    mb_wframe_t f;
    size_t n = hx(TELEGRAM_A2, raw, sizeof raw);
    f.has_rssi = true;
    f.rssi_dbm = -50;
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_A, out, sizeof out, &f), 61);
    assert_false(f.has_rssi);
    assert_int_equal(f.rssi_dbm, 0);
}

static void wireless_c_fields(void **state)
{
    (void)state;
    assert_int_equal(MB_C_SND_NR, 0x44);
    assert_int_equal(MB_C_SND_IR, 0x46);
    assert_int_equal(MB_C_ACC_NR, 0x47);
    assert_int_equal(MB_C_ACC_DMD, 0x48);
    assert_int_equal(MB_C_ACK, 0x00);
    assert_int_equal(MB_C_NACK, 0x01);
    assert_int_equal(MB_C_CNF_IR, 0x06);
    assert_int_equal(MB_C_SND_UD | MB_C_FCB, 0x73);
    assert_true(mb_c_is_prm(MB_C_SND_NR));
    assert_false(mb_c_is_prm(MB_C_CNF_IR));
#if MB_ENABLE_TEXT
    assert_string_equal(mb_c_name(MB_C_SND_NR), "SND_NR");
    assert_string_equal(mb_c_name(MB_C_SND_UD3), "SND_UD3");
    assert_string_equal(mb_c_name(MB_C_SND_IR), "SND_IR");
    assert_string_equal(mb_c_name(MB_C_ACC_NR), "ACC_NR");
    assert_string_equal(mb_c_name(MB_C_ACC_DMD), "ACC_DMD");
    assert_string_equal(mb_c_name(MB_C_ACK), "ACK");
    assert_string_equal(mb_c_name(MB_C_ACK | MB_C_ACD), "ACK");
    assert_string_equal(mb_c_name(MB_C_NACK), "NACK");
    assert_string_equal(mb_c_name(MB_C_CNF_IR), "CNF_IR");
    assert_string_equal(mb_c_name(MB_C_RSP_UD), "RSP_UD");
#endif
}

static void error_texts(void **state)
{
    (void)state;
    const int codes[] = {MB_ERR_WL_TRUNCATED, MB_ERR_WL_LEN,  MB_ERR_WL_CRC,
                         MB_ERR_WL_FORMAT,    MB_ERR_WL_3OF6, MB_ERR_WL_MANCHESTER};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        assert_true(codes[i] <= -40 && codes[i] >= -49);
#if MB_ENABLE_TEXT
        assert_string_not_equal(mb_strerror(codes[i]), "unknown error");
        assert_string_not_equal(mb_error_name(codes[i]), "unknown");
#endif
    }
#if MB_ENABLE_TEXT
    assert_string_equal(mb_error_name(MB_ERR_WL_CRC), "wl_crc");
    assert_string_equal(mb_strerror(MB_ERR_WL_CRC), "wireless frame: block CRC mismatch");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_check_value),
        cmocka_unit_test(crc_matches_reference),
        cmocka_unit_test(crc_incremental),
        cmocka_unit_test(crc_telegram_blocks),
        cmocka_unit_test(decode_a_telegram),
        cmocka_unit_test(decode_a_long_telegram),
        cmocka_unit_test(decode_b_v5),
        cmocka_unit_test(stripped_vectors_both_formats),
        cmocka_unit_test(round_trip_every_length),
        cmocka_unit_test(sizes),
        cmocka_unit_test(corruption_detected_in_its_block),
        cmocka_unit_test(several_bad_blocks),
        cmocka_unit_test(length_errors),
        cmocka_unit_test(nospace),
        cmocka_unit_test(argument_errors),
        cmocka_unit_test(auto_detection),
        cmocka_unit_test(auto_truncated),
        cmocka_unit_test(auto_ambiguous),
        cmocka_unit_test(auto_garbage),
        cmocka_unit_test(in_place),
        cmocka_unit_test(header_builder),
        cmocka_unit_test(rssi),
        cmocka_unit_test(wireless_c_fields),
        cmocka_unit_test(error_texts),
    };
    return cmocka_run_group_tests_name("wlink", tests, NULL, NULL);
}

#else /* !MB_ENABLE_WIRELESS */

int main(void)
{
    puts("wireless link layer not compiled (MB_ENABLE_WIRELESS=0): nothing to test");
    return 0;
}

#endif
