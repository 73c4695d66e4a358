/*
 * Fuzz harness for the wireless link layer (wlink.h): mb_wframe_decode in every format (AUTO, A,
 * B, NONE), out of place and in place, mb_wframe_encode and the size functions.
 *
 * The whole input is the on-air bytes, decoded in each format. Whatever decodes is encoded again
 * and must give the same on-air bytes back (a frame whose CRCs hold has exactly one encoding);
 * a frame with bad CRCs, once encoded, must decode cleanly to the same frame. The input is also
 * taken as a frame without CRCs and encoded in each format, then decoded back. The output buffers
 * are heap blocks of exactly the capacity passed, so that AddressSanitizer sees any write past it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/wlink.h"

#include "fuzz_check.h"

#if MB_ENABLE_WIRELESS

static bool is_decode_error(int e)
{
    return e == MB_ERR_WL_TRUNCATED || e == MB_ERR_WL_LEN || e == MB_ERR_WL_CRC ||
           e == MB_ERR_WL_FORMAT || e == MB_ERR_NOSPACE;
}

static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n == 0 ? 1 : n);
    CHECK(q != NULL);
    if (n != 0) {
        memcpy(q, p, n);
    }
    return q;
}

/* What every decoded frame (success or CRC error) must satisfy. */
static void check_view(const mb_wframe_t *f, const uint8_t *out, const uint8_t *in, size_t size,
                       int r, mb_wformat_t asked)
{
    CHECK(f->frame == out);
    CHECK(f->frame_len >= MB_WFRAME_MIN_LEN && f->frame_len <= MB_WFRAME_MAX_LEN);
    CHECK(f->l == f->frame_len - 1 && out[0] == f->l);
    CHECK(f->payload == out + MB_WFRAME_HEADER_LEN);
    CHECK(f->payload_len == f->frame_len - MB_WFRAME_HEADER_LEN);
    CHECK(f->c == out[1] && f->ci == out[10]);
    CHECK(f->address.manufacturer == (uint16_t)(out[2] | out[3] << 8));
    CHECK(f->address.version == out[8] && f->address.medium == out[9]);
    CHECK(f->format == MB_WFORMAT_A || f->format == MB_WFORMAT_B || f->format == MB_WFORMAT_NONE);
    CHECK(asked == MB_WFORMAT_AUTO ? f->format != MB_WFORMAT_NONE : f->format == asked);
    CHECK(f->raw_len == mb_wframe_raw_len(f->format, in[0]));
    CHECK(f->raw_len == mb_wframe_encoded_len(f->format, f->frame_len));
    CHECK(f->raw_len <= size && f->raw_len <= MB_WFRAME_MAX_RAW_LEN);
    CHECK(f->blocks <= MB_WFRAME_MAX_BLOCKS);
    CHECK(f->blocks == 0 ? f->format == MB_WFORMAT_NONE : f->format != MB_WFORMAT_NONE);
    CHECK(f->crc_errors < (1u << f->blocks));
    CHECK(!f->has_rssi && f->rssi_dbm == 0);
    if (r >= 0) {
        CHECK((size_t)r == f->raw_len && f->crc_errors == 0);
    } else {
        CHECK(r == MB_ERR_WL_CRC && f->crc_errors != 0);
    }
}

