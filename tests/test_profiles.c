/*
 * Meter profiles (src/profiles/): each profile's RSP_UD decoded with the library's own decoder,
 * its readings checked against values worked out here from the meter's rates and the tariff
 * hours, the E350's breaker command, the multi-telegram readout, and meters on the simulated bus
 * read by a master (with baud-rate switches the meter does and does not support).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "meterbus/host/simbus.h"
#include "meterbus/master.h"
#include "meterbus/records.h"
#include "meterbus/scan.h"
#include "meterbus/slave.h"
#include "meterbus/tpl.h"
#include "profiles.h"

#define JAN1_2026 1767225600u /* 2026-01-01 00:00:00 UTC */
#define HOUR_S    3600u
#define DAY_S     86400u
#define MAX_RECS  48

/* A telegram as the decoder sees it. */
typedef struct telegram {
    uint8_t raw[MB_SLAVE_RESPONSE_MAX];
    int len;
    bool more;
    mb_tpl_t tpl;
    mb_record_t recs[MAX_RECS];
    size_t n;
    bool ends_with_1f;
} telegram_t;

static void decode(telegram_t *t)
{
    assert_true(t->len > 13);
    assert_int_equal(t->raw[0], 0x72);
    assert_int_equal(mb_tpl_decode(0x72, t->raw + 1, (size_t)t->len - 1u, &t->tpl), MB_OK);
    assert_true(t->tpl.has_address);
    mb_records_t it;
    mb_records_init(&it, t->tpl.apl, t->tpl.apl_len, 0);
    t->n = 0;
    int rc;
    while ((rc = mb_records_next(&it, &t->recs[t->n])) == 1) {
        assert_int_equal(t->recs[t->n].flags & MB_RECORD_UNKNOWN_VIFE, 0);
        assert_int_not_equal(t->recs[t->n].quantity, MB_Q_UNKNOWN);
        t->n++;
        assert_true(t->n < MAX_RECS);
    }
    assert_int_equal(rc, 0); /* every byte read, no error */
    t->ends_with_1f = it.more_records_follow;
    if (it.more_records_follow) {
        assert_int_equal(it.manufacturer_len, 0); /* 1F is the last byte */
    }
}

/* Class-2 telegram @p number of @p m, decoded. */
static void read_meter(mb_profile_meter_t *m, unsigned number, telegram_t *t)
{
    memset(t, 0, sizeof *t);
    t->len = mb_profile_app.respond(m, 2, number, t->raw, sizeof t->raw, &t->more);
    decode(t);
}

static const mb_record_t *find(const telegram_t *t, mb_quantity_t q, uint32_t tariff,
                               uint64_t storage)
{
    for (size_t i = 0; i < t->n; i++) {
        const mb_record_t *r = &t->recs[i];
        if (r->quantity == q && r->tariff == tariff && r->storage == storage) {
            return r;
        }
    }
    fail_msg("no record %d tariff %u storage %u", (int)q, (unsigned)tariff, (unsigned)storage);
    return NULL;
}

/* A record's value in units of 10^@p exp of its unit (the record's exponent must be >= exp). */
static int64_t value_in(const mb_record_t *r, int exp)
{
    assert_int_equal(r->value.kind, MB_VALUE_NUMBER);
    assert_true(r->value.exponent >= exp);
    int64_t v = r->value.mantissa;
    for (int e = exp; e < r->value.exponent; e++) {
        v *= 10;
    }
    return v;
}

static int64_t quantity_value(const telegram_t *t, mb_quantity_t q, uint32_t tariff,
                              uint64_t storage, mb_unit_t unit, int exp)
{
    const mb_record_t *r = find(t, q, tariff, storage);
    assert_int_equal(r->unit, unit);
    return value_in(r, exp);
}

static void expect_date_time(const telegram_t *t, unsigned y, unsigned mo, unsigned d, unsigned h,
                             unsigned mi)
{
    const mb_record_t *r = find(t, MB_Q_DATE_TIME, 0, 0);
    assert_int_equal(r->value.kind, MB_VALUE_DATE);
    assert_int_equal(r->value.datetime.type, 'F');
    assert_int_equal(r->value.datetime.year, y);
    assert_int_equal(r->value.datetime.month, mo);
    assert_int_equal(r->value.datetime.day, d);
    assert_int_equal(r->value.datetime.hour, h);
    assert_int_equal(r->value.datetime.minute, mi);
}

static void expect_date(const mb_record_t *r, unsigned y, unsigned mo, unsigned d)
{
    assert_int_equal(r->value.kind, MB_VALUE_DATE);
    assert_int_equal(r->value.datetime.type, 'G');
    assert_int_equal(r->value.datetime.year, y);
    assert_int_equal(r->value.datetime.month, mo);
    assert_int_equal(r->value.datetime.day, d);
}

/* The telegrams' bytes are the same but the access number (header byte 9 after CI 72 at 0),
   which is @p later telegrams on. */
static void expect_same_but_access(const telegram_t *a, const telegram_t *b, unsigned later)
{
    assert_int_equal(a->len, b->len);
    assert_int_equal((uint8_t)(a->raw[9] + later), b->raw[9]);
    assert_memory_equal(a->raw, b->raw, 9);
    assert_memory_equal(a->raw + 10, b->raw + 10, (size_t)a->len - 10u);
}

