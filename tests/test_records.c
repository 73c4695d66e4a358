/*
 * Data records (include/meterbus/records.h): the record iterator over hand-built application data,
 * every VIF table (primary, 0xFB, 0xFD and FD FD), the combinable VIFEs and their extension table,
 * plain-text units in both orders, every data coding (integers, BCD, real, LVAR, dates), special
 * DIFs and DIFEs, every truncation point, the OMS Vol.2 Annex N.2.2 example, the record encoder
 * and the name functions.
 *
 * Every expected value comes from the EN 13757-3 tables (VIF, VIFE, data field, LVAR and date
 * type definitions), from docs/design.md where the library decides what the sources leave open,
 * from the OMS Vol.2 Annex N.2.2 example, or is worked out by hand in the comment next to it;
 * nothing here was produced by running the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------ */

#define BUF_CAP 600u

/* Parse hex text that the test itself wrote; a parse failure is a broken test. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* Application data under test and the iterator over it. Records point into buf. */
typedef struct walk {
    uint8_t buf[BUF_CAP];
    size_t len;
    mb_records_t it;
} walk_t;

static void walk_start(walk_t *w, const char *hex, unsigned options)
{
    memset(w->buf, 0, sizeof w->buf);
    w->len = hx(hex, w->buf, sizeof w->buf);
    mb_records_init(&w->it, w->buf, w->len, options);
}

static void expect_encoded(const mb_record_t *rec, const char *hex);

/* A record full of garbage, so that a decoder that forgets to clear a member is caught. */
static void rec_garbage(mb_record_t *rec) { memset(rec, 0x5A, sizeof *rec); }

/* The next record must decode. */
static void next_ok(walk_t *w, mb_record_t *rec)
{
    rec_garbage(rec);
    int r = mb_records_next(&w->it, rec);
    if (r != 1) {
        fail_msg("mb_records_next: got %d (%s) at offset %u, want a record", r, mb_error_name(r),
                 (unsigned)mb_records_offset(&w->it));
    }
}

/* The iteration must end here, cleanly, and stay ended. */
static void expect_end(walk_t *w)
{
    mb_record_t rec;
    assert_int_equal(mb_records_next(&w->it, &rec), 0);
    assert_int_equal(mb_records_next(&w->it, &rec), 0);
}

/* The iteration must stop with @p err at @p offset, and keep doing so. */
static void expect_error(walk_t *w, int err, size_t offset)
{
    mb_record_t rec;
    for (int i = 0; i < 3; i++) {
        int r = mb_records_next(&w->it, &rec);
        if (r != err) {
            fail_msg("call %d: got %d (%s), want %d (%s)", i, r, mb_error_name(r), err,
                     mb_error_name(err));
        }
        assert_int_equal(mb_records_offset(&w->it), offset);
    }
}

/* Decode the single record of @p hex (options 0) and check that nothing follows it. */
static void one_record(walk_t *w, const char *hex, mb_record_t *rec)
{
    walk_start(w, hex, 0);
    next_ok(w, rec);
    expect_end(w);
}

/* An exact number: kind, flags, mantissa, exponent, quantity and unit; @p what names the case. */
static void check_number(const char *what, const mb_record_t *rec, mb_quantity_t q, mb_unit_t unit,
                         int64_t mantissa, int exponent)
{
    if (rec->value.kind != MB_VALUE_NUMBER || rec->value.flags != 0u ||
        rec->value.mantissa != mantissa || rec->value.exponent != exponent || rec->quantity != q ||
        rec->unit != unit) {
        fail_msg("%s: got kind %d flags 0x%02X %lld e%d quantity %d (%s) unit %d (%s); want %lld "
                 "e%d quantity %d (%s) unit %d (%s)",
                 what, (int)rec->value.kind, rec->value.flags, (long long)rec->value.mantissa,
                 rec->value.exponent, (int)rec->quantity, mb_quantity_name(rec->quantity),
                 (int)rec->unit, mb_unit_name(rec->unit), (long long)mantissa, exponent, (int)q,
                 mb_quantity_name(q), (int)unit, mb_unit_name(unit));
    }
}

static void assert_number(const mb_record_t *rec, mb_quantity_t q, mb_unit_t unit, int64_t mantissa,
                          int exponent)
{
    check_number("record", rec, q, unit, mantissa, exponent);
}

/* Decode the one record of @p hex and check its number. */
static void expect_number(const char *hex, mb_quantity_t q, mb_unit_t unit, int64_t mantissa,
                          int exponent)
{
    walk_t w;
    mb_record_t rec;
    one_record(&w, hex, &rec);
    check_number(hex, &rec, q, unit, mantissa, exponent);
}

/*
 * A reserved VIF or VIFE code: the record comes out as MB_Q_UNKNOWN with its raw data, and the
 * record after it (02 13 34 12: 0x1234 = 4660 x 10^-3 m3) still decodes.
 */
static void expect_unknown_then_next(const char *hex, size_t vib_len)
{
    walk_t w;
    mb_record_t rec;
    char text[200];
    snprintf(text, sizeof text, "%s 02 13 34 12", hex);
    walk_start(&w, text, 0);
    next_ok(&w, &rec);
    if (rec.quantity != MB_Q_UNKNOWN || rec.vib_len != vib_len || rec.data_len != 2u ||
        rec.data[0] != 0x34u || rec.data[1] != 0x12u) {
        fail_msg("%s: got quantity %d (%s) vib_len %u data_len %u", hex, (int)rec.quantity,
                 mb_quantity_name(rec.quantity), rec.vib_len, rec.data_len);
    }
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    expect_end(&w);
}

/* ---- primary VIF table (EN 13757-3) --------------------------------------------------------- */
/* Unless said otherwise the data is 02 .. 34 12: a 16-bit integer 0x1234 = 4660. */

/* E000 0nnn energy 10^(nnn-3) Wh. */
static void vif_energy_wh(void **state)
{
    (void)state;
    expect_number("02 00 34 12", MB_Q_ENERGY, MB_UNIT_WH, 4660, -3);
    expect_number("02 07 34 12", MB_Q_ENERGY, MB_UNIT_WH, 4660, 4);
}

/* E000 1nnn energy 10^nnn J. */
static void vif_energy_j(void **state)
{
    (void)state;
    expect_number("02 08 34 12", MB_Q_ENERGY, MB_UNIT_J, 4660, 0);
    expect_number("02 0F 34 12", MB_Q_ENERGY, MB_UNIT_J, 4660, 7);
}

/* E001 0nnn volume 10^(nnn-6) m3. */
static void vif_volume(void **state)
{
    (void)state;
    expect_number("02 10 34 12", MB_Q_VOLUME, MB_UNIT_M3, 4660, -6);
    expect_number("02 17 34 12", MB_Q_VOLUME, MB_UNIT_M3, 4660, 1);
}

/* E001 1nnn mass 10^(nnn-3) kg. */
static void vif_mass(void **state)
{
    (void)state;
    expect_number("02 18 34 12", MB_Q_MASS, MB_UNIT_KG, 4660, -3);
    expect_number("02 1F 34 12", MB_Q_MASS, MB_UNIT_KG, 4660, 4);
}

/*
 * E010 00nn on time, nn = s, min, h, d, converted to seconds:
 * 4660 min = 4660 * 60 = 279600 s, 4660 h = 4660 * 3600 = 16776000 s,
 * 4660 d = 4660 * 86400 = 402624000 s.
 */
static void vif_on_time(void **state)
{
    (void)state;
    expect_number("02 20 34 12", MB_Q_ON_TIME, MB_UNIT_S, 4660, 0);
    expect_number("02 21 34 12", MB_Q_ON_TIME, MB_UNIT_S, 279600, 0);
    expect_number("02 22 34 12", MB_Q_ON_TIME, MB_UNIT_S, 16776000, 0);
    expect_number("02 23 34 12", MB_Q_ON_TIME, MB_UNIT_S, 402624000, 0);
}

/* E010 01nn operating time, as on time. */
static void vif_operating_time(void **state)
{
    (void)state;
    expect_number("02 24 34 12", MB_Q_OPERATING_TIME, MB_UNIT_S, 4660, 0);
    expect_number("02 25 34 12", MB_Q_OPERATING_TIME, MB_UNIT_S, 279600, 0);
    expect_number("02 26 34 12", MB_Q_OPERATING_TIME, MB_UNIT_S, 16776000, 0);
    expect_number("02 27 34 12", MB_Q_OPERATING_TIME, MB_UNIT_S, 402624000, 0);
}

/* E010 1nnn power 10^(nnn-3) W. */
static void vif_power_w(void **state)
{
    (void)state;
    expect_number("02 28 34 12", MB_Q_POWER, MB_UNIT_W, 4660, -3);
    expect_number("02 2F 34 12", MB_Q_POWER, MB_UNIT_W, 4660, 4);
}

/* E011 0nnn power 10^nnn J/h. */
static void vif_power_j_per_h(void **state)
{
    (void)state;
    expect_number("02 30 34 12", MB_Q_POWER, MB_UNIT_J_PER_H, 4660, 0);
    expect_number("02 37 34 12", MB_Q_POWER, MB_UNIT_J_PER_H, 4660, 7);
}

