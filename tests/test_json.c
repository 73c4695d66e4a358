/*
 * JSON output (include/meterbus/json.h): the streaming writer (exact decimals, integers, string
 * escaping, ISO 8859-1 to UTF-8, hex, nesting, misuse), single records and whole wired frames.
 *
 * Every document is written into every capacity from 0 to its length + 1 with guard bytes behind
 * the buffer: each too small capacity must give MB_ERR_NOSPACE and an empty string, the exact
 * capacity the document, and no byte past the capacity may change.
 *
 * Expected documents are worked out by hand from json.h, docs/design.md (numbers keep the
 * meter's resolution: trailing zeros stay) and the EN 13757-2/-3 layouts noted next to each
 * telegram; nothing here was produced by running the code under test. Without text tables
 * (MB_ENABLE_TEXT 0) names are written as their numeric codes, units as "".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

#if MB_ENABLE_TEXT
#define NM(text, code) "\"" text "\""
#define UN(text)       text
#else
#define NM(text, code) #code
#define UN(text)       ""
#endif

/* ---- helpers ------------------------------------------------------------------------------ */

#define GUARD   32u
#define DOC_MAX 8192u

static char area[DOC_MAX + GUARD];

typedef int (*run_fn)(const void *arg, char *buf, size_t cap);

/*
 * Write a document into every capacity 0..strlen(want) + 1: each too small one gives
 * MB_ERR_NOSPACE and "" (nothing at all for 0, which has no room for the NUL), the last one the
 * document; no byte at or past the capacity may change.
 */
static void expect_doc(run_fn run, const void *arg, const char *want)
{
    size_t need = strlen(want);
    assert_true(need + 1u + GUARD <= sizeof area);
    for (size_t cap = 0; cap <= need + 1u; cap++) {
        memset(area, 0x5A, sizeof area);
        int r = run(arg, area, cap);
        for (size_t i = cap; i < cap + GUARD; i++) {
            if ((unsigned char)area[i] != 0x5Au) {
                fail_msg("cap %u: byte %u past the capacity written", (unsigned)cap, (unsigned)i);
            }
        }
        if (cap <= need) {
            if (r != MB_ERR_NOSPACE) {
                fail_msg("cap %u of %u: got %d, want MB_ERR_NOSPACE", (unsigned)cap, (unsigned)need,
                         r);
            }
            if (cap > 0u) {
                assert_int_equal(area[0], '\0');
            }
        } else {
            if (r != (int)need) {
                fail_msg("got %d: \"%s\"\nwant %u: \"%s\"", r, r >= 0 ? area : "", (unsigned)need,
                         want);
            }
            assert_string_equal(area, want);
        }
    }
}

/* A writer program: the calls a test makes between mb_json_init() and mb_json_finish(). */
typedef void (*build_fn)(mb_json_t *j, const void *arg);

typedef struct program {
    build_fn build;
    const void *arg;
} program_t;

static int run_program(const void *arg, char *buf, size_t cap)
{
    const program_t *p = arg;
    mb_json_t j;
    mb_json_init(&j, buf, cap);
    p->build(&j, p->arg);
    return mb_json_finish(&j);
}

static void expect_program(build_fn build, const void *arg, const char *want)
{
    program_t p = {build, arg};
    expect_doc(run_program, &p, want);
}

/* A program that misuses the writer: MB_ERR_ARG and "" with any room. */
static void expect_misuse(build_fn build, const void *arg)
{
    char buf[256];
    memset(buf, 0x5A, sizeof buf);
    mb_json_t j;
    mb_json_init(&j, buf, sizeof buf);
    build(&j, arg);
    assert_int_equal(mb_json_finish(&j), MB_ERR_ARG);
    assert_int_equal(buf[0], '\0');
}

/* Parse hex text that the test itself wrote; a parse failure is a broken test. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* ---- numbers ------------------------------------------------------------------------------ */

typedef struct dec_case {
    int64_t mantissa;
    int exponent;
    const char *want;
} dec_case_t;

static void build_decimal(mb_json_t *j, const void *arg)
{
    const dec_case_t *c = arg;
    mb_json_decimal(j, c->mantissa, c->exponent);
}

