/*
 * Wireless link layer (EN 13757-4): CRC-16/EN-13757, frame formats A and B, the DLL header and
 * RSSI conversions. The radio coding is in wradio.c.
 *
 * Both formats are the same walk over the frame without CRCs, cut into blocks of a first size
 * and then of a next size, each block followed by its CRC on the air: A is 10 then 16, B is 126
 * then 126 (at most two blocks, as a B frame holds at most 252 bytes without CRCs). NONE is one
 * block of any size without a CRC.
 */
#include "meterbus/wlink.h"

#include "internal.h"

/* ---- CRC-16/EN-13757 (compiled whatever MB_ENABLE_WIRELESS says: see wlink.h) ------------- */

/*
 * The CRC of each 4-bit value shifted through the register: two lookups a byte. 32 bytes of
 * table make it about four times as fast as bit by bit, which matters to a gateway checking every
 * block of every telegram it hears; a 256-entry table would cost 512 bytes for the next factor 2.
 */
static const uint16_t crc_nibble[16] = {0x0000, 0x3D65, 0x7ACA, 0x47AF, 0xF594, 0xC8F1,
                                        0x8F5E, 0xB23B, 0xD64D, 0xEB28, 0xAC87, 0x91E2,
                                        0x23D9, 0x1EBC, 0x5913, 0x6476};

uint16_t mb_crc16_en13757_update(uint16_t crc, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc = (uint16_t)((crc << 4) ^ crc_nibble[(crc >> 12) ^ (p[i] >> 4)]);
        crc = (uint16_t)((crc << 4) ^ crc_nibble[(crc >> 12) ^ (p[i] & 0x0Fu)]);
    }
    return crc;
}

uint16_t mb_crc16_en13757(const uint8_t *p, size_t len)
{
    return mb_crc16_en13757_final(mb_crc16_en13757_update(MB_CRC16_EN13757_INIT, p, len));
}

#if MB_ENABLE_WIRELESS

/* ---- block layout ------------------------------------------------------------------------- */

typedef struct layout {
    size_t total;  /* bytes without CRCs, L included */
    size_t raw;    /* bytes on the air */
    size_t first;  /* bytes of the first block */
    size_t next;   /* bytes of every further block (the last one may be shorter) */
    unsigned crcs; /* number of blocks, each with a CRC; 0 for NONE */
} layout_t;

#define NO_CRC_BLOCK MB_WFRAME_MAX_LEN /* one block holds any frame */

/* The layout of a frame of @p total bytes without CRCs, or false when it does not fit. */
static bool layout_for_total(mb_wformat_t format, size_t total, layout_t *lay)
{
    if (total < MB_WFRAME_MIN_LEN || total > MB_WFRAME_MAX_LEN) {
        return false;
    }
    lay->total = total;
    switch (format) {
    case MB_WFORMAT_A:
        lay->first = MB_WFRAME_HEADER_LEN;
        lay->next = 16u;
        lay->crcs = (unsigned)(1u + (total - MB_WFRAME_HEADER_LEN + 15u) / 16u);
        break;
    case MB_WFORMAT_B:
        if (total > MB_WFRAME_B_MAX_LEN) {
            return false;
        }
        /* Block 1+2 (L..CI..) ends at byte 125 so that its CRC sits at 126..127. */
        lay->first = 126u;
        lay->next = 126u;
        lay->crcs = total <= 126u ? 1u : 2u;
        break;
    case MB_WFORMAT_NONE:
        lay->first = NO_CRC_BLOCK;
        lay->next = NO_CRC_BLOCK;
        lay->crcs = 0;
        break;
    default: return false;
    }
    lay->raw = total + 2u * lay->crcs;
    return true;
}

/* The layout of a frame whose L field as sent is @p l, or false when no frame has that L. */
static bool layout_for_l(mb_wformat_t format, uint8_t l, layout_t *lay)
{
    size_t total = (size_t)l + 1u;
    if (format == MB_WFORMAT_B) {
        /*
         * L counts the CRCs. Up to 128 bytes there is one CRC; beyond, two, and the second block
         * needs at least one byte: 129 bytes (L = 128) leaves no room for the second CRC, 130
         * (L = 129) an empty block, which no encoder writes. Both are rejected.
         */
        if (total <= 128u) {
            if (total < 2u) {
                return false;
            }
            total -= 2u;
        } else if (total >= 131u) {
            total -= 4u;
        } else {
            return false;
        }
    }
    return layout_for_total(format, total, lay);
}

size_t mb_wframe_raw_len(mb_wformat_t format, uint8_t l_field)
{
    layout_t lay;
    return layout_for_l(format, l_field, &lay) ? lay.raw : 0u;
}

size_t mb_wframe_encoded_len(mb_wformat_t format, size_t frame_len)
{
    layout_t lay;
    return layout_for_total(format, frame_len, &lay) ? lay.raw : 0u;
}

