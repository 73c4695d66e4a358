/* Wired M-Bus master: one transaction at a time, driven by received bytes and the time. */
#include "meterbus/master.h"

#include "internal.h"

#if MB_ENABLE_MASTER

enum { ST_IDLE, ST_SEND, ST_WAIT, ST_SETTLE, ST_DONE };
enum { EXPECT_NONE, EXPECT_ACK, EXPECT_RSP, EXPECT_RSP_OR_ACK };
/* What a successful request changes in the master itself. */
enum { AFTER_NOTHING, AFTER_NEW_ADDRESS, AFTER_NEW_BAUD };

#define DEFAULT_BAUD 2400u

/* a - b >= 0 on a clock that wraps at 2^32 */
static bool reached(uint32_t now, uint32_t t) { return (int32_t)(now - t) >= 0; }

static uint32_t baud_of(const mb_master_t *m)
{
    return m->cfg.baud == 0u ? DEFAULT_BAUD : m->cfg.baud;
}

/* 330 bit times + 50 ms (EN 13757-2), rounded up, plus the configured extra. */
static uint32_t answer_window_ms(uint32_t baud, uint32_t extra_ms)
{
    return (330u * 1000u + baud - 1u) / baud + 50u + extra_ms;
}

uint32_t mb_master_timeout_ms(uint32_t baud, size_t request_bytes, uint32_t extra_ms)
{
    if (baud == 0u) {
        baud = DEFAULT_BAUD;
    }
    return mb_wire_time_ms(baud, (uint32_t)request_bytes) + answer_window_ms(baud, extra_ms) +
           mb_wire_time_ms(baud, MB_FRAME_MAX_LEN);
}

static bool fcb_get(const mb_master_t *m, uint8_t addr)
{
    return (((unsigned)m->fcb[addr / 8u] >> (addr % 8u)) & 1u) != 0u;
}

static void fcb_set(mb_master_t *m, uint8_t addr, bool v)
{
    uint8_t bit = (uint8_t)(1u << (addr % 8u));
    m->fcb[addr / 8u] = (uint8_t)(v ? m->fcb[addr / 8u] | bit : m->fcb[addr / 8u] & ~bit);
}

void mb_master_init(mb_master_t *m, const mb_hal_t *hal, void *hal_ctx,
                    const mb_master_config_t *cfg)
{
    if (m == NULL) {
        return;
    }
    static const mb_master_t empty = {0};
    *m = empty;
    m->hal = hal;
    m->hal_ctx = hal_ctx;
    if (cfg != NULL) {
        m->cfg = *cfg;
    }
    /* Before any SND_NKE the first FCV=1 request uses FCB 1, as after one. */
    for (size_t i = 0; i < sizeof m->fcb; i++) {
        m->fcb[i] = 0xFFu;
    }
    mb_rx_init(&m->rx, 0);
}

int mb_master_set_line_baud(mb_master_t *m, uint32_t baud)
{
    if (m == NULL || baud == 0u || m->state == ST_SEND || m->state == ST_WAIT ||
        m->state == ST_SETTLE) {
        return MB_ERR_ARG;
    }
    if (m->hal != NULL && m->hal->set_baud != NULL) {
        int err = m->hal->set_baud(m->hal_ctx, baud);
        if (err < 0) {
            return MB_ERR_MASTER_LINE;
        }
    }
    m->cfg.baud = baud;
    return MB_OK;
}

static void finish(mb_master_t *m, int result)
{
    m->state = ST_DONE;
    m->result = result;
    if (result == MB_OK && m->fcv) {
        fcb_set(m, m->addr, !fcb_get(m, m->addr));
    }
    if (result != MB_OK) {
        return;
    }
    if (m->after == AFTER_NEW_ADDRESS && m->addr < 251u) {
        /* The slave keeps its FCB under its new address. */
        fcb_set(m, (uint8_t)m->after_arg, fcb_get(m, m->addr));
    } else if (m->after == AFTER_NEW_BAUD) {
        /* The slave has acknowledged at the old rate and now listens at the new one. */
        m->state = ST_IDLE;
        int err = mb_master_set_line_baud(m, m->after_arg);
        m->state = ST_DONE;
        m->result = err;
    }
}

