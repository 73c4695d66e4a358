/*
 * Wired stream receiver (include/meterbus/link.h: mb_rx_*): frames out of a byte stream in any
 * chunking, resynchronisation after noise, corrupted frames, the inter-byte timeout, leftovers,
 * pending/reset and a randomized stream.
 *
 * Streams are built from published reference frames (OMS Vol.2 Annex N.2.2, m-bus.com) or from
 * frames whose checksum is worked out in the comment next to them; the randomized test builds its
 * frames with its own small encoder (put_frame), not with the library's. Expected counter values
 * follow by hand from the algorithm documented at mb_rx_feed(); each is derived in a comment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define MAX_FRAMES 64u
#define STREAM_CAP 20000u

/* A frame as received, copied out of the receiver (its view lives only until the next call). */
typedef struct rec {
    mb_frame_type_t type;
    uint8_t c, a, ci;
    size_t data_len;
    uint8_t data[MB_FRAME_DATA_MAX];
} rec_t;

typedef struct got {
    rec_t f[MAX_FRAMES];
    size_t n;
} got_t;

/* A frame the test expects: fields and the data bytes as hex ("" for none). */
typedef struct want {
    mb_frame_type_t type;
    uint8_t c, a, ci;
    const char *data_hex;
} want_t;

/* Expected values of every counter. */
typedef struct counts {
    uint32_t frames, bytes_discarded, noise, bad_header, bad_stop, bad_checksum, timeouts;
} counts_t;

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static void assert_stats(const mb_rx_t *rx, const counts_t *want)
{
    const mb_rx_stats_t *s = mb_rx_stats(rx);
    assert_non_null(s);
    assert_int_equal(s->frames, want->frames);
    assert_int_equal(s->bytes_discarded, want->bytes_discarded);
    assert_int_equal(s->noise, want->noise);
    assert_int_equal(s->bad_header, want->bad_header);
    assert_int_equal(s->bad_stop, want->bad_stop);
    assert_int_equal(s->bad_checksum, want->bad_checksum);
    assert_int_equal(s->timeouts, want->timeouts);
}

/* The frame's data must be a view into the receiver itself. */
static void assert_view_inside(const mb_rx_t *rx, const mb_frame_t *f)
{
    if (f->type != MB_FRAME_LONG) {
        assert_null(f->data);
        assert_int_equal(f->data_len, 0);
        return;
    }
    uintptr_t lo = (uintptr_t)(const void *)rx;
    uintptr_t hi = (uintptr_t)(const void *)(rx + 1);
    uintptr_t p = (uintptr_t)(const void *)f->data;
    assert_true(p >= lo);
    assert_true(p + f->data_len <= hi);
}

/* Take every frame the receiver has ready (the inner loop documented at mb_rx_feed). */
static void take_all(mb_rx_t *rx, got_t *got)
{
    mb_frame_t f;
    while (mb_rx_frame(rx, &f)) {
        assert_true(got->n < MAX_FRAMES);
        assert_view_inside(rx, &f);
        rec_t *r = &got->f[got->n++];
        r->type = f.type;
        r->c = f.c;
        r->a = f.a;
        r->ci = f.ci;
        r->data_len = f.data_len;
        assert_true(f.data_len <= MB_FRAME_DATA_MAX);
        if (f.data_len > 0) {
            memcpy(r->data, f.data, f.data_len);
        }
    }
}

/* The documented loop for one chunk of @p n bytes arriving at @p now. */
static void feed_chunk(mb_rx_t *rx, const uint8_t *bytes, size_t n, uint32_t now, got_t *got)
{
    size_t off = 0;
    do {
        size_t used = mb_rx_feed(rx, bytes + off, n - off, now);
        assert_true(used <= n - off);
        off += used;
        take_all(rx, got);
    } while (off < n);
}

/* Feed @p n bytes in chunks: all at once (chunk_max 0), or random sizes 1..chunk_max. */
static void feed_stream(mb_rx_t *rx, const uint8_t *bytes, size_t n, uint32_t seed,
                        size_t chunk_max, got_t *got)
{
    uint32_t rng = seed;
    size_t off = 0;
    while (off < n) {
        size_t k = n - off;
        if (chunk_max > 0) {
            size_t r = 1 + mbt_rand_below(&rng, (uint32_t)chunk_max);
            k = r < k ? r : k;
        }
        feed_chunk(rx, bytes + off, k, 0, got);
        off += k;
    }
}

static void assert_got(const got_t *got, const want_t *want, size_t n_want)
{
    assert_int_equal(got->n, n_want);
    for (size_t i = 0; i < n_want; i++) {
        uint8_t data[MB_FRAME_DATA_MAX];
        size_t data_len = hx(want[i].data_hex, data, sizeof data);
        assert_int_equal(got->f[i].type, want[i].type);
        assert_int_equal(got->f[i].c, want[i].c);
        assert_int_equal(got->f[i].a, want[i].a);
        assert_int_equal(got->f[i].ci, want[i].ci);
        assert_int_equal(got->f[i].data_len, data_len);
        if (data_len > 0) {
            assert_memory_equal(got->f[i].data, data, data_len);
        }
    }
}

static got_t got_buf; /* too big for a comfortable stack frame */

/*
 * Feed the stream @p hex all at once, byte by byte and in random chunks (50 seeds), each time into
 * a fresh receiver without timeout, and check the frames and every counter each time. With a
 * fixed clock the outcome does not depend on the chunking.
 */