/*
 * Tariff hours as documented for the electricity profiles: T1 07-17, T2 17-21, T3 23-07,
 * T4 21-23. Hours of tariff @p t (1..4) between hour @p from and @p to of the same day.
 */
static unsigned tariff_hours(unsigned t, unsigned from, unsigned to)
{
    static const unsigned tariff[24] = {3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1,
                                        1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 3};
    unsigned n = 0;
    for (unsigned h = from; h < to; h++) {
        n += tariff[h] == t;
    }
    return n;
}

/* ---- E350 ------------------------------------------------------------------------------------ */

static void e350_telegram(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_E350, 7, 3);
    mb_profile_set_time(&m, 0, JAN1_2026 + 5u * HOUR_S);
    telegram_t t;
    read_meter(&m, 0, &t);
    assert_false(t.more);
    assert_false(t.ends_with_1f);
    assert_int_equal(t.tpl.address.id, m.secondary.id);
    assert_int_equal(t.tpl.address.manufacturer, mb_manufacturer_code("LUG"));
    assert_int_equal(t.tpl.address.medium, 0x02);
    assert_int_equal(t.tpl.address.version, m.secondary.version);
    assert_int_equal(t.tpl.status, 0);
    assert_int_equal(t.tpl.config, 0);
    expect_date_time(&t, 2026, 1, 1, 5, 0);

    /* Fabrication number: 8 BCD digits, decoded as the decimal number they spell. */
    const mb_record_t *fab = find(&t, MB_Q_FABRICATION_NUMBER, 0, 0);
    int64_t digits = 0;
    for (int i = 7; i >= 0; i--) {
        digits = digits * 10 + (int64_t)((m.fabrication >> (4 * i)) & 0xFu);
    }
    assert_int_equal(fab->value.mantissa, digits);

    /* Import per tariff adds up to the total; T4 comes from the second DIFE. */
    int64_t total = quantity_value(&t, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 0);
    int64_t sum = 0;
    for (uint32_t k = 1; k <= 4u; k++) {
        sum += quantity_value(&t, MB_Q_ENERGY, k, 0, MB_UNIT_WH, 0);
    }
    assert_int_equal(total, sum);
    assert_true(total > 0);
    assert_int_equal(find(&t, MB_Q_ENERGY, 4, 0)->dib_len, 3);

    /* Export: the energy record with VIFE 3C (backward flow). */
    const mb_record_t *exp_rec = NULL;
    for (size_t i = 0; i < t.n; i++) {
        if (t.recs[i].vife_flags & MB_VIFE_ACCUMULATION_NEGATIVE) {
            exp_rec = &t.recs[i];
        }
    }
    assert_non_null(exp_rec);
    assert_int_equal(exp_rec->quantity, MB_Q_ENERGY);
    assert_int_equal(exp_rec->tariff, 0);
    /* The total import is the record without VIFE. */
    assert_int_equal(find(&t, MB_Q_ENERGY, 0, 0)->vife_flags, 0);

    /* 05:00 is night: tariff 3, reported as rate input bits 10 (tariff - 1). */
    assert_int_equal(value_in(find(&t, MB_Q_DIGITAL_INPUT, 0, 0), 0), 2);
    assert_int_equal(value_in(find(&t, MB_Q_DIGITAL_OUTPUT, 0, 0), 0), 1); /* breaker closed */
    int64_t power = quantity_value(&t, MB_Q_POWER, 0, 0, MB_UNIT_W, 0);
    /* Within 12 % of the night tariff's rate (Wh per hour is W). */
    assert_true(power * 100 >= (int64_t)m.rate[2] * 88 && power * 100 <= (int64_t)m.rate[2] * 112);

    /* Access number: one more per telegram. */
    telegram_t t2;
    read_meter(&m, 0, &t2);
    assert_int_equal((uint8_t)(t.tpl.access + 1u), t2.tpl.access);
}

/* Energy advances per tariff by rate x hours of that tariff; export only in T1 hours. */
static void e350_tariffs_follow_time_of_day(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_E350, 11, 1);
    telegram_t a, b, c;
    mb_profile_set_time(&m, 0, JAN1_2026 + 5u * HOUR_S);
    read_meter(&m, 0, &a);
    mb_profile_set_time(&m, 4u * HOUR_S * 1000u, JAN1_2026 + 9u * HOUR_S);
    read_meter(&m, 0, &b);
    mb_profile_set_time(&m, (4u * HOUR_S + DAY_S) * 1000u, JAN1_2026 + 9u * HOUR_S + DAY_S);
    read_meter(&m, 0, &c);
    for (uint32_t k = 1; k <= 4u; k++) {
        int64_t va = quantity_value(&a, MB_Q_ENERGY, k, 0, MB_UNIT_WH, 0);
        int64_t vb = quantity_value(&b, MB_Q_ENERGY, k, 0, MB_UNIT_WH, 0);
        int64_t vc = quantity_value(&c, MB_Q_ENERGY, k, 0, MB_UNIT_WH, 0);
        assert_int_equal(vb - va, (int64_t)m.rate[k - 1u] * tariff_hours(k, 5, 9));
        assert_int_equal(vc - vb, (int64_t)m.rate[k - 1u] * tariff_hours(k, 0, 24));
    }
    assert_int_equal(
        quantity_value(&c, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 0) -
            quantity_value(&a, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 0),
        (int64_t)(m.rate[0] * 12u + m.rate[1] * 4u + m.rate[2] * 10u + m.rate[3] * 2u));
    /* 09:00 is day: tariff 1. */
    assert_int_equal(value_in(find(&b, MB_Q_DIGITAL_INPUT, 0, 0), 0), 0);
    expect_date_time(&c, 2026, 1, 2, 9, 0);
}