/* Hand the rest of the request to the HAL; once all of it is out, the answer window starts. */
static void try_write(mb_master_t *m, uint32_t now_ms)
{
    while (m->req_sent < m->req_len) {
        int n = m->hal->write(m->hal_ctx, m->req + m->req_sent, (size_t)(m->req_len - m->req_sent));
        if (n < 0) {
            finish(m, MB_ERR_MASTER_LINE);
            return;
        }
        if (n == 0) {
            return;
        }
        size_t left = (size_t)(m->req_len - m->req_sent);
        size_t took = (size_t)n > left ? left : (size_t)n; /* a HAL claiming more than offered */
        m->req_sent = (uint16_t)(m->req_sent + took);
    }
    m->sent_ms = now_ms;
    if (m->expect == EXPECT_NONE) {
        finish(m, MB_OK);
        return;
    }
    m->state = ST_WAIT;
}

static void begin_attempt(mb_master_t *m, uint32_t now_ms)
{
    uint32_t baud = baud_of(m);
    mb_rx_init(&m->rx, 0);
    m->echo_pos = 0;
    m->echo_active = true;
    m->got_reply = false;
    m->reply_len = 0;
    m->req_sent = 0;
    m->window_ms = mb_wire_time_ms(baud, m->req_len) + answer_window_ms(baud, m->cfg.extra_ms);
    m->stats.requests++;
    if (m->attempts > 0u) {
        m->stats.retries++;
    }
    m->attempts++;
    if (m->hal->flush != NULL) {
        m->hal->flush(m->hal_ctx);
    }
    m->state = ST_SEND;
    try_write(m, now_ms);
}

/*
 * Begin a transaction with the @p len bytes encoded in m->req (a negative @p len is the encoder's
 * error); @p after says what a success changes in the master itself.
 */
static int start_then(mb_master_t *m, int len, uint8_t addr, uint8_t expect, bool fcv,
                      uint8_t after, uint32_t after_arg, uint32_t now_ms)
{
    if (len < 0) {
        return len;
    }
    m->req_len = (uint16_t)len;
    m->addr = addr;
    m->expect = addr == 255u ? (uint8_t)EXPECT_NONE : expect;
    m->fcv = fcv;
    m->listen_to_end = (addr == 253u || addr == 254u) && expect == EXPECT_ACK;
    m->attempts = 0;
    m->result = MB_OK;
    m->after = after;
    m->after_arg = after_arg;
    begin_attempt(m, now_ms);
    return m->state == ST_DONE && m->result < 0 ? m->result : MB_OK;
}

static int start(mb_master_t *m, int len, uint8_t addr, uint8_t expect, bool fcv, uint32_t now_ms)
{
    return start_then(m, len, addr, expect, fcv, AFTER_NOTHING, 0u, now_ms);
}

static int check_start(const mb_master_t *m, uint8_t addr)
{
    if (m == NULL || m->hal == NULL || m->hal->write == NULL || addr == 251u || addr == 252u) {
        return MB_ERR_ARG;
    }
    return mb_master_busy(m) ? MB_ERR_MASTER_BUSY : MB_OK;
}

int mb_master_snd_nke(mb_master_t *m, uint8_t addr, uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    /* The slaves forget their FCB: the next FCV=1 request starts with FCB 1 again. */
    if (addr >= 254u) {
        for (size_t i = 0; i < sizeof m->fcb; i++) {
            m->fcb[i] = 0xFFu;
        }
    } else {
        fcb_set(m, addr, true);
    }
    /* SND_NKE to 253 deselects the selected slave, which does not answer it. */
    return start(m, mb_encode_snd_nke(m->req, sizeof m->req, addr), addr,
                 addr == 253u ? (uint8_t)EXPECT_NONE : (uint8_t)EXPECT_ACK, false, now_ms);
}

int mb_master_req_ud2(mb_master_t *m, uint8_t addr, uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    return start(m, mb_encode_req_ud2(m->req, sizeof m->req, addr, fcb_get(m, addr)), addr,
                 EXPECT_RSP, true, now_ms);
}

int mb_master_req_ud1(mb_master_t *m, uint8_t addr, uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    return start(m, mb_encode_req_ud1(m->req, sizeof m->req, addr, fcb_get(m, addr)), addr,
                 EXPECT_RSP_OR_ACK, true, now_ms);
}

int mb_master_snd_ud(mb_master_t *m, uint8_t addr, uint8_t ci, const uint8_t *data, size_t len,
                     uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    if (data == NULL && len != 0u) {
        return MB_ERR_ARG;
    }
    return start(m, mb_encode_snd_ud(m->req, sizeof m->req, addr, fcb_get(m, addr), ci, data, len),
                 addr, EXPECT_ACK, true, now_ms);
}

