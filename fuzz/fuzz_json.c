/*
 * Fuzz harness for the JSON output (json.h): whole frames through mb_frame_decode() and
 * mb_json_frame() (or mb_json_error() when the frame does not decode), and the streaming writer
 * driven by a program of calls read from the input.
 *
 * Input: a mode byte, two bytes that choose a capacity, then the payload.
 *   mode bit 7 clear: the payload is a wired frame; bits 2..0 are MB_RECORDS_* options.
 *   mode bit 7 set:   the payload is a writer program (see run_program()); bits 2..0 are the
 *                     options of the records it writes.
 *
 * Every document is checked with a strict validator written from RFC 8259 (grammar, no white
 * space outside strings as the writer writes none, valid UTF-8, no duplicate keys in a frame's
 * objects) and must be exactly as long as the return value says. With room to spare the result
 * must be the document (frames) or what a model of the writer's rules says (programs); the same
 * input must give the same bytes again; every smaller capacity must give MB_ERR_NOSPACE with ""
 * and no byte written at or past the capacity.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/json.h"
#include "meterbus/link.h"
#include "meterbus/records.h"

#include "fuzz_check.h"

#define GUARD     64u
#define MAX_INPUT 16384u

/* ---- strict JSON validator ---------------------------------------------------------------- */

typedef struct vj {
    const char *p;
    const char *end;
    unsigned depth;
    bool unique_keys; /* objects must not repeat a key */
} vj_t;