static void check_stream(const char *hex, const want_t *want, size_t n_want, const counts_t *cnt)
{
    static uint8_t bytes[STREAM_CAP];
    size_t n = hx(hex, bytes, sizeof bytes);
    mb_rx_t rx;
    /* all at once, byte by byte, random chunks */
    for (uint32_t run = 0; run < 52; run++) {
        size_t chunk_max = run == 0 ? 0 : run == 1 ? 1 : 1 + run % 17;
        mb_rx_init(&rx, 0);
        got_buf.n = 0;
        feed_stream(&rx, bytes, n, run + 1, chunk_max, &got_buf);
        assert_got(&got_buf, want, n_want);
        assert_stats(&rx, cnt);
        assert_int_equal(mb_rx_pending(&rx), 0);
    }
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The 29 data bytes (after CI 72) of the OMS Vol.2 Annex N.2.2 RSP_UD. */
#define OMS_N22_DATA \
    "78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F 15 02 FD 17 00 00"
#define OMS_N22_FRAME "68 20 20 68 08 FD 72 " OMS_N22_DATA " 89 16"

#define SET_ADDRESS_FRAME "68 06 06 68 53 05 51 01 7A 0A 2E 16" /* reference frame */
#define SET_BAUD_FRAME    "68 03 03 68 53 05 BD 15 16"          /* reference frame */
#define REQ_UD2_FRAME     "10 7B 05 80 16"                      /* reference frame */

static const want_t W_ACK = {MB_FRAME_ACK, 0, 0, 0, ""};
static const want_t W_NACK = {MB_FRAME_NACK, 0, 0, 0, ""};
static const want_t W_REQ_UD2 = {MB_FRAME_SHORT, 0x7B, 0x05, 0, ""};
static const want_t W_SET_BAUD = {MB_FRAME_CONTROL, 0x53, 0x05, 0xBD, ""};
static const want_t W_SET_ADDRESS = {MB_FRAME_LONG, 0x53, 0x05, 0x51, "01 7A 0A"};

/* ---- the receiver struct -------------------------------------------------------------------- */

static void rx_size_as_documented(void **state)
{
    (void)state;
    assert_int_equal(sizeof(mb_rx_t), 304);
}

static void rx_init_zeroes_counters(void **state)
{
    (void)state;
    mb_rx_t rx;
    memset(&rx, 0x5A, sizeof rx);
    mb_rx_init(&rx, 100);
    const counts_t zero = {0, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &zero);
    assert_int_equal(mb_rx_pending(&rx), 0);
    mb_frame_t f;
    assert_false(mb_rx_frame(&rx, &f));
    assert_false(mb_rx_poll(&rx, 12345));
}

/* ---- a mixed sequence of valid frames ------------------------------------------------------- */

#define MIXED                                                \
    "E5 " REQ_UD2_FRAME " " SET_BAUD_FRAME " " OMS_N22_FRAME \
    " A2 10 40 FD 3D 16 " SET_ADDRESS_FRAME " E5"

static const want_t mixed_want[] = {
    {MB_FRAME_ACK, 0, 0, 0, ""},
    {MB_FRAME_SHORT, 0x7B, 0x05, 0, ""},
    {MB_FRAME_CONTROL, 0x53, 0x05, 0xBD, ""},
    {MB_FRAME_LONG, 0x08, 0xFD, 0x72, OMS_N22_DATA},
    {MB_FRAME_NACK, 0, 0, 0, ""},
    {MB_FRAME_SHORT, 0x40, 0xFD, 0, ""},
    {MB_FRAME_LONG, 0x53, 0x05, 0x51, "01 7A 0A"},
    {MB_FRAME_ACK, 0, 0, 0, ""},
};

static const counts_t mixed_counts = {8, 0, 0, 0, 0, 0, 0};

static void run_mixed(uint32_t seed, size_t chunk_max)
{
    static uint8_t bytes[256];
    size_t n = hx(MIXED, bytes, sizeof bytes);
    assert_int_equal(n, 1 + 5 + 9 + 38 + 1 + 5 + 12 + 1);
    mb_rx_t rx;
    mb_rx_init(&rx, MB_RX_DEFAULT_GAP_MS);
    got_buf.n = 0;
    feed_stream(&rx, bytes, n, seed, chunk_max, &got_buf);
    assert_got(&got_buf, mixed_want, N_OF(mixed_want));
    assert_stats(&rx, &mixed_counts);
    assert_int_equal(mb_rx_pending(&rx), 0);
}

static void rx_mixed_byte_by_byte(void **state)
{
    (void)state;
    run_mixed(1, 1);
}

static void rx_mixed_random_chunks(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed <= 300; seed++) {
        run_mixed(seed, 1 + seed % 80);
    }
}

static void rx_mixed_all_at_once(void **state)
{
    (void)state;
    run_mixed(1, 0);
}

/* "Bytes are consumed up to and including the end of the first complete frame". */
static void rx_feed_stops_after_each_frame(void **state)
{
    (void)state;
    uint8_t bytes[64];
    size_t n = hx("E5 " REQ_UD2_FRAME " " SET_BAUD_FRAME " 10 7B", bytes, sizeof bytes);
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 0);
    assert_int_equal(mb_rx_feed(&rx, bytes, n, 0), 1);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_ACK);
    assert_false(mb_rx_frame(&rx, &f));
    assert_int_equal(mb_rx_feed(&rx, bytes + 1, n - 1, 0), 5);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_SHORT);
    assert_int_equal(f.c, 0x7B);
    assert_int_equal(mb_rx_feed(&rx, bytes + 6, n - 6, 0), 9);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_CONTROL);
    assert_int_equal(f.ci, 0xBD);
    /* A partial frame: everything is consumed, no frame. */
    assert_int_equal(mb_rx_feed(&rx, bytes + 15, n - 15, 0), 2);
    assert_false(mb_rx_frame(&rx, &f));
    assert_int_equal(mb_rx_pending(&rx), 2);
    /* Nothing to push: nothing consumed. */
    assert_int_equal(mb_rx_feed(&rx, bytes, 0, 0), 0);
    assert_int_equal(mb_rx_pending(&rx), 2);
}

static void rx_max_long_frame(void **state)
{
    (void)state;
    /* L = 255, C 08, A 01, CI 72, data 00..FB; CS = 08 + 01 + 72 + 31626 (mod 256)
     * = 0x7B + 0x8A = 0x105 -> 05. */
    uint8_t bytes[MB_FRAME_MAX_LEN + 1];
    bytes[0] = 0x68;
    bytes[1] = 0xFF;
    bytes[2] = 0xFF;
    bytes[3] = 0x68;
    bytes[4] = 0x08;
    bytes[5] = 0x01;
    bytes[6] = 0x72;
    for (size_t i = 0; i < 252; i++) {
        bytes[7 + i] = (uint8_t)i;
    }
    bytes[259] = 0x05;
    bytes[260] = 0x16;
    bytes[261] = 0xE5;
    for (size_t chunk = 0; chunk <= 2; chunk++) {
        mb_rx_t rx;
        mb_rx_init(&rx, 0);
        got_buf.n = 0;
        feed_stream(&rx, bytes, sizeof bytes, 7, chunk, &got_buf);
        assert_int_equal(got_buf.n, 2);
        assert_int_equal(got_buf.f[0].type, MB_FRAME_LONG);
        assert_int_equal(got_buf.f[0].c, 0x08);
        assert_int_equal(got_buf.f[0].a, 0x01);
        assert_int_equal(got_buf.f[0].ci, 0x72);
        assert_int_equal(got_buf.f[0].data_len, 252);
        for (size_t i = 0; i < 252; i++) {
            assert_int_equal(got_buf.f[0].data[i], i);
        }
        assert_int_equal(got_buf.f[1].type, MB_FRAME_ACK);
        const counts_t cnt = {2, 0, 0, 0, 0, 0, 0};
        assert_stats(&rx, &cnt);
    }
}