int mb_master_select(mb_master_t *m, const mb_secondary_t *mask, const uint32_t *fabrication,
                     uint32_t now_ms)
{
    int err = check_start(m, 253u);
    if (err != MB_OK) {
        return err;
    }
    if (mask == NULL) {
        return MB_ERR_ARG;
    }
    uint8_t data[MB_SECONDARY_LEN + 6u];
    size_t n = MB_SECONDARY_LEN;
    mb_secondary_pack(mask, data);
    if (fabrication != NULL) { /* DIF 0C (8 BCD digits), VIF 78 (fabrication number) */
        data[n++] = 0x0Cu;
        data[n++] = 0x78u;
        for (unsigned i = 0; i < 4u; i++) {
            data[n++] = (uint8_t)(*fabrication >> (8u * i));
        }
    }
    return mb_master_snd_ud(m, 253u, 0x52u, data, n, now_ms);
}

int mb_master_set_address(mb_master_t *m, uint8_t addr, uint8_t new_address, uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    if (addr >= 254u || new_address > 250u) {
        return MB_ERR_ARG; /* every slave at once would end up on one address */
    }
    int len = mb_encode_set_address(m->req, sizeof m->req, addr, fcb_get(m, addr), new_address);
    return start_then(m, len, addr, EXPECT_ACK, true, AFTER_NEW_ADDRESS, new_address, now_ms);
}

int mb_master_switch_baud(mb_master_t *m, uint8_t addr, uint32_t baud, uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    int len = mb_encode_set_baud(m->req, sizeof m->req, addr, fcb_get(m, addr), baud);
    return start_then(m, len, addr, EXPECT_ACK, true, AFTER_NEW_BAUD, baud, now_ms);
}

int mb_master_app_reset(mb_master_t *m, uint8_t addr, int subcode, uint32_t now_ms)
{
    int err = check_start(m, addr);
    if (err != MB_OK) {
        return err;
    }
    int len = mb_encode_app_reset(m->req, sizeof m->req, addr, fcb_get(m, addr), subcode);
    return start_then(m, len, addr, EXPECT_ACK, true, AFTER_NOTHING, 0u, now_ms);
}

/* Is @p f the answer the request waits for? */
static int judge(const mb_master_t *m, const mb_frame_t *f)
{
    bool ack = f->type == MB_FRAME_ACK;
    bool rsp = (f->type == MB_FRAME_LONG || f->type == MB_FRAME_CONTROL) &&
               mb_c_function(f->c) == 8u && !mb_c_is_prm(f->c);
    switch (m->expect) {
    case EXPECT_ACK: return ack ? MB_OK : MB_ERR_MASTER_UNEXPECTED;
    case EXPECT_RSP_OR_ACK:
        if (ack) {
            return MB_OK;
        }
        break;
    default: break;
    }
    if (!rsp) {
        return MB_ERR_MASTER_UNEXPECTED;
    }
    /* A slave addressed through 253 may answer with its own address or with 253. */
    if (m->addr < 253u && f->a != m->addr) {
        return MB_ERR_MASTER_UNEXPECTED;
    }
    return MB_OK;
}

/* The answer window is over (or a collision seen): retry, or end with @p err. */
static void attempt_failed(mb_master_t *m, int err, uint32_t now_ms)
{
    if (err == MB_ERR_MASTER_TIMEOUT) {
        m->stats.timeouts++;
    } else if (err == MB_ERR_MASTER_COLLISION) {
        m->stats.collisions++;
    }
    if (m->attempts <= m->cfg.retries) {
        begin_attempt(m, now_ms);
    } else {
        finish(m, err);
    }
}

static void take_frames(mb_master_t *m, uint32_t now_ms)
{
    mb_frame_t f;
    while (mb_rx_frame(&m->rx, &f)) {
        if (m->state != ST_WAIT || m->got_reply) {
            m->state = ST_WAIT; /* a second frame: several slaves, or noise that looked like one */
            attempt_failed(m, MB_ERR_MASTER_COLLISION, now_ms);
            return;
        }
        int verdict = judge(m, &f);
        if (verdict != MB_OK) {
            finish(m, verdict);
            return;
        }
        int n = mb_frame_encode(&f, m->reply, sizeof m->reply); /* out of the receiver's buffer */
        m->reply_len = (uint16_t)(n > 0 ? n : 0);
        m->got_reply = true;
        /* Listen a little longer: bytes right after the reply mean a second sender. */
        m->state = ST_SETTLE;
        m->sent_ms = m->listen_to_end ? m->sent_ms : now_ms;
    }
}

