/*
 * The simulated wired segment (include/meterbus/host/simbus.h): delivery timing, directions,
 * wired-AND collisions, latency, echo, every fault, determinism, baud-rate mismatch and a full
 * segment of 250 slaves.
 *
 * Expected instants are worked out by hand in ticks (1,152,000 per millisecond): at 2400 Bd one
 * bit is 1,152,000,000 / 2400 = 480,000 ticks and one 11-bit character 5,280,000 ticks
 * (4.583 ms); at 9600 Bd a bit is 120,000 ticks; at 38400 Bd a character is 330,000 ticks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "meterbus/host/simbus.h"
#include "meterbus/meterbus.h"

#define TPMS     1152000u        /* ticks per millisecond */
#define BIT2400  480000u         /* one bit at 2400 Bd */
#define CHAR2400 (11u * BIT2400) /* one character at 2400 Bd: 5,280,000 */
#define LOG_MAX  4096u

/* ---- test nodes ---------------------------------------------------------------------------- */

/* Capture node: logs every byte with the instant it arrived. */
typedef struct cap {
    mb_simbus_t *bus;
    size_t n;
    uint8_t b[LOG_MAX];
    uint64_t t[LOG_MAX];  /* ticks */
    uint32_t ms[LOG_MAX]; /* now_ms given to rx */
} cap_t;

static void cap_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    cap_t *c = ctx;
    for (size_t i = 0; i < n && c->n < LOG_MAX; i++) {
        c->b[c->n] = p[i];
        c->t[c->n] = mb_simbus_now_ticks(c->bus);
        c->ms[c->n] = now_ms;
        assert_int_equal(now_ms, mb_simbus_now(c->bus));
        c->n++;
    }
}

/* Slave node: decodes the stream with the library's receiver and answers every short frame to
 * its address or to 254 with its answer (E5 unless told otherwise). */
typedef struct slave {
    mb_simbus_t *bus;
    mb_simbus_port_t *port;
    mb_rx_t rx;
    uint8_t address;
    uint8_t answer[MB_FRAME_MAX_LEN];
    size_t answer_len;
    uint32_t frames;
} slave_t;

static void slave_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    slave_t *s = ctx;
    size_t off = 0;
    do {
        off += mb_rx_feed(&s->rx, p + off, n - off, now_ms);
        mb_frame_t f;
        while (mb_rx_frame(&s->rx, &f)) {
            s->frames++;
            if (f.type == MB_FRAME_SHORT && (f.a == s->address || f.a == MB_ADDR_BROADCAST_REPLY)) {
                int w = mb_simbus_hal.write(s->port, s->answer, s->answer_len);
                assert_int_equal(w, (int)s->answer_len);
            }
        }
    } while (off < n);
}

static void slave_attach(mb_simbus_t *bus, slave_t *s, uint8_t address)
{
    memset(s, 0, sizeof *s);
    s->bus = bus;
    s->address = address;
    s->answer[0] = MB_BYTE_ACK;
    s->answer_len = 1;
    mb_rx_init(&s->rx, MB_RX_DEFAULT_GAP_MS);
    s->port = mb_simbus_attach(bus, false, slave_rx, s);
    assert_non_null(s->port);
}

static mb_simbus_t *new_bus(uint32_t baud, uint32_t seed)
{
    mb_simbus_t *bus = malloc(sizeof *bus);
    assert_non_null(bus);
    mb_simbus_init(bus, baud, seed);
    return bus;
}

static cap_t *new_cap(mb_simbus_t *bus)
{
    cap_t *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->bus = bus;
    return c;
}

static void send(mb_simbus_port_t *port, const uint8_t *p, size_t n)
{
    assert_int_equal(mb_simbus_hal.write(port, p, n), (int)n);
}

static void send_req_ud2(mb_simbus_port_t *master, uint8_t address)
{
    uint8_t f[MB_FRAME_SHORT_LEN];
    assert_int_equal(mb_encode_req_ud2(f, sizeof f, address, true), 5);
    send(master, f, sizeof f);
}

static void send_nke(mb_simbus_port_t *master, uint8_t address)
{
    uint8_t f[MB_FRAME_SHORT_LEN];
    assert_int_equal(mb_encode_snd_nke(f, sizeof f, address), 5);
    send(master, f, sizeof f);
}

/* Give @p s an RSP_UD answer with @p n data bytes (pattern from @p seed) and CI @p ci. */
static void set_rsp_answer(slave_t *s, uint8_t ci, size_t n, uint8_t seed)
{
    uint8_t data[MB_FRAME_DATA_MAX];
    for (size_t i = 0; i < n; i++) {
        data[i] = (uint8_t)(seed + 37u * i);
    }
    int len = mb_encode_rsp_ud(s->answer, sizeof s->answer, s->address, false, false, ci, data, n);
    assert_true(len > 0);
    s->answer_len = (size_t)len;
}

