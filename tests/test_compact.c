/*
 * Compact frames (include/meterbus/compact.h): formats learnt from full frames, the cache, and
 * expansion back into records.
 *
 * Signatures and CRCs are checked against a bitwise CRC-16/EN-13757 written here from its
 * definition (polynomial 0x3D65, initial 0, final complement), not against the library's. The
 * Kamstrup format "02FF20 0413 4413" (info, volume, target volume) is the one the published
 * Kamstrup ELL telegram carries in full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

#if MB_ENABLE_WIRELESS

#define CAP 300u

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static uint16_t ref_crc(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++) {
            crc = (crc & 0x8000u) != 0u ? (uint16_t)((crc << 1) ^ 0x3D65u) : (uint16_t)(crc << 1);
        }
    }
    return (uint16_t)~crc;
}

/* The Kamstrup records of the published ELL telegram, decrypted. */
static const char KAM_FULL[] = "02FF20 0000 0413 803C0700 4413 9F380700";
static const char KAM_FORMAT[] = "02FF20 0413 4413";
static const char KAM_DATA[] = "0000 803C0700 9F380700";

static void learn_kamstrup(void **state)
{
    (void)state;
    uint8_t full[CAP], want[CAP];
    size_t n = hx(KAM_FULL, full, CAP);
    size_t fn = hx(KAM_FORMAT, want, CAP);
    mb_format_t fmt;
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_OK);
    assert_int_equal(fmt.len, fn);
    assert_int_equal(fmt.records, 3);
    assert_memory_equal(fmt.bytes, want, fn);
    assert_int_equal(fmt.signature, ref_crc(want, fn));
}

/* Build "signature, full CRC, data" for the Kamstrup format. */
static size_t kam_compact(uint8_t *out, uint16_t full_crc)
{
    uint8_t format[16];
    size_t fn = hx(KAM_FORMAT, format, sizeof format);
    uint16_t sig = ref_crc(format, fn);
    out[0] = (uint8_t)sig;
    out[1] = (uint8_t)(sig >> 8);
    out[2] = (uint8_t)full_crc;
    out[3] = (uint8_t)(full_crc >> 8);
    return 4u + hx(KAM_DATA, out + 4, CAP - 4u);
}

static void expand_kamstrup(void **state)
{
    (void)state;
    uint8_t full[CAP], compact[CAP], out[CAP];
    size_t n = hx(KAM_FULL, full, CAP);
    mb_format_t fmt;
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_OK);
    size_t cn = kam_compact(compact, ref_crc(full, n));
    assert_int_equal(mb_compact_signature(compact, cn), fmt.signature);
    bool crc_ok = false;
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, &crc_ok), (int)n);
    assert_memory_equal(out, full, n);
    assert_true(crc_ok);

    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, out, n, 0);
    assert_int_equal(mb_records_next(&it, &rec), 1);
    assert_int_equal(rec.quantity, MB_Q_MANUFACTURER_SPECIFIC);
    assert_int_equal(mb_records_next(&it, &rec), 1);
    assert_int_equal(rec.quantity, MB_Q_VOLUME);
    assert_int_equal(rec.value.mantissa, 474240);
    assert_int_equal(rec.value.exponent, -3);
    assert_int_equal(mb_records_next(&it, &rec), 1);
    assert_int_equal(rec.storage, 1);
    assert_int_equal(rec.value.mantissa, 473247);
    assert_int_equal(mb_records_next(&it, &rec), 0);

    /* Another full-frame CRC: decoded all the same, reported. */
    cn = kam_compact(compact, (uint16_t)(ref_crc(full, n) ^ 1u));
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, &crc_ok), (int)n);
    assert_false(crc_ok);
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, NULL), (int)n);
}

static void expand_errors(void **state)
{
    (void)state;
    uint8_t full[CAP], compact[CAP], out[CAP];
    size_t n = hx(KAM_FULL, full, CAP);
    mb_format_t fmt;
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_OK);
    size_t cn = kam_compact(compact, 0);
    /* Cut anywhere before the end of the last record's data. */
    for (size_t cut = 0; cut < cn; cut++) {
        assert_int_equal(mb_compact_expand(&fmt, compact, cut, out, sizeof out, NULL),
                         MB_ERR_COMPACT_SHORT);
    }
    /* Every output capacity below what is needed. */
    for (size_t cap = 0; cap < n; cap++) {
        assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, cap, NULL), MB_ERR_NOSPACE);
    }
    compact[0] ^= 1u;
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, NULL),
                     MB_ERR_COMPACT_FORMAT);
    assert_int_equal(mb_compact_expand(NULL, compact, cn, out, sizeof out, NULL), MB_ERR_ARG);
}

