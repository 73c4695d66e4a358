/*
 * Properties of the data-record iterator and encoder (records.h), shared by fuzz_records.c and
 * fuzz_tpl.c. Everything is checked against the header's contract and EN 13757-3,
 * never against the decoder's own tables:
 *
 *  - the iteration: it terminates, returns only documented codes, repeats its error, records are
 *    contiguous and in order with only fillers (0x2F) between them, the offset stands after the
 *    last record, at the record that could not be read, or at the end, and DIF 0x0F/0x1F hand
 *    over exactly the rest of the data as manufacturer data;
 *  - each record: every view (dib, vib, data, text_unit, value.bytes) lies inside the data, the
 *    DIB and VIB are well-formed E-bit chains (1..11 bytes), the DIF/DIFE fields match the DIB
 *    bytes, data_len matches the data field and LVAR, enums are in range and have names;
 *  - each value: its kind suits the data field, flags are consistent, dates are the bit fields of
 *    types F, G, I, J, BCD digits are flagged exactly when they are not decimal, and plain primary
 *    VIFs give the value of EN 13757-3's VIF table;
 *  - the round trip: mb_record_encode() of every decoded record into an exact-size buffer gives
 *    bytes that decode again (same options) into an equal record; one byte less is MB_ERR_NOSPACE
 *    with nothing written, and nothing is ever written past the capacity; the same value in
 *    another decimal representation (mantissa x10, exponent -1) encodes to the same bytes;
 *  - the encoder on other numbers: each decoded number, and another one, into every integer, BCD
 *    and LVAR coding is refused with a documented error or decodes back to exactly that number.
 *
 * Every failed property aborts (CHECK). Properties that the library is known to violate are
 * guarded by MB_FUZZ_KNOWN_BUG_* below, each with its reproducer in fuzz/regressions/.
 */
#ifndef MB_FUZZ_RECORDS_CHECK_H
#define MB_FUZZ_RECORDS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/records.h"

#include "fuzz_check.h"

/* ---- known library bugs: each define disables exactly one check until the bug is fixed ------ */

/* ---- helpers ------------------------------------------------------------------------------- */

#define REC_ENC_GUARD 16u
/*
 * Longest record: DIF, 10 DIFEs, VIF, 10 VIFEs, a plain-text unit of up to 1 + 255 bytes, LVAR and
 * 191 bytes of text, with room to spare.
 */
#define REC_ENC_CAP 512u
#define REC_ENC_BUF (REC_ENC_CAP + REC_ENC_GUARD)

/* [p, p + n) lies inside [base, base + len). Compared as integers: no pointer UB. */
static bool rc_in_view(const uint8_t *base, size_t len, const uint8_t *p, size_t n)
{
    if (p == NULL) {
        return n == 0u;
    }
    uintptr_t b = (uintptr_t)base, q = (uintptr_t)p;
    return q >= b && q - b <= len && n <= len - (size_t)(q - b);
}

static size_t rc_offset(const uint8_t *base, const uint8_t *p) { return (size_t)(p - base); }

/* Only fillers (DIF 0x2F) in [from, to). */
static bool rc_fillers(const uint8_t *apl, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (apl[i] != 0x2Fu) {
            return false;
        }
    }
    return true;
}

/* Bytes of the data fields 0..0xE (EN 13757-3; 0x8 selection for readout has none). */
static const uint8_t rc_field_len[16] = {0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 0};

/* LVAR ranges; -1 for reserved ones. */
static int rc_lvar_len(uint8_t lvar)
{
    if (lvar <= 0xBFu) {
        return lvar;
    }
    if (lvar >= 0xC0u && lvar <= 0xC9u) {
        return lvar - 0xC0;
    }
    if (lvar >= 0xD0u && lvar <= 0xD9u) {
        return lvar - 0xD0;
    }
    if (lvar >= 0xE0u && lvar <= 0xEFu) {
        return lvar - 0xE0;
    }
    if (lvar >= 0xF0u && lvar <= 0xF4u) {
        return 4 * (lvar - 0xEC);
    }
    if (lvar == 0xF5u) {
        return 48;
    }
    if (lvar == 0xF6u) {
        return 64;
    }
    return -1;
}

static bool rc_is_integer_field(uint8_t df)
{
    return df == 1u || df == 2u || df == 3u || df == 4u || df == 6u || df == 7u;
}

static bool rc_is_bcd_field(uint8_t df) { return (df >= 0x9u && df <= 0xCu) || df == 0xEu; }

static bool rc_is_rec_error(int r) { return r <= MB_ERR_REC_DIF_TRUNCATED && r >= -36; }

/* m1 * 10^e1 == m2 * 10^e2, exactly, without overflow. */
static bool rc_num_equal(int64_t m1, int e1, int64_t m2, int e2)
{
    if (m1 == 0 || m2 == 0) {
        return m1 == m2;
    }
    while (e1 != e2) {
        if (e1 < e2) { /* swap so that e1 > e2 */
            int64_t tm = m1;
            int te = e1;
            m1 = m2;
            e1 = e2;
            m2 = tm;
            e2 = te;
        }
        if (m1 <= INT64_MAX / 10 && m1 >= INT64_MIN / 10) {
            m1 *= 10;
            e1--;
        } else if (m2 % 10 == 0) {
            m2 /= 10;
            e2++;
        } else {
            return false; /* |m1 * 10^(e1-e2)| exceeds int64, |m2| does not */
        }
    }
    return m1 == m2;
}

static bool rc_mul(int64_t *v, int64_t f)
{
    if (*v > 0 ? *v > INT64_MAX / f : *v < INT64_MIN / f) {
        return false;
    }
    *v *= f;
    return true;
}

static void rc_dump(const char *what, const mb_record_t *r)
{
    fprintf(stderr, "%s: dib", what);
    for (size_t i = 0; r->dib != NULL && i < r->dib_len; i++) {
        fprintf(stderr, " %02X", r->dib[i]);
    }
    fprintf(stderr, " vib");
    for (size_t i = 0; r->vib != NULL && i < r->vib_len; i++) {
        fprintf(stderr, " %02X", r->vib[i]);
    }
    fprintf(stderr, " lvar %02X data", r->lvar);
    for (size_t i = 0; r->data != NULL && i < r->data_len; i++) {
        fprintf(stderr, " %02X", r->data[i]);
    }
    const mb_value_t *v = &r->value;
    fprintf(stderr,
            "\n  q %d unit %d flags %02X vife_flags %08lX kind %d vflags %02X m %lld e %d"
            " dt %u-%u-%u %u:%u:%u type %c dtflags %02X\n",
            (int)r->quantity, (int)r->unit, r->flags, (unsigned long)r->vife_flags, (int)v->kind,
            v->flags, (long long)v->mantissa, v->exponent, v->datetime.year, v->datetime.month,
            v->datetime.day, v->datetime.hour, v->datetime.minute, v->datetime.second,
            v->datetime.type != 0 ? v->datetime.type : '-', v->datetime.flags);
}