static bool parity_bit(uint8_t b)
{
    unsigned ones = 0;
    for (unsigned i = 0; i < 8u; i++) {
        ones += (b >> i) & 1u;
    }
    return (ones & 1u) != 0u;
}

/* ---- timing -------------------------------------------------------------------------------- */

/* A 5-byte short frame at 2400 Bd: byte i (1..5) ends at i * 5,280,000 ticks, i.e. 4.58, 9.17,
 * 13.75, 18.33 and 22.92 ms, delivered with now_ms 5, 10, 14, 19 and 23 (rounded up). */
static void test_short_frame_timing(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *sc = new_cap(bus);
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, NULL, NULL);
    assert_non_null(mb_simbus_attach(bus, false, cap_rx, sc));
    assert_int_equal(mb_simbus_now(bus), 0);

    send_req_ud2(m, 5); /* 10 7B 05 80 16 */
    mb_simbus_run_until(bus, 22);
    assert_int_equal(sc->n, 4);
    assert_int_equal(mb_simbus_now(bus), 22);
    mb_simbus_run_until(bus, 23);
    assert_int_equal(sc->n, 5);
    static const uint8_t want[] = {0x10, 0x7B, 0x05, 0x80, 0x16};
    static const uint32_t want_ms[] = {5, 10, 14, 19, 23};
    assert_memory_equal(sc->b, want, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_true(sc->t[i] == (uint64_t)(i + 1u) * CHAR2400);
        assert_int_equal(sc->ms[i], want_ms[i]);
    }
    /* 5 * 11 / 2400 s = 22.92 ms, the library's own figure rounded up */
    assert_int_equal(mb_wire_time_ms(2400, 5), 23);
    assert_true(mb_simbus_stats(bus)->busy_ticks == 5u * CHAR2400);
    assert_int_equal(mb_simbus_stats(bus)->bytes_sent, 5);
    free(sc);
    free(bus);
}

/* Below a millisecond: at 38400 Bd a character is 330,000 ticks, so by 1 ms (1,152,000 ticks)
 * three characters are complete (990,000) and the fourth (1,320,000) is not. */
static void test_sub_ms_timing(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(38400, 1);
    cap_t *sc = new_cap(bus);
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, NULL, NULL);
    mb_simbus_attach(bus, false, cap_rx, sc);
    send_req_ud2(m, 5);
    mb_simbus_run_until(bus, 1);
    assert_int_equal(sc->n, 3);
    assert_true(sc->t[2] == 990000u);
    assert_int_equal(sc->ms[2], 1);
    mb_simbus_run_until(bus, 2);
    assert_int_equal(sc->n, 5);
    assert_true(sc->t[4] == 1650000u);
    free(sc);
    free(bus);
}

/* Default slave latency 11 bit times: the request ends at 26,400,000, the E5 starts 480,000 * 11
 * later (31,680,000) and ends at 36,960,000 ticks = 32.08 ms, delivered at 33 ms. */
static void test_answer_default_latency(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);

    send_req_ud2(m, 5);
    mb_simbus_run_until(bus, 32);
    assert_int_equal(mc->n, 0);
    mb_simbus_run_until(bus, 33);
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);
    assert_true(mc->t[0] == 36960000u);
    assert_int_equal(mc->ms[0], 33);
    assert_int_equal(s.frames, 1);
    assert_int_equal(mb_simbus_port_stats(s.port)->bytes_sent, 1);
    assert_int_equal(mb_simbus_port_stats(s.port)->bursts, 1);
    /* six characters, none overlapping */
    assert_true(mb_simbus_stats(bus)->busy_ticks == 6u * CHAR2400);
    assert_int_equal(mb_simbus_stats(bus)->collisions, 0);
    free(mc);
    free(bus);
}

/* The longest legal answer delay, 330 bit times + 50 ms (facts §1.2: 187.5 ms at 2400 Bd):
 * 330 * 480,000 + 50,000 us * 1152 = 216,000,000 ticks. E5 ends at 26.4e6 + 216e6 + 5.28e6 =
 * 247,680,000 ticks = exactly 215 ms. */
static void test_answer_max_latency(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);
    mb_simbus_set_latency(s.port, 330, 50000);

    send_req_ud2(m, 5);
    mb_simbus_run_until(bus, 214);
    assert_int_equal(mc->n, 0);
    mb_simbus_run_until(bus, 215);
    assert_int_equal(mc->n, 1);
    assert_true(mc->t[0] == 247680000u);
    assert_int_equal(mc->ms[0], 215);
    free(mc);
    free(bus);
}

/* ---- directions ---------------------------------------------------------------------------- */

