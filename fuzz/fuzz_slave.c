/*
 * Fuzz harness for the wired slave (slave.h: mb_slave_*).
 *
 * Input: 4 parameter bytes, then the byte stream from the line.
 *   [0] the slave's primary address (above 250 the slave takes 0)
 *   [1] flags: bit 0 the slave has fabrication number 11223344,
 *              bit 1 a slow HAL (write takes a random part, often nothing),
 *              bit 2 an answer delay of 11 bit times (replies go out from mb_slave_poll()),
 *              bit 3 the application sometimes refuses (negative returns),
 *              bit 4 the HAL sometimes fails (with bit 1),
 *              bits 5..7 log2 of the largest chunk fed at once
 *   [2..3] seed of the generator that picks chunks, time steps, polls, HAL and application moves
 *
 * The slave has secondary address 12345678 / ELS (0x1593) / version 0x33 / gas, so that the
 * published reference selection frames match it. The stream is fed with advancing (wrapping)
 * timestamps and random mb_slave_poll() calls. Checked after every call:
 *  - mb_slave_feed() consumes everything; the address stays 0..250; events carry legal values;
 *  - every reply written is a valid frame a slave may send: E5, A2, or an RSP_UD (C 08/18/28/38,
 *    control or long frame that mb_frame_decode() accepts) carrying one of the slave's addresses;
 *  - replies are only queued for complete valid requests: for each new reply (stats.replies) there
 *    is a distinct valid frame from a master, addressed to 253, 254 or one of the slave's
 *    addresses (never 255), that ended among the bytes of the same mb_slave_feed() call; poll
 *    never queues a reply;
 *  - bytes are only written while a reply is under way; a reply dropped unfinished (aborted, late,
 *    HAL error) is a proper prefix of a valid reply;
 *  - hal->set_baud() is only called with a legal rate, right after an E5 or for a baud switch
 *    sent to 255.
 * With a slow HAL or an answer delay the stream goes in one byte per call (a byte completes at
 * most one request, so each call queues at most one reply and the bytes written can be attributed
 * to it); otherwise in random chunks, and every reply must then be written completely at once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/link.h"
#include "meterbus/slave.h"

#include "fuzz_check.h"

#if MB_ENABLE_SLAVE

#define HDR_LEN    4u
#define STREAM_MAX 65536u
#define CHUNK_MAX  128u
#define W_CAP      (64u * MB_FRAME_MAX_LEN) /* bytes one call may write: a few dozen replies */
#define ADDR_SET   16u                      /* addresses the slave may hold during one call */

struct prng {
    uint32_t s;
};

static uint32_t prng_next(struct prng *p)
{
    uint32_t x = p->s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p->s = x;
    return x;
}

struct harness {
    mb_slave_t slave;
    struct prng g;
    uint8_t flags;
    const uint8_t *stream;
    size_t fed; /* stream bytes fed so far */

    /* What the HAL saw during the current call. */
    uint8_t w[W_CAP];
    size_t w_len;
    uint8_t last_written; /* last byte ever written */
    bool baud_called;
    bool baud_after_e5;

    /* The reply under way (byte mode). */
    uint8_t cur[MB_FRAME_MAX_LEN];
    size_t cur_len;
    bool cur_open;

    /* The slave's addresses during the current call. */
    uint8_t addrs[ADDR_SET];
    size_t addr_count;
};

/* ---- HAL and application ------------------------------------------------------------------ */

static int h_write(void *ctx, const uint8_t *p, size_t len)
{
    struct harness *h = ctx;
    CHECK(p != NULL && len > 0u && len <= MB_FRAME_MAX_LEN);
    size_t take = len;
    if ((h->flags & 2u) != 0u) {
        if ((h->flags & 16u) != 0u && prng_next(&h->g) % 64u == 0u) {
            return -1;
        }
        if (prng_next(&h->g) % 2u == 0u) {
            take = prng_next(&h->g) % (len + 1u);
        }
    }
    CHECK(h->w_len + take <= W_CAP);
    memcpy(h->w + h->w_len, p, take);
    h->w_len += take;
    if (take > 0u) {
        h->last_written = p[take - 1u];
    }
    return (int)take;
}