/* ---- enums and names ------------------------------------------------------------------------ */

static void rc_check_name(const char *s, bool nonempty)
{
    CHECK(s != NULL);
#if MB_ENABLE_TEXT
    if (nonempty) {
        CHECK(s[0] != '\0');
    }
#else
    (void)nonempty;
    CHECK(s[0] == '\0');
#endif
}

static void rc_check_enums(const mb_record_t *rec, unsigned options)
{
    CHECK((unsigned)rec->function <= 3u);
    CHECK((unsigned)rec->quantity < (unsigned)MB_Q_COUNT_);
    CHECK((unsigned)rec->unit < (unsigned)MB_UNIT_COUNT_);
    CHECK((unsigned)rec->per < (unsigned)MB_PER_COUNT_);
    CHECK((unsigned)rec->phase <= (unsigned)MB_QUADRANT_Q4);
    CHECK((rec->flags & ~0x3Fu) == 0u);
    CHECK((rec->vife_flags & ~((1ul << 25) - 1u)) == 0u);

    rc_check_name(mb_function_name(rec->function), true);
    rc_check_name(mb_quantity_name(rec->quantity), true);
    rc_check_name(mb_unit_name(rec->unit), rec->unit != MB_UNIT_NONE);
    rc_check_name(mb_per_name(rec->per), rec->per != MB_PER_NONE);
    rc_check_name(mb_phase_name(rec->phase), rec->phase != MB_PHASE_NONE);
    /* limit: 0 or one of the limit VIFEs 0x40..0x6F, and then it has a name. */
    CHECK(rec->limit == 0u || (rec->limit >= 0x40u && rec->limit <= 0x6Fu));
    rc_check_name(mb_limit_name(rec->limit), rec->limit != 0u);
    rc_check_name(mb_record_error_name(rec->error), false);
    rc_check_name(mb_action_name(rec->action), false);

    /* Record errors come from a meter, object actions go to one. */
    if ((rec->flags & MB_RECORD_ERROR) != 0u) {
        CHECK(rec->error <= 0x0Fu || (rec->error >= 0x15u && rec->error <= 0x1Cu));
        CHECK((options & MB_RECORDS_TO_METER) == 0u);
    } else {
        CHECK(rec->error == 0u);
    }
    if ((rec->flags & MB_RECORD_ACTION) != 0u) {
        CHECK(rec->action <= 0x0Fu);
        CHECK((options & MB_RECORDS_TO_METER) != 0u);
    } else {
        CHECK(rec->action == 0u);
    }
    /* A plain-text VIF always carries its unit text. */
    CHECK(((rec->flags & MB_RECORD_TEXT_UNIT) != 0u) == (rec->quantity == MB_Q_PLAIN_TEXT));
    if ((rec->flags & MB_RECORD_TEXT_UNIT) == 0u) {
        CHECK(rec->text_unit_len == 0u);
    } else {
        CHECK(rec->text_unit != NULL);
    }
}

/* ---- dates ---------------------------------------------------------------- */

static uint16_t rc_year(unsigned y, unsigned hundred)
{
    if (hundred == 0u && y <= 80u) {
        return (uint16_t)(2000u + y);
    }
    return (uint16_t)(1900u + 100u * hundred + y);
}

/* The 7-bit year code of a type F, G or I date, -1 for type J. */
static int rc_raw_year(const mb_record_t *rec)
{
    const uint8_t *p = rec->data;
    switch (rec->data_len) {
    case 2: return (p[0] >> 5) | (p[1] >> 4) << 3;
    case 4: return (p[2] >> 5) | (p[3] >> 4) << 3;
    case 6: return (p[3] >> 5) | (p[4] >> 4) << 3;
    default: return -1;
    }
}