/* A master's bytes reach every slave and no master; a slave's reach every master, no slave. */
static void test_directions(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *ma = new_cap(bus), *mb = new_cap(bus), *sx = new_cap(bus), *sy = new_cap(bus);
    mb_simbus_port_t *pa = mb_simbus_attach(bus, true, cap_rx, ma);
    mb_simbus_attach(bus, true, cap_rx, mb);
    mb_simbus_port_t *px = mb_simbus_attach(bus, false, cap_rx, sx);
    mb_simbus_attach(bus, false, cap_rx, sy);

    static const uint8_t down[] = {0x11, 0x22, 0x33};
    send(pa, down, 3);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(ma->n, 0);
    assert_int_equal(mb->n, 0);
    assert_int_equal(sx->n, 3);
    assert_int_equal(sy->n, 3);
    assert_memory_equal(sx->b, down, 3);
    assert_memory_equal(sy->b, down, 3);
    /* 3 characters = 15,840,000 ticks = 13.75 ms; run_idle stops at the next whole ms */
    assert_int_equal(mb_simbus_now(bus), 14);
    assert_true(mb_simbus_now_ticks(bus) == 14u * TPMS);

    static const uint8_t up[] = {0x44, 0x55};
    send(px, up, 2);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(ma->n, 2);
    assert_int_equal(mb->n, 2);
    assert_memory_equal(ma->b, up, 2);
    assert_memory_equal(mb->b, up, 2);
    assert_int_equal(sy->n, 3);
    assert_int_equal(sx->n, 3);
    /* a write from outside a callback starts after the latency, from the clock: 14 ms, then
     * 11 bits, then two characters: 14 * 1,152,000 + 5,280,000 + 10,560,000 */
    assert_true(ma->t[1] == 14u * TPMS + 3u * CHAR2400);
    free(ma);
    free(mb);
    free(sx);
    free(sy);
    free(bus);
}

/* ---- collisions ---------------------------------------------------------------------------- */

/* Two slaves answer SND_NKE to 254 with E5 at the same tick: the master sees one clean E5. */
static void test_two_e5_one_e5(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s1, s2;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s1, 1);
    slave_attach(bus, &s2, 2);

    send_nke(m, MB_ADDR_BROADCAST_REPLY); /* 10 40 FE 3E 16 */
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);
    assert_true(mc->t[0] == 36960000u);
    const mb_simbus_port_stats_t *ms = mb_simbus_port_stats(m);
    assert_int_equal(ms->parity_errors, 0);
    assert_int_equal(ms->framing_errors, 0);
    assert_int_equal(mb_simbus_port_stats(s1.port)->bytes_sent, 1);
    assert_int_equal(mb_simbus_port_stats(s2.port)->bytes_sent, 1);
    /* s2's E5 overlaps s1's, scheduled first */
    assert_int_equal(mb_simbus_stats(bus)->collisions, 1);
    assert_int_equal(mb_simbus_port_stats(s1.port)->collisions, 0);
    assert_int_equal(mb_simbus_port_stats(s2.port)->collisions, 1);
    /* the two E5 occupy the same slot: busy for 6 characters, not 7 */
    assert_true(mb_simbus_stats(bus)->busy_ticks == 6u * CHAR2400);
    free(mc);
    free(bus);
}

/* Two different RSP_UD frames at the same tick arrive as the byte-wise AND, and then the rest of
 * the longer one; the line's parity bit is the AND of both parity bits, so every byte where the
 * AND changed the parity arrives with a parity error. */
static void test_different_frames_and(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s1, s2;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s1, 1);
    slave_attach(bus, &s2, 2);
    set_rsp_answer(&s1, 0x72, 12, 0x31); /* 21 bytes */
    set_rsp_answer(&s2, 0x78, 4, 0xC4);  /* 13 bytes */
    assert_int_equal(s1.answer_len, 21);
    assert_int_equal(s2.answer_len, 13);

    send_nke(m, MB_ADDR_BROADCAST_REPLY);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 21);
    uint32_t parity_errors = 0;
    for (size_t i = 0; i < 21; i++) {
        if (i < 13) {
            uint8_t a = s1.answer[i], b = s2.answer[i];
            uint8_t and_ = (uint8_t)(a & b);
            assert_int_equal(mc->b[i], and_);
            if (parity_bit(and_) != (parity_bit(a) && parity_bit(b))) {
                parity_errors++;
            }
        } else {
            assert_int_equal(mc->b[i], s1.answer[i]);
        }
    }
    /* the header 68 0F 0F 68 AND 68 07 07 68 = 68 07 07 68 (the same L on both sides) */
    assert_int_equal(mc->b[1], 0x07);
    assert_true(parity_errors > 0);
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, parity_errors);
    assert_int_equal(mb_simbus_port_stats(m)->framing_errors, 0);
    assert_int_equal(mb_simbus_stats(bus)->collisions, 13);
    free(mc);
    free(bus);
}