static int h_set_baud(void *ctx, uint32_t baud)
{
    struct harness *h = ctx;
    CHECK(mb_baud_to_ci(baud) != 0u);
    h->baud_called = true;
    /* Right after an E5 left (the reply is complete: nothing of it is pending). */
    h->baud_after_e5 = h->baud_after_e5 ||
                       (h->last_written == MB_BYTE_ACK && mb_slave_tx_pending(&h->slave) == 0u);
    return 0;
}

static const mb_hal_t fuzz_hal = {h_write, h_set_baud, NULL};

static int a_respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                     bool *more)
{
    struct harness *h = ctx;
    CHECK(req_class == 1u || req_class == 2u);
    CHECK(cap == MB_SLAVE_RESPONSE_MAX && !*more);
    uint32_t r = prng_next(&h->g);
    if ((h->flags & 8u) != 0u && r % 16u == 0u) {
        return -1 - (int)(r % 3u);
    }
    if (r % 16u == 1u) {
        return 0; /* nothing: E5 */
    }
    size_t n = (r >> 8) % 4u == 0u ? cap : 1u + (r >> 12) % 40u;
    out[0] = 0x72;
    for (size_t i = 1; i < n; i++) {
        out[i] = (uint8_t)(i + telegram);
    }
    *more = ((r >> 20) & 1u) != 0u;
    return (int)n;
}

static int a_receive(void *ctx, uint8_t ci, const uint8_t *data, size_t len)
{
    struct harness *h = ctx;
    (void)ci;
    CHECK(len <= MB_FRAME_DATA_MAX && (len == 0u || data != NULL));
    if ((h->flags & 8u) != 0u && prng_next(&h->g) % 8u == 0u) {
        return -1;
    }
    return 0;
}

static void note_address(struct harness *h, uint8_t a)
{
    for (size_t i = 0; i < h->addr_count; i++) {
        if (h->addrs[i] == a) {
            return;
        }
    }
    CHECK(h->addr_count < ADDR_SET);
    h->addrs[h->addr_count++] = a;
}

static void a_event(void *ctx, int event, int32_t value)
{
    struct harness *h = ctx;
    switch (event) {
    case MB_SLAVE_EV_ADDRESS:
        CHECK(value >= 0 && value <= (int32_t)MB_ADDR_PRIMARY_MAX);
        CHECK(mb_slave_address(&h->slave) == (uint8_t)value);
        note_address(h, (uint8_t)value);
        break;
    case MB_SLAVE_EV_BAUD: CHECK(mb_baud_to_ci((uint32_t)value) != 0u); break;
    case MB_SLAVE_EV_APP_RESET: CHECK(value >= -1 && value <= 255); break;
    case MB_SLAVE_EV_SELECTED: CHECK(value == 1 && mb_slave_selected(&h->slave)); break;
    case MB_SLAVE_EV_DESELECTED: CHECK(value == 0 && !mb_slave_selected(&h->slave)); break;
    case MB_SLAVE_EV_LINK_RESET: CHECK(value == 254 || value == 255 || value <= 250); break;
    default: CHECK(false);
    }
}

static const mb_slave_app_t fuzz_app = {a_respond, a_receive, a_event};

/* ---- checks ------------------------------------------------------------------------------- */

static bool holds_address(const struct harness *h, uint8_t a)
{
    for (size_t i = 0; i < h->addr_count; i++) {
        if (h->addrs[i] == a) {
            return true;
        }
    }
    return false;
}

/* A frame a slave may send, with one of its addresses. */
static bool valid_reply(const struct harness *h, const mb_frame_t *f)
{
    switch (f->type) {
    case MB_FRAME_ACK:
    case MB_FRAME_NACK: return true;
    case MB_FRAME_CONTROL:
    case MB_FRAME_LONG: return (f->c & 0xCFu) == MB_C_RSP_UD && holds_address(h, f->a);
    default: return false;
    }
}

/* @p p[0..len) is a whole reply (exactly one frame). */
static void check_whole_reply(const struct harness *h, const uint8_t *p, size_t len)
{
    mb_frame_t f;
    CHECK(mb_frame_decode(p, len, &f) == MB_OK);
    CHECK(valid_reply(h, &f));
}

