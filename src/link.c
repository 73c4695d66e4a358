/*
 * Wired link layer (EN 13757-2): frame decoding and encoding, C field, A field, baud rates and
 * secondary addresses. Receiving a byte stream is in link_rx.c.
 */
#include "meterbus/link.h"

#include "internal.h"

/* The C-field names are shared with the wireless link layer (EN 13757-4 uses the same layout). */
const char *mb_c_name(uint8_t c)
{
#if MB_ENABLE_TEXT
    if ((c & 0x80u) != 0u) {
        return "unknown";
    }
    if (mb_c_is_prm(c)) {
        switch (mb_c_function(c)) {
        case 0x0: return "SND_NKE";
        case 0x3:
            if (mb_c_fcv(c)) {
                return "SND_UD";
            }
            return mb_c_fcb(c) ? "unknown" : "SND_UD2"; /* FCB without FCV is meaningless */
        case 0x4: return "SND_NR";
        case 0x5: return "SND_UD3";
        case 0x6: return "SND_IR";
        case 0x7: return "ACC_NR";
        case 0x8: return "ACC_DMD";
        case 0xA: return "REQ_UD1";
        case 0xB: return "REQ_UD2";
        default: return "unknown";
        }
    }
    switch (mb_c_function(c)) {
    case 0x0: return "ACK";
    case 0x1: return "NACK";
    case 0x6: return "CNF_IR";
    case 0x8: return "RSP_UD";
    default: return "unknown";
    }
#else
    (void)c;
    return "";
#endif
}

/* ---- secondary addresses (shared with the wireless link layer) ---------------------------- */

static void put_le32(uint8_t *out, uint32_t v)
{
    out[0] = (uint8_t)v;
    out[1] = (uint8_t)(v >> 8);
    out[2] = (uint8_t)(v >> 16);
    out[3] = (uint8_t)(v >> 24);
}

void mb_secondary_pack(const mb_secondary_t *sec, uint8_t out[MB_SECONDARY_LEN])
{
    /* The BCD ID goes least significant byte first, so 12345678 is sent as 78 56 34 12. */
    put_le32(out, sec->id);
    out[4] = (uint8_t)sec->manufacturer;
    out[5] = (uint8_t)(sec->manufacturer >> 8);
    out[6] = sec->version;
    out[7] = sec->medium;
}

void mb_secondary_unpack(const uint8_t in[MB_SECONDARY_LEN], mb_secondary_t *sec)
{
    sec->id = (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) |
              ((uint32_t)in[3] << 24);
    sec->manufacturer = (uint16_t)(in[4] | (in[5] << 8));
    sec->version = in[6];
    sec->medium = in[7];
}

/* Every nibble of @p mask that is F matches any nibble of @p value. */
static bool nibbles_match(uint32_t mask, uint32_t value, unsigned bits)
{
    for (unsigned shift = 0; shift < bits; shift += 4u) {
        uint32_t m = (mask >> shift) & 0xFu;
        if (m != 0xFu && m != ((value >> shift) & 0xFu)) {
            return false;
        }
    }
    return true;
}

bool mb_secondary_match(const mb_secondary_t *mask, const mb_secondary_t *addr)
{
    /*
     * EN 13757-2 wildcards ID digits one by one and the other fields whole (all ones); matching
     * every field nibble by nibble gives the same answer for those masks and lets a secondary scan
     * tell apart meters that share an ID (see mb_scan_secondary()).
     */
    return nibbles_match(mask->id, addr->id, 32u) &&
           nibbles_match(mask->manufacturer, addr->manufacturer, 16u) &&
           nibbles_match(mask->version, addr->version, 8u) &&
           nibbles_match(mask->medium, addr->medium, 8u);
}

#if MB_ENABLE_WIRED

/* ---- A field, baud rates ------------------------------------------------------------------ */

mb_addr_class_t mb_addr_class(uint8_t a)
{
    if (a == MB_ADDR_UNCONFIGURED) {
        return MB_ADDR_CLASS_UNCONFIGURED;
    }
    if (a <= MB_ADDR_PRIMARY_MAX) {
        return MB_ADDR_CLASS_PRIMARY;
    }
    switch (a) {
    case MB_ADDR_NETWORK: return MB_ADDR_CLASS_NETWORK;
    case MB_ADDR_BROADCAST_REPLY: return MB_ADDR_CLASS_BROADCAST_REPLY;
    case MB_ADDR_BROADCAST: return MB_ADDR_CLASS_BROADCAST;
    default: return MB_ADDR_CLASS_RESERVED; /* 251, 252 */
    }
}

bool mb_addr_expects_reply(uint8_t a)
{
    mb_addr_class_t cls = mb_addr_class(a);
    return cls != MB_ADDR_CLASS_RESERVED && cls != MB_ADDR_CLASS_BROADCAST;
}

/* CI 0xB8 + i selects baud_table[i]. */
static const uint16_t baud_table[8] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400};

uint8_t mb_baud_to_ci(uint32_t baud)
{
    for (uint8_t i = 0; i < 8u; i++) {
        if (baud_table[i] == baud) {
            return (uint8_t)(0xB8u + i);
        }
    }
    return 0;
}

uint32_t mb_ci_to_baud(uint8_t ci)
{
    if (ci < 0xB8u || ci > 0xBFu) {
        return 0;
    }
    return baud_table[ci - 0xB8u];
}

uint32_t mb_wire_time_ms(uint32_t baud, uint32_t bytes)
{
    if (baud == 0u) {
        return 0;
    }
    uint64_t bit_ms = (uint64_t)bytes * 11u * 1000u;
    uint64_t ms = (bit_ms + baud - 1u) / baud;
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* ---- frames ------------------------------------------------------------------------------- */

bool mb_c_valid_for(mb_frame_type_t type, uint8_t c)
{
    switch (type) {
    case MB_FRAME_SHORT:
        /* FCV is fixed per function: 0 for SND_NKE, 1 for the requests. */
        return c == MB_C_SND_NKE || c == MB_C_REQ_UD1 || c == (MB_C_REQ_UD1 | MB_C_FCB) ||
               c == MB_C_REQ_UD2 || c == (MB_C_REQ_UD2 | MB_C_FCB);
    case MB_FRAME_CONTROL:
    case MB_FRAME_LONG:
        if (mb_c_is_prm(c)) {
            /* SND_UD2 sends data by definition: long frames only. */
            return c == MB_C_SND_UD || c == (MB_C_SND_UD | MB_C_FCB) ||
                   (c == MB_C_SND_UD2 && type == MB_FRAME_LONG);
        }
        /* RSP_UD with any combination of ACD and DFC; bit 7 reserved. */
        return (c & (0x80u | MB_C_FN_MASK)) == MB_C_RSP_UD;
    default: return false;
    }
}

static void frame_clear(mb_frame_t *frame)
{
    frame->type = MB_FRAME_NONE;
    frame->c = 0;
    frame->a = 0;
    frame->ci = 0;
    frame->data = NULL;
    frame->data_len = 0;
}

void mb_internal_frame_view(const uint8_t *buf, mb_frame_t *frame)
{
    frame_clear(frame);
    switch (buf[0]) {
    case MB_BYTE_ACK: frame->type = MB_FRAME_ACK; break;
    case MB_BYTE_NACK: frame->type = MB_FRAME_NACK; break;
    case MB_BYTE_SHORT_START:
        frame->type = MB_FRAME_SHORT;
        frame->c = buf[1];
        frame->a = buf[2];
        break;
    default: /* MB_BYTE_LONG_START */
        frame->type = buf[1] == 3u ? MB_FRAME_CONTROL : MB_FRAME_LONG;
        frame->c = buf[4];
        frame->a = buf[5];
        frame->ci = buf[6];
        if (frame->type == MB_FRAME_LONG) {
            frame->data = buf + 7;
            frame->data_len = (size_t)buf[1] - 3u;
        }
        break;
    }
}

int mb_frame_decode_prefix(const uint8_t *buf, size_t len, mb_frame_t *frame)
{
    if (frame == NULL) {
        return MB_ERR_ARG;
    }
    frame_clear(frame);
    if (buf == NULL && len != 0u) {
        return MB_ERR_ARG;
    }
    if (len == 0u) {
        return MB_ERR_FRAME_EMPTY;
    }
    switch (buf[0]) {
    case MB_BYTE_ACK: frame->type = MB_FRAME_ACK; return 1;
    case MB_BYTE_NACK: frame->type = MB_FRAME_NACK; return 1;
    case MB_BYTE_SHORT_START:
        if (len < MB_FRAME_SHORT_LEN) {
            return MB_ERR_FRAME_TRUNCATED;
        }
        if (!mb_c_valid_for(MB_FRAME_SHORT, buf[1])) {
            return MB_ERR_FRAME_CFIELD;
        }
        if (buf[4] != MB_BYTE_STOP) {
            return MB_ERR_FRAME_STOP;
        }
        if (mb_internal_sum8(buf + 1, 2) != buf[3]) {
            return MB_ERR_FRAME_CHECKSUM;
        }
        mb_internal_frame_view(buf, frame);
        return (int)MB_FRAME_SHORT_LEN;
    case MB_BYTE_LONG_START: {
        if (len < 3u) {
            return MB_ERR_FRAME_TRUNCATED;
        }
        if (buf[1] != buf[2]) {
            return MB_ERR_FRAME_LEN_MISMATCH;
        }
        if (len < 4u) {
            return MB_ERR_FRAME_TRUNCATED;
        }
        if (buf[3] != MB_BYTE_LONG_START) {
            return MB_ERR_FRAME_START2;
        }
        size_t l_field = buf[1];
        if (l_field < 3u) {
            return MB_ERR_FRAME_LEN;
        }
        size_t total = l_field + 6u;
        if (len < total) {
            return MB_ERR_FRAME_TRUNCATED;
        }
        if (!mb_c_valid_for(l_field == 3u ? MB_FRAME_CONTROL : MB_FRAME_LONG, buf[4])) {
            return MB_ERR_FRAME_CFIELD;
        }
        if (buf[total - 1u] != MB_BYTE_STOP) {
            return MB_ERR_FRAME_STOP;
        }
        if (mb_internal_sum8(buf + 4, l_field) != buf[total - 2u]) {
            return MB_ERR_FRAME_CHECKSUM;
        }
        mb_internal_frame_view(buf, frame);
        return (int)total;
    }
    default: return MB_ERR_FRAME_START;
    }
}

int mb_frame_decode(const uint8_t *buf, size_t len, mb_frame_t *frame)
{
    int n = mb_frame_decode_prefix(buf, len, frame);
    if (n < 0) {
        return n;
    }
    if ((size_t)n != len) {
        frame_clear(frame);
        return MB_ERR_FRAME_TRAILING;
    }
    return MB_OK;
}

/* Why a frame cannot be encoded, or MB_OK; *len_out gets its wire length when it can. */
static int frame_check(const mb_frame_t *frame, size_t *len_out)
{
    switch (frame->type) {
    case MB_FRAME_ACK:
    case MB_FRAME_NACK: *len_out = 1; return MB_OK;
    case MB_FRAME_SHORT: *len_out = MB_FRAME_SHORT_LEN; break;
    case MB_FRAME_CONTROL:
        if (frame->data_len != 0u) {
            return MB_ERR_ARG;
        }
        *len_out = MB_FRAME_CONTROL_LEN;
        break;
    case MB_FRAME_LONG:
        if (frame->data_len == 0u || frame->data_len > MB_FRAME_DATA_MAX || frame->data == NULL) {
            return MB_ERR_ARG;
        }
        *len_out = MB_FRAME_LONG_LEN(frame->data_len);
        break;
    default: return MB_ERR_ARG;
    }
    return mb_c_valid_for(frame->type, frame->c) ? MB_OK : MB_ERR_FRAME_CFIELD;
}

size_t mb_frame_encoded_len(const mb_frame_t *frame)
{
    size_t len = 0;
    if (frame == NULL || frame_check(frame, &len) != MB_OK) {
        return 0;
    }
    return len;
}

int mb_frame_encode(const mb_frame_t *frame, uint8_t *out, size_t cap)
{
    size_t len = 0;
    if (frame == NULL || (out == NULL && cap != 0u)) {
        return MB_ERR_ARG;
    }
    int err = frame_check(frame, &len);
    if (err != MB_OK) {
        return err;
    }
    if (cap < len) {
        return MB_ERR_NOSPACE;
    }
    switch (frame->type) {
    case MB_FRAME_ACK: out[0] = MB_BYTE_ACK; break;
    case MB_FRAME_NACK: out[0] = MB_BYTE_NACK; break;
    case MB_FRAME_SHORT:
        out[0] = MB_BYTE_SHORT_START;
        out[1] = frame->c;
        out[2] = frame->a;
        out[3] = mb_internal_sum8(out + 1, 2);
        out[4] = MB_BYTE_STOP;
        break;
    default: { /* control or long */
        uint8_t l_field = (uint8_t)(len - 6u);
        out[0] = MB_BYTE_LONG_START;
        out[1] = l_field;
        out[2] = l_field;
        out[3] = MB_BYTE_LONG_START;
        out[4] = frame->c;
        out[5] = frame->a;
        out[6] = frame->ci;
        mb_internal_copy(out + 7, frame->data, frame->data_len);
        out[len - 2u] = mb_internal_sum8(out + 4, l_field);
        out[len - 1u] = MB_BYTE_STOP;
        break;
    }
    }
    return (int)len;
}

/* ---- builders ----------------------------------------------------------------------------- */

static int encode_short(uint8_t *out, size_t cap, uint8_t c, uint8_t a)
{
    mb_frame_t f = {MB_FRAME_SHORT, c, a, 0, NULL, 0};
    return mb_frame_encode(&f, out, cap);
}

/* Control frame when there is no data, long frame otherwise. */
static int encode_long(uint8_t *out, size_t cap, uint8_t c, uint8_t a, uint8_t ci,
                       const uint8_t *data, size_t data_len)
{
    mb_frame_t f = {data_len == 0u ? MB_FRAME_CONTROL : MB_FRAME_LONG, c, a, ci, data, data_len};
    return mb_frame_encode(&f, out, cap);
}

static uint8_t c_snd_ud(bool fcb) { return (uint8_t)(MB_C_SND_UD | (fcb ? MB_C_FCB : 0u)); }

int mb_encode_snd_nke(uint8_t *out, size_t cap, uint8_t address)
{
    return encode_short(out, cap, MB_C_SND_NKE, address);
}

int mb_encode_req_ud2(uint8_t *out, size_t cap, uint8_t address, bool fcb)
{
    return encode_short(out, cap, (uint8_t)(MB_C_REQ_UD2 | (fcb ? MB_C_FCB : 0u)), address);
}

int mb_encode_req_ud1(uint8_t *out, size_t cap, uint8_t address, bool fcb)
{
    return encode_short(out, cap, (uint8_t)(MB_C_REQ_UD1 | (fcb ? MB_C_FCB : 0u)), address);
}

int mb_encode_snd_ud(uint8_t *out, size_t cap, uint8_t address, bool fcb, uint8_t ci,
                     const uint8_t *data, size_t data_len)
{
    return encode_long(out, cap, c_snd_ud(fcb), address, ci, data, data_len);
}

int mb_encode_snd_ud2(uint8_t *out, size_t cap, uint8_t address, uint8_t ci, const uint8_t *data,
                      size_t data_len)
{
    if (data_len == 0u) {
        return MB_ERR_ARG;
    }
    return encode_long(out, cap, MB_C_SND_UD2, address, ci, data, data_len);
}

int mb_encode_app_reset(uint8_t *out, size_t cap, uint8_t address, bool fcb, int subcode)
{
    uint8_t sub;
    if (subcode == MB_APP_RESET_NO_SUBCODE) {
        return encode_long(out, cap, c_snd_ud(fcb), address, 0x50u, NULL, 0);
    }
    if (subcode < 0 || subcode > 0xFF) {
        return MB_ERR_ARG;
    }
    sub = (uint8_t)subcode;
    return encode_long(out, cap, c_snd_ud(fcb), address, 0x50u, &sub, 1);
}

int mb_encode_set_baud(uint8_t *out, size_t cap, uint8_t address, bool fcb, uint32_t baud)
{
    uint8_t ci = mb_baud_to_ci(baud);
    if (ci == 0u) {
        return MB_ERR_ARG;
    }
    return encode_long(out, cap, c_snd_ud(fcb), address, ci, NULL, 0);
}

int mb_encode_set_address(uint8_t *out, size_t cap, uint8_t address, bool fcb, uint8_t new_address)
{
    /* DIF 01 (8-bit integer), VIF 7A (bus address), EN 13757-3. */
    const uint8_t record[3] = {0x01u, 0x7Au, new_address};
    if (new_address > MB_ADDR_PRIMARY_MAX) {
        return MB_ERR_ARG;
    }
    return encode_long(out, cap, c_snd_ud(fcb), address, 0x51u, record, sizeof record);
}

int mb_encode_select(uint8_t *out, size_t cap, bool fcb, const mb_secondary_t *mask)
{
    uint8_t data[MB_SECONDARY_LEN];
    if (mask == NULL) {
        return MB_ERR_ARG;
    }
    mb_secondary_pack(mask, data);
    return encode_long(out, cap, c_snd_ud(fcb), MB_ADDR_NETWORK, 0x52u, data, sizeof data);
}

int mb_encode_select_enhanced(uint8_t *out, size_t cap, bool fcb, const mb_secondary_t *mask,
                              uint32_t fabrication)
{
    /* Selection followed by DIF 0C (8-digit BCD), VIF 78 (fabrication number). */
    uint8_t data[MB_SECONDARY_LEN + 6u];
    if (mask == NULL) {
        return MB_ERR_ARG;
    }
    mb_secondary_pack(mask, data);
    data[8] = 0x0Cu;
    data[9] = 0x78u;
    put_le32(data + 10, fabrication);
    return encode_long(out, cap, c_snd_ud(fcb), MB_ADDR_NETWORK, 0x52u, data, sizeof data);
}

/* ---- slave frames ------------------------------------------------------------------------- */

int mb_encode_ack(uint8_t *out, size_t cap)
{
    mb_frame_t f = {MB_FRAME_ACK, 0, 0, 0, NULL, 0};
    return mb_frame_encode(&f, out, cap);
}

int mb_encode_nack(uint8_t *out, size_t cap)
{
    mb_frame_t f = {MB_FRAME_NACK, 0, 0, 0, NULL, 0};
    return mb_frame_encode(&f, out, cap);
}

int mb_encode_rsp_ud(uint8_t *out, size_t cap, uint8_t address, bool acd, bool dfc, uint8_t ci,
                     const uint8_t *data, size_t data_len)
{
    uint8_t c = (uint8_t)(MB_C_RSP_UD | (acd ? MB_C_ACD : 0u) | (dfc ? MB_C_DFC : 0u));
    return encode_long(out, cap, c, address, ci, data, data_len);
}

const char *mb_frame_type_name(mb_frame_type_t type)
{
#if MB_ENABLE_TEXT
    switch (type) {
    case MB_FRAME_ACK: return "ACK";
    case MB_FRAME_NACK: return "NACK";
    case MB_FRAME_SHORT: return "short";
    case MB_FRAME_CONTROL: return "control";
    case MB_FRAME_LONG: return "long";
    default: return "none";
    }
#else
    (void)type;
    return "";
#endif
}

#endif /* MB_ENABLE_WIRED */