/* E011 1nnn volume flow 10^(nnn-6) m3/h. */
static void vif_volume_flow_m3h(void **state)
{
    (void)state;
    expect_number("02 38 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 4660, -6);
    expect_number("02 3F 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 4660, 1);
}

/* E100 0nnn volume flow 10^(nnn-7) m3/min, to m3/h: 4660 m3/min = 4660 * 60 = 279600 m3/h. */
static void vif_volume_flow_m3min(void **state)
{
    (void)state;
    expect_number("02 40 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 279600, -7);
    expect_number("02 47 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 279600, 0);
}

/* E100 1nnn volume flow 10^(nnn-9) m3/s, to m3/h: 4660 m3/s = 4660 * 3600 = 16776000 m3/h. */
static void vif_volume_flow_m3s(void **state)
{
    (void)state;
    expect_number("02 48 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 16776000, -9);
    expect_number("02 4F 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 16776000, -2);
}

/* E101 0nnn mass flow 10^(nnn-3) kg/h. */
static void vif_mass_flow(void **state)
{
    (void)state;
    expect_number("02 50 34 12", MB_Q_MASS_FLOW, MB_UNIT_KG_PER_H, 4660, -3);
    expect_number("02 57 34 12", MB_Q_MASS_FLOW, MB_UNIT_KG_PER_H, 4660, 4);
}

/*
 * E101 10nn flow, E101 11nn return, E110 01nn external temperature 10^(nn-3) degC; E110 00nn
 * temperature difference 10^(nn-3) K; E110 10nn pressure 10^(nn-3) bar.
 */
static void vif_temperatures_and_pressure(void **state)
{
    (void)state;
    expect_number("02 58 34 12", MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 4660, -3);
    expect_number("02 5B 34 12", MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 4660, 0);
    expect_number("02 5C 34 12", MB_Q_RETURN_TEMPERATURE, MB_UNIT_CELSIUS, 4660, -3);
    expect_number("02 5F 34 12", MB_Q_RETURN_TEMPERATURE, MB_UNIT_CELSIUS, 4660, 0);
    expect_number("02 60 34 12", MB_Q_TEMPERATURE_DIFFERENCE, MB_UNIT_KELVIN, 4660, -3);
    expect_number("02 63 34 12", MB_Q_TEMPERATURE_DIFFERENCE, MB_UNIT_KELVIN, 4660, 0);
    expect_number("02 64 34 12", MB_Q_EXTERNAL_TEMPERATURE, MB_UNIT_CELSIUS, 4660, -3);
    expect_number("02 67 34 12", MB_Q_EXTERNAL_TEMPERATURE, MB_UNIT_CELSIUS, 4660, 0);
    expect_number("02 68 34 12", MB_Q_PRESSURE, MB_UNIT_BAR, 4660, -3);
    expect_number("02 6B 34 12", MB_Q_PRESSURE, MB_UNIT_BAR, 4660, 0);
}

/* 0x6E units for heat cost allocators: dimensionless. A negative 16-bit count stays signed. */
static void vif_hca_units(void **state)
{
    (void)state;
    expect_number("02 6E 34 12", MB_Q_HCA_UNITS, MB_UNIT_NONE, 4660, 0);
    expect_number("02 6E FE FF", MB_Q_HCA_UNITS, MB_UNIT_NONE, -2, 0); /* 0xFFFE = -2 */
}

/* E111 00nn averaging and E111 01nn actuality duration, as on time. */
static void vif_averaging_and_actuality_duration(void **state)
{
    (void)state;
    expect_number("02 70 34 12", MB_Q_AVERAGING_DURATION, MB_UNIT_S, 4660, 0);
    expect_number("02 71 34 12", MB_Q_AVERAGING_DURATION, MB_UNIT_S, 279600, 0);
    expect_number("02 72 34 12", MB_Q_AVERAGING_DURATION, MB_UNIT_S, 16776000, 0);
    expect_number("02 73 34 12", MB_Q_AVERAGING_DURATION, MB_UNIT_S, 402624000, 0);
    expect_number("02 74 34 12", MB_Q_ACTUALITY_DURATION, MB_UNIT_S, 4660, 0);
    expect_number("02 75 34 12", MB_Q_ACTUALITY_DURATION, MB_UNIT_S, 279600, 0);
    expect_number("02 76 34 12", MB_Q_ACTUALITY_DURATION, MB_UNIT_S, 16776000, 0);
    expect_number("02 77 34 12", MB_Q_ACTUALITY_DURATION, MB_UNIT_S, 402624000, 0);
}

/* 0x78 fabrication number, 0x79 enhanced identification (usually 8-digit BCD), 0x7A address. */
static void vif_identification(void **state)
{
    (void)state;
    expect_number("0C 78 78 56 34 12", MB_Q_FABRICATION_NUMBER, MB_UNIT_NONE, 12345678, 0);
    expect_number("0C 79 44 33 22 11", MB_Q_ENHANCED_IDENTIFICATION, MB_UNIT_NONE, 11223344, 0);
    expect_number("01 7A 0A", MB_Q_BUS_ADDRESS, MB_UNIT_NONE, 10, 0);
}

/* 0x7E "any VIF" in a readout selection (DIF data field 8): no data. */
static void vif_any_in_readout_selection(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "08 7E", &rec);
    assert_int_equal(rec.quantity, MB_Q_ANY);
    assert_int_equal(rec.data_field, 8);
    assert_true((rec.flags & MB_RECORD_READOUT) != 0u);
    assert_int_equal(rec.value.kind, MB_VALUE_NONE);
    assert_int_equal(rec.data_len, 0);
}

/* 0x6F is reserved (0xEF: a reserved third extension table); 0x7B and 0x7D without the E bit. */
static void vif_reserved_codes(void **state)
{
    (void)state;
    expect_unknown_then_next("02 6F 34 12", 1);
    expect_unknown_then_next("02 7B 34 12", 1);
    expect_unknown_then_next("02 7D 34 12", 1);
}

/* 0xEF: the reserved VIF with its E bit; its VIFE (0x12, average) is read past like any other. */
static void vif_reserved_with_vife(void **state)
{
    (void)state;
    expect_unknown_then_next("02 EF 12 34 12", 2);
}

/* ---- first extension table, VIF 0xFB (EN 13757-3) ----------------------------------------- */

/* 00..01 energy 10^(n-1) MWh = 10^(n+5) Wh; 08..09 energy 10^(n-1) GJ = 10^(n+8) J. */
static void fb_energy(void **state)
{
    (void)state;
    expect_number("02 FB 00 34 12", MB_Q_ENERGY, MB_UNIT_WH, 4660, 5);
    expect_number("02 FB 01 34 12", MB_Q_ENERGY, MB_UNIT_WH, 4660, 6);
    expect_number("02 FB 08 34 12", MB_Q_ENERGY, MB_UNIT_J, 4660, 8);
    expect_number("02 FB 09 34 12", MB_Q_ENERGY, MB_UNIT_J, 4660, 9);
}

/* 02..03 reactive energy 10^n kvarh = 10^(n+3) varh; 04..05 apparent energy in kVAh likewise. */
static void fb_reactive_and_apparent_energy(void **state)
{
    (void)state;
    expect_number("02 FB 02 34 12", MB_Q_REACTIVE_ENERGY, MB_UNIT_VARH, 4660, 3);
    expect_number("02 FB 03 34 12", MB_Q_REACTIVE_ENERGY, MB_UNIT_VARH, 4660, 4);
    expect_number("02 FB 04 34 12", MB_Q_APPARENT_ENERGY, MB_UNIT_VAH, 4660, 3);
    expect_number("02 FB 05 34 12", MB_Q_APPARENT_ENERGY, MB_UNIT_VAH, 4660, 4);
}

/* 0C..0F energy 10^(nn-1) Mcal = 10^(nn+5) cal. */
static void fb_energy_mcal(void **state)
{
    (void)state;
    expect_number("02 FB 0C 34 12", MB_Q_ENERGY, MB_UNIT_CAL, 4660, 5);
    expect_number("02 FB 0F 34 12", MB_Q_ENERGY, MB_UNIT_CAL, 4660, 8);
}

/* 10..11 volume 10^(n+2) m3; 18..19 mass 10^(n+2) t = 10^(n+5) kg. */
static void fb_volume_and_mass(void **state)
{
    (void)state;
    expect_number("02 FB 10 34 12", MB_Q_VOLUME, MB_UNIT_M3, 4660, 2);
    expect_number("02 FB 11 34 12", MB_Q_VOLUME, MB_UNIT_M3, 4660, 3);
    expect_number("02 FB 18 34 12", MB_Q_MASS, MB_UNIT_KG, 4660, 5);
    expect_number("02 FB 19 34 12", MB_Q_MASS, MB_UNIT_KG, 4660, 6);
}

/* 14..17 reactive power 10^(nn-3) kvar = 10^nn var; 34..37 apparent power in kVA likewise. */
static void fb_reactive_and_apparent_power(void **state)
{
    (void)state;
    expect_number("02 FB 14 34 12", MB_Q_REACTIVE_POWER, MB_UNIT_VAR, 4660, 0);
    expect_number("02 FB 17 34 12", MB_Q_REACTIVE_POWER, MB_UNIT_VAR, 4660, 3);
    expect_number("02 FB 34 34 12", MB_Q_APPARENT_POWER, MB_UNIT_VA, 4660, 0);
    expect_number("02 FB 37 34 12", MB_Q_APPARENT_POWER, MB_UNIT_VA, 4660, 3);
}

/* 1A..1B relative humidity 10^(n-1) %. */
static void fb_relative_humidity(void **state)
{
    (void)state;
    expect_number("02 FB 1A 34 12", MB_Q_RELATIVE_HUMIDITY, MB_UNIT_PERCENT, 4660, -1);
    expect_number("02 FB 1B 34 12", MB_Q_RELATIVE_HUMIDITY, MB_UNIT_PERCENT, 4660, 0);
}

/*
 * 20 volume 1 ft3, 21 0.1 ft3; and the US-unit codes of the older tables, decoded with their old
 * meanings (docs/design.md): 22 0.1 US gal, 23 1 US gal, 24 0.001 US gal/min, 25 1 US gal/min,
 * 26 1 US gal/h. Non-metric units are kept, never converted.
 */
static void fb_non_metric_volume_and_flow(void **state)
{
    (void)state;
    expect_number("02 FB 20 34 12", MB_Q_VOLUME, MB_UNIT_FT3, 4660, 0);
    expect_number("02 FB 21 34 12", MB_Q_VOLUME, MB_UNIT_FT3, 4660, -1);
    expect_number("02 FB 22 34 12", MB_Q_VOLUME, MB_UNIT_US_GAL, 4660, -1);
    expect_number("02 FB 23 34 12", MB_Q_VOLUME, MB_UNIT_US_GAL, 4660, 0);
    expect_number("02 FB 24 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_US_GAL_PER_MIN, 4660, -3);
    expect_number("02 FB 25 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_US_GAL_PER_MIN, 4660, 0);
    expect_number("02 FB 26 34 12", MB_Q_VOLUME_FLOW, MB_UNIT_US_GAL_PER_H, 4660, 0);
}

/* 28..29 power 10^(n-1) MW = 10^(n+5) W; 30..31 power 10^(n-1) GJ/h = 10^(n+8) J/h. */
static void fb_power(void **state)
{
    (void)state;
    expect_number("02 FB 28 34 12", MB_Q_POWER, MB_UNIT_W, 4660, 5);
    expect_number("02 FB 29 34 12", MB_Q_POWER, MB_UNIT_W, 4660, 6);
    expect_number("02 FB 30 34 12", MB_Q_POWER, MB_UNIT_J_PER_H, 4660, 8);
    expect_number("02 FB 31 34 12", MB_Q_POWER, MB_UNIT_J_PER_H, 4660, 9);
}

/* 2A phase angle U-U, 2B U-I, both 0.1 degree; 2C..2F frequency 10^(nn-3) Hz. */
static void fb_phase_angle_and_frequency(void **state)
{
    (void)state;
    expect_number("02 FB 2A 34 12", MB_Q_PHASE_ANGLE_UU, MB_UNIT_DEGREE, 4660, -1);
    expect_number("02 FB 2B 34 12", MB_Q_PHASE_ANGLE_UI, MB_UNIT_DEGREE, 4660, -1);
    expect_number("02 FB 2C 34 12", MB_Q_FREQUENCY, MB_UNIT_HZ, 4660, -3);
    expect_number("02 FB 2F 34 12", MB_Q_FREQUENCY, MB_UNIT_HZ, 4660, 0);
}

/*
 * 58..67: the degree Fahrenheit temperatures of the older tables (flow, return, difference,
 * external, 10^(nn-3) degF), decoded with their old meanings and kept in degF.
 */
static void fb_fahrenheit_temperatures(void **state)
{
    (void)state;
    expect_number("02 FB 58 34 12", MB_Q_FLOW_TEMPERATURE, MB_UNIT_FAHRENHEIT, 4660, -3);
    expect_number("02 FB 5B 34 12", MB_Q_FLOW_TEMPERATURE, MB_UNIT_FAHRENHEIT, 4660, 0);
    expect_number("02 FB 5C 34 12", MB_Q_RETURN_TEMPERATURE, MB_UNIT_FAHRENHEIT, 4660, -3);
    expect_number("02 FB 5F 34 12", MB_Q_RETURN_TEMPERATURE, MB_UNIT_FAHRENHEIT, 4660, 0);
    expect_number("02 FB 60 34 12", MB_Q_TEMPERATURE_DIFFERENCE, MB_UNIT_FAHRENHEIT, 4660, -3);
    expect_number("02 FB 63 34 12", MB_Q_TEMPERATURE_DIFFERENCE, MB_UNIT_FAHRENHEIT, 4660, 0);
    expect_number("02 FB 64 34 12", MB_Q_EXTERNAL_TEMPERATURE, MB_UNIT_FAHRENHEIT, 4660, -3);
    expect_number("02 FB 67 34 12", MB_Q_EXTERNAL_TEMPERATURE, MB_UNIT_FAHRENHEIT, 4660, 0);
}

/*
 * 68..6E heat cost allocator factors, sent in units of 2^-12 (EN 13757-3:2018):
 * 1 x 2^-12 = 0.000244140625 = 244140625 x 10^-12 exactly;
 * 0x1000 = 4096 x 2^-12 = 1 = 1000000000000 x 10^-12.
 */
static void fb_hca_factors(void **state)
{
    (void)state;
    expect_number("02 FB 68 01 00", MB_Q_HCA_RATING_FACTOR_K, MB_UNIT_NONE, 244140625, -12);
    expect_number("02 FB 68 00 10", MB_Q_HCA_RATING_FACTOR_K, MB_UNIT_NONE, 1000000000000, -12);
    expect_number("02 FB 69 00 10", MB_Q_HCA_RATING_FACTOR_KQ, MB_UNIT_NONE, 1000000000000, -12);
    expect_number("02 FB 6A 00 10", MB_Q_HCA_COUPLING_FACTOR_KC, MB_UNIT_NONE, 1000000000000, -12);
    expect_number("02 FB 6B 00 10", MB_Q_HCA_COUPLING_FACTOR_KCR, MB_UNIT_NONE, 1000000000000, -12);
    expect_number("02 FB 6C 00 10", MB_Q_HCA_COUPLING_FACTOR_KCH, MB_UNIT_NONE, 1000000000000, -12);
    expect_number("02 FB 6D 00 10", MB_Q_HCA_LOW_TEMPERATURE_FACTOR_KT, MB_UNIT_NONE, 1000000000000,
                  -12);
    expect_number("02 FB 6E 00 10", MB_Q_HCA_DISPLAY_SCALING_FACTOR_KD, MB_UNIT_NONE, 1000000000000,
                  -12);
}

/* 0x3000 = 12288 x 2^-12 = 3, and a negative factor: 0xF000 = -4096 x 2^-12 = -1. */
static void fb_hca_factor_signed(void **state)
{
    (void)state;
    expect_number("02 FB 68 00 30", MB_Q_HCA_RATING_FACTOR_K, MB_UNIT_NONE, 3000000000000, -12);
    expect_number("02 FB 68 00 F0", MB_Q_HCA_RATING_FACTOR_K, MB_UNIT_NONE, -1000000000000, -12);
}

/* 70..73 temperature limit 10^(nn-3) degF (older tables), 74..77 the same in degC. */
static void fb_temperature_limit(void **state)
{
    (void)state;
    expect_number("02 FB 70 34 12", MB_Q_TEMPERATURE_LIMIT, MB_UNIT_FAHRENHEIT, 4660, -3);
    expect_number("02 FB 73 34 12", MB_Q_TEMPERATURE_LIMIT, MB_UNIT_FAHRENHEIT, 4660, 0);
    expect_number("02 FB 74 34 12", MB_Q_TEMPERATURE_LIMIT, MB_UNIT_CELSIUS, 4660, -3);
    expect_number("02 FB 77 34 12", MB_Q_TEMPERATURE_LIMIT, MB_UNIT_CELSIUS, 4660, 0);
}

/* 78..7F cumulative count of max power 10^(nnn-3) W. */
static void fb_max_power_count(void **state)
{
    (void)state;
    expect_number("02 FB 78 34 12", MB_Q_MAX_POWER_COUNT, MB_UNIT_W, 4660, -3);
    expect_number("02 FB 7F 34 12", MB_Q_MAX_POWER_COUNT, MB_UNIT_W, 4660, 4);
}

/*
 * Reserved codes: 06..07 (0x06 "coefficient of performance" has one source only), 0A..0B,
 * 12..13, 1C..1F, 27, 32..33, 38..57, 6F.
 */
static void fb_reserved_codes(void **state)
{
    (void)state;
    static const char *const reserved[] = {
        "02 FB 06 34 12", "02 FB 07 34 12", "02 FB 0A 34 12", "02 FB 0B 34 12", "02 FB 12 34 12",
        "02 FB 13 34 12", "02 FB 1C 34 12", "02 FB 1F 34 12", "02 FB 27 34 12", "02 FB 32 34 12",
        "02 FB 33 34 12", "02 FB 38 34 12", "02 FB 57 34 12", "02 FB 6F 34 12"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        expect_unknown_then_next(reserved[i], 2);
    }
}

/* ---- second extension table, VIF 0xFD (EN 13757-3) ---------------------------------------- */

/* 00..03 credit and 04..07 debit, 10^(nn-3) local currency units. */
static void fd_credit_and_debit(void **state)
{
    (void)state;
    expect_number("02 FD 00 34 12", MB_Q_CREDIT, MB_UNIT_CURRENCY, 4660, -3);
    expect_number("02 FD 03 34 12", MB_Q_CREDIT, MB_UNIT_CURRENCY, 4660, 0);
    expect_number("02 FD 04 34 12", MB_Q_DEBIT, MB_UNIT_CURRENCY, 4660, -3);
    expect_number("02 FD 07 34 12", MB_Q_DEBIT, MB_UNIT_CURRENCY, 4660, 0);
}

/*
 * The codes without a unit, each with an 8-bit value 0xFF: -1 for signed data (type B), 255 for
 * the quantities docs/design.md ("Signedness") lists as unsigned (type C) or bit fields (type D).
 * The baud rate is in Bd, the response delay in bit times.
 */
static void fd_plain_codes_and_signedness(void **state)
{
    (void)state;
    static const struct {
        uint8_t code;
        mb_quantity_t quantity;
        mb_unit_t unit;
        bool is_unsigned;
    } codes[] = {
        {0x08, MB_Q_ACCESS_NUMBER, MB_UNIT_NONE, true},
        {0x09, MB_Q_MEDIUM, MB_UNIT_NONE, true},
        {0x0A, MB_Q_MANUFACTURER, MB_UNIT_NONE, true},
        {0x0B, MB_Q_PARAMETER_SET_ID, MB_UNIT_NONE, false},
        {0x0C, MB_Q_MODEL_VERSION, MB_UNIT_NONE, false},
        {0x0D, MB_Q_HARDWARE_VERSION, MB_UNIT_NONE, false},
        {0x0E, MB_Q_FIRMWARE_VERSION, MB_UNIT_NONE, false},
        {0x0F, MB_Q_SOFTWARE_VERSION, MB_UNIT_NONE, false},
        {0x10, MB_Q_CUSTOMER_LOCATION, MB_UNIT_NONE, false},
        {0x11, MB_Q_CUSTOMER, MB_UNIT_NONE, false},
        {0x12, MB_Q_ACCESS_CODE_USER, MB_UNIT_NONE, false},
        {0x13, MB_Q_ACCESS_CODE_OPERATOR, MB_UNIT_NONE, false},
        {0x14, MB_Q_ACCESS_CODE_SYSTEM_OPERATOR, MB_UNIT_NONE, false},
        {0x15, MB_Q_ACCESS_CODE_DEVELOPER, MB_UNIT_NONE, false},
        {0x16, MB_Q_PASSWORD, MB_UNIT_NONE, false},
        {0x17, MB_Q_ERROR_FLAGS, MB_UNIT_NONE, true},
        {0x18, MB_Q_ERROR_MASK, MB_UNIT_NONE, true},
        {0x19, MB_Q_SECURITY_KEY, MB_UNIT_NONE, false},
        {0x1A, MB_Q_DIGITAL_OUTPUT, MB_UNIT_NONE, true},
        {0x1B, MB_Q_DIGITAL_INPUT, MB_UNIT_NONE, true},
        {0x1C, MB_Q_BAUD_RATE, MB_UNIT_BAUD, true},
        {0x1D, MB_Q_RESPONSE_DELAY, MB_UNIT_BIT_TIMES, true},
        {0x1E, MB_Q_RETRY, MB_UNIT_NONE, true},
        {0x1F, MB_Q_REMOTE_CONTROL, MB_UNIT_NONE, false},
        {0x20, MB_Q_FIRST_STORAGE_NUMBER, MB_UNIT_NONE, true},
        {0x21, MB_Q_LAST_STORAGE_NUMBER, MB_UNIT_NONE, true},
        {0x22, MB_Q_STORAGE_BLOCK_SIZE, MB_UNIT_NONE, true},
        {0x23, MB_Q_TARIFF_DESCRIPTOR, MB_UNIT_NONE, false},
        {0x2A, MB_Q_OPERATOR_DATA, MB_UNIT_NONE, false},
        {0x2B, MB_Q_TIME_POINT_SECOND, MB_UNIT_NONE, false},
        {0x3A, MB_Q_DIMENSIONLESS, MB_UNIT_NONE, false},
        {0x3B, MB_Q_WMBUS_CONTAINER, MB_UNIT_NONE, false},
        {0x60, MB_Q_RESET_COUNTER, MB_UNIT_NONE, false},
        {0x61, MB_Q_CUMULATION_COUNTER, MB_UNIT_NONE, false},
        {0x62, MB_Q_CONTROL_SIGNAL, MB_UNIT_NONE, false},
        {0x63, MB_Q_DAY_OF_WEEK, MB_UNIT_NONE, true},
        {0x64, MB_Q_WEEK_NUMBER, MB_UNIT_NONE, true},
        {0x65, MB_Q_DAY_CHANGE_TIME, MB_UNIT_NONE, false},
        {0x66, MB_Q_PARAMETER_ACTIVATION, MB_UNIT_NONE, false},
        {0x67, MB_Q_SUPPLIER_INFO, MB_UNIT_NONE, false},
        {0x75, MB_Q_METER_STOPPED_COUNT, MB_UNIT_NONE, false},
        {0x76, MB_Q_MANUFACTURER_CONTAINER, MB_UNIT_NONE, false},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char hex[32];
        snprintf(hex, sizeof hex, "01 FD %02X FF", codes[i].code);
        expect_number(hex, codes[i].quantity, codes[i].unit, codes[i].is_unsigned ? 255 : -1, 0);
    }
}

/* The primary identification codes are unsigned too: 0xFFFFFFFF = 4294967295, 0xFF = 255. */
static void primary_identification_unsigned(void **state)
{
    (void)state;
    expect_number("04 78 FF FF FF FF", MB_Q_FABRICATION_NUMBER, MB_UNIT_NONE, 4294967295, 0);
    expect_number("04 79 FF FF FF FF", MB_Q_ENHANCED_IDENTIFICATION, MB_UNIT_NONE, 4294967295, 0);
    expect_number("01 7A FF", MB_Q_BUS_ADDRESS, MB_UNIT_NONE, 255, 0);
}

/* Manufacturer 0x1593 ("ELS") = 5523; 2400 Bd = 0x0960; customer location 12345678 in BCD. */
static void fd_typical_values(void **state)
{
    (void)state;
    expect_number("02 FD 0A 93 15", MB_Q_MANUFACTURER, MB_UNIT_NONE, 5523, 0);
    expect_number("02 FD 1C 60 09", MB_Q_BAUD_RATE, MB_UNIT_BAUD, 2400, 0);
    expect_number("0C FD 10 78 56 34 12", MB_Q_CUSTOMER_LOCATION, MB_UNIT_NONE, 12345678, 0);
}

/* 24..27 storage interval s, min, h, d (to seconds); 28 months, 29 years (kept). */
static void fd_storage_interval(void **state)
{
    (void)state;
    expect_number("02 FD 24 34 12", MB_Q_STORAGE_INTERVAL, MB_UNIT_S, 4660, 0);
    expect_number("02 FD 25 34 12", MB_Q_STORAGE_INTERVAL, MB_UNIT_S, 279600, 0);
    expect_number("02 FD 26 34 12", MB_Q_STORAGE_INTERVAL, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 27 34 12", MB_Q_STORAGE_INTERVAL, MB_UNIT_S, 402624000, 0);
    expect_number("02 FD 28 34 12", MB_Q_STORAGE_INTERVAL, MB_UNIT_MONTH, 4660, 0);
    expect_number("02 FD 29 34 12", MB_Q_STORAGE_INTERVAL, MB_UNIT_YEAR, 4660, 0);
}

/* 2C..2F duration since last readout s, min, h, d. */
static void fd_duration_since_readout(void **state)
{
    (void)state;
    expect_number("02 FD 2C 34 12", MB_Q_DURATION_SINCE_READOUT, MB_UNIT_S, 4660, 0);
    expect_number("02 FD 2D 34 12", MB_Q_DURATION_SINCE_READOUT, MB_UNIT_S, 279600, 0);
    expect_number("02 FD 2E 34 12", MB_Q_DURATION_SINCE_READOUT, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 2F 34 12", MB_Q_DURATION_SINCE_READOUT, MB_UNIT_S, 402624000, 0);
}

/* 31..33 duration of tariff min, h, d; 34..37 period of tariff s..d, 38 months, 39 years. */
static void fd_tariff_duration_and_period(void **state)
{
    (void)state;
    expect_number("02 FD 31 34 12", MB_Q_TARIFF_DURATION, MB_UNIT_S, 279600, 0);
    expect_number("02 FD 32 34 12", MB_Q_TARIFF_DURATION, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 33 34 12", MB_Q_TARIFF_DURATION, MB_UNIT_S, 402624000, 0);
    expect_number("02 FD 34 34 12", MB_Q_TARIFF_PERIOD, MB_UNIT_S, 4660, 0);
    expect_number("02 FD 35 34 12", MB_Q_TARIFF_PERIOD, MB_UNIT_S, 279600, 0);
    expect_number("02 FD 36 34 12", MB_Q_TARIFF_PERIOD, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 37 34 12", MB_Q_TARIFF_PERIOD, MB_UNIT_S, 402624000, 0);
    expect_number("02 FD 38 34 12", MB_Q_TARIFF_PERIOD, MB_UNIT_MONTH, 4660, 0);
    expect_number("02 FD 39 34 12", MB_Q_TARIFF_PERIOD, MB_UNIT_YEAR, 4660, 0);
}

/* 3C..3F period of nominal data transmissions s, min, h, d (EN 13757-3:2018). */
static void fd_transmission_period(void **state)
{
    (void)state;
    expect_number("02 FD 3C 34 12", MB_Q_TRANSMISSION_PERIOD, MB_UNIT_S, 4660, 0);
    expect_number("02 FD 3D 34 12", MB_Q_TRANSMISSION_PERIOD, MB_UNIT_S, 279600, 0);
    expect_number("02 FD 3E 34 12", MB_Q_TRANSMISSION_PERIOD, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 3F 34 12", MB_Q_TRANSMISSION_PERIOD, MB_UNIT_S, 402624000, 0);
}

/* 40..4F voltage 10^(nnnn-9) V; 50..5F current 10^(nnnn-12) A. */
static void fd_voltage_and_current(void **state)
{
    (void)state;
    expect_number("02 FD 40 34 12", MB_Q_VOLTAGE, MB_UNIT_V, 4660, -9);
    expect_number("02 FD 4F 34 12", MB_Q_VOLTAGE, MB_UNIT_V, 4660, 6);
    expect_number("02 FD 50 34 12", MB_Q_CURRENT, MB_UNIT_A, 4660, -12);
    expect_number("02 FD 5F 34 12", MB_Q_CURRENT, MB_UNIT_A, 4660, 3);
}

/* 68..6B duration since last cumulation h, d, months, years; 6C..6F battery operating time. */
static void fd_cumulation_and_battery_durations(void **state)
{
    (void)state;
    expect_number("02 FD 68 34 12", MB_Q_DURATION_SINCE_CUMULATION, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 69 34 12", MB_Q_DURATION_SINCE_CUMULATION, MB_UNIT_S, 402624000, 0);
    expect_number("02 FD 6A 34 12", MB_Q_DURATION_SINCE_CUMULATION, MB_UNIT_MONTH, 4660, 0);
    expect_number("02 FD 6B 34 12", MB_Q_DURATION_SINCE_CUMULATION, MB_UNIT_YEAR, 4660, 0);
    expect_number("02 FD 6C 34 12", MB_Q_BATTERY_OPERATING_TIME, MB_UNIT_S, 16776000, 0);
    expect_number("02 FD 6D 34 12", MB_Q_BATTERY_OPERATING_TIME, MB_UNIT_S, 402624000, 0);
    expect_number("02 FD 6E 34 12", MB_Q_BATTERY_OPERATING_TIME, MB_UNIT_MONTH, 4660, 0);
    expect_number("02 FD 6F 34 12", MB_Q_BATTERY_OPERATING_TIME, MB_UNIT_YEAR, 4660, 0);
}

/* 71 RF level in dBm, signed: 0xB5 = 181 - 256 = -75 dBm. */
static void fd_rf_level(void **state)
{
    (void)state;
    expect_number("01 FD 71 B5", MB_Q_RF_LEVEL, MB_UNIT_DBM, -75, 0);
}

/* 74 remaining battery lifetime in days, a duration: 4660 d = 402624000 s. */
static void fd_remaining_battery_lifetime_days(void **state)
{
    (void)state;
    expect_number("02 FD 74 34 12", MB_Q_REMAINING_BATTERY_LIFETIME, MB_UNIT_S, 402624000, 0);
}

/*
 * Dates of the FD table: 30 start of tariff and 70 date of battery change. 04 .. 32 17 1F 15 is
 * type F 2008-05-31 23:50 (minute 0x32 = 50, hour 0x17 = 23, day 0x1F & 0x1F = 31, month 5,
 * year bits 000 + 0001 << 3 = 8 -> 2008); 02 .. 1F 15 is type G 2008-05-31.
 */
static void fd_dates(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "04 FD 30 32 17 1F 15 02 FD 70 1F 15", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_TARIFF_START);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_int_equal(rec.value.datetime.type, 'F');
    assert_int_equal(rec.value.datetime.year, 2008);
    assert_int_equal(rec.value.datetime.month, 5);
    assert_int_equal(rec.value.datetime.day, 31);
    assert_int_equal(rec.value.datetime.hour, 23);
    assert_int_equal(rec.value.datetime.minute, 50);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_BATTERY_CHANGE_DATE);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_int_equal(rec.value.datetime.type, 'G');
    assert_int_equal(rec.value.datetime.year, 2008);
    assert_int_equal(rec.value.datetime.month, 5);
    assert_int_equal(rec.value.datetime.day, 31);
    expect_end(&w);
}

/* 72 daylight saving (type K): no public bit layout, kept as its 4 bytes. */
static void fd_daylight_saving_opaque(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "04 FD 72 01 02 03 04", &rec);
    assert_int_equal(rec.quantity, MB_Q_DAYLIGHT_SAVING);
    assert_int_equal(rec.value.kind, MB_VALUE_BINARY);
    assert_true((rec.value.flags & MB_VALUE_OPAQUE) != 0u);
    assert_int_equal(rec.value.len, 4);
    assert_ptr_equal(rec.value.bytes, w.buf + 3);
}

/* Reserved codes 77..7C and 7E..7F, and 7D without its E bit (no second-level byte may follow). */
static void fd_reserved_codes(void **state)
{
    (void)state;
    static const char *const reserved[] = {"02 FD 77 34 12", "02 FD 7C 34 12", "02 FD 7D 34 12",
                                           "02 FD 7E 34 12", "02 FD 7F 34 12"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        expect_unknown_then_next(reserved[i], 2);
    }
}

/* FD FD xx, the second level: 00 selected application, 02 remaining battery lifetime in months,
 * 03 in years (kept: months and years have no exact length in seconds). */
static void fdfd_second_level(void **state)
{
    (void)state;
    expect_number("02 FD FD 00 34 12", MB_Q_SELECTED_APPLICATION, MB_UNIT_NONE, 4660, 0);
    expect_number("02 FD FD 02 34 12", MB_Q_REMAINING_BATTERY_LIFETIME, MB_UNIT_MONTH, 4660, 0);
    expect_number("02 FD FD 03 34 12", MB_Q_REMAINING_BATTERY_LIFETIME, MB_UNIT_YEAR, 4660, 0);
}

/* FD FD 01 and 04..7F are reserved: three VIB bytes, then the next record. */
static void fdfd_reserved_codes(void **state)
{
    (void)state;
    expect_unknown_then_next("02 FD FD 01 34 12", 3);
    expect_unknown_then_next("02 FD FD 04 34 12", 3);
    expect_unknown_then_next("02 FD FD 7F 34 12", 3);
}

/* A combinable VIFE after the second level still applies: FD FD 82 70 = months x 10^-6. */
static void fdfd_with_combinable_vife(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 FD FD 82 70 34 12", &rec);
    assert_number(&rec, MB_Q_REMAINING_BATTERY_LIFETIME, MB_UNIT_MONTH, 4660, -6);
    assert_int_equal(rec.vib_len, 4);
    assert_true((rec.vife_flags & MB_VIFE_MULTIPLIED) != 0u);
}

/* ---- exact conversions and their overflow fallback (docs/design.md "Exact values") ---------- */

/*
 * INT64_MAX / 60 = 153722867280912930 = 0x0222222222222222 (x 0x3C = 0x7FFFFFFFFFFFFFF8): the
 * largest number of minutes that still converts, to 9223372036854775800 s. One more overflows
 * and keeps its minutes.
 */
static void duration_minutes_at_int64_limit(void **state)
{
    (void)state;
    expect_number("07 21 22 22 22 22 22 22 22 02", MB_Q_ON_TIME, MB_UNIT_S,
                  INT64_C(9223372036854775800), 0);
    expect_number("07 21 23 22 22 22 22 22 22 02", MB_Q_ON_TIME, MB_UNIT_MINUTE,
                  INT64_C(153722867280912931), 0);
}

/* INT64_MAX and INT64_MIN in hours and days cannot be seconds: they stay in h and d. */
static void duration_overflow_keeps_hours_and_days(void **state)
{
    (void)state;
    expect_number("07 22 FF FF FF FF FF FF FF 7F", MB_Q_ON_TIME, MB_UNIT_HOUR, INT64_MAX, 0);
    expect_number("07 23 00 00 00 00 00 00 00 80", MB_Q_ON_TIME, MB_UNIT_DAY, INT64_MIN, 0);
    expect_number("07 FD 27 FF FF FF FF FF FF FF 7F", MB_Q_STORAGE_INTERVAL, MB_UNIT_DAY, INT64_MAX,
                  0);
}

/* A negative duration converts too: 0xFFFF = -1 min = -60 s. */
static void duration_negative_converts(void **state)
{
    (void)state;
    expect_number("02 21 FF FF", MB_Q_ON_TIME, MB_UNIT_S, -60, 0);
}

/* Volume flows in m3/min and m3/s that cannot be m3/h keep their unit and exponent. */
static void volume_flow_overflow_keeps_unit(void **state)
{
    (void)state;
    expect_number("07 47 FF FF FF FF FF FF FF 7F", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_MIN, INT64_MAX,
                  0);
    expect_number("07 4F FF FF FF FF FF FF FF 7F", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_S, INT64_MAX,
                  -2);
}

/* ---- combinable VIFEs (EN 13757-3) ------------------------------------------------------------
 */

/* 0x70..0x77 multiplicative correction factor 10^(nnn-6) on VIF 0x93 (10^-3 m3). */
static void vife_multiplier_powers_of_ten(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 93 70 34 12", &rec); /* 10^-3 * 10^-6 */
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -9);
    assert_true((rec.vife_flags & MB_VIFE_MULTIPLIED) != 0u);
    assert_int_equal(rec.vib_len, 2);
    one_record(&w, "02 93 76 34 12", &rec); /* 10^-3 * 10^0 */
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    one_record(&w, "02 93 77 34 12", &rec); /* 10^-3 * 10^1 */
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -2);
}

/* 0x7D multiplies by 10^3: 10^-3 m3 becomes 10^0 m3. */
static void vife_times_thousand(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 93 7D 34 12", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, 0);
    assert_true((rec.vife_flags & MB_VIFE_MULTIPLIED) != 0u);
}

/* Factors combine: 0x7D then 0x74 on 10^-3 m3 gives 10^(-3 + 3 - 2) = 10^-2. */
static void vife_multipliers_combine(void **state)
{
    (void)state;
    expect_number("02 93 FD 74 34 12", MB_Q_VOLUME, MB_UNIT_M3, 4660, -2);
}

/* A factor on a duration: 4660 x 10^3 h = 4660 * 3600 x 10^3 s = 16776000 x 10^3 s. */
static void vife_multiplier_on_hours(void **state)
{
    (void)state;
    expect_number("02 A2 7D 34 12", MB_Q_ON_TIME, MB_UNIT_S, 16776000, 3);
}

/*
 * 0x78..0x7B additive correction constant 10^(nn-3) in the VIF's base unit (docs/design.md):
 * VIF 0x5B is 1 degC, 0x14 = 20; + 10^0 = 21 degC; + 10^-3 = 20.001 = 20001 x 10^-3 degC.
 */
static void vife_additive_offset(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 DB 7B 14", &rec);
    assert_number(&rec, MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 21, 0);
    assert_true((rec.vife_flags & MB_VIFE_OFFSET) != 0u);
    one_record(&w, "01 DB 78 14", &rec);
    assert_number(&rec, MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 20001, -3);
}

/* VIF 0x58 is 10^-3 degC: 0x0100 = 256 -> 0.256 + 10^(2-3) = 0.356 degC. */
static void vife_additive_offset_finer_vif(void **state)
{
    (void)state;
    expect_number("02 D8 7A 00 01", MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 356, -3);
}

/* A negative value: 0xEC = -20 degC + 1 degC = -19 degC. */
static void vife_additive_offset_negative_value(void **state)
{
    (void)state;
    expect_number("01 DB 7B EC", MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, -19, 0);
}

/* Factor first, then the offset: 20 x 10^3 degC + 10^0 degC = 20001 degC. */
static void vife_multiplier_then_offset(void **state)
{
    (void)state;
    expect_number("01 DB FD 7B 14", MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 20001, 0);
}

/*
 * Regression (fuzzing): multiplier VIFEs can put the offset 10^24 decades away from the value,
 * beyond what an int64 can hold. 0x03 is 1 Wh, 8 x 0x7D make it 10^24 Wh, 0x7A adds 10^-1 Wh:
 * 1 x 10^24 + 1 x 10^-1 needs 26 digits, so the value is flagged as overflow, not misread. A zero
 * value is exactly the offset, however far away.
 */
static void vife_offset_far_from_exponent(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "04 83 FD FD FD FD FD FD FD FD 7A 01 00 00 00", &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_NUMBER);
    assert_true((rec.value.flags & MB_VALUE_OVERFLOW) != 0u);
    expect_number("04 83 FD FD FD FD FD FD FD FD 7A 00 00 00 00", MB_Q_ENERGY, MB_UNIT_WH, 1, -1);
    /* 0x00 is 10^-3 Wh, 4 x 0x70 (10^-6 each) make it 10^-27 Wh; 0x7B adds 10^0 Wh. */
    one_record(&w, "04 80 F0 F0 F0 7B 01 00 00 00", &rec);
    assert_true((rec.value.flags & MB_VALUE_OVERFLOW) != 0u);
    expect_number("04 80 F0 F0 F0 7B 00 00 00 00", MB_Q_ENERGY, MB_UNIT_WH, 1, 0);
}

/* Every member of two records, padding aside. */
static bool same_members(const mb_record_t *a, const mb_record_t *b)
{
    const mb_value_t *x = &a->value, *y = &b->value;
    return a->dib == b->dib && a->vib == b->vib && a->data == b->data && a->storage == b->storage &&
           a->tariff == b->tariff && a->subunit == b->subunit && a->vib_len == b->vib_len &&
           a->data_len == b->data_len && a->dib_len == b->dib_len &&
           a->data_field == b->data_field && a->function == b->function &&
           a->quantity == b->quantity && a->unit == b->unit && a->lvar == b->lvar &&
           a->flags == b->flags && a->error == b->error && a->action == b->action &&
           a->limit == b->limit && a->text_unit_len == b->text_unit_len && a->per == b->per &&
           a->phase == b->phase && a->vife_flags == b->vife_flags && a->text_unit == b->text_unit &&
           x->kind == y->kind && x->flags == y->flags && x->exponent == y->exponent &&
           x->mantissa == y->mantissa &&
#if MB_ENABLE_REAL32
           memcmp(&x->real, &y->real, sizeof x->real) == 0 &&
#endif
           memcmp(&x->datetime, &y->datetime, sizeof x->datetime) == 0 && x->bytes == y->bytes &&
           x->len == y->len;
}

/*
 * Regression: the iterator sets every member of every record it delivers, whatever the record
 * held before (a record without DIFEs once kept the tariff and subunit of garbage). Each record
 * of a mixed telegram is decoded into a record of zeros and one of ones, which must agree.
 */
static void record_members_all_set(void **state)
{
    (void)state;
    static const char hex[] = "04 13 78 56 34 12 84 10 13 01 00 00 00 0C 14 27 04 85 02 "
                              "04 6D 32 37 1F 15 02 FD 17 00 00 01 FD 1B 00 0D FD 11 02 41 42 "
                              "02 93 3B 10 00 2F 7F";
    walk_t w;
    walk_start(&w, hex, 0);
    mb_records_t other;
    mb_records_init(&other, w.buf, w.len, 0);
    for (int k = 0; k < 9; k++) {
        mb_record_t a, b;
        memset(&a, 0x00, sizeof a);
        memset(&b, 0xFF, sizeof b);
        assert_int_equal(mb_records_next(&w.it, &a), 1);
        assert_int_equal(mb_records_next(&other, &b), 1);
        if (!same_members(&a, &b)) {
            fail_msg("record %d: a member depends on what the record held before", k);
        }
    }
}

/* 0x20..0x38: the "per" units and products of the table, in order; the value is unchanged. */
static void vife_per_units(void **state)
{
    (void)state;
    static const struct {
        uint8_t vife;
        mb_per_t per;
    } codes[] = {
        {0x20, MB_PER_SECOND},
        {0x21, MB_PER_MINUTE},
        {0x22, MB_PER_HOUR},
        {0x23, MB_PER_DAY},
        {0x24, MB_PER_WEEK},
        {0x25, MB_PER_MONTH},
        {0x26, MB_PER_YEAR},
        {0x27, MB_PER_REVOLUTION},
        {0x28, MB_PER_INPUT_PULSE_0},
        {0x29, MB_PER_INPUT_PULSE_1},
        {0x2A, MB_PER_OUTPUT_PULSE_0},
        {0x2B, MB_PER_OUTPUT_PULSE_1},
        {0x2C, MB_PER_LITRE},
        {0x2D, MB_PER_M3},
        {0x2E, MB_PER_KG},
        {0x2F, MB_PER_KELVIN},
        {0x30, MB_PER_KWH},
        {0x31, MB_PER_GJ},
        {0x32, MB_PER_KW},
        {0x33, MB_PER_KELVIN_LITRE},
        {0x34, MB_PER_VOLT},
        {0x35, MB_PER_AMPERE},
        {0x36, MB_TIMES_SECOND},
        {0x37, MB_TIMES_SECOND_PER_VOLT},
        {0x38, MB_TIMES_SECOND_PER_AMPERE},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12", codes[i].vife);
        one_record(&w, hex, &rec);
        if (rec.per != codes[i].per) {
            fail_msg("VIFE 0x%02X: per %d, want %d", codes[i].vife, (int)rec.per,
                     (int)codes[i].per);
        }
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
        assert_int_equal(rec.flags & MB_RECORD_UNKNOWN_VIFE, 0);
    }
}

/* The flag VIFEs, each alone on VIF 0x93: the value stays 4660 x 10^-3 m3. */
static void vife_flags(void **state)
{
    (void)state;
    static const struct {
        uint8_t vife;
        uint32_t flag;
    } flags[] = {
        {0x12, MB_VIFE_AVERAGE},
        {0x13, MB_VIFE_INVERSE_COMPACT_PROFILE},
        {0x14, MB_VIFE_RELATIVE_DEVIATION},
        {0x1D, MB_VIFE_STANDARD_CONFORM},
        {0x1E, MB_VIFE_COMPACT_PROFILE_REGISTERS},
        {0x1F, MB_VIFE_COMPACT_PROFILE},
        {0x3A, MB_VIFE_UNCORRECTED},
        {0x3B, MB_VIFE_ACCUMULATION_POSITIVE},
        {0x3C, MB_VIFE_ACCUMULATION_NEGATIVE},
        {0x3D, MB_VIFE_NON_METRIC},
        {0x3E, MB_VIFE_BASE_CONDITIONS},
        {0x3F, MB_VIFE_OBIS},
        {0x69, MB_VIFE_LEAKAGE},
        {0x6D, MB_VIFE_OVERFLOW_VALUES},
        {0x7E, MB_VIFE_FUTURE_VALUE},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12", flags[i].vife);
        one_record(&w, hex, &rec);
        if (rec.vife_flags != flags[i].flag || rec.flags != 0u || rec.limit != 0u ||
            rec.per != MB_PER_NONE) {
            fail_msg("VIFE 0x%02X: vife_flags 0x%08lX flags 0x%02X limit 0x%02X, want 0x%08lX",
                     flags[i].vife, (unsigned long)rec.vife_flags, rec.flags, rec.limit,
                     (unsigned long)flags[i].flag);
        }
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    }
}

/* Forward (0x3B) and backward (0x3C) flow accumulation on the same meter, in one telegram. */
static void vife_forward_and_backward_flow(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "04 93 3B 10 27 00 00 04 93 3C E8 03 00 00", 0);
    next_ok(&w, &rec); /* 0x2710 = 10000 */
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 10000, -3);
    assert_int_equal(rec.vife_flags, MB_VIFE_ACCUMULATION_POSITIVE);
    next_ok(&w, &rec); /* 0x03E8 = 1000 */
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 1000, -3);
    assert_int_equal(rec.vife_flags, MB_VIFE_ACCUMULATION_NEGATIVE);
    expect_end(&w);
}

/* Several VIFEs on one record: per hour, average, x10^-6 factor. */
static void vife_chain_of_three(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 93 A2 92 70 34 12", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -9);
    assert_int_equal(rec.per, MB_PER_HOUR);
    assert_int_equal(rec.vife_flags, MB_VIFE_AVERAGE | MB_VIFE_MULTIPLIED);
    assert_int_equal(rec.vib_len, 4);
}

/* Limit values 0x40 (lower) and 0x48 (upper) are values of the VIF's quantity. */
static void vife_limit_values(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 93 40 34 12", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    assert_int_equal(rec.limit, 0x40);
    one_record(&w, "02 93 48 34 12", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    assert_int_equal(rec.limit, 0x48);
}

/* 0x68 / 0x6C value during lower / upper limit exceed: values of the VIF's quantity. */
static void vife_value_during_limit_exceed(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 93 68 34 12", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    assert_int_equal(rec.limit, 0x68);
    one_record(&w, "02 93 6C 34 12", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    assert_int_equal(rec.limit, 0x6C);
}

/* 0x41 / 0x49 number of exceeds of the lower / upper limit: a plain count, no unit, 10^0. */
static void vife_limit_exceed_counts(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 93 41 05 00", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_NONE, 5, 0);
    assert_int_equal(rec.limit, 0x41);
    one_record(&w, "02 93 49 07 00", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_NONE, 7, 0);
    assert_int_equal(rec.limit, 0x49);
}

/*
 * Date(/time) of begin/end of first/last lower/upper limit exceed: E100 uf1b (42 43 46 47 4A 4B
 * 4E 4F) and E110 1f1b (6A 6B 6E 6F). The data is a date: 1F 15 is type G 2008-05-31.
 */
static void vife_limit_dates(void **state)
{
    (void)state;
    static const uint8_t codes[] = {0x42, 0x43, 0x46, 0x47, 0x4A, 0x4B,
                                    0x4E, 0x4F, 0x6A, 0x6B, 0x6E, 0x6F};
    for (size_t i = 0; i < sizeof codes; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 1F 15", codes[i]);
        one_record(&w, hex, &rec);
        if (rec.value.kind != MB_VALUE_DATE || rec.limit != codes[i] ||
            rec.value.datetime.type != 'G' || rec.value.datetime.year != 2008 ||
            rec.value.datetime.month != 5 || rec.value.datetime.day != 31) {
            fail_msg("VIFE 0x%02X: kind %d limit 0x%02X", codes[i], (int)rec.value.kind, rec.limit);
        }
    }
}

/* A limit date with time: VIF 0xAB (power, W) and VIFE 0x4A, type F 2008-05-31 23:50. */
static void vife_limit_date_time(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "04 AB 4A 32 17 1F 15", &rec);
    assert_int_equal(rec.quantity, MB_Q_POWER);
    assert_int_equal(rec.limit, 0x4A);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_int_equal(rec.value.datetime.type, 'F');
    assert_int_equal(rec.value.datetime.year, 2008);
    assert_int_equal(rec.value.datetime.hour, 23);
    assert_int_equal(rec.value.datetime.minute, 50);
}

/*
 * Durations of limit exceeds, E101 ufnn (0x50..0x5F) and E110 0fnn (0x60..0x67), nn = s, min, h,
 * d: in the VIFE's unit, whatever the VIF's scale, converted to seconds.
 */
static void vife_limit_durations(void **state)
{
    (void)state;
    static const struct {
        uint8_t vife;
        int64_t seconds;
    } codes[] = {
        {0x50, 4660},     {0x51, 279600},    {0x52, 16776000},  {0x53, 402624000}, {0x54, 4660},
        {0x58, 4660},     {0x5C, 4660},      {0x5F, 402624000}, {0x60, 4660},      {0x61, 279600},
        {0x62, 16776000}, {0x63, 402624000}, {0x64, 4660},      {0x67, 402624000},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12", codes[i].vife);
        one_record(&w, hex, &rec);
        assert_int_equal(rec.limit, codes[i].vife);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_S, codes[i].seconds, 0);
    }
}

/* 0x44, 0x45, 0x4C, 0x4D are reserved: flagged, no limit, and the next record follows. */
static void vife_limit_reserved_codes(void **state)
{
    (void)state;
    static const uint8_t codes[] = {0x44, 0x45, 0x4C, 0x4D};
    for (size_t i = 0; i < sizeof codes; i++) {
        char hex[48];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12 01 13 05", codes[i]);
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        assert_true((rec.flags & MB_RECORD_UNKNOWN_VIFE) != 0u);
        assert_int_equal(rec.limit, 0);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_end(&w);
    }
}

/*
 * Reserved combinable VIFEs 0x10, 0x11 and the reserved record error codes 0x19..0x1B: flagged,
 * the record and the next one still decode.
 */
static void vife_reserved_codes(void **state)
{
    (void)state;
    /* 0x10, 0x11: reserved combinable codes: unknown VIFE, and the next record still decodes. */
    static const uint8_t codes[] = {0x10, 0x11};
    for (size_t i = 0; i < sizeof codes; i++) {
        char hex[48];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12 01 13 05", codes[i]);
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        assert_int_equal(rec.quantity, MB_Q_VOLUME);
        assert_true((rec.flags & MB_RECORD_UNKNOWN_VIFE) != 0u);
        assert_int_equal(rec.vib_len, 2);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_end(&w);
    }
}

/*
 * 0x19..0x1B lie inside the record-error range 0x15..0x1C (reserved there, like 0x08..0x0A in
 * 0x00..0x0F): from a meter they are record errors with no name, not unknown VIFEs.
 */
static void vife_reserved_error_codes(void **state)
{
    (void)state;
    static const uint8_t codes[] = {0x08, 0x0A, 0x19, 0x1A, 0x1B};
    for (size_t i = 0; i < sizeof codes; i++) {
        char hex[48];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12 01 13 05", codes[i]);
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        assert_int_equal(rec.quantity, MB_Q_VOLUME);
        assert_true((rec.flags & MB_RECORD_ERROR) != 0u);
        assert_false((rec.flags & MB_RECORD_UNKNOWN_VIFE) != 0u);
        assert_int_equal(rec.error, codes[i]);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_end(&w);
    }
}

/* 0x39 start date(/time) of ...: the data is a date (type F here). */
static void vife_start_date(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "04 93 39 32 17 1F 15", &rec);
    assert_int_equal(rec.quantity, MB_Q_VOLUME);
    assert_true((rec.vife_flags & MB_VIFE_START_DATE) != 0u);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_int_equal(rec.value.datetime.type, 'F');
    assert_int_equal(rec.value.datetime.day, 31);
}

/* 0x3F OBIS declaration on an energy record (10^3 Wh). */
static void vife_obis_declaration(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "04 86 3F 10 27 00 00", &rec); /* 0x2710 = 10000 */
    assert_number(&rec, MB_Q_ENERGY, MB_UNIT_WH, 10000, 3);
    assert_int_equal(rec.vife_flags, MB_VIFE_OBIS);
}

/* ---- combinable extension table (VIFE 0xFC then the code) ----------------------------------- */

/*
 * Phases and quadrants 0x01..0x0B on a voltage, FD 48 = 10^(8-9) V: 0x08E6 = 2278 -> 227.8 V.
 * 01..03 L1, L2, L3; 04 N; 05..07 L1-L2, L2-L3, L3-L1; 08..0B Q1..Q4.
 */
static void ext_phases_and_quadrants(void **state)
{
    (void)state;
    static const mb_phase_t phases[] = {
        MB_PHASE_L1,    MB_PHASE_L2,    MB_PHASE_L3,    MB_PHASE_N,
        MB_PHASE_L1_L2, MB_PHASE_L2_L3, MB_PHASE_L3_L1, MB_QUADRANT_Q1,
        MB_QUADRANT_Q2, MB_QUADRANT_Q3, MB_QUADRANT_Q4,
    };
    for (unsigned i = 0; i < sizeof phases / sizeof phases[0]; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 FD C8 FC %02X E6 08", 1u + i);
        one_record(&w, hex, &rec);
        assert_number(&rec, MB_Q_VOLTAGE, MB_UNIT_V, 2278, -1);
        if (rec.phase != phases[i]) {
            fail_msg("code 0x%02X: phase %d, want %d", 1u + i, (int)rec.phase, (int)phases[i]);
        }
        assert_int_equal(rec.vib_len, 4);
        assert_int_equal(rec.flags, 0);
    }
}

/* Three phase currents in one telegram: FD 59 = 10^(9-12) A = mA. */
static void ext_three_phase_currents(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "02 FD D9 FC 01 E8 03 02 FD D9 FC 02 D0 07 02 FD D9 FC 03 B8 0B", 0);
    next_ok(&w, &rec); /* 0x03E8 = 1000 mA */
    assert_number(&rec, MB_Q_CURRENT, MB_UNIT_A, 1000, -3);
    assert_int_equal(rec.phase, MB_PHASE_L1);
    next_ok(&w, &rec); /* 0x07D0 = 2000 mA */
    assert_number(&rec, MB_Q_CURRENT, MB_UNIT_A, 2000, -3);
    assert_int_equal(rec.phase, MB_PHASE_L2);
    next_ok(&w, &rec); /* 0x0BB8 = 3000 mA */
    assert_number(&rec, MB_Q_CURRENT, MB_UNIT_A, 3000, -3);
    assert_int_equal(rec.phase, MB_PHASE_L3);
    expect_end(&w);
}

/* The flags of the extension table: 0C, 10, 11, 12, 14, 15. */
static void ext_flags(void **state)
{
    (void)state;
    static const struct {
        uint8_t code;
        uint32_t flag;
    } codes[] = {
        {0x0C, MB_VIFE_DELTA_IMPORT_EXPORT},
        {0x10, MB_VIFE_ACCUMULATION_ABSOLUTE},
        {0x11, MB_VIFE_TYPE_C},
        {0x12, MB_VIFE_TYPE_D},
        {0x14, MB_VIFE_TO_METER},
        {0x15, MB_VIFE_FROM_METER},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 FD C8 FC %02X E6 08", codes[i].code);
        one_record(&w, hex, &rec);
        assert_int_equal(rec.vife_flags, codes[i].flag);
        assert_int_equal(rec.phase, MB_PHASE_NONE);
        assert_int_equal(rec.flags, 0);
    }
}

/* 0x11 (type C) and 0x12 (type D) make the data unsigned: 0xFFFF = 65535, not -1. */
static void ext_type_c_and_d_unsigned(void **state)
{
    (void)state;
    expect_number("02 FD 48 FF FF", MB_Q_VOLTAGE, MB_UNIT_V, -1, -1); /* signed without them */
    expect_number("02 FD C8 FC 11 FF FF", MB_Q_VOLTAGE, MB_UNIT_V, 65535, -1);
    expect_number("02 FD C8 FC 12 FF FF", MB_Q_VOLTAGE, MB_UNIT_V, 65535, -1);
}

/* Reserved codes of the extension table (00, 0D..0F, 13, 16, 7F): flagged, decoding goes on. */
static void ext_reserved_codes(void **state)
{
    (void)state;
    static const uint8_t codes[] = {0x00, 0x0D, 0x0E, 0x0F, 0x13, 0x16, 0x7F};
    for (size_t i = 0; i < sizeof codes; i++) {
        char hex[48];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 FD C8 FC %02X E6 08 01 13 05", codes[i]);
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        assert_int_equal(rec.quantity, MB_Q_VOLTAGE);
        assert_true((rec.flags & MB_RECORD_UNKNOWN_VIFE) != 0u);
        assert_int_equal(rec.phase, MB_PHASE_NONE);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_end(&w);
    }
}

/* After the extension code the chain goes on: FC 81 (L1, E bit) then 7D (x1000). */
static void ext_then_combinable(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 FD C8 FC 81 7D E6 08", &rec);
    assert_number(&rec, MB_Q_VOLTAGE, MB_UNIT_V, 2278, 2);
    assert_int_equal(rec.phase, MB_PHASE_L1);
    assert_int_equal(rec.vife_flags, MB_VIFE_MULTIPLIED);
    assert_int_equal(rec.vib_len, 5);
}

/* ---- record errors (from a meter) and object actions (to a meter) ---------------------------- */

/*
 * Record error codes of EN 13757-3 on a record without data (DIF 00): 00..07, 0B..0F and
 * 15..18, 1C. The error is the only thing such a record says.
 */
static void record_errors_from_meter(void **state)
{
    (void)state;
    static const uint8_t codes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0B,
                                    0x0C, 0x0D, 0x0E, 0x0F, 0x15, 0x16, 0x17, 0x18, 0x1C};
    for (size_t i = 0; i < sizeof codes; i++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "00 93 %02X", codes[i]);
        one_record(&w, hex, &rec);
        if (rec.flags != MB_RECORD_ERROR || rec.error != codes[i] || rec.action != 0u) {
            fail_msg("VIFE 0x%02X: flags 0x%02X error 0x%02X", codes[i], rec.flags, rec.error);
        }
        assert_int_equal(rec.quantity, MB_Q_VOLUME);
        assert_int_equal(rec.value.kind, MB_VALUE_NONE);
        assert_int_equal(rec.data_len, 0);
    }
}