static void readings_hold_within_a_cycle(void **state)
{
    (void)state;
    for (int k = 0; k < MB_PROFILE_COUNT; k++) {
        mb_profile_meter_t m;
        mb_profile_init(&m, (mb_profile_kind_t)k, 99, 1);
        telegram_t a, b, c;
        mb_profile_set_time(&m, 3600000u + 10000u, JAN1_2026 + 3610u);
        read_meter(&m, 0, &a);
        mb_profile_set_time(&m, 3600000u + 19999u, JAN1_2026 + 3619u);
        read_meter(&m, 0, &b);
        expect_same_but_access(&a, &b, 1);
        /* Much later everything counting has grown. */
        mb_profile_set_time(&m, 3600000u + 10u * DAY_S * 1000u, JAN1_2026 + 3600u + 10u * DAY_S);
        read_meter(&m, 0, &c);
        mb_quantity_t q = k <= MB_PROFILE_M1PRO || k == MB_PROFILE_HEAT || k == MB_PROFILE_MULTI
                              ? MB_Q_ENERGY
                              : MB_Q_VOLUME;
        const mb_record_t *ra = find(&a, q, 0, 0), *rc = find(&c, q, 0, 0);
        assert_true(value_in(rc, -3) > value_in(ra, -3));
    }
}

static void req_ud1_is_answered_with_e5(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_WATER, 1, 1);
    uint8_t out[MB_SLAVE_RESPONSE_MAX];
    bool more = false;
    assert_int_equal(mb_profile_app.respond(&m, 1, 0, out, sizeof out, &more), 0);
    assert_false(more);
    /* Too little room: nothing (a negative result), never a cut telegram. */
    assert_true(mb_profile_app.respond(&m, 2, 0, out, 20, &more) < 0);
}

/* ---- the breaker ----------------------------------------------------------------------------- */

static int command(mb_profile_meter_t *m, uint8_t ci, const char *hex)
{
    uint8_t data[16];
    size_t n = 0;
    for (const char *p = hex; *p != '\0';) {
        if (*p == ' ') {
            p++;
            continue;
        }
        data[n++] = (uint8_t)strtoul((char[]){p[0], p[1], 0}, NULL, 16);
        p += 2;
    }
    return mb_profile_app.receive(m, ci, data, n);
}

static void e350_breaker(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_E350, 5, 1);
    telegram_t t0, t1, t2, t3, t4;
    uint32_t at = JAN1_2026 + 8u * HOUR_S; /* day tariff, export running */
    mb_profile_set_time(&m, 0, at);
    read_meter(&m, 0, &t0);

    /* Malformed commands: refused, nothing changes. */
    assert_true(command(&m, 0x51, "01 FD 1A 02") < 0);          /* value 2 */
    assert_true(command(&m, 0x51, "01 FD 1A") < 0);             /* no value */
    assert_true(command(&m, 0x51, "01 FD 1A 00 00") < 0);       /* too long */
    assert_true(command(&m, 0x51, "02 FD 1A 00 00") < 0);       /* 16-bit */
    assert_true(command(&m, 0x51, "01 FD 1B 00") < 0);          /* digital input */
    assert_true(command(&m, 0x51, "01 7A 05") < 0);             /* not ours */
    assert_true(command(&m, 0x5A, "01 FD 1A 00") < 0);          /* other CI */
    assert_true(mb_profile_app.receive(&m, 0x51, NULL, 0) < 0); /* empty */
    assert_int_equal(m.breaker_commands, 0);
    assert_false(m.breaker_open);
    /* A global readout request is acknowledged. */
    assert_int_equal(command(&m, 0x51, "7F"), 0);

    /* One hour on, the breaker opens: power 0, readings stand still from then on. */
    mb_profile_set_time(&m, HOUR_S * 1000u, at + HOUR_S);
    assert_int_equal(command(&m, 0x51, "01 FD 1A 00"), 0);
    assert_true(m.breaker_open);
    assert_int_equal(m.breaker_commands, 1);
    read_meter(&m, 0, &t1);
    assert_int_equal(value_in(find(&t1, MB_Q_DIGITAL_OUTPUT, 0, 0), 0), 0);
    assert_int_equal(quantity_value(&t1, MB_Q_POWER, 0, 0, MB_UNIT_W, 0), 0);
    int64_t t1_import = quantity_value(&t1, MB_Q_ENERGY, 1, 0, MB_UNIT_WH, 0);
    assert_int_equal(t1_import - quantity_value(&t0, MB_Q_ENERGY, 1, 0, MB_UNIT_WH, 0),
                     (int64_t)m.rate[0]);

    mb_profile_set_time(&m, 3u * HOUR_S * 1000u, at + 3u * HOUR_S);
    read_meter(&m, 0, &t2);
    for (uint32_t k = 0; k <= 4u; k++) {
        assert_int_equal(quantity_value(&t2, MB_Q_ENERGY, k, 0, MB_UNIT_WH, 0),
                         quantity_value(&t1, MB_Q_ENERGY, k, 0, MB_UNIT_WH, 0));
    }
    assert_int_equal(quantity_value(&t2, MB_Q_POWER, 0, 0, MB_UNIT_W, 0), 0);

    /* Closed again: counting resumes from the frozen readings. */
    assert_int_equal(command(&m, 0x51, "01 FD 1A 01"), 0);
    assert_false(m.breaker_open);
    assert_int_equal(m.breaker_commands, 2);
    mb_profile_set_time(&m, 5u * HOUR_S * 1000u, at + 5u * HOUR_S);
    read_meter(&m, 0, &t3);
    assert_int_equal(value_in(find(&t3, MB_Q_DIGITAL_OUTPUT, 0, 0), 0), 1);
    assert_true(quantity_value(&t3, MB_Q_POWER, 0, 0, MB_UNIT_W, 0) > 0);
    assert_int_equal(quantity_value(&t3, MB_Q_ENERGY, 1, 0, MB_UNIT_WH, 0) - t1_import,
                     2 * (int64_t)m.rate[0]);
    /* Closing a closed breaker changes nothing but the count. */
    assert_int_equal(command(&m, 0x51, "01 FD 1A 01"), 0);
    assert_int_equal(m.breaker_commands, 3);
    read_meter(&m, 0, &t4);
    expect_same_but_access(&t3, &t4, 1);

    /* Other meters have no breaker. */
    mb_profile_meter_t other;
    mb_profile_init(&other, MB_PROFILE_M1PRO, 5, 1);
    assert_true(command(&other, 0x51, "01 FD 1A 00") < 0);
    assert_int_equal(other.breaker_commands, 0);
}

