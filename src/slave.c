/*
 * Wired M-Bus slave (EN 13757-2/-3): frames come from the stream receiver of link_rx.c, replies
 * go out through the HAL. The rules are stated in include/meterbus/slave.h; the comments here say
 * why where EN 13757-2/-3 and the vendors' documentation leave a choice.
 */
#include "meterbus/slave.h"

#include "internal.h"

#if MB_ENABLE_SLAVE

#define CI_APP_RESET  0x50u
#define CI_DATA_SEND  0x51u
#define CI_SELECT     0x52u
#define DIF_GLOBAL    0x7Fu /* global readout request */
#define DIF_INT8      0x01u /* set address record: DIF 01, VIF 7A, address */
#define VIF_ADDRESS   0x7Au
#define DIF_BCD8      0x0Cu /* enhanced selection: DIF 0C, VIF 78, 4 BCD bytes */
#define VIF_FABNO     0x78u
#define SELECT_LEN    8u
#define SELECT_FAB_LN 14u

/* RSP_UD header: 68 L L 68 C A, then CI at tx[6]. */
#define RSP_HEAD 6u

/* ---- helpers ------------------------------------------------------------------------------ */

static void emit(mb_slave_t *s, mb_slave_event_t ev, int32_t value)
{
    if (s->app != NULL && s->app->event != NULL) {
        s->app->event(s->app_ctx, (int)ev, value);
    }
}

/* Milliseconds, rounded up, that @p bits take at the current rate; 0 without a rate. */
static uint32_t bits_ms(const mb_slave_t *s, uint32_t bits)
{
    if (s->baud == 0u) {
        return 0;
    }
    uint32_t num = bits * 1000u; /* bits <= 330: no overflow */
    uint32_t ms = num / s->baud;
    return ms * s->baud == num ? ms : ms + 1u;
}

/*
 * A 16-bit order-sensitive sum over L, A, CI and the data: with the C field (kept apart for its
 * FCB) it tells an identical repeat from a different telegram sent with the same FCB.
 */
static uint16_t fingerprint(const mb_frame_t *f)
{
    uint8_t s1 = (uint8_t)f->data_len;
    uint8_t s2 = s1;
    const uint8_t head[3] = {(uint8_t)f->type, f->a, f->ci};
    for (size_t i = 0; i < sizeof head; i++) {
        s1 = (uint8_t)(s1 + head[i]);
        s2 = (uint8_t)(s2 + s1);
    }
    for (size_t i = 0; i < f->data_len; i++) {
        s1 = (uint8_t)(s1 + f->data[i]);
        s2 = (uint8_t)(s2 + s1);
    }
    return (uint16_t)(s1 | (s2 << 8));
}

static void restart_readouts(mb_slave_t *s)
{
    s->telegram[0] = 0;
    s->telegram[1] = 0;
    s->more[0] = false;
    s->more[1] = false;
}

/* Forget the FCB: the next FCV=1 request is new whatever its FCB (after SND_NKE, deselection). */
static void link_reset(mb_slave_t *s)
{
    s->fcb_valid = false;
    s->reply_valid = false;
    s->bc_valid = false;
    restart_readouts(s);
}

/*
 * Remember @p f as the last request acted on; its reply is (or becomes) what tx holds. Requests to
 * 255 have a memory of their own: they are never answered, so a master cannot know whether they
 * arrived and keeps their FCB apart; letting them move the FCB memory of the conversation would
 * turn the next toggled REQ_UD2 of a readout into a "not toggled" one.
 */
static void remember(mb_slave_t *s, const mb_frame_t *f)
{
    if (f->a == MB_ADDR_BROADCAST) {
        s->bc_c = f->c;
        s->bc_sum = fingerprint(f);
        s->bc_valid = true;
        return;
    }
    s->fcb_valid = true;
    s->fcb = mb_c_fcb(f->c);
    s->fp_c = f->c;
    s->fp_sum = fingerprint(f);
    s->reply_valid = true;
}

static bool is_repeat(const mb_slave_t *s, const mb_frame_t *f)
{
    if (f->a == MB_ADDR_BROADCAST) {
        return s->bc_valid && s->bc_c == f->c && s->bc_sum == fingerprint(f);
    }
    return s->reply_valid && s->fp_c == f->c && s->fp_sum == fingerprint(f);
}