/* "No data available" (0x15) between two good records: the iteration goes on. */
static void record_error_between_records(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 00 DB 15 01 13 06", 0);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_FLOW_TEMPERATURE);
    assert_int_equal(rec.flags, MB_RECORD_ERROR);
    assert_int_equal(rec.error, 0x15);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 6, -3);
    expect_end(&w);
}

/*
 * With MB_RECORDS_TO_METER, VIFE 0x00..0x0D are object actions: write, add, subtract, OR, AND,
 * XOR, AND NOT, clear, add entry, delete entry, delayed action, freeze, add to / delete from
 * readout list. The value is the operand.
 */
static void object_actions_to_meter(void **state)
{
    (void)state;
    for (unsigned code = 0; code <= 0x0Du; code++) {
        char hex[32];
        walk_t w;
        mb_record_t rec;
        snprintf(hex, sizeof hex, "02 93 %02X 34 12", code);
        walk_start(&w, hex, MB_RECORDS_TO_METER);
        next_ok(&w, &rec);
        if (rec.flags != MB_RECORD_ACTION || rec.action != code || rec.error != 0u) {
            fail_msg("VIFE 0x%02X: flags 0x%02X action 0x%02X", code, rec.flags, rec.action);
        }
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
        expect_end(&w);
    }
}

/* The same bytes from a meter are record errors; 0x15 to a meter is no error code. */
static void actions_depend_on_direction(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "02 93 07 34 12", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags, MB_RECORD_ERROR);
    assert_int_equal(rec.error, 0x07); /* data size not implemented */
    walk_start(&w, "02 93 07 34 12", MB_RECORDS_TO_METER);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags, MB_RECORD_ACTION);
    assert_int_equal(rec.action, 0x07); /* clear */
    walk_start(&w, "00 93 15", MB_RECORDS_TO_METER);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags & (MB_RECORD_ERROR | MB_RECORD_ACTION), 0);
    assert_true((rec.flags & MB_RECORD_UNKNOWN_VIFE) != 0u);
}

/* Setting a primary address (SND_UD CI 51 data 01 7A 0A): bus address 10, to a meter. */
static void set_primary_address_record(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 7A 0A", MB_RECORDS_TO_METER);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_BUS_ADDRESS, MB_UNIT_NONE, 10, 0);
    assert_int_equal(rec.flags, 0);
    expect_end(&w);
}

/* ---- manufacturer-specific VIF and VIFEs -------------------------------------------------- */

/* VIF 0x7F: manufacturer specific, no VIFE. */
static void manufacturer_vif(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 7F 07", &rec);
    assert_number(&rec, MB_Q_MANUFACTURER_SPECIFIC, MB_UNIT_NONE, 7, 0);
    assert_int_equal(rec.vib_len, 1);
    assert_int_equal(rec.flags, 0);
}

/* VIF 0xFF: its VIFEs are the manufacturer's, not combinable (0x15 here is no record error). */
static void manufacturer_vif_with_vifes(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 FF 81 15 07", &rec);
    assert_int_equal(rec.quantity, MB_Q_MANUFACTURER_SPECIFIC);
    assert_int_equal(rec.vib_len, 3);
    assert_int_equal(rec.flags, 0);
    assert_int_equal(rec.error, 0);
    assert_int_equal(rec.vife_flags, 0);
    assert_int_equal(rec.data_len, 1);
    assert_int_equal(rec.data[0], 0x07);
}

/* VIFE 0x7F after a true VIF: the VIFEs after it are the manufacturer's. */
static void manufacturer_vife_in_chain(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 93 FF 95 15 07", &rec);
    assert_int_equal(rec.quantity, MB_Q_VOLUME);
    assert_int_equal(rec.vife_flags, MB_VIFE_MANUFACTURER);
    assert_int_equal(rec.flags, 0);
    assert_int_equal(rec.vib_len, 4);
    assert_int_equal(rec.data_len, 1);
}

/* ---- plain-text units (VIF 0x7C / 0xFC) ----------------------------------------------------- */

/*
 * VIF 0x7C: length 3 then "kWh" sent last character first ("hWk" = 68 57 6B); the VIB is the VIF
 * and the text with its length byte, 5 bytes. Both forcing options agree for 0x7C.
 */
static void text_unit_7c(void **state)
{
    (void)state;
    static const unsigned options[] = {0, MB_RECORDS_TEXT_AFTER_VIF, MB_RECORDS_TEXT_2018};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        walk_t w;
        mb_record_t rec;
        walk_start(&w, "02 7C 03 68 57 6B 34 12", options[i]);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, 0);
        assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT);
        assert_int_equal(rec.text_unit_len, 3);
        assert_ptr_equal(rec.text_unit, w.buf + 3);
        assert_memory_equal(rec.text_unit, "hWk", 3);
        assert_int_equal(rec.vib_len, 5);
        assert_ptr_equal(rec.vib, w.buf + 1);
        expect_end(&w);
    }
}

/* VIF 0xFC in EN 13757-3:2018 order: VIFE 0x74 (10^-2), then the text. */
static void text_unit_fc_2018_order(void **state)
{
    (void)state;
    static const unsigned options[] = {0, MB_RECORDS_TEXT_2018};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        walk_t w;
        mb_record_t rec;
        walk_start(&w, "02 FC 74 03 68 57 6B 34 12", options[i]);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, -2);
        assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT);
        assert_ptr_equal(rec.text_unit, w.buf + 4);
        assert_int_equal(rec.text_unit_len, 3);
        assert_int_equal(rec.vib_len, 6);
        expect_end(&w);
    }
}

/*
 * VIF 0xFC in the older order, text right after the VIF, then VIFE 0x74. Read in 2018 order this
 * would be VIFE 0x03 and a text of 0x68 = 104 bytes, past the data: the older order is taken.
 */