static bool v_value(vj_t *v);

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string; @p s and @p n get its raw contents between the quotes. */
static bool v_string(vj_t *v, const char **s, size_t *n)
{
    if (v->p >= v->end || *v->p != '"') {
        return false;
    }
    const char *start = ++v->p;
    while (v->p < v->end) {
        unsigned char c = (unsigned char)*v->p;
        if (c == '"') {
            *s = start;
            *n = (size_t)(v->p - start);
            v->p++;
            return true;
        }
        if (c < 0x20u) {
            return false;
        }
        if (c == '\\') {
            if (v->end - v->p < 2) {
                return false;
            }
            char e = v->p[1];
            if (e == 'u') {
                if (v->end - v->p < 6) {
                    return false;
                }
                unsigned cp = 0;
                for (int i = 2; i < 6; i++) {
                    char h = v->p[i];
                    if (!is_hex(h)) {
                        return false;
                    }
                    cp = cp * 16u + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                if (cp >= 0xD800u && cp <= 0xDFFFu) {
                    return false; /* the writer never splits characters into surrogates */
                }
                v->p += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                v->p += 2;
            } else {
                return false;
            }
            continue;
        }
        if (c < 0x80u) {
            v->p++;
            continue;
        }
        /* UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
        int len;
        unsigned cp;
        if (c >= 0xC2u && c <= 0xDFu) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0u && c <= 0xF4u) {
            len = 4;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (v->end - v->p < len) {
            return false;
        }
        for (int i = 1; i < len; i++) {
            unsigned char cc = (unsigned char)v->p[i];
            if ((cc & 0xC0u) != 0x80u) {
                return false;
            }
            cp = cp << 6 | (cc & 0x3Fu);
        }
        if (len == 3 && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu))) {
            return false;
        }
        if (len == 4 && (cp < 0x10000u || cp > 0x10FFFFu)) {
            return false;
        }
        v->p += len;
    }
    return false;
}

/* number = [ minus ] int [ frac ] [ exp ] (RFC 8259 section 6) */
static bool v_number(vj_t *v)
{
    if (v->p < v->end && *v->p == '-') {
        v->p++;
    }
    if (v->p >= v->end || !is_digit(*v->p)) {
        return false;
    }
    if (*v->p == '0') {
        v->p++;
    } else {
        while (v->p < v->end && is_digit(*v->p)) {
            v->p++;
        }
    }
    if (v->p < v->end && *v->p == '.') {
        v->p++;
        if (v->p >= v->end || !is_digit(*v->p)) {
            return false;
        }
        while (v->p < v->end && is_digit(*v->p)) {
            v->p++;
        }
    }
    if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
        v->p++;
        if (v->p < v->end && (*v->p == '+' || *v->p == '-')) {
            v->p++;
        }
        if (v->p >= v->end || !is_digit(*v->p)) {
            return false;
        }
        while (v->p < v->end && is_digit(*v->p)) {
            v->p++;
        }
    }
    return true;
}

static bool v_literal(vj_t *v, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0) {
        return false;
    }
    v->p += n;
    return true;
}

#define MAX_KEYS 128u

static bool v_object(vj_t *v)
{
    const char *keys[MAX_KEYS];
    size_t key_len[MAX_KEYS];
    unsigned n_keys = 0;
    v->p++; /* '{' */
    if (v->p < v->end && *v->p == '}') {
        v->p++;
        return true;
    }
    for (;;) {
        const char *k;
        size_t kn;
        if (!v_string(v, &k, &kn)) {
            return false;
        }
        if (v->unique_keys) {
            for (unsigned i = 0; i < n_keys; i++) {
                if (key_len[i] == kn && memcmp(keys[i], k, kn) == 0) {
                    return false;
                }
            }
            CHECK(n_keys < MAX_KEYS);
            keys[n_keys] = k;
            key_len[n_keys] = kn;
            n_keys++;
        }
        if (v->p >= v->end || *v->p != ':') {
            return false;
        }
        v->p++;
        if (!v_value(v)) {
            return false;
        }
        if (v->p < v->end && *v->p == ',') {
            v->p++;
            continue;
        }
        if (v->p < v->end && *v->p == '}') {
            v->p++;
            return true;
        }
        return false;
    }
}

static bool v_array(vj_t *v)
{
    v->p++; /* '[' */
    if (v->p < v->end && *v->p == ']') {
        v->p++;
        return true;
    }
    for (;;) {
        if (!v_value(v)) {
            return false;
        }
        if (v->p < v->end && *v->p == ',') {
            v->p++;
            continue;
        }
        if (v->p < v->end && *v->p == ']') {
            v->p++;
            return true;
        }
        return false;
    }
}

static bool v_value(vj_t *v)
{
    if (v->p >= v->end || v->depth > MB_JSON_MAX_DEPTH) {
        return false;
    }
    const char *s;
    size_t n;
    bool ok;
    switch (*v->p) {
    case '{':
        v->depth++;
        ok = v_object(v);
        v->depth--;
        return ok;
    case '[':
        v->depth++;
        ok = v_array(v);
        v->depth--;
        return ok;
    case '"': return v_string(v, &s, &n);
    case 't': return v_literal(v, "true");
    case 'f': return v_literal(v, "false");
    case 'n': return v_literal(v, "null");
    default: return v_number(v);
    }
}

/* One JSON text of exactly @p len bytes, NUL-terminated there. */
static void check_json(const char *doc, int len, bool unique_keys)
{
    CHECK(len > 0);
    CHECK(strlen(doc) == (size_t)len);
    vj_t v = {doc, doc + len, 0, unique_keys};
    CHECK(v_value(&v));
    CHECK(v.p == v.end);
}

/* ---- buffers with guard bytes ------------------------------------------------------------- */

typedef int (*produce_fn)(const void *arg, char *out, size_t cap);

static char *guarded(size_t cap)
{
    char *b = malloc(cap + GUARD);
    CHECK(b != NULL);
    memset(b, 0xA5, cap + GUARD);
    return b;
}

static void check_guard(const char *b, size_t cap)
{
    for (size_t i = cap; i < cap + GUARD; i++) {
        CHECK((unsigned char)b[i] == 0xA5u);
    }
}

/*
 * Run @p produce into @p full bytes and into smaller capacities. @return the result with room to
 * spare; on success *doc holds a copy of the document (freed by the caller).
 */
static int run_caps(produce_fn produce, const void *arg, size_t full, unsigned cap_sel, char **doc)
{
    char *a = guarded(full);
    int r = produce(arg, a, full);
    check_guard(a, full);
    *doc = NULL;
    if (r < 0) {
        CHECK(r == MB_ERR_ARG || r == MB_ERR_NOSPACE);
        CHECK(full == 0u || a[0] == '\0');
        /* The same error, or an earlier lack of room, with less room. */
        size_t cap = cap_sel % (full + 1u);
        char *b = guarded(cap);
        int r2 = produce(arg, b, cap);
        CHECK(r2 == r || r2 == MB_ERR_NOSPACE);
        CHECK(cap == 0u || b[0] == '\0');
        check_guard(b, cap);
        free(b);
        free(a);
        return r;
    }
    CHECK((size_t)r < full);
    /* Deterministic: the same bytes again. */
    char *b = guarded(full);
    CHECK(produce(arg, b, full) == r);
    CHECK(memcmp(a, b, (size_t)r + 1u) == 0);
    free(b);
    /* Too small: the chosen capacity, the largest too small one, none at all; then exact. */
    size_t need = (size_t)r + 1u;
    size_t caps[4] = {cap_sel % (need + 1u), need - 1u, 0u, need};
    for (unsigned i = 0; i < 4u; i++) {
        size_t cap = caps[i];
        char *c = guarded(cap);
        int rc = produce(arg, c, cap);
        check_guard(c, cap);
        if (cap < need) {
            CHECK(rc == MB_ERR_NOSPACE);
            CHECK(cap == 0u || c[0] == '\0');
        } else {
            CHECK(rc == r);
            CHECK(memcmp(a, c, need) == 0);
        }
        free(c);
    }
    *doc = a;
    return r;
}

/* ---- frames ------------------------------------------------------------------------------- */

typedef struct frame_arg {
    mb_frame_t frame;
    unsigned options;
    int decode_error;
} frame_arg_t;

static int produce_frame(const void *arg, char *out, size_t cap)
{
    const frame_arg_t *fa = arg;
    int err = 12345;
    int r = mb_json_frame(&fa->frame, fa->options, out, cap, &err);
    CHECK(err != 12345);
    CHECK(err == fa->decode_error || fa->decode_error == 12345);
    return r;
}

static int produce_error(const void *arg, char *out, size_t cap)
{
    return mb_json_error(*(const int *)arg, out, cap);
}

/* Every frame document fits in this (252 bytes of records can at most give this much). */
#define FRAME_FULL 65536u

static void fuzz_frame(const uint8_t *payload, size_t len, unsigned options, unsigned cap_sel)
{
    uint8_t *wire = malloc(len == 0u ? 1u : len); /* exact size: ASan sees reads past it */
    CHECK(wire != NULL);
    if (len > 0u) {
        memcpy(wire, payload, len);
    }
    frame_arg_t fa;
    int err = mb_frame_decode(len == 0u ? NULL : wire, len, &fa.frame);
    char *doc;
    if (err != MB_OK) {
        int r = run_caps(produce_error, &err, 1024, cap_sel, &doc);
        CHECK(r > 0);
        check_json(doc, r, true);
        CHECK(strncmp(doc, "{\"error\":{\"code\":", 17) == 0);
        free(doc);
        free(wire);
        return;
    }
    fa.options = options;
    fa.decode_error = 12345;
    char *first = malloc(FRAME_FULL);
    CHECK(first != NULL);
    int r0 = mb_json_frame(&fa.frame, options, first, FRAME_FULL, &fa.decode_error);
    free(first);
    CHECK(r0 > 0);
    int r = run_caps(produce_frame, &fa, FRAME_FULL, cap_sel, &doc);
    CHECK(r == r0);
    check_json(doc, r, true);
    CHECK(strncmp(doc, "{\"frame\":", 9) == 0);
    /* The error object is there exactly when decode_error says so. */
    CHECK((strstr(doc, "\"error\":{\"code\":") != NULL) == (fa.decode_error != MB_OK));
    CHECK(fa.decode_error == MB_OK || fa.decode_error == MB_ERR_TPL_SHORT ||
          (fa.decode_error <= MB_ERR_REC_DIF_TRUNCATED &&
           fa.decode_error >= MB_ERR_REC_RESERVED_LVAR));
    free(doc);
    free(wire);
}

/* ---- writer programs ---------------------------------------------------------------------- */

/*
 * A program: one op per byte (op % 14), operands after it:
 *   0 begin_object  1 end_object  2 begin_array  3 end_array
 *   4 key, 5 string: a length byte (% 32), then that many bytes (the string ends at a NUL)
 *   6 hex: a length byte, then the bytes
 *   7 int, 8 uint: 8 bytes little-endian
 *   9 decimal: 8 bytes mantissa, 1 byte exponent (int8)
 *   10 decimal with a huge exponent: 8 bytes mantissa, 1 byte choosing the exponent
 *   11 bool: 1 byte   12 null
 *   13 records: a length byte, then application data; every record it holds is written
 * Missing operand bytes read as 0.
 */
typedef struct program {
    const uint8_t *p;
    size_t len;
    unsigned options;
} program_t;

typedef struct reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
} reader_t;