/* A request the slave acts on arrived: a reply still unwritten is stale (the master moved on). */
static void begin_request(mb_slave_t *s)
{
    s->stats.requests++;
    if (s->tx_active) {
        s->stats.aborted++;
        s->tx_active = false;
        s->baud_armed = false;
    }
}

static void deselect(mb_slave_t *s)
{
    if (!s->selected) {
        return;
    }
    s->selected = false;
    s->stats.deselected++;
    link_reset(s);
    emit(s, MB_SLAVE_EV_DESELECTED, 0);
}

static void switch_baud(mb_slave_t *s, uint32_t baud)
{
    if (s->hal != NULL && s->hal->set_baud != NULL && s->hal->set_baud(s->hal_ctx, baud) < 0) {
        s->stats.hal_errors++;
        return;
    }
    s->baud = baud;
    emit(s, MB_SLAVE_EV_BAUD, (int32_t)baud);
}

/* ---- transmitting ------------------------------------------------------------------------- */

/* Offer the rest of the reply to the HAL when its time has come; switch the rate after an E5. */
static void pump(mb_slave_t *s, uint32_t now_ms)
{
    if (!s->tx_active) {
        return;
    }
    if (s->tx_off == 0u) {
        uint32_t elapsed = (uint32_t)(now_ms - s->req_ms);
        if (elapsed < bits_ms(s, s->delay_bits)) {
            return;
        }
        /* EN 13757-2: the answer starts within 330 bit times + 50 ms, or not at all. */
        if (s->baud != 0u && elapsed > bits_ms(s, MB_SLAVE_ANSWER_DELAY_MAX_BITS) + 50u) {
            s->stats.late++;
            s->tx_active = false;
            s->baud_armed = false;
            return;
        }
    }
    if (s->hal == NULL || s->hal->write == NULL) {
        s->stats.hal_errors++;
        s->tx_active = false;
        s->baud_armed = false;
        return;
    }
    /* Each round takes at least one byte or stops: at most MB_FRAME_MAX_LEN rounds. */
    while (s->tx_off < s->tx_len) {
        size_t rest = (size_t)s->tx_len - s->tx_off;
        int n = s->hal->write(s->hal_ctx, s->tx + s->tx_off, rest);
        if (n < 0) {
            s->stats.hal_errors++;
            s->tx_active = false;
            s->baud_armed = false;
            return;
        }
        if (n == 0) {
            return;
        }
        s->tx_off = (uint16_t)(s->tx_off + ((size_t)n < rest ? (size_t)n : rest));
    }
    s->tx_active = false;
    if (s->baud_armed) {
        s->baud_armed = false;
        switch_baud(s, s->tx_baud);
    }
}

/* Send what tx holds (tx_len bytes) from the start, unless the request went to 255. */
static void send(mb_slave_t *s, bool broadcast, uint32_t now_ms)
{
    if (broadcast || s->tx_len == 0u) {
        s->tx_active = false;
        s->baud_armed = false;
        return;
    }
    s->stats.replies++;
    s->tx_off = 0;
    s->tx_active = true;
    /* A repeat of a baud switch whose E5 never went out completely still has to switch. */
    s->baud_armed = s->tx_baud != 0u && s->tx_baud != s->baud;
    s->req_ms = now_ms;
    pump(s, now_ms);
}

/*
 * Put a single-character reply (E5 or A2) into tx. Nothing for a request to 255: tx keeps the
 * reply of the conversation for its repeats.
 */
static void set_single(mb_slave_t *s, uint8_t byte, bool broadcast)
{
    if (broadcast) {
        return;
    }
    s->tx[0] = byte;
    s->tx_len = 1;
    s->tx_baud = 0;
}

/* ---- requests ----------------------------------------------------------------------------- */