/* ---- M1PRO ----------------------------------------------------------------------------------- */

/* Regression: a wall clock smaller than the time the meter has run (unset, or set late) once
   made the tariff window start before 1970 and the counters jump by billions of Wh. The window
   now starts at 0, as for a meter whose clock reads exactly its running time. */
static void e350_wall_clock_younger_than_the_meter(void **state)
{
    (void)state;
    const uint32_t elapsed_ms = 0x74FB3868u; /* 545 h */
    mb_profile_meter_t young, exact;
    mb_profile_init(&young, MB_PROFILE_E350, 42, 1);
    mb_profile_init(&exact, MB_PROFILE_E350, 42, 1);
    mb_profile_set_time(&young, elapsed_ms, 21995u);
    mb_profile_set_time(&exact, elapsed_ms, elapsed_ms / 10000u * 10u);
    telegram_t a, b;
    read_meter(&young, 0, &a);
    read_meter(&exact, 0, &b);
    for (uint32_t t = 0; t <= 4u; t++) {
        assert_int_equal(quantity_value(&a, MB_Q_ENERGY, t, 0, MB_UNIT_WH, 0),
                         quantity_value(&b, MB_Q_ENERGY, t, 0, MB_UNIT_WH, 0));
    }
    int64_t total = quantity_value(&a, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 0);
    assert_true(total > 0 && total < 100000000); /* a household meter, not 2^31 Wh */
}

/* Regression: after a breaker command the millisecond clock's wrap (49.7 days) once set the
   counters back, or forward by 136 years' worth. They now run on across the wrap. */
static void counters_run_on_across_the_clock_wrap(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_E350, 7, 1);
    mb_profile_set_time(&m, HOUR_S * 1000u, JAN1_2026 + HOUR_S);
    assert_int_equal(command(&m, 0x51, "01 FD 1A 00"), 0); /* open */
    mb_profile_set_time(&m, 2u * HOUR_S * 1000u, JAN1_2026 + 2u * HOUR_S);
    assert_int_equal(command(&m, 0x51, "01 FD 1A 01"), 0); /* closed again */
    telegram_t before, after;
    read_meter(&m, 0, &before);
    /* 2^32 - 1 ms later: the clock wrapped and reads 1 ms less than before. */
    mb_profile_set_time(&m, 2u * HOUR_S * 1000u - 1u, JAN1_2026 + 2u * HOUR_S + 4294967u);
    read_meter(&m, 0, &after);
    for (uint32_t t = 0; t <= 4u; t++) {
        int64_t was = quantity_value(&before, MB_Q_ENERGY, t, 0, MB_UNIT_WH, 0);
        int64_t now = quantity_value(&after, MB_Q_ENERGY, t, 0, MB_UNIT_WH, 0);
        assert_true(now >= was);
        assert_true(now - was < 50000000); /* 49.7 days of a household's use, not more */
    }
    assert_true(quantity_value(&after, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 0) >
                quantity_value(&before, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 0));
}