static uint8_t rd_byte(reader_t *r) { return r->pos < r->len ? r->p[r->pos++] : 0u; }

static uint64_t rd_u64(reader_t *r)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        v |= (uint64_t)rd_byte(r) << (8u * i);
    }
    return v;
}

/* The bytes of an operand: a view of the input, as many as are left. */
static const uint8_t *rd_bytes(reader_t *r, size_t *n)
{
    size_t left = r->len - r->pos;
    if (*n > left) {
        *n = left;
    }
    const uint8_t *at = r->p + r->pos;
    r->pos += *n;
    return at;
}

static const int huge_exponents[6] = {INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1, 1000, -1000};

/* Runs the program; @p model, when not NULL, is told each call instead (see model_t). */
typedef struct model {
    int err;        /* first error the writer must report */
    unsigned depth; /* open levels */
    bool object[MB_JSON_MAX_DEPTH + 1u];
    bool after_key;
    bool top_value; /* a value stands at the top level */
} model_t;

static void m_error(model_t *m, int err)
{
    if (m->err == MB_OK) {
        m->err = err;
    }
}

/* A value (or the start of an object or array) goes here; @return false on misuse. */
static bool m_value(model_t *m)
{
    if (m->after_key) {
        m->after_key = false;
        return true;
    }
    if (m->depth == 0u) {
        if (m->top_value) {
            m_error(m, MB_ERR_ARG);
            return false;
        }
        m->top_value = true;
        return true;
    }
    if (m->object[m->depth]) {
        m_error(m, MB_ERR_ARG);
        return false;
    }
    return true;
}

