/*
 * Wireless M-Bus radio coding (EN 13757-4): 3-of-6 for mode T, Manchester for modes S and R, and
 * the mode C/T decision after the shared sync word. Chips are packed most significant bit first.
 */
#include "meterbus/wradio.h"

#include "meterbus/wlink.h"

#include "internal.h"

#if MB_ENABLE_WIRELESS

#include <limits.h>

/* ---- 3-of-6 ------------------------------------------------------------------------------- */

/* Nibble -> 6-chip symbol: every code has three ones and three zeros (EN 13757-4). */
static const uint8_t enc3of6[16] = {0x16u, 0x0Du, 0x0Eu, 0x0Bu, 0x1Cu, 0x19u, 0x1Au, 0x13u,
                                    0x2Cu, 0x25u, 0x26u, 0x23u, 0x34u, 0x31u, 0x32u, 0x29u};

/*
 * 6-chip symbol -> 0x10 | nibble, 0 for the 48 invalid symbols. 64 bytes buy a lookup per symbol
 * in the receive interrupt instead of a search of enc3of6.
 */
#define V(n) (uint8_t)(0x10u | (n))
static const uint8_t dec3of6[64] = {
    [0x16] = V(0x0), [0x0D] = V(0x1), [0x0E] = V(0x2), [0x0B] = V(0x3),
    [0x1C] = V(0x4), [0x19] = V(0x5), [0x1A] = V(0x6), [0x13] = V(0x7),
    [0x2C] = V(0x8), [0x25] = V(0x9), [0x26] = V(0xA), [0x23] = V(0xB),
    [0x34] = V(0xC), [0x31] = V(0xD), [0x32] = V(0xE), [0x29] = V(0xF),
};
#undef V

/* The byte of the 12 chips @p sym12 (invalid symbols as nibble 0), and which symbol is invalid. */
static uint8_t decode12(unsigned sym12, bool *bad_hi, bool *bad_lo)
{
    unsigned hi = dec3of6[(sym12 >> 6) & 0x3Fu];
    unsigned lo = dec3of6[sym12 & 0x3Fu];
    *bad_hi = hi == 0u;
    *bad_lo = lo == 0u;
    return (uint8_t)((hi & 0x0Fu) << 4 | (lo & 0x0Fu));
}

static void note_error(mb_wcode_errors_t *e, size_t symbol)
{
    if (e->count == 0u) {
        e->first = symbol;
    }
    e->count++;
}

int mb_w3of6_decode(const uint8_t *chips, size_t chips_len, uint8_t *out, size_t count,
                    mb_wcode_errors_t *errors)
{
    mb_wcode_errors_t e = {0, 0};
    if (errors != NULL) {
        *errors = e;
    }
    if (count > (size_t)INT_MAX || (count != 0u && (chips == NULL || out == NULL))) {
        return MB_ERR_ARG;
    }
    if (chips_len < count + (count + 1u) / 2u) { /* MB_W3OF6_CHIP_LEN without overflow */
        return MB_ERR_WL_TRUNCATED;
    }
    /*
     * Chips are read a byte at a time into a small accumulator; a data byte is written only
     * after all its chips were read, and byte i needs chip bytes up to 1.5 i, so decoding in
     * place never overwrites a chip byte still to be read.
     */
    uint32_t acc = 0;
    unsigned nbits = 0;
    size_t next = 0;
    for (size_t i = 0; i < count; i++) {
        while (nbits < 12u) {
            acc = (acc << 8 | chips[next++]) & 0xFFFFFu;
            nbits += 8u;
        }
        nbits -= 12u;
        bool bad_hi;
        bool bad_lo;
        out[i] = decode12((unsigned)(acc >> nbits) & 0xFFFu, &bad_hi, &bad_lo);
        if (bad_hi) {
            note_error(&e, 2u * i);
        }
        if (bad_lo) {
            note_error(&e, 2u * i + 1u);
        }
    }
    if (errors != NULL) {
        *errors = e;
    }
    return e.count != 0u ? MB_ERR_WL_3OF6 : (int)count;
}

