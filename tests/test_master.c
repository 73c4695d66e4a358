/*
 * Wired master (include/meterbus/master.h) against a scripted line: what it writes, how it takes
 * replies, echoes, collisions and silence, its FCB rules and its timing.
 *
 * Expected request bytes are the reference frames of EN 13757-2 (SND_NKE 10 40 05 45 16, REQ_UD2
 * 10 7B 05 80 16 and 10 5B 05 60 16, ...) or have their checksum worked out in the comment. Times
 * at 2400 Bd: a character is 11 bits, so 5 bytes take 55/2400 s = 22.9 ms (23 ms rounded up); the
 * answer window is 330 bit times = 137.5 ms (138 rounded up) + 50 ms = 188 ms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "meterbus/master.h"
#include "testutil.h"

#if MB_ENABLE_MASTER

/* ---- a scripted line ---------------------------------------------------------------------- */

typedef struct line {
    uint8_t written[4096];
    size_t n_written;
    size_t accept; /* bytes taken per write call; 0 = all */
    int fail;      /* write returns this when negative */
    int flushes;
    uint32_t baud;
} line_t;

static int line_write(void *ctx, const uint8_t *p, size_t len)
{
    line_t *l = ctx;
    if (l->fail < 0) {
        return l->fail;
    }
    size_t n = l->accept != 0u && l->accept < len ? l->accept : len;
    assert_true(l->n_written + n <= sizeof l->written);
    memcpy(l->written + l->n_written, p, n);
    l->n_written += n;
    return (int)n;
}

static int line_set_baud(void *ctx, uint32_t baud)
{
    line_t *l = ctx;
    l->baud = baud;
    return 0;
}

static void line_flush(void *ctx)
{
    line_t *l = ctx;
    l->flushes++;
}

static const mb_hal_t line_hal = {line_write, line_set_baud, line_flush};

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* The last @p hex bytes written must be these. */
static void expect_written(const line_t *l, size_t from, const char *hex)
{
    uint8_t want[300];
    size_t n = hx(hex, want, sizeof want);
    assert_int_equal(l->n_written - from, n);
    assert_memory_equal(l->written + from, want, n);
}

static void feed_hex(mb_master_t *m, const char *hex, uint32_t now)
{
    uint8_t b[300];
    size_t n = hx(hex, b, sizeof b);
    assert_int_equal(mb_master_feed(m, b, n, now), n);
}

static void setup_master(mb_master_t *m, line_t *l, uint8_t retries)
{
    memset(l, 0, sizeof *l);
    mb_master_config_t cfg = {2400, 0, retries};
    mb_master_init(m, &line_hal, l, &cfg);
}

/* An RSP_UD from @p addr with the OMS Annex N.2.2 user data (checksum worked out by the link
 * encoder, which test_link checks against the published frame). */
static size_t rsp_ud(uint8_t addr, uint8_t *out)
{
    uint8_t data[32];
    size_t n = hx("78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F 15 02 FD "
                  "17 00 00",
                  data, sizeof data);
    mb_frame_t f = {MB_FRAME_LONG, 0x08, addr, 0x72, data, n};
    int len = mb_frame_encode(&f, out, 300);
    assert_true(len > 0);
    return (size_t)len;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void req_ud2_and_fcb(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 2);
    assert_int_equal(mb_master_req_ud2(&m, 5, 1000), MB_OK);
    expect_written(&l, 0, "10 7B 05 80 16"); /* the first FCV=1 request has FCB 1 */
    assert_int_equal(mb_master_poll(&m, 1010), MB_MASTER_PENDING);
    uint8_t reply[300];
    size_t n = rsp_ud(5, reply);
    assert_int_equal(mb_master_feed(&m, reply, n, 1100), n);
    /* Three quiet characters after the reply (33 bits: 13.75 ms, 14 + 1) before it counts. */
    assert_int_equal(mb_master_poll(&m, 1100), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 1115), MB_OK);
    mb_frame_t f;
    assert_true(mb_master_reply(&m, &f));
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.a, 5);
    assert_int_equal(f.data_len, 29);
    assert_int_equal(f.data[0], 0x78);
    /* Success toggles the FCB. */
    assert_int_equal(mb_master_req_ud2(&m, 5, 2000), MB_OK);
    expect_written(&l, 5, "10 5B 05 60 16");
    mb_master_stats_t s = mb_master_stats(&m);
    assert_int_equal(s.requests, 2);
    assert_int_equal(s.retries, 0);
}