/* @p p[0..len) is the beginning of a reply that was dropped: empty or a proper prefix. */
static void check_prefix(const uint8_t *p, size_t len)
{
    if (len == 0u) {
        return;
    }
    mb_frame_t f;
    CHECK(mb_frame_decode_prefix(p, len, &f) == MB_ERR_FRAME_TRUNCATED);
    CHECK(p[0] == MB_BYTE_LONG_START);
}

/* A request from a master that this slave may answer. */
static bool answerable(const struct harness *h, const mb_frame_t *f)
{
    if (f->type != MB_FRAME_SHORT && f->type != MB_FRAME_CONTROL && f->type != MB_FRAME_LONG) {
        return false;
    }
    if (!mb_c_is_prm(f->c) || f->a == MB_ADDR_BROADCAST) {
        return false;
    }
    return f->a == MB_ADDR_NETWORK || f->a == MB_ADDR_BROADCAST_REPLY || holds_address(h, f->a);
}

/*
 * Valid frames ending in stream[from, to) that satisfy @p pred (answerable, or a baud switch to
 * 255), counted by distinct start offset. Every frame the receiver hands out is one of them.
 */
static size_t frames_ending_in(const struct harness *h, size_t from, size_t to, bool baud255)
{
    size_t count = 0;
    size_t lo = from > MB_FRAME_MAX_LEN ? from - MB_FRAME_MAX_LEN : 0u;
    for (size_t o = lo; o < to; o++) {
        mb_frame_t f;
        int n = mb_frame_decode_prefix(h->stream + o, to - o, &f);
        if (n <= 0 || o + (size_t)n <= from) {
            continue;
        }
        bool ok = baud255 ? (f.type == MB_FRAME_CONTROL && f.a == MB_ADDR_BROADCAST &&
                             mb_c_is_prm(f.c) && mb_ci_to_baud(f.ci) != 0u)
                          : answerable(h, &f);
        count += ok ? 1u : 0u;
    }
    return count;
}

static bool byte_mode(const struct harness *h) { return (h->flags & 6u) != 0u; }

/* Before a call: forget what the HAL saw, note the slave's address. */
static void before(struct harness *h)
{
    h->w_len = 0;
    h->baud_called = false;
    h->baud_after_e5 = false;
    h->addr_count = 0;
    note_address(h, mb_slave_address(&h->slave));
}

/* After a call that fed stream[from, to) (from == to for a poll). */
static void after(struct harness *h, const mb_slave_stats_t *st0, size_t from, size_t to)
{
    const mb_slave_stats_t *st = mb_slave_stats(&h->slave);
    uint32_t new_replies = st->replies - st0->replies;
    size_t pending = mb_slave_tx_pending(&h->slave);
    CHECK(mb_slave_address(&h->slave) <= MB_ADDR_PRIMARY_MAX);
    CHECK(pending <= MB_FRAME_MAX_LEN);
    CHECK(st->replies >= st0->replies && st->requests - st0->requests >= new_replies);

    if (new_replies > 0u) {
        CHECK(to > from); /* poll never queues a reply */
        CHECK(frames_ending_in(h, from, to, false) >= new_replies);
    }
    if (h->baud_called) {
        CHECK(h->baud_after_e5 || frames_ending_in(h, from, to, true) > 0u);
    }

    if (!byte_mode(h)) {
        /* Every reply is written at once, whole, back to back. */
        CHECK(st->aborted == st0->aborted && st->late == st0->late);
        CHECK(st->hal_errors == st0->hal_errors && pending == 0u);
        size_t off = 0;
        uint32_t frames = 0;
        while (off < h->w_len) {
            mb_frame_t f;
            int n = mb_frame_decode_prefix(h->w + off, h->w_len - off, &f);
            CHECK(n > 0);
            CHECK(valid_reply(h, &f));
            off += (size_t)n;
            frames++;
        }
        CHECK(frames == new_replies);
        return;
    }

    /*
     * Byte mode: at most one new reply per call. An abort drops the reply under way (for the new
     * one, or for a request that gets none); lateness and HAL errors drop the one being written.
     */
    bool aborted = st->aborted != st0->aborted;
    bool lost = st->late != st0->late || st->hal_errors != st0->hal_errors;
    CHECK(new_replies <= 1u);
    if (aborted) {
        CHECK(h->cur_open); /* only a reply under way can be aborted */
        check_prefix(h->cur, h->cur_len);
        h->cur_open = false;
    }
    if (new_replies == 1u) {
        CHECK(!h->cur_open); /* a new reply is only queued once the old one is done or dropped */
        h->cur_open = true;
        h->cur_len = 0;
    }
    if (h->w_len > 0u) {
        CHECK(h->cur_open); /* bytes are only written while a reply is under way */
        CHECK(h->cur_len + h->w_len <= MB_FRAME_MAX_LEN);
        memcpy(h->cur + h->cur_len, h->w, h->w_len);
        h->cur_len += h->w_len;
    }
    if (!h->cur_open) {
        CHECK(!lost && pending == 0u);
        return;
    }
    if (lost) {
        CHECK(pending == 0u);
        check_prefix(h->cur, h->cur_len);
        h->cur_open = false;
    } else if (pending == 0u) {
        check_whole_reply(h, h->cur, h->cur_len);
        h->cur_open = false;
    } else {
        check_prefix(h->cur, h->cur_len); /* still under way */
    }
}