static void text_unit_fc_older_order(void **state)
{
    (void)state;
    static const unsigned options[] = {0, MB_RECORDS_TEXT_AFTER_VIF};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        walk_t w;
        mb_record_t rec;
        walk_start(&w, "02 FC 03 68 57 6B 74 34 12", options[i]);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, -2);
        assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT); /* no record error 0x03 */
        assert_ptr_equal(rec.text_unit, w.buf + 3);
        assert_int_equal(rec.text_unit_len, 3);
        assert_int_equal(rec.vib_len, 6);
        expect_end(&w);
    }
}

/* Forcing the 2018 order on older-order bytes: the 104-byte text runs past the data. */
static void text_unit_forced_2018_on_older_bytes(void **state)
{
    (void)state;
    walk_t w;
    walk_start(&w, "02 FC 03 68 57 6B 74 34 12", MB_RECORDS_TEXT_2018);
    expect_error(&w, MB_ERR_REC_VIF_TRUNCATED, 0);
}

/* Forcing the older order on 2018 bytes: a text of 0x74 = 116 bytes runs past the data. */
static void text_unit_forced_older_on_2018_bytes(void **state)
{
    (void)state;
    walk_t w;
    walk_start(&w, "02 FC 74 03 68 57 6B 34 12", MB_RECORDS_TEXT_AFTER_VIF);
    expect_error(&w, MB_ERR_REC_VIF_TRUNCATED, 0);
}

/*
 * Both readings fit, but the 2018 one is unprintable: bytes 02 FC 02 20 56 74 34 12 and 30
 * fillers 2F. 2018 order: VIFE 02, a 0x20 = 32-byte text 56 74 34 12 2F.. (0x12 is a control
 * character), data 2F 2F. Older order: the text " V" (20 56), VIFE 74, data 0x1234 x 10^-2,
 * then fillers. The automatic choice takes the older reading.
 */
#define TEXT_AMBIGUOUS_UNPRINTABLE                                                               \
    "02 FC 02 20 56 74 34 12 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F 2F " \
    "2F 2F 2F 2F 2F 2F 2F 2F"

static void text_unit_auto_rejects_unprintable_2018(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, TEXT_AMBIGUOUS_UNPRINTABLE, 0);
    assert_int_equal(w.len, 38);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, -2);
    assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT);
    assert_ptr_equal(rec.text_unit, w.buf + 3);
    assert_int_equal(rec.text_unit_len, 2);
    assert_int_equal(rec.vib_len, 5);
    expect_end(&w);
}

/* The same bytes with the 2018 order forced: error 0x02, the 32-byte text, data 0x2F2F = 12079. */
static void text_unit_forced_2018_keeps_unprintable(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, TEXT_AMBIGUOUS_UNPRINTABLE, MB_RECORDS_TEXT_2018);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_PLAIN_TEXT);
    assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT | MB_RECORD_ERROR);
    assert_int_equal(rec.error, 0x02);
    assert_ptr_equal(rec.text_unit, w.buf + 4);
    assert_int_equal(rec.text_unit_len, 32);
    assert_int_equal(rec.vib_len, 35); /* FC, 02, length byte, 32 characters */
    assert_int_equal(rec.value.mantissa, 12079);
    expect_end(&w);
}

/*
 * Regression (fuzzing): the automatic order judges the whole record, not the VIB alone. 03 FC 00
 * 02 48 52 1B read in the 2018 order is VIFE 00, the text "HR", then 1 of 3 data bytes; in the
 * older order it is an empty text, VIFE 02 (record error 2) and the data 0x1B5248 = 1790536,
 * which is whole: the older order is taken. The record encodes back to the same bytes.
 */
static void text_unit_auto_judges_whole_record(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "03 FC 00 02 48 52 1B", &rec);
    assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT | MB_RECORD_ERROR);
    assert_int_equal(rec.error, 2);
    assert_int_equal(rec.text_unit_len, 0);
    assert_int_equal(rec.vib_len, 3);
    assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 1790536, 0);
    expect_encoded(&rec, "03 FC 00 02 48 52 1B");
}

/*
 * Regression (fuzzing): a record decoded with an order forced is encoded in that order, though
 * the automatic reading of the same VIB differs. Older order: FC, the 5-byte text 05 01 02 03
 * 04, VIFE 56 (duration of a limit exceed in hours): 0x0010 = 16 h = 57600 s. 2018 order: FC,
 * VIFE 03 (error), the 37-byte text 52 48 74 01 41.., data 0x1234.
 */
static void text_unit_forced_order_encodes_back(void **state)
{
    (void)state;
    static const char older[] = "02 FC 05 05 01 02 03 04 56 10 00";
    walk_t w;
    mb_record_t rec;
    walk_start(&w, older, MB_RECORDS_TEXT_AFTER_VIF);
    next_ok(&w, &rec);
    assert_int_equal(rec.limit, 0x56);
    assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_S, 57600, 0);
    expect_encoded(&rec, older);

    char hex[3 * 48 + 1] = "02 FC 03 25 52 48 74 01";
    for (int i = 0; i < 33; i++) {
        strcat(hex, " 41");
    }
    strcat(hex, " 34 12");
    walk_start(&w, hex, MB_RECORDS_TEXT_2018);
    next_ok(&w, &rec);
    assert_int_equal(rec.error, 3);
    assert_int_equal(rec.text_unit_len, 37);
    assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, 0);
    expect_encoded(&rec, hex);
}

/*
 * Both readings fit and both are printable (32 characters 56 74 41..41, or " V" then VIFE 74):
 * the 2018 reading is kept.
 */
static void text_unit_auto_prefers_2018_when_both_printable(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w,
               "02 FC 02 20 56 74 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 "
               "41 41 41 41 41 41 41 41 41 34 12",
               0);
    assert_int_equal(w.len, 38);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT | MB_RECORD_ERROR);
    assert_int_equal(rec.text_unit_len, 32);
    assert_ptr_equal(rec.text_unit, w.buf + 4);
    assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, 0);
    expect_end(&w);
}

/*
 * Neither reading printable: 02 FC 02 01 12 74 34 12 13 05 00. 2018 order: VIFE 02, the text
 * 12 (a control character), data 74 34 = 0x3474 = 13428, then a record 12 13 05 00 (maximum,
 * 5 x 10^-3 m3). Older order: the text 01 12, also unprintable. The 2018 reading is kept.
 */
static void text_unit_auto_keeps_2018_when_neither_printable(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "02 FC 02 01 12 74 34 12 13 05 00", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags, MB_RECORD_TEXT_UNIT | MB_RECORD_ERROR);
    assert_int_equal(rec.error, 0x02);
    assert_ptr_equal(rec.text_unit, w.buf + 4);
    assert_int_equal(rec.text_unit_len, 1);
    assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 13428, 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.function, MB_FN_MAXIMUM);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    expect_end(&w);
}

/* ---- integer data (types B and C) ------------------------------------------------------------ */

/* 8-bit signed: 0x80 = -128, 0x7F = 127, 0xFF = -1 (VIF 0x13 = 10^-3 m3). */
static void int8_signed(void **state)
{
    (void)state;
    expect_number("01 13 80", MB_Q_VOLUME, MB_UNIT_M3, -128, -3);
    expect_number("01 13 7F", MB_Q_VOLUME, MB_UNIT_M3, 127, -3);
    expect_number("01 13 FF", MB_Q_VOLUME, MB_UNIT_M3, -1, -3);
    expect_number("01 13 00", MB_Q_VOLUME, MB_UNIT_M3, 0, -3);
}

/* 16-bit signed, little endian: 00 80 = -32768, FF 7F = 32767. */
static void int16_signed(void **state)
{
    (void)state;
    expect_number("02 13 00 80", MB_Q_VOLUME, MB_UNIT_M3, -32768, -3);
    expect_number("02 13 FF 7F", MB_Q_VOLUME, MB_UNIT_M3, 32767, -3);
    expect_number("02 13 FF FF", MB_Q_VOLUME, MB_UNIT_M3, -1, -3);
}

/* 24-bit signed: 00 00 80 = -8388608, FF FF 7F = 8388607, 56 34 12 = 0x123456 = 1193046. */
static void int24_signed(void **state)
{
    (void)state;
    expect_number("03 13 00 00 80", MB_Q_VOLUME, MB_UNIT_M3, -8388608, -3);
    expect_number("03 13 FF FF 7F", MB_Q_VOLUME, MB_UNIT_M3, 8388607, -3);
    expect_number("03 13 FF FF FF", MB_Q_VOLUME, MB_UNIT_M3, -1, -3);
    expect_number("03 13 56 34 12", MB_Q_VOLUME, MB_UNIT_M3, 1193046, -3);
}

/* 32-bit signed: -2147483648 and 2147483647; 0x12345678 = 305419896. */
static void int32_signed(void **state)
{
    (void)state;
    expect_number("04 13 00 00 00 80", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(-2147483648), -3);
    expect_number("04 13 FF FF FF 7F", MB_Q_VOLUME, MB_UNIT_M3, 2147483647, -3);
    expect_number("04 13 78 56 34 12", MB_Q_VOLUME, MB_UNIT_M3, 305419896, -3);
}

/* 48-bit signed: -2^47 = -140737488355328, 2^47 - 1 = 140737488355327. */
static void int48_signed(void **state)
{
    (void)state;
    expect_number("06 13 00 00 00 00 00 80", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(-140737488355328),
                  -3);
    expect_number("06 13 FF FF FF FF FF 7F", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(140737488355327), -3);
    expect_number("06 13 FE FF FF FF FF FF", MB_Q_VOLUME, MB_UNIT_M3, -2, -3);
}

/* 64-bit signed: INT64_MIN, INT64_MAX, -1. */
static void int64_signed(void **state)
{
    (void)state;
    expect_number("07 13 00 00 00 00 00 00 00 80", MB_Q_VOLUME, MB_UNIT_M3, INT64_MIN, -3);
    expect_number("07 13 FF FF FF FF FF FF FF 7F", MB_Q_VOLUME, MB_UNIT_M3, INT64_MAX, -3);
    expect_number("07 13 FF FF FF FF FF FF FF FF", MB_Q_VOLUME, MB_UNIT_M3, -1, -3);
}

/* Unsigned quantities at each width: 2^24 - 1 = 16777215, 2^48 - 1 = 281474976710655. */
static void unsigned_widths(void **state)
{
    (void)state;
    expect_number("02 FD 17 FF FF", MB_Q_ERROR_FLAGS, MB_UNIT_NONE, 65535, 0);
    expect_number("03 FD 17 FF FF FF", MB_Q_ERROR_FLAGS, MB_UNIT_NONE, 16777215, 0);
    expect_number("06 79 FF FF FF FF FF FF", MB_Q_ENHANCED_IDENTIFICATION, MB_UNIT_NONE,
                  INT64_C(281474976710655), 0);
    expect_number("07 79 FF FF FF FF FF FF FF 7F", MB_Q_ENHANCED_IDENTIFICATION, MB_UNIT_NONE,
                  INT64_MAX, 0);
}

/* An unsigned 64-bit value above INT64_MAX is flagged and kept as its bytes. */
static void unsigned64_overflow(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "07 79 00 00 00 00 00 00 00 80", &rec);
    assert_int_equal(rec.quantity, MB_Q_ENHANCED_IDENTIFICATION);
    assert_true((rec.value.flags & MB_VALUE_OVERFLOW) != 0u);
    assert_ptr_equal(rec.value.bytes, w.buf + 2);
    assert_int_equal(rec.value.len, 8);
    one_record(&w, "07 FD 17 FF FF FF FF FF FF FF FF", &rec);
    assert_true((rec.value.flags & MB_VALUE_OVERFLOW) != 0u);
    assert_ptr_equal(rec.value.bytes, w.buf + 3);
    assert_int_equal(rec.value.len, 8);
}

/* ---- BCD data (type A) ------------------------------------------------------------------------
 */

/* 2, 4, 6, 8 and 12 digits, least significant byte first. */
static void bcd_all_widths(void **state)
{
    (void)state;
    expect_number("09 13 99", MB_Q_VOLUME, MB_UNIT_M3, 99, -3);
    expect_number("0A 13 34 12", MB_Q_VOLUME, MB_UNIT_M3, 1234, -3);
    expect_number("0B 13 56 34 12", MB_Q_VOLUME, MB_UNIT_M3, 123456, -3);
    expect_number("0C 13 78 56 34 12", MB_Q_VOLUME, MB_UNIT_M3, 12345678, -3);
    expect_number("0E 13 12 90 78 56 34 12", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(123456789012), -3);
    expect_number("0E 13 99 99 99 99 99 99", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(999999999999), -3);
    expect_number("09 13 00", MB_Q_VOLUME, MB_UNIT_M3, 0, -3);
}

/* A top nibble F makes the value negative; the other digits are the magnitude. */
static void bcd_negative(void **state)
{
    (void)state;
    expect_number("09 13 F5", MB_Q_VOLUME, MB_UNIT_M3, -5, -3);
    expect_number("0A 13 34 F2", MB_Q_VOLUME, MB_UNIT_M3, -234, -3);
    expect_number("0B 13 56 34 F2", MB_Q_VOLUME, MB_UNIT_M3, -23456, -3);
    expect_number("0C 13 78 56 34 F2", MB_Q_VOLUME, MB_UNIT_M3, -2345678, -3);
    expect_number("0E 13 99 99 99 99 99 F9", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(-99999999999), -3);
}

/* A hex digit (here the ID 0500023E of a real meter) marks the value invalid; bytes kept. */
static void bcd_hex_digits(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "0C 78 3E 02 00 05", &rec);
    assert_int_equal(rec.quantity, MB_Q_FABRICATION_NUMBER);
    assert_int_equal(rec.value.flags, MB_VALUE_INVALID | MB_VALUE_BCD_HEX);
    assert_ptr_equal(rec.value.bytes, w.buf + 2);
    assert_int_equal(rec.value.len, 4);
}

/* A..E anywhere, and F anywhere but the top nibble, are invalid digits. */
static void bcd_invalid_nibbles(void **state)
{
    (void)state;
    static const char *const cases[] = {"09 13 A0",    "09 13 0B",    "0A 13 00 E0",
                                        "0A 13 F0 01", "0A 13 0F 00", "0C 13 00 00 C0 00"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        mb_record_t rec;
        one_record(&w, cases[i], &rec);
        if (rec.value.flags != (MB_VALUE_INVALID | MB_VALUE_BCD_HEX) ||
            rec.value.bytes != w.buf + 2 || rec.value.len != rec.data_len) {
            fail_msg("%s: flags 0x%02X", cases[i], rec.value.flags);
        }
    }
}

/* BCD goes through the same scaling: 30 min (0A 21 30 00) = 1800 s. */
static void bcd_duration_converted(void **state)
{
    (void)state;
    expect_number("0A 21 30 00", MB_Q_ON_TIME, MB_UNIT_S, 1800, 0);
}

/* ---- real data (type H, IEEE 754 single, little endian) -------------------------------------- */

#if MB_ENABLE_REAL32
static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Decode one real record and check its exact float bits, exponent, quantity and unit. */
static void expect_real(const char *hex, uint32_t bits, int exponent, mb_quantity_t q,
                        mb_unit_t unit)
{
    walk_t w;
    mb_record_t rec;
    one_record(&w, hex, &rec);
    if (rec.value.kind != MB_VALUE_REAL || float_bits(rec.value.real) != bits ||
        rec.value.exponent != exponent || rec.quantity != q || rec.unit != unit) {
        fail_msg("%s: kind %d bits 0x%08lX e%d quantity %d unit %d", hex, (int)rec.value.kind,
                 (unsigned long)float_bits(rec.value.real), rec.value.exponent, (int)rec.quantity,
                 (int)rec.unit);
    }
    assert_ptr_equal(rec.value.bytes, rec.data);
    assert_int_equal(rec.value.len, 4);
}

/* 1.5 = 0x3FC00000, -2.25 = 0xC0100000, 0.1f = 0x3DCCCCCD, with VIF 0x13's exponent -3. */
static void real32_values(void **state)
{
    (void)state;
    expect_real("05 13 00 00 C0 3F", 0x3FC00000u, -3, MB_Q_VOLUME, MB_UNIT_M3);
    expect_real("05 13 00 00 10 C0", 0xC0100000u, -3, MB_Q_VOLUME, MB_UNIT_M3);
    expect_real("05 13 CD CC CC 3D", 0x3DCCCCCDu, -3, MB_Q_VOLUME, MB_UNIT_M3);
    expect_real("05 13 00 00 00 00", 0x00000000u, -3, MB_Q_VOLUME, MB_UNIT_M3);
}

/* NaN and infinity are kept bit for bit. */
static void real32_nan_and_infinity(void **state)
{
    (void)state;
    expect_real("05 13 00 00 C0 7F", 0x7FC00000u, -3, MB_Q_VOLUME, MB_UNIT_M3);
    expect_real("05 13 00 00 80 FF", 0xFF800000u, -3, MB_Q_VOLUME, MB_UNIT_M3);
}

/* Reals are not converted (docs/design.md): minutes and m3/min stay in the unit sent. */
static void real32_keeps_unit_sent(void **state)
{
    (void)state;
    expect_real("05 21 00 00 C0 3F", 0x3FC00000u, 0, MB_Q_ON_TIME, MB_UNIT_MINUTE);
    expect_real("05 40 00 00 C0 3F", 0x3FC00000u, -7, MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_MIN);
    expect_real("05 4F 00 00 C0 3F", 0x3FC00000u, -2, MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_S);
}

/* A multiplicative VIFE goes into the exponent: 10^-3 x 10^3 (0x7D) = 10^0. */
static void real32_with_multiplier(void **state)
{
    (void)state;
    expect_real("05 93 7D 00 00 C0 3F", 0x3FC00000u, 0, MB_Q_VOLUME, MB_UNIT_M3);
}

/* real * 10^exponent, for the checks below that need the decoded value itself. */
static double real_value(const mb_record_t *rec)
{
    double v = rec->value.real;
    for (int e = rec->value.exponent; e > 0; e--) {
        v *= 10.0;
    }
    for (int e = rec->value.exponent; e < 0; e++) {
        v /= 10.0;
    }
    return v;
}

/* Regression (fixed): a real HCA factor (FB 68) gets exponent -12 as if 2^-12 were 10^-12 */
/* FB 68 with the float 4096.0 (0x45800000): 4096 x 2^-12 = 1. */
static void real32_hca_factor(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "05 FB 68 00 00 80 45", &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_REAL);
    assert_true(real_value(&rec) > 0.999999 && real_value(&rec) < 1.000001);
}

/* Regression (fixed): the additive correction VIFE is silently dropped from real values */
/* VIF 0xDB (1 degC) + 0x7B (+1 degC) with the float 20.0 (0x41A00000): 21 degC. */
static void real32_with_offset(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "05 DB 7B 00 00 A0 41", &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_REAL);
    assert_true(real_value(&rec) > 20.99999 && real_value(&rec) < 21.00001);
}

/* real_value() on a plain real: 1.5 x 10^-3 = 0.0015. */
static void real32_value_helper(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "05 13 00 00 C0 3F", &rec);
    assert_true(real_value(&rec) > 0.00149999 && real_value(&rec) < 0.00150001);
}
#endif

/* ---- variable length data (DIF data field 0xD, LVAR) --------------------------------------- */

/* LVAR 0x00..0xBF: text, last character first. "Hello" is sent as "olleH" = 6F 6C 6C 65 48. */
static void lvar_text(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "0D FD 11 05 6F 6C 6C 65 48", &rec);
    assert_int_equal(rec.quantity, MB_Q_CUSTOMER);
    assert_int_equal(rec.unit, MB_UNIT_NONE);
    assert_int_equal(rec.lvar, 0x05);
    assert_int_equal(rec.value.kind, MB_VALUE_TEXT);
    assert_ptr_equal(rec.value.bytes, w.buf + 4);
    assert_int_equal(rec.value.len, 5);
    assert_memory_equal(rec.value.bytes, "olleH", 5);
    assert_ptr_equal(rec.data, w.buf + 4);
    assert_int_equal(rec.data_len, 5);
}

/* An empty text (LVAR 0), then the next record. */
static void lvar_text_empty(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "0D FD 11 00 01 13 05", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_TEXT);
    assert_int_equal(rec.value.len, 0);
    assert_int_equal(rec.data_len, 0);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    expect_end(&w);
}

/* The longest text, LVAR 0xBF = 191 characters; one character short is a truncation. */
static void lvar_text_longest(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    char hex[12 + 3 * 191];
    int n = snprintf(hex, sizeof hex, "0D FD 11 BF");
    for (int i = 0; i < 191; i++) {
        n += snprintf(hex + n, sizeof hex - (size_t)n, " 41");
    }
    one_record(&w, hex, &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_TEXT);
    assert_int_equal(rec.value.len, 191);
    assert_int_equal(rec.data_len, 191);
    hex[n - 3] = '\0'; /* 190 characters */
    walk_start(&w, hex, 0);
    assert_int_equal(w.len, 4 + 190);
    expect_error(&w, MB_ERR_REC_DATA_TRUNCATED, 0);
}

/* ISO 8859-1 characters are kept as sent: E4 is a-umlaut. */
static void lvar_text_latin1(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "0D FD 11 02 E4 41", &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_TEXT);
    assert_int_equal(rec.value.len, 2);
    assert_int_equal(rec.value.bytes[0], 0xE4);
}

/* LVAR 0xC0..0xC9: positive BCD of LVAR - 0xC0 bytes (not twice as many). */
static void lvar_positive_bcd(void **state)
{
    (void)state;
    expect_number("0D 13 C2 34 12", MB_Q_VOLUME, MB_UNIT_M3, 1234, -3);
    expect_number("0D 13 C1 99", MB_Q_VOLUME, MB_UNIT_M3, 99, -3);
    /* 9 bytes, 18 digits: 23 45 67 89 01 23 45 67 89 from the last byte down */
    expect_number("0D 13 C9 89 67 45 23 01 89 67 45 23", MB_Q_VOLUME, MB_UNIT_M3,
                  INT64_C(234567890123456789), -3);
}

/* LVAR 0xC0: no bytes at all, the value 0; the next record follows at once. */
static void lvar_bcd_empty(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "0D 13 C0 01 13 05", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.data_len, 0);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 0, -3);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    expect_end(&w);
}

/* LVAR 0xD0..0xD9: negative BCD of LVAR - 0xD0 bytes. */
static void lvar_negative_bcd(void **state)
{
    (void)state;
    expect_number("0D 13 D2 34 12", MB_Q_VOLUME, MB_UNIT_M3, -1234, -3);
    expect_number("0D 13 D1 05", MB_Q_VOLUME, MB_UNIT_M3, -5, -3);
    expect_number("0D 13 D9 89 67 45 23 01 89 67 45 23", MB_Q_VOLUME, MB_UNIT_M3,
                  INT64_C(-234567890123456789), -3);
}

/* A hex digit in an LVAR BCD marks it invalid, like fixed-size BCD. */
static void lvar_bcd_hex_digit(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "0D 13 C2 3E 02", &rec);
    assert_int_equal(rec.value.flags, MB_VALUE_INVALID | MB_VALUE_BCD_HEX);
    assert_ptr_equal(rec.value.bytes, w.buf + 3);
    assert_int_equal(rec.value.len, 2);
    /*
     * Regression (fuzzing): the sign of LVAR BCD is in the LVAR, so a leading F is a hex digit,
     * not a minus sign as in fixed-length BCD (C2 20 F8 once read as -820). The bytes are kept and
     * encode back as they were, for positive and negative LVARs alike.
     */
    static const char *const leading_f[] = {"0D 13 C2 20 F8", "0D 13 D2 20 F8"};
    for (size_t i = 0; i < 2u; i++) {
        one_record(&w, leading_f[i], &rec);
        assert_int_equal(rec.value.flags, MB_VALUE_INVALID | MB_VALUE_BCD_HEX);
        assert_int_equal(rec.value.len, 2);
        uint8_t out[8];
        assert_int_equal(mb_record_encode(&rec, out, sizeof out), 5);
        assert_memory_equal(out, w.buf, 5);
    }
}