static void m_open(model_t *m, bool object)
{
    if (!m_value(m)) {
        return;
    }
    if (m->depth >= MB_JSON_MAX_DEPTH) {
        m_error(m, MB_ERR_ARG);
        return;
    }
    m->object[++m->depth] = object;
}

static void m_close(model_t *m, bool object)
{
    if (m->depth == 0u || m->after_key || m->object[m->depth] != object) {
        m_error(m, MB_ERR_ARG);
        return;
    }
    m->depth--;
}

static void m_key(model_t *m)
{
    if (m->after_key || m->depth == 0u || !m->object[m->depth]) {
        m_error(m, MB_ERR_ARG);
    }
    m->after_key = true;
}

static void exec(const program_t *pg, mb_json_t *j, model_t *m)
{
    reader_t r = {pg->p, pg->len, 0};
    char text[33];
    while (r.pos < r.len && (m == NULL || m->err == MB_OK)) {
        uint8_t op = (uint8_t)(rd_byte(&r) % 14u);
        size_t n;
        const uint8_t *b;
        switch (op) {
        case 0:
            if (m != NULL) {
                m_open(m, true);
            } else {
                mb_json_begin_object(j);
            }
            break;
        case 1:
            if (m != NULL) {
                m_close(m, true);
            } else {
                mb_json_end_object(j);
            }
            break;
        case 2:
            if (m != NULL) {
                m_open(m, false);
            } else {
                mb_json_begin_array(j);
            }
            break;
        case 3:
            if (m != NULL) {
                m_close(m, false);
            } else {
                mb_json_end_array(j);
            }
            break;
        case 4:
        case 5:
            n = rd_byte(&r) % 32u;
            b = rd_bytes(&r, &n);
            memcpy(text, b, n);
            text[n] = '\0';
            if (m != NULL) {
                if (op == 4) {
                    m_key(m);
                } else {
                    (void)m_value(m);
                }
            } else if (op == 4) {
                mb_json_key(j, text);
            } else {
                mb_json_string(j, text);
            }
            break;
        case 6:
            n = rd_byte(&r);
            b = rd_bytes(&r, &n);
            if (m != NULL) {
                (void)m_value(m);
            } else {
                mb_json_hex(j, b, n);
            }
            break;
        case 7:
        case 8: {
            uint64_t v = rd_u64(&r);
            if (m != NULL) {
                (void)m_value(m);
            } else if (op == 7) {
                mb_json_int(j, (int64_t)v);
            } else {
                mb_json_uint(j, v);
            }
            break;
        }
        case 9:
        case 10: {
            int64_t mant = (int64_t)rd_u64(&r);
            uint8_t e = rd_byte(&r);
            int exponent = op == 9 ? (int)(int8_t)e : huge_exponents[e % 6u];
            if (m != NULL) {
                /* What no buffer holds: zeros past INT_MAX - 1 places. */
                bool huge = exponent < -100000 || (exponent > 100000 && mant != 0);
                if (m_value(m) && huge) {
                    m_error(m, MB_ERR_NOSPACE);
                }
            } else {
                mb_json_decimal(j, mant, exponent);
            }
            break;
        }
        case 11: {
            uint8_t v = rd_byte(&r);
            if (m != NULL) {
                (void)m_value(m);
            } else {
                mb_json_bool(j, (v & 1u) != 0u);
            }
            break;
        }
        case 12:
            if (m != NULL) {
                (void)m_value(m);
            } else {
                mb_json_null(j);
            }
            break;
        default: {
            n = rd_byte(&r);
            b = rd_bytes(&r, &n);
            mb_records_t it;
            mb_record_t rec;
            mb_records_init(&it, b, n, pg->options);
            while (mb_records_next(&it, &rec) == 1) {
                if (m != NULL) {
                    (void)m_value(m);
                } else {
                    mb_json_record(j, &rec);
                }
            }
            break;
        }
        }
    }
    if (m != NULL && m->err == MB_OK && (m->depth != 0u || m->after_key || !m->top_value)) {
        m->err = MB_ERR_ARG;
    }
}

