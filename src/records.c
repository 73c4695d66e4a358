/*
 * Data records (EN 13757-3): the iterator, value decoding with exact scaling, and the encoder.
 * The VIF/VIFE tables are in vif.c.
 */
#include "meterbus/records.h"

#include <stddef.h>

#include "internal.h"

/* ---- quantity traits ---------------------------------------------------------------------- */

const uint8_t mb_internal_traits[MB_Q_COUNT_] = {
    [MB_Q_DATE] = MB_INTERNAL_TR_DATE,
    [MB_Q_DATE_TIME] = MB_INTERNAL_TR_DATE,
    [MB_Q_TARIFF_START] = MB_INTERNAL_TR_DATE,
    [MB_Q_BATTERY_CHANGE_DATE] = MB_INTERNAL_TR_DATE,
    [MB_Q_DAYLIGHT_SAVING] = MB_INTERNAL_TR_OPAQUE,
    [MB_Q_LISTENING_WINDOW] = MB_INTERNAL_TR_OPAQUE,
    [MB_Q_FABRICATION_NUMBER] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_ENHANCED_IDENTIFICATION] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_BUS_ADDRESS] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_ACCESS_NUMBER] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_MEDIUM] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_MANUFACTURER] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_ERROR_FLAGS] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_ERROR_MASK] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_DIGITAL_OUTPUT] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_DIGITAL_INPUT] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_BAUD_RATE] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_RESPONSE_DELAY] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_RETRY] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_FIRST_STORAGE_NUMBER] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_LAST_STORAGE_NUMBER] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_STORAGE_BLOCK_SIZE] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_DAY_OF_WEEK] = MB_INTERNAL_TR_UNSIGNED,
    [MB_Q_WEEK_NUMBER] = MB_INTERNAL_TR_UNSIGNED,
};

static bool is_unsigned(const mb_record_t *rec)
{
    return (mb_internal_traits[rec->quantity] & MB_INTERNAL_TR_UNSIGNED) != 0u ||
           (rec->vife_flags & (MB_VIFE_TYPE_C | MB_VIFE_TYPE_D)) != 0u;
}

/* ---- exact integer arithmetic ------------------------------------------------------------- */

static const int64_t pow10_table[19] = {1,
                                        10,
                                        100,
                                        1000,
                                        10000,
                                        100000,
                                        1000000,
                                        10000000,
                                        100000000,
                                        1000000000,
                                        10000000000,
                                        100000000000,
                                        1000000000000,
                                        10000000000000,
                                        100000000000000,
                                        1000000000000000,
                                        10000000000000000,
                                        100000000000000000,
                                        1000000000000000000};

/*
 * *v *= f without overflow; false (and *v unchanged) when it would overflow. f > 0. GCC and clang
 * check with the multiplication itself: a 64-bit division would pull a 500-byte routine into
 * Cortex-M0 firmware that decodes records.
 */
static bool mul_checked(int64_t *v, int64_t f)
{
#if defined(__GNUC__) || defined(__clang__)
    int64_t r;
    if (__builtin_mul_overflow(*v, f, &r)) {
        return false;
    }
    *v = r;
    return true;
#else
    if (*v > 0 ? *v > INT64_MAX / f : *v < INT64_MIN / f) {
        return false;
    }
    *v *= f;
    return true;
#endif
}

static bool add_checked(int64_t *v, int64_t a)
{
    if (a > 0 ? *v > INT64_MAX - a : *v < INT64_MIN - a) {
        return false;
    }
    *v += a;
    return true;
}

/* 2^-12 = 244140625 * 10^-12: heat cost allocator factors stay exact decimals. */
#define HCA_FACTOR 244140625

/* Seconds per minute/hour/day, and the base unit each converts to; 0 when none. */
static int64_t unit_factor(mb_unit_t unit, mb_unit_t *base)
{
    switch (unit) {
    case MB_UNIT_MINUTE: *base = MB_UNIT_S; return 60;
    case MB_UNIT_HOUR: *base = MB_UNIT_S; return 3600;
    case MB_UNIT_DAY: *base = MB_UNIT_S; return 86400;
    case MB_UNIT_M3_PER_MIN: *base = MB_UNIT_M3_PER_H; return 60;
    case MB_UNIT_M3_PER_S: *base = MB_UNIT_M3_PER_H; return 3600;
    default: *base = unit; return 0;
    }
}

/* ---- data decoding ------------------------------------------------------------------------ */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* n <= 8 bytes, least significant first. The widths of the DIF's integer codings go straight. */
static inline uint64_t read_le(const uint8_t *p, size_t n)
{
    switch (n) {
    case 1: return p[0];
    case 2: return (uint32_t)p[0] | (uint32_t)p[1] << 8;
    case 4: return le32(p);
    case 8: return le32(p) | (uint64_t)le32(p + 4) << 32;
    default: break;
    }
    uint64_t v = 0;
    while (n-- > 0u) {
        v = (v << 8) | p[n];
    }
    return v;
}

/* decode_bcd() for 1..4 bytes, in 32 bits: most BCD fields are 2..8 digits. */
static inline void decode_bcd32(const uint8_t *p, size_t n, bool lvar, bool negative, mb_value_t *v)
{
    uint32_t y = (uint32_t)read_le(p, n);
    unsigned top = 8u * (unsigned)n - 4u;
    if (!lvar && (y >> top) == 0xFu) {
        negative = true;
        y &= ~((uint32_t)0xF << top);
    }
    uint32_t hi = (y >> 4) & 0x0F0F0F0Fu, lo = y & 0x0F0F0F0Fu;
    if ((((hi + 0x06060606u) | (lo + 0x06060606u)) & 0xF0F0F0F0u) != 0u) {
        v->flags |= MB_VALUE_INVALID | MB_VALUE_BCD_HEX;
        v->mantissa = 0;
        return;
    }
    uint32_t bytes = lo + hi * 10u;
    uint32_t pairs = (bytes & 0x00FF00FFu) + ((bytes >> 8) & 0x00FF00FFu) * 100u;
    int64_t m = (int64_t)((pairs & 0xFFFFu) + (pairs >> 16) * 10000u);
    v->mantissa = negative ? -m : m;
}