/* A long frame whose data holds E5 and 68 is received whole: 08 + 05 + 72 = 7F, + E5 = 0x164 ->
 * 64, + 68 = CC; CS = CC. */
static void rx_long_with_e5_inside(void **state)
{
    (void)state;
    const want_t want[] = {{MB_FRAME_LONG, 0x08, 0x05, 0x72, "E5 68"}, W_ACK};
    const counts_t cnt = {2, 0, 0, 0, 0, 0, 0};
    check_stream("68 05 05 68 08 05 72 E5 68 CC 16 E5", want, N_OF(want), &cnt);
}

/* ---- noise ---------------------------------------------------------------------------------- */

static void rx_noise_between_frames(void **state)
{
    (void)state;
    /* 12 + 2 + 1 + 3 = 18 bytes that cannot start a frame (none is 10, 68, E5 or A2). */
    const char *hex = "00 FF 16 55 E4 E6 A3 A1 0F 11 67 69 "
                      "E5 01 02 " REQ_UD2_FRAME " AA " SET_BAUD_FRAME " 16 16 16 A2";
    const want_t want[] = {W_ACK, W_REQ_UD2, W_SET_BAUD, W_NACK};
    const counts_t cnt = {4, 18, 18, 0, 0, 0, 0};
    check_stream(hex, want, N_OF(want), &cnt);
}

static void rx_noise_only(void **state)
{
    (void)state;
    const counts_t cnt = {0, 6, 6, 0, 0, 0, 0};
    check_stream("00 01 02 16 FF 7F", NULL, 0, &cnt);
}

/* 68 | 10 (L = 0x10 passes) | 7B (second L differs): only the 68 is dropped, the short frame
 * 10 7B 05 80 16 behind it is found. */
static void rx_stray_68_before_short(void **state)
{
    (void)state;
    const want_t want[] = {W_REQ_UD2};
    const counts_t cnt = {1, 1, 0, 1, 0, 0, 0};
    check_stream("68 " REQ_UD2_FRAME, want, N_OF(want), &cnt);
}

/* 10 | 68 (not a short-frame C field): the 10 is dropped, the control frame is found. */
static void rx_stray_10_before_control(void **state)
{
    (void)state;
    const want_t want[] = {W_SET_BAUD};
    const counts_t cnt = {1, 1, 0, 1, 0, 0, 0};
    check_stream("10 " SET_BAUD_FRAME, want, N_OF(want), &cnt);
}

/* 10 | 10 (not a C field): one 10 dropped, the short frame after it is found. */
static void rx_stray_10_before_short(void **state)
{
    (void)state;
    const want_t want[] = {W_REQ_UD2};
    const counts_t cnt = {1, 1, 0, 1, 0, 0, 0};
    check_stream("10 " REQ_UD2_FRAME, want, N_OF(want), &cnt);
}

/* 68 | 68 (L = 0x68 passes) | 03 (second L differs): the first 68 is dropped, the rescan of
 * 68 03 passes and the long frame is found. */
static void rx_stray_68_before_long(void **state)
{
    (void)state;
    const want_t want[] = {W_SET_ADDRESS};
    const counts_t cnt = {1, 1, 0, 1, 0, 0, 0};
    check_stream("68 " SET_ADDRESS_FRAME, want, N_OF(want), &cnt);
}

/* 68 05 06: L fields differ -> 68 dropped (bad_header), then 05 and 06 are noise. */
static void rx_false_start_68_05_06(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK, W_REQ_UD2};
    const counts_t cnt = {2, 3, 2, 1, 0, 0, 0};
    check_stream("68 05 06 E5 " REQ_UD2_FRAME, want, N_OF(want), &cnt);
}

/* 68 02: L < 3 -> 68 dropped (bad_header), 02 is noise. */
static void rx_false_start_l_below_3(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 2, 1, 1, 0, 0, 0};
    check_stream("68 02 E5", want, N_OF(want), &cnt);
}

/* 68 04 04 10: no second 68 -> 68 dropped (bad_header); 04, 04 noise; the 10 starts the short
 * frame 10 7B 05 80 16. */
static void rx_false_start_no_second_68(void **state)
{
    (void)state;
    const want_t want[] = {W_REQ_UD2};
    const counts_t cnt = {1, 3, 2, 1, 0, 0, 0};
    check_stream("68 04 04 " REQ_UD2_FRAME, want, N_OF(want), &cnt);
}

/*
 * 68 03 03 68 40 05 BD 02 16 (SND_NKE in a control frame) then E5:
 *   40 at position 4 is not allowed -> first 68 dropped (bad_header 1);
 *   rescan: 03, 03 noise (2); 68 40 plausible (L = 0x40);
 *   05 != 40 as second L -> that 68 dropped (bad_header 2); 40, 05 noise (4);
 *   BD, 02, 16 noise (7); E5 is a frame.
 * 9 bytes dropped.
 */
static void rx_false_start_bad_c(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 9, 7, 2, 0, 0, 0};
    check_stream("68 03 03 68 40 05 BD 02 16 E5", want, N_OF(want), &cnt);
}

/*
 * 68 03 04 68 53 05 BD 15 16 is the set-baud frame with its second L changed: read with the first
 * L it would be complete and correct, so only the L comparison can reject it.
 *   04 != 03 -> first 68 dropped (bad_header 1); 03, 04 noise (2);
 *   68 53 plausible (L = 0x53); 05 != 53 -> that 68 dropped (bad_header 2); 53, 05 noise (4);
 *   BD, 15, 16 noise (7); E5 is a frame. 9 bytes dropped.
 */