static void rc_check_datetime(const mb_record_t *rec)
{
    const mb_datetime_t *dt = &rec->value.datetime;
    const uint8_t *p = rec->data;
    const uint8_t dt_kind = MB_DT_HAS_DATE | MB_DT_HAS_TIME | MB_DT_HAS_SECOND;
    CHECK(dt->month <= 15u && dt->day <= 31u && dt->hour <= 31u && dt->minute <= 63u);
    CHECK(dt->second <= 63u && dt->weekday <= 7u);
    CHECK((dt->flags & ~0x7Fu) == 0u);
    bool wildcard = false;
    int raw_year = rc_raw_year(rec);
    unsigned y = raw_year < 0 ? 0u : (unsigned)raw_year;
    switch (rec->data_len) {
    case 2: /* G */
        CHECK(dt->type == 'G' && (dt->flags & dt_kind) == MB_DT_HAS_DATE);
        CHECK(dt->day == (p[0] & 0x1Fu) && dt->month == (p[1] & 0x0Fu));
        CHECK(dt->year == rc_year(y, 0));
        CHECK(dt->hour == 0u && dt->minute == 0u && dt->second == 0u && dt->weekday == 0u);
        CHECK(((dt->flags & MB_DT_INVALID) != 0u) == (p[0] == 0xFFu && p[1] == 0xFFu));
        CHECK((dt->flags & MB_DT_SUMMER_TIME) == 0u);
        break;
    case 3: /* J */
        CHECK(dt->type == 'J' && (dt->flags & dt_kind) == (MB_DT_HAS_TIME | MB_DT_HAS_SECOND));
        CHECK(dt->second == (p[0] & 0x3Fu) && dt->minute == (p[1] & 0x3Fu) &&
              dt->hour == (p[2] & 0x1Fu));
        CHECK(dt->year == 0u && dt->month == 0u && dt->day == 0u && dt->weekday == 0u);
        CHECK((dt->flags & (MB_DT_INVALID | MB_DT_SUMMER_TIME)) == 0u);
        wildcard = dt->second == 63u || dt->minute == 63u || dt->hour == 31u;
        break;
    case 4: /* F */
        CHECK(dt->type == 'F' && (dt->flags & dt_kind) == (MB_DT_HAS_DATE | MB_DT_HAS_TIME));
        CHECK(dt->minute == (p[0] & 0x3Fu) && dt->hour == (p[1] & 0x1Fu));
        CHECK(dt->day == (p[2] & 0x1Fu) && dt->month == (p[3] & 0x0Fu));
        CHECK(dt->year == rc_year(y, (p[1] >> 5) & 3u));
        CHECK(dt->second == 0u && dt->weekday == 0u);
        CHECK(((dt->flags & MB_DT_INVALID) != 0u) == ((p[0] & 0x80u) != 0u));
        CHECK(((dt->flags & MB_DT_SUMMER_TIME) != 0u) == ((p[1] & 0x80u) != 0u));
        wildcard = dt->minute == 63u || dt->hour == 31u;
        break;
    case 6: /* I */
        CHECK(dt->type == 'I' && (dt->flags & dt_kind) == dt_kind);
        CHECK(dt->second == (p[0] & 0x3Fu) && dt->minute == (p[1] & 0x3Fu));
        CHECK(dt->hour == (p[2] & 0x1Fu) && dt->weekday == (p[2] >> 5));
        CHECK(dt->day == (p[3] & 0x1Fu) && dt->month == (p[4] & 0x0Fu));
        CHECK(dt->year == rc_year(y, 0));
        CHECK(((dt->flags & MB_DT_INVALID) != 0u) == ((p[1] & 0x80u) != 0u));
        CHECK(((dt->flags & MB_DT_SUMMER_TIME) != 0u) == ((p[0] & 0x40u) != 0u));
        wildcard = dt->second == 63u || dt->minute == 63u || dt->hour == 31u;
        break;
    default: CHECK(false); /* DATE only from 2, 3, 4 and 6-byte integer fields */
    }
    if (rec->data_len != 3u) {
        wildcard = wildcard || dt->day == 0u || dt->month == 15u || y == 127u;
    }
    CHECK(((dt->flags & MB_DT_PERIODIC) != 0u) == wildcard);
    CHECK(((dt->flags & MB_DT_EVERY_YEAR) != 0u) == (rec->data_len != 3u && y == 127u));
    CHECK(((rec->value.flags & MB_VALUE_INVALID) != 0u) == ((dt->flags & MB_DT_INVALID) != 0u));
    CHECK(((rec->value.flags & MB_VALUE_PERIODIC) != 0u) == ((dt->flags & MB_DT_PERIODIC) != 0u));
}

/* ---- plain primary VIFs: the value the table gives ------------------------- */

struct rc_vif {
    mb_quantity_t q;
    mb_unit_t unit; /* as sent */
    int exponent;
    int64_t factor; /* to the base unit, 0 for none */
    mb_unit_t base;
    bool is_unsigned;
    bool numeric; /* a number scaled as above (not a date, text or reserved code) */
};

static struct rc_vif rc_primary(uint8_t vif)
{
    static const mb_unit_t time_units[4] = {MB_UNIT_S, MB_UNIT_MINUTE, MB_UNIT_HOUR, MB_UNIT_DAY};
    static const int64_t time_factor[4] = {0, 60, 3600, 86400};
    struct rc_vif m = {MB_Q_UNKNOWN, MB_UNIT_NONE, 0, 0, MB_UNIT_NONE, false, true};
    unsigned n3 = vif & 7u, n2 = vif & 3u;
    static const mb_quantity_t byte8[] = {MB_Q_ENERGY,      MB_Q_ENERGY,      MB_Q_VOLUME,
                                          MB_Q_MASS,        MB_Q_UNKNOWN,     MB_Q_POWER,
                                          MB_Q_POWER,       MB_Q_VOLUME_FLOW, MB_Q_VOLUME_FLOW,
                                          MB_Q_VOLUME_FLOW, MB_Q_MASS_FLOW};
    static const mb_unit_t unit8[] = {MB_UNIT_WH,       MB_UNIT_J,        MB_UNIT_M3,
                                      MB_UNIT_KG,       MB_UNIT_NONE,     MB_UNIT_W,
                                      MB_UNIT_J_PER_H,  MB_UNIT_M3_PER_H, MB_UNIT_M3_PER_MIN,
                                      MB_UNIT_M3_PER_S, MB_UNIT_KG_PER_H};
    static const int exp8[] = {-3, 0, -6, -3, 0, -3, 0, -6, -7, -9, -3};
    static const int64_t factor8[] = {0, 0, 0, 0, 0, 0, 0, 0, 60, 3600, 0};
    if (vif < 0x58u && (vif < 0x20u || vif >= 0x28u)) {
        unsigned g = vif >> 3;
        m.q = byte8[g];
        m.unit = unit8[g];
        m.exponent = exp8[g] + (int)n3;
        m.factor = factor8[g];
        m.base = m.factor != 0 ? MB_UNIT_M3_PER_H : m.unit;
        return m;
    }
    if ((vif >= 0x20u && vif <= 0x27u) || (vif >= 0x70u && vif <= 0x77u)) {
        m.q = vif <= 0x23u   ? MB_Q_ON_TIME
              : vif <= 0x27u ? MB_Q_OPERATING_TIME
              : vif <= 0x73u ? MB_Q_AVERAGING_DURATION
                             : MB_Q_ACTUALITY_DURATION;
        m.unit = time_units[n2];
        m.factor = time_factor[n2];
        m.base = MB_UNIT_S;
        return m;
    }
    if (vif >= 0x58u && vif <= 0x6Bu) {
        static const mb_quantity_t q4[] = {MB_Q_FLOW_TEMPERATURE, MB_Q_RETURN_TEMPERATURE,
                                           MB_Q_TEMPERATURE_DIFFERENCE, MB_Q_EXTERNAL_TEMPERATURE,
                                           MB_Q_PRESSURE};
        static const mb_unit_t u4[] = {MB_UNIT_CELSIUS, MB_UNIT_CELSIUS, MB_UNIT_KELVIN,
                                       MB_UNIT_CELSIUS, MB_UNIT_BAR};
        unsigned g = (vif - 0x58u) >> 2;
        m.q = q4[g];
        m.unit = u4[g];
        m.base = m.unit;
        m.exponent = (int)n2 - 3;
        return m;
    }
    m.numeric = false;
    switch (vif) {
    case 0x6C: m.q = MB_Q_DATE; break;
    case 0x6D: m.q = MB_Q_DATE_TIME; break;
    case 0x6E:
        m.q = MB_Q_HCA_UNITS;
        m.numeric = true;
        break;
    case 0x78:
        m.q = MB_Q_FABRICATION_NUMBER;
        m.numeric = m.is_unsigned = true;
        break;
    case 0x79:
        m.q = MB_Q_ENHANCED_IDENTIFICATION;
        m.numeric = m.is_unsigned = true;
        break;
    case 0x7A:
        m.q = MB_Q_BUS_ADDRESS;
        m.numeric = m.is_unsigned = true;
        break;
    case 0x7C: m.q = MB_Q_PLAIN_TEXT; break;
    case 0x7E: m.q = MB_Q_ANY; break;
    case 0x7F: m.q = MB_Q_MANUFACTURER_SPECIFIC; break;
    default: m.q = MB_Q_UNKNOWN; break; /* 0x6F, 0x7B, 0x7D */
    }
    return m;
}

