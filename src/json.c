/*
 * JSON output: a streaming writer into a caller's buffer with a sticky error, exact decimals, and
 * the layout of records and whole wired frames.
 *
 * Every write goes through a cursor (next byte, end of the room) kept in registers for the length
 * of one call, so that a bounds check costs a compare and writing a record costs a few
 * instructions per output byte. mb_json_t keeps the position between calls.
 */
#include "meterbus/json.h"

#include "meterbus/tpl.h"

#include "internal.h"

/* ---- cursor ------------------------------------------------------------------------------- */

typedef struct cursor {
    char *o;   /* next byte */
    char *end; /* one byte is always left after end for the final NUL */
    bool full; /* a write did not fit: the document is lost */
} cursor_t;

static inline cursor_t cursor_begin(const mb_json_t *j)
{
    cursor_t c;
    c.full = j->err != MB_OK;
    c.o = c.full ? NULL : j->buf + j->len;
    c.end = c.full ? NULL : j->buf + j->cap - 1u;
    return c;
}

static inline void cursor_end(mb_json_t *j, const cursor_t *c)
{
    if (j->err != MB_OK) {
        return;
    }
    if (c->full) {
        j->err = MB_ERR_NOSPACE;
    } else {
        j->len = (size_t)(c->o - j->buf);
    }
}

/*
 * Every piece of output is measured first (its exact length) and then written without further
 * checks: reserve() is the one bounds check. @return where to write, or NULL when it does not fit.
 */
static inline char *reserve(cursor_t *c, size_t n)
{
    if (c->full || (size_t)(c->end - c->o) < n) {
        c->full = true;
        return NULL;
    }
    char *at = c->o;
    c->o += n;
    return at;
}

/*
 * Names and digit runs are short: two overlapping copies of a fixed size cover any length from
 * that size to twice it, with no loop and without touching a byte outside either range.
 */
static char *w_mem(char *o, const char *s, size_t n)
{
    uint8_t *d = (uint8_t *)o;
    const uint8_t *from = (const uint8_t *)s;
    if (n >= 8u && n <= 16u) {
        mb_internal_copy(d, from, 8);
        mb_internal_copy(d + n - 8u, from + n - 8u, 8);
    } else if (n >= 4u && n < 8u) {
        mb_internal_copy(d, from, 4);
        mb_internal_copy(d + n - 4u, from + n - 4u, 4);
    } else if (n < 4u) {
        for (size_t i = 0; i < n; i++) {
            d[i] = from[i];
        }
    } else {
        mb_internal_copy(d, from, n);
    }
    return o + n;
}

/* A string literal: its length is known at compile time and the copy is inlined. */
#define W_LIT(o, s)                                                                \
    ((void)mb_internal_copy((uint8_t *)(o), (const uint8_t *)(s), sizeof(s) - 1u), \
     (o) + sizeof(s) - 1u)
#define LEN_LIT(s) (sizeof(s) - 1u)

static inline void c_put(cursor_t *c, const char *s, size_t n)
{
    char *o = reserve(c, n);
    if (o != NULL) {
        (void)w_mem(o, s, n);
    }
}

static inline void c_char(cursor_t *c, char ch)
{
    char *o = reserve(c, 1);
    if (o != NULL) {
        *o = ch;
    }
}

#define C_LIT(c, s) c_put((c), (s), LEN_LIT(s))

static size_t cstrlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

/* ---- measured pieces: len_*() gives the exact length, w_*() writes it ---------------------- */

static const char hex_digits[] = "0123456789abcdef";

/* JSON escapes; bytes >= 0x80 in meter texts are ISO 8859-1, written as UTF-8. */
static size_t escaped_len(uint8_t ch, bool latin1)
{
    if (ch == '"' || ch == '\\') {
        return 2;
    }
    if (ch < 0x20u || ch == 0x7Fu) {
        return 6;
    }
    return (latin1 && ch >= 0x80u) ? 2u : 1u;
}

static char *w_escaped(char *o, uint8_t ch, bool latin1)
{
    if (ch == '"' || ch == '\\') {
        *o++ = '\\';
        *o++ = (char)ch;
    } else if (ch < 0x20u || ch == 0x7Fu) {
        o = W_LIT(o, "\\u00");
        *o++ = hex_digits[ch >> 4];
        *o++ = hex_digits[ch & 0xFu];
    } else if (latin1 && ch >= 0x80u) {
        *o++ = (char)(0xC0u | (ch >> 6));
        *o++ = (char)(0x80u | (ch & 0x3Fu));
    } else {
        *o++ = (char)ch;
    }
    return o;
}

/* A text from a meter (ISO 8859-1), reversed when sent last character first; with quotes. */
static size_t len_text(const uint8_t *p, size_t n)
{
    size_t len = 2;
    for (size_t i = 0; i < n; i++) {
        len += escaped_len(p[i], true);
    }
    return len;
}

static char *w_text(char *o, const uint8_t *p, size_t n, bool reversed)
{
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        o = w_escaped(o, p[reversed ? n - 1u - i : i], true);
    }
    *o++ = '"';
    return o;
}

/*
 * The length of the UTF-8 sequence that starts with @p s[0] >= 0x80, or 0 when it is not valid
 * (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF). Stops at a NUL.
 */
static size_t utf8_seq(const uint8_t *s)
{
    uint8_t b = s[0], lo = 0x80u, hi = 0xBFu;
    size_t n;
    if (b >= 0xC2u && b <= 0xDFu) {
        n = 2;
    } else if (b >= 0xE0u && b <= 0xEFu) {
        n = 3;
        lo = b == 0xE0u ? 0xA0u : lo;
        hi = b == 0xEDu ? 0x9Fu : hi;
    } else if (b >= 0xF0u && b <= 0xF4u) {
        n = 4;
        lo = b == 0xF0u ? 0x90u : lo;
        hi = b == 0xF4u ? 0x8Fu : hi;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
    }
    return n;
}

/*
 * A UTF-8 string with quotes (keys, messages), escaped; a byte that is not valid UTF-8 becomes
 * U+FFFD, so that the document stays valid whatever the caller passes.
 */
static char *w_string(char *o, const char *s)
{
    *o++ = '"';
    while (*s != '\0') {
        uint8_t ch = (uint8_t)*s;
        if (ch < 0x80u) {
            o = w_escaped(o, ch, false);
            s++;
            continue;
        }
        size_t k = utf8_seq((const uint8_t *)s);
        if (k == 0u) {
            o = W_LIT(o, "\\ufffd");
            s++;
        } else {
            o = w_mem(o, s, k);
            s += k;
        }
    }
    *o++ = '"';
    return o;
}

/* Bytes as a quoted string of hex digits. */
static size_t len_hex(size_t n) { return 2u * n + 2u; }

static inline char *w_hex(char *o, const uint8_t *p, size_t n)
{
    *o++ = '"';
    if (n == 1u) { /* most DIBs and VIBs */
        unsigned b = p[0];
        o[0] = hex_digits[b >> 4];
        o[1] = hex_digits[b & 0xFu];
        o[2] = '"';
        return o + 3;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned b = p[i]; /* read once: the stores below may alias p */
        o[0] = hex_digits[b >> 4];
        o[1] = hex_digits[b & 0xFu];
        o += 2;
    }
    *o++ = '"';
    return o;
}

/* Two hex digits over a literal's slot. */
static void put_hex2(char *o, unsigned b)
{
    o[0] = hex_digits[b >> 4];
    o[1] = hex_digits[b & 0xFu];
}

/* BCD sent with hex digits: the digits as printed, most significant first ("0500023E"). */
static const char upper_digits[] = "0123456789ABCDEF";

static char *w_bcd_digits(char *o, const uint8_t *p, size_t n)
{
    const char *upper = upper_digits;
    *o++ = '"';
    for (size_t i = n; i-- > 0u;) {
        *o++ = upper[p[i] >> 4];
        *o++ = upper[p[i] & 0xFu];
    }
    *o++ = '"';
    return o;
}

/* A number mag * 10^exponent. */
typedef struct num {
    uint64_t mag;
    bool negative; /* and not zero */
    int exponent;
} num_t;