int mb_w3of6_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    if ((in == NULL && len != 0u) || (out == NULL && cap != 0u) ||
        len > ((size_t)INT_MAX - 1u) / 3u * 2u) {
        return MB_ERR_ARG;
    }
    size_t total = MB_W3OF6_TX_LEN(len);
    if (cap < total) {
        return MB_ERR_NOSPACE;
    }
    /*
     * Two data bytes make three chip bytes. Work from the end so that in place (out == in) the
     * data bytes not yet encoded, which lie below, are never overwritten: pair p (bytes 2p, 2p+1)
     * goes to chip bytes 3p..3p+2, never below 2p.
     */
    size_t pairs = len / 2u;
    if (len % 2u != 0u) {
        /* 12 chips of the last byte, then the postamble 0101 in the rest of the chip byte. */
        uint8_t b = in[len - 1u];
        unsigned w = (unsigned)enc3of6[b >> 4] << 10 | (unsigned)enc3of6[b & 0x0Fu] << 4 | 0x5u;
        out[3u * pairs] = (uint8_t)(w >> 8);
        out[3u * pairs + 1u] = (uint8_t)w;
    } else {
        out[3u * pairs] = 0x55u; /* postamble: 8 alternating chips */
    }
    for (size_t p = pairs; p-- > 0u;) {
        uint8_t a = in[2u * p];
        uint8_t b = in[2u * p + 1u];
        uint32_t w = (uint32_t)enc3of6[a >> 4] << 18 | (uint32_t)enc3of6[a & 0x0Fu] << 12 |
                     (uint32_t)enc3of6[b >> 4] << 6 | enc3of6[b & 0x0Fu];
        out[3u * p] = (uint8_t)(w >> 16);
        out[3u * p + 1u] = (uint8_t)(w >> 8);
        out[3u * p + 2u] = (uint8_t)w;
    }
    return (int)total;
}

size_t mb_w3of6_frame_chip_len(uint8_t l_field)
{
    size_t raw = mb_wframe_raw_len(MB_WFORMAT_A, l_field);
    return raw == 0u ? 0u : MB_W3OF6_CHIP_LEN(raw);
}

/* ---- mode T receiver ---------------------------------------------------------------------- */

void mb_w3of6_rx_init(mb_w3of6_rx_t *rx, uint8_t *out, size_t cap)
{
    if (rx == NULL) {
        return;
    }
    rx->out = out;
    rx->cap = out == NULL ? 0u : cap;
    rx->len = 0;
    rx->need = 0;
    rx->bad = 0;
    rx->acc = 0;
    rx->nbits = 0;
    rx->err = 0;
}

int mb_w3of6_rx_feed(mb_w3of6_rx_t *rx, const uint8_t *chips, size_t n)
{
    if (rx == NULL || (chips == NULL && n != 0u)) {
        return MB_ERR_ARG;
    }
    for (size_t i = 0; i < n && rx->err == 0 && (rx->need == 0u || rx->len < rx->need); i++) {
        /* At most 11 chips wait from before, so one chip byte completes at most one data byte. */
        rx->acc = (rx->acc << 8 | chips[i]) & 0xFFFFFu;
        rx->nbits = (uint8_t)(rx->nbits + 8u);
        if (rx->nbits < 12u) {
            continue;
        }
        rx->nbits = (uint8_t)(rx->nbits - 12u);
        bool bad_hi;
        bool bad_lo;
        uint8_t b = decode12((unsigned)(rx->acc >> rx->nbits) & 0xFFFu, &bad_hi, &bad_lo);
        if (bad_hi || bad_lo) {
            /* No forward error correction in mode T: the frame is lost, re-arm at once. */
            rx->bad = 2u * rx->len + (bad_hi ? 0u : 1u);
            rx->err = (int8_t)MB_ERR_WL_3OF6;
            break;
        }
        if (rx->len >= rx->cap) {
            rx->err = (int8_t)MB_ERR_NOSPACE;
            break;
        }
        rx->out[rx->len++] = b;
        if (rx->len == 1u) {
            rx->need = mb_wframe_raw_len(MB_WFORMAT_A, b);
            if (rx->need == 0u) {
                rx->err = (int8_t)MB_ERR_WL_LEN;
            } else if (rx->need > rx->cap) {
                rx->err = (int8_t)MB_ERR_NOSPACE;
            }
        }
    }
    if (rx->err != 0) {
        return rx->err;
    }
    return rx->need != 0u && rx->len >= rx->need ? (int)rx->need : 0;
}

