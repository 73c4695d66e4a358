/*
 * Wired stream receiver: turns bytes as they arrive (one UART interrupt at a time or a whole read()
 * buffer) into frames, with resynchronisation after noise and an inter-byte timeout.
 *
 * Each byte is checked once when it arrives, against the position it takes in the candidate frame
 * that starts at buf[0]. Early checks (positions 1..4) let a false start be abandoned after a few
 * bytes; only then are the few bytes after it scanned again, so the work per byte stays constant
 * except for the one checksum pass per complete-length candidate.
 */
#include "meterbus/link.h"

#include "internal.h"

#if MB_ENABLE_WIRED

enum verdict {
    V_MORE,     /* plausible so far, need more bytes */
    V_NOISE,    /* buf[0] cannot start a frame */
    V_HEADER,   /* the start failed an early check */
    V_STOP,     /* complete length, bad stop byte */
    V_CHECKSUM, /* complete length, bad checksum */
    V_DONE      /* buf[0..i] is a valid frame */
};

/* Verdict on the candidate at buf[0] once byte i has arrived (bytes before i already passed). */
static enum verdict check_byte(const uint8_t *buf, size_t i)
{
    uint8_t start = buf[0];
    if (i == 0u) {
        if (start == MB_BYTE_ACK || start == MB_BYTE_NACK) {
            return V_DONE;
        }
        return (start == MB_BYTE_SHORT_START || start == MB_BYTE_LONG_START) ? V_MORE : V_NOISE;
    }
    if (start == MB_BYTE_SHORT_START) {
        switch (i) {
        case 1: return mb_c_valid_for(MB_FRAME_SHORT, buf[1]) ? V_MORE : V_HEADER;
        case 4:
            if (buf[4] != MB_BYTE_STOP) {
                return V_STOP;
            }
            return mb_internal_sum8(buf + 1, 2) == buf[3] ? V_DONE : V_CHECKSUM;
        default: return V_MORE;
        }
    }
    size_t l_field = buf[1];
    switch (i) {
    case 1: return l_field >= 3u ? V_MORE : V_HEADER;
    case 2: return buf[2] == l_field ? V_MORE : V_HEADER;
    case 3: return buf[3] == MB_BYTE_LONG_START ? V_MORE : V_HEADER;
    case 4:
        return mb_c_valid_for(l_field == 3u ? MB_FRAME_CONTROL : MB_FRAME_LONG, buf[4]) ? V_MORE
                                                                                        : V_HEADER;
    default: break;
    }
    if (i < l_field + 5u) {
        return V_MORE;
    }
    if (buf[i] != MB_BYTE_STOP) {
        return V_STOP;
    }
    return mb_internal_sum8(buf + 4, l_field) == buf[i - 1u] ? V_DONE : V_CHECKSUM;
}

/* Remove the first n held bytes. */
static void shift_out(mb_rx_t *rx, size_t n)
{
    size_t rest = rx->len - n;
    for (size_t i = 0; i < rest; i++) {
        rx->buf[i] = rx->buf[n + i];
    }
    rx->len = (uint16_t)rest;
}

static void drop_front(mb_rx_t *rx, size_t n)
{
    shift_out(rx, n);
    rx->stats.bytes_discarded += (uint32_t)n;
}

/*
 * Check buf[from..len) against the candidate at buf[0]; after a rejection, start again at buf[0]
 * with what is left. Stops at the first complete frame or when every held byte is checked.
 * Terminates: every restart removes at least one byte.
 */
static void scan(mb_rx_t *rx, size_t from)
{
    size_t i = from;
    while (i < rx->len) {
        switch (check_byte(rx->buf, i)) {
        case V_MORE: i++; continue;
        case V_DONE:
            rx->frame_len = (uint16_t)(i + 1u);
            rx->taken = false;
            rx->stats.frames++;
            return;
        case V_NOISE:
            rx->stats.noise++;
            drop_front(rx, 1);
            break;
        case V_HEADER:
            rx->stats.bad_header++;
            drop_front(rx, 1);
            break;
        case V_STOP:
            rx->stats.bad_stop++;
            drop_front(rx, i + 1u);
            break;
        case V_CHECKSUM:
            rx->stats.bad_checksum++;
            drop_front(rx, i + 1u);
            break;
        }
        i = 0;
    }
}