/* LVAR 0xE0..0xE8: binary numbers of up to 8 bytes are numbers, signed like fixed integers. */
static void lvar_binary_numbers(void **state)
{
    (void)state;
    expect_number("0D 13 E2 34 12", MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    expect_number("0D 13 E1 80", MB_Q_VOLUME, MB_UNIT_M3, -128, -3);
    expect_number("0D 13 E3 FF FF FF", MB_Q_VOLUME, MB_UNIT_M3, -1, -3);
    /* 5 bytes 00 00 00 00 80: -2^39 = -549755813888 */
    expect_number("0D 13 E5 00 00 00 00 80", MB_Q_VOLUME, MB_UNIT_M3, INT64_C(-549755813888), -3);
    expect_number("0D 13 E8 FF FF FF FF FF FF FF 7F", MB_Q_VOLUME, MB_UNIT_M3, INT64_MAX, -3);
    expect_number("0D FD 17 E2 FF FF", MB_Q_ERROR_FLAGS, MB_UNIT_NONE, 65535, 0); /* unsigned */
}

/* Longer binary data is kept as bytes: E9 = 9, EF = 15, F0..F4 = 16..32, F5 = 48, F6 = 64. */
static void lvar_binary_bytes(void **state)
{
    (void)state;
    static const struct {
        uint8_t lvar;
        size_t len;
    } cases[] = {{0xE9, 9},  {0xEF, 15}, {0xF0, 16}, {0xF1, 20}, {0xF2, 24},
                 {0xF3, 28}, {0xF4, 32}, {0xF5, 48}, {0xF6, 64}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        mb_record_t rec;
        char hex[400];
        int n = snprintf(hex, sizeof hex, "0D 13 %02X", cases[i].lvar);
        for (size_t k = 0; k < cases[i].len; k++) {
            n += snprintf(hex + n, sizeof hex - (size_t)n, " %02X", (unsigned)(k + 1u));
        }
        snprintf(hex + n, sizeof hex - (size_t)n, " 01 13 05");
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        if (rec.value.kind != MB_VALUE_BINARY || rec.value.len != cases[i].len ||
            rec.data_len != cases[i].len || rec.value.bytes != w.buf + 3 ||
            rec.lvar != cases[i].lvar) {
            fail_msg("LVAR 0x%02X: kind %d len %u", cases[i].lvar, (int)rec.value.kind,
                     (unsigned)rec.value.len);
        }
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_end(&w);
    }
}

/* Reserved LVARs (CA..CF, DA..DF, F7..FF) have no known length: the iteration stops there. */
static void lvar_reserved(void **state)
{
    (void)state;
    static const uint8_t lvars[] = {0xCA, 0xCF, 0xDA, 0xDF, 0xF7, 0xFF};
    for (size_t i = 0; i < sizeof lvars; i++) {
        walk_t w;
        mb_record_t rec;
        char hex[48];
        snprintf(hex, sizeof hex, "01 13 05 0D 13 %02X 00 00 00 00", lvars[i]);
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_error(&w, MB_ERR_REC_RESERVED_LVAR, 3);
    }
}

/* ---- dates and times (EN 13757-3 Annex A types G, F, I, J; K, L, M opaque) ------------------ */

/* Decode one date record and check every field of the datetime. */
static void expect_date(const char *hex, uint8_t type, unsigned year, unsigned month, unsigned day,
                        unsigned hour, unsigned minute, unsigned second, unsigned weekday,
                        unsigned flags)
{
    walk_t w;
    mb_record_t rec;
    one_record(&w, hex, &rec);
    const mb_datetime_t *d = &rec.value.datetime;
    if (rec.value.kind != MB_VALUE_DATE || d->type != type || d->year != year ||
        d->month != month || d->day != day || d->hour != hour || d->minute != minute ||
        d->second != second || d->weekday != weekday || d->flags != flags) {
        fail_msg("%s: kind %d type %c %04u-%02u-%02u %02u:%02u:%02u weekday %u flags 0x%02X; want "
                 "%c %04u-%02u-%02u %02u:%02u:%02u weekday %u flags 0x%02X",
                 hex, (int)rec.value.kind, d->type ? d->type : '?', d->year, d->month, d->day,
                 d->hour, d->minute, d->second, d->weekday, d->flags, type, year, month, day, hour,
                 minute, second, weekday, flags);
    }
    assert_int_equal(rec.unit, MB_UNIT_NONE);
    assert_int_equal(rec.value.flags,
                     ((flags & MB_DT_INVALID) != 0u ? MB_VALUE_INVALID : 0u) |
                         ((flags & MB_DT_PERIODIC) != 0u ? MB_VALUE_PERIODIC : 0u));
}

#define DT_F (MB_DT_HAS_DATE | MB_DT_HAS_TIME)
#define DT_I (MB_DT_HAS_DATE | MB_DT_HAS_TIME | MB_DT_HAS_SECOND)
#define DT_J (MB_DT_HAS_TIME | MB_DT_HAS_SECOND)

/*
 * Type G (VIF 0x6C, 2 bytes): byte 0 = year bits 2..0 | day, byte 1 = year bits 6..3 | month.
 * 1F 15: day 31, month 5, year 000 | 0001 << 3 = 8 -> 2008-05-31.
 */
static void date_type_g(void **state)
{
    (void)state;
    expect_date("02 6C 1F 15", 'G', 2008, 5, 31, 0, 0, 0, 0, MB_DT_HAS_DATE);
}

/*
 * Century rule (docs/design.md): years 0..80 are 2000..2080, 81..127 are 1981..2027.
 * Year 0 = 01 01; 80 = 0b1010000: 01 A1; 81 = 0b1010001: 21 A1; 99 = 0b1100011: 61 C1.
 */
static void date_type_g_century(void **state)
{
    (void)state;
    expect_date("02 6C 01 01", 'G', 2000, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE);
    expect_date("02 6C 01 A1", 'G', 2080, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE);
    expect_date("02 6C 21 A1", 'G', 1981, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE);
    expect_date("02 6C 61 C1", 'G', 1999, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE);
}

/* All ones (FF FF) is an invalid type G date (EN 13757-3:2018). */
static void date_type_g_invalid(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "02 6C FF FF", &rec);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_true((rec.value.datetime.flags & MB_DT_INVALID) != 0u);
    assert_true((rec.value.flags & MB_VALUE_INVALID) != 0u);
}

/* Wildcards: day 0 (every day), month 15 (every month), year 127 (FF F5: every year). */
static void date_type_g_periodic(void **state)
{
    (void)state;
    expect_date("02 6C 00 15", 'G', 2008, 5, 0, 0, 0, 0, 0, MB_DT_HAS_DATE | MB_DT_PERIODIC);
    expect_date("02 6C 1F 1F", 'G', 2008, 15, 31, 0, 0, 0, 0, MB_DT_HAS_DATE | MB_DT_PERIODIC);
    expect_date("02 6C FF F5", 'G', 2027, 5, 31, 0, 0, 0, 0,
                MB_DT_HAS_DATE | MB_DT_PERIODIC | MB_DT_EVERY_YEAR);
    /* Year code 27 (0011011) is the year 2027, not the wildcard: 7F 35. */
    expect_date("02 6C 7F 35", 'G', 2027, 5, 31, 0, 0, 0, 0, MB_DT_HAS_DATE);
}

/*
 * Type F (VIF 0x6D, 4 bytes): byte 0 = IV | minute, byte 1 = SU | hundred years (2 bits) | hour,
 * bytes 2..3 as type G. 32 17 1F 15: 50 min, 23 h, 2008-05-31.
 */
static void date_type_f(void **state)
{
    (void)state;
    expect_date("04 6D 32 17 1F 15", 'F', 2008, 5, 31, 23, 50, 0, 0, DT_F);
}

/*
 * Hundred-year bits: year = 1900 + 100 * hundreds + year, the 2000 + year rule only without them.
 * 32 37 1F 15 (the OMS Annex N.2.2 date): hundreds 1, year 8 -> 2008.
 * 00 20 21 A1: hundreds 1, year 81 -> 2081. 00 40 A1 01: hundreds 2, year 5 -> 2105.
 */
static void date_type_f_hundred_years(void **state)
{
    (void)state;
    expect_date("04 6D 32 37 1F 15", 'F', 2008, 5, 31, 23, 50, 0, 0, DT_F);
    expect_date("04 6D 00 20 21 A1", 'F', 2081, 1, 1, 0, 0, 0, 0, DT_F);
    expect_date("04 6D 00 40 A1 01", 'F', 2105, 1, 1, 0, 0, 0, 0, DT_F);
}

/* Without hundred-year bits: year 80 -> 2080, 81 -> 1981, 99 -> 1999, 0 -> 2000. */
static void date_type_f_century(void **state)
{
    (void)state;
    expect_date("04 6D 00 00 01 A1", 'F', 2080, 1, 1, 0, 0, 0, 0, DT_F);
    expect_date("04 6D 00 00 21 A1", 'F', 1981, 1, 1, 0, 0, 0, 0, DT_F);
    expect_date("04 6D 00 00 61 C1", 'F', 1999, 1, 1, 0, 0, 0, 0, DT_F);
    expect_date("04 6D 00 00 01 01", 'F', 2000, 1, 1, 0, 0, 0, 0, DT_F);
}

/* Summer time: byte 1 bit 7 (0x97 = SU | hour 23). */
static void date_type_f_summer_time(void **state)
{
    (void)state;
    expect_date("04 6D 32 97 1F 15", 'F', 2008, 5, 31, 23, 50, 0, 0, DT_F | MB_DT_SUMMER_TIME);
}

/* Invalid: byte 0 bit 7 (0xB2 = IV | minute 50); the fields are still decoded. */
static void date_type_f_invalid(void **state)
{
    (void)state;
    expect_date("04 6D B2 17 1F 15", 'F', 2008, 5, 31, 23, 50, 0, 0, DT_F | MB_DT_INVALID);
}

/* Wildcards: minute 63, hour 31, day 0, month 15, year 127 (FF F5). */
static void date_type_f_periodic(void **state)
{
    (void)state;
    expect_date("04 6D 3F 17 1F 15", 'F', 2008, 5, 31, 23, 63, 0, 0, DT_F | MB_DT_PERIODIC);
    expect_date("04 6D 32 1F 1F 15", 'F', 2008, 5, 31, 31, 50, 0, 0, DT_F | MB_DT_PERIODIC);
    expect_date("04 6D 32 17 00 15", 'F', 2008, 5, 0, 23, 50, 0, 0, DT_F | MB_DT_PERIODIC);
    expect_date("04 6D 32 17 1F 1F", 'F', 2008, 15, 31, 23, 50, 0, 0, DT_F | MB_DT_PERIODIC);
    expect_date("04 6D 32 17 FF F5", 'F', 2027, 5, 31, 23, 50, 0, 0,
                DT_F | MB_DT_PERIODIC | MB_DT_EVERY_YEAR);
}

/*
 * Type I (VIF 0x6D, 6 bytes): byte 0 = leap | SU | second, byte 1 = IV | DST sign | minute,
 * byte 2 = weekday (1 = Monday) | hour, bytes 3..4 as type G, byte 5 DST hours | week.
 * 2D 32 D7 1F 15 00: 45 s, 50 min, 0xD7 = 6 << 5 | 23 (Saturday 23 h), 2008-05-31 (a Saturday).
 */
static void date_type_i(void **state)
{
    (void)state;
    expect_date("06 6D 2D 32 D7 1F 15 00", 'I', 2008, 5, 31, 23, 50, 45, 6, DT_I);
}

/* Summer time is byte 0 bit 6 (0x6D); the leap-year bit 7 (0xAD) is not summer time. */
static void date_type_i_summer_and_leap(void **state)
{
    (void)state;
    expect_date("06 6D 6D 32 D7 1F 15 00", 'I', 2008, 5, 31, 23, 50, 45, 6,
                DT_I | MB_DT_SUMMER_TIME);
    expect_date("06 6D AD 32 D7 1F 15 00", 'I', 2008, 5, 31, 23, 50, 45, 6, DT_I);
}

/* Invalid is byte 1 bit 7 (0xB2); second 63 is the "every second" wildcard. */
static void date_type_i_invalid_and_periodic(void **state)
{
    (void)state;
    expect_date("06 6D 2D B2 D7 1F 15 00", 'I', 2008, 5, 31, 23, 50, 45, 6, DT_I | MB_DT_INVALID);
    expect_date("06 6D 3F 32 D7 1F 15 00", 'I', 2008, 5, 31, 23, 50, 63, 6, DT_I | MB_DT_PERIODIC);
}

/* Type I uses the type F/G century rule: year 81 -> 1981, year 80 -> 2080. */
static void date_type_i_century(void **state)
{
    (void)state;
    expect_date("06 6D 00 00 00 21 A1 00", 'I', 1981, 1, 1, 0, 0, 0, 0, DT_I);
    expect_date("06 6D 00 00 00 01 A1 00", 'I', 2080, 1, 1, 0, 0, 0, 0, DT_I);
}

/* Type J (VIF 0x6D, 3 bytes): second, minute, hour. 2D 32 17 = 23:50:45. */
static void date_type_j(void **state)
{
    (void)state;
    expect_date("03 6D 2D 32 17", 'J', 0, 0, 0, 23, 50, 45, 0, DT_J);
    expect_date("03 6D 2D 32 1F", 'J', 0, 0, 0, 31, 50, 45, 0, DT_J | MB_DT_PERIODIC);
}

/* Type M (VIF 0x6D with variable length): no public layout, kept as bytes. */
static void date_type_m_opaque(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "0D 6D 04 01 02 03 04", &rec);
    assert_int_equal(rec.quantity, MB_Q_DATE_TIME);
    assert_int_equal(rec.value.kind, MB_VALUE_BINARY);
    assert_true((rec.value.flags & MB_VALUE_OPAQUE) != 0u);
    assert_ptr_equal(rec.value.bytes, w.buf + 3);
    assert_int_equal(rec.value.len, 4);
}

/*
 * Regression (fixed): VIF 6D with a binary-range LVAR (E4) decoded as a number, not as opaque
 * type M. Type M is the LVAR coding of VIF 0x6D, whatever the LVAR's range: kept as opaque bytes.
 */
static void date_type_m_binary_lvar_opaque(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "0D 6D E4 01 02 03 04", &rec);
    assert_int_equal(rec.quantity, MB_Q_DATE_TIME);
    assert_int_equal(rec.value.kind, MB_VALUE_BINARY);
    assert_true((rec.value.flags & MB_VALUE_OPAQUE) != 0u);
    assert_int_equal(rec.value.len, 4);
}

/*
 * Regression (fixed): type L (FD 73, 10 bytes by LVAR) came out as text or binary without
 * MB_VALUE_OPAQUE. Type L (CP80 listening window management): kept as opaque bytes.
 */
static void date_type_l_opaque(void **state)
{
    (void)state;
    static const char *const cases[] = {"0D FD 73 0A 01 02 03 04 05 06 07 08 09 0A",
                                        "0D FD 73 EA 01 02 03 04 05 06 07 08 09 0A"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        mb_record_t rec;
        one_record(&w, cases[i], &rec);
        assert_int_equal(rec.quantity, MB_Q_LISTENING_WINDOW);
        assert_int_equal(rec.value.kind, MB_VALUE_BINARY);
        assert_true((rec.value.flags & MB_VALUE_OPAQUE) != 0u);
        assert_ptr_equal(rec.value.bytes, w.buf + 4);
        assert_int_equal(rec.value.len, 10);
    }
}

/* ---- no data, readout selection, special DIFs ------------------------------------------------ */

/* DIF data field 0: no data. */
static void no_data_record(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "00 13 01 13 05", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_VOLUME);
    assert_int_equal(rec.data_field, 0);
    assert_int_equal(rec.value.kind, MB_VALUE_NONE);
    assert_int_equal(rec.data_len, 0);
    assert_int_equal(rec.flags, 0);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    expect_end(&w);
}

/* DIF data field 8: selection for readout, no data; here "maximum" (function 01) volume. */
static void readout_selection_record(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "18 13 08 FB 00", MB_RECORDS_TO_METER);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_VOLUME);
    assert_int_equal(rec.function, MB_FN_MAXIMUM);
    assert_int_equal(rec.flags, MB_RECORD_READOUT);
    assert_int_equal(rec.value.kind, MB_VALUE_NONE);
    assert_int_equal(rec.data_len, 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.quantity, MB_Q_ENERGY);
    assert_int_equal(rec.flags, MB_RECORD_READOUT);
    expect_end(&w);
}

/* DIF function bits 5..4: instantaneous, maximum, minimum, value during error state. */
static void dif_function_field(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 11 13 05 21 13 05 31 13 05", 0);
    static const mb_function_t fns[] = {MB_FN_INSTANTANEOUS, MB_FN_MAXIMUM, MB_FN_MINIMUM,
                                        MB_FN_ERROR};
    for (size_t i = 0; i < 4; i++) {
        next_ok(&w, &rec);
        assert_int_equal(rec.function, fns[i]);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    }
    expect_end(&w);
}

/* Fillers 0x2F are skipped before, between and after records. */
static void filler_bytes_skipped(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "2F 2F 01 13 05 2F 01 13 06 2F 2F", 0);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    assert_ptr_equal(rec.dib, w.buf + 2);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 6, -3);
    assert_ptr_equal(rec.dib, w.buf + 6);
    expect_end(&w);
    assert_int_equal(mb_records_offset(&w.it), 11);
}

/* Only fillers, and no data at all: no record. */
static void fillers_only_and_empty(void **state)
{
    (void)state;
    walk_t w;
    walk_start(&w, "2F 2F 2F", 0);
    expect_end(&w);
    assert_null(w.it.manufacturer_data);
    walk_start(&w, "", 0);
    expect_end(&w);
    assert_int_equal(mb_records_offset(&w.it), 0);
}

/* DIF 0x0F: manufacturer-specific data to the end; the iteration ends there. */
static void manufacturer_data_0f(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 0F AA BB CC", 0);
    next_ok(&w, &rec);
    expect_end(&w);
    assert_ptr_equal(w.it.manufacturer_data, w.buf + 4);
    assert_int_equal(w.it.manufacturer_len, 3);
    assert_false(w.it.more_records_follow);
}

/* DIF 0x1F: the same, and more records follow in the next telegram. */
static void manufacturer_data_1f(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 2F 1F 01 02", 0);
    next_ok(&w, &rec);
    expect_end(&w);
    assert_ptr_equal(w.it.manufacturer_data, w.buf + 5);
    assert_int_equal(w.it.manufacturer_len, 2);
    assert_true(w.it.more_records_follow);
}

/* DIF 0x1F as the last byte: more records follow, no manufacturer data. */
static void manufacturer_data_empty(void **state)
{
    (void)state;
    walk_t w;
    walk_start(&w, "1F", 0);
    expect_end(&w);
    assert_int_equal(w.it.manufacturer_len, 0);
    assert_true(w.it.more_records_follow);
    walk_start(&w, "01 13 05", 0);
    mb_record_t rec;
    next_ok(&w, &rec);
    expect_end(&w);
    assert_null(w.it.manufacturer_data);
    assert_false(w.it.more_records_follow);
}

/* DIF 0x7F: a global readout request (to a meter), a record of its own. */
static void global_readout_request(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "7F 01 13 05", MB_RECORDS_TO_METER);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags, MB_RECORD_GLOBAL_READOUT);
    assert_ptr_equal(rec.dib, w.buf);
    assert_int_equal(rec.dib_len, 1);
    assert_int_equal(rec.value.kind, MB_VALUE_NONE);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    expect_end(&w);
}

/* Reserved special DIFs 0x3F..0x6F and 0x8F..0xFF stop the iteration where they stand. */
static void reserved_special_difs(void **state)
{
    (void)state;
    static const uint8_t difs[] = {0x3F, 0x4F, 0x5F, 0x6F, 0x8F, 0x9F, 0xAF, 0xCF, 0xEF, 0xFF};
    for (size_t i = 0; i < sizeof difs; i++) {
        walk_t w;
        mb_record_t rec;
        char hex[32];
        snprintf(hex, sizeof hex, "01 13 05 2F %02X 01 13 05", difs[i]);
        walk_start(&w, hex, 0);
        next_ok(&w, &rec);
        expect_error(&w, MB_ERR_REC_RESERVED_DIF, 4);
    }
}

/* ---- DIFEs: storage, tariff, subunit (EN 13757-3) ------------------------------------------- */

/* Decode one record and check storage, tariff and subunit. */
static void expect_dib(const char *hex, uint64_t storage, uint32_t tariff, uint16_t subunit,
                       uint8_t dib_len)
{
    walk_t w;
    mb_record_t rec;
    one_record(&w, hex, &rec);
    if (rec.storage != storage || rec.tariff != tariff || rec.subunit != subunit ||
        rec.dib_len != dib_len || rec.dib != w.buf) {
        fail_msg("%s: storage %llu tariff %lu subunit %u dib_len %u; want %llu %lu %u %u", hex,
                 (unsigned long long)rec.storage, (unsigned long)rec.tariff, rec.subunit,
                 rec.dib_len, (unsigned long long)storage, (unsigned long)tariff, subunit, dib_len);
    }
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
}

/* The DIF's bit 6 is storage bit 0. */
static void dib_storage_bit_in_dif(void **state)
{
    (void)state;
    expect_dib("41 13 05", 1, 0, 0, 1);
    expect_dib("01 13 05", 0, 0, 0, 1);
}

/* A DIFE's bits 3..0 are the next storage bits: 01 -> 2, C1 01 -> 3, 0F -> 30 (0xF << 1). */
static void dib_storage_in_dife(void **state)
{
    (void)state;
    expect_dib("81 01 13 05", 2, 0, 0, 2);
    expect_dib("C1 01 13 05", 3, 0, 0, 2);
    expect_dib("81 0F 13 05", 30, 0, 0, 2);
}

/* Bits 5..4 tariff, bit 6 subunit. */
static void dib_tariff_and_subunit(void **state)
{
    (void)state;
    expect_dib("81 10 13 05", 0, 1, 0, 2);
    expect_dib("81 30 13 05", 0, 3, 0, 2);
    expect_dib("81 40 13 05", 0, 0, 1, 2);
    expect_dib("81 7F 13 05", 30, 3, 1, 2);
}

/*
 * Two DIFEs accumulate: storage (0xF << 1) | (0xF << 5) = 30 + 480 = 510; tariff 2 | 2 << 2 = 10;
 * subunit 1 | 1 << 1 = 3.
 */
static void dib_two_difes_accumulate(void **state)
{
    (void)state;
    expect_dib("81 8F 0F 13 05", 510, 0, 0, 3);
    expect_dib("81 A0 20 13 05", 0, 10, 0, 3);
    expect_dib("81 C0 40 13 05", 0, 0, 3, 3);
}

/*
 * Ten DIFEs, every bit set: storage 1 + 10 x 4 bits = 41 bits = 2^41 - 1 = 2199023255551,
 * tariff 20 bits = 1048575, subunit 10 bits = 1023.
 */
static void dib_ten_difes_all_ones(void **state)
{
    (void)state;
    expect_dib("C1 FF FF FF FF FF FF FF FF FF 7F 13 05", INT64_C(2199023255551), 1048575, 1023, 11);
}

/* Storage bit 40 comes from the tenth DIFE: 0x8 << (1 + 4 * 9) = 2^40 = 1099511627776. */
static void dib_storage_bit_40(void **state)
{
    (void)state;
    expect_dib("81 80 80 80 80 80 80 80 80 80 08 13 05", INT64_C(1099511627776), 0, 0, 11);
}

/* An eleventh DIFE is an error. */
static void dib_eleven_difes(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 81 80 80 80 80 80 80 80 80 80 80 00 13 05", 0);
    next_ok(&w, &rec);
    expect_error(&w, MB_ERR_REC_TOO_MANY_DIFE, 3);
}

/* Ten VIFEs after a VIF are fine; an eleventh is an error. */
static void vib_ten_and_eleven_vifes(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 93 BE BE BE BE BE BE BE BE BE 3E 05", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    assert_int_equal(rec.vife_flags, MB_VIFE_BASE_CONDITIONS);
    assert_int_equal(rec.vib_len, 11);
    walk_start(&w, "01 93 BE BE BE BE BE BE BE BE BE BE 3E 05", 0);
    expect_error(&w, MB_ERR_REC_TOO_MANY_VIFE, 0);
}

/* After FB/FD the table code is the first VIFE: FD + 10 VIFEs is the most. */
static void vib_extension_counts_vifes(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 FD C8 BE BE BE BE BE BE BE BE 3E 05", &rec);
    assert_number(&rec, MB_Q_VOLTAGE, MB_UNIT_V, 5, -1);
    assert_int_equal(rec.vib_len, 11);
    walk_start(&w, "01 FD C8 BE BE BE BE BE BE BE BE BE 3E 05", 0);
    expect_error(&w, MB_ERR_REC_TOO_MANY_VIFE, 0);
}

/* Manufacturer VIFEs count too. */
static void vib_manufacturer_vifes_count(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "01 FF 80 80 80 80 80 80 80 80 80 00 05", &rec);
    assert_int_equal(rec.quantity, MB_Q_MANUFACTURER_SPECIFIC);
    assert_int_equal(rec.vib_len, 11);
    walk_start(&w, "01 FF 80 80 80 80 80 80 80 80 80 80 00 05", 0);
    expect_error(&w, MB_ERR_REC_TOO_MANY_VIFE, 0);
}

/* ---- truncation: every point where the data can end, with its error ---------------------------
 */

/* The data ends inside the DIFE chain: after a DIF with its E bit, or after a DIFE with it. */
static void truncated_in_dib(void **state)
{
    (void)state;
    walk_t w;
    walk_start(&w, "81", 0);
    expect_error(&w, MB_ERR_REC_DIF_TRUNCATED, 0);
    walk_start(&w, "81 81", 0);
    expect_error(&w, MB_ERR_REC_DIF_TRUNCATED, 0);
}

/* The data ends where a VIF or VIFE or the plain-text unit should be. */
static void truncated_in_vib(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "01",                /* no VIF */
        "81 00",             /* DIF and DIFE, no VIF */
        "01 93",             /* VIF with E bit, no VIFE */
        "01 93 FD",          /* VIFE with E bit, no next VIFE */
        "01 FB",             /* extension without its code */
        "01 FD",             /* extension without its code */
        "01 FD FD",          /* second level without its code */
        "01 FD C8 FC",       /* combinable extension without its code */
        "01 7C",             /* plain text without its length */
        "01 7C 03 41 42",    /* plain text cut short */
        "01 FC 74",          /* 0xFC: no length in either order */
        "01 FC 74 03 41 42", /* 0xFC: text cut short */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        walk_start(&w, cases[i], 0);
        expect_error(&w, MB_ERR_REC_VIF_TRUNCATED, 0);
    }
}