static void decode_one(const uint8_t *data, size_t size, mb_wformat_t format)
{
    const size_t cap = MB_WFRAME_MAX_LEN;
    uint8_t *in = dup_exact(data, size);
    uint8_t *out = malloc(cap);
    CHECK(out != NULL);
    mb_wframe_t f;
    int r = mb_wframe_decode(in, size, format, out, cap, &f);
    CHECK(r > 0 || is_decode_error(r));
    CHECK(r != MB_ERR_NOSPACE); /* cap holds any frame */
    CHECK(memcmp(in, data, size) == 0);
    if (r > 0 || r == MB_ERR_WL_CRC) {
        check_view(&f, out, data, size, r, format);
        size_t raw_len = f.raw_len;
        mb_wformat_t chosen = f.format;

        /* In place gives the same. */
        uint8_t *io = dup_exact(data, size);
        mb_wframe_t g;
        CHECK(mb_wframe_decode(io, size, format, io, size, &g) == r);
        CHECK(g.frame == io && g.frame_len == f.frame_len && g.crc_errors == f.crc_errors);
        CHECK(memcmp(io, out, f.frame_len) == 0);
        free(io);

        /* AUTO's choice, asked for explicitly, agrees. */
        if (format == MB_WFORMAT_AUTO) {
            uint8_t *out2 = malloc(cap);
            CHECK(out2 != NULL);
            CHECK(mb_wframe_decode(data, size, chosen, out2, cap, &g) == r);
            CHECK(memcmp(out2, out, f.frame_len) == 0);
            free(out2);
        }

        /* Encode again: identical on-air bytes when the CRCs held. */
        uint8_t *raw = malloc(raw_len);
        CHECK(raw != NULL);
        int e = mb_wframe_encode(out, f.frame_len, chosen, raw, raw_len);
        CHECK(e > 0 && (size_t)e == raw_len);
        if (r > 0) {
            CHECK(memcmp(raw, data, raw_len) == 0);
        }
        /* And decode what was encoded: clean, the same frame. */
        uint8_t *back = malloc(f.frame_len);
        CHECK(back != NULL);
        CHECK(mb_wframe_decode(raw, raw_len, chosen, back, f.frame_len, &g) == e);
        CHECK(g.crc_errors == 0 && g.frame_len == f.frame_len);
        CHECK(memcmp(back, out, f.frame_len) == 0);
        free(back);
        free(raw);
    } else {
        CHECK(f.frame == NULL && f.payload == NULL && f.frame_len == 0 && f.raw_len == 0);
        CHECK(f.format == MB_WFORMAT_AUTO && f.crc_errors == 0);
    }
    free(out);
    free(in);
}

/* The input as a frame without CRCs: encode it in each format and decode it back. */
static void encode_one(const uint8_t *data, size_t size, mb_wformat_t format)
{
    size_t need = mb_wframe_encoded_len(format, size);
    uint8_t *frame = dup_exact(data, size);
    /* Too small by one first: nothing may be written past it. */
    if (need > 0) {
        uint8_t *small = malloc(need - 1);
        CHECK(small != NULL);
        CHECK(mb_wframe_encode(frame, size, format, small, need - 1) == MB_ERR_NOSPACE);
        free(small);
    }
    uint8_t *raw = malloc(need == 0 ? 1 : need);
    CHECK(raw != NULL);
    int e = mb_wframe_encode(frame, size, format, raw, need);
    if (need == 0) {
        CHECK(e == MB_ERR_WL_LEN);
    } else {
        CHECK(e > 0 && (size_t)e == need);
        CHECK(mb_wframe_raw_len(format, raw[0]) == need);
        uint8_t *back = malloc(size);
        CHECK(back != NULL);
        mb_wframe_t f;
        CHECK(mb_wframe_decode(raw, need, format, back, size, &f) == e);
        CHECK(f.crc_errors == 0 && f.frame_len == size && back[0] == size - 1);
        CHECK(memcmp(back + 1, data + 1, size - 1) == 0);
        free(back);
        /* In place agrees. */
        uint8_t *io = malloc(need);
        CHECK(io != NULL);
        memcpy(io, data, size);
        CHECK(mb_wframe_encode(io, size, format, io, need) == e);
        CHECK(memcmp(io, raw, need) == 0);
        free(io);
    }
    free(raw);
    free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const mb_wformat_t formats[] = {MB_WFORMAT_AUTO, MB_WFORMAT_A, MB_WFORMAT_B,
                                           MB_WFORMAT_NONE};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        decode_one(data, size, formats[i]);
    }
    for (size_t i = 1; i < sizeof formats / sizeof formats[0]; i++) {
        encode_one(data, size, formats[i]);
    }
    return 0;
}

#else /* !MB_ENABLE_WIRELESS */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