static void decimal_exact(void **state)
{
    (void)state;
    static const dec_case_t cases[] = {
        {2850427, -2, "28504.27"}, /* json.h's own example */
        {-2850427, -2, "-28504.27"},
        {2150, -2, "21.50"}, /* resolution kept: trailing zeros stay */
        {-100, -1, "-10.0"},
        {12, -1, "1.2"},
        {123, -3, "0.123"}, /* as many digits as places: a leading 0 */
        {-123, -3, "-0.123"},
        {123, -5, "0.00123"},
        {1, -20, "0.00000000000000000001"},
        {7, 0, "7"},
        {-7, 0, "-7"},
        {5, 3, "5000"}, /* positive exponent: zeros appended */
        {-5, 3, "-5000"},
        {1, 20, "100000000000000000000"},
        {0, 0, "0"},
        {0, -2, "0.00"}, /* zero keeps its resolution, and never has a sign */
        {0, 5, "0"},     /* "00000" would not be a JSON number */
        {INT64_MAX, 0, "9223372036854775807"},
        {INT64_MIN, 0, "-9223372036854775808"},
        {INT64_MIN, -19, "-0.9223372036854775808"},
        {INT64_MIN, -25, "-0.0000009223372036854775808"},
        {INT64_MIN, -4, "-922337203685477.5808"},
        {INT64_MIN, 2, "-922337203685477580800"},
        {99, -1, "9.9"},
        {100, -2, "1.00"},
        {1000000, -6, "1.000000"},
        {10, 0, "10"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_program(build_decimal, &cases[i], cases[i].want);
    }
}

/* Exponents as far as int8_t (a record's) goes, and beyond. */
static void decimal_extreme_exponents(void **state)
{
    (void)state;
    char want[300];
    /* 1 * 10^-128: "0." then 127 zeros then 1 */
    strcpy(want, "0.");
    memset(want + 2, '0', 127);
    strcpy(want + 129, "1");
    dec_case_t c = {1, -128, want};
    expect_program(build_decimal, &c, want);

    /* -3 * 10^127: "-3" then 127 zeros */
    strcpy(want, "-3");
    memset(want + 2, '0', 127);
    want[129] = '\0';
    c = (dec_case_t){-3, 127, want};
    expect_program(build_decimal, &c, want);

    /* Exponents no buffer holds: no space, and no overflow on the way there. */
    static const int exps[] = {INT_MAX, INT_MIN, INT_MIN + 1, INT_MAX - 1, 100000, -100000};
    for (size_t i = 0; i < sizeof exps / sizeof exps[0]; i++) {
        char buf[64];
        mb_json_t j;
        memset(buf, 0x5A, sizeof buf);
        mb_json_init(&j, buf, sizeof buf);
        mb_json_decimal(&j, 123, exps[i]);
        assert_int_equal(mb_json_finish(&j), MB_ERR_NOSPACE);
        assert_int_equal(buf[0], '\0');
        /* Zero is 0 whatever a positive exponent says. */
        if (exps[i] > 0) {
            mb_json_init(&j, buf, sizeof buf);
            mb_json_decimal(&j, 0, exps[i]);
            assert_int_equal(mb_json_finish(&j), 1);
            assert_string_equal(buf, "0");
        }
    }
}

typedef struct int_case {
    int64_t i;
    uint64_t u;
    bool is_unsigned;
    const char *want;
} int_case_t;

static void build_int(mb_json_t *j, const void *arg)
{
    const int_case_t *c = arg;
    if (c->is_unsigned) {
        mb_json_uint(j, c->u);
    } else {
        mb_json_int(j, c->i);
    }
}

static void integers(void **state)
{
    (void)state;
    static const int_case_t cases[] = {
        {0, 0, false, "0"},
        {-1, 0, false, "-1"},
        {9, 0, false, "9"},
        {-10, 0, false, "-10"},
        {99, 0, false, "99"},
        {100, 0, false, "100"},
        {INT64_MAX, 0, false, "9223372036854775807"},
        {INT64_MIN, 0, false, "-9223372036854775808"},
        {INT64_MIN + 1, 0, false, "-9223372036854775807"},
        {0, 0, true, "0"},
        {0, 9, true, "9"},
        {0, 10, true, "10"},
        {0, 1234567, true, "1234567"},
        {0, UINT32_MAX, true, "4294967295"},
        {0, (uint64_t)INT64_MAX + 1u, true, "9223372036854775808"},
        {0, UINT64_MAX, true, "18446744073709551615"},
        {0, 10000000000000000000u, true, "10000000000000000000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_program(build_int, &cases[i], cases[i].want);
    }
}

/* ---- strings ------------------------------------------------------------------------------ */

static void build_string(mb_json_t *j, const void *arg) { mb_json_string(j, arg); }

static void strings_escaped(void **state)
{
    (void)state;
    expect_program(build_string, "", "\"\"");
    expect_program(build_string, "plain text", "\"plain text\"");
    expect_program(build_string, "a\"b\\c", "\"a\\\"b\\\\c\"");
    expect_program(build_string, "\"", "\"\\\"\"");
    expect_program(build_string, "\\\\", "\"\\\\\\\\\"");
    /* Control characters as \u00XX (RFC 8259 section 7), DEL too. */
    expect_program(build_string, "\x01\x1F", "\"\\u0001\\u001f\"");
    expect_program(build_string, "\n\t\r\b\f", "\"\\u000a\\u0009\\u000d\\u0008\\u000c\"");
    expect_program(build_string, "x\x7Fy", "\"x\\u007fy\"");
    /* '/' needs no escape; UTF-8 of names (the degree sign) passes unchanged. */
    expect_program(build_string, "m3/h", "\"m3/h\"");
    expect_program(build_string,
                   "\xC2\xB0"
                   "C",
                   "\"\xC2\xB0"
                   "C\"");
    /* UTF-8 of 2, 3 and 4 bytes passes; what is not UTF-8 becomes U+FFFD, byte by byte. */
    expect_program(build_string, "\xE2\x82\xAC\xF0\x9F\x98\x80",
                   "\"\xE2\x82\xAC\xF0\x9F\x98\x80\"");
    expect_program(build_string, "a\xA0z", "\"a\\ufffdz\""); /* lone continuation byte */
    expect_program(build_string,
                   "\xE4"
                   "b",
                   "\"\\ufffdb\"");                                 /* ISO 8859-1, not UTF-8 */
    expect_program(build_string, "\xC0\xAF", "\"\\ufffd\\ufffd\""); /* overlong '/' */
    expect_program(build_string, "\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
    expect_program(build_string, "\xF4\x90\x80\x80",
                   "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");             /* > U+10FFFF */
    expect_program(build_string, "\xE2\x82", "\"\\ufffd\\ufffd\""); /* cut short by the end */
    expect_program(build_string, "\xF0\x9F\x98\"", "\"\\ufffd\\ufffd\\ufffd\\\"\"");
    /* Long strings with an escape near the end. */
    expect_program(build_string, "0123456789abcdefghijklmnopqrstuvwxyz\"",
                   "\"0123456789abcdefghijklmnopqrstuvwxyz\\\"\"");
}

static void build_keys(mb_json_t *j, const void *arg)
{
    (void)arg;
    mb_json_begin_object(j);
    mb_json_key(j, "a\"b");
    mb_json_int(j, 1);
    mb_json_key(j, "");
    mb_json_string(j, "\x1B");
    mb_json_key(j, "tab\there");
    mb_json_null(j);
    mb_json_end_object(j);
}

static void keys_escaped(void **state)
{
    (void)state;
    expect_program(build_keys, NULL, "{\"a\\\"b\":1,\"\":\"\\u001b\",\"tab\\u0009here\":null}");
}

typedef struct hex_case {
    const uint8_t *p;
    size_t n;
    const char *want;
} hex_case_t;

static void build_hex(mb_json_t *j, const void *arg)
{
    const hex_case_t *c = arg;
    mb_json_hex(j, c->p, c->n);
}

static void hex_strings(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {0x0C, 0x14, 0xAB, 0xFF, 0x00, 0x9A};
    hex_case_t c = {bytes, sizeof bytes, "\"0c14abff009a\""};
    expect_program(build_hex, &c, c.want);
    c = (hex_case_t){bytes, 1, "\"0c\""};
    expect_program(build_hex, &c, c.want);
    c = (hex_case_t){bytes, 0, "\"\""};
    expect_program(build_hex, &c, c.want);
    uint8_t all[256];
    char want[2u * 256u + 3u];
    static const char digits[] = "0123456789abcdef";
    want[0] = '"';
    for (unsigned i = 0; i < 256u; i++) {
        all[i] = (uint8_t)i;
        want[1u + 2u * i] = digits[i >> 4];
        want[2u + 2u * i] = digits[i & 15u];
    }
    want[513] = '"';
    want[514] = '\0';
    c = (hex_case_t){all, sizeof all, want};
    expect_program(build_hex, &c, want);
}

/* ---- structure ---------------------------------------------------------------------------- */

static void build_nested(mb_json_t *j, const void *arg)
{
    (void)arg;
    mb_json_begin_object(j);
    mb_json_key(j, "a");
    mb_json_begin_array(j);
    mb_json_int(j, 1);
    mb_json_uint(j, 2);
    mb_json_begin_object(j);
    mb_json_key(j, "b");
    mb_json_null(j);
    mb_json_end_object(j);
    mb_json_begin_array(j);
    mb_json_end_array(j);
    mb_json_bool(j, true);
    mb_json_bool(j, false);
    mb_json_end_array(j);
    mb_json_key(j, "c");
    mb_json_begin_object(j);
    mb_json_end_object(j);
    mb_json_key(j, "d");
    mb_json_decimal(j, -5, -1);
    mb_json_key(j, "e");
    mb_json_string(j, "x");
    mb_json_end_object(j);
}

static void nesting_and_commas(void **state)
{
    (void)state;
    expect_program(build_nested, NULL,
                   "{\"a\":[1,2,{\"b\":null},[],true,false],\"c\":{},\"d\":-0.5,\"e\":\"x\"}");
}

static void build_scalars(mb_json_t *j, const void *arg)
{
    switch (*(const int *)arg) {
    case 0: mb_json_null(j); break;
    case 1: mb_json_bool(j, true); break;
    case 2: mb_json_bool(j, false); break;
    case 3:
        mb_json_begin_array(j);
        mb_json_end_array(j);
        break;
    default:
        mb_json_begin_object(j);
        mb_json_end_object(j);
        break;
    }
}

static void top_level_values(void **state)
{
    (void)state;
    static const char *const want[] = {"null", "true", "false", "[]", "{}"};
    for (int i = 0; i < 5; i++) {
        expect_program(build_scalars, &i, want[i]);
    }
}

static void build_depth(mb_json_t *j, const void *arg)
{
    int n = *(const int *)arg;
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0) {
            mb_json_begin_array(j);
        } else {
            mb_json_begin_object(j);
            mb_json_key(j, "k");
        }
    }
    mb_json_null(j);
    for (int i = n; i-- > 0;) {
        if (i % 2 == 0) {
            mb_json_end_array(j);
        } else {
            mb_json_end_object(j);
        }
    }
}

/* MB_JSON_MAX_DEPTH levels of nesting are allowed, one more is refused. */
static void depth_limit(void **state)
{
    (void)state;
    char want[200];
    size_t n = 0;
    int depth = (int)MB_JSON_MAX_DEPTH;
    for (int i = 0; i < depth; i++) {
        n += (size_t)sprintf(want + n, i % 2 == 0 ? "[" : "{\"k\":");
    }
    n += (size_t)sprintf(want + n, "null");
    for (int i = depth; i-- > 0;) {
        want[n++] = i % 2 == 0 ? ']' : '}';
    }
    want[n] = '\0';
    expect_program(build_depth, &depth, want);
    depth++;
    expect_misuse(build_depth, &depth);
}

static void misuse(mb_json_t *j, const void *arg)
{
    switch (*(const int *)arg) {
    case 0: break; /* nothing: not a JSON text */
    case 1: mb_json_end_object(j); break;
    case 2: mb_json_begin_object(j); break;
    case 3:
        mb_json_begin_array(j);
        mb_json_end_object(j);
        break;
    case 4:
        mb_json_begin_object(j);
        mb_json_end_array(j);
        break;
    case 5:
        mb_json_begin_object(j);
        mb_json_key(j, "k");
        mb_json_end_object(j);
        break;
    case 6: mb_json_key(j, "k"); break; /* a key outside an object */
    case 7:
        mb_json_key(j, "k");
        mb_json_int(j, 1);
        break;
    case 8:
        mb_json_begin_array(j);
        mb_json_key(j, "k");
        mb_json_int(j, 1);
        mb_json_end_array(j);
        break;
    case 9: /* a value without a key inside an object */
        mb_json_begin_object(j);
        mb_json_int(j, 1);
        mb_json_end_object(j);
        break;
    case 10:
        mb_json_begin_object(j);
        mb_json_key(j, "a");
        mb_json_int(j, 1);
        mb_json_null(j);
        mb_json_end_object(j);
        break;
    case 11: /* two values at the top */
        mb_json_int(j, 1);
        mb_json_int(j, 2);
        break;
    case 12:
        mb_json_begin_object(j);
        mb_json_end_object(j);
        mb_json_begin_array(j);
        mb_json_end_array(j);
        break;
    case 13:
        mb_json_begin_object(j);
        mb_json_key(j, "a");
        mb_json_key(j, "b");
        mb_json_int(j, 1);
        mb_json_end_object(j);
        break;
    case 14: /* a record in an object without a key */
    {
        mb_record_t rec;
        memset(&rec, 0, sizeof rec);
        mb_json_begin_object(j);
        mb_json_record(j, &rec);
        mb_json_end_object(j);
        break;
    }
    default:
        mb_json_end_array(j);
        mb_json_begin_array(j);
        break;
    }
}

static void misuse_is_refused(void **state)
{
    (void)state;
    for (int i = 0; i <= 15; i++) {
        expect_misuse(misuse, &i);
    }
}

static void init_arguments(void **state)
{
    (void)state;
    mb_json_t j;
    mb_json_init(&j, NULL, 10);
    mb_json_int(&j, 1);
    assert_int_equal(mb_json_finish(&j), MB_ERR_ARG);
    assert_int_equal(mb_json_finish(NULL), MB_ERR_ARG);
    mb_json_init(NULL, area, 10); /* ignored */
    char one = 'x';
    mb_json_init(&j, &one, 0);
    mb_json_null(&j);
    assert_int_equal(mb_json_finish(&j), MB_ERR_NOSPACE);
    assert_int_equal(one, 'x');
}

/* Once a write did not fit, nothing later writes, even what would fit. */
static void nospace_is_sticky(void **state)
{
    (void)state;
    char buf[16];
    memset(buf, 0x5A, sizeof buf);
    mb_json_t j;
    mb_json_init(&j, buf, 8);
    mb_json_begin_array(&j);
    mb_json_string(&j, "longer than the room");
    mb_json_int(&j, 1);
    mb_json_end_array(&j);
    assert_int_equal(mb_json_finish(&j), MB_ERR_NOSPACE);
    assert_int_equal(buf[0], '\0');
    for (size_t i = 8; i < sizeof buf; i++) {
        assert_int_equal((unsigned char)buf[i], 0x5Au);
    }
}

/* ---- records ------------------------------------------------------------------------------ */

static void build_record(mb_json_t *j, const void *arg) { mb_json_record(j, arg); }

static const uint8_t dib_0c[] = {0x0C};
static const uint8_t vib_14[] = {0x14};

/* A record as the decoder would give for DIF 0C VIF 14 (volume 10^-2 m3), then changed. */
static void rec_base(mb_record_t *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->dib = dib_0c;
    rec->dib_len = 1;
    rec->vib = vib_14;
    rec->vib_len = 1;
    rec->quantity = MB_Q_VOLUME;
    rec->unit = MB_UNIT_M3;
    rec->value.kind = MB_VALUE_NUMBER;
    rec->value.mantissa = 2850427;
    rec->value.exponent = -2;
}

#define REC_HEAD                                                                                \
    "{\"dif\":\"0c\",\"vif\":\"14\",\"storage\":0,\"tariff\":0,\"subunit\":0,\"function\":" NM( \
        "instantaneous", 0) ",\"quantity\":" NM("volume", 2) ",\"unit\":\"" UN("m3") "\""

static void record_number(void **state)
{
    (void)state;
    mb_record_t rec;
    rec_base(&rec);
    expect_program(build_record, &rec, REC_HEAD ",\"value\":28504.27}");

    /* Storage, tariff and subunit at their widths (41, 20, 10 bits); maximum. */
    rec.storage = (UINT64_C(1) << 41) - 1u;
    rec.tariff = (1u << 20) - 1u;
    rec.subunit = 1023;
    rec.function = MB_FN_MAXIMUM;
    rec.value.mantissa = -5;
    rec.value.exponent = 0;
    expect_program(build_record, &rec,
                   "{\"dif\":\"0c\",\"vif\":\"14\",\"storage\":2199023255551,\"tariff\":1048575,"
                   "\"subunit\":1023,\"function\":" NM("maximum", 1) ",\"quantity\":" NM(
                       "volume", 2) ",\"unit\":\"" UN("m3") "\",\"value\":-5}");
}

static void record_value_kinds(void **state)
{
    (void)state;
    mb_record_t rec;
    rec_base(&rec);

    rec.value.kind = MB_VALUE_NONE;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":null}");

    static const uint8_t bin[] = {0x01, 0x02, 0xA3, 0xFF};
    rec.value.kind = MB_VALUE_BINARY;
    rec.value.bytes = bin;
    rec.value.len = sizeof bin;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"0102a3ff\"}");

    /* BCD with a hex digit: the digits as printed, most significant first (sent LSB first). */
    static const uint8_t bcd[] = {0x3E, 0x02, 0x00, 0x05};
    rec.value.kind = MB_VALUE_NUMBER;
    rec.value.flags = MB_VALUE_BCD_HEX | MB_VALUE_INVALID;
    rec.value.bytes = bcd;
    rec.value.len = sizeof bcd;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"0500023E\",\"invalid\":true}");

    /* Too large for int64: the bytes as sent. */
    static const uint8_t big[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    rec.value.flags = MB_VALUE_OVERFLOW;
    rec.value.bytes = big;
    rec.value.len = sizeof big;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"ffffffffffffffff\"}");

    /* A text, sent last character first: "Aä" came as E4 41 (ISO 8859-1 ä = E4, UTF-8 C3 A4). */
    static const uint8_t text[] = {0xE4, 0x41};
    rec.value.flags = 0;
    rec.value.kind = MB_VALUE_TEXT;
    rec.value.bytes = text;
    rec.value.len = sizeof text;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"A\xC3\xA4\"}");

    /* Every ISO 8859-1 character class: escapes, ASCII, C1 controls and letters above 0x80. */
    static const uint8_t mixed[] = {0xFF, 0xC0, 0xA0, 0x80, 0x7F, '\\', '"', 0x00, 0x1F, 'z'};
    rec.value.bytes = mixed;
    rec.value.len = sizeof mixed;
    expect_program(build_record, &rec,
                   REC_HEAD ",\"value\":\"z\\u001f\\u0000\\\"\\\\\\u007f\xC2\x80\xC2\xA0\xC3\x80"
                            "\xC3\xBF\"}");

    rec.value.len = 0;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"\"}");

    rec.value.kind = MB_VALUE_DATE;
    rec.value.datetime = (mb_datetime_t){2008, 5, 31, 23, 50, 12, 0, 'I', 0};
    rec.value.datetime.flags = MB_DT_HAS_DATE | MB_DT_HAS_TIME | MB_DT_HAS_SECOND;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"2008-05-31T23:50:12\"}");
    rec.value.datetime.flags = MB_DT_HAS_DATE | MB_DT_HAS_TIME;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"2008-05-31T23:50\"}");
    rec.value.datetime.flags = MB_DT_HAS_DATE;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"2008-05-31\"}");
    rec.value.datetime = (mb_datetime_t){0, 0, 0, 7, 5, 9, 0, 'J', 0};
    rec.value.datetime.flags = MB_DT_HAS_TIME | MB_DT_HAS_SECOND;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"07:05:09\"}");
    rec.value.datetime = (mb_datetime_t){1999, 1, 2, 0, 0, 0, 0, 'G', MB_DT_HAS_DATE};
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"1999-01-02\"}");
    rec.value.datetime = (mb_datetime_t){2327, 12, 1, 0, 0, 0, 0, 'F', MB_DT_HAS_DATE};
    rec.value.flags = MB_VALUE_INVALID;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"2327-12-01\",\"invalid\":true}");

    /*
     * Wildcards: fields as sent and "periodic"; the year wildcard (year code 127, which reads as
     * 2027) as ISO 8601's month and day of no year.
     */
    rec.value.flags = MB_VALUE_PERIODIC;
    rec.value.datetime = (mb_datetime_t){2008, 5, 0, 0, 0, 0, 0, 'G', 0};
    rec.value.datetime.flags = MB_DT_HAS_DATE | MB_DT_PERIODIC;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"2008-05-00\",\"periodic\":true}");
    rec.value.datetime = (mb_datetime_t){2027, 1, 1, 0, 0, 0, 0, 'G', 0};
    rec.value.datetime.flags = MB_DT_HAS_DATE | MB_DT_PERIODIC | MB_DT_EVERY_YEAR;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"--01-01\",\"periodic\":true}");
    rec.value.datetime = (mb_datetime_t){2127, 12, 24, 18, 0, 0, 0, 'F', 0};
    rec.value.datetime.flags = MB_DT_HAS_DATE | MB_DT_HAS_TIME | MB_DT_PERIODIC | MB_DT_EVERY_YEAR;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"--12-24T18:00\",\"periodic\":true}");
    rec.value.datetime = (mb_datetime_t){0, 0, 0, 31, 63, 0, 0, 'J', 0};
    rec.value.datetime.flags = MB_DT_HAS_TIME | MB_DT_HAS_SECOND | MB_DT_PERIODIC;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":\"31:63:00\",\"periodic\":true}");
}