/* Variable-length data keep their LVAR byte in the compact data; trailing bytes follow as sent. */
static void expand_lvar_and_trailer(void **state)
{
    (void)state;
    uint8_t full[CAP], compact[CAP], out[CAP];
    /* 0D FD 11 (customer, text "ABC" reversed) ; 2F filler; 01 FD 1B (digital input) ; 0F 55 */
    size_t n = hx("0DFD11 03 434241 2F 01FD1B 05 0F 55", full, CAP);
    mb_format_t fmt;
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_OK);
    uint8_t want_format[16];
    size_t fn = hx("0DFD11 01FD1B", want_format, sizeof want_format);
    assert_int_equal(fmt.len, fn);
    assert_memory_equal(fmt.bytes, want_format, fn);
    assert_int_equal(fmt.signature, ref_crc(want_format, fn));

    compact[0] = (uint8_t)fmt.signature;
    compact[1] = (uint8_t)(fmt.signature >> 8);
    compact[2] = compact[3] = 0;
    size_t cn = 4u + hx("03 444546 07 0F 55", compact + 4, CAP - 4u);
    uint8_t want[CAP];
    size_t wn = hx("0DFD11 03 444546 01FD1B 07 0F 55", want, CAP);
    bool crc_ok = true;
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, &crc_ok), (int)wn);
    assert_memory_equal(out, want, wn);
    /* The CRC covers the records only (0DFD11 .. 07), not the trailer. */
    uint16_t crc = ref_crc(want, wn - 2u);
    compact[2] = (uint8_t)crc;
    compact[3] = (uint8_t)(crc >> 8);
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, &crc_ok), (int)wn);
    assert_true(crc_ok);
    /* A reserved LVAR cannot be delimited. */
    compact[4] = 0xCA;
    assert_int_equal(mb_compact_expand(&fmt, compact, cn, out, sizeof out, NULL),
                     MB_ERR_COMPACT_SHORT);
}

static void learn_errors(void **state)
{
    (void)state;
    uint8_t full[CAP];
    mb_format_t fmt;
    size_t n = hx("04 13 11 22", full, CAP); /* data cut short */
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_ERR_REC_DATA_TRUNCATED);
    assert_int_equal(fmt.len, 0);
    n = hx("7F", full, CAP);
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_ERR_REC_RESERVED_DIF);
    /* More DIB/VIB bytes than MB_COMPACT_FORMAT_MAX: records of DIF 00 VIF 13 (no data). */
    n = 0;
    for (size_t i = 0; i < MB_COMPACT_FORMAT_MAX / 2u + 1u; i++) {
        full[n++] = 0x00;
        full[n++] = 0x13;
    }
    assert_int_equal(mb_format_learn(full, n, &fmt), MB_ERR_NOSPACE);
    assert_int_equal(mb_format_learn(full, n - 2u, &fmt), MB_OK);
    assert_int_equal(fmt.len, MB_COMPACT_FORMAT_MAX);
    assert_int_equal(mb_format_learn(NULL, 1, &fmt), MB_ERR_ARG);
    /* No records: an empty format, which the cache refuses. */
    assert_int_equal(mb_format_learn(full, 0, &fmt), MB_OK);
    assert_int_equal(fmt.len, 0);
    mb_format_t slots[1];
    mb_format_cache_t cache;
    mb_format_cache_init(&cache, slots, 1);
    assert_int_equal(mb_format_cache_put(&cache, &fmt), MB_ERR_ARG);
}

/* A format with one record of DIF 04 and VIF @p vif. */
static void one_record_format(uint8_t vif, mb_format_t *fmt)
{
    uint8_t full[8] = {0x04, vif, 1, 2, 3, 4};
    assert_int_equal(mb_format_learn(full, 6, fmt), MB_OK);
}

static void cache_least_recently_used(void **state)
{
    (void)state;
    mb_format_t slots[2], a, b, c;
    mb_format_cache_t cache;
    one_record_format(0x13, &a);
    one_record_format(0x14, &b);
    one_record_format(0x15, &c);
    assert_true(a.signature != b.signature && b.signature != c.signature);
    mb_format_cache_init(&cache, slots, 2);
    assert_null(mb_format_cache_get(&cache, a.signature));
    assert_int_equal(mb_format_cache_put(&cache, &a), MB_OK);
    assert_int_equal(mb_format_cache_put(&cache, &b), MB_OK);
    assert_non_null(mb_format_cache_get(&cache, a.signature)); /* a is now the newer */
    assert_int_equal(mb_format_cache_put(&cache, &c), MB_OK);  /* evicts b */
    assert_null(mb_format_cache_get(&cache, b.signature));
    const mb_format_t *got = mb_format_cache_get(&cache, c.signature);
    assert_non_null(got);
    assert_memory_equal(got->bytes, c.bytes, c.len);
    assert_non_null(mb_format_cache_get(&cache, a.signature));
    /* The same signature again replaces, it does not take a second slot. */
    assert_int_equal(mb_format_cache_put(&cache, &a), MB_OK);
    assert_non_null(mb_format_cache_get(&cache, c.signature));
    assert_non_null(mb_format_cache_get(&cache, a.signature));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(learn_kamstrup), cmocka_unit_test(expand_kamstrup),
        cmocka_unit_test(expand_errors),  cmocka_unit_test(expand_lvar_and_trailer),
        cmocka_unit_test(learn_errors),   cmocka_unit_test(cache_least_recently_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* !MB_ENABLE_WIRELESS */

#include <stdio.h>

int main(void)
{
    printf("compact: MB_ENABLE_WIRELESS is 0, nothing to test\n");
    return 0;
}

#endif