static int produce_program(const void *arg, char *out, size_t cap)
{
    mb_json_t j;
    mb_json_init(&j, out, cap);
    exec(arg, &j, NULL);
    return mb_json_finish(&j);
}

static void fuzz_program(const uint8_t *payload, size_t len, unsigned options, unsigned cap_sel)
{
    program_t pg = {payload, len, options};
    model_t m;
    memset(&m, 0, sizeof m);
    exec(&pg, NULL, &m);
    /* Room for every output the ops can make from this input (records are the most per byte). */
    size_t full = 400u * len + 4096u;
    char *doc;
    int r = run_caps(produce_program, &pg, full, cap_sel, &doc);
    if (m.err != MB_OK) {
        CHECK(r == m.err);
        return;
    }
    CHECK(r > 0);
    check_json(doc, r, false);
    free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3u || size > MAX_INPUT) {
        return 0;
    }
    unsigned mode = data[0];
    unsigned cap_sel = (unsigned)data[1] | (unsigned)data[2] << 8;
    unsigned options = mode & 7u;
    if ((mode & 0x80u) != 0u) {
        fuzz_program(data + 3, size - 3u, options, cap_sel);
    } else {
        fuzz_frame(data + 3, size - 3u, options, cap_sel);
    }
    return 0;
}