static void timeout_retries_with_the_same_fcb(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 2);
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    /* 23 ms on the wire + 188 ms window: the first retry at 211 ms, not before. */
    assert_int_equal(mb_master_poll(&m, 210), MB_MASTER_PENDING);
    assert_int_equal(l.n_written, 5);
    assert_int_equal(mb_master_poll(&m, 211), MB_MASTER_PENDING);
    expect_written(&l, 5, "10 7B 05 80 16"); /* the identical telegram */
    assert_int_equal(mb_master_poll(&m, 422), MB_MASTER_PENDING);
    expect_written(&l, 10, "10 7B 05 80 16");
    assert_int_equal(mb_master_poll(&m, 633), MB_ERR_MASTER_TIMEOUT);
    assert_int_equal(mb_master_poll(&m, 700), MB_ERR_MASTER_TIMEOUT); /* stays */
    mb_master_stats_t s = mb_master_stats(&m);
    assert_int_equal(s.requests, 3);
    assert_int_equal(s.retries, 2);
    assert_int_equal(s.timeouts, 3);
    /* Failure keeps the FCB: the next request repeats FCB 1. */
    assert_int_equal(mb_master_req_ud2(&m, 5, 1000), MB_OK);
    expect_written(&l, 15, "10 7B 05 80 16");
}

static void extra_ms_lengthens_the_window(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    memset(&l, 0, sizeof l);
    mb_master_config_t cfg = {2400, 100, 0};
    mb_master_init(&m, &line_hal, &l, &cfg);
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    assert_int_equal(mb_master_poll(&m, 310), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 311), MB_ERR_MASTER_TIMEOUT);
    /* What a blocking helper waits at most: + the longest reply, 261 bytes (1196.25 -> 1197). */
    assert_int_equal(mb_master_timeout_ms(2400, 5, 100), 23u + 288u + 1197u);
}

static void snd_nke_and_ack(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 0);
    /* Toggle address 5's FCB with a good REQ_UD2 first. */
    uint8_t reply[300];
    size_t n = rsp_ud(5, reply);
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    mb_master_feed(&m, reply, n, 50);
    assert_int_equal(mb_master_poll(&m, 100), MB_OK);
    /* SND_NKE: the reference frame, answered by E5 at once (address 5 is one slave). */
    assert_int_equal(mb_master_snd_nke(&m, 5, 200), MB_OK);
    expect_written(&l, 5, "10 40 05 45 16");
    feed_hex(&m, "E5", 220);
    assert_int_equal(mb_master_poll(&m, 220), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 236), MB_OK);
    mb_frame_t f;
    assert_true(mb_master_reply(&m, &f));
    assert_int_equal(f.type, MB_FRAME_ACK);
    /* After SND_NKE the next REQ_UD2 has FCB 1 again. */
    assert_int_equal(mb_master_req_ud2(&m, 5, 300), MB_OK);
    expect_written(&l, 10, "10 7B 05 80 16");
}

static void echo_is_skipped(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 0);
    assert_int_equal(mb_master_snd_nke(&m, 5, 0), MB_OK);
    feed_hex(&m, "10 40", 10); /* the converter's echo, in pieces, then the slave's E5 */
    feed_hex(&m, "05 45 16 E5", 12);
    assert_int_equal(mb_master_poll(&m, 40), MB_OK);
    assert_int_equal(mb_master_stats(&m).echoes, 1);
    /* A reply that starts like the request is not lost: E5 alone still works without echo. */
    assert_int_equal(mb_master_snd_nke(&m, 5, 100), MB_OK);
    feed_hex(&m, "E5", 110);
    assert_int_equal(mb_master_poll(&m, 140), MB_OK);
    assert_int_equal(mb_master_stats(&m).echoes, 1);
}