/* "00" to "99": two digits per division halve the divisions of a number's conversion. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "62636465666768697071727374757677787980818283848586878889909192"
    "93949596979899";

/*
 * Digits of @p v, by comparing with powers of ten rather than dividing: two comparisons for the
 * common values below 10^4.
 */
static unsigned count_digits(uint64_t v)
{
    if (v < 10000u) {
        return v < 100u ? (v < 10u ? 1u : 2u) : (v < 1000u ? 3u : 4u);
    }
    if (v < 100000000u) { /* meter readings: up to 8 digits */
        return v < 1000000u ? (v < 100000u ? 5u : 6u) : (v < 10000000u ? 7u : 8u);
    }
    unsigned n = 9;
    uint64_t p = 1000000000u;
    while (v >= p && n < 20u) { /* 10^19 is the last power that fits */
        n++;
        p *= 10u;
    }
    return n;
}

/* The digits of @p v (at least one) so that they end at @p end. @return their start. */
static char *w_digits_back(char *end, uint64_t v)
{
    char *p = end;
    while (v >= 100u) {
        unsigned pair = 2u * (unsigned)(v % 100u);
        v /= 100u;
        p -= 2;
        p[0] = digit_pairs[pair];
        p[1] = digit_pairs[pair + 1u];
    }
    if (v >= 10u) {
        p -= 2;
        p[0] = digit_pairs[2u * v];
        p[1] = digit_pairs[2u * v + 1u];
    } else {
        *--p = (char)('0' + (char)v);
    }
    return p;
}

static void num_init(num_t *n, bool negative, uint64_t mag, int exponent)
{
    bool zero = mag == 0u;
    n->mag = mag;
    n->negative = negative && !zero;
    n->exponent = zero && exponent > 0 ? 0 : exponent;
}

static void num_int(num_t *n, int64_t v, int exponent)
{
    num_init(n, v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, exponent);
}

static size_t len_num(const num_t *n)
{
    size_t digits = count_digits(n->mag);
    size_t len = digits + (n->negative ? 1u : 0u);
    if (n->exponent >= 0) {
        return len + (size_t)n->exponent;
    }
    size_t frac = (size_t)0 - (size_t)n->exponent; /* no overflow for INT_MIN */
    return digits > frac ? len + 1u : len + 2u + (frac - digits);
}

/* At most len_num() bytes, so that it bounds a number with a small exponent (|e| <= 20). */
#define NUM_BOUND(exponent) \
    (22u + ((exponent) < 0 ? (size_t)0 - (size_t)(exponent) : (size_t)(exponent)))

static char *w_zeros(char *o, size_t k)
{
    /* Usually 0..3 zeros: stores of four and a tail, not a call to memset. */
    for (; k >= 4u; k -= 4u, o += 4) {
        mb_internal_copy((uint8_t *)o, (const uint8_t *)"0000", 4);
    }
    switch (k) {
    case 3: o[2] = '0'; /* fall through */
    case 2: o[1] = '0'; /* fall through */
    case 1: o[0] = '0'; break;
    default: break;
    }
    return o + k;
}

/* Written in place: the fraction's digits last first, the point, then the integer's. */
static inline char *w_num(char *o, const num_t *n)
{
    uint64_t v = n->mag;
    size_t digits = count_digits(v);
    if (n->negative) {
        *o++ = '-';
    }
    if (n->exponent >= 0) {
        char *end = o + digits;
        (void)w_digits_back(end, v);
        return w_zeros(end, (size_t)n->exponent);
    }
    size_t frac = (size_t)0 - (size_t)n->exponent;
    if (digits <= frac) {
        *o++ = '0';
        *o++ = '.';
        o = w_zeros(o, frac - digits);
        o += digits;
        (void)w_digits_back(o, v);
        return o;
    }
    char *end = o + digits + 1u, *p = end;
    for (; frac >= 2u; frac -= 2u) {
        unsigned pair = 2u * (unsigned)(v % 100u);
        v /= 100u;
        p -= 2;
        p[0] = digit_pairs[pair];
        p[1] = digit_pairs[pair + 1u];
    }
    if (frac != 0u) {
        *--p = (char)('0' + (char)(v % 10u));
        v /= 10u;
    }
    p[-1] = '.';
    (void)w_digits_back(p - 1, v);
    return end;
}

/* Unsigned integers (storage, tariff, subunit, header fields). */
static size_t len_uint(uint64_t v) { return count_digits(v); }

static char *w_uint(char *o, uint64_t v)
{
    if (v < 10u) { /* storage, tariff and subunit are almost always 0 */
        *o++ = (char)('0' + (char)v);
        return o;
    }
    char *end = o + count_digits(v);
    (void)w_digits_back(end, v);
    return end;
}

#if MB_ENABLE_REAL32
/*
 * A float with 9 significant digits, which identify every float exactly, times 10^exponent.
 * Integer arithmetic only, so that no floating-point routine is linked: the float is m * 2^e;
 * m is carried in 64 bits while powers of two are traded for powers of ten, keeping at least 30
 * significant bits more than the 9 digits need. @return false for NaN and infinity, which have
 * no JSON number.
 */
static bool num_real(num_t *n, float f, int exponent)
{
    union {
        float f;
        uint32_t u;
    } bits;
    bits.f = f;
    bool negative = (bits.u >> 31) != 0u;
    int e2 = (int)((bits.u >> 23) & 0xFFu);
    uint64_t m = bits.u & 0x7FFFFFu;
    if (e2 == 0xFF) {
        return false;
    }
    if (e2 == 0) {
        e2 = 1; /* subnormal */
    } else {
        m |= 0x800000u;
    }
    e2 -= 150; /* value = m * 2^e2 */
    if (m == 0u) {
        num_init(n, false, 0, 0);
        return true;
    }
    int e10 = 0;
    while (e2 > 0) { /* multiply by 2, dividing by 10 when the bits run out */
        if (m >= ((uint64_t)1 << 62)) {
            m /= 10u;
            e10++;
        } else {
            m <<= 1;
            e2--;
        }
    }
    while (e2 < 0) { /* divide by 2, multiplying by 10 while there is room */
        if (m < ((uint64_t)1 << 59)) {
            m *= 10u;
            e10--;
        } else {
            m >>= 1;
            e2++;
        }
    }
    while (m >= 10000000000u) { /* down to 10 digits, then round to 9 */
        m /= 10u;
        e10++;
    }
    if (m >= 1000000000u) {
        m = (m + 5u) / 10u;
        e10++;
        if (m >= 1000000000u) {
            m /= 10u;
            e10++;
        }
    }
    while (m != 0u && m % 10u == 0u) {
        m /= 10u;
        e10++;
    }
    num_init(n, negative, m, e10 + exponent);
    return true;
}
#endif

static void two_digits(char *out, unsigned v)
{
    v %= 100u; /* a caller's record may hold anything */
    out[0] = digit_pairs[2u * v];
    out[1] = digit_pairs[2u * v + 1u];
}

/* ISO 8601 with quotes: "2008-05-31T23:50", "2008-05-31", "23:50:12", ... @return length. */
static size_t format_date(char s[22], const mb_datetime_t *dt)
{
    size_t n = 0;
    s[n++] = '"';
    if ((dt->flags & MB_DT_HAS_DATE) != 0u) {
        if ((dt->flags & MB_DT_EVERY_YEAR) != 0u) { /* ISO 8601 month and day of no year */
            s[n] = '-';
            s[n + 1u] = '-';
            n += 2u;
        } else {
            two_digits(s + n, dt->year / 100u);
            two_digits(s + n + 2u, dt->year % 100u);
            s[n + 4u] = '-';
            n += 5u;
        }
        two_digits(s + n, dt->month);
        s[n + 2u] = '-';
        two_digits(s + n + 3u, dt->day);
        n += 5u;
        if ((dt->flags & MB_DT_HAS_TIME) != 0u) {
            s[n++] = 'T';
        }
    }
    if ((dt->flags & MB_DT_HAS_TIME) != 0u) {
        two_digits(s + n, dt->hour);
        s[n + 2u] = ':';
        two_digits(s + n + 3u, dt->minute);
        n += 5u;
        if ((dt->flags & MB_DT_HAS_SECOND) != 0u) {
            s[n] = ':';
            two_digits(s + n + 1u, dt->second);
            n += 3u;
        }
    }
    s[n++] = '"';
    return n;
}