/* ---- driver ------------------------------------------------------------------------------- */

static void do_feed(struct harness *h, size_t len, uint32_t now)
{
    mb_slave_stats_t st0 = *mb_slave_stats(&h->slave);
    before(h);
    size_t from = h->fed;
    CHECK(mb_slave_feed(&h->slave, h->stream + from, len, now) == len);
    h->fed += len;
    after(h, &st0, from, h->fed);
}

static void do_poll(struct harness *h, uint32_t now)
{
    mb_slave_stats_t st0 = *mb_slave_stats(&h->slave);
    before(h);
    mb_slave_poll(&h->slave, now);
    after(h, &st0, h->fed, h->fed);
}

static struct harness h_mem;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR_LEN) {
        return 0;
    }
    struct harness *h = &h_mem;
    memset(h, 0, sizeof *h);
    h->flags = data[1];
    uint16_t seed = (uint16_t)(data[2] | (data[3] << 8));
    h->g.s = ((uint32_t)seed << 16) ^ ((uint32_t)h->flags << 8) ^ data[0] ^ 0x9E3779B9u;
    h->stream = data + HDR_LEN;
    size_t n = size - HDR_LEN;
    if (n > STREAM_MAX) {
        n = STREAM_MAX;
    }

    mb_slave_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.address = data[0];
    cfg.secondary.id = 0x12345678u;
    cfg.secondary.manufacturer = 0x1593u;
    cfg.secondary.version = 0x33u;
    cfg.secondary.medium = 0x03u;
    cfg.has_fabrication = (h->flags & 1u) != 0u;
    cfg.fabrication = 0x11223344u;
    cfg.baud = 2400;
    cfg.gap_ms = 50;
    cfg.answer_delay_bits = (h->flags & 4u) != 0u ? 11u : 0u;
    mb_slave_init(&h->slave, &fuzz_hal, h, &fuzz_app, h, &cfg);
    CHECK(mb_slave_address(&h->slave) == (data[0] <= 250u ? data[0] : 0u));

    /* Half the seeds start just below 2^32, so the clock wraps during the stream. */
    uint32_t now = (seed & 1u) != 0u ? 0u - (uint32_t)(seed >> 1) % 4096u : (uint32_t)seed;
    size_t max_chunk = (size_t)1u << ((h->flags >> 5) & 7u);
    if (max_chunk > CHUNK_MAX) {
        max_chunk = CHUNK_MAX;
    }
    while (h->fed < n) {
        size_t chunk = byte_mode(h) ? 1u : 1u + prng_next(&h->g) % max_chunk;
        if (chunk > n - h->fed) {
            chunk = n - h->fed;
        }
        /* Mostly within the gap; sometimes long enough for a partial frame to time out. */
        now += prng_next(&h->g) % 8u == 0u ? 40u + prng_next(&h->g) % 300u : prng_next(&h->g) % 4u;
        do_feed(h, chunk, now);
        if (prng_next(&h->g) % 4u == 0u) {
            now += prng_next(&h->g) % 10u;
            do_poll(h, now);
        }
    }
    /* Let the line go quiet: whatever is under way is written (or dropped as late). */
    for (unsigned i = 0; i < 64u && mb_slave_tx_pending(&h->slave) > 0u; i++) {
        now += 3u;
        do_poll(h, now);
    }
    return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