/*
 * Two E5 one bit apart (latency 11 and 12 bits). E5 on the line, bit 0 (start) .. 10 (stop):
 *   a = 0 1 0 1 0 0 1 1 1 1 1     (data LSB first 1,0,1,0,0,1,1,1; five ones: parity 1)
 *   b = 1 0 1 0 1 0 0 1 1 1 1     (the same, one bit later; idle 1 before it)
 *   a & b = 0 0 0 0 0 0 0 1 1 1 1 sampled from a's start edge
 * data bits 0,0,0,0,0,0,1,1 = 0xC0 (two ones, so parity should be 0, but the line says 1): one
 * character C0 with a parity error, then nothing (b's tail holds no falling edge).
 */
static void test_e5_one_bit_apart(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s1, s2;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s1, 1);
    slave_attach(bus, &s2, 2);
    mb_simbus_set_latency(s2.port, 12, 0);

    send_nke(m, MB_ADDR_BROADCAST_REPLY);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xC0);
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 1);
    assert_int_equal(mb_simbus_port_stats(m)->framing_errors, 0);
    assert_int_equal(mb_simbus_stats(bus)->collisions, 1);
    free(mc);
    free(bus);
}

/* Two E5 100 us apart (0.24 bit at 2400 Bd): every sampling point of the first still falls in
 * the same bit of the second, so the master sees one clean E5. */
static void test_e5_less_than_half_bit_apart(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s1, s2;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s1, 1);
    slave_attach(bus, &s2, 2);
    mb_simbus_set_latency(s2.port, 11, 100);

    send_nke(m, MB_ADDR_BROADCAST_REPLY);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 0);
    /* the E5 completes 11 bits after the first start edge */
    assert_true(mc->t[0] == 36960000u);
    /* busy: 5 + 1 characters + the 100 us the second E5 sticks out */
    assert_true(mb_simbus_stats(bus)->busy_ticks == 6u * CHAR2400 + 100u * 1152u);
    free(mc);
    free(bus);
}

/* ---- echo ---------------------------------------------------------------------------------- */

/* An echoing converter gives the master its own request (at the instants the slaves get it),
 * then the answer. */
static void test_echo(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus), *sc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);
    mb_simbus_attach(bus, false, cap_rx, sc);
    mb_simbus_faults_t f = {0};
    f.echo = true;
    mb_simbus_set_faults(m, &f);

    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 1000));
    static const uint8_t want[] = {0x10, 0x7B, 0x05, 0x80, 0x16, 0xE5};
    assert_int_equal(mc->n, 6);
    assert_memory_equal(mc->b, want, 6);
    assert_int_equal(sc->n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_true(mc->t[i] == sc->t[i]);
    }
    assert_true(mc->t[5] == 36960000u);

    /* echo off again: only the answer */
    f.echo = false;
    mb_simbus_set_faults(m, &f);
    mc->n = 0;
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);

    /* echo on a slave means nothing */
    f.echo = true;
    mb_simbus_set_faults(s.port, &f);
    sc->n = 0;
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(sc->n, 5);
    free(mc);
    free(sc);
    free(bus);
}

/* ---- faults -------------------------------------------------------------------------------- */

/* Dropped characters leave their slot idle: the master gets the others, each at its own slot. */
static void test_fault_drop(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 3);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);
    set_rsp_answer(&s, 0x72, 40, 0x11); /* 49 bytes */
    mb_simbus_faults_t f = {0};
    f.drop_ppm = 300000;
    mb_simbus_set_faults(s.port, &f);

    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 2000));
    const mb_simbus_port_stats_t *ss = mb_simbus_port_stats(s.port);
    assert_int_equal(ss->bytes_written, 49);
    assert_true(ss->bytes_dropped > 0 && ss->bytes_dropped < 49);
    assert_int_equal(ss->bytes_sent + ss->bytes_dropped, 49);
    assert_int_equal(mc->n, ss->bytes_sent);
    /* the answer starts at 31,680,000; slot j ends at 31,680,000 + (j + 1) * 5,280,000 */
    for (size_t i = 0; i < mc->n; i++) {
        uint64_t off = mc->t[i] - 31680000u;
        assert_true(off % CHAR2400 == 0u);
        size_t j = (size_t)(off / CHAR2400) - 1u;
        assert_true(j < 49u);
        assert_int_equal(mc->b[i], s.answer[j]);
    }
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 0);

    /* dropping everything: nothing arrives */
    f.drop_ppm = MB_SIMBUS_PPM;
    mb_simbus_set_faults(s.port, &f);
    mc->n = 0;
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 4000));
    assert_int_equal(mc->n, 0);
    free(mc);
    free(bus);
}

/* A flipped bit: one data bit differs, the parity bit still fits the original, so every byte has
 * a parity error and the frame does not decode. */