/* Forget the complete frame at the front and look at the bytes that followed it. */
static void release(mb_rx_t *rx)
{
    if (rx->frame_len == 0u) {
        return;
    }
    size_t n = rx->frame_len;
    rx->frame_len = 0;
    rx->taken = false;
    shift_out(rx, n);
    scan(rx, 0);
}

void mb_rx_init(mb_rx_t *rx, uint32_t gap_ms)
{
    if (rx == NULL) {
        return;
    }
    rx->len = 0;
    rx->frame_len = 0;
    rx->taken = false;
    rx->have_time = false;
    rx->gap_ms = gap_ms;
    rx->last_ms = 0;
    rx->stats = (mb_rx_stats_t){0, 0, 0, 0, 0, 0, 0};
}

void mb_rx_set_gap(mb_rx_t *rx, uint32_t gap_ms)
{
    if (rx != NULL) {
        rx->gap_ms = gap_ms;
    }
}

/* Drop a partial frame when the line was quiet for longer than the gap limit. */
static bool expire(mb_rx_t *rx, uint32_t now_ms)
{
    if (rx->frame_len != 0u || rx->len == 0u || rx->gap_ms == 0u || !rx->have_time) {
        return false;
    }
    if ((uint32_t)(now_ms - rx->last_ms) <= rx->gap_ms) {
        return false;
    }
    rx->stats.timeouts++;
    drop_front(rx, rx->len);
    return true;
}

size_t mb_rx_feed(mb_rx_t *rx, const uint8_t *data, size_t len, uint32_t now_ms)
{
    if (rx == NULL || (data == NULL && len != 0u)) {
        return 0;
    }
    release(rx);
    if (rx->frame_len != 0u || len == 0u) {
        return 0; /* bytes held from before already make a frame, or nothing to do */
    }
    /* All bytes of one call arrive at now_ms: only the gap before the first can be too long. */
    (void)expire(rx, now_ms);
    rx->have_time = true;
    rx->last_ms = now_ms;

    size_t i = 0;
    while (i < len) {
        /*
         * Inside a long frame whose header passed (positions 0..4), every byte up to and including
         * the checksum is accepted without a check: copy that run at once.
         */
        size_t run = 1;
        if (rx->len >= 5u && rx->buf[0] == MB_BYTE_LONG_START) {
            size_t stop_at = (size_t)rx->buf[1] + 5u;
            size_t body = stop_at - rx->len;
            if (body > 0u) {
                run = body < len - i ? body : len - i;
                mb_internal_copy(rx->buf + rx->len, data + i, run);
                rx->len = (uint16_t)(rx->len + run);
                i += run;
                continue;
            }
        }
        /* Cannot overflow: a candidate completes or fails by its 261st byte. */
        rx->buf[rx->len] = data[i];
        rx->len++;
        i += run;
        scan(rx, rx->len - 1u);
        if (rx->frame_len != 0u) {
            return i;
        }
    }
    return len;
}

bool mb_rx_frame(mb_rx_t *rx, mb_frame_t *frame)
{
    if (rx == NULL || frame == NULL) {
        return false;
    }
    if (rx->taken) {
        release(rx);
    }
    if (rx->frame_len == 0u) {
        frame->type = MB_FRAME_NONE;
        frame->data = NULL;
        frame->data_len = 0;
        return false;
    }
    rx->taken = true;
    mb_internal_frame_view(rx->buf, frame);
    return true;
}

bool mb_rx_poll(mb_rx_t *rx, uint32_t now_ms)
{
    if (rx == NULL) {
        return false;
    }
    if (rx->taken) {
        release(rx);
    }
    return expire(rx, now_ms);
}

size_t mb_rx_pending(const mb_rx_t *rx)
{
    if (rx == NULL) {
        return 0;
    }
    return (size_t)rx->len - rx->frame_len;
}

void mb_rx_reset(mb_rx_t *rx)
{
    if (rx == NULL) {
        return;
    }
    size_t partial = (size_t)rx->len - rx->frame_len;
    rx->len = 0;
    rx->frame_len = 0;
    rx->taken = false;
    rx->stats.bytes_discarded += (uint32_t)partial;
}

const mb_rx_stats_t *mb_rx_stats(const mb_rx_t *rx) { return rx == NULL ? NULL : &rx->stats; }

#endif /* MB_ENABLE_WIRED */