static void rx_false_start_l_fields_differ(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 9, 7, 2, 0, 0, 0};
    check_stream("68 03 04 68 53 05 BD 15 16 E5", want, N_OF(want), &cnt);
}

/*
 * 68 02 02 68 53 05 58 16 looks complete (CS 53 + 05 = 58, stop 16) but L = 2 < 3:
 *   02 -> first 68 dropped (bad_header 1); 02, 02 noise (2);
 *   68 53 plausible; 05 != 53 -> 68 dropped (bad_header 2); 53, 05, 58, 16 noise (6);
 *   E5 is a frame. 8 bytes dropped.
 */
static void rx_false_start_l_2_complete_looking(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 8, 6, 2, 0, 0, 0};
    check_stream("68 02 02 68 53 05 58 16 E5", want, N_OF(want), &cnt);
}

/*
 * 68 04 04 68 40 05 51 7F 15 16 is a long frame complete and correct (CS 40 + 05 + 51 + 7F =
 * 0x115 -> 15) except that SND_NKE is not allowed in it:
 *   40 -> first 68 dropped (bad_header 1); 04, 04 noise (2);
 *   68 40 plausible (L = 0x40); 05 != 40 -> 68 dropped (bad_header 2); 40, 05 noise (4);
 *   51, 7F, 15, 16 noise (8); E5 is a frame. 10 bytes dropped.
 */
static void rx_false_start_long_bad_c_complete_looking(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 10, 8, 2, 0, 0, 0};
    check_stream("68 04 04 68 40 05 51 7F 15 16 E5", want, N_OF(want), &cnt);
}

/* 10 4B 05 50 16: REQ_UD2 without FCV, otherwise correct (CS 4B + 05 = 50): 10 dropped as a bad
 * start, 4B 05 50 16 are noise. */
static void rx_false_start_short_no_fcv(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 5, 4, 1, 0, 0, 0};
    check_stream("10 4B 05 50 16 E5", want, N_OF(want), &cnt);
}

/* 10 08: RSP_UD is not a short-frame C field -> the 10 dropped; 08 05 0D 16 are noise. */
static void rx_false_start_short_bad_c(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 5, 4, 1, 0, 0, 0};
    check_stream("10 08 05 0D 16 E5", want, N_OF(want), &cnt);
}

/* ---- corrupted frames ----------------------------------------------------------------------- */

/* 68 05 05 68 08 05 72 E5 E5 CS 16: 08 + 05 + 72 = 7F, + E5 = 0x164 -> 64, + E5 = 0x149 -> 49. */
#define E5E5_HEAD "68 05 05 68 08 05 72 E5 E5"

static void rx_long_with_e5_e5_valid(void **state)
{
    (void)state;
    const want_t want[] = {{MB_FRAME_LONG, 0x08, 0x05, 0x72, "E5 E5"}};
    const counts_t cnt = {1, 0, 0, 0, 0, 0, 0};
    check_stream(E5E5_HEAD " 49 16", want, N_OF(want), &cnt);
}

static void rx_bad_checksum_long_dropped_whole(void **state)
{
    (void)state;
    /* The two E5 inside must not come out as frames; the whole 11 bytes are dropped. */
    const want_t want[] = {W_REQ_UD2};
    const counts_t cnt = {1, 11, 0, 0, 0, 1, 0};
    check_stream(E5E5_HEAD " 4A 16 " REQ_UD2_FRAME, want, N_OF(want), &cnt);
}

static void rx_bad_stop_long_dropped_whole(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 11, 0, 0, 1, 0, 0};
    check_stream(E5E5_HEAD " 49 17 E5", want, N_OF(want), &cnt);
}

/* Both wrong: the stop byte is checked first. */
static void rx_bad_stop_and_checksum_counts_stop(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 11, 0, 0, 1, 0, 0};
    check_stream(E5E5_HEAD " 00 00 E5", want, N_OF(want), &cnt);
}

static void rx_bad_checksum_short(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 5, 0, 0, 0, 1, 0};
    check_stream("10 7B 05 81 16 E5", want, N_OF(want), &cnt);
}

/* The E5 in the stop position belongs to the corrupted candidate and goes with it. */
static void rx_bad_stop_short(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK};
    const counts_t cnt = {1, 5, 0, 0, 1, 0, 0};
    check_stream("10 7B 05 80 E5 E5", want, N_OF(want), &cnt);
}

static void rx_corrupted_max_frame_dropped_whole(void **state)
{
    (void)state;
    /* L = 255, data all E5: CS = 08 + 01 + 72 + 252 * E5 (mod 256). 252 * 229 = 57708
     * = 225 * 256 + 108 -> 6C; 7B + 6C = E7. Sent with CS E8: 261 bytes dropped. */
    static uint8_t bytes[MB_FRAME_MAX_LEN + 5];
    mb_rx_t rx;
    got_t *got = &got_buf;
    size_t n = hx("68 FF FF 68 08 01 72", bytes, sizeof bytes);
    memset(bytes + n, 0xE5, 252);
    n += 252;
    bytes[n++] = 0xE8;
    bytes[n++] = 0x16;
    n += hx(REQ_UD2_FRAME, bytes + n, sizeof bytes - n);
    mb_rx_init(&rx, 0);
    got->n = 0;
    feed_stream(&rx, bytes, n, 3, 9, got);
    const want_t want[] = {W_REQ_UD2};
    assert_got(got, want, 1);
    const counts_t cnt = {1, 261, 0, 0, 0, 1, 0};
    assert_stats(&rx, &cnt);

    /* The same frame with the right CS E7 comes out whole. */
    bytes[259] = 0xE7;
    mb_rx_init(&rx, 0);
    got->n = 0;
    feed_stream(&rx, bytes, n, 3, 9, got);
    assert_int_equal(got->n, 2);
    assert_int_equal(got->f[0].type, MB_FRAME_LONG);
    assert_int_equal(got->f[0].data_len, 252);
    assert_int_equal(got->f[0].data[0], 0xE5);
    assert_int_equal(got->f[0].data[251], 0xE5);
    assert_int_equal(got->f[1].type, MB_FRAME_SHORT);
}

/* ---- inter-byte timeout --------------------------------------------------------------------- */