#if MB_ENABLE_REAL32
typedef struct real_case {
    float f;
    int8_t exponent;
    const char *want;
} real_case_t;

/* A float with its 9 significant digits (trailing zeros dropped), shifted by the exponent. */
static void record_real32(void **state)
{
    (void)state;
    static const real_case_t cases[] = {
        {1.5f, 0, "1.5"},
        {1.5f, -3, "0.0015"},
        {-0.25f, 0, "-0.25"},
        {100.0f, 0, "100"},
        {100.0f, -2, "1"}, /* 1 * 10^0 after the zeros of 100 are shifted out */
        {0.0f, -3, "0"},   /* zero of a float has no resolution to keep */
        {-0.0f, 0, "0"},
        {0.1f, 0, "0.100000001"}, /* 0.100000001490116... */
        {16777216.0f, 0, "16777216"},
        {3.0e9f, 0, "3000000000"},
        {3.4028235e38f, 0, "340282347000000000000000000000000000000"},
        {123456789.0f, 0, "123456792"}, /* the float nearest is 123456792 */
        {2.5f, 3, "2500"},
    };
    mb_record_t rec;
    char want[300];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rec_base(&rec);
        rec.value.kind = MB_VALUE_REAL;
        rec.value.real = cases[i].f;
        rec.value.exponent = cases[i].exponent;
        snprintf(want, sizeof want, REC_HEAD ",\"value\":%s}", cases[i].want);
        expect_program(build_record, &rec, want);
    }
    /* NaN and infinity have no JSON number. */
    rec_base(&rec);
    rec.value.kind = MB_VALUE_REAL;
    union {
        uint32_t u;
        float f;
    } bits;
    bits.u = 0x7FC00000u;
    rec.value.real = bits.f;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":null}");
    bits.u = 0xFF800000u;
    rec.value.real = bits.f;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":null}");
    /* The smallest subnormal, 2^-149 = 1.40129846432...e-45: 45 places before its 9 digits. */
    bits.u = 1u;
    rec.value.real = bits.f;
    rec.value.exponent = 0;
    strcpy(want, REC_HEAD ",\"value\":0.");
    size_t n = strlen(want);
    memset(want + n, '0', 44);
    strcpy(want + n + 44, "140129846}");
    expect_program(build_record, &rec, want);
}
#endif