/* The data ends inside the value of each fixed-size data field. */
static void truncated_in_fixed_data(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "01 13",
        "02 13 01",
        "03 13 01 02",
        "04 13 01 02 03",
        "05 13 01 02 03",
        "06 13 01 02 03 04 05",
        "07 13 01 02 03 04 05 06 07",
        "09 13",
        "0A 13 01",
        "0B 13 01 02",
        "0C 13 01 02 03",
        "0E 13 01 02 03 04 05",
        "04 6D 32 17 1F",
        "02 6C 1F",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        walk_start(&w, cases[i], 0);
        expect_error(&w, MB_ERR_REC_DATA_TRUNCATED, 0);
    }
}

/* The data ends before the LVAR byte or inside variable-length data. */
static void truncated_in_variable_data(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0D 13",       "0D FD 11 05 41 42 43 44",          "0D 13 C3 01 02",
        "0D 13 D2 01", "0D 13 E9 01 02 03 04 05 06 07 08", "0D 13 F0 01"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        walk_start(&w, cases[i], 0);
        expect_error(&w, MB_ERR_REC_DATA_TRUNCATED, 0);
    }
}

/*
 * Records before the truncated one are delivered; the error's offset is where the unreadable
 * record starts (after any fillers), and it stays the same on every later call.
 */
static void truncated_after_good_records(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 02 13 34 12 2F 2F 04 13 01 02", 0);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    assert_int_equal(mb_records_offset(&w.it), 3);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 4660, -3);
    assert_int_equal(mb_records_offset(&w.it), 7);
    expect_error(&w, MB_ERR_REC_DATA_TRUNCATED, 9);
}

/* The offset moves record by record and stands at the end after the last one. */
static void offset_follows_records(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 0D FD 11 02 41 42 04 6D 32 17 1F 15", 0);
    assert_int_equal(mb_records_offset(&w.it), 0);
    next_ok(&w, &rec);
    assert_int_equal(mb_records_offset(&w.it), 3);
    next_ok(&w, &rec);
    assert_int_equal(mb_records_offset(&w.it), 9);
    next_ok(&w, &rec);
    assert_int_equal(mb_records_offset(&w.it), 15);
    expect_end(&w);
    assert_int_equal(mb_records_offset(&w.it), 15);
}

/* NULL arguments are refused. */
static void iterator_null_arguments(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05", 0);
    assert_int_equal(mb_records_next(NULL, &rec), MB_ERR_ARG);
    assert_int_equal(mb_records_next(&w.it, NULL), MB_ERR_ARG);
    assert_int_equal(mb_records_offset(NULL), 0);
    next_ok(&w, &rec); /* the iterator was not disturbed */
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
}

/* ---- the OMS Vol.2 Annex N.2.2 example ------------------------------------------------------- */

/* The application data after the long header of the OMS Vol.2 Annex N.2.2 RSP_UD. */
#define OMS_N22_RECORDS "0C 14 27 04 85 02 04 6D 32 37 1F 15 02 FD 17 00 00"

/* Check the three records of OMS Annex N.2.2 from an iterator over them. */
static void check_oms_n22(mb_records_t *it)
{
    mb_record_t rec;
    /* 0C 14 27048502: 8-digit BCD 02850427, VIF 0x14 = 10^-2 m3 -> 28504.27 m3 */
    assert_int_equal(mb_records_next(it, &rec), 1);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 2850427, -2);
    assert_int_equal(rec.data_field, 0x0C);
    assert_int_equal(rec.function, MB_FN_INSTANTANEOUS);
    assert_int_equal(rec.storage, 0);
    assert_int_equal(rec.tariff, 0);
    assert_int_equal(rec.subunit, 0);
    assert_int_equal(rec.dib_len, 1);
    assert_int_equal(rec.vib_len, 1);
    assert_int_equal(rec.data_len, 4);
    /* 04 6D 32371F15: type F 2008-05-31 23:50 */
    assert_int_equal(mb_records_next(it, &rec), 1);
    assert_int_equal(rec.quantity, MB_Q_DATE_TIME);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_int_equal(rec.value.datetime.type, 'F');
    assert_int_equal(rec.value.datetime.year, 2008);
    assert_int_equal(rec.value.datetime.month, 5);
    assert_int_equal(rec.value.datetime.day, 31);
    assert_int_equal(rec.value.datetime.hour, 23);
    assert_int_equal(rec.value.datetime.minute, 50);
    assert_int_equal(rec.value.datetime.flags, DT_F);
    /* 02 FD 17 0000: error flags (type D), all clear */
    assert_int_equal(mb_records_next(it, &rec), 1);
    assert_number(&rec, MB_Q_ERROR_FLAGS, MB_UNIT_NONE, 0, 0);
    assert_int_equal(rec.vib_len, 2);
    assert_int_equal(mb_records_next(it, &rec), 0);
}

/* The records alone. */
static void oms_n22_records(void **state)
{
    (void)state;
    walk_t w;
    walk_start(&w, OMS_N22_RECORDS, 0);
    check_oms_n22(&w.it);
    assert_int_equal(mb_records_offset(&w.it), 17);
}

/* The whole wired frame, through the link and transport layers to the records. */
static void oms_n22_from_frame(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t len =
        hx("68 20 20 68 08 FD 72 78 56 34 12 93 15 33 03 2A 00 00 00 " OMS_N22_RECORDS " 89 16",
           buf, sizeof buf);
    mb_frame_t frame;
    assert_int_equal(mb_frame_decode(buf, len, &frame), MB_OK);
    mb_tpl_t tpl;
    assert_int_equal(mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl), MB_OK);
    assert_int_equal(tpl.apl_len, 17);
    mb_records_t it;
    mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
    check_oms_n22(&it);
}

/* ---- encoder: byte-exact output ------------------------------------------------------------ */

#define GUARD 0xA5u

/* A record to encode: the VIB as given, a data field, everything else zero. */
static mb_record_t enc_rec(const uint8_t *vib, size_t vib_len, uint8_t data_field)
{
    mb_record_t rec;
    memset(&rec, 0, sizeof rec);
    rec.vib = vib;
    rec.vib_len = (uint16_t)vib_len;
    rec.data_field = data_field;
    return rec;
}

static mb_value_t number(int64_t mantissa, int exponent)
{
    mb_value_t v;
    memset(&v, 0, sizeof v);
    v.kind = MB_VALUE_NUMBER;
    v.mantissa = mantissa;
    v.exponent = (int8_t)exponent;
    return v;
}

static mb_value_t date(uint16_t year, uint8_t month, uint8_t day, uint8_t hour, uint8_t minute,
                       uint8_t second, uint8_t weekday, uint8_t flags)
{
    mb_value_t v;
    memset(&v, 0, sizeof v);
    v.kind = MB_VALUE_DATE;
    v.datetime.year = year;
    v.datetime.month = month;
    v.datetime.day = day;
    v.datetime.hour = hour;
    v.datetime.minute = minute;
    v.datetime.second = second;
    v.datetime.weekday = weekday;
    v.datetime.flags = flags;
    return v;
}

/*
 * @p rec must encode to exactly @p hex. Every smaller capacity must give MB_ERR_NOSPACE and leave
 * every byte from the capacity on untouched (a guard byte pattern).
 */
static void expect_encoded(const mb_record_t *rec, const char *hex)
{
    uint8_t want[BUF_CAP];
    size_t n = hx(hex, want, sizeof want);
    uint8_t out[BUF_CAP];
    memset(out, GUARD, sizeof out);
    int r = mb_record_encode(rec, out, sizeof out);
    if (r != (int)n || memcmp(out, want, n) != 0) {
        char got[3 * 80 + 1] = "";
        for (int i = 0; i < r && i < 80; i++) {
            snprintf(got + 3 * i, 4, "%02X ", out[i]);
        }
        fail_msg("encode: got %d (%s) [%s], want %u [%s]", r, r < 0 ? mb_error_name(r) : "ok", got,
                 (unsigned)n, hex);
    }
    assert_int_equal(out[n], GUARD);
    for (size_t cap = 0; cap < n; cap++) {
        memset(out, GUARD, sizeof out);
        assert_int_equal(mb_record_encode(rec, out, cap), MB_ERR_NOSPACE);
        for (size_t i = cap; i < n + 1u; i++) {
            if (out[i] != GUARD) {
                fail_msg("cap %u: byte %u written (%s)", (unsigned)cap, (unsigned)i, hex);
            }
        }
    }
}

/* @p rec must be refused with @p err. */
static void expect_encode_error(const mb_record_t *rec, int err)
{
    uint8_t out[BUF_CAP];
    int r = mb_record_encode(rec, out, sizeof out);
    if (r != err) {
        fail_msg("encode: got %d (%s), want %d (%s)", r, r < 0 ? mb_error_name(r) : "a length", err,
                 mb_error_name(err));
    }
}

static const uint8_t VIB_13[] = {0x13};         /* volume 10^-3 m3 */
static const uint8_t VIB_14[] = {0x14};         /* volume 10^-2 m3 */
static const uint8_t VIB_6C[] = {0x6C};         /* date, type G */
static const uint8_t VIB_6D[] = {0x6D};         /* date and time, types F, I, J */
static const uint8_t VIB_FD17[] = {0xFD, 0x17}; /* error flags, unsigned */

/* Integers of every width, VIF 0x13: the value is a whole number of 10^-3 m3. */
static void encode_integers(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x1);
    rec.value = number(5, -3);
    expect_encoded(&rec, "01 13 05");
    rec = enc_rec(VIB_13, 1, 0x2);
    rec.value = number(4660, -3); /* 0x1234 */
    expect_encoded(&rec, "02 13 34 12");
    rec = enc_rec(VIB_13, 1, 0x3);
    rec.value = number(-1, -3);
    expect_encoded(&rec, "03 13 FF FF FF");
    rec = enc_rec(VIB_14, 1, 0x4);
    rec.value = number(12345678, -2); /* 0x00BC614E */
    expect_encoded(&rec, "04 14 4E 61 BC 00");
    rec = enc_rec(VIB_13, 1, 0x6);
    rec.value = number(INT64_C(-140737488355328), -3); /* -2^47 */
    expect_encoded(&rec, "06 13 00 00 00 00 00 80");
    rec = enc_rec(VIB_13, 1, 0x7);
    rec.value = number(INT64_MIN, -3);
    expect_encoded(&rec, "07 13 00 00 00 00 00 00 00 80");
    rec.value = number(INT64_MAX, -3);
    expect_encoded(&rec, "07 13 FF FF FF FF FF FF FF 7F");
}

/* The value may come at another exponent when it is exact at the VIF's: 4.66 m3 = 4660 l. */
static void encode_rescales_exponent(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x2);
    rec.value = number(466, -2);
    expect_encoded(&rec, "02 13 34 12");
    rec.value = number(46600, -4);
    expect_encoded(&rec, "02 13 34 12");
    rec.value = number(5, 0); /* 5 m3 = 5000 x 10^-3 m3 = 0x1388 */
    expect_encoded(&rec, "02 13 88 13");
}

/*
 * Regression (fuzzing): any decimal representation of the value encodes alike, also where the
 * decoder converted units or applied 2^-12. VIF 0x71 is an averaging duration in minutes: 5 min =
 * 300 s, whether given as 300, 30 x 10^1 or 3000 x 10^-1 s.
 */
static void encode_rescaled_units(void **state)
{
    (void)state;
    static const uint8_t vib_minutes[] = {0x71};
    mb_record_t rec = enc_rec(vib_minutes, 1, 0x2);
    static const struct {
        int64_t mantissa;
        int exponent;
    } seconds300[] = {{300, 0}, {30, 1}, {3000, -1}, {INT64_C(300000000000000000), -15}};
    for (size_t i = 0; i < 4u; i++) {
        rec.unit = MB_UNIT_S;
        rec.value = number(seconds300[i].mantissa, seconds300[i].exponent);
        expect_encoded(&rec, "02 71 05 00");
    }
    rec.unit = MB_UNIT_S;
    rec.value = number(301, 0);
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);

    /* FB 68: a heat cost allocator factor, raw x 2^-12. 1 = 4096 / 4096; 0.5 = 2048 / 4096. */
    static const uint8_t vib_hca[] = {0xFB, 0x68};
    rec = enc_rec(vib_hca, 2, 0x4);
    rec.value = number(1, 0);
    expect_encoded(&rec, "04 FB 68 00 10 00 00");
    rec.value = number(5, -1);
    expect_encoded(&rec, "04 FB 68 00 08 00 00");
    rec.value = number(INT64_C(1000000000000), -12);
    expect_encoded(&rec, "04 FB 68 00 10 00 00");
    rec.value = number(1, -4); /* 0.0001 x 4096 = 0.4096: no whole raw value */
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);
}

/*
 * Regression (fuzzing): the encoder subtracts the offset at the finer of the value's and the
 * offset's exponents, not at the VIF's. 0x10 is 10^-6 m3, four 0x70 make it 10^-30 m3, 0x78 adds
 * 10^-3 m3: raw 0 decodes as 1 x 10^-3 m3, which once needed 10^27 to encode. The last VIFE is
 * record error 0.
 */
static void encode_offset_far_from_exponent(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "04 90 F0 F0 F8 F0 F0 00 00 00 00 00", &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 1, -3);
    expect_encoded(&rec, "04 90 F0 F0 F8 F0 F0 00 00 00 00 00");
    rec.value.mantissa = 1000; /* the same value as 1000 x 10^-6 m3 */
    rec.value.exponent = -6;
    expect_encoded(&rec, "04 90 F0 F0 F8 F0 F0 00 00 00 00 00");
}

/*
 * Regression (fuzzing): limit counts and durations are plain numbers whatever the VIF's exponent.
 * 13 49: number of exceeds of a volume limit, 3 (also as 30 x 10^-1). 13 56: duration of an
 * exceed in hours, 2 h = 7200 s. 13 D5 49: a duration VIFE then a count VIFE is a count: 5.
 */
static void encode_limit_counts_and_durations(void **state)
{
    (void)state;
    static const uint8_t vib_count[] = {0x93, 0x49};
    static const uint8_t vib_hours[] = {0x93, 0x56};
    static const uint8_t vib_both[] = {0x93, 0xD5, 0x49};
    mb_record_t rec = enc_rec(vib_count, 2, 0x2);
    rec.value = number(30, -1);
    expect_encoded(&rec, "02 93 49 03 00");
    rec = enc_rec(vib_hours, 2, 0x2);
    rec.unit = MB_UNIT_S;
    rec.value = number(72, 2);
    expect_encoded(&rec, "02 93 56 02 00");
    rec = enc_rec(vib_both, 3, 0x2);
    rec.value = number(5, 0);
    expect_encoded(&rec, "02 93 D5 49 05 00");

    walk_t w;
    mb_record_t back;
    one_record(&w, "02 93 D5 49 05 00", &back);
    assert_number(&back, MB_Q_VOLUME, MB_UNIT_NONE, 5, 0);
    expect_encoded(&back, "02 93 D5 49 05 00");
}

/* Unsigned quantities take the full range: 0xFFFF = 65535 in error flags. */
static void encode_unsigned(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_FD17, 2, 0x2);
    rec.value = number(65535, 0);
    expect_encoded(&rec, "02 FD 17 FF FF");
    rec = enc_rec(VIB_FD17, 2, 0x1);
    rec.value = number(255, 0);
    expect_encoded(&rec, "01 FD 17 FF");
}

#if MB_ENABLE_REAL32
/* A real with the VIF's exponent: 1.5 = 0x3FC00000, sent little endian. */
static void encode_real(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x5);
    memset(&rec.value, 0, sizeof rec.value);
    rec.value.kind = MB_VALUE_REAL;
    rec.value.real = 1.5f;
    rec.value.exponent = -3;
    expect_encoded(&rec, "05 13 00 00 C0 3F");
    rec.value.real = -2.25f; /* 0xC0100000 */
    expect_encoded(&rec, "05 13 00 00 10 C0");
}
#endif

/* BCD of 2, 4, 6, 8 and 12 digits; negative with the top nibble F. */
static void encode_bcd(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x9);
    rec.value = number(99, -3);
    expect_encoded(&rec, "09 13 99");
    rec = enc_rec(VIB_13, 1, 0xA);
    rec.value = number(-234, -3);
    expect_encoded(&rec, "0A 13 34 F2");
    rec.value = number(-999, -3);
    expect_encoded(&rec, "0A 13 99 F9");
    rec = enc_rec(VIB_13, 1, 0xB);
    rec.value = number(123456, -3);
    expect_encoded(&rec, "0B 13 56 34 12");
    rec = enc_rec(VIB_14, 1, 0xC);
    rec.value = number(2850427, -2); /* OMS Annex N.2.2: 28504.27 m3 */
    expect_encoded(&rec, "0C 14 27 04 85 02");
    rec = enc_rec(VIB_13, 1, 0xE);
    rec.value = number(INT64_C(123456789012), -3);
    expect_encoded(&rec, "0E 13 12 90 78 56 34 12");
}

/* Type G 2008-05-31: (8 & 7) << 5 | 31 = 1F, (8 >> 3) << 4 | 5 = 15; all ones when invalid. */
static void encode_date_g(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6C, 1, 0x2);
    rec.value = date(2008, 5, 31, 0, 0, 0, 0, MB_DT_HAS_DATE);
    expect_encoded(&rec, "02 6C 1F 15");
    rec.value = date(1981, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE); /* year 81: 21 A1 */
    expect_encoded(&rec, "02 6C 21 A1");
    rec.value.datetime.flags = MB_DT_HAS_DATE | MB_DT_INVALID;
    expect_encoded(&rec, "02 6C FF FF");
}

/*
 * Type F 2008-05-31 23:50, written with the 2000 + year rule (no hundred-year bits): 32 17 1F 15;
 * summer time sets byte 1 bit 7 (97), invalid byte 0 bit 7 (B2); 2105 needs hundred-year bits
 * 2 and year 5: 00 40 A1 01.
 */
static void encode_date_f(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6D, 1, 0x4);
    rec.value = date(2008, 5, 31, 23, 50, 0, 0, DT_F);
    expect_encoded(&rec, "04 6D 32 17 1F 15");
    rec.value.datetime.flags = DT_F | MB_DT_SUMMER_TIME;
    expect_encoded(&rec, "04 6D 32 97 1F 15");
    rec.value.datetime.flags = DT_F | MB_DT_INVALID;
    expect_encoded(&rec, "04 6D B2 17 1F 15");
    rec.value = date(2105, 1, 1, 0, 0, 0, 0, DT_F);
    expect_encoded(&rec, "04 6D 00 40 A1 01");
    rec.value = date(1999, 1, 1, 0, 0, 0, 0, DT_F); /* year 99: 61 C1 */
    expect_encoded(&rec, "04 6D 00 00 61 C1");
    /*
     * Regression (fuzzing): years after 2199 need hundred-year bits 3. 2201 = 1900 + 300 + 1:
     * byte 1 = 3 << 5 = 60, year 1 = 21 01. 2326 = 1900 + 300 + 126 (1111110): C1 F1. 2327 would
     * be code 127, the wildcard: no year code.
     */
    rec.value = date(2201, 1, 1, 0, 0, 0, 0, DT_F);
    expect_encoded(&rec, "04 6D 00 60 21 01");
    rec.value = date(2326, 1, 1, 0, 0, 0, 0, DT_F);
    expect_encoded(&rec, "04 6D 00 60 C1 F1");
    rec.value = date(2327, 1, 1, 0, 0, 0, 0, DT_F);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
}

/*
 * Regression (fuzzing): year code 127 is "every year" (MB_DT_EVERY_YEAR) and must go back as 127,
 * not as the year 2027 it reads as. Type G 1 January of every year: E1 F1 (year bits 111 | day 1,
 * 1111 | month 1). Type F with hundred-year bit 1 reads as 2127: 00 20 E1 F1. A real 2027 is code
 * 27: 61 31.
 */
static void encode_date_every_year(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6C, 1, 0x2);
    rec.value = date(2027, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE | MB_DT_PERIODIC | MB_DT_EVERY_YEAR);
    expect_encoded(&rec, "02 6C E1 F1");
    rec.value.datetime.flags = MB_DT_HAS_DATE;
    expect_encoded(&rec, "02 6C 61 31");
    rec.value = date(2127, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE | MB_DT_PERIODIC | MB_DT_EVERY_YEAR);
    expect_encode_error(&rec, MB_ERR_REC_RANGE); /* type G has no hundred-year bits */
    rec = enc_rec(VIB_6D, 1, 0x4);
    rec.value = date(2127, 1, 1, 0, 0, 0, 0, DT_F | MB_DT_PERIODIC | MB_DT_EVERY_YEAR);
    expect_encoded(&rec, "04 6D 00 20 E1 F1");

    walk_t w;
    mb_record_t back;
    one_record(&w, "04 6D 00 20 E1 F1", &back);
    assert_int_equal(back.value.datetime.year, 2127);
    assert_int_equal(back.value.datetime.flags, DT_F | MB_DT_PERIODIC | MB_DT_EVERY_YEAR);
    expect_encoded(&back, "04 6D 00 20 E1 F1");
}

/* Type I 2008-05-31 23:50:45 Saturday: 2D 32 D7 1F 15 00; summer time is byte 0 bit 6. */
static void encode_date_i(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6D, 1, 0x6);
    rec.value = date(2008, 5, 31, 23, 50, 45, 6, DT_I);
    expect_encoded(&rec, "06 6D 2D 32 D7 1F 15 00");
    rec.value.datetime.flags = DT_I | MB_DT_SUMMER_TIME | MB_DT_INVALID;
    expect_encoded(&rec, "06 6D 6D B2 D7 1F 15 00");
}

/* Type J 23:50:45: 2D 32 17. */
static void encode_time_j(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6D, 1, 0x3);
    rec.value = date(0, 0, 0, 23, 50, 45, 0, DT_J);
    expect_encoded(&rec, "03 6D 2D 32 17");
}

/*
 * Regression (fuzzing): a plain-text unit may hold 255 characters, so the VIB (VIF 7C, length
 * byte, text) is 257 bytes long. vib_len once wrapped at 256; the record must decode with the
 * whole VIB and its data (0x1234 = 4660) and encode back to the same bytes.
 */
static void text_unit_longest(void **state)
{
    (void)state;
    for (unsigned chars = 254; chars <= 255u; chars++) {
        char hex[3 * 262 + 1];
        size_t n = 0;
        n += (size_t)snprintf(hex + n, sizeof hex - n, "02 7C %02X", chars);
        for (unsigned i = 0; i < chars; i++) {
            n += (size_t)snprintf(hex + n, sizeof hex - n, " 41");
        }
        snprintf(hex + n, sizeof hex - n, " 34 12");
        walk_t w;
        mb_record_t rec;
        one_record(&w, hex, &rec);
        assert_int_equal(rec.vib_len, 2u + chars);
        assert_int_equal(rec.text_unit_len, chars);
        assert_ptr_equal(rec.text_unit, w.buf + 3);
        assert_ptr_equal(rec.data, w.buf + 3 + chars);
        assert_number(&rec, MB_Q_PLAIN_TEXT, MB_UNIT_NONE, 4660, 0);
        expect_encoded(&rec, hex);
    }
}

/* Text goes out as given (last character first), with its LVAR. */
static void encode_text(void **state)
{
    (void)state;
    static const uint8_t vib[] = {0xFD, 0x11};
    mb_record_t rec = enc_rec(vib, sizeof vib, 0xD);
    rec.lvar = 5;
    rec.value.kind = MB_VALUE_TEXT;
    rec.value.bytes = (const uint8_t *)"olleH";
    rec.value.len = 5;
    expect_encoded(&rec, "0D FD 11 05 6F 6C 6C 65 48");
}

/* LVAR C2 / D2: 2 bytes of positive / negative BCD; E2: a 2-byte binary number. */
static void encode_lvar_numbers(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0xD);
    rec.lvar = 0xC2;
    rec.value = number(1234, -3);
    expect_encoded(&rec, "0D 13 C2 34 12");
    rec.lvar = 0xD2;
    rec.value = number(-1234, -3);
    expect_encoded(&rec, "0D 13 D2 34 12");
    rec.lvar = 0xE2;
    rec.value = number(4660, -3);
    expect_encoded(&rec, "0D 13 E2 34 12");
    /* Negative BCD of 9 bytes holds 18 digits; INT64_MIN (19 digits) once overflowed a negation. */
    rec.lvar = 0xD9;
    rec.value = number(INT64_C(-999999999999999999), -3);
    expect_encoded(&rec, "0D 13 D9 99 99 99 99 99 99 99 99 99");
    rec.value = number(INT64_MIN, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
}