/* A record value, prepared: how it is written and how long it is (numbers: at most). */
typedef struct value_out {
    enum { VO_NUM, VO_HEX, VO_BCD, VO_TEXT, VO_DATE, VO_NULL } how;
    size_t len;
    num_t num;
    char date[22];
} value_out_t;

static void value_prepare(value_out_t *vo, const mb_value_t *v)
{
    if ((v->flags & MB_VALUE_BCD_HEX) != 0u) {
        vo->how = VO_BCD;
        vo->len = len_hex(v->len);
        return;
    }
    if ((v->flags & MB_VALUE_OVERFLOW) != 0u) {
        vo->how = VO_HEX;
        vo->len = len_hex(v->len);
        return;
    }
    switch (v->kind) {
    case MB_VALUE_NUMBER:
        vo->how = VO_NUM;
        num_int(&vo->num, v->mantissa, v->exponent);
        vo->len = NUM_BOUND(vo->num.exponent);
        return;
    case MB_VALUE_REAL:
#if MB_ENABLE_REAL32
        if (num_real(&vo->num, v->real, v->exponent)) {
            vo->how = VO_NUM;
            vo->len = NUM_BOUND(vo->num.exponent);
        } else {
            vo->how = VO_NULL;
            vo->len = 4;
        }
#else
        vo->how = VO_HEX;
        vo->len = len_hex(v->len);
#endif
        return;
    case MB_VALUE_DATE:
        vo->how = VO_DATE;
        vo->len = format_date(vo->date, &v->datetime);
        return;
    case MB_VALUE_TEXT:
        vo->how = VO_TEXT;
        vo->len = len_text(v->bytes, v->len);
        return;
    case MB_VALUE_BINARY:
        vo->how = VO_HEX;
        vo->len = len_hex(v->len);
        return;
    default:
        vo->how = VO_NULL;
        vo->len = 4;
        return;
    }
}

static char *w_value(char *o, const value_out_t *vo, const mb_value_t *v)
{
    switch (vo->how) {
    case VO_NUM: return w_num(o, &vo->num);
    case VO_HEX: return w_hex(o, v->bytes, v->len);
    case VO_BCD: return w_bcd_digits(o, v->bytes, v->len);
    case VO_TEXT: return w_text(o, v->bytes, v->len, true);
    case VO_DATE: return w_mem(o, vo->date, vo->len);
    default: return W_LIT(o, "null");
    }
}

/*
 * One of the library's own names, with quotes (names need no escaping), or the numeric code when
 * the build has no text tables (the name is then ""). Writing copies up to the NUL in one pass;
 * the exact length is only measured when the room is too tight for the bound NAME_BOUND.
 */
#define NAME_MAX_LEN 48u /* every name of the library is shorter (tests check it) */
#define NAME_BOUND   (NAME_MAX_LEN + 2u)

typedef struct name_out {
    const char *s;
    unsigned code;
} name_out_t;

static size_t name_len(const name_out_t *no)
{
    if (no->s[0] == '\0') {
        num_t n;
        num_init(&n, false, no->code, 0);
        return len_num(&n);
    }
    return cstrlen(no->s) + 2u;
}

static char *w_name(char *o, const name_out_t *no)
{
    const char *s = no->s;
    if (*s == '\0') {
        num_t n;
        num_init(&n, false, no->code, 0);
        return w_num(o, &n);
    }
    *o++ = '"';
    while (*s != '\0') {
        *o++ = *s++;
    }
    *o++ = '"';
    return o;
}

/*
 * A name whose length the name table gives, with quotes; its code when it has none (always
 * without text tables). With @p spare the name is copied with a fixed-size copy, which may write
 * up to MB_INTERNAL_NAME_SPARE bytes after the opening quote: the caller has checked that room.
 */
static size_t len_known_name(mb_internal_name_t name, unsigned code)
{
    return name.n != 0u ? name.n + 2u : len_uint(code);
}

static char *w_name_text(char *o, mb_internal_name_t name, bool spare)
{
    *o++ = '"';
#if MB_ENABLE_TEXT
    if (spare) {
        mb_internal_copy((uint8_t *)o, (const uint8_t *)name.s, MB_INTERNAL_NAME_SPARE);
        o += name.n;
    } else {
        o = w_mem(o, name.s, name.n);
    }
#else
    (void)name;
    (void)spare;
#endif
    *o++ = '"';
    return o;
}

static char *w_known_name(char *o, mb_internal_name_t name, unsigned code, bool spare)
{
    return name.n == 0u ? w_uint(o, code) : w_name_text(o, name, spare);
}

/* ---- cursor writes of measured pieces ----------------------------------------------------- */

static void c_hex(cursor_t *c, const uint8_t *p, size_t n)
{
    char *o = reserve(c, len_hex(n));
    if (o != NULL) {
        (void)w_hex(o, p, n);
    }
}

static void c_string(cursor_t *c, const char *s)
{
    size_t n = 0, extra = 0;
    while (s[n] != '\0') {
        uint8_t ch = (uint8_t)s[n];
        if (ch >= 0x80u) {
            size_t k = utf8_seq((const uint8_t *)s + n);
            extra += k == 0u ? 5u : 0u; /* one byte becomes \ufffd */
            n += k == 0u ? 1u : k;
            continue;
        }
        if (ch < 0x20u || ch == '"' || ch == '\\' || ch == 0x7Fu) {
            extra += escaped_len(ch, false) - 1u;
        }
        n++;
    }
    char *o = reserve(c, n + extra + 2u);
    if (o == NULL) {
        return;
    }
    if (extra != 0u) {
        (void)w_string(o, s);
        return;
    }
    *o++ = '"';
    o = w_mem(o, s, n);
    *o = '"';
}

static void c_num(cursor_t *c, const num_t *n)
{
    char *o = reserve(c, len_num(n));
    if (o != NULL) {
        (void)w_num(o, n);
    }
}

static void c_uint(cursor_t *c, uint64_t v)
{
    size_t n = count_digits(v);
    char *o = reserve(c, n);
    if (o != NULL) {
        (void)w_digits_back(o + n, v);
    }
}

static void c_name(cursor_t *c, const char *name, unsigned code)
{
    if (name[0] == '\0') {
        c_uint(c, code);
        return;
    }
    size_t n = cstrlen(name);
    char *o = reserve(c, n + 2u);
    if (o != NULL) {
        *o = '"';
        (void)w_mem(o + 1, name, n);
        o[n + 1u] = '"';
    }
}

/* ---- writer ------------------------------------------------------------------------------- */

void mb_json_init(mb_json_t *j, char *buf, size_t cap)
{
    if (j == NULL) {
        return;
    }
    j->buf = buf;
    j->cap = cap;
    j->len = 0;
    j->err = buf == NULL ? MB_ERR_ARG : cap == 0u ? MB_ERR_NOSPACE : MB_OK;
    j->depth = 0;
    j->has_item = 0;
    j->after_key = false;
}

/*
 * Levels 1..MB_JSON_MAX_DEPTH keep two bits in has_item: bit n-1 when level n already holds an
 * item, bit n+15 when level n is an object. The top level holds one value: it has one once
 * anything was written.
 */
#if MB_JSON_MAX_DEPTH > 16u
#error "has_item holds two bits for each of at most 16 levels"
#endif
#define ITEM_BIT(depth)   ((uint32_t)1 << ((depth)-1u))
#define OBJECT_BIT(depth) ((uint32_t)1 << ((depth) + 15u))

/* A call that would not give JSON (a value without its key, a second top-level value, ...). */
static void misuse(mb_json_t *j, cursor_t *c)
{
    if (j->err == MB_OK) {
        j->err = MB_ERR_ARG;
    }
    c->full = true;
}

/*
 * Before any value: 1 when a comma separates it from the previous item, else 0; -1 when the
 * document is lost already or the call would not give JSON (which then loses it).
 */
static inline int separator(mb_json_t *j)
{
    int sep = 0;
    if (j->after_key) {
        j->after_key = false;
    } else if (j->depth == 0u) {
        sep = j->len != 0u ? -1 : 0;
    } else {
        uint32_t bit = ITEM_BIT(j->depth);
        sep = (j->has_item & OBJECT_BIT(j->depth)) != 0u ? -1 : (j->has_item & bit) != 0u;
        j->has_item |= bit;
    }
    if (sep < 0 && j->err == MB_OK) {
        j->err = MB_ERR_ARG;
    }
    return j->err != MB_OK ? -1 : sep;
}