static void m1pro_telegram(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_M1PRO, 42, 7);
    telegram_t a, b;
    mb_profile_set_time(&m, 0, JAN1_2026 + 18u * HOUR_S); /* evening peak, tariff 2 */
    read_meter(&m, 0, &a);
    assert_int_equal(a.tpl.address.manufacturer, mb_manufacturer_code("MPR"));
    assert_int_equal(a.tpl.address.medium, 0x02);
    assert_int_equal(a.tpl.address.id, m.secondary.id);
    assert_int_equal(m.fabrication, m.secondary.id); /* serial number = ID */
    expect_date_time(&a, 2026, 1, 1, 18, 0);

    int64_t p = quantity_value(&a, MB_Q_POWER, 0, 0, MB_UNIT_W, 0);
    int64_t u = quantity_value(&a, MB_Q_VOLTAGE, 0, 0, MB_UNIT_V, -1);
    int64_t i = quantity_value(&a, MB_Q_CURRENT, 0, 0, MB_UNIT_A, -2);
    int64_t f = quantity_value(&a, MB_Q_FREQUENCY, 0, 0, MB_UNIT_HZ, -2);
    const mb_record_t *pf_rec = find(&a, MB_Q_DIMENSIONLESS, 0, 0);
    int64_t pf = value_in(pf_rec, -3);
    assert_true(p * 100 >= (int64_t)m.rate[1] * 88 && p * 100 <= (int64_t)m.rate[1] * 112);
    assert_true(u >= 2200 && u <= 2400);
    assert_true(f >= 4990 && f <= 5010);
    assert_true(pf >= 900 && pf < 1000);
    /* I = P / (U * PF), within rounding: compare I * U * PF with P (all scaled). */
    int64_t p_from_i = i * u * pf; /* 10^-2 A * 10^-1 V * 10^-3 = 10^-6 W */
    assert_true(llabs(p_from_i - p * 1000000) <= 3000000 + p * 10000);

    /* Import in 0.01 kWh, export a separate 3C record; over a day they grow as the rates say. */
    mb_profile_set_time(&m, DAY_S * 1000u, JAN1_2026 + 18u * HOUR_S + DAY_S);
    read_meter(&m, 0, &b);
    assert_int_equal(find(&a, MB_Q_ENERGY, 0, 0)->value.exponent, 1);
    int64_t day_wh = (int64_t)(m.rate[0] * 10u + m.rate[1] * 4u + m.rate[2] * 8u + m.rate[3] * 2u);
    int64_t grown = quantity_value(&b, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 1) -
                    quantity_value(&a, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 1);
    assert_true(grown >= day_wh / 10 - 1 && grown <= day_wh / 10 + 1);
    size_t exports = 0;
    for (size_t k = 0; k < b.n; k++) {
        exports += (b.recs[k].vife_flags & MB_VIFE_ACCUMULATION_NEGATIVE) != 0;
    }
    assert_int_equal(exports, 1);
}

/* ---- heat ------------------------------------------------------------------------------------ */

static void heat_telegram(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_HEAT, 3, 12);
    mb_profile_set_time(&m, 0, JAN1_2026 + 14u * DAY_S + 7u * HOUR_S + 30u * 60u);
    telegram_t t;
    read_meter(&m, 0, &t);
    assert_int_equal(t.tpl.address.manufacturer, mb_manufacturer_code("KAM"));
    assert_int_equal(t.tpl.address.medium, 0x04);
    expect_date_time(&t, 2026, 1, 15, 7, 30);

    int64_t flow_t = quantity_value(&t, MB_Q_FLOW_TEMPERATURE, 0, 0, MB_UNIT_CELSIUS, -2);
    int64_t ret_t = quantity_value(&t, MB_Q_RETURN_TEMPERATURE, 0, 0, MB_UNIT_CELSIUS, -2);
    int64_t diff = quantity_value(&t, MB_Q_TEMPERATURE_DIFFERENCE, 0, 0, MB_UNIT_KELVIN, -2);
    int64_t power = quantity_value(&t, MB_Q_POWER, 0, 0, MB_UNIT_W, 0);
    int64_t flow = quantity_value(&t, MB_Q_VOLUME_FLOW, 0, 0, MB_UNIT_M3_PER_H, -3); /* l/h */
    assert_true(flow_t >= 5000 && flow_t <= 8000);
    assert_int_equal(flow_t - ret_t, diff);
    assert_true(diff > 1000 && diff < 3000);
    /* Thermal power of water, 1.163 W per l/h and K, within rounding. */
    int64_t expect_w = flow * diff * 1163 / 100000;
    assert_true(llabs(power - expect_w) <= 3);
    assert_int_equal(value_in(find(&t, MB_Q_ERROR_FLAGS, 0, 0), 0), 0);
    assert_true(value_in(find(&t, MB_Q_OPERATING_TIME, 0, 0), 0) >= 2 * 365 * 86400);

    /* Month end: storage 1, dated the last day of December, below the current values. */
    int64_t e_now = quantity_value(&t, MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 3);
    int64_t e_end = quantity_value(&t, MB_Q_ENERGY, 0, 1, MB_UNIT_WH, 3);
    int64_t v_now = quantity_value(&t, MB_Q_VOLUME, 0, 0, MB_UNIT_M3, -2);
    int64_t v_end = quantity_value(&t, MB_Q_VOLUME, 0, 1, MB_UNIT_M3, -2);
    assert_true(e_end > 0 && e_end <= e_now);
    assert_true(v_end > 0 && v_end <= v_now);
    /* 14 days 7.5 hours at the mean rates, within the rounding of the reported units. */
    int64_t e_used_wh = (int64_t)m.rate[0] * (14 * 24 + 7) + (int64_t)m.rate[0] / 2;
    assert_true(llabs((e_now - e_end) - e_used_wh / 1000) <= 1);
    expect_date(find(&t, MB_Q_DATE, 0, 1), 2025, 12, 31);
}

/* ---- water ----------------------------------------------------------------------------------- */