static void feed_rx(mb_master_t *m, const uint8_t *p, size_t len, uint32_t now_ms)
{
    size_t i = 0;
    while (i < len && mb_master_busy(m)) {
        if (m->state == ST_SETTLE) { /* anything after the reply: a second sender */
            m->state = ST_WAIT;
            attempt_failed(m, MB_ERR_MASTER_COLLISION, now_ms);
            return;
        }
        i += mb_rx_feed(&m->rx, p + i, len - i, now_ms);
        take_frames(m, now_ms);
    }
}

/*
 * Bytes from the line. Level converters that echo the master's own bytes put the request first:
 * as long as the bytes received match the request they are held back as a possible echo; the
 * whole request is skipped, a mismatch gives the held bytes to the receiver after all.
 */
static void receive(mb_master_t *m, const uint8_t *p, size_t len, uint32_t now_ms)
{
    size_t i = 0;
    while (i < len && m->echo_active) {
        if (p[i] != m->req[m->echo_pos]) {
            uint16_t held = m->echo_pos;
            m->echo_active = false;
            feed_rx(m, m->req, held, now_ms); /* the reply's start, not an echo */
            break;
        }
        i++;
        if (++m->echo_pos == m->req_len) {
            m->stats.echoes++;
            m->echo_active = false;
            m->echo_pos = 0;
        }
    }
    feed_rx(m, p + i, len - i, now_ms);
}

size_t mb_master_feed(mb_master_t *m, const uint8_t *p, size_t len, uint32_t now_ms)
{
    if (m == NULL || p == NULL) {
        return 0;
    }
    if (m->state == ST_SEND || m->state == ST_WAIT || m->state == ST_SETTLE) {
        receive(m, p, len, now_ms);
    }
    return len;
}

int mb_master_poll(mb_master_t *m, uint32_t now_ms)
{
    if (m == NULL) {
        return MB_ERR_ARG;
    }
    if (m->state == ST_SEND) {
        try_write(m, now_ms);
    }
    uint32_t baud = baud_of(m);
    if (m->state == ST_WAIT) {
        uint32_t deadline = m->sent_ms + m->window_ms + mb_wire_time_ms(baud, MB_FRAME_MAX_LEN);
        /* Nothing at all by the end of the window, or no complete frame by the deadline. */
        bool silent =
            mb_rx_pending(&m->rx) == 0u && m->rx.stats.bytes_discarded == 0u && m->echo_pos == 0u;
        if (silent && reached(now_ms, m->sent_ms + m->window_ms)) {
            attempt_failed(m, MB_ERR_MASTER_TIMEOUT, now_ms);
        } else if (reached(now_ms, deadline)) {
            attempt_failed(m, silent ? MB_ERR_MASTER_TIMEOUT : MB_ERR_MASTER_COLLISION, now_ms);
        }
    } else if (m->state == ST_SETTLE) {
        /*
         * After an E5 to 253/254, to the end of the answer window (identical E5 bytes from
         * several slaves are one E5; a different answer shows as extra bytes); after any other
         * reply, three characters of quiet line.
         */
        uint32_t until = m->listen_to_end ? m->sent_ms + m->window_ms
                                          : m->sent_ms + mb_wire_time_ms(baud, 3u) + 1u;
        if (m->rx.stats.bytes_discarded != 0u || mb_rx_pending(&m->rx) != 0u) {
            m->state = ST_WAIT;
            attempt_failed(m, MB_ERR_MASTER_COLLISION, now_ms);
        } else if (reached(now_ms, until)) {
            finish(m, MB_OK);
        }
    }
    if (m->state == ST_IDLE || m->state == ST_DONE) {
        return m->result;
    }
    return MB_MASTER_PENDING;
}

bool mb_master_reply(const mb_master_t *m, mb_frame_t *frame)
{
    if (m == NULL || frame == NULL || m->state != ST_DONE || m->result != MB_OK ||
        m->reply_len == 0u) {
        return false;
    }
    return mb_frame_decode(m->reply, m->reply_len, frame) == MB_OK;
}

bool mb_master_busy(const mb_master_t *m)
{
    return m != NULL && (m->state == ST_SEND || m->state == ST_WAIT || m->state == ST_SETTLE);
}

mb_master_stats_t mb_master_stats(const mb_master_t *m)
{
    static const mb_master_stats_t none = {0, 0, 0, 0, 0};
    return m == NULL ? none : m->stats;
}

#endif /* MB_ENABLE_MASTER */