/* Long binary data (LVAR F0, 16 bytes) goes out as the bytes given. */
static void encode_lvar_binary(void **state)
{
    (void)state;
    static const uint8_t bytes[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    mb_record_t rec = enc_rec(VIB_13, 1, 0xD);
    rec.lvar = 0xF0;
    rec.value.kind = MB_VALUE_BINARY;
    rec.value.bytes = bytes;
    rec.value.len = sizeof bytes;
    expect_encoded(&rec, "0D 13 F0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10");
}

/* Records without data: data field 0, a readout selection (8), and the global readout (7F). */
static void encode_without_data(void **state)
{
    (void)state;
    static const uint8_t any[] = {0x7E};
    mb_record_t rec = enc_rec(VIB_13, 1, 0x0);
    rec.value.kind = MB_VALUE_NONE;
    expect_encoded(&rec, "00 13");
    rec = enc_rec(any, 1, 0x8);
    expect_encoded(&rec, "08 7E");
    memset(&rec, 0, sizeof rec);
    rec.flags = MB_RECORD_GLOBAL_READOUT;
    expect_encoded(&rec, "7F");
}

/* Opaque and hex-digit values go back as the bytes they were kept as. */
static void encode_kept_bytes(void **state)
{
    (void)state;
    static const uint8_t id[] = {0x3E, 0x02, 0x00, 0x05};
    static const uint8_t vib_78[] = {0x78};
    mb_record_t rec = enc_rec(vib_78, 1, 0xC);
    rec.value.kind = MB_VALUE_NUMBER;
    rec.value.flags = MB_VALUE_INVALID | MB_VALUE_BCD_HEX;
    rec.value.bytes = id;
    rec.value.len = sizeof id;
    expect_encoded(&rec, "0C 78 3E 02 00 05");
}

/*
 * DIFEs as storage, tariff and subunit need them: storage 1 is the DIF's bit 6; storage 2, tariff
 * 1 and subunit 1 need one DIFE; storage 510 two; the largest of each ten.
 */
static void encode_difes(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x1);
    rec.value = number(5, -3);
    rec.storage = 1;
    expect_encoded(&rec, "41 13 05");
    rec.storage = 2;
    expect_encoded(&rec, "81 01 13 05");
    rec.storage = 0;
    rec.tariff = 1;
    expect_encoded(&rec, "81 10 13 05");
    rec.tariff = 0;
    rec.subunit = 1;
    expect_encoded(&rec, "81 40 13 05");
    rec.subunit = 0;
    rec.storage = 510;
    expect_encoded(&rec, "81 8F 0F 13 05");
    rec.storage = INT64_C(1099511627776); /* 2^40: storage bits of the tenth DIFE */
    expect_encoded(&rec, "81 80 80 80 80 80 80 80 80 80 08 13 05");
    rec.storage = INT64_C(2199023255551);
    rec.tariff = 1048575;
    rec.subunit = 1023;
    expect_encoded(&rec, "C1 FF FF FF FF FF FF FF FF FF 7F 13 05");
}

/* The function goes into DIF bits 5..4. */
static void encode_function(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x1);
    rec.value = number(5, -3);
    rec.function = MB_FN_MAXIMUM;
    expect_encoded(&rec, "11 13 05");
    rec.function = MB_FN_MINIMUM;
    expect_encoded(&rec, "21 13 05");
    rec.function = MB_FN_ERROR;
    expect_encoded(&rec, "31 13 05");
}

/* Durations back to the VIF's unit: 7200 s in hours (VIF 0x22) = 2; m3/h back to m3/min, m3/s. */
static void encode_converted_units(void **state)
{
    (void)state;
    static const uint8_t hours[] = {0x22}, per_min[] = {0x40}, per_s[] = {0x48};
    mb_record_t rec = enc_rec(hours, 1, 0x1);
    rec.value = number(7200, 0);
    rec.unit = MB_UNIT_S;
    expect_encoded(&rec, "01 22 02");
    rec = enc_rec(per_min, 1, 0x1); /* 60 x 10^-7 m3/h = 1 x 10^-7 m3/min */
    rec.value = number(60, -7);
    rec.unit = MB_UNIT_M3_PER_H;
    expect_encoded(&rec, "01 40 01");
    rec = enc_rec(per_s, 1, 0x1); /* 3600 x 10^-9 m3/h = 1 x 10^-9 m3/s */
    rec.value = number(3600, -9);
    rec.unit = MB_UNIT_M3_PER_H;
    expect_encoded(&rec, "01 48 01");
}

/* A duration that kept its unit (overflow) is written as it is: INT64_MAX hours. */
static void encode_kept_duration_unit(void **state)
{
    (void)state;
    static const uint8_t hours[] = {0x22};
    mb_record_t rec = enc_rec(hours, 1, 0x7);
    rec.value = number(INT64_MAX, 0);
    rec.unit = MB_UNIT_HOUR;
    expect_encoded(&rec, "07 22 FF FF FF FF FF FF FF 7F");
}

/* HCA factor: 1 = 10^12 x 10^-12 = 4096 x 2^-12 = 0x1000. */
static void encode_hca_factor(void **state)
{
    (void)state;
    static const uint8_t vib[] = {0xFB, 0x68};
    mb_record_t rec = enc_rec(vib, sizeof vib, 0x2);
    rec.value = number(INT64_C(1000000000000), -12);
    expect_encoded(&rec, "02 FB 68 00 10");
    rec.value = number(244140625, -12);
    expect_encoded(&rec, "02 FB 68 01 00");
}

/* Combinable VIFEs undone: x10^-6 (0x70), x1000 (0x7D), +1 degC (0x7B), limit minutes (0x51). */
static void encode_combinable_vifes(void **state)
{
    (void)state;
    static const uint8_t micro[] = {0x93, 0x70}, kilo[] = {0x93, 0x7D}, offset[] = {0xDB, 0x7B},
                         minutes[] = {0x93, 0x51}, count[] = {0x93, 0x41};
    mb_record_t rec = enc_rec(micro, 2, 0x1);
    rec.value = number(5, -9);
    expect_encoded(&rec, "01 93 70 05");
    rec = enc_rec(kilo, 2, 0x1);
    rec.value = number(5, 0);
    expect_encoded(&rec, "01 93 7D 05");
    rec = enc_rec(offset, 2, 0x1);
    rec.value = number(21, 0); /* 20 + 1 degC */
    expect_encoded(&rec, "01 DB 7B 14");
    rec = enc_rec(minutes, 2, 0x2);
    rec.value = number(300, 0); /* 300 s = 5 min */
    rec.unit = MB_UNIT_S;
    expect_encoded(&rec, "02 93 51 05 00");
    rec = enc_rec(count, 2, 0x2);
    rec.value = number(5, 0);
    expect_encoded(&rec, "02 93 41 05 00");
}

/* Extension tables and the plain-text VIB go out as given: FB 00 (10^5 Wh), FD C8 FC 01. */
static void encode_extension_vibs(void **state)
{
    (void)state;
    static const uint8_t mwh[] = {0xFB, 0x00}, volt[] = {0xFD, 0xC8, 0xFC, 0x01},
                         text[] = {0x7C, 0x03, 0x68, 0x57, 0x6B},
                         older[] = {0xFC, 0x03, 0x68, 0x57, 0x6B, 0x74};
    mb_record_t rec = enc_rec(mwh, sizeof mwh, 0x2);
    rec.value = number(4660, 5);
    expect_encoded(&rec, "02 FB 00 34 12");
    rec = enc_rec(volt, sizeof volt, 0x2);
    rec.value = number(2278, -1);
    expect_encoded(&rec, "02 FD C8 FC 01 E6 08");
    rec = enc_rec(text, sizeof text, 0x2);
    rec.value = number(4660, 0);
    expect_encoded(&rec, "02 7C 03 68 57 6B 34 12");
    rec = enc_rec(older, sizeof older, 0x2); /* older order: text, then VIFE 74 (10^-2) */
    rec.value = number(4660, -2);
    expect_encoded(&rec, "02 FC 03 68 57 6B 74 34 12");
}

/* ---- encoder: refusals -------------------------------------------------------------------- */

/* Values that are not whole multiples of the VIF's resolution are refused, not rounded. */
static void encode_inexact(void **state)
{
    (void)state;
    static const uint8_t hours[] = {0x22}, hca[] = {0xFB, 0x68}, offset[] = {0xDB, 0x7B},
                         minutes[] = {0x93, 0x51};
    mb_record_t rec = enc_rec(VIB_13, 1, 0x2);
    rec.value = number(1, -4); /* 0.0001 m3 in 0.001 m3 */
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);
    rec = enc_rec(hours, 1, 0x2);
    rec.value = number(7201, 0); /* 7201 s is not a whole number of hours */
    rec.unit = MB_UNIT_S;
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);
    rec = enc_rec(hca, sizeof hca, 0x2);
    rec.value = number(244140624, -12); /* not a multiple of 2^-12 */
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);
    rec = enc_rec(offset, sizeof offset, 0x1);
    rec.value = number(20001, -3); /* 20.001 - 1 = 19.001 degC is not whole */
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);
    rec = enc_rec(minutes, sizeof minutes, 0x2);
    rec.value = number(301, 0); /* 301 s is not whole minutes */
    rec.unit = MB_UNIT_S;
    expect_encode_error(&rec, MB_ERR_REC_INEXACT);
}

/* Values outside the data field's range are refused. */
static void encode_range_integers(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x1);
    rec.value = number(128, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec.value = number(-129, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec = enc_rec(VIB_13, 1, 0x6);
    rec.value = number(INT64_C(140737488355328), -3); /* 2^47 */
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec = enc_rec(VIB_13, 1, 0x7);
    rec.value = number(INT64_C(10000000000000000), 0); /* 10^16 m3 = 10^19 x 10^-3: overflow */
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
}

/* Unsigned quantities refuse negatives and values of 2^(8n). */
static void encode_range_unsigned(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_FD17, 2, 0x1);
    rec.value = number(256, 0);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec.value = number(-1, 0);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
}

/* BCD: too many digits; a negative value whose top digit is needed for the sign nibble F. */
static void encode_range_bcd(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x9);
    rec.value = number(100, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec = enc_rec(VIB_13, 1, 0xA);
    rec.value = number(-1234, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec = enc_rec(VIB_13, 1, 0xD);
    rec.lvar = 0xD2; /* negative BCD LVAR with a positive value */
    rec.value = number(1234, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec.lvar = 0xC2; /* positive BCD LVAR with a negative value */
    rec.value = number(-1234, -3);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
}

/* Years without a code: type G and I have no hundred-year bits (2081), type F none for 1980. */
static void encode_range_dates(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6C, 1, 0x2);
    rec.value = date(2081, 1, 1, 0, 0, 0, 0, MB_DT_HAS_DATE);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec = enc_rec(VIB_6D, 1, 0x6);
    rec.value = date(2081, 1, 1, 0, 0, 0, 0, DT_I);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec = enc_rec(VIB_6D, 1, 0x4);
    rec.value = date(1980, 1, 1, 0, 0, 0, 0, DT_F);
    expect_encode_error(&rec, MB_ERR_REC_RANGE);
    rec.value = date(2081, 1, 1, 0, 0, 0, 0, DT_F); /* with hundred-year bits it exists */
    expect_encoded(&rec, "04 6D 00 20 21 A1");
}

/* Kinds that do not suit the data field or the VIF. */
static void encode_wrong_kind(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6D, 1, 0x1); /* a date in one byte */
    rec.value = date(2008, 5, 31, 0, 0, 0, 0, MB_DT_HAS_DATE);
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec = enc_rec(VIB_13, 1, 0x4); /* a date for a volume */
    rec.value = date(2008, 5, 31, 23, 50, 0, 0, DT_F);
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec = enc_rec(VIB_13, 1, 0x5); /* an integer for a real */
    rec.value = number(5, -3);
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec = enc_rec(VIB_13, 1, 0x0); /* a value for "no data" */
    rec.value = number(5, -3);
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec = enc_rec(VIB_13, 1, 0x2); /* no value for 16 bits */
    rec.value.kind = MB_VALUE_NONE;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec = enc_rec(VIB_13, 1, 0xD); /* a text of 3 characters for LVAR 5 */
    rec.lvar = 5;
    rec.value.kind = MB_VALUE_TEXT;
    rec.value.bytes = (const uint8_t *)"abc";
    rec.value.len = 3;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
}

#if MB_ENABLE_REAL32
/* A real at another exponent than the VIF's, or in an integer field. */
static void encode_wrong_kind_real(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x5);
    memset(&rec.value, 0, sizeof rec.value);
    rec.value.kind = MB_VALUE_REAL;
    rec.value.real = 1.5f;
    rec.value.exponent = -2;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec.data_field = 0x4;
    rec.value.exponent = -3;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
}
#endif

/* Arguments out of range. */
static void encode_bad_arguments(void **state)
{
    (void)state;
    static const uint8_t truncated[] = {0x93}, extra[] = {0x13, 0x00};
    uint8_t out[32];
    mb_record_t rec = enc_rec(VIB_13, 1, 0x1);
    rec.value = number(5, -3);
    assert_int_equal(mb_record_encode(NULL, out, sizeof out), MB_ERR_ARG);
    assert_int_equal(mb_record_encode(&rec, NULL, sizeof out), MB_ERR_ARG);
    mb_record_t bad = rec;
    bad.data_field = 0xF;
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = rec;
    bad.function = (mb_function_t)4;
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = rec;
    bad.storage = INT64_C(2199023255552); /* 2^41 */
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = rec;
    bad.tariff = 1048576; /* 2^20 */
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = rec;
    bad.subunit = 1024; /* 2^10 */
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = rec;
    bad.vib = NULL;
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = rec;
    bad.vib_len = 0;
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = enc_rec(truncated, 1, 0x1); /* the VIF announces a VIFE that is not there */
    bad.value = number(5, -3);
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = enc_rec(extra, 2, 0x1); /* a byte after a complete VIB */
    bad.value = number(5, -3);
    expect_encode_error(&bad, MB_ERR_ARG);
    bad = enc_rec(VIB_13, 1, 0xD); /* a reserved LVAR */
    bad.lvar = 0xCA;
    bad.value = number(5, -3);
    expect_encode_error(&bad, MB_ERR_ARG);
}

/* Regression (fixed): a number with LVAR E9..F6 (9..64 bytes) is accepted, shifting by >= 64 (UB)
 */
/* LVAR E9 and F0 hold 9 and 16 bytes, which decode as bytes: a number there cannot come back. */
static void encode_number_in_long_binary_lvar(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0xD);
    rec.value = number(5, -3);
    rec.lvar = 0xE9;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
    rec.lvar = 0xF0;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
}

/* Regression (fixed): a number with a text LVAR (00..BF) is accepted and written as BCD */
/* LVAR 0x02 announces 2 characters of text: a number there would decode as text. */
static void encode_number_in_text_lvar(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0xD);
    rec.lvar = 0x02;
    rec.value = number(5, -3);
    expect_encode_error(&rec, MB_ERR_REC_KIND);
}

/*
 * Regression (fixed): a number for VIF 6D in a 32-bit field was accepted. VIF 0x6D with data
 * field 4 is a type F date: a number there would decode as a date.
 */
static void encode_number_for_date_vif(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_6D, 1, 0x4);
    rec.value = number(5, 0);
    expect_encode_error(&rec, MB_ERR_REC_KIND);
}

/* Regression (fixed): a text value in a 16-bit integer field is accepted; it decodes as a number */
/* Text belongs in a variable-length field only. */
static void encode_text_in_integer_field(void **state)
{
    (void)state;
    mb_record_t rec = enc_rec(VIB_13, 1, 0x2);
    rec.value.kind = MB_VALUE_TEXT;
    rec.value.bytes = (const uint8_t *)"ab";
    rec.value.len = 2;
    expect_encode_error(&rec, MB_ERR_REC_KIND);
}

/* ---- encoder: decode(encode(r)) == r ------------------------------------------------------ */

/* Offset of a view inside its buffer, or -1 for NULL, to compare records of two buffers. */
static long view_offset(const uint8_t *p, const uint8_t *base)
{
    return p == NULL ? -1L : (long)(p - base);
}

/* Every member of two records, the views compared by offset and content. */
static void assert_same_record(const mb_record_t *a, const uint8_t *abase, const mb_record_t *b,
                               const uint8_t *bbase)
{
    assert_int_equal(view_offset(a->dib, abase), view_offset(b->dib, bbase));
    assert_int_equal(a->dib_len, b->dib_len);
    assert_int_equal(view_offset(a->vib, abase), view_offset(b->vib, bbase));
    assert_int_equal(a->vib_len, b->vib_len);
    assert_int_equal(view_offset(a->data, abase), view_offset(b->data, bbase));
    assert_int_equal(a->data_len, b->data_len);
    assert_int_equal(a->data_field, b->data_field);
    assert_int_equal(a->lvar, b->lvar);
    assert_int_equal(a->function, b->function);
    assert_int_equal(a->storage, b->storage);
    assert_int_equal(a->tariff, b->tariff);
    assert_int_equal(a->subunit, b->subunit);
    assert_int_equal(a->quantity, b->quantity);
    assert_int_equal(a->unit, b->unit);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->error, b->error);
    assert_int_equal(a->action, b->action);
    assert_int_equal(a->limit, b->limit);
    assert_int_equal(a->per, b->per);
    assert_int_equal(a->phase, b->phase);
    assert_int_equal(a->vife_flags, b->vife_flags);
    assert_int_equal(view_offset(a->text_unit, abase), view_offset(b->text_unit, bbase));
    assert_int_equal(a->text_unit_len, b->text_unit_len);
    assert_int_equal(a->value.kind, b->value.kind);
    assert_int_equal(a->value.flags, b->value.flags);
    assert_int_equal(a->value.exponent, b->value.exponent);
    assert_int_equal(a->value.mantissa, b->value.mantissa);
#if MB_ENABLE_REAL32
    if (a->value.kind == MB_VALUE_REAL) {
        assert_int_equal(float_bits(a->value.real), float_bits(b->value.real));
    }
#endif
    if (a->value.kind == MB_VALUE_DATE) {
        assert_memory_equal(&a->value.datetime, &b->value.datetime, sizeof a->value.datetime);
    }
    assert_int_equal(view_offset(a->value.bytes, abase), view_offset(b->value.bytes, bbase));
    assert_int_equal(a->value.len, b->value.len);
}

/* Decode the one record of @p hex, encode it back to the same bytes, decode those again. */
static void round_trip(const char *hex, unsigned options)
{
    walk_t w;
    mb_record_t rec, again, extra;
    walk_start(&w, hex, options);
    next_ok(&w, &rec);
    expect_end(&w);
    uint8_t out[BUF_CAP];
    memset(out, GUARD, sizeof out);
    int n = mb_record_encode(&rec, out, sizeof out);
    if (n != (int)w.len || memcmp(out, w.buf, w.len) != 0) {
        fail_msg("%s: encoded to %d bytes (%s), first byte %02X", hex, n,
                 n < 0 ? mb_error_name(n) : "ok", out[0]);
    }
    mb_records_t it;
    mb_records_init(&it, out, (size_t)n, options);
    rec_garbage(&again);
    assert_int_equal(mb_records_next(&it, &again), 1);
    assert_int_equal(mb_records_next(&it, &extra), 0);
    assert_same_record(&rec, w.buf, &again, out);
}

/* Integers, BCD and reals of every width. */
static void round_trip_numbers(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "01 13 05",
        "02 13 00 80",
        "03 13 FF FF 7F",
        "04 13 78 56 34 12",
        "06 13 00 00 00 00 00 80",
        "07 13 FF FF FF FF FF FF FF 7F",
        "07 13 00 00 00 00 00 00 00 80",
        "09 13 F5",
        "0A 13 34 F2",
        "0B 13 56 34 12",
        "0C 14 27 04 85 02",
        "0E 13 12 90 78 56 34 12",
        "02 FD 17 FF FF",
        "01 FD 71 B5",
        "07 79 FF FF FF FF FF FF FF 7F",
        "0C 78 3E 02 00 05",             /* BCD with a hex digit */
        "07 79 00 00 00 00 00 00 00 80", /* unsigned beyond INT64_MAX */
#if MB_ENABLE_REAL32
        "05 13 CD CC CC 3D",
        "05 21 00 00 C0 3F",
        "05 13 00 00 C0 7F",
#endif
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(cases[i], 0);
    }
}

/* Dates and times of every type, with their flags; opaque types K and M. */
static void round_trip_dates(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "02 6C 1F 15",
        "02 6C FF FF",
        "02 6C 00 15",
        "02 6C 21 A1",
        "04 6D 32 17 1F 15",
        "04 6D 32 97 1F 15",
        "04 6D B2 17 1F 15",
        "04 6D 3F 1F 00 1F",
        "04 6D 00 40 A1 01",
        "04 6D 00 20 21 A1",
        "04 6D 00 00 61 C1",
        "06 6D 2D 32 D7 1F 15 00",
        "06 6D 6D B2 D7 1F 15 00",
        "03 6D 2D 32 17",
        "03 6D 3F 3F 1F",
        "04 FD 72 01 02 03 04",
        "0D 6D 04 01 02 03 04",
        "04 FD 30 32 17 1F 15",
        "02 FD 70 1F 15",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(cases[i], 0);
    }
}

/* Texts, LVAR numbers and long binary data. */
static void round_trip_variable_length(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0D FD 11 05 6F 6C 6C 65 48",
        "0D FD 11 00",
        "0D 13 C2 34 12",
        "0D 13 D2 34 12",
        "0D 13 C9 89 67 45 23 01 89 67 45 23",
        "0D 13 E2 34 12",
        "0D 13 E5 00 00 00 00 80",
        "0D 13 E9 01 02 03 04 05 06 07 08 09",
        "0D 13 F0 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(cases[i], 0);
    }
}

/* DIFEs, functions, records without data and the global readout. */
static void round_trip_dib_and_no_data(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "41 13 05",
        "81 01 13 05",
        "81 A0 20 13 05",
        "81 C0 40 13 05",
        "C1 FF FF FF FF FF FF FF FF FF 7F 13 05",
        "81 80 80 80 80 80 80 80 80 80 08 13 05",
        "31 13 05",
        "00 13",
        "08 13",
        "08 7E",
        "7F",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(cases[i], 0);
    }
}

/* Scaled and converted values through every kind of VIF and VIFE. */
static void round_trip_scaling(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "02 21 34 12",
        "02 23 34 12",
        "07 21 23 22 22 22 22 22 22 02", /* kept in minutes */
        "02 47 34 12",
        "02 4F 34 12",
        "07 4F FF FF FF FF FF FF FF 7F", /* kept in m3/s */
        "02 FB 68 01 00",
        "02 FB 68 00 F0",
        "01 DB 7B 14",
        "01 DB 78 14",
        "01 DB 7B EC",
        "02 D8 7A 00 01",
        "02 93 70 34 12",
        "02 93 7D 34 12",
        "02 A2 7D 34 12",
        "02 FB 00 34 12",
        "02 FB 20 34 12",
        "02 FB 58 34 12",
        "02 FD 74 34 12",
        "02 FD FD 02 34 12",
        "02 FD 4F 34 12",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(cases[i], 0);
    }
}

/* Combinable VIFEs, limits, the extension table, text units, unknown codes, errors. */
static void round_trip_vifes(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "02 93 A2 92 70 34 12",
        "02 93 41 05 00",
        "02 93 51 34 12",
        "02 93 42 1F 15",
        "04 93 39 32 17 1F 15",
        "02 FD C8 FC 01 E6 08",
        "02 FD C8 FC 11 FF FF",
        "02 7C 03 68 57 6B 34 12",
        "02 FC 74 03 68 57 6B 34 12",
        "02 FC 03 68 57 6B 74 34 12", /* the older order */
        "00 93 15",
        "01 FF 81 15 07",
        "01 93 FF 95 15 07",
        "02 93 10 34 12",
        "02 6F 34 12",
        "02 FB 06 34 12",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(cases[i], 0);
    }
}

/* An object action to a meter. */
static void round_trip_action(void **state)
{
    (void)state;
    round_trip("02 93 07 34 12", MB_RECORDS_TO_METER);
}

/*
 * The OMS Annex N.2.2 date 32 37 1F 15 has hundred-year bits 1 with year 8; the encoder writes
 * 2008 with the 2000 + year rule (32 17 1F 15), which decodes to the same date.
 */
static void round_trip_oms_date_canonical(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec, again;
    one_record(&w, "04 6D 32 37 1F 15", &rec);
    uint8_t out[16];
    uint8_t want[6];
    hx("04 6D 32 17 1F 15", want, sizeof want);
    assert_int_equal(mb_record_encode(&rec, out, sizeof out), 6);
    assert_memory_equal(out, want, 6);
    mb_records_t it;
    mb_records_init(&it, out, 6, 0);
    assert_int_equal(mb_records_next(&it, &again), 1);
    assert_memory_equal(&rec.value.datetime, &again.value.datetime, sizeof rec.value.datetime);
}

/* ---- more edge cases ---------------------------------------------------------------------- */