static void water_telegram(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_WATER, 8, 20);
    /* 2026-03-10 12:00, 10 days after the meter was made. */
    uint32_t now = JAN1_2026 + (31u + 28u + 9u) * DAY_S + 12u * HOUR_S;
    mb_profile_set_time(&m, 10u * DAY_S * 1000u, now);
    telegram_t t;
    read_meter(&m, 0, &t);
    assert_int_equal(t.tpl.address.manufacturer, mb_manufacturer_code("SEN"));
    assert_int_equal(t.tpl.address.medium, 0x16);
    expect_date_time(&t, 2026, 3, 10, 12, 0);
    int64_t litres = quantity_value(&t, MB_Q_VOLUME, 0, 0, MB_UNIT_M3, -3);
    assert_int_equal(litres, (int64_t)m.start[1] + (int64_t)m.rate[1] * 240);
    int64_t end = quantity_value(&t, MB_Q_VOLUME, 0, 1, MB_UNIT_M3, -3);
    assert_int_equal(end, litres - (int64_t)m.rate[1] * (9 * 24 + 12));
    expect_date(find(&t, MB_Q_DATE, 0, 1), 2026, 2, 28);
    int64_t flow = quantity_value(&t, MB_Q_VOLUME_FLOW, 0, 0, MB_UNIT_M3_PER_H, -3);
    assert_true(flow >= 0 && flow <= (int64_t)m.rate[1] * 2);
    assert_int_equal(value_in(find(&t, MB_Q_ERROR_FLAGS, 0, 0), 0), 0);

    /* Read back far beyond what the counter explains: the month end stays positive. */
    mb_profile_meter_t young;
    mb_profile_init(&young, MB_PROFILE_WATER, 8, 20);
    mb_profile_set_time(&young, 0, JAN1_2026 + 40u * 365u * DAY_S);
    read_meter(&young, 0, &t);
    end = quantity_value(&t, MB_Q_VOLUME, 0, 1, MB_UNIT_M3, -3);
    assert_true(end > 0 && end <= quantity_value(&t, MB_Q_VOLUME, 0, 0, MB_UNIT_M3, -3));
}

/* ---- multi ------------------------------------------------------------------------------------
 */

static void multi_telegrams(void **state)
{
    (void)state;
    mb_profile_meter_t m;
    mb_profile_init(&m, MB_PROFILE_MULTI, 21, 4);
    mb_profile_set_time(&m, 0, JAN1_2026 + 100u * DAY_S); /* 2026-04-11 */
    telegram_t t[4];
    for (unsigned i = 0; i < 4u; i++) {
        read_meter(&m, i, &t[i]);
    }
    assert_true(t[0].more && t[0].ends_with_1f && t[0].raw[t[0].len - 1] == 0x1F);
    assert_true(t[1].more && t[1].ends_with_1f && t[1].raw[t[1].len - 1] == 0x1F);
    assert_false(t[2].more);
    assert_false(t[2].ends_with_1f);
    /* Beyond the last: the readout starts again. */
    assert_true(t[3].more);
    assert_true(t[3].ends_with_1f);
    expect_same_but_access(&t[0], &t[3], 3);
    for (unsigned i = 1; i < 4u; i++) {
        assert_int_equal((uint8_t)(t[i - 1].tpl.access + 1u), t[i].tpl.access);
    }
    assert_int_equal(t[0].tpl.address.medium, 0x04);
    expect_date_time(&t[0], 2026, 4, 11, 0, 0);

    /* Twelve month ends, six per telegram, each dated, older ones never larger. */
    int64_t now = quantity_value(&t[0], MB_Q_ENERGY, 0, 0, MB_UNIT_WH, 3);
    int64_t prev = now;
    static const unsigned months[12][2] = {{2026, 3},  {2026, 2},  {2026, 1}, {2025, 12},
                                           {2025, 11}, {2025, 10}, {2025, 9}, {2025, 8},
                                           {2025, 7},  {2025, 6},  {2025, 5}, {2025, 4}};
    static const unsigned last_day[12] = {31, 28, 31, 31, 30, 31, 30, 31, 31, 30, 31, 30};
    for (unsigned s = 1; s <= 12u; s++) {
        const telegram_t *tg = &t[s <= 6u ? 1 : 2];
        assert_int_equal(tg->n, 18);
        int64_t e = quantity_value(tg, MB_Q_ENERGY, 0, s, MB_UNIT_WH, 3);
        int64_t v = quantity_value(tg, MB_Q_VOLUME, 0, s, MB_UNIT_M3, -2);
        assert_true(e > 0 && e <= prev && v > 0);
        assert_true(e < prev || m.rate[0] < 1000u);
        prev = e;
        expect_date(find(tg, MB_Q_DATE, 0, s), months[s - 1][0], months[s - 1][1], last_day[s - 1]);
    }
}

/* ---- identity and names ------------------------------------------------------------------------
 */

static bool valid_bcd8(uint32_t v)
{
    for (unsigned i = 0; i < 8u; i++) {
        if (((v >> (4u * i)) & 0xFu) > 9u) {
            return false;
        }
    }
    return true;
}

