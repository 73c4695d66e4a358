/*
 * Fuzz harness for the wired stream receiver (link.h: mb_rx_*).
 *
 * Input: 4 parameter bytes, then the byte stream.
 *   [0] gap_ms (0 = no timeout)
 *   [1] flags: bit 0 poll, bit 1 reset, bit 2 time jumps above the gap, bit 3 change the gap,
 *       bits 4..6 log2 of the largest chunk
 *   [2..3] seed of the generator that picks chunk sizes, time steps and the calls above
 *
 * The stream goes through two receivers, each driven by the loop documented at mb_rx_feed():
 *   B: the whole stream in one mb_rx_feed() at one instant, so nothing can time out;
 *   A: chunk by chunk with advancing (wrapping) timestamps, mb_rx_poll(), rarely mb_rx_reset().
 * A small model of the receiver's public behaviour (timeouts, byte accounting) is kept alongside
 * and compared after every step. As long as A lost no bytes to a timeout or reset it must deliver
 * what B delivers; when the stream is nothing but valid frames, B must deliver exactly those.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/link.h"

#include "fuzz_check.h"

#define HDR_LEN    4u
#define STREAM_MAX 65536u /* keeps every counter far from its 2^32 wrap */

/* xorshift32: the plan is a pure function of the input, so every crash replays. */
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

/* One receiver and what the harness expects of it. */
struct run {
    mb_rx_t rx;
    const uint8_t *stream;
    size_t n;
    uint32_t gap;         /* the limit the receiver was last given */
    bool have_time;       /* a byte has been consumed, so last_ms is set */
    uint32_t last_ms;     /* arrival time of the last byte consumed */
    size_t consumed;      /* stream bytes taken by mb_rx_feed() */
    size_t frames;        /* frames delivered by mb_rx_frame() */
    size_t frame_bytes;   /* their bytes on the wire */
    size_t prev_end;      /* stream offset just after the last frame delivered */
    uint32_t timeouts;    /* partial frames the model says timed out */
    size_t timeout_bytes; /* bytes they held */
    size_t reset_bytes;   /* bytes mb_rx_reset() dropped */
    bool lossy;           /* a timeout or reset dropped bytes */
    uint32_t *starts;     /* if not NULL: stream offset of each frame delivered */
    const uint32_t *ref;  /* if not NULL: offsets a lossless run delivers */
    size_t ref_count;
};

static void run_init(struct run *r, const uint8_t *stream, size_t n, uint32_t gap)
{
    memset(r, 0, sizeof *r);
    mb_rx_init(&r->rx, gap);
    r->stream = stream;
    r->n = n;
    r->gap = gap;
}

static bool frames_equal(const mb_frame_t *x, const mb_frame_t *y)
{
    return x->type == y->type && x->c == y->c && x->a == y->a && x->ci == y->ci &&
           x->data_len == y->data_len &&
           (x->data_len == 0u || memcmp(x->data, y->data, x->data_len) == 0);
}

/* A frame came out of mb_rx_frame(): it must be valid and be the stream bytes it came from. */
static void deliver(struct run *r, const mb_frame_t *f)
{
    uint8_t enc[MB_FRAME_MAX_LEN];
    int len = mb_frame_encode(f, enc, sizeof enc);
    CHECK(len > 0);
    mb_frame_t back;
    CHECK(mb_frame_decode(enc, (size_t)len, &back) == MB_OK);
    CHECK(frames_equal(f, &back));

    /*
     * The receiver holds the most recent bytes: the frame, then mb_rx_pending() bytes after it.
     * So the frame sits just before them in the stream, after the previous frame.
     */
    size_t pend = mb_rx_pending(&r->rx);
    CHECK(r->consumed >= pend + (size_t)len);
    size_t start = r->consumed - pend - (size_t)len;
    CHECK(start >= r->prev_end);
    CHECK(memcmp(r->stream + start, enc, (size_t)len) == 0);
    if (r->ref != NULL && !r->lossy) {
        CHECK(r->frames < r->ref_count);
        CHECK(r->ref[r->frames] == start);
    }
    if (r->starts != NULL) {
        r->starts[r->frames] = (uint32_t)start;
    }
    r->frames++;
    r->frame_bytes += (size_t)len;
    r->prev_end = start + (size_t)len;
}