static void rx_timeout_drops_partial(void **state)
{
    (void)state;
    uint8_t frame[16];
    size_t n = hx(SET_ADDRESS_FRAME, frame, sizeof frame);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 50);
    got->n = 0;
    feed_chunk(&rx, frame, 5, 1000, got); /* 68 06 06 68 53 */
    assert_int_equal(got->n, 0);
    assert_int_equal(mb_rx_pending(&rx), 5);
    feed_chunk(&rx, frame, n, 1051, got); /* 51 ms later: the whole frame again */
    const want_t want[] = {W_SET_ADDRESS};
    assert_got(got, want, 1);
    const counts_t cnt = {1, 5, 0, 0, 0, 0, 1};
    assert_stats(&rx, &cnt);
    assert_int_equal(mb_rx_pending(&rx), 0);
}

static void rx_gap_equal_to_limit_is_not_timeout(void **state)
{
    (void)state;
    uint8_t frame[16];
    size_t n = hx(SET_ADDRESS_FRAME, frame, sizeof frame);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 50);
    got->n = 0;
    /* Every byte exactly 50 ms after the one before it. */
    for (size_t i = 0; i < n; i++) {
        feed_chunk(&rx, frame + i, 1, (uint32_t)(1000 + 50 * i), got);
    }
    const want_t want[] = {W_SET_ADDRESS};
    assert_got(got, want, 1);
    const counts_t cnt = {1, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
}

static void rx_gap_zero_disables_timeout(void **state)
{
    (void)state;
    uint8_t frame[16];
    size_t n = hx(SET_ADDRESS_FRAME, frame, sizeof frame);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 0);
    got->n = 0;
    feed_chunk(&rx, frame, 5, 0, got);
    assert_false(mb_rx_poll(&rx, 0x7FFFFFFFu));
    assert_int_equal(mb_rx_pending(&rx), 5);
    feed_chunk(&rx, frame + 5, n - 5, 0xFFFFFFF0u, got);
    const want_t want[] = {W_SET_ADDRESS};
    assert_got(got, want, 1);
    const counts_t cnt = {1, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
}

static void rx_poll_drops_stale_partial(void **state)
{
    (void)state;
    uint8_t bytes[8];
    hx("10 7B 05", bytes, sizeof bytes);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 50);
    got->n = 0;
    assert_false(mb_rx_poll(&rx, 100)); /* idle, never fed */
    feed_chunk(&rx, bytes, 3, 100, got);
    assert_false(mb_rx_poll(&rx, 120));
    assert_false(mb_rx_poll(&rx, 150)); /* exactly the limit */
    assert_int_equal(mb_rx_pending(&rx), 3);
    assert_true(mb_rx_poll(&rx, 151));
    assert_int_equal(mb_rx_pending(&rx), 0);
    const counts_t cnt = {0, 3, 0, 0, 0, 0, 1};
    assert_stats(&rx, &cnt);
    assert_false(mb_rx_poll(&rx, 151)); /* idle again */
    assert_false(mb_rx_poll(&rx, 100000));
    assert_stats(&rx, &cnt);
    /* The receiver works on afterwards. */
    hx(REQ_UD2_FRAME, bytes, sizeof bytes);
    feed_chunk(&rx, bytes, 5, 200, got);
    const want_t want[] = {W_REQ_UD2};
    assert_got(got, want, 1);
}

static void rx_poll_keeps_complete_frame(void **state)
{
    (void)state;
    const uint8_t ack = 0xE5;
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 10);
    assert_int_equal(mb_rx_feed(&rx, &ack, 1, 0), 1);
    assert_false(mb_rx_poll(&rx, 1000)); /* a complete frame is not a partial one */
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_ACK);
    const counts_t cnt = {1, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
}

/*
 * 68 E5 10: the 10 breaks the start (68 dropped), the E5 behind it is a frame and 10 is held as
 * the start of a short frame (pending 1). Once the E5 is taken, a poll past the gap releases it
 * and drops the stale 10.
 */
static void rx_poll_drops_stale_leftover_after_taken_frame(void **state)
{
    (void)state;
    uint8_t bytes[4];
    hx("68 E5 10", bytes, sizeof bytes);
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 10);
    assert_int_equal(mb_rx_feed(&rx, bytes, 3, 0), 3);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_ACK);
    assert_int_equal(mb_rx_pending(&rx), 1);
    assert_false(mb_rx_poll(&rx, 10));
    assert_true(mb_rx_poll(&rx, 11));
    assert_int_equal(mb_rx_pending(&rx), 0);
    assert_false(mb_rx_frame(&rx, &f));
    const counts_t cnt = {1, 2, 0, 1, 0, 0, 1};
    assert_stats(&rx, &cnt);
}

/* Last byte at 0xFFFFFFF0, next at 0x00000005: 0x10 + 5 = 21 ms, above a 20 ms limit. */
static void rx_timeout_across_wraparound(void **state)
{
    (void)state;
    uint8_t bytes[8];
    size_t n = hx(REQ_UD2_FRAME, bytes, sizeof bytes);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 20);
    got->n = 0;
    feed_chunk(&rx, bytes, 3, 0xFFFFFFF0u, got);
    feed_chunk(&rx, bytes, n, 0x00000005u, got);
    const want_t want[] = {W_REQ_UD2};
    assert_got(got, want, 1);
    const counts_t cnt = {1, 3, 0, 0, 0, 0, 1};
    assert_stats(&rx, &cnt);
}

/* The same 21 ms across the wrap with a 21 ms limit: no timeout, the partial frame completes. */
static void rx_no_timeout_across_wraparound(void **state)
{
    (void)state;
    uint8_t bytes[8];
    size_t n = hx(REQ_UD2_FRAME, bytes, sizeof bytes);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 21);
    got->n = 0;
    feed_chunk(&rx, bytes, 3, 0xFFFFFFF0u, got);
    assert_false(mb_rx_poll(&rx, 0x00000005u));
    feed_chunk(&rx, bytes + 3, n - 3, 0x00000005u, got);
    const want_t want[] = {W_REQ_UD2};
    assert_got(got, want, 1);
    const counts_t cnt = {1, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
}