/* Bytes of block @p k (0-based) that starts @p at bytes into the frame without CRCs. */
static size_t block_len(const layout_t *lay, unsigned k, size_t at)
{
    size_t n = k == 0u ? lay->first : lay->next;
    size_t left = lay->total - at;
    return n < left ? n : left;
}

static uint16_t get_be16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }

/* Forward or backward as the overlap needs: decoding moves blocks down, encoding up. */
static void move_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (dst == src || n == 0u) {
        return;
    }
#if defined(__GNUC__) || defined(__clang__)
    __builtin_memmove(dst, src, n);
#else
    if (dst < src) {
        for (size_t i = 0; i < n; i++) {
            dst[i] = src[i];
        }
    } else {
        for (size_t i = n; i > 0u; i--) {
            dst[i - 1u] = src[i - 1u];
        }
    }
#endif
}

/* The mask of blocks whose CRC fails, reading @p in (at least lay->raw bytes); writes nothing. */
static uint32_t crc_failures(const uint8_t *in, const layout_t *lay)
{
    uint32_t mask = 0;
    size_t at = 0;
    size_t pos = 0;
    for (unsigned k = 0; k < lay->crcs; k++) {
        size_t n = block_len(lay, k, at);
        if (mb_crc16_en13757(in + pos, n) != get_be16(in + pos + n)) {
            mask |= (uint32_t)1u << k;
        }
        at += n;
        pos += n + 2u;
    }
    return mask;
}

/* ---- decoding ----------------------------------------------------------------------------- */

static void wframe_clear(mb_wframe_t *f)
{
    /* Format AUTO (0), NULL views, no RSSI. */
    static const mb_wframe_t none = {0};
    *f = none;
}

static void wframe_view(const uint8_t *frame, mb_wformat_t format, const layout_t *lay,
                        uint32_t crc_errors, mb_wframe_t *f)
{
    f->frame = frame;
    f->frame_len = lay->total;
    f->payload = frame + MB_WFRAME_HEADER_LEN;
    f->payload_len = lay->total - MB_WFRAME_HEADER_LEN;
    f->l = frame[0];
    f->c = frame[1];
    f->ci = frame[10];
    /* The wireless order is M, ID, version, type; the wired secondary address is ID, M, ... */
    f->address.manufacturer = (uint16_t)(frame[2] | frame[3] << 8);
    f->address.id = (uint32_t)frame[4] | (uint32_t)frame[5] << 8 | (uint32_t)frame[6] << 16 |
                    (uint32_t)frame[7] << 24;
    f->address.version = frame[8];
    f->address.medium = frame[9];
    f->format = format;
    f->raw_len = lay->raw;
    f->blocks = (uint8_t)lay->crcs;
    f->crc_errors = crc_errors;
}

/* Decode as @p format (A, B or NONE), the buffers and arguments already checked. */
static int decode_as(const uint8_t *in, size_t len, mb_wformat_t format, uint8_t *out, size_t cap,
                     mb_wframe_t *f)
{
    layout_t lay;
    if (!layout_for_l(format, in[0], &lay)) {
        return MB_ERR_WL_LEN;
    }
    if (len < lay.raw) {
        return MB_ERR_WL_TRUNCATED;
    }
    if (cap < lay.total) {
        return MB_ERR_NOSPACE;
    }
    /*
     * One pass, block by block: check the CRC on the input, then move the block down to its
     * place in out. A block never lands past where it came from, so with out == in the bytes
     * still to be read are never overwritten.
     */
    uint32_t mask = 0;
    size_t at = 0;
    size_t pos = 0;
    unsigned k = 0;
    do {
        size_t n = block_len(&lay, k, at);
        if (lay.crcs != 0u && mb_crc16_en13757(in + pos, n) != get_be16(in + pos + n)) {
            mask |= (uint32_t)1u << k;
        }
        move_bytes(out + at, in + pos, n);
        at += n;
        pos += n + (lay.crcs != 0u ? 2u : 0u);
        k++;
    } while (at < lay.total);
    out[0] = (uint8_t)(lay.total - 1u);
    wframe_view(out, format, &lay, mask, f);
    return mask != 0u ? MB_ERR_WL_CRC : (int)lay.raw;
}

/* AUTO: the rule of wlink.h, in its order. */
static int decode_auto(const uint8_t *in, size_t len, uint8_t *out, size_t cap, mb_wframe_t *f)
{
    layout_t a;
    layout_t b;
    bool valid_a = layout_for_l(MB_WFORMAT_A, in[0], &a);
    bool valid_b = layout_for_l(MB_WFORMAT_B, in[0], &b);
    if (!valid_a && !valid_b) {
        return MB_ERR_WL_LEN;
    }
    /* Format A's first CRC guards bytes 0..9 at 10..11, where B has CI and data: 2^-16 odds. */
    bool is_a = valid_a && len >= MB_WFRAME_HEADER_LEN + 2u &&
                mb_crc16_en13757(in, MB_WFRAME_HEADER_LEN) == get_be16(in + MB_WFRAME_HEADER_LEN);
    bool is_b = valid_b && len >= b.raw && crc_failures(in, &b) == 0u;
    if (is_a && is_b) {
        return MB_ERR_WL_FORMAT;
    }
    if (is_a) {
        return decode_as(in, len, MB_WFORMAT_A, out, cap, f);
    }
    if (is_b) {
        return decode_as(in, len, MB_WFORMAT_B, out, cap, f);
    }
    /* No CRC layout holds: an exact length still names the format, and the bad blocks. */
    if (valid_b && len == b.raw) {
        return decode_as(in, len, MB_WFORMAT_B, out, cap, f);
    }
    if (valid_a && len == a.raw) {
        return decode_as(in, len, MB_WFORMAT_A, out, cap, f);
    }
    /* B's reading is always the shorter one when L allows it. */
    if (len < (valid_b ? b.raw : a.raw)) {
        return MB_ERR_WL_TRUNCATED;
    }
    return MB_ERR_WL_FORMAT;
}