/* REQ_UD1 / REQ_UD2 (not to 255), new or not toggled: ask the application. */
static void request_data(mb_slave_t *s, const mb_frame_t *f, uint32_t now_ms)
{
    uint8_t cls = mb_c_function(f->c) == mb_c_function(MB_C_REQ_UD1) ? 1u : 2u;
    size_t k = cls - 1u;
    uint32_t telegram = s->telegram[k];
    if (s->fcb_valid && mb_c_fcb(f->c) != s->fcb) {
        /* Toggled: the last exchange succeeded, so go on with the readout or start it again. */
        telegram = s->more[k] ? telegram + 1u : 0u;
    }
    if (s->app == NULL || s->app->respond == NULL) {
        s->stats.app_refused++;
        return;
    }
    /* The application writes into tx: whatever was kept for a repeat is gone from here on. */
    s->reply_valid = false;
    bool more = false;
    int n = s->app->respond(s->app_ctx, cls, (unsigned)telegram, s->tx + RSP_HEAD,
                            MB_SLAVE_RESPONSE_MAX, &more);
    if (n < 0 || n > (int)MB_SLAVE_RESPONSE_MAX) {
        /* Nothing was acted on: the master's repeat (same FCB) asks for the same telegram. */
        s->stats.app_refused++;
        return;
    }
    if (n == 0) {
        more = false;
        set_single(s, MB_BYTE_ACK, false);
    } else {
        /*
         * Framed in place around the application's bytes: the link encoder would need them in a
         * second 253-byte buffer. L counts C, A, CI and the data: n + 2 (3..255).
         */
        uint8_t l_field = (uint8_t)((size_t)n + 2u);
        s->tx[0] = MB_BYTE_LONG_START;
        s->tx[1] = l_field;
        s->tx[2] = l_field;
        s->tx[3] = MB_BYTE_LONG_START;
        s->tx[4] = (uint8_t)(MB_C_RSP_UD | (s->acd ? MB_C_ACD : 0u));
        s->tx[5] = s->address;
        s->tx[RSP_HEAD + (size_t)n] = mb_internal_sum8(s->tx + 4, l_field);
        s->tx[RSP_HEAD + (size_t)n + 1u] = MB_BYTE_STOP;
        s->tx_len = (uint16_t)(l_field + 6u);
        s->tx_baud = 0;
    }
    s->telegram[k] = telegram;
    s->more[k] = more;
    remember(s, f);
    send(s, false, now_ms);
}