static void rx_set_gap_keeps_bytes_and_counters(void **state)
{
    (void)state;
    uint8_t bytes[8];
    size_t n = hx(REQ_UD2_FRAME, bytes, sizeof bytes);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 10);
    got->n = 0;
    feed_chunk(&rx, bytes, 3, 0, got);
    mb_rx_set_gap(&rx, 100); /* 50 ms is now within the limit */
    assert_int_equal(mb_rx_pending(&rx), 3);
    feed_chunk(&rx, bytes + 3, n - 3, 50, got);
    assert_int_equal(got->n, 1);
    mb_rx_set_gap(&rx, 10); /* and now it is not */
    feed_chunk(&rx, bytes, 3, 100, got);
    feed_chunk(&rx, bytes, n, 150, got);
    const want_t want[] = {W_REQ_UD2, W_REQ_UD2};
    assert_got(got, want, 2);
    const counts_t cnt = {2, 3, 0, 0, 0, 0, 1};
    assert_stats(&rx, &cnt);
}

/* ---- leftovers behind a false start --------------------------------------------------------- */

/*
 * 68 E5 00 E5: 68 starts, E5 passes as L (229), 00 differs from it -> 68 dropped (bad_header);
 * the rescan finds E5 at the front (frame 1), then 00 is noise, then the last E5 (frame 2).
 */
static void rx_leftover_e5_behind_false_start(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK, W_ACK};
    const counts_t cnt = {2, 2, 1, 1, 0, 0, 0};
    check_stream("68 E5 00 E5", want, N_OF(want), &cnt);
}

/*
 * 68 E5 E5 00: 68 E5 E5 passes (L = E5 twice), 00 is no second 68 -> 68 dropped (bad_header); the
 * rescan of E5 E5 00 yields two frames, both among bytes already held, then 00 is noise.
 */
static void rx_leftover_two_e5_in_one_drain(void **state)
{
    (void)state;
    const want_t want[] = {W_ACK, W_ACK};
    const counts_t cnt = {2, 2, 1, 1, 0, 0, 0};
    check_stream("68 E5 E5 00", want, N_OF(want), &cnt);

    /* Both come out of the mb_rx_frame() loop after a single mb_rx_feed() of the four bytes. */
    uint8_t bytes[4];
    hx("68 E5 E5 00", bytes, sizeof bytes);
    mb_rx_t rx;
    mb_rx_init(&rx, 0);
    got_buf.n = 0;
    assert_int_equal(mb_rx_feed(&rx, bytes, 4, 0), 4);
    take_all(&rx, &got_buf);
    assert_got(&got_buf, want, 2);
    assert_stats(&rx, &cnt);
}

/* A false start hiding a whole short frame: 68 0A (L = 10) 10 (second L differs). */
static void rx_leftover_short_behind_false_start(void **state)
{
    (void)state;
    const want_t want[] = {W_REQ_UD2, W_ACK};
    /* 68 dropped (bad_header), 0A noise, then 10 7B 05 80 16, then E5 */
    const counts_t cnt = {2, 2, 1, 1, 0, 0, 0};
    check_stream("68 0A " REQ_UD2_FRAME " E5", want, N_OF(want), &cnt);
}

/* ---- pending, reset, untaken frames, views -------------------------------------------------- */

static void rx_pending_during_and_after(void **state)
{
    (void)state;
    uint8_t bytes[8];
    hx(REQ_UD2_FRAME, bytes, sizeof bytes);
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 0);
    assert_int_equal(mb_rx_pending(&rx), 0);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(mb_rx_feed(&rx, bytes + i, 1, 0), 1);
        assert_int_equal(mb_rx_pending(&rx), i + 1);
        assert_false(mb_rx_frame(&rx, &f));
    }
    assert_int_equal(mb_rx_feed(&rx, bytes + 4, 1, 0), 1);
    assert_int_equal(mb_rx_pending(&rx), 0); /* complete: not pending */
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_SHORT);
    assert_false(mb_rx_frame(&rx, &f));
    assert_int_equal(mb_rx_pending(&rx), 0);
    /* Noise is not held. */
    const uint8_t noise = 0x00;
    mb_rx_feed(&rx, &noise, 1, 0);
    assert_int_equal(mb_rx_pending(&rx), 0);
}

static void rx_reset_drops_partial(void **state)
{
    (void)state;
    uint8_t bytes[32];
    size_t n = hx("00 E5 " SET_ADDRESS_FRAME, bytes, sizeof bytes);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, 0);
    got->n = 0;
    feed_chunk(&rx, bytes, 2 + 5, 0, got); /* noise, ACK, 68 06 06 68 53 */
    assert_int_equal(got->n, 1);
    assert_int_equal(mb_rx_pending(&rx), 5);
    mb_rx_reset(&rx);
    assert_int_equal(mb_rx_pending(&rx), 0);
    counts_t cnt = {1, 6, 1, 0, 0, 0, 0}; /* counters kept, the 5 bytes added */
    assert_stats(&rx, &cnt);
    /* The frame sent again is received. */
    feed_chunk(&rx, bytes + 2, n - 2, 0, got);
    const want_t want[] = {W_ACK, W_SET_ADDRESS};
    assert_got(got, want, 2);
    cnt.frames = 2;
    assert_stats(&rx, &cnt);
}

static void rx_reset_keeps_complete_frame_uncounted(void **state)
{
    (void)state;
    const uint8_t ack = 0xE5;
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 0);
    assert_int_equal(mb_rx_feed(&rx, &ack, 1, 0), 1);
    mb_rx_reset(&rx); /* drops the ready frame; not counted as discarded */
    assert_false(mb_rx_frame(&rx, &f));
    const counts_t cnt = {1, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
    assert_int_equal(mb_rx_pending(&rx), 0);
}

static void rx_untaken_frame_dropped_but_counted(void **state)
{
    (void)state;
    uint8_t bytes[8];
    size_t n = hx(REQ_UD2_FRAME, bytes, sizeof bytes);
    const uint8_t ack = 0xE5;
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 0);
    assert_int_equal(mb_rx_feed(&rx, &ack, 1, 0), 1);
    /* Not taken; the next feed drops it. */
    assert_int_equal(mb_rx_feed(&rx, bytes, n, 0), 5);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_SHORT);
    assert_int_equal(f.c, 0x7B);
    assert_false(mb_rx_frame(&rx, &f));
    const counts_t cnt = {2, 0, 0, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
}