/* Raw integer of a fixed-length integer or BCD field; false when it has no int64 value. */
static bool rc_raw_value(const mb_record_t *rec, bool is_unsigned, int64_t *raw)
{
    const uint8_t *p = rec->data;
    size_t n = rec->data_len;
    if (rc_is_integer_field(rec->data_field)) {
        uint64_t u = 0;
        for (size_t i = n; i-- > 0u;) {
            u = u << 8 | p[i];
        }
        if (is_unsigned) {
            if (u > (uint64_t)INT64_MAX) {
                return false;
            }
            *raw = (int64_t)u;
            return true;
        }
        if (n < 8u && (u >> (8u * n - 1u)) != 0u) {
            u |= ~(uint64_t)0 << (8u * n);
        }
        memcpy(raw, &u, sizeof *raw); /* two's complement */
        return true;
    }
    if (rc_is_bcd_field(rec->data_field)) {
        int64_t m = 0;
        bool negative = false;
        for (size_t i = n; i-- > 0u;) {
            unsigned hi = p[i] >> 4, lo = p[i] & 0x0Fu;
            if (i == n - 1u && hi == 0xFu) {
                negative = true;
                hi = 0;
            }
            if (hi > 9u || lo > 9u) {
                return false;
            }
            m = m * 100 + (int64_t)(hi * 10u + lo);
        }
        *raw = negative ? -m : m;
        return true;
    }
    return false;
}

static void rc_check_primary_value(const mb_record_t *rec)
{
    if (rec->vib_len != 1u || (rec->vib[0] & 0x80u) != 0u) {
        return;
    }
    struct rc_vif m = rc_primary(rec->vib[0]);
    CHECK(rec->quantity == m.q);
    const mb_value_t *v = &rec->value;
    int64_t raw;
    if (!m.numeric || v->kind != MB_VALUE_NUMBER || v->flags != 0u ||
        !rc_raw_value(rec, m.is_unsigned, &raw)) {
        return;
    }
    mb_unit_t unit = m.unit;
    if (m.factor != 0 && rc_mul(&raw, m.factor)) {
        unit = m.base;
    }
    if (rec->unit != unit || !rc_num_equal(v->mantissa, v->exponent, raw, m.exponent)) {
        rc_dump("primary VIF value differs from the VIF table", rec);
        CHECK(false);
    }
}

/* ---- values --------------------------------------------------------------------------------- */

static void rc_check_value(const mb_record_t *rec, const uint8_t *apl, size_t len)
{
    const mb_value_t *v = &rec->value;
    uint8_t df = rec->data_field;
    bool integer = rc_is_integer_field(df);
    bool bcd_fixed = rc_is_bcd_field(df);
    bool lvar_text = df == 0xDu && rec->lvar <= 0xBFu;
    bool lvar_bcd = df == 0xDu && rec->lvar >= 0xC0u && rec->lvar <= 0xD9u;
    bool lvar_bin = df == 0xDu && rec->lvar >= 0xE0u;

    CHECK((unsigned)v->kind <= (unsigned)MB_VALUE_BINARY);
    CHECK((v->flags & ~0x1Fu) == 0u);
    CHECK(rc_in_view(apl, len, v->bytes, v->bytes == NULL ? 0u : v->len));

    bool as_bytes = v->kind == MB_VALUE_TEXT || v->kind == MB_VALUE_BINARY ||
                    (v->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW | MB_VALUE_OPAQUE)) != 0u;
#if !MB_ENABLE_REAL32
    as_bytes = as_bytes || v->kind == MB_VALUE_REAL;
#endif
    if (as_bytes) { /* the bytes are the value: exactly the data field */
        CHECK(v->len == rec->data_len);
        CHECK(v->len == 0u || v->bytes == rec->data);
    }

    switch (v->kind) {
    case MB_VALUE_NONE: /* records.h: no data, DIF data field 0 or 8 */
        CHECK(df == 0x0u || df == 0x8u);
        CHECK(v->flags == 0u);
        break;
    case MB_VALUE_NUMBER:
        CHECK(integer || bcd_fixed || lvar_bcd ||
              (lvar_bin && rec->data_len >= 1u && rec->data_len <= 8u));
        break;
    case MB_VALUE_REAL: CHECK(df == 0x5u); break;
    case MB_VALUE_DATE:
        CHECK(df == 0x2u || df == 0x3u || df == 0x4u || df == 0x6u);
        rc_check_datetime(rec);
        break;
    case MB_VALUE_TEXT: CHECK(lvar_text && v->len == rec->lvar); break;
    case MB_VALUE_BINARY: CHECK(lvar_bin || (v->flags & MB_VALUE_OPAQUE) != 0u); break;
    default: CHECK(false);
    }
    /* The other direction: what each data field may give. */
    if (df == 0x0u || df == 0x8u) {
        CHECK(v->kind == MB_VALUE_NONE);
    } else if ((v->flags & MB_VALUE_OPAQUE) == 0u) {
        CHECK(df != 0x5u || v->kind == MB_VALUE_REAL);
        CHECK(!(bcd_fixed || lvar_bcd) || v->kind == MB_VALUE_NUMBER);
        CHECK(!lvar_text || v->kind == MB_VALUE_TEXT || v->kind == MB_VALUE_BINARY);
        CHECK(!integer || v->kind == MB_VALUE_NUMBER || v->kind == MB_VALUE_DATE ||
              v->kind == MB_VALUE_BINARY);
        CHECK(!lvar_bin || v->kind == MB_VALUE_NUMBER || v->kind == MB_VALUE_BINARY);
    }

    /* Flags. */
    if ((v->flags & MB_VALUE_BCD_HEX) != 0u) {
        CHECK(v->kind == MB_VALUE_NUMBER && (bcd_fixed || lvar_bcd));
    }
    if ((v->flags & MB_VALUE_OVERFLOW) != 0u) {
        CHECK(v->kind == MB_VALUE_NUMBER);
    }
    if ((v->flags & MB_VALUE_OPAQUE) != 0u) {
        /* Types K and L (by quantity, whatever the coding) and M (a date VIB with an LVAR). */
        CHECK(v->kind == MB_VALUE_BINARY);
        CHECK(rec->quantity == MB_Q_DAYLIGHT_SAVING || rec->quantity == MB_Q_LISTENING_WINDOW ||
              df == 0xDu);
    }
    if ((v->flags & MB_VALUE_INVALID) != 0u) {
        CHECK((v->flags & MB_VALUE_BCD_HEX) != 0u || v->kind == MB_VALUE_DATE);
    }

    /*
     * BCD digits: flagged exactly when one is not decimal. A leading F is the sign of type A only;
     * variable-length BCD has its sign in the LVAR, so an F there is a hex digit.
     */
    if (v->kind == MB_VALUE_NUMBER && (bcd_fixed || lvar_bcd)) {
        bool hex = false, a_to_e = false;
        for (size_t i = 0; i < rec->data_len; i++) {
            unsigned hi = rec->data[i] >> 4, lo = rec->data[i] & 0x0Fu;
            bool sign = bcd_fixed && i + 1u == rec->data_len && hi == 0xFu;
            hex = hex || lo > 9u || (hi > 9u && !sign);
            a_to_e = a_to_e || (lo > 9u && lo < 0xFu) || (hi > 9u && hi < 0xFu);
        }
        CHECK(hex == ((v->flags & MB_VALUE_BCD_HEX) != 0u));
        if (a_to_e) {
            CHECK((v->flags & MB_VALUE_INVALID) != 0u);
        }
    }
    rc_check_primary_value(rec);
}