int mb_wframe_decode(const uint8_t *in, size_t len, mb_wformat_t format, uint8_t *out, size_t cap,
                     mb_wframe_t *frame)
{
    if (frame == NULL) {
        return MB_ERR_ARG;
    }
    wframe_clear(frame);
    if ((in == NULL && len != 0u) || (out == NULL && cap != 0u) ||
        ((unsigned)format > (unsigned)MB_WFORMAT_NONE)) {
        return MB_ERR_ARG;
    }
    if (len == 0u) {
        return MB_ERR_WL_TRUNCATED;
    }
    int res = format == MB_WFORMAT_AUTO ? decode_auto(in, len, out, cap, frame)
                                        : decode_as(in, len, format, out, cap, frame);
    if (res < 0 && res != MB_ERR_WL_CRC) {
        wframe_clear(frame);
    }
    return res;
}

/* ---- encoding ----------------------------------------------------------------------------- */

int mb_wframe_encode(const uint8_t *frame, size_t frame_len, mb_wformat_t format, uint8_t *out,
                     size_t cap)
{
    layout_t lay;
    if (frame == NULL || (out == NULL && cap != 0u) || format == MB_WFORMAT_AUTO ||
        (unsigned)format > (unsigned)MB_WFORMAT_NONE) {
        return MB_ERR_ARG;
    }
    if (!layout_for_total(format, frame_len, &lay)) {
        return MB_ERR_WL_LEN;
    }
    if (cap < lay.raw) {
        return MB_ERR_NOSPACE;
    }
    /*
     * Last block first: each block moves up by two bytes per CRC before it, so with out == frame
     * the blocks not yet moved (all below) are never overwritten. Block 0 comes last, after its
     * L field is set, as its CRC covers L.
     */
    unsigned blocks = lay.crcs != 0u ? lay.crcs : 1u;
    unsigned crc_bytes = lay.crcs != 0u ? 2u : 0u;
    for (unsigned k = blocks; k-- > 0u;) {
        size_t at = k == 0u ? 0u : lay.first + (size_t)(k - 1u) * lay.next;
        size_t n = block_len(&lay, k, at);
        size_t pos = at + (size_t)k * crc_bytes;
        move_bytes(out + pos, frame + at, n);
        if (k == 0u) {
            out[0] = (uint8_t)((format == MB_WFORMAT_B ? lay.raw : lay.total) - 1u);
        }
        if (crc_bytes != 0u) {
            uint16_t crc = mb_crc16_en13757(out + pos, n);
            out[pos + n] = (uint8_t)(crc >> 8);
            out[pos + n + 1u] = (uint8_t)crc;
        }
    }
    return (int)lay.raw;
}

int mb_wframe_header(uint8_t *out, size_t cap, uint8_t c, const mb_secondary_t *address)
{
    if (address == NULL || (out == NULL && cap != 0u)) {
        return MB_ERR_ARG;
    }
    if (cap < MB_WFRAME_HEADER_LEN) {
        return MB_ERR_NOSPACE;
    }
    out[0] = (uint8_t)(MB_WFRAME_HEADER_LEN - 1u);
    out[1] = c;
    out[2] = (uint8_t)address->manufacturer;
    out[3] = (uint8_t)(address->manufacturer >> 8);
    out[4] = (uint8_t)address->id;
    out[5] = (uint8_t)(address->id >> 8);
    out[6] = (uint8_t)(address->id >> 16);
    out[7] = (uint8_t)(address->id >> 24);
    out[8] = address->version;
    out[9] = address->medium;
    return (int)MB_WFRAME_HEADER_LEN;
}

/* ---- RSSI --------------------------------------------------------------------------------- */

int16_t mb_wrssi_cc1101(uint8_t raw)
{
    /* CC1101 data sheet: RSSI register in two's complement, 0.5 dB steps, offset 74 dB. */
    int value = raw >= 128u ? (int)raw - 256 : (int)raw;
    return (int16_t)(value / 2 - 74);
}

int16_t mb_wrssi_signed(uint8_t raw) { return (int16_t)(raw >= 128u ? (int)raw - 256 : (int)raw); }

#endif /* MB_ENABLE_WIRELESS */