static void rx_frame_returned_once(void **state)
{
    (void)state;
    uint8_t bytes[16];
    size_t n = hx(SET_BAUD_FRAME, bytes, sizeof bytes);
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 0);
    assert_int_equal(mb_rx_feed(&rx, bytes, n, 0), 9);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_CONTROL);
    assert_false(mb_rx_frame(&rx, &f));
    assert_false(mb_rx_frame(&rx, &f));
    assert_int_equal(mb_rx_stats(&rx)->frames, 1);
}

static void rx_frame_view_valid_until_next_call(void **state)
{
    (void)state;
    uint8_t bytes[64];
    uint8_t data[32];
    size_t n = hx(OMS_N22_FRAME " E5", bytes, sizeof bytes);
    size_t data_len = hx(OMS_N22_DATA, data, sizeof data);
    mb_rx_t rx;
    mb_frame_t f;
    mb_rx_init(&rx, 0);
    assert_int_equal(mb_rx_feed(&rx, bytes, n, 0), 38);
    assert_true(mb_rx_frame(&rx, &f));
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.c, 0x08);
    assert_int_equal(f.a, 0xFD);
    assert_int_equal(f.ci, 0x72);
    assert_int_equal(f.data_len, data_len);
    assert_view_inside(&rx, &f);
    /* The caller's buffer can be reused at once: the view is into the receiver. */
    memset(bytes, 0, 38);
    assert_memory_equal(f.data, data, data_len);
    /* Another receiver's work does not touch it. */
    mb_rx_t other;
    mb_frame_t g;
    mb_rx_init(&other, 0);
    assert_int_equal(mb_rx_feed(&other, bytes + 38, 1, 0), 1);
    assert_true(mb_rx_frame(&other, &g));
    assert_int_equal(g.type, MB_FRAME_ACK);
    assert_memory_equal(f.data, data, data_len);
}

/* Two buses side by side: each receiver keeps its own partial frame and counters. */
static void rx_two_receivers_independent(void **state)
{
    (void)state;
    uint8_t one[64], two[64];
    size_t n1 = hx(OMS_N22_FRAME, one, sizeof one);
    size_t n2 = hx("00 " SET_ADDRESS_FRAME, two, sizeof two);
    mb_rx_t rx1, rx2;
    static got_t got1, got2;
    mb_rx_init(&rx1, 0);
    mb_rx_init(&rx2, 0);
    got1.n = 0;
    got2.n = 0;
    for (size_t i = 0; i < n1 || i < n2; i++) {
        if (i < n1) {
            feed_chunk(&rx1, one + i, 1, 0, &got1);
        }
        if (i < n2) {
            feed_chunk(&rx2, two + i, 1, 0, &got2);
        }
    }
    const want_t w1[] = {{MB_FRAME_LONG, 0x08, 0xFD, 0x72, OMS_N22_DATA}};
    const want_t w2[] = {W_SET_ADDRESS};
    assert_got(&got1, w1, 1);
    assert_got(&got2, w2, 1);
    const counts_t c1 = {1, 0, 0, 0, 0, 0, 0};
    const counts_t c2 = {1, 1, 1, 0, 0, 0, 0};
    assert_stats(&rx1, &c1);
    assert_stats(&rx2, &c2);
}

/* ---- randomized streams --------------------------------------------------------------------- */

static const uint8_t short_c[] = {0x40, 0x5A, 0x7A, 0x5B, 0x7B};
static const uint8_t control_c[] = {0x53, 0x73, 0x08, 0x18, 0x28, 0x38};
static const uint8_t long_c[] = {0x53, 0x73, 0x43, 0x08, 0x18, 0x28, 0x38}; /* + SND_UD2 */

/* The test's own encoder, from the table in link.h: CS = 8-bit sum of C .. last data byte. */
static size_t put_frame(uint8_t *out, const rec_t *f)
{
    size_t n = 0;
    uint8_t cs = 0;
    switch (f->type) {
    case MB_FRAME_ACK: out[n++] = 0xE5; return n;
    case MB_FRAME_NACK: out[n++] = 0xA2; return n;
    case MB_FRAME_SHORT:
        out[n++] = 0x10;
        out[n++] = f->c;
        out[n++] = f->a;
        out[n++] = (uint8_t)(f->c + f->a);
        out[n++] = 0x16;
        return n;
    default: break;
    }
    uint8_t l_field = (uint8_t)(3 + f->data_len);
    out[n++] = 0x68;
    out[n++] = l_field;
    out[n++] = l_field;
    out[n++] = 0x68;
    out[n++] = f->c;
    out[n++] = f->a;
    out[n++] = f->ci;
    cs = (uint8_t)(f->c + f->a + f->ci);
    for (size_t i = 0; i < f->data_len; i++) {
        out[n++] = f->data[i];
        cs = (uint8_t)(cs + f->data[i]);
    }
    out[n++] = cs;
    out[n++] = 0x16;
    return n;
}

static void random_frame(uint32_t *rng, rec_t *f)
{
    static const mb_frame_type_t types[] = {MB_FRAME_ACK, MB_FRAME_NACK, MB_FRAME_SHORT,
                                            MB_FRAME_CONTROL, MB_FRAME_LONG};
    memset(f, 0, sizeof *f);
    f->type = types[mbt_rand_below(rng, 5)];
    switch (f->type) {
    case MB_FRAME_SHORT:
        f->c = short_c[mbt_rand_below(rng, sizeof short_c)];
        f->a = (uint8_t)mbt_rand(rng);
        break;
    case MB_FRAME_CONTROL:
    case MB_FRAME_LONG:
        f->c = f->type == MB_FRAME_LONG ? long_c[mbt_rand_below(rng, sizeof long_c)]
                                        : control_c[mbt_rand_below(rng, sizeof control_c)];
        f->a = (uint8_t)mbt_rand(rng);
        f->ci = (uint8_t)mbt_rand(rng);
        if (f->type == MB_FRAME_LONG) {
            /* Half short payloads, half anything up to the maximum. */
            f->data_len = mbt_rand_below(rng, 2) ? 1 + mbt_rand_below(rng, 16)
                                                 : 1 + mbt_rand_below(rng, MB_FRAME_DATA_MAX);
            for (size_t i = 0; i < f->data_len; i++) {
                f->data[i] = (uint8_t)mbt_rand(rng);
            }
        }
        break;
    default: break;
    }
}