/* ---- one record ----------------------------------------------------------------------------- */

/*
 * The shape of one record returned by mb_records_next() on apl[0..len) with @p options, starting
 * at or after prev_end with only fillers before it. @return the offset just after the record.
 */
static size_t rc_check_record(const mb_record_t *rec, const uint8_t *apl, size_t len,
                              unsigned options, size_t prev_end)
{
    rc_check_enums(rec, options);
    CHECK(rec->dib != NULL && rec->dib_len >= 1u && rec->dib_len <= 1u + MB_MAX_DIFE);
    CHECK(rc_in_view(apl, len, rec->dib, rec->dib_len));
    size_t start = rc_offset(apl, rec->dib);
    CHECK(start >= prev_end && rc_fillers(apl, prev_end, start));

    if ((rec->flags & MB_RECORD_GLOBAL_READOUT) != 0u) {
        CHECK(rec->flags == MB_RECORD_GLOBAL_READOUT);
        CHECK(rec->dib_len == 1u && rec->dib[0] == 0x7Fu);
        CHECK(rec->vib_len == 0u && rec->data_len == 0u && rec->lvar == 0u);
        CHECK(rc_in_view(apl, len, rec->vib, 0u) && rc_in_view(apl, len, rec->data, 0u));
        CHECK(rec->value.kind == MB_VALUE_NONE);
        return start + 1u;
    }

    /* DIB: an E-bit chain; DIF and DIFE fields. */
    uint8_t dif = rec->dib[0];
    CHECK((dif & 0x0Fu) != 0x0Fu); /* special functions are not records */
    uint64_t storage = (dif >> 6) & 1u;
    uint32_t tariff = 0;
    uint32_t subunit = 0;
    for (size_t i = 0; i < rec->dib_len; i++) {
        CHECK(((rec->dib[i] & 0x80u) != 0u) == (i + 1u < rec->dib_len));
        if (i > 0u) {
            uint8_t d = rec->dib[i];
            storage |= (uint64_t)(d & 0x0Fu) << (1u + 4u * (i - 1u));
            tariff |= (uint32_t)((d >> 4) & 3u) << (2u * (i - 1u));
            subunit |= (uint32_t)((d >> 6) & 1u) << (i - 1u);
        }
    }
    CHECK(rec->data_field == (dif & 0x0Fu));
    CHECK((unsigned)rec->function == ((dif >> 4) & 3u));
    CHECK(rec->storage == storage && rec->tariff == tariff && rec->subunit == subunit);
    CHECK(((rec->flags & MB_RECORD_READOUT) != 0u) == (rec->data_field == 0x8u));

    /* VIB right after the DIB; VIF and VIFEs an E-bit chain of 1..11 bytes around the text. */
    CHECK(rec->vib == rec->dib + rec->dib_len);
    CHECK(rec->vib_len >= 1u);
    CHECK(rc_in_view(apl, len, rec->vib, rec->vib_len));
    size_t text_from = rec->vib_len, text_to = rec->vib_len;
    if ((rec->flags & MB_RECORD_TEXT_UNIT) != 0u) {
        CHECK((rec->vib[0] & 0x7Fu) == 0x7Cu);
        CHECK(rc_in_view(rec->vib + 1, rec->vib_len - 1u, rec->text_unit, rec->text_unit_len));
        text_from = rc_offset(rec->vib, rec->text_unit) - 1u; /* the length byte */
        text_to = text_from + 1u + rec->text_unit_len;
        CHECK(rec->vib[text_from] == rec->text_unit_len);
    }
    size_t codes = rec->vib_len - (text_to - text_from);
    CHECK(codes >= 1u && codes <= 1u + MB_MAX_VIFE);
    size_t seen = 0;
    for (size_t i = 0; i < rec->vib_len; i++) {
        if (i >= text_from && i < text_to) {
            continue;
        }
        seen++;
        CHECK(((rec->vib[i] & 0x80u) != 0u) == (seen < codes));
    }

    /* LVAR and data. */
    const uint8_t *after = rec->vib + rec->vib_len;
    size_t n = rc_field_len[rec->data_field];
    if (rec->data_field == 0xDu) {
        CHECK(rc_in_view(apl, len, after, 1u));
        CHECK(*after == rec->lvar);
        after++;
        int l = rc_lvar_len(rec->lvar);
        CHECK(l >= 0);
        n = (size_t)l;
    } else {
        CHECK(rec->lvar == 0u);
    }
    CHECK(rec->data_len == n);
    CHECK(rc_in_view(apl, len, after, n));
    CHECK(rec->data == after || (n == 0u && rec->data == NULL));
    rc_check_value(rec, apl, len);
    return rc_offset(apl, after) + n;
}