static void record_optional_members(void **state)
{
    (void)state;
    mb_record_t rec;
    rec_base(&rec);
    static const uint8_t unit_text[] = {'h', 'W', 0xB5}; /* "µWh" sent last character first */
    rec.flags = MB_RECORD_TEXT_UNIT | MB_RECORD_ERROR | MB_RECORD_ACTION | MB_RECORD_UNKNOWN_VIFE;
    rec.text_unit = unit_text;
    rec.text_unit_len = sizeof unit_text;
    rec.per = MB_PER_HOUR;
    rec.phase = MB_PHASE_L1_L2;
    rec.limit = 0x48;
    rec.error = 0x15;
    rec.action = 0x07;
    rec.vife_flags = MB_VIFE_AVERAGE | MB_VIFE_ACCUMULATION_ABSOLUTE | MB_VIFE_OFFSET;
    rec.value.flags = MB_VALUE_INVALID;
    expect_program(
        build_record, &rec,
        REC_HEAD ",\"value\":28504.27,\"text_unit\":\"\xC2\xB5Wh\",\"per\":" NM(
            "per_hour",
            3) ",\"phase\":" NM("L1-L2",
                                5) ",\"limit\":" NM("upper_limit_value",
                                                    72) ",\"error\":" NM("no_data",
                                                                         21) ",\"action\""
                                                                             ":" NM(
                                                                                 "clea"
                                                                                 "r",
                                                                                 7) ","
                                                                                    "\""
                                                                                    "fl"
                                                                                    "ag"
                                                                                    "s"
                                                                                    "\""
                                                                                    ":"
                                                                                    "["
                                                                                    "\"average\""
                                                                                    ","
                                                                                    "\"accumulation"
                                                                                    "_absolute\""
                                                                                    ","
                                                                                    "\"offset\""
                                                                                    "],\"unknown_"
                                                                                    "vife\":true,"
                                                                                    "\"invalid\":"
                                                                                    "true}");

    /* Every flag in bit order: flag names are written even without text tables. */
    rec_base(&rec);
    rec.vife_flags = 0x1FFFFFFu;
    expect_program(build_record, &rec,
                   REC_HEAD ",\"value\":28504.27,\"flags\":["
                            "\"average\""
                            ","
                            "\"inverse_compact_profile\""
                            ","
                            "\"relative_deviation\""
                            ","
                            "\"standard_conform\""
                            ",\"compact_profile_registers\","
                            "\"compact_profile\""
                            ","
                            "\"start_date\""
                            ","
                            "\"uncorrected\""
                            ","
                            "\"accumulation_positive\""
                            ","
                            "\"accumulation_negative\""
                            ","
                            "\"non_metric\""
                            ","
                            "\"base_conditions\""
                            ","
                            "\"obis\""
                            ","
                            "\"leakage\""
                            ","
                            "\"overflow_values\""
                            ","
                            "\"future_value\""
                            ","
                            "\"manufacturer_vife\""
                            ","
                            "\"accumulation_absolute\""
                            ","
                            "\"type_c\""
                            ","
                            "\"type_d\""
                            ","
                            "\"to_meter\""
                            ","
                            "\"from_meter\""
                            ","
                            "\"delta_import_export\""
                            ","
                            "\"multiplied\""
                            ","
                            "\"offset\""
                            "]}");
    rec_base(&rec);
    rec.phase = MB_QUADRANT_Q4;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":28504.27,\"phase\":" NM("Q4", 11) "}");
    rec_base(&rec);
    rec.flags = MB_RECORD_ERROR;
    rec.error = 0x00;
    expect_program(build_record, &rec, REC_HEAD ",\"value\":28504.27,\"error\":" NM("none", 0) "}");
}