/* Each kind of error after a good record reports the start of the unreadable record. */
static void errors_report_record_start(void **state)
{
    (void)state;
    static const struct {
        const char *hex;
        int err;
    } cases[] = {
        {"01 13 05 81", MB_ERR_REC_DIF_TRUNCATED},
        {"01 13 05 01 93", MB_ERR_REC_VIF_TRUNCATED},
        {"01 13 05 0D 13", MB_ERR_REC_DATA_TRUNCATED},
        {"01 13 05 01 93 BE BE BE BE BE BE BE BE BE BE 3E 05", MB_ERR_REC_TOO_MANY_VIFE},
        {"01 13 05 0D 13 F7", MB_ERR_REC_RESERVED_LVAR},
        {"01 13 05 5F", MB_ERR_REC_RESERVED_DIF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        walk_t w;
        mb_record_t rec;
        walk_start(&w, cases[i].hex, 0);
        next_ok(&w, &rec);
        assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
        expect_error(&w, cases[i].err, 3);
    }
}

/* A record error with data (0x16 data overflow, 2 bytes): its length is kept, the next follows. */
static void record_error_with_data(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "02 93 16 FF 7F 01 13 05", 0);
    next_ok(&w, &rec);
    assert_int_equal(rec.flags, MB_RECORD_ERROR);
    assert_int_equal(rec.error, 0x16);
    assert_ptr_equal(rec.data, w.buf + 3);
    assert_int_equal(rec.data_len, 2);
    next_ok(&w, &rec);
    assert_number(&rec, MB_Q_VOLUME, MB_UNIT_M3, 5, -3);
    expect_end(&w);
}

/* An HCA factor too large to scale exactly by 244140625 is flagged and kept as its bytes. */
static void hca_factor_overflow(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    one_record(&w, "07 FB 68 FF FF FF FF FF FF FF 7F", &rec);
    assert_int_equal(rec.quantity, MB_Q_HCA_RATING_FACTOR_K);
    assert_true((rec.value.flags & MB_VALUE_OVERFLOW) != 0u);
    assert_ptr_equal(rec.value.bytes, w.buf + 3);
    assert_int_equal(rec.value.len, 8);
}

/* An additive offset on minutes is added before the conversion: (2 + 1) min = 180 s. */
static void offset_then_minutes(void **state)
{
    (void)state;
    expect_number("01 A1 7B 02", MB_Q_ON_TIME, MB_UNIT_S, 180, 0);
}

/* A record's views: DIB at its DIF, VIB after the DIFEs, data after the VIB. */
static void record_views(void **state)
{
    (void)state;
    walk_t w;
    mb_record_t rec;
    walk_start(&w, "01 13 05 C2 01 93 3B 34 12", 0);
    next_ok(&w, &rec);
    next_ok(&w, &rec);
    assert_ptr_equal(rec.dib, w.buf + 3);
    assert_int_equal(rec.dib_len, 2);
    assert_ptr_equal(rec.vib, w.buf + 5);
    assert_int_equal(rec.vib_len, 2);
    assert_ptr_equal(rec.data, w.buf + 7);
    assert_int_equal(rec.data_len, 2);
    assert_int_equal(rec.data_field, 2);
    assert_int_equal(rec.storage, 3); /* DIF bit 6 + DIFE storage 1 << 1 */
    assert_null(rec.text_unit);
    assert_int_equal(rec.text_unit_len, 0);
    assert_int_equal(rec.lvar, 0);
    expect_end(&w);
}

/* ---- names ------------------------------------------------------------------------------------
 */

/* The JSON writer relies on every name being shorter than this. */
#define NAME_BOUND 48u

#if MB_ENABLE_TEXT
/* A stable snake_case identifier: lower-case letters, digits and underscores, not empty. */
static bool is_snake_case(const char *s)
{
    if (s[0] == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
            return false;
        }
    }
    return true;
}

/* Every defined quantity has a snake_case name, and no two share one. */
static void names_quantities(void **state)
{
    (void)state;
    for (int q = 0; q < MB_Q_COUNT_; q++) {
        const char *name = mb_quantity_name((mb_quantity_t)q);
        if (name == NULL || !is_snake_case(name)) {
            fail_msg("quantity %d: bad name \"%s\"", q, name ? name : "(null)");
        }
        for (int k = 0; k < q; k++) {
            if (strcmp(name, mb_quantity_name((mb_quantity_t)k)) == 0) {
                fail_msg("quantities %d and %d are both \"%s\"", k, q, name);
            }
        }
    }
    assert_string_equal(mb_quantity_name(MB_Q_ENERGY), "energy");
    assert_string_equal(mb_quantity_name(MB_Q_FLOW_TEMPERATURE), "flow_temperature");
}

/* Every unit but "none" has a symbol, and no two share one. */
static void names_units(void **state)
{
    (void)state;
    assert_string_equal(mb_unit_name(MB_UNIT_NONE), "");
    for (int u = 1; u < MB_UNIT_COUNT_; u++) {
        const char *name = mb_unit_name((mb_unit_t)u);
        if (name == NULL || name[0] == '\0') {
            fail_msg("unit %d has no symbol", u);
        }
        for (int k = 1; k < u; k++) {
            if (strcmp(name, mb_unit_name((mb_unit_t)k)) == 0) {
                fail_msg("units %d and %d are both \"%s\"", k, u, name);
            }
        }
    }
    assert_string_equal(mb_unit_name(MB_UNIT_WH), "Wh");
    assert_string_equal(mb_unit_name(MB_UNIT_M3), "m3");
    assert_string_equal(mb_unit_name(MB_UNIT_CELSIUS), "\xC2\xB0"
                                                       "C"); /* UTF-8 degree sign */
}

/* The four functions, as records.h names them. */
static void names_functions(void **state)
{
    (void)state;
    assert_string_equal(mb_function_name(MB_FN_INSTANTANEOUS), "instantaneous");
    assert_string_equal(mb_function_name(MB_FN_MAXIMUM), "maximum");
    assert_string_equal(mb_function_name(MB_FN_MINIMUM), "minimum");
    assert_string_equal(mb_function_name(MB_FN_ERROR), "error");
}

/* Every "per" unit has a distinct snake_case name; none has "". */
static void names_per(void **state)
{
    (void)state;
    assert_string_equal(mb_per_name(MB_PER_NONE), "");
    for (int p = 1; p < MB_PER_COUNT_; p++) {
        const char *name = mb_per_name((mb_per_t)p);
        if (name == NULL || !is_snake_case(name)) {
            fail_msg("per %d: bad name \"%s\"", p, name ? name : "(null)");
        }
        for (int k = 1; k < p; k++) {
            if (strcmp(name, mb_per_name((mb_per_t)k)) == 0) {
                fail_msg("per %d and %d are both \"%s\"", k, p, name);
            }
        }
    }
    assert_string_equal(mb_per_name(MB_PER_HOUR), "per_hour");
    assert_string_equal(mb_per_name(MB_TIMES_SECOND), "times_second");
}

/* Phases and quadrants, as records.h names them. */
static void names_phases(void **state)
{
    (void)state;
    static const char *const want[] = {"",      "L1",    "L2", "L3", "N",  "L1-L2",
                                       "L2-L3", "L3-L1", "Q1", "Q2", "Q3", "Q4"};
    for (int p = 0; p <= MB_QUADRANT_Q4; p++) {
        assert_string_equal(mb_phase_name((mb_phase_t)p), want[p]);
    }
}

/*
 * Every defined limit VIFE has a snake_case name: 40..43, 46..4B, 4E..68, 6A..6C, 6E..6F
 * (44, 45, 4C, 4D are reserved; 69 and 6D are the leakage and overflow flags).
 */
static void names_limits(void **state)
{
    (void)state;
    for (unsigned code = 0x40; code <= 0x6Fu; code++) {
        if (code == 0x44u || code == 0x45u || code == 0x4Cu || code == 0x4Du || code == 0x69u ||
            code == 0x6Du) {
            continue;
        }
        const char *name = mb_limit_name((uint8_t)code);
        if (name == NULL || !is_snake_case(name)) {
            fail_msg("limit 0x%02X: bad name \"%s\"", code, name ? name : "(null)");
        }
    }
    assert_string_equal(mb_limit_name(0x48), "upper_limit_value");
    assert_string_equal(mb_limit_name(0x40), "lower_limit_value");
}

/* Every defined record error code has a distinct snake_case name. */
static void names_record_errors(void **state)
{
    (void)state;
    static const uint8_t codes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0B,
                                    0x0C, 0x0D, 0x0E, 0x0F, 0x15, 0x16, 0x17, 0x18, 0x1C};
    for (size_t i = 0; i < sizeof codes; i++) {
        const char *name = mb_record_error_name(codes[i]);
        if (name == NULL || !is_snake_case(name)) {
            fail_msg("record error 0x%02X: bad name \"%s\"", codes[i], name ? name : "(null)");
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(name, mb_record_error_name(codes[k])) == 0) {
                fail_msg("record errors 0x%02X and 0x%02X are both \"%s\"", codes[k], codes[i],
                         name);
            }
        }
    }
    assert_string_equal(mb_record_error_name(0x15), "no_data");
    assert_string_equal(mb_record_error_name(0x16), "data_overflow");
}

/* Every defined object action (00..0D) has a distinct snake_case name. */
static void names_actions(void **state)
{
    (void)state;
    for (unsigned code = 0; code <= 0x0Du; code++) {
        const char *name = mb_action_name((uint8_t)code);
        if (name == NULL || !is_snake_case(name)) {
            fail_msg("action 0x%02X: bad name \"%s\"", code, name ? name : "(null)");
        }
        for (unsigned k = 0; k < code; k++) {
            if (strcmp(name, mb_action_name((uint8_t)k)) == 0) {
                fail_msg("actions 0x%02X and 0x%02X are both \"%s\"", k, code, name);
            }
        }
    }
    assert_string_equal(mb_action_name(0x00), "write");
    assert_string_equal(mb_action_name(0x01), "add");
    assert_string_equal(mb_action_name(0x07), "clear");
}
#else
/* Without text tables every name is "". */
static void names_empty_without_text(void **state)
{
    (void)state;
    assert_string_equal(mb_quantity_name(MB_Q_ENERGY), "");
    assert_string_equal(mb_unit_name(MB_UNIT_WH), "");
    assert_string_equal(mb_function_name(MB_FN_MAXIMUM), "");
    assert_string_equal(mb_per_name(MB_PER_HOUR), "");
    assert_string_equal(mb_phase_name(MB_PHASE_L1), "");
    assert_string_equal(mb_limit_name(0x48), "");
    assert_string_equal(mb_record_error_name(0x15), "");
    assert_string_equal(mb_action_name(0x00), "");
}
#endif

/* Fail unless @p name is a string shorter than NAME_BOUND. */
static void check_bound(const char *what, unsigned code, const char *name)
{
    if (name == NULL || strlen(name) >= NAME_BOUND) {
        fail_msg("%s %u: %s", what, code, name == NULL ? "NULL" : name);
    }
}

/*
 * Every name of every table, and of every code out of the tables, is a string (never NULL) of
 * fewer than 48 bytes.
 */
static void names_all_bounded(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 256u; i++) {
        check_bound("limit", i, mb_limit_name((uint8_t)i));
        check_bound("record error", i, mb_record_error_name((uint8_t)i));
        check_bound("action", i, mb_action_name((uint8_t)i));
    }
    for (unsigned i = 0; i <= (unsigned)MB_Q_COUNT_; i++) {
        check_bound("quantity", i, mb_quantity_name((mb_quantity_t)i));
    }
    for (unsigned i = 0; i <= (unsigned)MB_UNIT_COUNT_; i++) {
        check_bound("unit", i, mb_unit_name((mb_unit_t)i));
    }
    for (unsigned i = 0; i <= (unsigned)MB_PER_COUNT_; i++) {
        check_bound("per", i, mb_per_name((mb_per_t)i));
    }
    for (unsigned i = 0; i <= 12u; i++) {
        check_bound("phase", i, mb_phase_name((mb_phase_t)i));
    }
    for (unsigned i = 0; i <= 4u; i++) {
        check_bound("function", i, mb_function_name((mb_function_t)i));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vif_energy_wh),
        cmocka_unit_test(vif_energy_j),
        cmocka_unit_test(vif_volume),
        cmocka_unit_test(vif_mass),
        cmocka_unit_test(vif_on_time),
        cmocka_unit_test(vif_operating_time),
        cmocka_unit_test(vif_power_w),
        cmocka_unit_test(vif_power_j_per_h),
        cmocka_unit_test(vif_volume_flow_m3h),
        cmocka_unit_test(vif_volume_flow_m3min),
        cmocka_unit_test(vif_volume_flow_m3s),
        cmocka_unit_test(vif_mass_flow),
        cmocka_unit_test(vif_temperatures_and_pressure),
        cmocka_unit_test(vif_hca_units),
        cmocka_unit_test(vif_averaging_and_actuality_duration),
        cmocka_unit_test(vif_identification),
        cmocka_unit_test(vif_any_in_readout_selection),
        cmocka_unit_test(vif_reserved_codes),
        cmocka_unit_test(vif_reserved_with_vife),
        cmocka_unit_test(fb_energy),
        cmocka_unit_test(fb_reactive_and_apparent_energy),
        cmocka_unit_test(fb_energy_mcal),
        cmocka_unit_test(fb_volume_and_mass),
        cmocka_unit_test(fb_reactive_and_apparent_power),
        cmocka_unit_test(fb_relative_humidity),
        cmocka_unit_test(fb_non_metric_volume_and_flow),
        cmocka_unit_test(fb_power),
        cmocka_unit_test(fb_phase_angle_and_frequency),
        cmocka_unit_test(fb_fahrenheit_temperatures),
        cmocka_unit_test(fb_hca_factors),
        cmocka_unit_test(fb_hca_factor_signed),
        cmocka_unit_test(fb_temperature_limit),
        cmocka_unit_test(fb_max_power_count),
        cmocka_unit_test(fb_reserved_codes),
        cmocka_unit_test(fd_credit_and_debit),
        cmocka_unit_test(fd_plain_codes_and_signedness),
        cmocka_unit_test(primary_identification_unsigned),
        cmocka_unit_test(fd_typical_values),
        cmocka_unit_test(fd_storage_interval),
        cmocka_unit_test(fd_duration_since_readout),
        cmocka_unit_test(fd_tariff_duration_and_period),
        cmocka_unit_test(fd_transmission_period),
        cmocka_unit_test(fd_voltage_and_current),
        cmocka_unit_test(fd_cumulation_and_battery_durations),
        cmocka_unit_test(fd_rf_level),
        cmocka_unit_test(fd_remaining_battery_lifetime_days),
        cmocka_unit_test(fd_dates),
        cmocka_unit_test(fd_daylight_saving_opaque),
        cmocka_unit_test(fd_reserved_codes),
        cmocka_unit_test(fdfd_second_level),
        cmocka_unit_test(fdfd_reserved_codes),
        cmocka_unit_test(fdfd_with_combinable_vife),
        cmocka_unit_test(duration_minutes_at_int64_limit),
        cmocka_unit_test(duration_overflow_keeps_hours_and_days),
        cmocka_unit_test(duration_negative_converts),
        cmocka_unit_test(volume_flow_overflow_keeps_unit),
        cmocka_unit_test(vife_multiplier_powers_of_ten),
        cmocka_unit_test(vife_times_thousand),
        cmocka_unit_test(vife_multipliers_combine),
        cmocka_unit_test(vife_multiplier_on_hours),
        cmocka_unit_test(vife_additive_offset),
        cmocka_unit_test(vife_additive_offset_finer_vif),
        cmocka_unit_test(vife_additive_offset_negative_value),
        cmocka_unit_test(vife_multiplier_then_offset),
        cmocka_unit_test(vife_offset_far_from_exponent),
        cmocka_unit_test(record_members_all_set),
        cmocka_unit_test(vife_per_units),
        cmocka_unit_test(vife_flags),
        cmocka_unit_test(vife_forward_and_backward_flow),
        cmocka_unit_test(vife_chain_of_three),
        cmocka_unit_test(vife_limit_values),
        cmocka_unit_test(vife_value_during_limit_exceed),
        cmocka_unit_test(vife_limit_exceed_counts),
        cmocka_unit_test(vife_limit_dates),
        cmocka_unit_test(vife_limit_date_time),
        cmocka_unit_test(vife_limit_durations),
        cmocka_unit_test(vife_limit_reserved_codes),
        cmocka_unit_test(vife_reserved_codes),
        cmocka_unit_test(vife_reserved_error_codes),
        cmocka_unit_test(vife_start_date),
        cmocka_unit_test(vife_obis_declaration),
        cmocka_unit_test(ext_phases_and_quadrants),
        cmocka_unit_test(ext_three_phase_currents),
        cmocka_unit_test(ext_flags),
        cmocka_unit_test(ext_type_c_and_d_unsigned),
        cmocka_unit_test(ext_reserved_codes),
        cmocka_unit_test(ext_then_combinable),
        cmocka_unit_test(record_errors_from_meter),
        cmocka_unit_test(record_error_between_records),
        cmocka_unit_test(object_actions_to_meter),
        cmocka_unit_test(actions_depend_on_direction),
        cmocka_unit_test(set_primary_address_record),
        cmocka_unit_test(manufacturer_vif),
        cmocka_unit_test(manufacturer_vif_with_vifes),
        cmocka_unit_test(manufacturer_vife_in_chain),
        cmocka_unit_test(text_unit_7c),
        cmocka_unit_test(text_unit_fc_2018_order),
        cmocka_unit_test(text_unit_fc_older_order),
        cmocka_unit_test(text_unit_forced_2018_on_older_bytes),
        cmocka_unit_test(text_unit_forced_older_on_2018_bytes),
        cmocka_unit_test(text_unit_auto_rejects_unprintable_2018),
        cmocka_unit_test(text_unit_auto_judges_whole_record),
        cmocka_unit_test(text_unit_forced_order_encodes_back),
        cmocka_unit_test(text_unit_forced_2018_keeps_unprintable),
        cmocka_unit_test(text_unit_auto_prefers_2018_when_both_printable),
        cmocka_unit_test(text_unit_auto_keeps_2018_when_neither_printable),
        cmocka_unit_test(int8_signed),
        cmocka_unit_test(int16_signed),
        cmocka_unit_test(int24_signed),
        cmocka_unit_test(int32_signed),
        cmocka_unit_test(int48_signed),
        cmocka_unit_test(int64_signed),
        cmocka_unit_test(unsigned_widths),
        cmocka_unit_test(unsigned64_overflow),
        cmocka_unit_test(bcd_all_widths),
        cmocka_unit_test(bcd_negative),
        cmocka_unit_test(bcd_hex_digits),
        cmocka_unit_test(bcd_invalid_nibbles),
        cmocka_unit_test(bcd_duration_converted),
#if MB_ENABLE_REAL32
        cmocka_unit_test(real32_values),
        cmocka_unit_test(real32_nan_and_infinity),
        cmocka_unit_test(real32_keeps_unit_sent),
        cmocka_unit_test(real32_with_multiplier),
        cmocka_unit_test(real32_value_helper),
        cmocka_unit_test(real32_hca_factor),
        cmocka_unit_test(real32_with_offset),
#endif
        cmocka_unit_test(lvar_text),
        cmocka_unit_test(lvar_text_empty),
        cmocka_unit_test(lvar_text_longest),
        cmocka_unit_test(lvar_text_latin1),
        cmocka_unit_test(lvar_positive_bcd),
        cmocka_unit_test(lvar_bcd_empty),
        cmocka_unit_test(lvar_negative_bcd),
        cmocka_unit_test(lvar_bcd_hex_digit),
        cmocka_unit_test(lvar_binary_numbers),
        cmocka_unit_test(lvar_binary_bytes),
        cmocka_unit_test(lvar_reserved),
        cmocka_unit_test(date_type_g),
        cmocka_unit_test(date_type_g_century),
        cmocka_unit_test(date_type_g_invalid),
        cmocka_unit_test(date_type_g_periodic),
        cmocka_unit_test(date_type_f),
        cmocka_unit_test(date_type_f_hundred_years),
        cmocka_unit_test(date_type_f_century),
        cmocka_unit_test(date_type_f_summer_time),
        cmocka_unit_test(date_type_f_invalid),
        cmocka_unit_test(date_type_f_periodic),
        cmocka_unit_test(date_type_i),
        cmocka_unit_test(date_type_i_summer_and_leap),
        cmocka_unit_test(date_type_i_invalid_and_periodic),
        cmocka_unit_test(date_type_i_century),
        cmocka_unit_test(date_type_j),
        cmocka_unit_test(date_type_m_opaque),
        cmocka_unit_test(date_type_m_binary_lvar_opaque),
        cmocka_unit_test(date_type_l_opaque),
        cmocka_unit_test(no_data_record),
        cmocka_unit_test(readout_selection_record),
        cmocka_unit_test(dif_function_field),
        cmocka_unit_test(filler_bytes_skipped),
        cmocka_unit_test(fillers_only_and_empty),
        cmocka_unit_test(manufacturer_data_0f),
        cmocka_unit_test(manufacturer_data_1f),
        cmocka_unit_test(manufacturer_data_empty),
        cmocka_unit_test(global_readout_request),
        cmocka_unit_test(reserved_special_difs),
        cmocka_unit_test(dib_storage_bit_in_dif),
        cmocka_unit_test(dib_storage_in_dife),
        cmocka_unit_test(dib_tariff_and_subunit),
        cmocka_unit_test(dib_two_difes_accumulate),
        cmocka_unit_test(dib_ten_difes_all_ones),
        cmocka_unit_test(dib_storage_bit_40),
        cmocka_unit_test(dib_eleven_difes),
        cmocka_unit_test(vib_ten_and_eleven_vifes),
        cmocka_unit_test(vib_extension_counts_vifes),
        cmocka_unit_test(vib_manufacturer_vifes_count),
        cmocka_unit_test(truncated_in_dib),
        cmocka_unit_test(truncated_in_vib),
        cmocka_unit_test(truncated_in_fixed_data),
        cmocka_unit_test(truncated_in_variable_data),
        cmocka_unit_test(truncated_after_good_records),
        cmocka_unit_test(offset_follows_records),
        cmocka_unit_test(iterator_null_arguments),
        cmocka_unit_test(oms_n22_records),
        cmocka_unit_test(oms_n22_from_frame),
        cmocka_unit_test(encode_integers),
        cmocka_unit_test(encode_rescales_exponent),
        cmocka_unit_test(encode_rescaled_units),
        cmocka_unit_test(encode_limit_counts_and_durations),
        cmocka_unit_test(encode_offset_far_from_exponent),
        cmocka_unit_test(encode_unsigned),
#if MB_ENABLE_REAL32
        cmocka_unit_test(encode_real),
#endif
        cmocka_unit_test(encode_bcd),
        cmocka_unit_test(encode_date_g),
        cmocka_unit_test(encode_date_f),
        cmocka_unit_test(encode_date_every_year),
        cmocka_unit_test(encode_date_i),
        cmocka_unit_test(encode_time_j),
        cmocka_unit_test(encode_text),
        cmocka_unit_test(encode_lvar_numbers),
        cmocka_unit_test(encode_lvar_binary),
        cmocka_unit_test(encode_without_data),
        cmocka_unit_test(encode_kept_bytes),
        cmocka_unit_test(encode_difes),
        cmocka_unit_test(encode_function),
        cmocka_unit_test(encode_converted_units),
        cmocka_unit_test(encode_kept_duration_unit),
        cmocka_unit_test(encode_hca_factor),
        cmocka_unit_test(encode_combinable_vifes),
        cmocka_unit_test(encode_extension_vibs),
        cmocka_unit_test(encode_inexact),
        cmocka_unit_test(encode_range_integers),
        cmocka_unit_test(encode_range_unsigned),
        cmocka_unit_test(encode_range_bcd),
        cmocka_unit_test(encode_range_dates),
        cmocka_unit_test(encode_wrong_kind),
#if MB_ENABLE_REAL32
        cmocka_unit_test(encode_wrong_kind_real),
#endif
        cmocka_unit_test(encode_number_in_long_binary_lvar),
        cmocka_unit_test(encode_number_in_text_lvar),
        cmocka_unit_test(encode_number_for_date_vif),
        cmocka_unit_test(encode_text_in_integer_field),
        cmocka_unit_test(encode_bad_arguments),
        cmocka_unit_test(text_unit_longest),
        cmocka_unit_test(round_trip_numbers),
        cmocka_unit_test(round_trip_dates),
        cmocka_unit_test(round_trip_variable_length),
        cmocka_unit_test(round_trip_dib_and_no_data),
        cmocka_unit_test(round_trip_scaling),
        cmocka_unit_test(round_trip_vifes),
        cmocka_unit_test(round_trip_action),
        cmocka_unit_test(round_trip_oms_date_canonical),
        cmocka_unit_test(errors_report_record_start),
        cmocka_unit_test(record_error_with_data),
        cmocka_unit_test(hca_factor_overflow),
        cmocka_unit_test(offset_then_minutes),
        cmocka_unit_test(record_views),
#if MB_ENABLE_TEXT
        cmocka_unit_test(names_quantities),
        cmocka_unit_test(names_units),
        cmocka_unit_test(names_functions),
        cmocka_unit_test(names_per),
        cmocka_unit_test(names_phases),
        cmocka_unit_test(names_limits),
        cmocka_unit_test(names_record_errors),
        cmocka_unit_test(names_actions),
#else
        cmocka_unit_test(names_empty_without_text),
#endif
        cmocka_unit_test(names_all_bounded),
    };
    return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