/* ---- round trip ----------------------------------------------------------------------------- */

/*
 * Encode with capacity cap into a buffer pre-filled with 0x00, then again pre-filled with 0xFF:
 * a byte written past cap changes at least one of the two fills, whatever its value.
 */
static int rc_encode_guarded(const mb_record_t *rec, size_t cap, uint8_t out[REC_ENC_BUF])
{
    uint8_t other[REC_ENC_BUF];
    CHECK(cap <= REC_ENC_CAP);
    memset(out, 0x00, REC_ENC_BUF);
    memset(other, 0xFF, REC_ENC_BUF);
    int r1 = mb_record_encode(rec, out, cap);
    int r2 = mb_record_encode(rec, other, cap);
    CHECK(r1 == r2);
    for (size_t i = cap; i < REC_ENC_BUF; i++) {
        CHECK(out[i] == 0x00u && other[i] == 0xFFu);
    }
    if (r1 > 0) {
        CHECK((size_t)r1 <= cap);
        CHECK(memcmp(out, other, (size_t)r1) == 0);
    }
    return r1;
}

/* Encoding with capacity cap leaves every byte of the buffer as it was (both fills). */
static bool rc_untouched(const mb_record_t *rec, size_t cap)
{
    uint8_t a[REC_ENC_BUF], b[REC_ENC_BUF];
    memset(a, 0x00, sizeof a);
    memset(b, 0xFF, sizeof b);
    (void)mb_record_encode(rec, a, cap);
    (void)mb_record_encode(rec, b, cap);
    for (size_t i = 0; i < REC_ENC_BUF; i++) {
        if (a[i] != 0x00u || b[i] != 0xFFu) {
            return false;
        }
    }
    return true;
}

static bool rc_value_is_bytes(const mb_value_t *v)
{
#if !MB_ENABLE_REAL32
    if (v->kind == MB_VALUE_REAL) {
        return true;
    }
#endif
    return v->kind == MB_VALUE_TEXT || v->kind == MB_VALUE_BINARY ||
           (v->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW | MB_VALUE_OPAQUE)) != 0u;
}

static bool rc_same_datetime(const mb_datetime_t *x, const mb_datetime_t *y)
{
    return x->year == y->year && x->month == y->month && x->day == y->day && x->hour == y->hour &&
           x->minute == y->minute && x->second == y->second && x->weekday == y->weekday &&
           x->type == y->type && x->flags == y->flags;
}

/* Every semantic field equal (views compared by content). */
static bool rc_same_record(const mb_record_t *x, const mb_record_t *y)
{
    if (x->function != y->function || x->storage != y->storage || x->tariff != y->tariff ||
        x->subunit != y->subunit || x->data_field != y->data_field || x->lvar != y->lvar ||
        x->quantity != y->quantity || x->unit != y->unit || x->flags != y->flags ||
        x->error != y->error || x->action != y->action || x->limit != y->limit ||
        x->per != y->per || x->phase != y->phase || x->vife_flags != y->vife_flags) {
        return false;
    }
    if (x->vib_len != y->vib_len || (x->vib_len != 0u && memcmp(x->vib, y->vib, x->vib_len) != 0)) {
        return false;
    }
    if (x->text_unit_len != y->text_unit_len ||
        (x->text_unit_len != 0u && memcmp(x->text_unit, y->text_unit, x->text_unit_len) != 0)) {
        return false;
    }
    const mb_value_t *a = &x->value, *b = &y->value;
    if (a->kind != b->kind || a->flags != b->flags) {
        return false;
    }
    if (rc_value_is_bytes(a) &&
        (a->len != b->len || (a->len != 0u && memcmp(a->bytes, b->bytes, a->len) != 0))) {
        return false;
    }
    switch (a->kind) {
    case MB_VALUE_NUMBER: return a->mantissa == b->mantissa && a->exponent == b->exponent;
    case MB_VALUE_REAL: {
        if (a->exponent != b->exponent) {
            return false;
        }
#if MB_ENABLE_REAL32
        uint32_t ra, rb;
        memcpy(&ra, &a->real, sizeof ra);
        memcpy(&rb, &b->real, sizeof rb);
        return ra == rb;
#else
        return true;
#endif
    }
    case MB_VALUE_DATE: return rc_same_datetime(&a->datetime, &b->datetime);
    default: return true;
    }
}

/* ---- the automatic plain-text order --------------------------------------------------------- */

static bool rc_printable(const mb_record_t *r)
{
    for (size_t i = 0; i < r->text_unit_len; i++) {
        if (r->text_unit[i] < 0x20u || r->text_unit[i] > 0x7Eu) {
            return false;
        }
    }
    return true;
}

#define RC_RULE_NA 1000 /* the automatic order does not come into it */

/*
 * The record at p[0..n) read as records.h says the automatic order reads it: the 2018 order,
 * unless it runs past the data (VIF or data truncated) or gives unprintable text while the older
 * order gives a whole record with printable text. @return 1 with *want, an error, or RC_RULE_NA
 * when options force an order or the record has no VIF 0xFC.
 */
static int rc_auto_rule(const uint8_t *p, size_t n, unsigned options, mb_record_t *want)
{
    if ((options & (MB_RECORDS_TEXT_2018 | MB_RECORDS_TEXT_AFTER_VIF)) != 0u || n == 0u ||
        (p[0] & 0x0Fu) == 0x0Fu) {
        return RC_RULE_NA;
    }
    size_t pos = 0;
    while (pos < n && (p[pos] & 0x80u) != 0u) {
        pos++;
    }
    if (pos + 1u >= n || p[pos + 1u] != 0xFCu) {
        return RC_RULE_NA;
    }
    mb_records_t it;
    mb_record_t r18, older;
    mb_records_init(&it, p, n, options | MB_RECORDS_TEXT_2018);
    int a = mb_records_next(&it, &r18);
    mb_records_init(&it, p, n, options | MB_RECORDS_TEXT_AFTER_VIF);
    int b = mb_records_next(&it, &older);
    bool past = a == MB_ERR_REC_VIF_TRUNCATED || a == MB_ERR_REC_DATA_TRUNCATED;
    if (b == 1 && rc_printable(&older) && (past || (a == 1 && !rc_printable(&r18)))) {
        *want = older;
        return 1;
    }
    *want = r18;
    return a;
}