/* Records inside arrays get their commas; a record may follow other values. */
/*
 * Codes outside the name tables are written as numbers (the unit as ""), and vife_flags bits
 * that no flag name stands for are left out: a record from the caller may hold anything, and
 * bits above MB_VIFE_OFFSET once read past the table of flag names.
 */
static void record_codes_without_names(void **state)
{
    (void)state;
    mb_record_t rec;
    rec_base(&rec);
    rec.function = (mb_function_t)7;
    rec.quantity = (mb_quantity_t)200;
    rec.unit = (mb_unit_t)200;
    rec.vife_flags = MB_VIFE_AVERAGE | (1ul << 25) | (1ul << 31);
    expect_program(build_record, &rec,
                   "{\"dif\":\"0c\",\"vif\":\"14\",\"storage\":0,\"tariff\":0,\"subunit\":0,"
                   "\"function\":7,\"quantity\":200,\"unit\":\"\",\"value\":28504.27,"
                   "\"flags\":[\"average\"]}");
    rec.vife_flags = 0xFE000000u; /* none with a name: no "flags" */
    expect_program(build_record, &rec,
                   "{\"dif\":\"0c\",\"vif\":\"14\",\"storage\":0,\"tariff\":0,\"subunit\":0,"
                   "\"function\":7,\"quantity\":200,\"unit\":\"\",\"value\":28504.27}");
}

static void build_records_in_array(mb_json_t *j, const void *arg)
{
    mb_json_begin_array(j);
    mb_json_record(j, arg);
    mb_json_int(j, 1);
    mb_json_record(j, arg);
    mb_json_end_array(j);
}

static void records_in_array(void **state)
{
    (void)state;
    mb_record_t rec;
    rec_base(&rec);
    rec.value.mantissa = 1;
    rec.value.exponent = 0;
    expect_program(build_records_in_array, &rec,
                   "[" REC_HEAD ",\"value\":1},1," REC_HEAD ",\"value\":1}]");
}

/* ---- frames ------------------------------------------------------------------------------- */

typedef struct frame_job {
    uint8_t wire[300];
    size_t len;
    mb_frame_t frame;
    unsigned options;
} frame_job_t;