static void garbled_answer_is_a_collision(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 1);
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    /* The start of a long frame, then nothing: no frame by the deadline. */
    feed_hex(&m, "68 20 20 68 08 05", 40);
    /* Deadline: 23 + 188 + 1197 (the longest reply) = 1408 ms. */
    assert_int_equal(mb_master_poll(&m, 1407), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 1408), MB_MASTER_PENDING); /* retried */
    assert_int_equal(mb_master_stats(&m).collisions, 1);
    expect_written(&l, 5, "10 7B 05 80 16");
    /* A corrupted frame (bad checksum) at once is a collision too; no retries left. */
    uint8_t reply[300];
    size_t n = rsp_ud(5, reply);
    reply[n - 2] ^= 1u;
    mb_master_feed(&m, reply, n, 1500);
    assert_int_equal(mb_master_poll(&m, 1408 + 211), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 1408 + 1408), MB_ERR_MASTER_COLLISION);
    assert_int_equal(mb_master_stats(&m).collisions, 2);
}

static void bytes_after_the_reply_are_a_collision(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 0);
    uint8_t reply[300];
    size_t n = rsp_ud(5, reply);
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    mb_master_feed(&m, reply, n, 100);
    feed_hex(&m, "00", 105);
    assert_int_equal(mb_master_poll(&m, 200), MB_ERR_MASTER_COLLISION);
    mb_frame_t f;
    assert_false(mb_master_reply(&m, &f));
}

static void selection_waits_for_the_whole_window(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 0);
    mb_secondary_t mask = {0x12345678, 0xFFFF, 0xFF, 0xFF};
    uint32_t fab = 0x11223344;
    assert_int_equal(mb_master_select(&m, &mask, &fab, 0), MB_OK);
    /*
     * The enhanced-selection reference frame with FCB 1 (C 73 instead of 53): its checksum
     * 0xE0 + 0x20 = 0x100 -> 00.
     */
    expect_written(&l, 0, "68 11 11 68 73 FD 52 78 56 34 12 FF FF FF FF 0C 78 44 33 22 11 00 16");
    feed_hex(&m, "E5", 40);
    /* 23 bytes: 253 bits = 105.4 ms -> 106 ms on the wire, + 188: the window ends at 294. */
    assert_int_equal(mb_master_poll(&m, 293), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 294), MB_OK);
    /* A second, different answer inside the window: more than one slave matched. */
    assert_int_equal(mb_master_select(&m, &mask, NULL, 1000), MB_OK);
    feed_hex(&m, "E5", 1040);
    feed_hex(&m, "68", 1100);
    assert_int_equal(mb_master_poll(&m, 1300), MB_ERR_MASTER_COLLISION);
}

static void unexpected_answers(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 2);
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    feed_hex(&m, "E5", 30);
    assert_int_equal(mb_master_poll(&m, 31), MB_ERR_MASTER_UNEXPECTED);
    /* An RSP_UD from another primary address. */
    uint8_t reply[300];
    size_t n = rsp_ud(6, reply);
    assert_int_equal(mb_master_req_ud2(&m, 5, 100), MB_OK);
    mb_master_feed(&m, reply, n, 150);
    assert_int_equal(mb_master_poll(&m, 151), MB_ERR_MASTER_UNEXPECTED);
    /* Through 253 the slave may answer with its own address. */
    n = rsp_ud(7, reply);
    assert_int_equal(mb_master_req_ud2(&m, 253, 200), MB_OK);
    expect_written(&l, 10, "10 7B FD 78 16");
    mb_master_feed(&m, reply, n, 250);
    assert_int_equal(mb_master_poll(&m, 300), MB_OK);
    /* REQ_UD1 takes an E5 (nothing pending): 10 7A 05 7F 16. */
    assert_int_equal(mb_master_req_ud1(&m, 5, 400), MB_OK);
    expect_written(&l, 15, "10 7A 05 7F 16");
    feed_hex(&m, "E5", 420);
    assert_int_equal(mb_master_poll(&m, 440), MB_OK);
}