/* Counters against the model; called when no frame is held (after the mb_rx_frame() loop). */
static void check_counters(const struct run *r)
{
    const mb_rx_stats_t *st = mb_rx_stats(&r->rx);
    CHECK(st != NULL);
    size_t pend = mb_rx_pending(&r->rx);
    /* Every byte pushed is a delivered frame's, discarded, or still pending. */
    CHECK((size_t)st->bytes_discarded + r->frame_bytes + pend == r->consumed);
    CHECK(st->frames == r->frames);
    CHECK(st->timeouts == r->timeouts);
    /* noise and bad headers drop one byte each; a bad stop or checksum drops a whole candidate. */
    size_t singles = (size_t)st->noise + st->bad_header + r->timeout_bytes + r->reset_bytes;
    CHECK(st->bytes_discarded >= singles);
    size_t whole = st->bytes_discarded - singles;
    size_t bad = (size_t)st->bad_stop + st->bad_checksum;
    CHECK(whole >= bad * MB_FRAME_SHORT_LEN && whole <= bad * MB_FRAME_MAX_LEN);
    /* Held bytes are the start of a frame that has not all arrived yet. */
    CHECK(pend < MB_FRAME_MAX_LEN && pend <= r->consumed);
    if (pend > 0u) {
        mb_frame_t f;
        CHECK(mb_frame_decode_prefix(r->stream + r->consumed - pend, pend, &f) ==
              MB_ERR_FRAME_TRUNCATED);
    }
}

/* link.h: a partial frame is dropped once no byte arrived for more than gap_ms (0 = never). */
static bool expect_timeout(const struct run *r, uint32_t now)
{
    return r->gap != 0u && r->have_time && mb_rx_pending(&r->rx) > 0u &&
           (uint32_t)(now - r->last_ms) > r->gap;
}

static void note_timeout(struct run *r, size_t pend)
{
    r->timeouts++;
    r->timeout_bytes += pend;
    r->lossy = true;
}

/* Push len >= 1 bytes arriving at now with the documented loop. */
static void feed(struct run *r, const uint8_t *p, size_t len, uint32_t now)
{
    size_t off = 0;
    do {
        size_t pend = mb_rx_pending(&r->rx);
        bool times_out = expect_timeout(r, now);
        size_t got = mb_rx_feed(&r->rx, p + off, len - off, now);
        CHECK(got <= len - off);
        /* No frame is held between loops, so the receiver must take bytes. */
        CHECK(got > 0u);
        if (times_out) {
            note_timeout(r, pend);
        }
        r->have_time = true;
        r->last_ms = now;
        r->consumed += got;
        off += got;

        size_t taken = 0;
        mb_frame_t f;
        while (mb_rx_frame(&r->rx, &f)) {
            deliver(r, &f);
            taken++;
        }
        /* Stopping short is allowed only at the end of a frame. */
        CHECK(off == len || taken > 0u);
        check_counters(r);
    } while (off < len);
}

static void poll_at(struct run *r, uint32_t now)
{
    size_t pend = mb_rx_pending(&r->rx);
    bool times_out = expect_timeout(r, now);
    CHECK(mb_rx_poll(&r->rx, now) == times_out);
    if (times_out) {
        note_timeout(r, pend);
        CHECK(mb_rx_pending(&r->rx) == 0u);
    }
    mb_frame_t f;
    CHECK(!mb_rx_frame(&r->rx, &f)); /* time alone never completes a frame */
    check_counters(r);
}

static void reset(struct run *r)
{
    size_t pend = mb_rx_pending(&r->rx);
    mb_rx_reset(&r->rx);
    r->reset_bytes += pend;
    r->lossy = r->lossy || pend > 0u;
    CHECK(mb_rx_pending(&r->rx) == 0u);
    check_counters(r);
}