static void test_fault_flip(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 4);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);
    set_rsp_answer(&s, 0x72, 8, 0x5A); /* 17 bytes */
    mb_simbus_faults_t f = {0};
    f.flip_ppm = MB_SIMBUS_PPM;
    mb_simbus_set_faults(s.port, &f);

    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 2000));
    assert_int_equal(mc->n, 17);
    for (size_t i = 0; i < 17; i++) {
        uint8_t x = (uint8_t)(mc->b[i] ^ s.answer[i]);
        assert_true(x != 0 && (x & (x - 1u)) == 0); /* exactly one bit */
    }
    assert_int_equal(mb_simbus_port_stats(s.port)->bytes_flipped, 17);
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 17);
    mb_frame_t fr;
    assert_int_not_equal(mb_frame_decode(mc->b, mc->n, &fr), MB_OK);

    /* a master that drops bad characters gets none of them */
    mb_simbus_set_drop_errors(m, true);
    mc->n = 0;
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 4000));
    assert_int_equal(mc->n, 0);
    assert_int_equal(mb_simbus_port_stats(m)->bytes_discarded, 17);
    free(mc);
    free(bus);
}

/* A mute port takes its bytes and never answers. */
static void test_fault_mute(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);
    mb_simbus_faults_t f = {0};
    f.mute = true;
    mb_simbus_set_faults(s.port, &f);

    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 1000));
    mb_simbus_run_until(bus, 1000);
    assert_int_equal(s.frames, 1); /* it heard the request */
    assert_int_equal(mc->n, 0);
    const mb_simbus_port_stats_t *ss = mb_simbus_port_stats(s.port);
    assert_int_equal(ss->bytes_written, 1);
    assert_int_equal(ss->bytes_muted, 1);
    assert_int_equal(ss->bytes_sent, 0);
    free(mc);
    free(bus);
}

/* Extra delay: the E5 comes 0..100 ms later than without it, by an amount the seed decides. */
static uint64_t delayed_e5_tick(uint32_t seed)
{
    mb_simbus_t *bus = new_bus(2400, seed);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);
    mb_simbus_faults_t f = {0};
    f.delay_ppm = MB_SIMBUS_PPM;
    f.delay_max_us = 100000;
    mb_simbus_set_faults(s.port, &f);
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);
    assert_int_equal(mb_simbus_port_stats(s.port)->delays, 1);
    uint64_t t = mc->t[0];
    assert_true(t >= 36960000u && t <= 36960000u + 100000u * 1152u);
    assert_true((t - 36960000u) % 1152u == 0u); /* whole microseconds */
    free(mc);
    free(bus);
    return t;
}

static void test_fault_delay(void **state)
{
    (void)state;
    uint64_t t1 = delayed_e5_tick(1), t2 = delayed_e5_tick(2), t3 = delayed_e5_tick(3);
    assert_true(t1 == delayed_e5_tick(1));
    assert_true(t1 != t2 || t2 != t3);
}

/* Noise towards the master reaches masters only; noise towards the slaves, slaves only. At a mean
 * gap of 10 ms plus 4.58 ms per character, one second holds about 69 noise characters. */
static void test_noise(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 9);
    cap_t *mc = new_cap(bus), *sc = new_cap(bus);
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    mb_simbus_attach(bus, false, cap_rx, sc);

    mb_simbus_set_noise(bus, 0, 10000);
    mb_simbus_run_until(bus, 1000);
    uint32_t noise = mb_simbus_stats(bus)->noise_bytes;
    assert_true(noise >= 40 && noise <= 100);
    assert_int_equal(sc->n, 0);
    assert_true(mc->n >= noise - 1u && mc->n <= noise); /* the last may still be on the line */
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 0); /* noise has its parity right */
    /* the line was busy exactly for the noise characters that ended (none overlap) */
    assert_true(mb_simbus_stats(bus)->busy_ticks >= (uint64_t)(noise - 1u) * CHAR2400);
    assert_true(mb_simbus_stats(bus)->busy_ticks <= (uint64_t)noise * CHAR2400);
    assert_int_equal(mb_simbus_stats(bus)->collisions, 0);

    size_t master_had = mc->n;
    mb_simbus_set_noise(bus, 10000, 0);
    mb_simbus_run_until(bus, 2000);
    assert_true(sc->n >= 40);
    assert_true(mc->n <= master_had + 1u); /* at most the character still on the line */
    free(mc);
    free(sc);
    free(bus);
}

/* ---- determinism --------------------------------------------------------------------------- */

typedef struct scenario_log {
    cap_t *master;
    cap_t *slave;
    mb_simbus_stats_t stats;
} scenario_log_t;