size_t mb_w3of6_rx_chip_len(const mb_w3of6_rx_t *rx)
{
    return rx == NULL || rx->need == 0u ? 0u : MB_W3OF6_CHIP_LEN(rx->need);
}

size_t mb_w3of6_rx_bad_symbol(const mb_w3of6_rx_t *rx)
{
    return rx == NULL || rx->err != (int8_t)MB_ERR_WL_3OF6 ? 0u : rx->bad;
}

/* ---- Manchester --------------------------------------------------------------------------- */

int mb_wmanchester_decode(const uint8_t *chips, size_t chips_len, uint8_t *out, size_t count,
                          mb_wmanchester_t polarity, mb_wcode_errors_t *errors)
{
    mb_wcode_errors_t e = {0, 0};
    if (errors != NULL) {
        *errors = e;
    }
    if ((polarity != MB_WMANCHESTER_IEEE && polarity != MB_WMANCHESTER_THOMAS) ||
        count > (size_t)INT_MAX || (count != 0u && (chips == NULL || out == NULL))) {
        return MB_ERR_ARG;
    }
    if (chips_len / 2u < count) {
        return MB_ERR_WL_TRUNCATED;
    }
    /* IEEE: the second chip of a pair is the bit; Thomas: the first. */
    unsigned shift = polarity == MB_WMANCHESTER_IEEE ? 0u : 1u;
    for (size_t i = 0; i < count; i++) {
        /* Both chip bytes are read before out[i] is written: in place works. */
        unsigned w = (unsigned)chips[2u * i] << 8 | chips[2u * i + 1u];
        unsigned b = 0;
        for (unsigned j = 0; j < 8u; j++) {
            unsigned pair = (w >> (14u - 2u * j)) & 3u;
            unsigned bit = (pair >> shift) & 1u;
            if (pair == 0u || pair == 3u) {
                note_error(&e, 8u * i + j);
                bit = 0;
            }
            b = b << 1 | bit;
        }
        out[i] = (uint8_t)b;
    }
    if (errors != NULL) {
        *errors = e;
    }
    return e.count != 0u ? MB_ERR_WL_MANCHESTER : (int)count;
}

int mb_wmanchester_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                          mb_wmanchester_t polarity)
{
    if ((polarity != MB_WMANCHESTER_IEEE && polarity != MB_WMANCHESTER_THOMAS) ||
        (in == NULL && len != 0u) || (out == NULL && cap != 0u) || len > (size_t)INT_MAX / 2u) {
        return MB_ERR_ARG;
    }
    if (cap / 2u < len) {
        return MB_ERR_NOSPACE;
    }
    /* IEEE: 1 -> 01, 0 -> 10; Thomas the inverse. */
    unsigned one = polarity == MB_WMANCHESTER_IEEE ? 1u : 2u;
    /* Last byte first: byte i goes to chip bytes 2i, 2i+1, never below i, so in place works. */
    for (size_t i = len; i-- > 0u;) {
        unsigned b = in[i];
        unsigned w = 0;
        for (unsigned j = 0; j < 8u; j++) {
            w = w << 2 | (((b >> (7u - j)) & 1u) != 0u ? one : 3u - one);
        }
        out[2u * i] = (uint8_t)(w >> 8);
        out[2u * i + 1u] = (uint8_t)w;
    }
    return (int)(2u * len);
}

/* ---- mode C or T -------------------------------------------------------------------------- */

mb_wmode_ct_t mb_wmode_ct_detect(uint8_t b0, uint8_t b1)
{
    if (b0 == (uint8_t)(MB_WSYNC_C_A >> 8) && b1 == (uint8_t)MB_WSYNC_C_A) {
        return MB_WMODE_CT_C_A;
    }
    if (b0 == (uint8_t)(MB_WSYNC_C_B >> 8) && b1 == (uint8_t)MB_WSYNC_C_B) {
        return MB_WMODE_CT_C_B;
    }
    bool bad_hi;
    bool bad_lo;
    (void)decode12((unsigned)b0 << 4 | (unsigned)b1 >> 4, &bad_hi, &bad_lo);
    return !bad_hi && !bad_lo ? MB_WMODE_CT_T : MB_WMODE_CT_UNKNOWN;
}

#endif /* MB_ENABLE_WIRELESS */