/* A long frame 68 L L 68 C A CI data CS 16 (EN 13757-2), its checksum the sum of C..data. */
static void long_frame(frame_job_t *fj, uint8_t c, uint8_t a, uint8_t ci, const char *data_hex)
{
    uint8_t data[260];
    size_t n = hx(data_hex, data, sizeof data);
    assert_true(n >= 1u && n <= 252u);
    uint8_t *w = fj->wire;
    w[0] = 0x68;
    w[1] = w[2] = (uint8_t)(n + 3u);
    w[3] = 0x68;
    w[4] = c;
    w[5] = a;
    w[6] = ci;
    memcpy(w + 7, data, n);
    unsigned sum = c + a + ci;
    for (size_t i = 0; i < n; i++) {
        sum += data[i];
    }
    w[7 + n] = (uint8_t)sum;
    w[8 + n] = 0x16;
    fj->len = n + 9u;
    fj->options = 0;
    assert_int_equal(mb_frame_decode(fj->wire, fj->len, &fj->frame), MB_OK);
}

static void raw_frame(frame_job_t *fj, const char *hex)
{
    fj->len = hx(hex, fj->wire, sizeof fj->wire);
    fj->options = 0;
    assert_int_equal(mb_frame_decode(fj->wire, fj->len, &fj->frame), MB_OK);
}

static int run_frame(const void *arg, char *buf, size_t cap)
{
    const frame_job_t *fj = arg;
    int decode_error = 12345;
    int r = mb_json_frame(&fj->frame, fj->options, buf, cap, &decode_error);
    assert_true(decode_error != 12345);
    return r;
}

static void expect_frame(const frame_job_t *fj, const char *want, int decode_error)
{
    expect_doc(run_frame, fj, want);
    char buf[DOC_MAX];
    int err = 12345;
    assert_int_equal(mb_json_frame(&fj->frame, fj->options, buf, sizeof buf, &err),
                     (int)strlen(want));
    assert_int_equal(err, decode_error);
    /* decode_error may be NULL */
    assert_int_equal(mb_json_frame(&fj->frame, fj->options, buf, sizeof buf, NULL),
                     (int)strlen(want));
}

/*
 * Long header (EN 13757-3): ID 12345678 (BCD, LSB first), manufacturer ELS (0x1593:
 * E=5, L=12, S=19; 5<<10 | 12<<5 | 19), version 0x33 = 51, device type 03 gas, access 0x2A = 42,
 * status 0, configuration 0.
 */
#define LONG_HEADER "78 56 34 12 93 15 33 03 2A 00 00 00"
#define LONG_HEADER_OUT                                                            \
    ",\"id\":\"12345678\",\"manufacturer\":\"ELS\",\"version\":51,\"medium\":" NM( \
        "gas", 3) ",\"access\":42,\"status\":0,\"configuration\":0"
#define FRAME_HEAD(c, a, ci) \
    "{\"frame\":" NM("long", 5) ",\"c\":\"" c "\",\"a\":" a ",\"ci\":\"" ci "\""

#define FIELDS0 "\"storage\":0,\"tariff\":0,\"subunit\":0,\"function\":" NM("instantaneous", 0)

/*
 * The head's slots and small integers: ID digits A..F, manufacturer letters out of range ("?"),
 * three-digit address, version, access number and status; no records.
 */
static void frame_head_fields(void **state)
{
    (void)state;
    frame_job_t fj;
    long_frame(&fj, 0x08, 0x99, 0x72, "4D 3C 2B 1A FF FF 64 07 FF 80 00 00");
    expect_frame(
        &fj,
        FRAME_HEAD("08", "153",
                   "72") ",\"id\":\"1A2B3C4D\",\"manufacturer\":\"???\","
                         "\"version\":100,\"medium\":" NM(
                             "water",
                             7) ",\"access\":255,\"status\":128,"
                                "\"configuration\":0,\"records\":[],\"more_records_follow\":false}",
        MB_OK);
}

static void frame_gas_meter(void **state)
{
    (void)state;
    frame_job_t fj;
    /*
     * 0C 14 27 04 85 02: 8-digit BCD, volume 10^-2 m3, digits 02850427 -> 28504.27 m3.
     * 04 6D 32 17 1F 15: 32-bit date/time type F: minute 0x32 = 50, hour 0x17 = 23, day 0x1F =
     * 31 with year bits 0, month 5 with year bits 1 (<< 3) -> year 08 -> 2008-05-31T23:50.
     * 02 FD 17 00 00: 16-bit integer, error flags, 0.
     */
    long_frame(&fj, 0x08, 0xFD, 0x72,
               LONG_HEADER " 0C 14 27 04 85 02 04 6D 32 17 1F 15 02 FD 17 00 00");
    expect_frame(&fj,
                 FRAME_HEAD("08", "253", "72") LONG_HEADER_OUT
                 ",\"records\":["
                 "{\"dif\":\"0c\",\"vif\":\"14\"," FIELDS0
                 ",\"quantity\":" NM("volume", 2) ",\"unit\":\"" UN(
                     "m3") "\",\"value\":28504.27},"
                           "{\"dif\":\"04\",\"vif\":\"6d\"," FIELDS0 ",\"quantity\":" NM(
                               "date_time",
                               15) ",\"unit\":\"\",\"value\":\"2008-05-31T23:50\"},"
                                   "{\"dif\":\"02\",\"vif\":\"fd17\"," FIELDS0 ",\"quantity\":" NM(
                                       "error_flags", 59) ",\"unit\":\"\",\"value\":0}"
                                                          "],\"more_records_follow\":false}",
                 MB_OK);
}