/* Does the automatic reading (r, *got) agree with rc_auto_rule()? */
static bool rc_auto_agrees(int rule, const mb_record_t *want, int r, const mb_record_t *got)
{
    if (rule == RC_RULE_NA) {
        return true;
    }
    if (rule != 1) {
        return r != 1;
    }
    return r == 1 && got->vib_len == want->vib_len && got->data_len == want->data_len &&
           got->text_unit - got->vib == want->text_unit - want->vib;
}

/* The iterator's reading at apl[off] (r, *got) is the documented automatic order. */
static void rc_check_auto_order(const uint8_t *apl, size_t len, size_t off, unsigned options, int r,
                                const mb_record_t *got)
{
    mb_record_t want;
    int rule = rc_auto_rule(apl + off, len - off, options, &want);
    bool ok = rc_auto_agrees(rule, &want, r, got);
    if (!ok) {
        fprintf(stderr, "automatic text order: rule %d, iterator %d\n", rule, r);
    }
    CHECK(ok);
}

/*
 * Refusals of the encoder for records the decoder produced. The header promises decode(encode(r))
 * == r, so every refusal is a bug; the known classes are listed here, each behind its guard.
 */
static bool rc_refusal_known(const mb_record_t *rec, unsigned options, int err)
{
    (void)rec;
    (void)options;
    (void)err;
    return false;
}

/*
 * Decode @p enc with @p options into *back, checking it as any decoded record. @return whether it
 * is exactly one record.
 */
static bool rc_decode_one(const uint8_t *enc, size_t n, unsigned options, mb_record_t *back)
{
    mb_records_t it;
    mb_records_init(&it, enc, n, options);
    if (mb_records_next(&it, back) != 1) {
        return false;
    }
    mb_record_t extra;
    return rc_check_record(back, enc, n, options, 0) == n && mb_records_next(&it, &extra) == 0 &&
           mb_records_offset(&it) == n;
}

/*
 * The plain-text order @p rec was read in, as an option (0 without VIF 0xFC): right after the
 * VIF's length byte is the older order. records.h promises the round trip in that order; the
 * automatic order may read the encoder's bytes otherwise (the older order is ambiguous).
 */
static unsigned rc_text_order(const mb_record_t *rec)
{
    if ((rec->flags & MB_RECORD_TEXT_UNIT) == 0u || rec->vib[0] != 0xFCu) {
        return 0;
    }
    return rec->text_unit == rec->vib + 2 ? MB_RECORDS_TEXT_AFTER_VIF : MB_RECORDS_TEXT_2018;
}

/* The bytes @p enc that mb_record_encode() wrote for @p orig decode into one record *back. */
static void rc_redecode(const mb_record_t *orig, const uint8_t *enc, size_t n, unsigned options,
                        mb_record_t *back)
{
    if ((options & MB_RECORDS_TEXT_AFTER_VIF) == 0u) {
        options |= rc_text_order(orig);
    }
    bool ok = rc_decode_one(enc, n, options, back);
    if (!ok) {
        fprintf(stderr, "encoded record is not one record:");
        for (size_t i = 0; i < n; i++) {
            fprintf(stderr, " %02X", enc[i]);
        }
        fprintf(stderr, "\n");
        rc_dump("given", orig);
    }
    CHECK(ok);
}

static void rc_roundtrip(const mb_record_t *rec, unsigned options)
{
    uint8_t out[REC_ENC_BUF];
    uint8_t exact[REC_ENC_BUF];
    int n = rc_encode_guarded(rec, REC_ENC_CAP, out);
    if (n <= 0) {
        bool documented = n == MB_ERR_REC_INEXACT || n == MB_ERR_REC_RANGE ||
                          n == MB_ERR_REC_KIND || n == MB_ERR_ARG;
        if (!documented || !rc_refusal_known(rec, options, n)) {
            fprintf(stderr, "mb_record_encode refused a decoded record: %d\n", n);
            rc_dump("record", rec);
        }
        CHECK(documented);
        CHECK(rc_refusal_known(rec, options, n));
        return;
    }
    /* Exactly the bytes needed: the same bytes; one less: no space, nothing past it written. */
    CHECK(rc_encode_guarded(rec, (size_t)n, exact) == n);
    CHECK(memcmp(out, exact, (size_t)n) == 0);
    CHECK(rc_encode_guarded(rec, (size_t)n - 1u, exact) == MB_ERR_NOSPACE);
    CHECK(rc_untouched(rec, (size_t)n - 1u)); /* records.h: MB_ERR_NOSPACE writes nothing */

    mb_record_t back;
    rc_redecode(rec, out, (size_t)n, options, &back);
    if (!rc_same_record(rec, &back)) {
        rc_dump("original", rec);
        rc_dump("re-decoded", &back);
        CHECK(rc_same_record(rec, &back));
    }

    /* The same number in another decimal representation is the same value: the same bytes. */
    const mb_value_t *v = &rec->value;
    if (v->kind == MB_VALUE_NUMBER && v->flags == 0u) {
        mb_record_t alt = *rec;
        if (v->exponent > INT8_MIN && rc_mul(&alt.value.mantissa, 10)) {
            alt.value.exponent = (int8_t)(v->exponent - 1);
            int a = rc_encode_guarded(&alt, REC_ENC_CAP, exact);
            if (a != n || memcmp(out, exact, (size_t)n) != 0) {
                fprintf(stderr, "x10 representation encodes differently: %d\n", a);
                rc_dump("record", rec);
                CHECK(a == n && memcmp(out, exact, (size_t)n) == 0);
            }
        }
        alt = *rec;
        if (v->mantissa % 10 == 0 && v->exponent < INT8_MAX) {
            alt.value.mantissa /= 10;
            alt.value.exponent = (int8_t)(v->exponent + 1);
            int a = rc_encode_guarded(&alt, REC_ENC_CAP, exact);
            if (a != n || memcmp(out, exact, (size_t)n) != 0) {
                fprintf(stderr, "/10 representation encodes differently: %d\n", a);
                rc_dump("record", rec);
                CHECK(a == n && memcmp(out, exact, (size_t)n) == 0);
            }
        }
    }
}

/*
 * The encoder on numbers it was not given by the decoder: the record's VIB and DIB with other
 * values and other data fields. Each result is a documented error, or bytes that decode into one
 * record with that data field whose value is the number given, exactly (records.h: a value that
 * cannot be represented exactly is refused).
 */