/*
 * BCD, least significant byte first. Fixed-length BCD (type A, @p lvar false) is negative when its
 * top nibble is F; variable-length BCD has its sign in the LVAR (@p negative), and an F there is
 * a hex digit like any other. Up to 8 bytes are converted in parallel: every nibble checked for
 * 0..9 at once, then nibbles, bytes and 16-bit lanes merged into decimal. Longer BCD (variable
 * length, up to 9 bytes) goes digit pair by pair.
 */
static void decode_bcd(const uint8_t *p, size_t n, bool lvar, bool negative, mb_value_t *v)
{
    if (n == 0u) {
        v->mantissa = 0;
        return;
    }
    if (n > 8u) {
        int64_t m = 0;
        for (size_t i = n; i-- > 0u;) {
            unsigned b = p[i];
            if (!lvar && i == n - 1u && (b >> 4) == 0xFu) {
                negative = true;
                b &= 0x0Fu;
            }
            if (b >= 0xA0u || (b & 0x0Fu) > 9u) {
                v->flags |= MB_VALUE_INVALID | MB_VALUE_BCD_HEX;
                v->mantissa = 0;
                return;
            }
            m = m * 100 + (int64_t)((b >> 4) * 10u + (b & 0x0Fu));
        }
        v->mantissa = negative ? -m : m;
        return;
    }
    if (n <= 4u) {
        decode_bcd32(p, n, lvar, negative, v);
        return;
    }
    uint64_t x = read_le(p, n);
    unsigned top_shift = 8u * (unsigned)n - 4u;
    if (!lvar && (x >> top_shift) == 0xFu) { /* sign nibble */
        negative = true;
        x &= ~((uint64_t)0xF << top_shift);
    }
    /* A nibble above 9 carries when 6 is added: look for carries into the next nibble. */
    const uint64_t sixes = 0x0606060606060606u;
    const uint64_t low = 0x0F0F0F0F0F0F0F0Fu;
    uint64_t hi_nibbles = (x >> 4) & low, lo_nibbles = x & low;
    if ((((hi_nibbles + sixes) | (lo_nibbles + sixes)) & 0xF0F0F0F0F0F0F0F0u) != 0u) {
        v->flags |= MB_VALUE_INVALID | MB_VALUE_BCD_HEX;
        v->mantissa = 0;
        return;
    }
    uint64_t bytes = lo_nibbles + hi_nibbles * 10u; /* each byte 0..99 */
    uint64_t pairs = (bytes & 0x00FF00FF00FF00FFu) + ((bytes >> 8) & 0x00FF00FF00FF00FFu) * 100u;
    uint64_t quads = (pairs & 0x0000FFFF0000FFFFu) + ((pairs >> 16) & 0x0000FFFF0000FFFFu) * 10000u;
    int64_t m = (int64_t)((quads & 0xFFFFFFFFu) + (quads >> 32) * 100000000u);
    v->mantissa = negative ? -m : m;
}

/* The "every" wildcards of types F and G; year 127 means every year. */
static uint16_t century_year(unsigned year, unsigned hundred)
{
    /* EN 13757-3 compatibility rule: without hundred-year bits, years up to 80 are 20xx. */
    if (hundred == 0u && year <= 80u) {
        return (uint16_t)(2000u + year);
    }
    return (uint16_t)(1900u + 100u * hundred + year);
}

static void decode_date(const uint8_t *p, size_t n, mb_datetime_t *dt)
{
    *dt = (mb_datetime_t){0, 0, 0, 0, 0, 0, 0, 0, 0};
    unsigned year = 0;
    switch (n) {
    case 2: /* type G: date */
        dt->type = 'G';
        dt->flags = MB_DT_HAS_DATE;
        if (p[0] == 0xFFu && p[1] == 0xFFu) {
            dt->flags |= MB_DT_INVALID;
        }
        dt->day = p[0] & 0x1Fu;
        dt->month = p[1] & 0x0Fu;
        year = ((p[0] >> 5) & 7u) | ((unsigned)(p[1] >> 4) << 3);
        dt->year = century_year(year, 0);
        break;
    case 3: /* type J: time of day */
        dt->type = 'J';
        dt->flags = MB_DT_HAS_TIME | MB_DT_HAS_SECOND;
        dt->second = p[0] & 0x3Fu;
        dt->minute = p[1] & 0x3Fu;
        dt->hour = p[2] & 0x1Fu;
        if (dt->second == 63u || dt->minute == 63u || dt->hour == 31u) {
            dt->flags |= MB_DT_PERIODIC;
        }
        return;
    case 4: /* type F: date and time to the minute */
        dt->type = 'F';
        dt->flags = MB_DT_HAS_DATE | MB_DT_HAS_TIME;
        if ((p[0] & 0x80u) != 0u) {
            dt->flags |= MB_DT_INVALID;
        }
        if ((p[1] & 0x80u) != 0u) {
            dt->flags |= MB_DT_SUMMER_TIME;
        }
        dt->minute = p[0] & 0x3Fu;
        dt->hour = p[1] & 0x1Fu;
        dt->day = p[2] & 0x1Fu;
        dt->month = p[3] & 0x0Fu;
        year = ((p[2] >> 5) & 7u) | ((unsigned)(p[3] >> 4) << 3);
        dt->year = century_year(year, (p[1] >> 5) & 3u);
        if (dt->minute == 63u || dt->hour == 31u) {
            dt->flags |= MB_DT_PERIODIC;
        }
        break;
    default: /* 6, type I: date and time to the second */
        dt->type = 'I';
        dt->flags = MB_DT_HAS_DATE | MB_DT_HAS_TIME | MB_DT_HAS_SECOND;
        if ((p[1] & 0x80u) != 0u) {
            dt->flags |= MB_DT_INVALID;
        }
        if ((p[0] & 0x40u) != 0u) {
            dt->flags |= MB_DT_SUMMER_TIME;
        }
        dt->second = p[0] & 0x3Fu;
        dt->minute = p[1] & 0x3Fu;
        dt->hour = p[2] & 0x1Fu;
        dt->weekday = (uint8_t)(p[2] >> 5);
        dt->day = p[3] & 0x1Fu;
        dt->month = p[4] & 0x0Fu;
        year = ((p[3] >> 5) & 7u) | ((unsigned)(p[4] >> 4) << 3);
        dt->year = century_year(year, 0);
        if (dt->second == 63u || dt->minute == 63u || dt->hour == 31u) {
            dt->flags |= MB_DT_PERIODIC;
        }
        break;
    }
    if (dt->day == 0u || dt->month == 15u) {
        dt->flags |= MB_DT_PERIODIC;
    }
    if (year == 127u) {
        dt->flags |= MB_DT_PERIODIC | MB_DT_EVERY_YEAR;
    }
}