/* A byte that cannot start a frame. */
static uint8_t noise_byte(uint32_t *rng)
{
    for (;;) {
        uint8_t b = (uint8_t)mbt_rand(rng);
        if (b != 0x10 && b != 0x68 && b != 0xE5 && b != 0xA2) {
            return b;
        }
    }
}

static void run_random_stream(uint32_t seed)
{
    static rec_t sent[MAX_FRAMES];
    static uint8_t stream[STREAM_CAP];
    uint32_t rng = seed * 2654435761u + 1u;
    size_t n = 0;
    size_t n_frames = 2 + mbt_rand_below(&rng, 40);
    uint32_t n_noise = 0;
    assert_true(n_frames <= MAX_FRAMES);
    for (size_t i = 0; i < n_frames; i++) {
        uint32_t k = mbt_rand_below(&rng, 4) == 0 ? mbt_rand_below(&rng, 6) : 0;
        for (uint32_t j = 0; j < k; j++) {
            stream[n++] = noise_byte(&rng);
        }
        n_noise += k;
        random_frame(&rng, &sent[i]);
        n += put_frame(stream + n, &sent[i]);
        assert_true(n + 300 < STREAM_CAP);
    }

    /* Random chunks, the clock advancing by 0..gap per chunk (never above: no timeout) and
     * wrapping past 2^32 during the run. */
    const uint32_t gap = 25;
    uint32_t now = 0xFFFFFF00u + (seed & 0xFFu);
    size_t chunk_max = 1 + mbt_rand_below(&rng, 300);
    mb_rx_t rx;
    got_t *got = &got_buf;
    mb_rx_init(&rx, gap);
    got->n = 0;
    size_t off = 0;
    while (off < n) {
        size_t k = 1 + mbt_rand_below(&rng, (uint32_t)chunk_max);
        if (k > n - off) {
            k = n - off;
        }
        feed_chunk(&rx, stream + off, k, now, got);
        off += k;
        now += mbt_rand_below(&rng, gap + 1);
        if (mbt_rand_below(&rng, 8) == 0) {
            assert_false(mb_rx_poll(&rx, now));
        }
    }

    assert_int_equal(got->n, n_frames);
    for (size_t i = 0; i < n_frames; i++) {
        const rec_t *w = &sent[i];
        const rec_t *g = &got->f[i];
        assert_int_equal(g->type, w->type);
        assert_int_equal(g->c, w->c);
        assert_int_equal(g->a, w->a);
        assert_int_equal(g->ci, w->ci);
        assert_int_equal(g->data_len, w->data_len);
        if (w->data_len > 0) {
            assert_memory_equal(g->data, w->data, w->data_len);
        }
    }
    const counts_t cnt = {(uint32_t)n_frames, n_noise, n_noise, 0, 0, 0, 0};
    assert_stats(&rx, &cnt);
    assert_int_equal(mb_rx_pending(&rx), 0);
}

static void rx_random_streams_200_seeds(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed <= 200; seed++) {
        run_random_stream(seed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rx_size_as_documented),
        cmocka_unit_test(rx_init_zeroes_counters),
        cmocka_unit_test(rx_mixed_byte_by_byte),
        cmocka_unit_test(rx_mixed_random_chunks),
        cmocka_unit_test(rx_mixed_all_at_once),
        cmocka_unit_test(rx_feed_stops_after_each_frame),
        cmocka_unit_test(rx_max_long_frame),
        cmocka_unit_test(rx_long_with_e5_inside),
        cmocka_unit_test(rx_noise_between_frames),
        cmocka_unit_test(rx_noise_only),
        cmocka_unit_test(rx_stray_68_before_short),
        cmocka_unit_test(rx_stray_10_before_control),
        cmocka_unit_test(rx_stray_10_before_short),
        cmocka_unit_test(rx_stray_68_before_long),
        cmocka_unit_test(rx_false_start_68_05_06),
        cmocka_unit_test(rx_false_start_l_below_3),
        cmocka_unit_test(rx_false_start_no_second_68),
        cmocka_unit_test(rx_false_start_bad_c),
        cmocka_unit_test(rx_false_start_l_fields_differ),
        cmocka_unit_test(rx_false_start_l_2_complete_looking),
        cmocka_unit_test(rx_false_start_long_bad_c_complete_looking),
        cmocka_unit_test(rx_false_start_short_no_fcv),
        cmocka_unit_test(rx_false_start_short_bad_c),
        cmocka_unit_test(rx_long_with_e5_e5_valid),
        cmocka_unit_test(rx_bad_checksum_long_dropped_whole),
        cmocka_unit_test(rx_bad_stop_long_dropped_whole),
        cmocka_unit_test(rx_bad_stop_and_checksum_counts_stop),
        cmocka_unit_test(rx_bad_checksum_short),
        cmocka_unit_test(rx_bad_stop_short),
        cmocka_unit_test(rx_corrupted_max_frame_dropped_whole),
        cmocka_unit_test(rx_timeout_drops_partial),
        cmocka_unit_test(rx_gap_equal_to_limit_is_not_timeout),
        cmocka_unit_test(rx_gap_zero_disables_timeout),
        cmocka_unit_test(rx_poll_drops_stale_partial),
        cmocka_unit_test(rx_poll_keeps_complete_frame),
        cmocka_unit_test(rx_poll_drops_stale_leftover_after_taken_frame),
        cmocka_unit_test(rx_timeout_across_wraparound),
        cmocka_unit_test(rx_no_timeout_across_wraparound),
        cmocka_unit_test(rx_set_gap_keeps_bytes_and_counters),
        cmocka_unit_test(rx_leftover_e5_behind_false_start),
        cmocka_unit_test(rx_leftover_two_e5_in_one_drain),
        cmocka_unit_test(rx_leftover_short_behind_false_start),
        cmocka_unit_test(rx_pending_during_and_after),
        cmocka_unit_test(rx_reset_drops_partial),
        cmocka_unit_test(rx_reset_keeps_complete_frame_uncounted),
        cmocka_unit_test(rx_untaken_frame_dropped_but_counted),
        cmocka_unit_test(rx_frame_returned_once),
        cmocka_unit_test(rx_frame_view_valid_until_next_call),
        cmocka_unit_test(rx_two_receivers_independent),
        cmocka_unit_test(rx_random_streams_200_seeds),
    };
    return cmocka_run_group_tests_name("rx", tests, NULL, NULL);
}