static void rc_encode_other_numbers(const mb_record_t *rec, unsigned options)
{
    static const uint8_t fields[] = {0x1, 0x2, 0x3, 0x4, 0x6, 0x7, 0x9, 0xA, 0xB,
                                     0xC, 0xE, 0xD, 0xD, 0xD, 0xD, 0xD, 0xD};
    static const uint8_t lvars[] = {0, 0, 0,    0,    0,    0,    0,    0,   0,
                                    0, 0, 0xC4, 0xD4, 0xE4, 0xE8, 0xE9, 0xF0};
    const mb_value_t *v = &rec->value;
    if (v->kind != MB_VALUE_NUMBER || v->flags != 0u) {
        return;
    }
    for (unsigned k = 0; k < 2u; k++) {
        mb_record_t alt = *rec;
        if (k == 1u) { /* another value: 3m + 1 at one decade less */
            if (v->exponent == INT8_MIN || !rc_mul(&alt.value.mantissa, 3) ||
                alt.value.mantissa == INT64_MAX) {
                continue;
            }
            alt.value.mantissa++;
            alt.value.exponent = (int8_t)(v->exponent - 1);
        }
        for (size_t i = 0; i < sizeof fields; i++) {
            uint8_t out[REC_ENC_BUF];
            alt.data_field = fields[i];
            alt.lvar = lvars[i];
            int n = rc_encode_guarded(&alt, REC_ENC_CAP, out);
            if (n <= 0) {
                CHECK(n == MB_ERR_REC_INEXACT || n == MB_ERR_REC_RANGE || n == MB_ERR_REC_KIND);
                continue;
            }
            mb_record_t back;
            rc_redecode(&alt, out, (size_t)n, options, &back);
            CHECK(back.data_field == alt.data_field && back.lvar == alt.lvar);
            CHECK(back.vib_len == alt.vib_len && memcmp(back.vib, alt.vib, alt.vib_len) == 0);
            CHECK(back.function == alt.function && back.storage == alt.storage &&
                  back.tariff == alt.tariff && back.subunit == alt.subunit);
            if (back.value.kind == MB_VALUE_NUMBER && back.value.flags == 0u &&
                back.unit == alt.unit &&
                !rc_num_equal(back.value.mantissa, back.value.exponent, alt.value.mantissa,
                              alt.value.exponent)) {
                rc_dump("given", &alt);
                rc_dump("encoded and decoded", &back);
                CHECK(false);
            }
        }
    }
}

/* ---- the iteration -------------------------------------------------------------------------- */

/* What one record looked like, to compare runs with different options. */
struct rc_summary {
    size_t start, end;
    mb_quantity_t quantity;
    mb_unit_t unit;
    mb_value_kind_t kind;
    uint8_t vflags;
    int64_t mantissa;
    int8_t exponent;
};

struct rc_walk {
    int status; /* 0: ended normally, < 0: the error */
    size_t count;
    size_t offset;
    struct rc_summary *recs; /* if not NULL: room for len + 1 summaries */
};

/* Iterate over all records of apl[0..len) with @p options, checking everything above. */
static void rc_walk(const uint8_t *apl, size_t len, unsigned options, bool roundtrip,
                    struct rc_walk *w)
{
    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, apl, len, options);
    CHECK(mb_records_offset(&it) == 0u);
    CHECK(mb_records_next(NULL, &rec) == MB_ERR_ARG);
    CHECK(mb_records_next(&it, NULL) == MB_ERR_ARG);

    size_t prev_end = 0;
    w->count = 0;
    int r;
    for (;;) {
        size_t before = mb_records_offset(&it);
        r = mb_records_next(&it, &rec);
        size_t off = mb_records_offset(&it);
        CHECK(off <= len && off >= before);
        if (r != 1) {
            break;
        }
        CHECK(w->count < len); /* every record takes at least one byte: it terminates */
        size_t end = rc_check_record(&rec, apl, len, options, prev_end);
        rc_check_auto_order(apl, len, rc_offset(apl, rec.dib), options, r, &rec);
        CHECK(end <= len);
        /* records.h: the iterator stands after the last record delivered. */
        CHECK(off == end);
        if (w->recs != NULL) {
            struct rc_summary *s = &w->recs[w->count];
            s->start = rc_offset(apl, rec.dib);
            s->end = end;
            s->quantity = rec.quantity;
            s->unit = rec.unit;
            s->kind = rec.value.kind;
            s->vflags = rec.value.flags;
            s->mantissa = rec.value.mantissa;
            s->exponent = rec.value.exponent;
        }
        w->count++;
        if (roundtrip) {
            rc_roundtrip(&rec, options);
            rc_encode_other_numbers(&rec, options);
        }
        prev_end = end;
    }
    size_t off = mb_records_offset(&it);
    w->status = r;
    w->offset = off;
    if (r == 0) {
        /* Everything was read: records, fillers, and manufacturer data after 0x0F/0x1F. */
        CHECK(off == len);
        if (it.manufacturer_data != NULL) {
            CHECK(rc_in_view(apl, len, it.manufacturer_data, it.manufacturer_len));
            size_t md = rc_offset(apl, it.manufacturer_data);
            CHECK(md >= prev_end + 1u && md + it.manufacturer_len == len);
            uint8_t dif = apl[md - 1u];
            CHECK(dif == 0x0Fu || dif == 0x1Fu);
            CHECK(it.more_records_follow == (dif == 0x1Fu));
            CHECK(rc_fillers(apl, prev_end, md - 1u));
        } else {
            CHECK(it.manufacturer_len == 0u && !it.more_records_follow);
            CHECK(rc_fillers(apl, prev_end, len));
        }
        CHECK(mb_records_next(&it, &rec) == 0 && mb_records_next(&it, &rec) == 0);
    } else {
        CHECK(rc_is_rec_error(r));
        if (off < len) {
            rc_check_auto_order(apl, len, off, options, r, &rec);
        }
        /* records.h: it stands at the record that could not be read, after any fillers. */
        CHECK(off >= prev_end && off < len && rc_fillers(apl, prev_end, off));
        CHECK(apl[off] != 0x2Fu);
        CHECK(it.manufacturer_data == NULL && !it.more_records_follow);
        CHECK(mb_records_next(&it, &rec) == r && mb_records_next(&it, &rec) == r);
    }
    CHECK(mb_records_offset(&it) == off);
}

#endif /* MB_FUZZ_RECORDS_CHECK_H */