/* A master polling three faulty slaves through noise for 20 rounds. */
static void run_scenario(uint32_t seed, scenario_log_t *out)
{
    mb_simbus_t *bus = new_bus(2400, seed);
    out->master = new_cap(bus);
    out->slave = new_cap(bus);
    slave_t s[3];
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, out->master);
    mb_simbus_attach(bus, false, cap_rx, out->slave);
    for (unsigned i = 0; i < 3u; i++) {
        slave_attach(bus, &s[i], (uint8_t)(i + 1u));
        set_rsp_answer(&s[i], 0x72, 20, (uint8_t)(i * 50u));
        mb_simbus_faults_t f = {0};
        f.drop_ppm = 20000;
        f.flip_ppm = 20000;
        f.delay_ppm = 500000;
        f.delay_max_us = 20000;
        mb_simbus_set_faults(s[i].port, &f);
    }
    mb_simbus_set_noise(bus, 200000, 100000);
    for (unsigned round = 0; round < 20u; round++) {
        send_req_ud2(m, (uint8_t)(round % 3u + 1u));
        mb_simbus_run_until(bus, mb_simbus_now(bus) + 300u);
    }
    out->stats = *mb_simbus_stats(bus);
    free(bus);
}

static bool same_log(const cap_t *a, const cap_t *b)
{
    return a->n == b->n && memcmp(a->b, b->b, a->n) == 0 &&
           memcmp(a->t, b->t, a->n * sizeof a->t[0]) == 0;
}

static void test_determinism(void **state)
{
    (void)state;
    scenario_log_t a, b, c;
    run_scenario(7, &a);
    run_scenario(7, &b);
    run_scenario(8, &c);
    assert_true(a.master->n > 100);
    assert_true(a.stats.noise_bytes > 0);
    assert_true(same_log(a.master, b.master));
    assert_true(same_log(a.slave, b.slave));
    assert_memory_equal(&a.stats, &b.stats, sizeof a.stats);
    assert_false(same_log(a.master, c.master));
    scenario_log_t *logs[] = {&a, &b, &c};
    for (size_t i = 0; i < 3; i++) {
        free(logs[i]->master);
        free(logs[i]->slave);
    }
}

/* ---- baud rates ---------------------------------------------------------------------------- */

/*
 * FF sent at 2400 Bd (bits: start 0, eight 1s, parity 0, stop 1; bit = 480,000 ticks) received
 * at 9600 Bd (bit = 120,000 ticks, samples at 60,000 + k * 120,000 from the edge):
 * - edge at 0: samples 180,000 / 300,000 / 420,000 fall in the 2400 start bit (0), 540,000 ..
 *   1,020,000 in data bits (1): data 0,0,0,1,1,1,1,1 = F8; parity sample 1,140,000 reads 1 (F8
 *   has five ones: right); stop 1,260,000 reads 1.
 * - the 2400 parity bit (0) starts at 9 * 480,000 = 4,320,000, a new falling edge: samples at
 *   +180,000 .. +420,000 still read that 0, +540,000 onwards the stop bit and idle line: F8 again.
 */
static void test_baud_mismatch_bytes(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *sc = new_cap(bus);
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, NULL, NULL);
    mb_simbus_port_t *sp = mb_simbus_attach(bus, false, cap_rx, sc);
    assert_int_equal(mb_simbus_hal.set_baud(sp, 9600), MB_OK);
    assert_int_equal(mb_simbus_port_baud(sp), 9600);

    static const uint8_t ff = 0xFF;
    send(m, &ff, 1);
    assert_true(mb_simbus_run_idle(bus, 100));
    assert_int_equal(sc->n, 2);
    assert_int_equal(sc->b[0], 0xF8);
    assert_int_equal(sc->b[1], 0xF8);
    assert_true(sc->t[0] == 11u * 120000u);
    assert_true(sc->t[1] == 4320000u + 11u * 120000u);
    assert_int_equal(mb_simbus_port_stats(sp)->parity_errors, 0);

    /* FE (start and bit 0 low for 960,000 ticks; seven ones: parity 1) at 9600 Bd: data samples
     * 180,000 .. 900,000 read 0, 1,020,000 reads 1: 80, parity 1 (one one: right), and no edge
     * after it. */
    sc->n = 0;
    static const uint8_t fe = 0xFE;
    send(m, &fe, 1);
    assert_true(mb_simbus_run_idle(bus, 200));
    assert_int_equal(sc->n, 1);
    assert_int_equal(sc->b[0], 0x80);
    free(sc);
    free(bus);
}

/* A slave at another rate cannot make out the request; at the same rate it answers. */
static void test_baud_mismatch_frames(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t s;
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    slave_attach(bus, &s, 5);

    assert_int_equal(mb_simbus_hal.set_baud(s.port, 9600), MB_OK);
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(s.frames, 0);
    assert_int_equal(mc->n, 0);
    assert_true(mb_simbus_port_stats(s.port)->bytes_received > 0);

    /* the slave slower than the master: still nothing */
    assert_int_equal(mb_simbus_hal.set_baud(s.port, 300), MB_OK);
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 2000));
    assert_int_equal(s.frames, 0);

    /* both at 9600: the E5 comes 11 bits after 5 characters, then one character: 17 * 11 * 120,000
     * ticks after the write */
    mb_rx_reset(&s.rx);
    assert_int_equal(mb_simbus_hal.set_baud(s.port, 9600), MB_OK);
    assert_int_equal(mb_simbus_hal.set_baud(m, 9600), MB_OK);
    mb_simbus_run_until(bus, mb_simbus_now(bus) + 100u);
    uint64_t t0 = mb_simbus_now_ticks(bus);
    send_req_ud2(m, 5);
    assert_true(mb_simbus_run_idle(bus, 3000));
    assert_int_equal(s.frames, 1);
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);
    assert_true(mc->t[0] - t0 == 7u * 11u * 120000u);
    free(mc);
    free(bus);
}