/* Bytes of value data for DIF data fields 0..E (0xD: variable, read from LVAR). */
const uint8_t mb_internal_field_len[16] = {0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 0};
/* Data fields of the iterator's fast path: integers of 1..8 bytes and BCD of 2..12 digits. */
#define FAST_FIELDS 0x5EDEu

/*
 * Length of variable-length data from its LVAR byte (EN 13757-3 table of LVAR ranges); -1 for the
 * reserved ranges, whose length cannot be known.
 */
int mb_internal_lvar_len(uint8_t lvar)
{
    if (lvar <= 0xBFu) {
        return lvar; /* text */
    }
    if (lvar <= 0xC9u) {
        return lvar - 0xC0; /* positive BCD */
    }
    if (lvar >= 0xD0u && lvar <= 0xD9u) {
        return lvar - 0xD0; /* negative BCD */
    }
    if (lvar >= 0xE0u && lvar <= 0xEFu) {
        return lvar - 0xE0; /* binary */
    }
    if (lvar >= 0xF0u && lvar <= 0xF4u) {
        return 4 * (lvar - 0xEC); /* binary, 16..32 bytes */
    }
    if (lvar == 0xF5u) {
        return 48;
    }
    if (lvar == 0xF6u) {
        return 64;
    }
    return -1;
}

/* A signed (type B) integer of 1..8 bytes, least significant first. */
static inline int64_t read_signed(const uint8_t *p, size_t n)
{
    uint64_t raw = read_le(p, n);
    if (n < 8u && (raw >> (8u * n - 1u)) != 0u) {
        raw |= ~(uint64_t)0 << (8u * n); /* sign-extend */
    }
    return (int64_t)raw; /* two's complement on every C99 target with int64_t */
}

/* An integer of n <= 8 bytes as the record's signedness has it. */
static void decode_integer(const uint8_t *p, size_t n, const mb_record_t *rec, mb_value_t *v)
{
    v->kind = MB_VALUE_NUMBER;
    if (!is_unsigned(rec)) {
        v->mantissa = read_signed(p, n);
        return;
    }
    uint64_t raw = read_le(p, n);
    if (raw > (uint64_t)INT64_MAX) {
        v->flags |= MB_VALUE_OVERFLOW;
        return;
    }
    v->mantissa = (int64_t)raw;
}

/* Apply the VIB's scaling to a number: exponent, 2^-12, offset, then minutes to seconds etc. */
static void scale_number(mb_record_t *rec, const mb_vib_t *vib)
{
    mb_value_t *v = &rec->value;
    if ((v->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW)) != 0u) {
        return;
    }
    if (!vib->hca_scale && !vib->has_offset && !vib->is_count && vib->duration_unit == 0u &&
        rec->unit < MB_UNIT_MINUTE) {
        v->exponent = vib->exponent; /* the common case: a power of ten */
        return;
    }
    if (vib->is_count) { /* number of limit exceeds */
        rec->unit = MB_UNIT_NONE;
        return;
    }
    if (vib->duration_unit != 0u) { /* duration of a limit exceed, in the VIFE's unit */
        rec->unit = (mb_unit_t)vib->duration_unit;
    } else {
        v->exponent = vib->exponent;
        if (vib->hca_scale && !mul_checked(&v->mantissa, HCA_FACTOR)) {
            v->flags |= MB_VALUE_OVERFLOW;
            return;
        }
        if (vib->has_offset) {
            int64_t m = v->mantissa;
            int8_t e = v->exponent;
            int shift = vib->offset_exponent - e; /* VIFEs can move it past the table (±30) */
            bool ok;
            if (m == 0) { /* 0 + 10^offset, whatever the distance */
                m = 1;
                e = vib->offset_exponent;
                ok = true;
            } else if (shift >= 0) {
                ok = shift <= 18 && add_checked(&m, pow10_table[shift]);
            } else {
                ok = -shift <= 18 && mul_checked(&m, pow10_table[-shift]) && add_checked(&m, 1);
                e = vib->offset_exponent;
            }
            if (!ok) {
                v->flags |= MB_VALUE_OVERFLOW;
                return;
            }
            v->mantissa = m;
            v->exponent = e;
        }
    }
    mb_unit_t base;
    int64_t f = unit_factor(rec->unit, &base);
    if (f != 0 && mul_checked(&v->mantissa, f)) { /* on overflow the unit stays as sent */
        rec->unit = base;
    }
}

#if MB_ENABLE_REAL32
/*
 * A float's VIF scaling: the decimal exponent is kept, the 2^-12 of heat cost allocator factors
 * (exact in binary) and an additive offset are applied to the float itself.
 */
static void scale_real(mb_value_t *v, const mb_vib_t *vib)
{
    if (vib->hca_scale) {
        v->real *= 1.0f / 4096.0f;
        v->exponent = 0;
    }
    if (vib->has_offset) {
        float offset = 1.0f; /* 10^(offset exponent - value exponent) */
        for (int k = vib->offset_exponent - v->exponent; k > 0; k--) {
            offset *= 10.0f;
        }
        for (int k = vib->offset_exponent - v->exponent; k < 0; k++) {
            offset /= 10.0f;
        }
        v->real += offset;
    }
}
#endif

/* Types that are kept as bytes whatever their coding: K and L by quantity, M (VIF 6D, LVAR). */
static bool opaque(const mb_record_t *rec, const mb_vib_t *vib)
{
    return (mb_internal_traits[rec->quantity] & MB_INTERNAL_TR_OPAQUE) != 0u ||
           (vib->is_date && rec->data_field == 0xDu);
}

static int decode_value(mb_record_t *rec, const mb_vib_t *vib)
{
    mb_value_t *v = &rec->value;
    const uint8_t *p = rec->data;
    size_t n = rec->data_len;
    v->bytes = p;
    v->len = n;

    if (rec->data_field == 0x0u || rec->data_field == 0x8u) {
        v->kind = MB_VALUE_NONE;
        return MB_OK;
    }
    if (opaque(rec, vib)) {
        v->kind = MB_VALUE_BINARY;
        v->flags |= MB_VALUE_OPAQUE;
        rec->unit = MB_UNIT_NONE;
        return MB_OK;
    }
    switch (rec->data_field) {
    case 0x5: v->kind = MB_VALUE_REAL; v->exponent = vib->exponent;
#if MB_ENABLE_REAL32
        {
            /* IEEE 754 binary32, little endian on the wire, whatever the host's byte order. */
            union {
                uint32_t u;
                float f;
            } bits;
            bits.u = (uint32_t)read_le(p, 4);
            v->real = bits.f;
            scale_real(v, vib);
        }
#endif
        return MB_OK;
    case 0x9:
    case 0xA:
    case 0xB:
    case 0xC:
    case 0xE:
        v->kind = MB_VALUE_NUMBER;
        decode_bcd(p, n, false, false, v);
        scale_number(rec, vib);
        return MB_OK;
    case 0xD:
        if (rec->lvar <= 0xBFu) {
            v->kind = MB_VALUE_TEXT;
            rec->unit = MB_UNIT_NONE;
            return MB_OK;
        }
        if (rec->lvar <= 0xD9u) {
            v->kind = MB_VALUE_NUMBER;
            decode_bcd(p, n, true, rec->lvar >= 0xD0u, v);
            scale_number(rec, vib);
            return MB_OK;
        }
        if (n <= 8u && n > 0u) {
            decode_integer(p, n, rec, v);
            scale_number(rec, vib);
            return MB_OK;
        }
        v->kind = MB_VALUE_BINARY;
        return MB_OK;
    default: /* integers of 1, 2, 3, 4, 6, 8 bytes */ break;
    }
    if (vib->is_date && n != 1u && n != 8u) {
        v->kind = MB_VALUE_DATE;
        decode_date(p, n, &v->datetime);
        if ((v->datetime.flags & MB_DT_INVALID) != 0u) {
            v->flags |= MB_VALUE_INVALID;
        }
        if ((v->datetime.flags & MB_DT_PERIODIC) != 0u) {
            v->flags |= MB_VALUE_PERIODIC;
        }
        rec->unit = MB_UNIT_NONE;
        return MB_OK;
    }
    decode_integer(p, n, rec, v);
    scale_number(rec, vib);
    return MB_OK;
}

/* ---- iterator ----------------------------------------------------------------------------- */

void mb_records_init(mb_records_t *it, const uint8_t *apl, size_t len, unsigned options)
{
    if (it == NULL) {
        return;
    }
    it->p = apl;
    it->len = apl == NULL ? 0u : len;
    it->pos = 0;
    it->options = options;
    it->status = 0;
    it->manufacturer_data = NULL;
    it->manufacturer_len = 0;
    it->more_records_follow = false;
}

size_t mb_records_offset(const mb_records_t *it) { return it == NULL ? 0u : it->pos; }

static void record_clear(mb_record_t *rec)
{
    static const mb_record_t empty = {0};
    *rec = empty;
}

/*
 * Zero the members from lvar on. The iterator sets every member before lvar on each record it
 * delivers (records.h groups them so); clearing only the rest is a measurable part of the cost
 * of a record.
 */
static void record_clear_tail(mb_record_t *rec)
{
    uint8_t *tail = &rec->lvar;
    size_t n = sizeof *rec - offsetof(mb_record_t, lvar);
#if defined(__GNUC__) || defined(__clang__)
    __builtin_memset(tail, 0, n);
#else
    for (size_t i = 0; i < n; i++) {
        tail[i] = 0;
    }
#endif
}

static int stop(mb_records_t *it, int status)
{
    it->status = status;
    return status;
}

/* The data at p[pos] (with its LVAR) into rec; *end is where the record ends. */
static inline int read_data(const uint8_t *p, size_t len, size_t pos, mb_record_t *rec, size_t *end)
{
    size_t n = mb_internal_field_len[rec->data_field];
    if (rec->data_field == 0x8u) {
        rec->flags |= MB_RECORD_READOUT;
    } else if (rec->data_field == 0xDu) {
        if (pos >= len) {
            return MB_ERR_REC_DATA_TRUNCATED;
        }
        rec->lvar = p[pos++];
        int l = mb_internal_lvar_len(rec->lvar);
        if (l < 0) {
            return MB_ERR_REC_RESERVED_LVAR;
        }
        n = (size_t)l;
    }
    if (len - pos < n) {
        return MB_ERR_REC_DATA_TRUNCATED;
    }
    rec->data = p + pos;
    rec->data_len = (uint16_t)n;
    *end = pos + n;
    return MB_OK;
}

/* The VIB at p[pos] and the data after it into rec. @return MB_OK or MB_ERR_REC_*. */
static int read_vib_data(const uint8_t *p, size_t len, size_t pos, unsigned options,
                         mb_record_t *rec, mb_vib_t *vib, size_t *end)
{
    int vib_len = mb_internal_vib_parse_full(p + pos, len - pos, options, rec, vib);
    if (vib_len < 0) {
        return vib_len;
    }
    rec->vib = p + pos;
    rec->vib_len = (uint16_t)vib_len;
    return read_data(p, len, pos + (size_t)vib_len, rec, end);
}

static bool text_unit_printable(const mb_record_t *rec)
{
    for (size_t i = 0; i < rec->text_unit_len; i++) {
        if (rec->text_unit[i] < 0x20u || rec->text_unit[i] > 0x7Eu) {
            return false;
        }
    }
    return true;
}

/*
 * A plain-text VIF with VIFEs (0xFC), order not forced. EN 13757-3:2018 puts the text after the
 * last VIFE; meters still in the field (and libmbus, jMBus) put it right after the VIF. The 2018
 * reading is taken unless the record it gives runs past the data or has unprintable text while
 * the older reading gives a whole record with printable text.
 */
static int read_text_record(const uint8_t *p, size_t len, size_t pos, unsigned options,
                            mb_record_t *rec, mb_vib_t *vib, size_t *end)
{
    mb_record_t head = *rec; /* the DIB's fields */
    int err = read_vib_data(p, len, pos, options | MB_RECORDS_TEXT_2018, rec, vib, end);
    bool past = err == MB_ERR_REC_VIF_TRUNCATED || err == MB_ERR_REC_DATA_TRUNCATED;
    if (!past && (err != MB_OK || text_unit_printable(rec))) {
        return err;
    }
    mb_record_t first = *rec;
    mb_vib_t first_vib = *vib;
    size_t first_end = *end;
    *rec = head;
    if (read_vib_data(p, len, pos, options | MB_RECORDS_TEXT_AFTER_VIF, rec, vib, end) == MB_OK &&
        text_unit_printable(rec)) {
        return MB_OK;
    }
    *rec = first;
    *vib = first_vib;
    *end = first_end;
    return err;
}

int mb_records_next(mb_records_t *it, mb_record_t *rec)
{
    if (it == NULL || rec == NULL) {
        return MB_ERR_ARG;
    }
    const uint8_t *p = it->p;
    size_t len = it->len;
    size_t pos = it->pos;
    if (it->status != 0) { /* ended (pos = len) or stopped by an error */
        return it->status < 0 ? it->status : 0;
    }

    /* Special DIFs: fillers are skipped, 0F/1F end the records, 7F is a readout request. */
    while (pos < len && (p[pos] & 0x0Fu) == 0x0Fu) {
        uint8_t dif = p[pos];
        if (dif == 0x2Fu) {
            pos++;
            continue;
        }
        it->pos = pos;
        if (dif == 0x0Fu || dif == 0x1Fu) {
            it->manufacturer_data = p + pos + 1;
            it->manufacturer_len = len - pos - 1u;
            it->more_records_follow = dif == 0x1Fu;
            it->pos = len;
            it->status = 1;
            return 0;
        }
        if (dif != 0x7Fu) {
            return stop(it, MB_ERR_REC_RESERVED_DIF);
        }
        record_clear(rec);
        rec->dib = p + pos;
        rec->dib_len = 1;
        rec->flags = MB_RECORD_GLOBAL_READOUT;
        it->pos = pos + 1u;
        return 1;
    }
    it->pos = pos;
    if (pos >= len) {
        it->status = 1;
        return 0;
    }

    record_clear_tail(rec);
    size_t start = pos;
    uint8_t dif = p[pos++];
    rec->dib = p + start;
    rec->function = (mb_function_t)((dif >> 4) & 3u);
    rec->data_field = (uint8_t)(dif & 0x0Fu);
    rec->storage = (dif >> 6) & 1u;
    rec->tariff = 0;
    rec->subunit = 0;
    uint8_t last = dif;
    if ((dif & 0x80u) != 0u && pos < len && (p[pos] & 0x80u) == 0u) {
        last = p[pos++]; /* one DIFE, as most records with any have: the loop below in short */
        rec->storage |= (uint64_t)(last & 0x0Fu) << 1;
        rec->tariff = (last >> 4) & 3u;
        rec->subunit = (last >> 6) & 1u;
    }
    for (unsigned n = 0; (last & 0x80u) != 0u; n++) {
        if (pos >= len) {
            return stop(it, MB_ERR_REC_DIF_TRUNCATED);
        }
        if (n == MB_MAX_DIFE) {
            return stop(it, MB_ERR_REC_TOO_MANY_DIFE);
        }
        last = p[pos++];
        rec->storage |= (uint64_t)(last & 0x0Fu) << (1u + 4u * n);
        rec->tariff |= (uint32_t)((last >> 4) & 3u) << (2u * n);
        rec->subunit = (uint16_t)(rec->subunit | (((last >> 6) & 1u) << n));
    }
    rec->dib_len = (uint8_t)(pos - start);

    /*
     * The common record in one pass: a plain primary VIF of a signed quantity in a unit that needs
     * no conversion (energy, volume, mass, power, flow, temperatures, pressure: VIF < 0x6C, not
     * min/h/d or m3/min, m3/s), with an integer or BCD of fixed length. The same result as below.
     */
    if (pos < len && p[pos] < 0x6Cu && ((FAST_FIELDS >> rec->data_field) & 1u) != 0u &&
        len - pos - 1u >= mb_internal_field_len[rec->data_field]) {
        const mb_internal_vif_entry_t *e = &mb_internal_vif_primary[p[pos]];
        if (e->unit < (uint8_t)MB_UNIT_MINUTE) {
            size_t n = mb_internal_field_len[rec->data_field];
            mb_value_t *v = &rec->value;
            rec->quantity = (mb_quantity_t)e->quantity;
            rec->unit = (mb_unit_t)e->unit;
            rec->vib = p + pos;
            rec->vib_len = 1;
            pos++;
            rec->data = p + pos;
            rec->data_len = (uint16_t)n;
            it->pos = pos + n;
            v->kind = MB_VALUE_NUMBER;
            v->bytes = p + pos;
            v->len = n;
            if (rec->data_field < 0x8u) {
                v->mantissa = read_signed(p + pos, n);
            } else {
                if (n <= 4u) {
                    decode_bcd32(p + pos, n, false, false, v);
                } else {
                    decode_bcd(p + pos, n, false, false, v);
                }
                if (v->flags != 0u) {
                    return 1; /* hex digits: no exponent, as scale_number() leaves it */
                }
            }
            v->exponent = e->exponent;
            return 1;
        }
    }

    mb_vib_t vib;
    size_t end = pos;
    int err;
    int vib_len = mb_internal_vib_simple(p + pos, len - pos, rec, &vib);
    if (vib_len > 0) {
        rec->vib = p + pos;
        rec->vib_len = (uint16_t)vib_len;
        err = read_data(p, len, pos + (size_t)vib_len, rec, &end);
    } else if (pos + 1u < len && p[pos] == 0xFCu &&
               (it->options & (MB_RECORDS_TEXT_AFTER_VIF | MB_RECORDS_TEXT_2018)) == 0u) {
        err = read_text_record(p, len, pos, it->options, rec, &vib, &end);
    } else {
        err = read_vib_data(p, len, pos, it->options, rec, &vib, &end);
    }
    if (err != MB_OK) {
        return stop(it, err);
    }
    it->pos = end;
    (void)decode_value(rec, &vib);
    return 1;
}

/* ---- encoder ------------------------------------------------------------------------------ */

static void write_le(uint8_t *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint8_t)(v >> (8u * i));
    }
}