static void broadcast_without_reply(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 2);
    /* SND_NKE to 253 (deselection, 10 40 FD 3D 16) is not answered either. */
    assert_int_equal(mb_master_snd_nke(&m, 253, 0), MB_OK);
    expect_written(&l, 0, "10 40 FD 3D 16");
    assert_false(mb_master_busy(&m));
    assert_int_equal(mb_master_poll(&m, 1), MB_OK);
    l.n_written = 0;
    uint8_t reset[1] = {0x10};
    assert_int_equal(mb_master_snd_ud(&m, 255, 0x50, reset, 1, 0), MB_OK);
    /* 68 04 04 68 73 FF 50 10 CS 16: 0x73 + 0xFF + 0x50 + 0x10 = 0x1D2 -> D2. */
    expect_written(&l, 0, "68 04 04 68 73 FF 50 10 D2 16");
    assert_false(mb_master_busy(&m));
    assert_int_equal(mb_master_poll(&m, 1), MB_OK);
}

static void partial_writes_and_line_errors(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 0);
    l.accept = 2;
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    assert_int_equal(l.n_written, 5); /* the master offers again at once until the HAL stops */
    l.accept = 0;
    /* A HAL that takes nothing: the rest goes out on poll, and the window starts then. */
    line_t l2;
    mb_master_t m2;
    setup_master(&m2, &l2, 0);
    l2.fail = 0;
    l2.accept = 0;
    assert_int_equal(mb_master_busy(&m2), false);
    l2.fail = -5;
    assert_int_equal(mb_master_req_ud2(&m2, 5, 0), MB_ERR_MASTER_LINE);
    assert_int_equal(mb_master_poll(&m2, 1), MB_ERR_MASTER_LINE);
    /* Busy and argument errors. */
    assert_int_equal(mb_master_req_ud2(&m, 6, 1), MB_ERR_MASTER_BUSY);
    assert_int_equal(mb_master_req_ud2(&m, 251, 1), MB_ERR_ARG); /* reserved addresses first */
    mb_master_t m3;
    line_t l3;
    setup_master(&m3, &l3, 0);
    assert_int_equal(mb_master_req_ud2(&m3, 252, 1), MB_ERR_ARG);
    assert_int_equal(mb_master_select(&m3, NULL, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_master_poll(&m3, 1), MB_OK); /* nothing started */
}

static void baud_switch_of_the_line(void **state)
{
    (void)state;
    mb_master_t m;
    line_t l;
    setup_master(&m, &l, 0);
    assert_int_equal(mb_master_set_line_baud(&m, 9600), MB_OK);
    assert_int_equal(l.baud, 9600);
    /* At 9600 Bd: 5 bytes 5.7 -> 6 ms, window 34.4 -> 35 + 50 = 85: timeout at 91. */
    assert_int_equal(mb_master_req_ud2(&m, 5, 0), MB_OK);
    assert_int_equal(mb_master_poll(&m, 90), MB_MASTER_PENDING);
    assert_int_equal(mb_master_poll(&m, 91), MB_ERR_MASTER_TIMEOUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(req_ud2_and_fcb),
        cmocka_unit_test(timeout_retries_with_the_same_fcb),
        cmocka_unit_test(extra_ms_lengthens_the_window),
        cmocka_unit_test(snd_nke_and_ack),
        cmocka_unit_test(echo_is_skipped),
        cmocka_unit_test(garbled_answer_is_a_collision),
        cmocka_unit_test(bytes_after_the_reply_are_a_collision),
        cmocka_unit_test(selection_waits_for_the_whole_window),
        cmocka_unit_test(unexpected_answers),
        cmocka_unit_test(broadcast_without_reply),
        cmocka_unit_test(partial_writes_and_line_errors),
        cmocka_unit_test(baud_switch_of_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

#include <stdio.h>

int main(void)
{
    printf("master: MB_ENABLE_MASTER is 0, nothing to test\n");
    return 0;
}

#endif
