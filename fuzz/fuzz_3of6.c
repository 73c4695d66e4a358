/*
 * Fuzz harness for the radio coding (wradio.h): 3-of-6 decode and encode, the mode T frame
 * receiver, Manchester in both polarities, and mode C/T detection.
 *
 * The input is read as chips: decoded as many bytes as it holds; where that succeeds, encoding
 * the bytes must give the chips back (the pad chips of an odd count aside). The input is also
 * read as data: decode(encode(data)) must be the data. The receiver is fed the chips in pieces
 * whose size the first input byte picks, and must agree with the one-shot decoder.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/wlink.h"
#include "meterbus/wradio.h"

#include "fuzz_check.h"

#if MB_ENABLE_WIRELESS

static uint8_t *alloc_exact(size_t n)
{
    uint8_t *p = malloc(n == 0 ? 1 : n);
    CHECK(p != NULL);
    return p;
}

static void three_of_six(const uint8_t *chips, size_t size)
{
    size_t count = size * 2 / 3;
    CHECK(MB_W3OF6_CHIP_LEN(count) <= size);
    uint8_t *out = alloc_exact(count);
    mb_wcode_errors_t e;
    int r = mb_w3of6_decode(chips, size, out, count, &e);
    if (r >= 0) {
        CHECK((size_t)r == count && e.count == 0);
        /* Encoding gives the chips back; after an odd count the last 4 chips are the pad. */
        size_t tx = MB_W3OF6_TX_LEN(count);
        uint8_t *again = alloc_exact(tx);
        CHECK(mb_w3of6_encode(out, count, again, tx) == (int)tx);
        size_t whole = 3 * count / 2;
        CHECK(memcmp(again, chips, whole) == 0);
        if (count % 2 != 0) {
            CHECK((again[whole] & 0xF0u) == (chips[whole] & 0xF0u));
        }
        free(again);
    } else {
        CHECK(r == MB_ERR_WL_3OF6);
        CHECK(e.count > 0 && e.count <= 2 * count && e.first < 2 * count);
    }
    /* In place agrees. */
    uint8_t *io = alloc_exact(size);
    memcpy(io, chips, size);
    mb_wcode_errors_t e2;
    CHECK(mb_w3of6_decode(io, size, io, count, &e2) == r);
    CHECK(e2.count == e.count && e2.first == e.first);
    CHECK(count == 0 || memcmp(io, out, count) == 0);
    free(io);
    free(out);

    /* The input as data. */
    size_t tx = MB_W3OF6_TX_LEN(size);
    uint8_t *enc = alloc_exact(tx);
    CHECK(mb_w3of6_encode(chips, size, enc, tx - 1) == MB_ERR_NOSPACE);
    CHECK(mb_w3of6_encode(chips, size, enc, tx) == (int)tx);
    uint8_t *dec = alloc_exact(size);
    CHECK(mb_w3of6_decode(enc, tx, dec, size, &e) == (int)size && e.count == 0);
    CHECK(size == 0 || memcmp(dec, chips, size) == 0);
    free(dec);
    free(enc);
}

static void receiver(const uint8_t *chips, size_t size)
{
    if (size == 0) {
        return;
    }
    size_t piece = (size_t)(chips[0] % 16u) + 1u;
    uint8_t *out = alloc_exact(MB_WFRAME_MAX_RAW_LEN);
    mb_w3of6_rx_t rx;
    mb_w3of6_rx_init(&rx, out, MB_WFRAME_MAX_RAW_LEN);
    int r = 0;
    size_t fed = 0;
    while (fed < size) {
        size_t k = size - fed < piece ? size - fed : piece;
        int now = mb_w3of6_rx_feed(&rx, chips + fed, k);
        CHECK(r == 0 || now == r); /* once ended, it stays so */
        r = now;
        fed += k;
    }
    CHECK(r >= 0 || r == MB_ERR_WL_3OF6 || r == MB_ERR_WL_LEN);
    if (r > 0) {
        size_t n = (size_t)r;
        CHECK(n == mb_wframe_raw_len(MB_WFORMAT_A, out[0]));
        CHECK(mb_w3of6_rx_chip_len(&rx) == MB_W3OF6_CHIP_LEN(n));
        CHECK(MB_W3OF6_CHIP_LEN(n) <= size);
        uint8_t *one = alloc_exact(n);
        CHECK(mb_w3of6_decode(chips, size, one, n, NULL) == r);
        CHECK(memcmp(one, out, n) == 0);
        free(one);
    } else if (r == MB_ERR_WL_3OF6) {
        size_t bad = mb_w3of6_rx_bad_symbol(&rx);
        size_t count = bad / 2 + 1;
        mb_wcode_errors_t e;
        uint8_t *one = alloc_exact(count);
        CHECK(mb_w3of6_decode(chips, size, one, count, &e) == MB_ERR_WL_3OF6);
        CHECK(e.first == bad);
        free(one);
    } else if (r == MB_ERR_WL_LEN) {
        CHECK(mb_w3of6_frame_chip_len(out[0]) == 0);
    } else {
        CHECK(mb_w3of6_rx_chip_len(&rx) == 0 || size < mb_w3of6_rx_chip_len(&rx));
    }
    free(out);
}

static void manchester(const uint8_t *chips, size_t size)
{
    for (int pol = 0; pol <= 1; pol++) {
        mb_wmanchester_t p = (mb_wmanchester_t)pol;
        size_t count = size / 2;
        uint8_t *out = alloc_exact(count);
        mb_wcode_errors_t e;
        int r = mb_wmanchester_decode(chips, size, out, count, p, &e);
        if (r >= 0) {
            CHECK((size_t)r == count && e.count == 0);
            uint8_t *again = alloc_exact(2 * count);
            CHECK(mb_wmanchester_encode(out, count, again, 2 * count, p) == (int)(2 * count));
            CHECK(count == 0 || memcmp(again, chips, 2 * count) == 0);
            free(again);
        } else {
            CHECK(r == MB_ERR_WL_MANCHESTER && e.count > 0 && e.first < 8 * count);
        }
        free(out);

        uint8_t *enc = alloc_exact(2 * size);
        CHECK(mb_wmanchester_encode(chips, size, enc, 2 * size, p) == (int)(2 * size));
        uint8_t *dec = alloc_exact(size);
        CHECK(mb_wmanchester_decode(enc, 2 * size, dec, size, p, NULL) == (int)size);
        CHECK(size == 0 || memcmp(dec, chips, size) == 0);
        free(dec);
        free(enc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    three_of_six(data, size);
    receiver(data, size);
    manchester(data, size);
    if (size >= 2) {
        mb_wmode_ct_t m = mb_wmode_ct_detect(data[0], data[1]);
        uint8_t b;
        bool t = mb_w3of6_decode(data, 2, &b, 1, NULL) == 1;
        if (data[0] == 0x54 && (data[1] == 0xCD || data[1] == 0x3D)) {
            CHECK(m == (data[1] == 0xCD ? MB_WMODE_CT_C_A : MB_WMODE_CT_C_B));
        } else {
            CHECK(m == (t ? MB_WMODE_CT_T : MB_WMODE_CT_UNKNOWN));
        }
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