static void frame_record_variety(void **state)
{
    (void)state;
    frame_job_t fj;
    /*
     * C4 31 06 39 30 00 00: DIF C4 = extension, storage bit 1, 32-bit integer; DIFE 31 = tariff
     *   3, storage bits 1 -> storage 1 | 1 << 1 = 3; VIF 06 energy 10^3 Wh; 12345 -> 12345000.
     * 12 59 66 08: DIF 12 maximum, 16-bit; VIF 59 flow temperature 10^-2 °C; 2150 -> 21.50.
     * 02 5A 9C FF: 16-bit -100, VIF 5A flow temperature 10^-1 °C -> -10.0.
     * 0C 78 3E 02 00 05: fabrication number in BCD with a hex digit: "0500023E", invalid.
     * 0D FD 11 02 E4 41: customer, text of 2 characters sent last first: "A", "ä".
     * 04 FD 72 01 02 03 04: daylight saving (type K, not decoded): its bytes.
     * 84 40 13 01 00 00 00: DIFE 40 = subunit 1; volume 10^-3 m3, 1 -> 0.001.
     * 1F AA BB: more records follow, then manufacturer data AA BB.
     */
    long_frame(&fj, 0x28, 0x01, 0x72,
               LONG_HEADER " C4 31 06 39 30 00 00 12 59 66 08 02 5A 9C FF 0C 78 3E 02 00 05"
                           " 0D FD 11 02 E4 41 04 FD 72 01 02 03 04 84 40 13 01 00 00 00"
                           " 1F AA BB");
    expect_frame(
        &fj,
        FRAME_HEAD("28", "1", "72") LONG_HEADER_OUT
        ",\"records\":["
        "{\"dif\":\"c431\",\"vif\":\"06\",\"storage\":3,\"tariff\":3,\"subunit\":0,"
        "\"function\":" NM("instantaneous", 0) ",\"quantity\":" NM("energy", 1) ",\"unit\":\"" UN(
            "Wh") "\","
                  "\"value\":"
                  "12345000},"
                  "{\"dif\":\"12\",\"vif\":\"59\",\"storage\":0,\"tariff\":0,\"subunit\":0,"
                  "\"function\":" NM("maximum", 1) ",\"quantity\":" NM(
                      "flow_temperature",
                      9) ",\"unit\":\"" UN("\xC2\xB0"
                                           "C") "\",\"value\":21.50},"
                                                "{\"dif\":\"02\",\"vif\":\"5a\"," FIELDS0
                                                ",\"quantity\":" NM(
                                                    "flow_temperature",
                                                    9) ",\"unit\":\"" UN("\xC2\xB0"
                                                                         "C") "\",\"value\":-10.0},"
                                                                              "{\"dif\":\"0c\","
                                                                              "\"vif\":"
                                                                              "\"78\"," FIELDS0
                                                                              ",\"quantity\":" NM(
                                                                                  "fabrication_"
                                                                                  "number",
                                                                                  19) ",\"unit\":"
                                                                                      "\"\","
                                                                                      "\"value\":"
                                                                                      "\"0500023E\""
                                                                                      ",\"invalid\""
                                                                                      ":true},"
                                                                                      "{\"dif\":"
                                                                                      "\"0d\","
                                                                                      "\"vif\":"
                                                                                      "\"fd11\""
                                                                                      "," FIELDS0
                                                                                      ",\"quantity"
                                                                                      "\":" NM(
                                                                                          "custome"
                                                                                          "r",
                                                                                          53) ",\"u"
                                                                                              "nit"
                                                                                              "\":"
                                                                                              "\"\""
                                                                                              ",\"v"
                                                                                              "alue"
                                                                                              "\":"
                                                                                              "\"A"
                                                                                              "\xC3"
                                                                                              "\xA4"
                                                                                              "\"},"
                                                                                              "{\"d"
                                                                                              "if\""
                                                                                              ":\"0"
                                                                                              "4\","
                                                                                              "\"vi"
                                                                                              "f\":"
                                                                                              "\"fd"
                                                                                              "72\""
                                                                                              "," FIELDS0
                                                                                              ",\"q"
                                                                                              "uant"
                                                                                              "ity"
                                                                                              "\""
                                                                                              ":" NM(
                                                                                                  "daylight_saving",
                                                                                                  96) ",\"unit\":\"\",\"value\":\"01020304\"},"
                                                                                                      "{\"dif\":\"8440\",\"vif\":\"13\",\"storage\":0,\"tariff\":0,\"subunit\":1,\"function\":" NM(
                                                                                                          "instantaneous",
                                                                                                          0) ",\"quantity\":" NM("volume",
                                                                                                                                 2) ",\"unit\":\"" UN("m3") "\","
                                                                                                                                                            "\"value\":"
                                                                                                                                                            "0.001}"
                                                                                                                                                            "],\"more_records_follow\":true,\"manufacturer_data\":\"aabb\"}",
        MB_OK);
}

#if MB_ENABLE_REAL32
static void frame_real32(void **state)
{
    (void)state;
    frame_job_t fj;
    /* 05 13 00 00 C0 3F: 32-bit real 1.5 (0x3FC00000), volume 10^-3 m3 -> 0.0015 */
    long_frame(&fj, 0x08, 0x01, 0x72, LONG_HEADER " 05 13 00 00 C0 3F");
    expect_frame(&fj,
                 FRAME_HEAD("08", "1", "72") LONG_HEADER_OUT
                 ",\"records\":[{\"dif\":\"05\",\"vif\":\"13\"," FIELDS0 ",\"quantity\":" NM(
                     "volume", 2) ",\"unit\":\"" UN("m3") "\",\"value\":0.0015}],"
                                                          "\"more_records_follow\":false}",
                 MB_OK);
}
#endif

static void frame_no_records(void **state)
{
    (void)state;
    frame_job_t fj;
    /* 2F: a filler only; the record list is empty. */
    long_frame(&fj, 0x08, 0x00, 0x72, LONG_HEADER " 2F");
    expect_frame(&fj,
                 FRAME_HEAD("08", "0", "72") LONG_HEADER_OUT
                 ",\"records\":[],\"more_records_follow\":false}",
                 MB_OK);
}

/* The records before an undecodable one, then the error with its offset. */
static void frame_record_error(void **state)
{
    (void)state;
    frame_job_t fj;
    char want[1024];
    /* The second record (offset 6) promises 4 BCD bytes and has 2. */
    long_frame(&fj, 0x08, 0x05, 0x72, LONG_HEADER " 0C 14 27 04 85 02 0C 14 01 02");
    snprintf(want, sizeof want,
             FRAME_HEAD("08", "5", "72") LONG_HEADER_OUT
             ",\"records\":[{\"dif\":\"0c\",\"vif\":\"14\"," FIELDS0
             ",\"quantity\":" NM("volume", 2) ",\"unit\":\"" UN(
                 "m3") "\",\"value\":28504.27}],"
                       "\"error\":{\"code\":" NM("rec_data_truncated",
                                                 32) ",\"message\":\"%s\",\"offset\":6}}",
             mb_strerror(MB_ERR_REC_DATA_TRUNCATED));
    expect_frame(&fj, want, MB_ERR_REC_DATA_TRUNCATED);

    /* A reserved DIF first: no records at all. */
    long_frame(&fj, 0x08, 0x05, 0x72, LONG_HEADER " 3F 13 00");
    snprintf(want, sizeof want,
             FRAME_HEAD("08", "5", "72") LONG_HEADER_OUT ",\"records\":[],\"error\":{\"code\":" NM(
                 "rec_reserved_dif", 35) ",\"message\":\"%s\",\"offset\":0}}",
             mb_strerror(MB_ERR_REC_RESERVED_DIF));
    expect_frame(&fj, want, MB_ERR_REC_RESERVED_DIF);
}

static void frame_short_header(void **state)
{
    (void)state;
    frame_job_t fj;
    /* CI 7A: short header ACC 0x10 = 16, status 0x04, CF 0x0000; then 01 FD 0C 07. */
    long_frame(&fj, 0x08, 0x07, 0x7A, "10 04 00 00 01 FD 0C 07");
    expect_frame(
        &fj,
        FRAME_HEAD("08", "7", "7a") ",\"access\":16,\"status\":4,\"configuration\":0"
                                    ",\"records\":[{\"dif\":\"01\",\"vif\":\"fd0c\"," FIELDS0
                                    ",\"quantity\":" NM("model_version",
                                                        48) ",\"unit\":\"\",\"value\":7}],"
                                                            "\"more_records_follow\":false}",
        MB_OK);
}