/*
 * Clock tolerance: a UART samples from the start edge, so a receiver whose rate is off by e loses
 * e * 10.5 bits by the stop bit's middle, and reads wrongly once that passes half a bit. At 2300
 * against 2400 Bd (4.2 %): 10.5 * (1/2300 - 1/2400) s = 190 us < 208 us, half a 2400 bit: every
 * byte arrives both ways. At 2200 (8.3 %): 398 us, too much: the request is lost.
 */
static void test_baud_tolerance(void **state)
{
    (void)state;
    static const uint32_t rates[] = {2300, 2500, 2200, 2600};
    static const bool heard[] = {true, true, false, false};
    for (size_t i = 0; i < 4; i++) {
        mb_simbus_t *bus = new_bus(2400, 1);
        cap_t *mc = new_cap(bus);
        slave_t s;
        mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
        slave_attach(bus, &s, 5);
        assert_int_equal(mb_simbus_hal.set_baud(s.port, rates[i]), MB_OK);
        send_req_ud2(m, 5);
        assert_true(mb_simbus_run_idle(bus, 1000));
        assert_int_equal(s.frames, heard[i] ? 1 : 0);
        assert_int_equal(mc->n, heard[i] ? 1 : 0);
        if (heard[i]) {
            assert_int_equal(mc->b[0], 0xE5);
            assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 0);
        }
        free(mc);
        free(bus);
    }
}

/* ---- a full segment ------------------------------------------------------------------------ */

static void test_250_slaves(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    cap_t *mc = new_cap(bus);
    slave_t *s = calloc(250, sizeof *s);
    assert_non_null(s);
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, cap_rx, mc);
    for (unsigned i = 0; i < 250u; i++) {
        slave_attach(bus, &s[i], (uint8_t)(i + 1u));
    }

    /* everybody answers at once: one E5, 249 collisions */
    send_nke(m, MB_ADDR_BROADCAST_REPLY);
    assert_true(mb_simbus_run_idle(bus, 1000));
    assert_int_equal(mc->n, 1);
    assert_int_equal(mc->b[0], 0xE5);
    assert_int_equal(mb_simbus_stats(bus)->collisions, 249);
    assert_int_equal(mb_simbus_port_stats(m)->parity_errors, 0);

    /* one by one: each address gets exactly its own E5, 11 bits after the request */
    for (unsigned a = 1; a <= 250u; a++) {
        mc->n = 0;
        uint64_t t0 = mb_simbus_now_ticks(bus);
        send_nke(m, (uint8_t)a);
        assert_true(mb_simbus_run_idle(bus, mb_simbus_now(bus) + 100u));
        assert_int_equal(mc->n, 1);
        assert_int_equal(mc->b[0], 0xE5);
        assert_true(mc->t[0] - t0 == 7u * CHAR2400);
        assert_int_equal(mb_simbus_port_stats(s[a - 1u].port)->bytes_sent, 2);
    }
    for (unsigned i = 0; i < 250u; i++) {
        assert_int_equal(s[i].frames, 251);
    }
    assert_int_equal(mb_simbus_stats(bus)->collisions, 249);

    /* nine more ports fit, the 261st does not */
    for (unsigned i = 0; i < 9u; i++) {
        assert_non_null(mb_simbus_attach(bus, false, NULL, NULL));
    }
    assert_null(mb_simbus_attach(bus, false, NULL, NULL));
    free(s);
    free(mc);
    free(bus);
}

/* ---- the HAL and the clock ----------------------------------------------------------------- */

typedef struct reenter {
    mb_simbus_t *bus;
    uint32_t calls;
} reenter_t;

static void reenter_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    reenter_t *r = ctx;
    (void)p;
    (void)n;
    uint64_t before = mb_simbus_now_ticks(r->bus);
    mb_simbus_run_until(r->bus, now_ms + 1000u); /* ignored */
    assert_false(mb_simbus_run_idle(r->bus, now_ms + 1000u));
    assert_true(mb_simbus_now_ticks(r->bus) == before);
    r->calls++;
}