static void identities(void **state)
{
    (void)state;
    static mb_profile_meter_t meters[300];
    for (uint32_t s = 0; s < 300u; s++) {
        mb_profile_meter_t *m = &meters[s];
        mb_profile_init(m, (mb_profile_kind_t)(s % MB_PROFILE_COUNT), s * 7919u + 1u, 1);
        assert_true(valid_bcd8(m->secondary.id));
        assert_true(valid_bcd8(m->fabrication));
        for (uint32_t k = 0; k < s; k++) {
            assert_int_not_equal(meters[k].secondary.id, m->secondary.id);
        }
    }
    /* The same seed gives the same meter. */
    mb_profile_meter_t a, b;
    mb_profile_init(&a, MB_PROFILE_HEAT, 1234, 5);
    mb_profile_init(&b, MB_PROFILE_HEAT, 1234, 5);
    assert_memory_equal(&a.secondary, &b.secondary, sizeof a.secondary);
    assert_int_equal(a.fabrication, b.fabrication);
    assert_memory_equal(a.start, b.start, sizeof a.start);
    assert_memory_equal(a.rate, b.rate, sizeof a.rate);

    mb_slave_config_t cfg;
    mb_profile_init(&a, MB_PROFILE_E350, 77, 42);
    mb_profile_slave_config(&a, &cfg);
    assert_int_equal(cfg.address, 42);
    assert_int_equal(cfg.secondary.id, a.secondary.id);
    assert_int_equal(cfg.secondary.manufacturer, a.secondary.manufacturer);
    assert_true(cfg.has_fabrication);
    assert_int_equal(cfg.fabrication, a.fabrication);
    assert_int_equal(cfg.baud, 2400);
    assert_int_equal(cfg.answer_delay_bits, 0);
    assert_int_equal(cfg.baud_rates, 0x09);
    mb_profile_init(&a, MB_PROFILE_M1PRO, 77, 251); /* no such address: unconfigured */
    mb_profile_slave_config(&a, &cfg);
    assert_int_equal(cfg.address, 0);
    assert_int_equal(cfg.baud_rates, 0x3F);
}

static void names(void **state)
{
    (void)state;
    for (int k = 0; k < MB_PROFILE_COUNT; k++) {
        const char *n = mb_profile_name((mb_profile_kind_t)k);
        assert_int_equal(mb_profile_find(n, strlen(n)), k);
    }
    assert_string_equal(mb_profile_name(MB_PROFILE_E350), "e350");
    assert_string_equal(mb_profile_name(MB_PROFILE_MULTI), "multi");
    assert_string_equal(mb_profile_name(MB_PROFILE_COUNT), "");
    assert_int_equal(mb_profile_find("M1Pro", 5), MB_PROFILE_M1PRO);
    assert_int_equal(mb_profile_find("HEATER", 4), MB_PROFILE_HEAT); /* first 4 bytes only */
    assert_int_equal(mb_profile_find("heat", 3), -1);
    assert_int_equal(mb_profile_find("heats", 5), -1);
    assert_int_equal(mb_profile_find("gas", 3), -1);
    assert_int_equal(mb_profile_find("", 0), -1);
    assert_int_equal(mb_profile_find(NULL, 4), -1);
}

/* ---- on the simulated bus ------------------------------------------------------------------ */

typedef struct node {
    mb_slave_t slave;
    mb_profile_meter_t meter;
    mb_simbus_port_t *port;
} node_t;

typedef struct world {
    mb_simbus_t bus;
    mb_master_t master;
    mb_simbus_port_t *mport;
    node_t nodes[2];
} world_t;

static void master_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    (void)mb_master_feed(ctx, p, n, now_ms);
}

static void slave_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    node_t *nd = ctx;
    mb_profile_set_time(&nd->meter, now_ms, 0);
    (void)mb_slave_feed(&nd->slave, p, n, now_ms);
}

static int run(world_t *w)
{
    uint32_t t = mb_simbus_now(&w->bus);
    for (uint32_t step = 0; step < 120000u; step++) {
        t++;
        mb_simbus_run_until(&w->bus, t);
        for (size_t i = 0; i < 2u; i++) {
            mb_slave_poll(&w->nodes[i].slave, t);
        }
        int r = mb_master_poll(&w->master, t);
        if (r != MB_MASTER_PENDING) {
            mb_simbus_run_until(&w->bus, t + 300u);
            return r;
        }
    }
    fail_msg("the transaction did not end");
    return 0;
}

static world_t *world_new(void)
{
    world_t *w = calloc(1, sizeof *w);
    assert_non_null(w);
    mb_simbus_init(&w->bus, 2400, 5);
    w->mport = mb_simbus_attach(&w->bus, true, master_rx, &w->master);
    mb_master_config_t cfg = {2400, 0, 1};
    mb_master_init(&w->master, &mb_simbus_hal, w->mport, &cfg);
    static const mb_profile_kind_t kinds[2] = {MB_PROFILE_E350, MB_PROFILE_MULTI};
    for (size_t i = 0; i < 2u; i++) {
        node_t *nd = &w->nodes[i];
        mb_profile_init(&nd->meter, kinds[i], 100u + (uint32_t)i, (uint8_t)(i + 1u));
        nd->port = mb_simbus_attach(&w->bus, false, slave_rx, nd);
        assert_non_null(nd->port);
        mb_slave_config_t sc;
        mb_profile_slave_config(&nd->meter, &sc);
        mb_slave_init(&nd->slave, &mb_simbus_hal, nd->port, &mb_profile_app, &nd->meter, &sc);
    }
    return w;
}