/* Before any value: the comma that separates it from the previous item. */
static void item(mb_json_t *j, cursor_t *c)
{
    int sep = separator(j);
    if (sep < 0) {
        c->full = true;
    } else if (sep != 0) {
        c_char(c, ',');
    }
}

/* Before a key: it must stand in an object; the comma after the previous member. */
static void key_item(mb_json_t *j, cursor_t *c)
{
    if (j->after_key || j->depth == 0u || (j->has_item & OBJECT_BIT(j->depth)) == 0u) {
        misuse(j, c);
        return;
    }
    if ((j->has_item & ITEM_BIT(j->depth)) != 0u) {
        c_char(c, ',');
    }
    j->has_item |= ITEM_BIT(j->depth);
}

/* The level that an object or array opens, once its bracket is written. */
static void push_level(mb_json_t *j, bool object)
{
    if (j->depth >= MB_JSON_MAX_DEPTH) {
        if (j->err == MB_OK) {
            j->err = MB_ERR_ARG;
        }
        return;
    }
    j->depth++;
    j->has_item &= ~(ITEM_BIT(j->depth) | OBJECT_BIT(j->depth));
    if (object) {
        j->has_item |= OBJECT_BIT(j->depth);
    }
}

static void open_level(mb_json_t *j, char ch, bool object)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_char(&c, ch);
    cursor_end(j, &c);
    push_level(j, object);
}

static void close_level(mb_json_t *j, char ch, bool object)
{
    if (j->depth == 0u || j->after_key || ((j->has_item & OBJECT_BIT(j->depth)) != 0u) != object) {
        if (j->err == MB_OK) {
            j->err = MB_ERR_ARG;
        }
        return;
    }
    j->depth--;
    cursor_t c = cursor_begin(j);
    c_char(&c, ch);
    cursor_end(j, &c);
}

void mb_json_begin_object(mb_json_t *j) { open_level(j, '{', true); }
void mb_json_end_object(mb_json_t *j) { close_level(j, '}', true); }
void mb_json_begin_array(mb_json_t *j) { open_level(j, '[', false); }
void mb_json_end_array(mb_json_t *j) { close_level(j, ']', false); }

void mb_json_key(mb_json_t *j, const char *key)
{
    cursor_t c = cursor_begin(j);
    key_item(j, &c);
    c_string(&c, key);
    c_char(&c, ':');
    cursor_end(j, &c);
    j->after_key = true;
}

/* The library's own keys, written as the literal they are: no escaping to look for. */
static void lit_key(mb_json_t *j, const char *quoted, size_t n)
{
    cursor_t c = cursor_begin(j);
    key_item(j, &c);
    c_put(&c, quoted, n);
    cursor_end(j, &c);
    j->after_key = true;
}

#define KEY(j, name) lit_key((j), "\"" name "\":", sizeof("\"" name "\":") - 1u)

void mb_json_string(mb_json_t *j, const char *s)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_string(&c, s);
    cursor_end(j, &c);
}

void mb_json_hex(mb_json_t *j, const uint8_t *p, size_t n)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_hex(&c, p, n);
    cursor_end(j, &c);
}

void mb_json_uint(mb_json_t *j, uint64_t v)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_uint(&c, v);
    cursor_end(j, &c);
}

void mb_json_int(mb_json_t *j, int64_t v) { mb_json_decimal(j, v, 0); }

void mb_json_decimal(mb_json_t *j, int64_t mantissa, int exponent)
{
    num_t n;
    num_int(&n, mantissa, exponent);
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_num(&c, &n);
    cursor_end(j, &c);
}

void mb_json_bool(mb_json_t *j, bool v)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_put(&c, v ? "true" : "false", v ? 4u : 5u);
    cursor_end(j, &c);
}

void mb_json_null(mb_json_t *j)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    C_LIT(&c, "null");
    cursor_end(j, &c);
}

/* A library name (or its code without text tables) as a value. */
static void name_value(mb_json_t *j, const char *name, unsigned code)
{
    cursor_t c = cursor_begin(j);
    item(j, &c);
    c_name(&c, name, code);
    cursor_end(j, &c);
}

int mb_json_finish(mb_json_t *j)
{
    if (j == NULL) {
        return MB_ERR_ARG;
    }
    if (j->err == MB_OK && (j->depth != 0u || j->after_key || j->len == 0u)) {
        j->err = MB_ERR_ARG;
    }
    if (j->err != MB_OK) {
        if (j->buf != NULL && j->cap > 0u) {
            j->buf[0] = '\0';
        }
        return j->err;
    }
    j->buf[j->len] = '\0';
    return (int)j->len;
}

/* ---- records ------------------------------------------------------------------------------ */

/*
 * Names of the mb_record_t::vife_flags bits, in bit order: one block of text (a struct of char
 * arrays) and each name's offset << 5 | length, as names.c keeps the names of records.
 */
#define VIFE_FLAG_NAMES(X)            \
    X(0, "average")                   \
    X(1, "inverse_compact_profile")   \
    X(2, "relative_deviation")        \
    X(3, "standard_conform")          \
    X(4, "compact_profile_registers") \
    X(5, "compact_profile")           \
    X(6, "start_date")                \
    X(7, "uncorrected")               \
    X(8, "accumulation_positive")     \
    X(9, "accumulation_negative")     \
    X(10, "non_metric")               \
    X(11, "base_conditions")          \
    X(12, "obis")                     \
    X(13, "leakage")                  \
    X(14, "overflow_values")          \
    X(15, "future_value")             \
    X(16, "manufacturer_vife")        \
    X(17, "accumulation_absolute")    \
    X(18, "type_c")                   \
    X(19, "type_d")                   \
    X(20, "to_meter")                 \
    X(21, "from_meter")               \
    X(22, "delta_import_export")      \
    X(23, "multiplied")               \
    X(24, "offset")