static void test_hal_and_clock(void **state)
{
    (void)state;
    mb_simbus_t *bus = new_bus(2400, 1);
    reenter_t re = {bus, 0};
    mb_simbus_port_t *m = mb_simbus_attach(bus, true, NULL, NULL);
    mb_simbus_port_t *sp = mb_simbus_attach(bus, false, reenter_rx, &re);

    assert_int_equal(mb_simbus_hal.write(NULL, (const uint8_t *)"x", 1), MB_ERR_ARG);
    assert_int_equal(mb_simbus_hal.write(m, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_simbus_hal.write(m, NULL, 0), 0);
    assert_int_equal(mb_simbus_hal.set_baud(m, 0), MB_ERR_ARG);
    assert_int_equal(mb_simbus_hal.set_baud(m, 1000000), MB_ERR_ARG);
    assert_int_equal(mb_simbus_hal.set_baud(NULL, 2400), MB_ERR_ARG);
    mb_simbus_hal.flush(sp);
    mb_simbus_hal.flush(NULL);
    assert_int_equal(mb_simbus_port_stats(sp)->flushes, 1);

    /* the ring takes MB_SIMBUS_TX_CAP characters; the rest is offered again later */
    uint8_t big[400];
    memset(big, 0x55, sizeof big);
    assert_int_equal(mb_simbus_hal.write(m, big, sizeof big), (int)MB_SIMBUS_TX_CAP);
    assert_int_equal(mb_simbus_port_stats(m)->bytes_refused, 400u - MB_SIMBUS_TX_CAP);
    mb_simbus_run_until(bus, 100); /* 21 characters have passed */
    int w = mb_simbus_hal.write(m, big, sizeof big);
    assert_true(w >= 20 && w <= 22);
    /* appended without a gap: the last character ends (320 + w) * 5,280,000 ticks after 0 */
    uint64_t last_end = (uint64_t)(MB_SIMBUS_TX_CAP + (unsigned)w) * CHAR2400;
    assert_false(mb_simbus_run_idle(bus, 1000)); /* not quiet yet by 1 s */
    assert_int_equal(mb_simbus_now(bus), 1000);
    assert_true(mb_simbus_run_idle(bus, 10000));
    assert_true(mb_simbus_now_ticks(bus) == (last_end + TPMS - 1u) / TPMS * TPMS);
    assert_int_equal(re.calls, MB_SIMBUS_TX_CAP + (unsigned)w);
    assert_int_equal(mb_simbus_port_stats(sp)->bytes_received, re.calls);
    assert_int_equal(mb_simbus_stats(bus)->deliveries, re.calls);
    assert_true(mb_simbus_stats(bus)->busy_ticks == last_end);

    /* the clock never goes back; run_idle on a quiet bus returns at once */
    uint64_t now = mb_simbus_now_ticks(bus);
    mb_simbus_run_until(bus, 5);
    assert_true(mb_simbus_now_ticks(bus) == now);
    assert_true(mb_simbus_run_idle(bus, 0));
    assert_true(mb_simbus_now_ticks(bus) == now);

    /* NULL arguments are ignored */
    mb_simbus_init(NULL, 2400, 1);
    assert_null(mb_simbus_attach(NULL, true, NULL, NULL));
    mb_simbus_run_until(NULL, 10);
    assert_false(mb_simbus_run_idle(NULL, 10));
    assert_int_equal(mb_simbus_now(NULL), 0);
    assert_null(mb_simbus_stats(NULL));
    assert_null(mb_simbus_port_stats(NULL));
    mb_simbus_set_latency(NULL, 1, 1);
    mb_simbus_set_faults(NULL, NULL);
    mb_simbus_set_faults(m, NULL);
    mb_simbus_set_drop_errors(NULL, true);
    mb_simbus_set_noise(NULL, 1, 1);

    /* an unknown bus rate falls back to 2400 */
    mb_simbus_init(bus, 7, 1);
    mb_simbus_port_t *p = mb_simbus_attach(bus, true, NULL, NULL);
    assert_int_equal(mb_simbus_port_baud(p), 2400);
    free(bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_frame_timing),
        cmocka_unit_test(test_sub_ms_timing),
        cmocka_unit_test(test_answer_default_latency),
        cmocka_unit_test(test_answer_max_latency),
        cmocka_unit_test(test_directions),
        cmocka_unit_test(test_two_e5_one_e5),
        cmocka_unit_test(test_different_frames_and),
        cmocka_unit_test(test_e5_one_bit_apart),
        cmocka_unit_test(test_e5_less_than_half_bit_apart),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_fault_drop),
        cmocka_unit_test(test_fault_flip),
        cmocka_unit_test(test_fault_mute),
        cmocka_unit_test(test_fault_delay),
        cmocka_unit_test(test_noise),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_baud_mismatch_bytes),
        cmocka_unit_test(test_baud_mismatch_frames),
        cmocka_unit_test(test_baud_tolerance),
        cmocka_unit_test(test_250_slaves),
        cmocka_unit_test(test_hal_and_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