/* The master's reply as a decoded telegram. */
static void reply(const mb_frame_t *f, telegram_t *t)
{
    memset(t, 0, sizeof *t);
    assert_int_equal(f->type, MB_FRAME_LONG);
    assert_int_equal(f->ci, 0x72);
    t->raw[0] = f->ci;
    memcpy(t->raw + 1, f->data, f->data_len);
    t->len = (int)f->data_len + 1;
    decode(t);
}

static void on_the_bus(void **state)
{
    (void)state;
    world_t *w = world_new();
    node_t *e350 = &w->nodes[0], *multi = &w->nodes[1];

    /* The multi-telegram meter through the readout state machine: three telegrams. */
    mb_readout_t ro;
    assert_int_equal(mb_readout_start(&ro, &w->master, 2, 10, mb_simbus_now(&w->bus)), MB_OK);
    unsigned got = 0;
    uint64_t storages = 0;
    for (uint32_t step = 0; step < 200000u; step++) {
        uint32_t t = mb_simbus_now(&w->bus) + 1u;
        mb_simbus_run_until(&w->bus, t);
        mb_slave_poll(&multi->slave, t);
        mb_slave_poll(&e350->slave, t);
        mb_frame_t f;
        int r = mb_readout_poll(&ro, t, &f);
        if (r == MB_SCAN_ITEM) {
            telegram_t tg;
            reply(&f, &tg);
            assert_int_equal(tg.tpl.address.id, multi->meter.secondary.id);
            assert_int_equal(tg.ends_with_1f, got < 2u);
            for (size_t k = 0; k < tg.n; k++) {
                storages |= 1ull << tg.recs[k].storage;
            }
            got++;
        } else if (r != MB_SCAN_PENDING) {
            assert_int_equal(r, MB_OK);
            break;
        }
    }
    assert_int_equal(got, 3);
    assert_int_equal(storages, 0x1FFFull); /* storage 0 (now) and 1..12 */

    /* The E350: read, open its breaker over the bus, read again. */
    mb_frame_t f;
    telegram_t tg;
    assert_int_equal(mb_master_req_ud2(&w->master, 1, mb_simbus_now(&w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_true(mb_master_reply(&w->master, &f));
    reply(&f, &tg);
    assert_int_equal(tg.tpl.address.manufacturer, mb_manufacturer_code("LUG"));
    assert_int_equal(value_in(find(&tg, MB_Q_DIGITAL_OUTPUT, 0, 0), 0), 1);
    static const uint8_t open_cmd[] = {0x01, 0xFD, 0x1A, 0x00};
    static const uint8_t bad_cmd[] = {0x01, 0xFD, 0x1A, 0x07};
    assert_int_equal(
        mb_master_snd_ud(&w->master, 1, 0x51, bad_cmd, sizeof bad_cmd, mb_simbus_now(&w->bus)),
        MB_OK);
    assert_int_equal(run(w), MB_ERR_MASTER_TIMEOUT); /* refused: no E5 */
    assert_int_equal(
        mb_master_snd_ud(&w->master, 1, 0x51, open_cmd, sizeof open_cmd, mb_simbus_now(&w->bus)),
        MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_true(e350->meter.breaker_open);
    assert_int_equal(mb_master_req_ud2(&w->master, 1, mb_simbus_now(&w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_true(mb_master_reply(&w->master, &f));
    reply(&f, &tg);
    assert_int_equal(value_in(find(&tg, MB_Q_DIGITAL_OUTPUT, 0, 0), 0), 0);
    assert_int_equal(quantity_value(&tg, MB_Q_POWER, 0, 0, MB_UNIT_W, 0), 0);

    /* Baud rates: the E350 takes 300 and 2400 only. 9600 gets no E5, the line stays at 2400. */
    assert_int_equal(mb_master_switch_baud(&w->master, 1, 9600, mb_simbus_now(&w->bus)), MB_OK);
    assert_int_equal(run(w), MB_ERR_MASTER_TIMEOUT);
    assert_int_equal(mb_slave_baud(&e350->slave), 2400);
    assert_int_equal(mb_master_switch_baud(&w->master, 1, 300, mb_simbus_now(&w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_int_equal(mb_slave_baud(&e350->slave), 300);
    assert_int_equal(mb_simbus_port_baud(e350->port), 300);
    assert_int_equal(mb_simbus_port_baud(w->mport), 300);
    /* And it answers at 300 Bd. */
    assert_int_equal(mb_master_req_ud2(&w->master, 1, mb_simbus_now(&w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_true(mb_master_reply(&w->master, &f));
    reply(&f, &tg);
    assert_int_equal(tg.tpl.address.id, e350->meter.secondary.id);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(e350_telegram),
        cmocka_unit_test(e350_tariffs_follow_time_of_day),
        cmocka_unit_test(readings_hold_within_a_cycle),
        cmocka_unit_test(req_ud1_is_answered_with_e5),
        cmocka_unit_test(e350_breaker),
        cmocka_unit_test(m1pro_telegram),
        cmocka_unit_test(heat_telegram),
        cmocka_unit_test(water_telegram),
        cmocka_unit_test(multi_telegrams),
        cmocka_unit_test(identities),
        cmocka_unit_test(names),
        cmocka_unit_test(e350_wall_clock_younger_than_the_meter),
        cmocka_unit_test(counters_run_on_across_the_clock_wrap),
        cmocka_unit_test(on_the_bus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