static void frame_header_too_short(void **state)
{
    (void)state;
    frame_job_t fj;
    char want[512];
    long_frame(&fj, 0x08, 0x05, 0x72, "78 56 34 12 93");
    snprintf(want, sizeof want,
             FRAME_HEAD("08", "5", "72") ",\"error\":{\"code\":" NM("tpl_short",
                                                                    20) ",\"message\":\"%s\"}}",
             mb_strerror(MB_ERR_TPL_SHORT));
    expect_frame(&fj, want, MB_ERR_TPL_SHORT);
}

static void frame_encrypted(void **state)
{
    (void)state;
    frame_job_t fj;
    /* Configuration field 0x0510: security mode 5 (bits 12..8), one encrypted block. */
    long_frame(&fj, 0x08, 0x05, 0x72, "78 56 34 12 93 15 33 07 01 00 10 05 2F 2F 01 02");
    expect_frame(
        &fj,
        FRAME_HEAD(
            "08", "5",
            "72") ",\"id\":\"12345678\",\"manufacturer\":\"ELS\","
                  "\"version\":51,\"medium\":" NM(
                      "water",
                      7) ",\"access\":1,\"status\":0,\"configuration\":1296,\"encrypted\":true,"
                         "\"security_mode\":5,\"data\":\"2f2f0102\"}",
        MB_OK);
}

static void frame_app_error_and_alarm(void **state)
{
    (void)state;
    frame_job_t fj;
    /* CI 70 application error 08: busy (EN 13757-3 application error codes). */
    long_frame(&fj, 0x08, 0x05, 0x70, "08");
    expect_frame(
        &fj, FRAME_HEAD("08", "5", "70") ",\"app_error\":{\"code\":8,\"name\":" NM("busy", 8) "}}",
        MB_OK);
    long_frame(&fj, 0x08, 0x05, 0x71, "02");
    expect_frame(&fj, FRAME_HEAD("08", "5", "71") ",\"alarm\":\"02\"}", MB_OK);
    /* Manufacturer specific CI A0: the data as hex. */
    long_frame(&fj, 0x08, 0x05, 0xA0, "DE AD BE EF");
    expect_frame(&fj, FRAME_HEAD("08", "5", "a0") ",\"data\":\"deadbeef\"}", MB_OK);
}

static void frame_link_only(void **state)
{
    (void)state;
    frame_job_t fj;
    raw_frame(&fj, "E5");
    expect_frame(&fj, "{\"frame\":" NM("ACK", 1) "}", MB_OK);
    /* 10 5B FE 59 16: REQ_UD2 to 254, checksum 5B + FE = 0x159 -> 59. */
    raw_frame(&fj, "10 5B FE 59 16");
    expect_frame(&fj, "{\"frame\":" NM("short", 3) ",\"c\":\"5b\",\"a\":254}", MB_OK);
    /* Control frame SND_UD to 254 with CI BD (baud rate 38400): 53 + FE + BD = 0x20E -> 0E. */
    raw_frame(&fj, "68 03 03 68 53 FE BD 0E 16");
    expect_frame(&fj, "{\"frame\":" NM("control", 4) ",\"c\":\"53\",\"a\":254,\"ci\":\"bd\"}",
                 MB_OK);
}

static void frame_arguments(void **state)
{
    (void)state;
    int err = 12345;
    char buf[64];
    assert_int_equal(mb_json_frame(NULL, 0, buf, sizeof buf, &err), MB_ERR_ARG);
    frame_job_t fj;
    raw_frame(&fj, "E5");
    assert_int_equal(mb_json_frame(&fj.frame, 0, NULL, 64, &err), MB_ERR_ARG);
}

/* ---- mb_json_error ------------------------------------------------------------------------ */

typedef struct err_job {
    int err;
} err_job_t;

static int run_error(const void *arg, char *buf, size_t cap)
{
    return mb_json_error(((const err_job_t *)arg)->err, buf, cap);
}

static void error_documents(void **state)
{
    (void)state;
    char want[512];
    err_job_t e = {MB_ERR_FRAME_CHECKSUM};
    snprintf(want, sizeof want,
             "{\"error\":{\"code\":" NM("frame_checksum", 18) ",\"message\":\"%s\"}}",
             mb_strerror(MB_ERR_FRAME_CHECKSUM));
    expect_doc(run_error, &e, want);
    e.err = MB_ERR_NOSPACE;
    snprintf(want, sizeof want, "{\"error\":{\"code\":" NM("nospace", 2) ",\"message\":\"%s\"}}",
             mb_strerror(MB_ERR_NOSPACE));
    expect_doc(run_error, &e, want);
#if MB_ENABLE_TEXT
    /* The names and messages the header documents, literally. */
    e.err = MB_ERR_TPL_SHORT;
    expect_doc(run_error, &e,
               "{\"error\":{\"code\":\"tpl_short\",\"message\":\"transport header: data too "
               "short\"}}");
    e.err = -1000;
    snprintf(want, sizeof want, "{\"error\":{\"code\":\"unknown\",\"message\":\"%s\"}}",
             mb_strerror(-1000));
    expect_doc(run_error, &e, want);
#endif
    assert_int_equal(mb_json_error(MB_ERR_ARG, NULL, 100), MB_ERR_ARG);
}

/* The documents of every telegram in this file are valid for every error code. */
static void error_all_codes_fit(void **state)
{
    (void)state;
    for (int err = 0; err >= -40; err--) {
        char buf[300];
        int r = mb_json_error(err, buf, sizeof buf);
        assert_true(r > 0);
        assert_int_equal((size_t)r, strlen(buf));
        assert_true(strncmp(buf, "{\"error\":{\"code\":", 17) == 0);
        assert_true(strcmp(buf + r - 3, "\"}}") == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimal_exact),
        cmocka_unit_test(decimal_extreme_exponents),
        cmocka_unit_test(integers),
        cmocka_unit_test(strings_escaped),
        cmocka_unit_test(keys_escaped),
        cmocka_unit_test(hex_strings),
        cmocka_unit_test(nesting_and_commas),
        cmocka_unit_test(top_level_values),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(misuse_is_refused),
        cmocka_unit_test(init_arguments),
        cmocka_unit_test(nospace_is_sticky),
        cmocka_unit_test(record_number),
        cmocka_unit_test(record_value_kinds),
#if MB_ENABLE_REAL32
        cmocka_unit_test(record_real32),
        cmocka_unit_test(frame_real32),
#endif
        cmocka_unit_test(record_optional_members),
        cmocka_unit_test(record_codes_without_names),
        cmocka_unit_test(records_in_array),
        cmocka_unit_test(frame_head_fields),
        cmocka_unit_test(frame_gas_meter),
        cmocka_unit_test(frame_record_variety),
        cmocka_unit_test(frame_no_records),
        cmocka_unit_test(frame_record_error),
        cmocka_unit_test(frame_short_header),
        cmocka_unit_test(frame_header_too_short),
        cmocka_unit_test(frame_encrypted),
        cmocka_unit_test(frame_app_error_and_alarm),
        cmocka_unit_test(frame_link_only),
        cmocka_unit_test(frame_arguments),
        cmocka_unit_test(error_documents),
        cmocka_unit_test(error_all_codes_fit),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