/* Does the fabrication part of an enhanced selection (4 BCD bytes, LSB first) match? */
static bool fabrication_matches(const mb_slave_t *s, const uint8_t *p)
{
    /* Reuse the ID digit matcher: a mask with only the ID set, every other field a wildcard. */
    mb_secondary_t mask = {(uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
                               ((uint32_t)p[3] << 24),
                           0xFFFFu, 0xFFu, 0xFFu};
    mb_secondary_t own = {s->fabrication, 0, 0, 0};
    if (!s->has_fabrication) {
        return mask.id == 0xFFFFFFFFu;
    }
    return mb_secondary_match(&mask, &own);
}

/* SND_UD CI 52 to 253: selection, plain (8 bytes) or enhanced with a fabrication number (14). */
static void selection(mb_slave_t *s, const mb_frame_t *f, uint32_t now_ms)
{
    bool enhanced = f->data_len == SELECT_FAB_LN && f->data[SELECT_LEN] == DIF_BCD8 &&
                    f->data[SELECT_LEN + 1u] == VIF_FABNO;
    if (f->data_len != SELECT_LEN && !enhanced) {
        begin_request(s);
        s->stats.bad_request++;
        return;
    }
    mb_secondary_t mask;
    mb_secondary_unpack(f->data, &mask);
    bool match = mb_secondary_match(&mask, &s->secondary) &&
                 (!enhanced || fabrication_matches(s, f->data + SELECT_LEN + 2u));
    if (!match) {
        /* Meant for another slave; it ends this one's selected state (EN 13757-2). */
        s->stats.not_addressed++;
        if (s->selected) {
            if (s->tx_active) {
                s->stats.aborted++;
                s->tx_active = false;
                s->baud_armed = false;
            }
            deselect(s);
        }
        return;
    }
    begin_request(s);
    bool was_selected = s->selected;
    s->selected = true;
    /* A new conversation: readouts start at telegram 0 whatever happened before. */
    restart_readouts(s);
    set_single(s, MB_BYTE_ACK, false);
    remember(s, f);
    send(s, false, now_ms);
    if (!was_selected) {
        emit(s, MB_SLAVE_EV_SELECTED, 1);
    }
}

/* SND_UD (FCV = 1), new, addressed to this slave (or to 255: executed, not answered). */
static void send_user_data(mb_slave_t *s, const mb_frame_t *f, bool broadcast, uint32_t now_ms)
{
    uint8_t ci = f->ci;
    uint32_t baud = mb_ci_to_baud(ci);
    if (baud != 0u) {
        if (f->data_len != 0u || (s->baud_rates & 1u << (ci - 0xB8u)) == 0u) {
            s->stats.bad_request++;
            return;
        }
        set_single(s, MB_BYTE_ACK, broadcast);
        remember(s, f);
        if (broadcast) {
            switch_baud(s, baud); /* no E5 to wait for */
            return;
        }
        s->tx_baud = baud; /* after the E5 at the old rate (EN 13757-2) */
        send(s, false, now_ms);
        return;
    }
    switch (ci) {
    case CI_APP_RESET:
        if (f->data_len > 1u) {
            s->stats.bad_request++;
            return;
        }
        restart_readouts(s);
        set_single(s, MB_BYTE_ACK, broadcast);
        remember(s, f);
        send(s, broadcast, now_ms);
        emit(s, MB_SLAVE_EV_APP_RESET, f->data_len == 1u ? (int32_t)f->data[0] : -1);
        return;
    case CI_SELECT: /* a selection is only valid to 253 */ s->stats.bad_request++; return;
    case CI_DATA_SEND:
        if (f->data_len == 3u && f->data[0] == DIF_INT8 && f->data[1] == VIF_ADDRESS) {
            uint8_t address = f->data[2];
            if (address > MB_ADDR_PRIMARY_MAX) {
                s->stats.bad_request++;
                return;
            }
            /* The E5 carries no address: it acknowledges at the old one. */
            s->address = address;
            set_single(s, MB_BYTE_ACK, broadcast);
            remember(s, f);
            send(s, broadcast, now_ms);
            emit(s, MB_SLAVE_EV_ADDRESS, (int32_t)address);
            return;
        }
        break;
    default: break;
    }
    /* Everything else belongs to the application. */
    if (s->app != NULL && s->app->receive != NULL &&
        s->app->receive(s->app_ctx, ci, f->data, f->data_len) < 0) {
        s->stats.app_refused++;
        return;
    }
    if (ci == CI_DATA_SEND && f->data_len == 1u && f->data[0] == DIF_GLOBAL) {
        restart_readouts(s); /* "send everything": the next REQ_UD2 starts at telegram 0 */
    }
    set_single(s, MB_BYTE_ACK, broadcast);
    remember(s, f);
    send(s, broadcast, now_ms);
}

/* One valid frame from the receiver. */
static void handle(mb_slave_t *s, const mb_frame_t *f, uint32_t now_ms)
{
    if (f->type == MB_FRAME_ACK || f->type == MB_FRAME_NACK || !mb_c_is_prm(f->c)) {
        s->stats.not_request++;
        return;
    }
    uint8_t a = f->a;
    bool broadcast = a == MB_ADDR_BROADCAST;
    bool is_snd_ud = mb_c_function(f->c) == mb_c_function(MB_C_SND_UD) && mb_c_fcv(f->c);

    if (a == MB_ADDR_NETWORK) {
        if (is_snd_ud && f->ci == CI_SELECT) {
            selection(s, f, now_ms);
            return;
        }
        if (!s->selected) {
            s->stats.not_addressed++;
            return;
        }
        if (f->c == MB_C_SND_NKE) {
            /* Deselects; vendor documentation says no reply. */
            begin_request(s);
            deselect(s);
            return;
        }
    } else if (a != s->address && a != MB_ADDR_BROADCAST_REPLY && !broadcast) {
        s->stats.not_addressed++;
        return;
    }

    begin_request(s);
    if (broadcast) {
        s->stats.broadcasts++;
    }
    if (f->c == MB_C_SND_NKE) {
        link_reset(s);
        set_single(s, MB_BYTE_ACK, broadcast);
        send(s, broadcast, now_ms);
        emit(s, MB_SLAVE_EV_LINK_RESET, (int32_t)a);
        return;
    }
    if (!mb_c_fcv(f->c)) {
        /* SND_UD2 (the only other FCV=0 request): not supported, EN 13757-2:2018 says NACK. */
        s->reply_valid = s->reply_valid && broadcast; /* tx is overwritten unless to 255 */
        set_single(s, MB_BYTE_NACK, broadcast);
        send(s, broadcast, now_ms);
        return;
    }
    if (is_repeat(s, f)) {
        s->stats.repeats++;
        send(s, broadcast, now_ms); /* the same bytes again, the same rate switch after them */
        return;
    }
    if (is_snd_ud) {
        send_user_data(s, f, broadcast, now_ms);
    } else if (!broadcast) {
        request_data(s, f, now_ms); /* a request for data to 255 has nothing to execute */
    }
}

/* ---- public ------------------------------------------------------------------------------- */

void mb_slave_init(mb_slave_t *s, const mb_hal_t *hal, void *hal_ctx, const mb_slave_app_t *app,
                   void *app_ctx, const mb_slave_config_t *cfg)
{
    if (s == NULL) {
        return;
    }
    const mb_slave_config_t none = {0, {0, 0, 0, 0}, false, 0, 0, 0, 0, 0};
    if (cfg == NULL) {
        cfg = &none;
    }
    mb_rx_init(&s->rx, cfg->gap_ms != 0u ? cfg->gap_ms : (uint32_t)MB_RX_DEFAULT_GAP_MS);
    s->hal = hal;
    s->hal_ctx = hal_ctx;
    s->app = app;
    s->app_ctx = app_ctx;
    s->secondary = cfg->secondary;
    s->fabrication = cfg->fabrication;
    s->has_fabrication = cfg->has_fabrication;
    s->baud = cfg->baud;
    s->baud_rates = cfg->baud_rates != 0u ? cfg->baud_rates : 0xFFu;
    s->address = cfg->address <= MB_ADDR_PRIMARY_MAX ? cfg->address : 0u;
    s->delay_bits = cfg->answer_delay_bits < MB_SLAVE_ANSWER_DELAY_MAX_BITS
                        ? cfg->answer_delay_bits
                        : (uint16_t)MB_SLAVE_ANSWER_DELAY_MAX_BITS;
    s->tx_baud = 0;
    s->req_ms = 0;
    s->stats = (mb_slave_stats_t){0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    s->tx_len = 0;
    s->tx_off = 0;
    s->fp_sum = 0;
    s->fp_c = 0;
    s->bc_sum = 0;
    s->bc_c = 0;
    s->selected = false;
    s->fcb = false;
    s->tx_active = false;
    s->baud_armed = false;
    s->acd = false;
    link_reset(s);
}

size_t mb_slave_feed(mb_slave_t *s, const uint8_t *p, size_t len, uint32_t now_ms)
{
    if (s == NULL || p == NULL || len == 0u) {
        return 0;
    }
    size_t off = 0;
    /*
     * The loop of mb_rx_feed(): each round consumes at least one byte, because the frames held
     * from the round before were all taken (so at most len rounds).
     */
    while (off < len) {
        size_t got = mb_rx_feed(&s->rx, p + off, len - off, now_ms);
        mb_frame_t f;
        while (mb_rx_frame(&s->rx, &f)) {
            handle(s, &f, now_ms);
        }
        if (got == 0u) {
            break; /* cannot happen (see above); never spin */
        }
        off += got;
    }
    return off;
}

void mb_slave_poll(mb_slave_t *s, uint32_t now_ms)
{
    if (s == NULL) {
        return;
    }
    (void)mb_rx_poll(&s->rx, now_ms);
    pump(s, now_ms);
}

void mb_slave_set_class1_pending(mb_slave_t *s, bool pending)
{
    if (s != NULL) {
        s->acd = pending;
    }
}

uint8_t mb_slave_address(const mb_slave_t *s) { return s == NULL ? 0u : s->address; }

uint32_t mb_slave_baud(const mb_slave_t *s) { return s == NULL ? 0u : s->baud; }

bool mb_slave_selected(const mb_slave_t *s) { return s != NULL && s->selected; }

size_t mb_slave_tx_pending(const mb_slave_t *s)
{
    if (s == NULL || !s->tx_active) {
        return 0;
    }
    return (size_t)s->tx_len - s->tx_off;
}

const mb_slave_stats_t *mb_slave_stats(const mb_slave_t *s) { return s == NULL ? NULL : &s->stats; }

const mb_rx_stats_t *mb_slave_rx_stats(const mb_slave_t *s)
{
    return s == NULL ? NULL : mb_rx_stats(&s->rx);
}

#endif /* MB_ENABLE_SLAVE */