/* Receiver A: the stream in random chunks, time steps, polls, gap changes and resets. */
static void run_chunked(struct run *r, uint8_t flags, uint16_t seed, uint32_t t0)
{
    struct prng g = {((uint32_t)seed << 16) ^ ((uint32_t)flags << 8) ^ 0x9E3779B9u};
    uint32_t max_chunk = 1u << ((flags >> 4) & 7u);
    uint32_t now = t0;
    size_t pos = 0;

    while (pos < r->n) {
        size_t chunk = 1u + prng_next(&g) % max_chunk;
        if (prng_next(&g) % 16u == 0u) {
            chunk = r->n - pos; /* sometimes all the rest at once */
        }
        if (chunk > r->n - pos) {
            chunk = r->n - pos;
        }

        /* Usually within the gap, so frames survive; with bit 2 sometimes well beyond it. */
        uint32_t step = prng_next(&g) % (r->gap + 1u);
        if ((flags & 4u) != 0u && prng_next(&g) % 8u == 0u) {
            step = r->gap + 1u + prng_next(&g) % 5000u;
        }
        now += step;

        if ((flags & 1u) != 0u && prng_next(&g) % 4u == 0u) {
            /* A poll may come late too, but never after the next byte. */
            now += prng_next(&g) % (r->gap + 2u);
            poll_at(r, now);
        }
        if ((flags & 8u) != 0u && prng_next(&g) % 16u == 0u) {
            r->gap = prng_next(&g) % 256u;
            mb_rx_set_gap(&r->rx, r->gap);
            check_counters(r); /* keeps buffered bytes and counters */
        }

        if (prng_next(&g) % 64u == 0u) {
            /* No bytes, no arrival: nothing may change, not even the time of the last byte. */
            size_t pend = mb_rx_pending(&r->rx);
            mb_frame_t f;
            CHECK(mb_rx_feed(&r->rx, r->stream + pos, 0, now + r->gap + 1u) == 0u);
            CHECK(mb_rx_pending(&r->rx) == pend && !mb_rx_frame(&r->rx, &f));
            check_counters(r);
        }

        feed(r, r->stream + pos, chunk, now);
        pos += chunk;

        if ((flags & 2u) != 0u && prng_next(&g) % 32u == 0u) {
            reset(r);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR_LEN) {
        return 0;
    }
    uint32_t gap = data[0];
    uint8_t flags = data[1];
    uint16_t seed = (uint16_t)(data[2] | (data[3] << 8));
    const uint8_t *stream = data + HDR_LEN;
    size_t n = size - HDR_LEN;
    if (n > STREAM_MAX) {
        n = STREAM_MAX;
    }
    /* Half the seeds start just below 2^32, so the clock wraps during the stream. */
    uint32_t t0 = (seed & 1u) != 0u ? 0u - (uint32_t)(seed >> 1) % 4096u : (uint32_t)seed;

    uint32_t *mem = malloc(2u * (n + 1u) * sizeof *mem);
    CHECK(mem != NULL);
    uint32_t *expected = mem;          /* frame offsets if the stream is only valid frames */
    uint32_t *starts_b = mem + n + 1u; /* frame offsets receiver B delivered */

    /* A NULL receiver is ignored (link.h, mb_rx_init). */
    mb_frame_t nf;
    CHECK(mb_rx_feed(NULL, stream, n, 0) == 0u && !mb_rx_frame(NULL, &nf));
    CHECK(!mb_rx_poll(NULL, 0) && mb_rx_pending(NULL) == 0u && mb_rx_stats(NULL) == NULL);
    mb_rx_init(NULL, gap);
    mb_rx_set_gap(NULL, gap);
    mb_rx_reset(NULL);

    /* Is the stream nothing but valid frames back to back? */
    size_t expected_count = 0;
    bool all_frames = true;
    for (size_t pos = 0; pos < n;) {
        mb_frame_t f;
        int len = mb_frame_decode_prefix(stream + pos, n - pos, &f);
        if (len <= 0) {
            all_frames = false;
            break;
        }
        expected[expected_count++] = (uint32_t)pos;
        pos += (size_t)len;
    }

    /* B: one call, one instant: nothing times out, so nothing valid may be lost. */
    struct run b;
    run_init(&b, stream, n, gap);
    b.starts = starts_b;
    if (all_frames) {
        b.ref = expected;
        b.ref_count = expected_count;
    }
    if (n > 0u) {
        feed(&b, stream, n, t0);
    }
    CHECK(mb_rx_stats(&b.rx)->timeouts == 0u);
    if (all_frames) {
        CHECK(b.frames == expected_count);
        CHECK(mb_rx_pending(&b.rx) == 0u);
        CHECK(mb_rx_stats(&b.rx)->bytes_discarded == 0u);
    }

    /* A: chunked and timed; while it loses nothing it must match B frame for frame. */
    struct run a;
    run_init(&a, stream, n, gap);
    a.ref = starts_b;
    a.ref_count = b.frames;
    run_chunked(&a, flags, seed, t0);
    if (!a.lossy) {
        const mb_rx_stats_t *sa = mb_rx_stats(&a.rx);
        const mb_rx_stats_t *sb = mb_rx_stats(&b.rx);
        CHECK(a.frames == b.frames);
        CHECK(mb_rx_pending(&a.rx) == mb_rx_pending(&b.rx));
        CHECK(sa->frames == sb->frames && sa->bytes_discarded == sb->bytes_discarded);
        CHECK(sa->noise == sb->noise && sa->bad_header == sb->bad_header);
        CHECK(sa->bad_stop == sb->bad_stop && sa->bad_checksum == sb->bad_checksum);
        CHECK(sa->timeouts == 0u);
    }

    /* Finally let the line go quiet: a leftover partial frame must time out (if gap_ms > 0). */
    if (a.have_time) {
        size_t pend = mb_rx_pending(&a.rx);
        poll_at(&a, a.last_ms + a.gap + 1u);
        CHECK(mb_rx_pending(&a.rx) == (a.gap != 0u ? 0u : pend));
    }

    free(mem);
    return 0;
}