/* Magnitude m as BCD into n bytes; a negative value sets the top nibble to F. */
static int encode_bcd(uint8_t *out, size_t n, int64_t m, bool sign_nibble)
{
    bool negative = m < 0;
    uint64_t mag = negative ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
    if (negative && !sign_nibble) {
        return MB_ERR_REC_RANGE;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned lo = (unsigned)(mag % 10u);
        mag /= 10u;
        unsigned hi = (unsigned)(mag % 10u);
        mag /= 10u;
        if (negative && i == n - 1u) {
            if (hi != 0u) {
                return MB_ERR_REC_RANGE; /* the top digit is needed for the sign */
            }
            hi = 0xFu;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return mag == 0u ? MB_OK : MB_ERR_REC_RANGE;
}

/* A decimal m * 10^e for the encoder's exact arithmetic; m has no trailing zero (0 has e 0). */
typedef struct dec {
    int64_t m;
    int e;
} dec_t;

static void dec_normalize(dec_t *x)
{
    if (x->m == 0) {
        x->e = 0;
        return;
    }
    while (x->m % 10 == 0) {
        x->m /= 10;
        x->e++;
    }
}

/*
 * *x /= f exactly (f > 1), with up to @p places more decimal places: enough for the factors 2
 * and 5 of f (86400 = 2^7 3^3 5^2 needs 7, 2^-12's 5^12 needs 12).
 */
static int dec_div(dec_t *x, int64_t f, int places)
{
    while (x->m % f != 0) {
        if (places-- == 0 || !mul_checked(&x->m, 10)) {
            return MB_ERR_REC_INEXACT;
        }
        x->e--;
    }
    x->m /= f;
    dec_normalize(x);
    return MB_OK;
}

/*
 * Undo scale_number(): the integer that, decoded through this VIB, gives the record's value, in
 * whatever decimal representation the value comes. The decoder computes
 * ((raw * 2^-12) * 10^E + 10^O) * f; this goes back step by step on exact decimals: divide by
 * the unit factor f, subtract the offset 10^O, divide by 2^-12 (5^12 * 10^-12), and finally
 * bring the result to the VIF's exponent E, refusing what does not come out whole.
 */
static int unscale_number(const mb_record_t *rec, const mb_record_t *vibrec, const mb_vib_t *vib,
                          int64_t *raw)
{
    dec_t x = {rec->value.mantissa, rec->value.exponent};
    int target = vib->exponent;
    mb_unit_t sent = vibrec->unit;
    bool plain = vib->is_count || vib->duration_unit != 0u; /* limit counts and durations */
    if (plain) {
        target = 0;
        sent = vib->is_count ? MB_UNIT_NONE : (mb_unit_t)vib->duration_unit;
    }
    dec_normalize(&x);
    mb_unit_t base;
    int64_t f = unit_factor(sent, &base);
    if (f != 0 && (rec->unit == base || rec->unit == MB_UNIT_NONE)) {
        int err = dec_div(&x, f, 7);
        if (err != MB_OK) {
            return err;
        }
    }
    if (vib->has_offset && !plain) { /* x - 10^O at the finer of the two exponents */
        int o = vib->offset_exponent;
        int c = x.m == 0 || o < x.e ? o : x.e;
        int64_t m = x.m;
        if ((x.m != 0 && x.e - c > 18) || o - c > 18) {
            return target > c ? MB_ERR_REC_INEXACT : MB_ERR_REC_RANGE;
        }
        if ((x.m != 0 && !mul_checked(&m, pow10_table[x.e - c])) ||
            !add_checked(&m, -pow10_table[o - c])) {
            return MB_ERR_REC_RANGE;
        }
        x.m = m;
        x.e = c;
        dec_normalize(&x);
    }
    if (vib->hca_scale && !plain) { /* 2^-12 = 5^12 * 10^-12, and target is -12 */
        int err = dec_div(&x, HCA_FACTOR, 12);
        if (err != MB_OK) {
            return err;
        }
    }
    int64_t m = x.m;
    if (m != 0 && x.e > target) {
        if (x.e - target > 18 || !mul_checked(&m, pow10_table[x.e - target])) {
            return MB_ERR_REC_RANGE;
        }
    } else if (m != 0 && x.e < target) {
        return MB_ERR_REC_INEXACT; /* normalized: a digit below the VIF's resolution */
    }
    *raw = m;
    return MB_OK;
}

/* Does integer m fit n bytes, signed or unsigned? */
static bool fits(int64_t m, size_t n, bool is_unsigned_value)
{
    if (n >= 8u) {
        return !is_unsigned_value || m >= 0;
    }
    int64_t limit = (int64_t)1 << (8u * n - (is_unsigned_value ? 0u : 1u));
    return is_unsigned_value ? (m >= 0 && m < limit) : (m >= -limit && m < limit);
}

/*
 * The year fields of the date types: a 7-bit code read as 2000..2080 for 0..80 and 1981..2026 for
 * 81..126; 127 is the "every year" wildcard. Type F adds two hundred-year bits h, and then reads
 * 1900 + 100 h + code, up to 2326. @return false when @p dt's year has no code.
 */
static bool year_code(const mb_datetime_t *dt, bool with_hundreds, unsigned *y, unsigned *hundred)
{
    unsigned year = dt->year;
    *hundred = 0;
    if ((dt->flags & MB_DT_EVERY_YEAR) != 0u) { /* the decoder's 2027 + 100 h */
        *y = 127;
        if (year < 2027u || (year - 2027u) % 100u != 0u || (year - 2027u) / 100u > 3u ||
            (!with_hundreds && year != 2027u)) {
            return false;
        }
        *hundred = (year - 2027u) / 100u;
        return true;
    }
    if (year >= 2000u && year <= 2080u) {
        *y = year - 2000u;
        return true;
    }
    if (year >= 1981u && year <= 1999u) {
        *y = year - 1900u;
        return true;
    }
    if (!with_hundreds || year < 2081u || year > 2326u) {
        return false;
    }
    *hundred = (year - 1900u) / 100u;
    if (*hundred > 3u) {
        *hundred = 3u; /* 2300..2326: codes 100..126 of the third century */
    }
    *y = year - 1900u - 100u * *hundred;
    return true;
}

static int encode_date(const mb_datetime_t *dt, uint8_t *out, size_t n)
{
    unsigned y = 0, hundred = 0;
    bool invalid = (dt->flags & MB_DT_INVALID) != 0u;
    bool summer = (dt->flags & MB_DT_SUMMER_TIME) != 0u;
    if (n == 3u) { /* type J: time only */
        out[0] = (uint8_t)(dt->second & 0x3Fu);
        out[1] = (uint8_t)(dt->minute & 0x3Fu);
        out[2] = (uint8_t)(dt->hour & 0x1Fu);
        return MB_OK;
    }
    if (n == 2u && invalid) { /* type G marks an invalid date with all ones */
        out[0] = 0xFF;
        out[1] = 0xFF;
        return MB_OK;
    }
    if (!year_code(dt, n == 4u, &y, &hundred)) {
        return MB_ERR_REC_RANGE;
    }
    uint8_t date_lo = (uint8_t)((y & 7u) << 5 | (dt->day & 0x1Fu));
    uint8_t date_hi = (uint8_t)((y >> 3) << 4 | (dt->month & 0x0Fu));
    switch (n) {
    case 2:
        out[0] = date_lo;
        out[1] = date_hi;
        return MB_OK;
    case 4:
        out[0] = (uint8_t)((invalid ? 0x80u : 0u) | (dt->minute & 0x3Fu));
        out[1] = (uint8_t)((summer ? 0x80u : 0u) | hundred << 5 | (dt->hour & 0x1Fu));
        out[2] = date_lo;
        out[3] = date_hi;
        return MB_OK;
    default: /* 6: type I */
        out[0] = (uint8_t)((summer ? 0x40u : 0u) | (dt->second & 0x3Fu));
        out[1] = (uint8_t)((invalid ? 0x80u : 0u) | (dt->minute & 0x3Fu));
        out[2] = (uint8_t)((dt->weekday & 7u) << 5 | (dt->hour & 0x1Fu));
        out[3] = date_lo;
        out[4] = date_hi;
        out[5] = 0; /* DST deviation and week number: not kept */
        return MB_OK;
    }
}

/* The data bytes of @p rec into out (n bytes, the size the data field and LVAR give). */
static int encode_data(const mb_record_t *rec, const mb_record_t *vibrec, const mb_vib_t *vib,
                       uint8_t *out, size_t n)
{
    const mb_value_t *v = &rec->value;
    uint8_t df = rec->data_field;
    if (df == 0x0u || df == 0x8u) {
        return v->kind == MB_VALUE_NONE ? MB_OK : MB_ERR_REC_KIND;
    }
    /* Values the decoder could only keep as bytes go back as those bytes. */
    bool as_bytes = v->kind == MB_VALUE_TEXT || v->kind == MB_VALUE_BINARY ||
                    (v->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW)) != 0u;
#if !MB_ENABLE_REAL32
    as_bytes = as_bytes || v->kind == MB_VALUE_REAL;
#endif
    if (as_bytes) {
        if (v->len != n || (v->bytes == NULL && n != 0u)) {
            return MB_ERR_REC_KIND;
        }
        mb_internal_copy(out, v->bytes, n);
        return MB_OK;
    }
    if (v->kind == MB_VALUE_DATE) {
        if (!vib->is_date || (n != 2u && n != 3u && n != 4u && n != 6u) ||
            (df != 0x2u && df != 0x3u && df != 0x4u && df != 0x6u)) {
            return MB_ERR_REC_KIND;
        }
        return encode_date(&v->datetime, out, n);
    }
    if (v->kind == MB_VALUE_REAL) {
#if MB_ENABLE_REAL32
        if (df != 0x5u || v->exponent != (vib->hca_scale ? 0 : vib->exponent)) {
            return MB_ERR_REC_KIND;
        }
        /* Undo scale_real(); the check after encoding refuses what does not come back equal. */
        mb_value_t raw = *v;
        raw.exponent = vib->exponent;
        if (vib->has_offset) {
            mb_value_t offset = {MB_VALUE_REAL, 0, vib->exponent, 0, 0.0f, {0}, NULL, 0};
            mb_vib_t offset_only = *vib;
            offset_only.hca_scale = false;
            scale_real(&offset, &offset_only); /* 0 + the offset, in the value's scale */
            raw.real -= offset.real;
        }
        if (vib->hca_scale) {
            raw.real *= 4096.0f;
        }
        union {
            uint32_t u;
            float f;
        } bits;
        bits.f = raw.real;
        write_le(out, bits.u, 4);
        return MB_OK;
#endif
    }
    if (v->kind != MB_VALUE_NUMBER || df == 0x5u) {
        return MB_ERR_REC_KIND;
    }
    int64_t raw;
    int err = unscale_number(rec, vibrec, vib, &raw);
    if (err != MB_OK) {
        return err;
    }
    if (df == 0xDu && (rec->lvar <= 0xBFu || (rec->lvar >= 0xE0u && n > 8u))) {
        return MB_ERR_REC_KIND; /* text, or binary too long for an int64 */
    }
    bool bcd = (df >= 0x9u && df != 0xDu) || (df == 0xDu && rec->lvar <= 0xD9u);
    if (bcd) {
        if (df == 0xDu) { /* LVAR C0..C9 positive, D0..D9 negative: no sign nibble */
            bool negative = rec->lvar >= 0xD0u;
            if (((raw < 0) != negative && raw != 0) || raw == INT64_MIN) {
                return MB_ERR_REC_RANGE; /* INT64_MIN has 19 digits: more than 9 bytes hold */
            }
            return encode_bcd(out, n, negative ? -raw : raw, false);
        }
        return encode_bcd(out, n, raw, true);
    }
    if (!fits(raw, n, is_unsigned(vibrec))) {
        return MB_ERR_REC_RANGE;
    }
    write_le(out, (uint64_t)raw, n);
    return MB_OK;
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

/* a * 10^ea == b * 10^eb, exactly. */
static bool same_number(int64_t a, int ea, int64_t b, int eb)
{
    if (ea < eb) {
        int64_t t = a;
        a = b;
        b = t;
        int te = ea;
        ea = eb;
        eb = te;
    }
    /* now ea >= eb: a * 10^(ea - eb) must equal b */
    for (int k = ea - eb; k > 0; k--) {
        if (a == 0 || !mul_checked(&a, 10)) {
            return a == 0 && b == 0;
        }
    }
    return a == b;
}

/* The fields of date @p want that its flags say are set, against the decoded @p got. */
static bool same_date(const mb_datetime_t *want, const mb_datetime_t *got)
{
    if ((want->flags & MB_DT_INVALID) != 0u) {
        return (got->flags & MB_DT_INVALID) != 0u;
    }
    if ((want->flags & MB_DT_HAS_DATE) != 0u &&
        (want->year != got->year || want->month != got->month || want->day != got->day ||
         ((want->flags ^ got->flags) & MB_DT_EVERY_YEAR) != 0u)) {
        return false;
    }
    if ((want->flags & MB_DT_HAS_TIME) != 0u &&
        (want->hour != got->hour || want->minute != got->minute)) {
        return false;
    }
    return (want->flags & MB_DT_HAS_SECOND) == 0u || want->second == got->second;
}

/* Does the decoded record @p b carry the value (and unit) of @p a? */
static bool same_value(const mb_record_t *a, const mb_record_t *b)
{
    const mb_value_t *x = &a->value, *y = &b->value;
    if (x->kind != y->kind || (a->unit != MB_UNIT_NONE && a->unit != b->unit)) {
        return false;
    }
    if ((x->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW)) != 0u || x->kind == MB_VALUE_TEXT ||
        x->kind == MB_VALUE_BINARY) {
        return x->len == y->len && same_bytes(x->bytes, y->bytes, x->len);
    }
    switch (x->kind) {
    case MB_VALUE_NUMBER:
        return (y->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW)) == 0u &&
               same_number(x->mantissa, x->exponent, y->mantissa, y->exponent);
    case MB_VALUE_REAL: {
#if MB_ENABLE_REAL32
        if (x->exponent != y->exponent) {
            return false;
        }
        union {
            float f;
            uint32_t u;
        } fx, fy;
        fx.f = x->real;
        fy.f = y->real;
        return fx.u == fy.u;
#else
        return x->len == y->len && same_bytes(x->bytes, y->bytes, x->len);
#endif
    }
    case MB_VALUE_DATE: return same_date(&x->datetime, &y->datetime);
    default: return true;
    }
}