#define FLAG_FIELD(bit, str) char f##bit[sizeof(str)];
#define FLAG_INIT(bit, str)  str,
#define FLAG_INDEX(bit, str) \
    (uint16_t)(offsetof(struct flag_text, f##bit) << 5 | (sizeof(str) - 1u)),

static const struct flag_text {
    VIFE_FLAG_NAMES(FLAG_FIELD)
} flag_text = {VIFE_FLAG_NAMES(FLAG_INIT)};

static const uint16_t flag_index[25] = {VIFE_FLAG_NAMES(FLAG_INDEX)};

/* The bit number of a power of two: its product with a de Bruijn sequence indexes this table. */
static const uint8_t bit_of[32] = {0,  1,  28, 2,  29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4,  8,
                                   31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6,  11, 5,  10, 9};

#define BIT_OF(b) bit_of[(uint32_t)((b)*0x077CB531u) >> 27]

/*
 * The optional members of a record (per, phase, limit, error, action): a literal key and a name
 * each. member() gives the i-th when the record has it.
 */
#define N_MEMBERS 5u

static bool member(const mb_record_t *rec, unsigned i, const char **key, size_t *key_len,
                   name_out_t *name)
{
    switch (i) {
    case 0:
        if (rec->per == MB_PER_NONE) {
            return false;
        }
        *key = ",\"per\":";
        *name = (name_out_t){mb_per_name(rec->per), (unsigned)rec->per};
        break;
    case 1:
        if (rec->phase == MB_PHASE_NONE) {
            return false;
        }
        *key = ",\"phase\":";
        *name = (name_out_t){mb_phase_name(rec->phase), (unsigned)rec->phase};
        break;
    case 2:
        if (rec->limit == 0u) {
            return false;
        }
        *key = ",\"limit\":";
        *name = (name_out_t){mb_limit_name(rec->limit), rec->limit};
        break;
    case 3:
        if ((rec->flags & MB_RECORD_ERROR) == 0u) {
            return false;
        }
        *key = ",\"error\":";
        *name = (name_out_t){mb_record_error_name(rec->error), rec->error};
        break;
    default:
        if ((rec->flags & MB_RECORD_ACTION) == 0u) {
            return false;
        }
        *key = ",\"action\":";
        *name = (name_out_t){mb_action_name(rec->action), rec->action};
        break;
    }
    *key_len = cstrlen(*key);
    return true;
}

/* The bits of mb_record_t::vife_flags that have a name; any other bit is not written. */
#define VIFE_FLAG_BITS 0x1FFFFFFu

/* What a record needs looked up and measured before it is written. */
typedef struct record_out {
    uint32_t flags; /* named vife_flags */
    bool rare;      /* text unit, optional members, flags, unknown VIFE, invalid or periodic */
    bool members;   /* any of per, phase, limit, error, action */
    value_out_t vo;
} record_out_t;

static void record_prepare(record_out_t *ro, const mb_record_t *rec)
{
    ro->flags = rec->vife_flags & VIFE_FLAG_BITS;
    ro->rare = ((unsigned)rec->per | (unsigned)rec->phase | rec->limit | ro->flags |
                (rec->flags & (MB_RECORD_TEXT_UNIT | MB_RECORD_ERROR | MB_RECORD_ACTION |
                               MB_RECORD_UNKNOWN_VIFE)) |
                (rec->value.flags & (MB_VALUE_INVALID | MB_VALUE_PERIODIC))) != 0u;
    ro->members = ro->rare && ((unsigned)rec->per | (unsigned)rec->phase | rec->limit |
                               (rec->flags & (MB_RECORD_ERROR | MB_RECORD_ACTION))) != 0u;
    value_prepare(&ro->vo, &rec->value);
}

/* The exact length of the members that few records have (text_unit to periodic). */
static size_t rare_len(const mb_record_t *rec, const record_out_t *ro)
{
    size_t len = 0;
    if ((rec->flags & MB_RECORD_TEXT_UNIT) != 0u) {
        len += LEN_LIT(",\"text_unit\":") + len_text(rec->text_unit, rec->text_unit_len);
    }
    for (unsigned i = 0; ro->members && i < N_MEMBERS; i++) {
        const char *key;
        size_t key_len;
        name_out_t name;
        if (member(rec, i, &key, &key_len, &name)) {
            len += key_len + name_len(&name);
        }
    }
    uint32_t flags = ro->flags;
    if (flags != 0u) {
        len += LEN_LIT(",\"flags\":[]") - 1u; /* one comma after each name, one too many */
        for (uint32_t f = flags; f != 0u; f &= f - 1u) {
            len += 1u + (flag_index[BIT_OF(f & (0u - f))] & 0x1Fu) + 2u;
        }
    }
    if ((rec->flags & MB_RECORD_UNKNOWN_VIFE) != 0u) {
        len += LEN_LIT(",\"unknown_vife\":true");
    }
    if ((rec->value.flags & MB_VALUE_INVALID) != 0u) {
        len += LEN_LIT(",\"invalid\":true");
    }
    if ((rec->value.flags & MB_VALUE_PERIODIC) != 0u) {
        len += LEN_LIT(",\"periodic\":true");
    }
    return len;
}

static char *w_rare(char *o, const mb_record_t *rec, const record_out_t *ro)
{
    if ((rec->flags & MB_RECORD_TEXT_UNIT) != 0u) {
        o = W_LIT(o, ",\"text_unit\":");
        o = w_text(o, rec->text_unit, rec->text_unit_len, true);
    }
    for (unsigned i = 0; ro->members && i < N_MEMBERS; i++) {
        const char *key;
        size_t key_len;
        name_out_t name;
        if (member(rec, i, &key, &key_len, &name)) {
            o = w_mem(o, key, key_len);
            o = w_name(o, &name);
        }
    }
    uint32_t flags = ro->flags;
    if (flags != 0u) {
        o = W_LIT(o, ",\"flags\":[");
        for (uint32_t f = flags; f != 0u; f &= f - 1u) {
            unsigned entry = flag_index[BIT_OF(f & (0u - f))];
            *o++ = '"';
            o = w_mem(o, (const char *)&flag_text + (entry >> 5), entry & 0x1Fu);
            *o++ = '"';
            *o++ = ',';
        }
        o[-1] = ']';
    }
    if ((rec->flags & MB_RECORD_UNKNOWN_VIFE) != 0u) {
        o = W_LIT(o, ",\"unknown_vife\":true");
    }
    if ((rec->value.flags & MB_VALUE_INVALID) != 0u) {
        o = W_LIT(o, ",\"invalid\":true");
    }
    if ((rec->value.flags & MB_VALUE_PERIODIC) != 0u) {
        o = W_LIT(o, ",\"periodic\":true");
    }
    return o;
}

#define K_STORAGE ",\"storage\":"
#define K_TARIFF  ",\"tariff\":"
#define K_SUBUNIT ",\"subunit\":"

/* The exact length of a record. */
static size_t record_len(const mb_record_t *rec, const record_out_t *ro)
{
    size_t len = LEN_LIT("{\"dif\":") + len_hex(rec->dib_len) + LEN_LIT(",\"vif\":") +
                 len_hex(rec->vib_len) + LEN_LIT(K_STORAGE) + len_uint(rec->storage) +
                 LEN_LIT(K_TARIFF) + len_uint(rec->tariff) + LEN_LIT(K_SUBUNIT) +
                 len_uint(rec->subunit) + LEN_LIT(",\"function\":") +
                 len_known_name(mb_internal_function_name(rec->function), (unsigned)rec->function) +
                 LEN_LIT(",\"quantity\":") +
                 len_known_name(mb_internal_quantity_name(rec->quantity), (unsigned)rec->quantity) +
                 LEN_LIT(",\"unit\":") + mb_internal_unit_name(rec->unit).n + 2u +
                 LEN_LIT(",\"value\":") +
                 (ro->vo.how == VO_NUM ? len_num(&ro->vo.num) : ro->vo.len) + LEN_LIT("}");
    return ro->rare ? len + rare_len(rec, ro) : len;
}

/*
 * Room enough for any record but its hex digits, value and rare members: keys and punctuation
 * (92 bytes), storage, tariff and subunit (20, 10 and 5 digits at most), three names (each at most
 * MB_INTERNAL_NAME_SPARE + 2 bytes written, or a code of up to 10 digits).
 */
#define RECORD_ROOM (92u + 35u + 3u * (MB_INTERNAL_NAME_SPARE + 2u))

/*
 * Room enough for the rare members but the text unit's (at most 6 bytes per character and its
 * quotes): keys and punctuation, five optional members with their names and 25 flags of at most
 * 25 letters each, with quotes and commas.
 */
#define RARE_ROOM                                                                      \
    (LEN_LIT(",\"text_unit\":\"\",\"flags\":[],\"unknown_vife\":true,\"invalid\":true" \
             ",\"periodic\":true") +                                                   \
     N_MEMBERS * (LEN_LIT(",\"action\":") + NAME_BOUND) + 25u * (25u + 3u))

/*
 * A record. With @p spare the room is at least record_bound(): names are then copied with
 * fixed-size copies, which write a few bytes past the name.
 */
static char *w_record(char *o, const mb_record_t *rec, const record_out_t *ro, bool spare)
{
    if (rec->dib_len == 1u && rec->vib_len == 1u &&
        (rec->storage | rec->tariff | rec->subunit) < 10u) {
        /* Almost always: one byte each, single digits (mostly 0, 0, 0), in one literal. */
#define K_FIRST "{\"dif\":\"00\",\"vif\":\"00\"" K_STORAGE "0" K_TARIFF "0" K_SUBUNIT "0"
        char *at = o;
        o = W_LIT(o, K_FIRST ",\"function\":");
        put_hex2(at + LEN_LIT("{\"dif\":\""), rec->dib[0]);
        put_hex2(at + LEN_LIT("{\"dif\":\"00\",\"vif\":\""), rec->vib[0]);
        at[LEN_LIT(K_FIRST) - 1u] = (char)('0' + (char)rec->subunit);
        at[LEN_LIT(K_FIRST) - 2u - LEN_LIT(K_SUBUNIT)] = (char)('0' + (char)rec->tariff);
        at[LEN_LIT(K_FIRST) - 3u - LEN_LIT(K_TARIFF K_SUBUNIT)] = (char)('0' + (char)rec->storage);
#undef K_FIRST
    } else {
        o = W_LIT(o, "{\"dif\":");
        o = w_hex(o, rec->dib, rec->dib_len);
        o = W_LIT(o, ",\"vif\":");
        o = w_hex(o, rec->vib, rec->vib_len);
        o = W_LIT(o, K_STORAGE);
        o = w_uint(o, rec->storage);
        o = W_LIT(o, K_TARIFF);
        o = w_uint(o, rec->tariff);
        o = W_LIT(o, K_SUBUNIT);
        o = w_uint(o, rec->subunit);
        o = W_LIT(o, ",\"function\":");
    }
    mb_internal_name_t fn = mb_internal_function_name(rec->function);
    mb_internal_name_t qty = mb_internal_quantity_name(rec->quantity);
    mb_internal_name_t unit = mb_internal_unit_name(rec->unit);
#if MB_ENABLE_TEXT
    if (spare && fn.n != 0u && qty.n != 0u) {
        /* Names with fixed-size copies; each closing quote starts the next literal. */
        *o++ = '"';
        mb_internal_copy((uint8_t *)o, (const uint8_t *)fn.s, MB_INTERNAL_NAME_SPARE);
        o = W_LIT(o + fn.n, "\",\"quantity\":\"");
        mb_internal_copy((uint8_t *)o, (const uint8_t *)qty.s, MB_INTERNAL_NAME_SPARE);
        o = W_LIT(o + qty.n, "\",\"unit\":\"");
        mb_internal_copy((uint8_t *)o, (const uint8_t *)unit.s, MB_INTERNAL_NAME_SPARE);
        o = W_LIT(o + unit.n, "\",\"value\":");
    } else
#endif
    {
        o = w_known_name(o, fn, (unsigned)rec->function, spare);
        o = W_LIT(o, ",\"quantity\":");
        o = w_known_name(o, qty, (unsigned)rec->quantity, spare);
        o = W_LIT(o, ",\"unit\":");
        o = w_name_text(o, unit, spare);
        o = W_LIT(o, ",\"value\":");
    }
    if (ro->vo.how != VO_NUM) {
        o = w_value(o, &ro->vo, &rec->value);
    } else if (ro->vo.num.mag < 10u && ro->vo.num.exponent == 0 && !ro->vo.num.negative) {
        *o++ = (char)('0' + (char)ro->vo.num.mag); /* the most common value: one digit */
    } else {
        o = w_num(o, &ro->vo.num);
    }
    if (ro->rare) {
        o = w_rare(o, rec, ro);
    }
    *o++ = '}';
    return o;
}

/*
 * Records are the bulk of every document. Each is bounded cheaply (names and small integers count
 * with their maxima), checked against the room once and written without further checks; only
 * when the room is too tight for that bound is the record measured exactly.
 */
/* A record after @p sep commas (0 or 1), in a document that is not lost. */
static void record(mb_json_t *j, const mb_record_t *rec, int sep)
{
    record_out_t ro;
    record_prepare(&ro, rec);
    char *o = j->buf + j->len;
    size_t room = j->cap - 1u - j->len;
    size_t bound = (size_t)sep + RECORD_ROOM + 2u * ((size_t)rec->dib_len + rec->vib_len) +
                   ro.vo.len + (ro.rare ? RARE_ROOM + 6u * (size_t)rec->text_unit_len : 0u);
    bool spare = room >= bound;
    if (!spare && room < (size_t)sep + record_len(rec, &ro)) {
        j->err = MB_ERR_NOSPACE;
        return;
    }
    if (sep != 0) {
        *o++ = ',';
    }
    o = w_record(o, rec, &ro, spare);
    j->len = (size_t)(o - j->buf);
}

void mb_json_record(mb_json_t *j, const mb_record_t *rec)
{
    int sep = separator(j);
    if (sep >= 0) {
        record(j, rec, sep);
    }
}

/* ---- frames ------------------------------------------------------------------------------- */

/* Opens {"code", "message"}; the caller may add members and closes it. */
static void error_object(mb_json_t *j, int err)
{
    mb_json_begin_object(j);
    KEY(j, "code");
    name_value(j, mb_error_name(err), (unsigned)-err);
    KEY(j, "message");
    mb_json_string(j, mb_strerror(err));
}

/*
 * The opening of a frame's object: "{", the members "frame" to "ci" from the link layer, with
 * @p tpl "id" to "configuration" from its transport header and, with @p records, the key of the
 * records and the array's "[". Fixed parts are written as one literal each, with slots for the
 * hex digits, the ID and the manufacturer's letters patched in. w_head() writes it, head_len()
 * measures it, which only a tight room needs: HEAD_ROOM bounds it.
 */
#define HEAD_ROOM 260u /* 157 bytes but two names, at most NAME_BOUND each */

#define K_C       ",\"c\":\""
#define K_CI      ",\"ci\":\""
#define K_ID      "\",\"id\":\""
#define K_MAN     "\",\"manufacturer\":\""
#define K_RECORDS ",\"records\":["

static bool has_link_address(const mb_frame_t *frame)
{
    return frame->type == MB_FRAME_SHORT || frame->type == MB_FRAME_CONTROL ||
           frame->type == MB_FRAME_LONG;
}

static bool has_ci(const mb_frame_t *frame)
{
    return frame->type == MB_FRAME_CONTROL || frame->type == MB_FRAME_LONG;
}

static bool has_tpl_header(const mb_tpl_t *tpl)
{
    return tpl->info.header == MB_TPL_HEADER_SHORT || tpl->info.header == MB_TPL_HEADER_LONG;
}

/* 0..255 (link address, version, access number, status): at most one division. */
static size_t len_u8(unsigned v) { return v < 10u ? 1u : v < 100u ? 2u : 3u; }

static char *w_u8(char *o, unsigned v)
{
    if (v < 10u) {
        *o = (char)('0' + (char)v);
        return o + 1;
    }
    if (v >= 100u) {
        unsigned h = v / 100u;
        *o++ = (char)('0' + (char)h);
        v -= 100u * h;
    }
    o[0] = digit_pairs[2u * v];
    o[1] = digit_pairs[2u * v + 1u];
    return o + 2;
}

/* The ID's 8 digits (as mb_id_text()) and the manufacturer's letters (as mb_manufacturer_text()).
 */
static void put_id(char *o, uint32_t id)
{
    for (unsigned i = 0; i < 8u; i++) {
        o[i] = upper_digits[(id >> (28u - 4u * i)) & 0xFu];
    }
}

static void put_manufacturer(char *o, unsigned code)
{
    for (unsigned i = 0; i < 3u; i++) {
        unsigned letter = (code >> (10u - 5u * i)) & 0x1Fu;
        o[i] = letter - 1u < 26u ? (char)('@' + (char)letter) : '?';
    }
}

static size_t head_len(const mb_frame_t *frame, const mb_tpl_t *tpl, bool records)
{
    name_out_t type = {mb_frame_type_name(frame->type), (unsigned)frame->type};
    size_t len = LEN_LIT("{\"frame\":") + name_len(&type);
    if (has_link_address(frame)) {
        len += LEN_LIT(K_C "00\",\"a\":") + len_u8(frame->a);
    }
    if (has_ci(frame)) {
        len += LEN_LIT(K_CI "00\"");
    }
    if (tpl != NULL && tpl->has_address) {
        len += LEN_LIT(K_ID "12345678" K_MAN "ABC\",\"version\":,\"medium\":") +
               len_u8(tpl->address.version) +
               len_known_name(mb_internal_medium_name(tpl->address.medium), tpl->address.medium);
    }
    if (tpl != NULL && has_tpl_header(tpl)) {
        len += LEN_LIT(",\"access\":,\"status\":,\"configuration\":") + len_u8(tpl->access) +
               len_u8(tpl->status) + len_uint(tpl->config);
    }
    return records ? len + LEN_LIT(K_RECORDS) : len;
}

static char *w_head(char *o, const mb_frame_t *frame, const mb_tpl_t *tpl, bool records)
{
#if MB_ENABLE_TEXT
    if (frame->type == MB_FRAME_LONG) { /* mb_frame_type_name(), as one literal */
        o = W_LIT(o, "{\"frame\":\"long\"");
    } else
#endif
    {
        name_out_t type = {mb_frame_type_name(frame->type), (unsigned)frame->type};
        o = W_LIT(o, "{\"frame\":");
        o = w_name(o, &type);
    }
    if (has_link_address(frame)) {
        o = W_LIT(o, K_C "00\",\"a\":");
        put_hex2(o - LEN_LIT("00\",\"a\":"), frame->c);
        o = w_u8(o, frame->a);
    }
    if (tpl != NULL && tpl->has_address) { /* with a CI field */
        char *at = o;
        o = W_LIT(o, K_CI "00" K_ID "12345678" K_MAN "ABC\",\"version\":");
        put_hex2(at + LEN_LIT(K_CI), frame->ci);
        put_id(at + LEN_LIT(K_CI "00" K_ID), tpl->address.id);
        put_manufacturer(at + LEN_LIT(K_CI "00" K_ID "12345678" K_MAN), tpl->address.manufacturer);
        o = w_u8(o, tpl->address.version);
        o = W_LIT(o, ",\"medium\":");
        /* not w_name_text()'s fixed-size copy: medium names are not in the spare-padded block */
        o = w_known_name(o, mb_internal_medium_name(tpl->address.medium), tpl->address.medium,
                         false);
    } else if (has_ci(frame)) {
        o = W_LIT(o, K_CI "00\"");
        put_hex2(o - 3, frame->ci);
    }
    if (tpl != NULL && has_tpl_header(tpl)) {
        o = W_LIT(o, ",\"access\":");
        o = w_u8(o, tpl->access);
        o = W_LIT(o, ",\"status\":");
        o = w_u8(o, tpl->status);
        o = W_LIT(o, ",\"configuration\":");
        o = w_uint(o, tpl->config);
    }
    if (records) {
        o = W_LIT(o, K_RECORDS);
    }
    return o;
}

/*
 * A frame's document opened with its head, in a writer just initialised: the frame's object
 * holds members, and with @p records the array of records is open (the level after it).
 */
static void head(mb_json_t *j, const mb_frame_t *frame, const mb_tpl_t *tpl, bool records)
{
    j->depth = records ? 2u : 1u;
    j->has_item = OBJECT_BIT(1u) | ITEM_BIT(1u);
    if (j->err != MB_OK) {
        return;
    }
    size_t room = j->cap - 1u;
    if (room < HEAD_ROOM && room < head_len(frame, tpl, records)) {
        j->err = MB_ERR_NOSPACE;
        return;
    }
    j->len = (size_t)(w_head(j->buf, frame, tpl, records) - j->buf);
}

/*
 * Records of the application data, into the array that head() opened; on success the array, the
 * members after it and the frame's object are closed. @return MB_OK or the iterator's error.
 */
static int records(mb_json_t *j, const uint8_t *apl, size_t len, unsigned options)
{
    mb_records_t it;
    mb_record_t rec;
    int r;
    mb_records_init(&it, apl, len, options);
    if ((r = mb_records_next(&it, &rec)) == 1) {
        if (j->err == MB_OK) {
            record(j, &rec, 0);
        }
        j->has_item |= ITEM_BIT(2u);
        while ((r = mb_records_next(&it, &rec)) == 1) {
            if (j->err == MB_OK) {
                record(j, &rec, 1);
            }
        }
    }
    if (r >= 0) {
        /* The array's end, the members after it and the object's end in one piece. */
        j->depth = 0;
        if (j->err != MB_OK) {
            return MB_OK;
        }
        size_t n = it.more_records_follow ? LEN_LIT("],\"more_records_follow\":true}")
                                          : LEN_LIT("],\"more_records_follow\":false}");
        size_t m = it.manufacturer_len;
        size_t total = m > 0u ? n + LEN_LIT(",\"manufacturer_data\":") + len_hex(m) : n;
        if (j->cap - 1u - j->len < total) {
            j->err = MB_ERR_NOSPACE;
            return MB_OK;
        }
        char *o = j->buf + j->len;
        if (it.more_records_follow) {
            o = W_LIT(o, "],\"more_records_follow\":true");
        } else {
            o = W_LIT(o, "],\"more_records_follow\":false");
        }
        if (m > 0u) {
            o = W_LIT(o, ",\"manufacturer_data\":");
            o = w_hex(o, it.manufacturer_data, m);
        }
        *o++ = '}';
        j->len = (size_t)(o - j->buf);
        return MB_OK;
    }
    mb_json_end_array(j);
    {
        KEY(j, "error");
        error_object(j, r);
        KEY(j, "offset");
        mb_json_uint(j, mb_records_offset(&it));
        mb_json_end_object(j);
        return r;
    }
}

static void fixed_structure(mb_json_t *j, const uint8_t *data, size_t len)
{
    mb_fixed_t fx;
    if (mb_fixed_decode(data, len, &fx) != MB_OK) {
        return;
    }
    char id[9];
    mb_id_text(fx.id, id);
    KEY(j, "id");
    mb_json_string(j, id);
    KEY(j, "medium");
    name_value(j, mb_fixed_medium_name(fx.medium), fx.medium);
    KEY(j, "access");
    mb_json_uint(j, fx.access);
    KEY(j, "status");
    mb_json_uint(j, fx.status);
    KEY(j, "fixed");
    mb_json_begin_array(j);
    for (unsigned i = 0; i < 2u; i++) {
        const mb_fixed_counter_t *fc = &fx.counter[i];
        mb_json_begin_object(j);
        KEY(j, "unit_code");
        mb_json_uint(j, fc->unit_code);
        KEY(j, "historic");
        mb_json_bool(j, fc->historic);
        KEY(j, "quantity");
        name_value(j, mb_quantity_name(fc->quantity), (unsigned)fc->quantity);
        KEY(j, "unit");
        mb_json_string(j, mb_unit_name(fc->unit));
        KEY(j, "value");
        if (fc->valid) {
            mb_json_decimal(j, fc->mantissa, fc->exponent);
        } else {
            cursor_t c = cursor_begin(j);
            item(j, &c);
            char *o = reserve(&c, len_hex(4));
            if (o != NULL) {
                (void)w_bcd_digits(o, data + 8u + 4u * i, 4);
            }
            cursor_end(j, &c);
        }
        mb_json_end_object(j);
    }
    mb_json_end_array(j);
}

int mb_json_frame(const mb_frame_t *frame, unsigned options, char *out, size_t cap,
                  int *decode_error)
{
    mb_json_t j;
    int result = MB_OK;
    if (frame == NULL) {
        return MB_ERR_ARG;
    }
    mb_json_init(&j, out, cap);
    if (has_ci(frame)) {
        mb_tpl_t tpl;
        int err = mb_tpl_decode(frame->ci, frame->data, frame->data_len, &tpl);
        bool plain_records = err == MB_OK && tpl.info.content == MB_CI_RECORDS &&
                             mb_cf_security_mode(tpl.config) == 0u;
        head(&j, frame, err == MB_OK ? &tpl : NULL, plain_records);
        if (plain_records) {
            if (tpl.info.direction == MB_CI_TO_METER) {
                options |= MB_RECORDS_TO_METER;
            }
            result = records(&j, tpl.apl, tpl.apl_len, options);
        } else if (err != MB_OK) {
            KEY(&j, "error");
            error_object(&j, err);
            mb_json_end_object(&j);
            result = err;
        } else {
            switch (tpl.info.content) {
            case MB_CI_RECORDS: /* encrypted */
                KEY(&j, "encrypted");
                mb_json_bool(&j, true);
                KEY(&j, "security_mode");
                mb_json_uint(&j, mb_cf_security_mode(tpl.config));
                KEY(&j, "data");
                mb_json_hex(&j, tpl.apl, tpl.apl_len);
                break;
            case MB_CI_APP_ERROR:
                KEY(&j, "app_error");
                if (tpl.apl_len > 0u) {
                    mb_json_begin_object(&j);
                    KEY(&j, "code");
                    mb_json_uint(&j, tpl.apl[0]);
                    KEY(&j, "name");
                    name_value(&j, mb_app_error_name(tpl.apl[0]), tpl.apl[0]);
                    mb_json_end_object(&j);
                } else {
                    mb_json_null(&j);
                }
                break;
            case MB_CI_FIXED: fixed_structure(&j, tpl.apl, tpl.apl_len); break;
            default:
                if (tpl.apl_len > 0u) {
                    if (tpl.info.content == MB_CI_ALARM) {
                        KEY(&j, "alarm");
                    } else {
                        KEY(&j, "data");
                    }
                    mb_json_hex(&j, tpl.apl, tpl.apl_len);
                }
                break;
            }
        }
    } else {
        head(&j, frame, NULL, false);
    }
    if (j.depth != 0u) { /* records() closes the object itself */
        mb_json_end_object(&j);
    }
    if (decode_error != NULL) {
        *decode_error = result;
    }
    return mb_json_finish(&j);
}

int mb_json_error(int err, char *out, size_t cap)
{
    mb_json_t j;
    mb_json_init(&j, out, cap);
    mb_json_begin_object(&j);
    KEY(&j, "error");
    error_object(&j, err);
    mb_json_end_object(&j);
    mb_json_end_object(&j);
    return mb_json_finish(&j);
}

#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY

/* ---- wireless messages -------------------------------------------------------------------- */

static void hex_byte(mb_json_t *j, uint8_t b) { mb_json_hex(j, &b, 1); }

/* "id", "manufacturer", "version" and a device type under @p type_key, of address @p a. */
static void address_members(mb_json_t *j, const mb_secondary_t *a, bool medium_key)
{
    char text[9];
    mb_id_text(a->id, text);
    KEY(j, "id");
    mb_json_string(j, text);
    (void)mb_manufacturer_text(a->manufacturer, text);
    KEY(j, "manufacturer");
    mb_json_string(j, text);
    KEY(j, "version");
    mb_json_uint(j, a->version);
    if (medium_key) {
        KEY(j, "medium");
    } else {
        KEY(j, "device_type");
    }
    name_value(j, mb_medium_name(a->medium), a->medium);
}

static const char *format_name(mb_wformat_t format)
{
    switch (format) {
    case MB_WFORMAT_A: return "a";
    case MB_WFORMAT_B: return "b";
    case MB_WFORMAT_NONE: return "none";
    default: return "unknown";
    }
}

static void ell_object(mb_json_t *j, const mb_ell_t *ell)
{
    KEY(j, "ell");
    mb_json_begin_object(j);
    KEY(j, "ci");
    hex_byte(j, ell->ci);
    KEY(j, "cc");
    hex_byte(j, ell->cc);
    KEY(j, "access");
    mb_json_uint(j, ell->access);
    if (ell->has_receiver) {
        KEY(j, "receiver");
        mb_json_begin_object(j);
        address_members(j, &ell->receiver, false);
        mb_json_end_object(j);
    }
    if (ell->has_session) {
        KEY(j, "session");
        mb_json_uint(j, mb_sn_session(ell->session));
        KEY(j, "minutes");
        mb_json_uint(j, mb_sn_minutes(ell->session));
        KEY(j, "encryption");
        mb_json_uint(j, mb_sn_encryption(ell->session));
    }
    mb_json_end_object(j);
}

static void afl_object(mb_json_t *j, const mb_afl_t *afl)
{
    KEY(j, "afl");
    mb_json_begin_object(j);
    KEY(j, "fcl");
    mb_json_uint(j, afl->fcl);
    if (afl->has_mcl) {
        KEY(j, "mcl");
        mb_json_uint(j, afl->mcl);
    }
    if (afl->has_ki) {
        KEY(j, "ki");
        mb_json_uint(j, afl->ki);
    }
    if (afl->has_mcr) {
        KEY(j, "counter");
        mb_json_uint(j, afl->mcr);
    }
    if (afl->mac_len != 0u) {
        KEY(j, "mac");
        mb_json_hex(j, afl->mac, afl->mac_len);
    }
    if (afl->has_ml) {
        KEY(j, "ml");
        mb_json_uint(j, afl->ml);
    }
    mb_json_end_object(j);
}

int mb_json_wmsg(const mb_wframe_t *frame, const mb_wmsg_t *msg, int status,
                 mb_format_cache_t *formats, unsigned options, char *out, size_t cap,
                 int *decode_error)
{
    if (frame == NULL || msg == NULL) {
        return MB_ERR_ARG;
    }
    mb_json_t j;
    int result = status;
    mb_json_init(&j, out, cap);
    mb_json_begin_object(&j);
    KEY(&j, "frame");
    mb_json_string(&j, "wireless");
    KEY(&j, "format");
    mb_json_string(&j, format_name(frame->format));
    KEY(&j, "c");
    hex_byte(&j, frame->c);
    KEY(&j, "link");
    mb_json_begin_object(&j);
    address_members(&j, &frame->address, false);
    mb_json_end_object(&j);
    if (frame->has_rssi) {
        KEY(&j, "rssi_dbm");
        mb_json_int(&j, frame->rssi_dbm);
    }
    if (msg->has_ell) {
        ell_object(&j, &msg->ell);
    }
    if (msg->has_afl) {
        afl_object(&j, &msg->afl);
    }
    const mb_tpl_t *tpl = &msg->tpl;
    if (msg->has_tpl) {
        KEY(&j, "ci");
        hex_byte(&j, tpl->ci);
        /* The meter: the long header's address, else the link layer's. */
        address_members(&j, tpl->has_address ? &tpl->address : &frame->address, true);
        if (has_tpl_header(tpl)) {
            KEY(&j, "access");
            mb_json_uint(&j, tpl->access);
            KEY(&j, "status");
            mb_json_uint(&j, tpl->status);
            KEY(&j, "configuration");
            mb_json_uint(&j, tpl->config);
        }
    }
    bool encrypted = msg->security_mode != 0u || (msg->has_ell && msg->ell.has_session &&
                                                  mb_sn_encryption(msg->ell.session) != 0u);
    if (encrypted) {
        KEY(&j, "security");
        mb_json_begin_object(&j);
        KEY(&j, "mode");
        mb_json_uint(&j, msg->security_mode);
        KEY(&j, "ell_encrypted");
        mb_json_bool(&j, msg->has_ell && msg->ell.has_session &&
                             mb_sn_encryption(msg->ell.session) != 0u);
        KEY(&j, "authenticated");
        mb_json_bool(&j, msg->authenticated);
        KEY(&j, "verdict");
        name_value(&j, mb_error_name(status), (unsigned)-status);
        mb_json_end_object(&j);
    }
    uint8_t expanded[MB_WFRAME_MAX_LEN];
    const uint8_t *apl = tpl->apl;
    size_t apl_len = tpl->apl_len;
    bool readable = status == MB_OK && msg->has_tpl;
    if (readable && tpl->info.content == MB_CI_COMPACT) {
        uint16_t signature = mb_compact_signature(apl, apl_len);
        const mb_format_t *fmt = mb_format_cache_get(formats, signature);
        KEY(&j, "compact");
        mb_json_begin_object(&j);
        KEY(&j, "signature");
        mb_json_uint(&j, signature);
        bool crc_ok = false;
        int n = fmt == NULL
                    ? MB_ERR_COMPACT_FORMAT
                    : mb_compact_expand(fmt, apl, apl_len, expanded, sizeof expanded, &crc_ok);
        if (n >= 0) {
            KEY(&j, "crc_ok");
            mb_json_bool(&j, crc_ok);
            apl = expanded;
            apl_len = (size_t)n;
        } else {
            result = n;
            readable = false;
        }
        mb_json_end_object(&j);
    }
    if (readable && (tpl->info.content == MB_CI_RECORDS || tpl->info.content == MB_CI_COMPACT)) {
        if (tpl->info.direction == MB_CI_TO_METER) {
            options |= MB_RECORDS_TO_METER;
        }
        KEY(&j, "records");
        mb_json_begin_array(&j);
        result = records(&j, apl, apl_len, options);
    } else {
        if (readable && apl_len > 0u) {
            mb_json_key(&j, tpl->info.content == MB_CI_APP_ERROR ? "app_error"
                            : tpl->info.content == MB_CI_ALARM   ? "alarm"
                                                                 : "data");
            mb_json_hex(&j, apl, apl_len);
        }
        if (result != MB_OK) {
            KEY(&j, "error");
            error_object(&j, result);
            mb_json_end_object(&j);
        }
    }
    if (j.depth != 0u) {
        mb_json_end_object(&j);
    }
    if (decode_error != NULL) {
        *decode_error = result;
    }
    return mb_json_finish(&j);
}

#endif /* MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY */
