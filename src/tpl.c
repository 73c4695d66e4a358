/*
 * Transport layer (EN 13757-3/-7): what each CI carries, the short and long headers, the
 * identification fields, and the legacy fixed data structure of wired meters.
 */
#include "meterbus/tpl.h"

#include "meterbus/records.h"

#include "internal.h"

/*
 * What each CI carries (EN 13757-7:2018 table, with the wired legacy codes), packed in 16 bits:
 * header (2 bits), content (5 bits), direction (2 bits); 0 is a reserved code.
 */
#define CI(h, c, d) (uint16_t)(MB_TPL_HEADER_##h | MB_CI_##c << 2 | MB_CI_##d << 7)
/* The packing holds every content kind. */
typedef char mb_ci_content_fits[MB_CI_NETWORK_LAYER < 32 ? 1 : -1];

#define CI_FIRST 0x50u
#define CI_LAST  0xC5u

static const uint16_t ci_table[CI_LAST - CI_FIRST + 1u] = {
    [0x50 - 0x50] = CI(NONE, APP_RESET, TO_METER),
    [0x51 - 0x50] = CI(NONE, RECORDS, TO_METER),
    [0x52 - 0x50] = CI(NONE, SELECTION, TO_METER),
    [0x53 - 0x50] = CI(LONG, APP_RESET, TO_METER),
    [0x54 - 0x50] = CI(NONE, SELECTED_APP, TO_METER),
    [0x55 - 0x50] = CI(LONG, SELECTED_APP, TO_METER),
    [0x5A - 0x50] = CI(SHORT, RECORDS, TO_METER),
    [0x5B - 0x50] = CI(LONG, RECORDS, TO_METER),
    [0x5C - 0x50] = CI(NONE, SYNC, TO_METER),
    [0x5F - 0x50] = CI(LONG, RESERVED, ANY), /* specific usage (OMS) */
    [0x60 - 0x50] = CI(LONG, DLMS, TO_METER),
    [0x61 - 0x50] = CI(SHORT, DLMS, TO_METER),
    [0x64 - 0x50] = CI(LONG, DLMS, TO_METER), /* OBIS based */
    [0x65 - 0x50] = CI(SHORT, DLMS, TO_METER),
    [0x66 - 0x50] = CI(NONE, SELECTED_APP, FROM_METER),
    [0x67 - 0x50] = CI(SHORT, SELECTED_APP, FROM_METER),
    [0x68 - 0x50] = CI(LONG, SELECTED_APP, FROM_METER),
    [0x69 - 0x50] = CI(NONE, FORMAT, FROM_METER),
    [0x6A - 0x50] = CI(SHORT, FORMAT, FROM_METER),
    [0x6B - 0x50] = CI(LONG, FORMAT, FROM_METER),
    [0x6C - 0x50] = CI(LONG, TIME_SYNC, TO_METER),
    [0x6D - 0x50] = CI(LONG, TIME_SYNC, TO_METER),
    [0x6E - 0x50] = CI(SHORT, APP_ERROR, FROM_METER),
    [0x6F - 0x50] = CI(LONG, APP_ERROR, FROM_METER),
    [0x70 - 0x50] = CI(NONE, APP_ERROR, FROM_METER),
    [0x71 - 0x50] = CI(NONE, ALARM, FROM_METER),
    [0x72 - 0x50] = CI(LONG, RECORDS, FROM_METER),
    [0x73 - 0x50] = CI(LONG, COMPACT, FROM_METER),
    [0x74 - 0x50] = CI(SHORT, ALARM, FROM_METER),
    [0x75 - 0x50] = CI(LONG, ALARM, FROM_METER),
    [0x78 - 0x50] = CI(NONE, RECORDS, FROM_METER),
    [0x79 - 0x50] = CI(NONE, COMPACT, FROM_METER),
    [0x7A - 0x50] = CI(SHORT, RECORDS, FROM_METER),
    [0x7B - 0x50] = CI(SHORT, COMPACT, FROM_METER),
    [0x7C - 0x50] = CI(LONG, DLMS, FROM_METER),
    [0x7D - 0x50] = CI(SHORT, DLMS, FROM_METER),
    [0x7E - 0x50] = CI(LONG, DLMS, FROM_METER), /* OBIS based */
    [0x7F - 0x50] = CI(SHORT, DLMS, FROM_METER),
    [0x80 - 0x50] = CI(LONG, TPL_ONLY, TO_METER),
    [0x81 - 0x50] = CI(OTHER, NETWORK_LAYER, ANY),
    [0x82 - 0x50] = CI(LONG, NETWORK_MANAGEMENT, TO_METER),
    [0x83 - 0x50] = CI(NONE, NETWORK_MANAGEMENT, TO_METER),
    [0x84 - 0x50] = CI(LONG, TPL_ONLY, TO_METER), /* compact frame expected */
    [0x85 - 0x50] = CI(LONG, TPL_ONLY, TO_METER), /* format frame expected */
    [0x86 - 0x50] = CI(OTHER, ELL, ANY),
    [0x87 - 0x50] = CI(LONG, NETWORK_MANAGEMENT, FROM_METER),
    [0x88 - 0x50] = CI(SHORT, NETWORK_MANAGEMENT, FROM_METER),
    [0x89 - 0x50] = CI(NONE, NETWORK_MANAGEMENT, FROM_METER),
    [0x8A - 0x50] = CI(SHORT, TPL_ONLY, FROM_METER),
    [0x8B - 0x50] = CI(LONG, TPL_ONLY, FROM_METER),
    [0x90 - 0x50] = CI(OTHER, AFL, ANY),
    [0x9E - 0x50] = CI(SHORT, RESERVED, ANY), /* specific usage (OMS) */
    [0x9F - 0x50] = CI(LONG, RESERVED, ANY),
    [0xC0 - 0x50] = CI(LONG, IMAGE_TRANSFER, TO_METER),
    [0xC1 - 0x50] = CI(SHORT, IMAGE_TRANSFER, FROM_METER),
    [0xC2 - 0x50] = CI(LONG, IMAGE_TRANSFER, FROM_METER),
    [0xC3 - 0x50] = CI(LONG, SECURITY_TRANSFER, TO_METER),
    [0xC4 - 0x50] = CI(SHORT, SECURITY_TRANSFER, FROM_METER),
    [0xC5 - 0x50] = CI(LONG, SECURITY_TRANSFER, FROM_METER),
};

static inline mb_ci_info_t ci_info(uint8_t ci)
{
    unsigned packed = 0;
    if (ci >= 0xA0u && ci <= 0xB7u) {
        packed = CI(NONE, MANUFACTURER, ANY);
    } else if (ci >= 0xB8u && ci <= 0xBFu) {
        packed = CI(NONE, BAUD, TO_METER);
    } else if (ci >= 0x8Cu && ci <= 0x8Fu) {
        packed = CI(OTHER, ELL, ANY);
    } else if (ci >= CI_FIRST && ci <= CI_LAST) {
        packed = ci_table[ci - CI_FIRST];
    }
    mb_ci_info_t info = {(mb_tpl_header_t)(packed & 3u), (mb_ci_content_t)((packed >> 2) & 0x1Fu),
                         (mb_ci_direction_t)(packed >> 7)};
    return info;
}

mb_ci_info_t mb_ci_info(uint8_t ci) { return ci_info(ci); }

/* ---- identification fields ---------------------------------------------------------------- */

bool mb_manufacturer_text(uint16_t code, char out[4])
{
    bool ok = true;
    for (unsigned i = 0; i < 3u; i++) {
        unsigned letter = ((unsigned)code >> (10u - 5u * i)) & 0x1Fu;
        if (letter < 1u || letter > 26u) {
            out[i] = '?';
            ok = false;
        } else {
            out[i] = (char)('@' + letter);
        }
    }
    out[3] = '\0';
    return ok;
}

uint16_t mb_manufacturer_code(const char *letters)
{
    unsigned code = 0;
    if (letters == NULL) {
        return 0;
    }
    for (unsigned i = 0; i < 3u; i++) {
        char c = letters[i];
        if (c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
        }
        if (c < 'A' || c > 'Z') {
            return 0;
        }
        code = code << 5 | (unsigned)(c - '@');
    }
    return letters[3] == '\0' ? (uint16_t)code : 0u;
}

void mb_id_text(uint32_t id, char out[9])
{
    static const char hex[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < 8u; i++) {
        out[i] = hex[(id >> (28u - 4u * i)) & 0xFu];
    }
    out[8] = '\0';
}

/* ---- headers ------------------------------------------------------------------------------ */

static uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int mb_tpl_decode(uint8_t ci, const uint8_t *data, size_t len, mb_tpl_t *tpl)
{
    if (tpl == NULL || (data == NULL && len != 0u)) {
        return MB_ERR_ARG;
    }
    static const mb_tpl_t empty = {0};
    *tpl = empty;
    tpl->ci = ci;
    tpl->info = ci_info(ci);
    size_t pos = 0;

    /*
     * CI 0x73: the legacy fixed structure of wired meters has exactly 16 bytes; a compact frame
     * with a long header would need 12 header bytes, 2 signature and 2 CRC bytes and then carry
     * no data at all, which no meter sends. So 16 bytes mean the fixed structure.
     */
    if (ci == 0x73u && len == MB_FIXED_LEN) {
        tpl->info.header = MB_TPL_HEADER_NONE;
        tpl->info.content = MB_CI_FIXED;
    }

    if (tpl->info.header == MB_TPL_HEADER_LONG) {
        if (len < 12u) {
            return MB_ERR_TPL_SHORT;
        }
        mb_secondary_unpack(data, &tpl->address);
        tpl->has_address = true;
        pos = 8; /* the long header ends with the short header's fields */
    }
    if (tpl->info.header == MB_TPL_HEADER_LONG || tpl->info.header == MB_TPL_HEADER_SHORT) {
        if (len - pos < 4u) {
            return MB_ERR_TPL_SHORT;
        }
        tpl->access = data[pos];
        tpl->status = data[pos + 1u];
        tpl->config = get_le16(data + pos + 2u);
        pos += 4u;
    }

    /* Security modes 7 and 13 extend the configuration field (EN 13757-7). */
    uint8_t mode = mb_cf_security_mode(tpl->config);
    if (tpl->info.header != MB_TPL_HEADER_NONE && (mode == 7u || mode == 13u)) {
        if (pos >= len) {
            return MB_ERR_TPL_SHORT;
        }
        tpl->config_ext = data[pos++];
        tpl->has_config_ext = true;
        if (mode == 7u && (tpl->config & 0x2000u) != 0u) { /* Z: message counter */
            if (len - pos < 4u) {
                return MB_ERR_TPL_SHORT;
            }
            tpl->message_counter = get_le32(data + pos);
            tpl->has_message_counter = true;
            pos += 4u;
        }
        if (mode == 7u && (tpl->config_ext & 0x40u) != 0u) { /* V: key version */
            if (pos >= len) {
                return MB_ERR_TPL_SHORT;
            }
            tpl->key_version = data[pos++];
            tpl->has_key_version = true;
        }
    }
    tpl->apl = data == NULL ? NULL : data + pos;
    tpl->apl_len = len - pos;
    return MB_OK;
}

/* ---- legacy fixed data structure ---------------------------------------------------------- */

typedef struct fixed_unit {
    uint8_t quantity;
    uint8_t unit;
    int8_t exponent;
} fixed_unit_t;

#define FU(q, u, e)                                   \
    {                                                 \
        (uint8_t) MB_Q_##q, (uint8_t)MB_UNIT_##u, (e) \
    }
#define FU3(q, u, e) FU(q, u, e), FU(q, u, (e) + 1), FU(q, u, (e) + 2)
#define FU9(q, u, e) FU3(q, u, e), FU3(q, u, (e) + 3), FU3(q, u, (e) + 6)

/* Unit codes 0x02..0x38 of the fixed structure: nine decades of each unit, Wh to 100 MWh etc. */
static const fixed_unit_t fixed_units[0x39 - 0x02] = {
    FU9(ENERGY, WH, 0),             /* 02..0A Wh .. 100 MWh */
    FU9(ENERGY, J, 3),              /* 0B..13 kJ .. 100 GJ */
    FU9(POWER, W, 0),               /* 14..1C W .. 100 MW */
    FU9(POWER, J_PER_H, 3),         /* 1D..25 kJ/h .. 100 GJ/h */
    FU9(VOLUME, M3, -6),            /* 26..2E ml .. 100 m3 */
    FU9(VOLUME_FLOW, M3_PER_H, -6), /* 2F..37 ml/h .. 100 m3/h */
    FU(TEMPERATURE, CELSIUS, -3),   /* 38: 10^-3 degrees C */
};

static void fixed_counter(const uint8_t *p, bool binary, uint8_t unit_code, mb_fixed_counter_t *c)
{
    c->unit_code = unit_code;
    c->valid = true;
    c->quantity = MB_Q_UNKNOWN;
    c->unit = MB_UNIT_NONE;
    c->exponent = 0;
    if (binary) {
        c->mantissa = (int64_t)get_le32(p);
    } else {
        int64_t m = 0;
        for (unsigned i = 4; i-- > 0u;) {
            unsigned hi = p[i] >> 4, lo = p[i] & 0x0Fu;
            if (hi > 9u || lo > 9u) {
                c->valid = false;
            }
            m = m * 100 + (int64_t)(hi * 10u + lo);
        }
        c->mantissa = c->valid ? m : 0;
    }
    if (unit_code >= 0x02u && unit_code <= 0x38u) {
        const fixed_unit_t *u = &fixed_units[unit_code - 0x02u];
        c->quantity = (mb_quantity_t)u->quantity;
        c->unit = (mb_unit_t)u->unit;
        c->exponent = u->exponent;
    } else if (unit_code == 0x39u) {
        c->quantity = MB_Q_HCA_UNITS;
    }
}

int mb_fixed_decode(const uint8_t *data, size_t len, mb_fixed_t *fixed)
{
    if (fixed == NULL || data == NULL) {
        return MB_ERR_ARG;
    }
    if (len < MB_FIXED_LEN) {
        return MB_ERR_TPL_SHORT;
    }
    fixed->id = get_le32(data);
    fixed->access = data[4];
    fixed->status = data[5];
    fixed->medium = (uint8_t)((data[6] >> 6) | ((data[7] >> 6) << 2));
    bool binary = (data[5] & 0x80u) != 0u;
    uint8_t unit1 = data[6] & 0x3Fu;
    uint8_t unit2 = data[7] & 0x3Fu;
    fixed_counter(data + 8, binary, unit1, &fixed->counter[0]);
    /* Unit code 3E: counter 2 has counter 1's unit and is a stored (historic) value. */
    fixed_counter(data + 12, binary, unit2 == 0x3Eu ? unit1 : unit2, &fixed->counter[1]);
    fixed->counter[1].unit_code = unit2;
    fixed->counter[0].historic = false;
    fixed->counter[1].historic = unit2 == 0x3Eu || (data[5] & 0x40u) != 0u;
    return MB_OK;
}