/*
 * The plain-text order @p rec was decoded in, from where its text stands in a VIB that starts
 * with VIF 0xFC: right after the VIF and its length byte is the older order. 0 when unknown.
 */
static unsigned text_order(const mb_record_t *rec)
{
    if ((rec->flags & MB_RECORD_TEXT_UNIT) == 0u || rec->text_unit == NULL ||
        rec->vib[0] != 0xFCu) {
        return 0;
    }
    uintptr_t text = (uintptr_t)rec->text_unit, vib = (uintptr_t)rec->vib;
    if (text < vib + 2u || text - vib + rec->text_unit_len > rec->vib_len) {
        return 0; /* the text is not inside the VIB: the caller's own record */
    }
    return text == vib + 2u ? MB_RECORDS_TEXT_AFTER_VIF : MB_RECORDS_TEXT_2018;
}

int mb_record_encode(const mb_record_t *rec, uint8_t *out, size_t cap)
{
    if (rec == NULL || (out == NULL && cap != 0u)) {
        return MB_ERR_ARG;
    }
    if ((rec->flags & MB_RECORD_GLOBAL_READOUT) != 0u) {
        if (cap < 1u) {
            return MB_ERR_NOSPACE;
        }
        out[0] = 0x7F;
        return 1;
    }
    if (rec->data_field > 0xEu || (unsigned)rec->function > 3u || rec->storage >> 41 != 0u ||
        rec->tariff >> 20 != 0u || rec->subunit >> 10 != 0u || rec->vib == NULL ||
        rec->vib_len == 0u) {
        return MB_ERR_ARG;
    }
    /*
     * The VIB is written as given; parsing it gives the scaling to undo. A plain-text unit is read
     * in the order the record was decoded in (where its text stands in the VIB), else in the 2018
     * order if that reads the whole VIB, else in the older order; the check below decodes with
     * that order forced.
     */
    mb_record_t vibrec;
    mb_vib_t vib;
    record_clear(&vibrec);
    unsigned vib_options = text_order(rec);
    int vib_len = mb_internal_vib_parse(rec->vib, rec->vib_len, vib_options, &vibrec, &vib);
    if (vib_len != (int)rec->vib_len && vib_options == 0u) {
        record_clear(&vibrec);
        vib_options = MB_RECORDS_TEXT_AFTER_VIF;
        vib_len = mb_internal_vib_parse(rec->vib, rec->vib_len, vib_options, &vibrec, &vib);
    }
    if (vib_len != (int)rec->vib_len) {
        return MB_ERR_ARG;
    }
    if (vib_options == 0u && rec->vib[0] == 0xFCu) {
        vib_options = MB_RECORDS_TEXT_2018;
    }

    /* DIFEs: as many as storage (4 bits each after the DIF's 1), tariff (2) and subunit (1) need.
     */
    unsigned difes = 0;
    while (difes < MB_MAX_DIFE &&
           ((rec->storage >> (1u + 4u * difes)) != 0u || (rec->tariff >> (2u * difes)) != 0u ||
            (rec->subunit >> difes) != 0u)) {
        difes++;
    }
    size_t n = mb_internal_field_len[rec->data_field];
    size_t lvar = rec->data_field == 0xDu ? 1u : 0u;
    if (lvar != 0u) {
        int l = mb_internal_lvar_len(rec->lvar);
        if (l < 0) {
            return MB_ERR_ARG;
        }
        n = (size_t)l;
    }
    size_t total = 1u + difes + rec->vib_len + lvar + n;
    if (cap < total) {
        return MB_ERR_NOSPACE;
    }

    size_t pos = 0;
    out[pos++] = (uint8_t)((difes != 0u ? 0x80u : 0u) | (unsigned)(rec->storage & 1u) << 6 |
                           (unsigned)rec->function << 4 | rec->data_field);
    for (unsigned i = 0; i < difes; i++) {
        unsigned d = (unsigned)((rec->storage >> (1u + 4u * i)) & 0x0Fu) |
                     (unsigned)((rec->tariff >> (2u * i)) & 3u) << 4 |
                     (unsigned)((rec->subunit >> i) & 1u) << 6;
        out[pos++] = (uint8_t)((i + 1u < difes ? 0x80u : 0u) | d);
    }
    mb_internal_copy(out + pos, rec->vib, rec->vib_len);
    pos += rec->vib_len;
    if (lvar != 0u) {
        out[pos++] = rec->lvar;
    }
    int err = encode_data(rec, &vibrec, &vib, out + pos, n);
    if (err != MB_OK) {
        return err;
    }
    /*
     * The promise is decode(encode(r)) == r. Rather than foresee every way a value can fail to
     * suit a VIF and coding (a number where the VIF makes a date, a text in an integer field...),
     * decode what was written and compare.
     */
    mb_records_t it;
    mb_record_t back;
    mb_records_init(&it, out, total, vib_options);
    if (mb_records_next(&it, &back) != 1 || mb_records_offset(&it) != total ||
        !same_value(rec, &back)) {
        return MB_ERR_REC_KIND;
    }
    return (int)total;
}
