/*
 * Fuzz harness for the wired frame codec (link.h): mb_frame_decode, mb_frame_decode_prefix,
 * mb_frame_encode, mb_frame_encoded_len and the frame builders.
 *
 * The whole input is decoded as received bytes. The same bytes, read again from the start, also
 * choose a frame struct to encode and a builder call with its arguments and output capacity, so
 * that one corpus drives all three parts. Every property is checked with CHECK(), which aborts so
 * that libFuzzer (and the corpus replay under ctest) reports the input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/link.h"

#include "fuzz_check.h"

/* CI 0xB8 + i switches to baud_table[i] (link.h, mb_encode_set_baud). */
static const uint32_t baud_table[8] = {300, 600, 1200, 2400, 4800, 9600, 19200, 38400};

/* Room for the longest frame plus a guard region that no encoder may touch. */
#define GUARD   16u
#define OUT_LEN (MB_FRAME_MAX_LEN + GUARD)

/* ---- input reader: yields zeros once the input is used up, so every input is a valid plan ---- */

struct reader {
    const uint8_t *p;
    size_t n;
};

static uint8_t take_u8(struct reader *r)
{
    if (r->n == 0u) {
        return 0;
    }
    r->n--;
    return *r->p++;
}

static uint16_t take_u16(struct reader *r)
{
    uint16_t lo = take_u8(r);
    return (uint16_t)(lo | (uint16_t)(take_u8(r) << 8));
}

static uint32_t take_u32(struct reader *r)
{
    uint32_t lo = take_u16(r);
    return lo | ((uint32_t)take_u16(r) << 16);
}

/* ---- helpers -------------------------------------------------------------------------------- */

/* Every error a decoder may return (error.h); prefix decoding never reports trailing bytes. */
static bool is_decode_error(int e)
{
    return e == MB_ERR_FRAME_EMPTY || e == MB_ERR_FRAME_START || e == MB_ERR_FRAME_TRUNCATED ||
           e == MB_ERR_FRAME_LEN_MISMATCH || e == MB_ERR_FRAME_START2 || e == MB_ERR_FRAME_LEN ||
           e == MB_ERR_FRAME_CFIELD || e == MB_ERR_FRAME_STOP || e == MB_ERR_FRAME_CHECKSUM;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++) {
        s = (uint8_t)(s + p[i]);
    }
    return s;
}

/* A frame struct full of junk, so that a decoder that forgets a field is noticed. */
static void frame_poison(mb_frame_t *f)
{
    f->type = (mb_frame_type_t)99;
    f->c = 0xEE;
    f->a = 0xEE;
    f->ci = 0xEE;
    f->data = (const uint8_t *)f; /* any non-NULL pointer */
    f->data_len = 0xEEEE;
}

/* The fields that carry meaning for the frame's type are equal (data compared by content). */
static bool frame_same(const mb_frame_t *x, const mb_frame_t *y)
{
    if (x->type != y->type) {
        return false;
    }
    switch (x->type) {
    case MB_FRAME_ACK:
    case MB_FRAME_NACK: return true;
    case MB_FRAME_SHORT: return x->c == y->c && x->a == y->a;
    case MB_FRAME_CONTROL: return x->c == y->c && x->a == y->a && x->ci == y->ci;
    case MB_FRAME_LONG:
        return x->c == y->c && x->a == y->a && x->ci == y->ci && x->data_len == y->data_len &&
               memcmp(x->data, y->data, x->data_len) == 0;
    default: return false;
    }
}

/* What a decoder promises about a frame it returned (link.h, struct mb_frame). */
static void check_decoded_shape(const mb_frame_t *f, const uint8_t *buf, int n)
{
    CHECK(f->type >= MB_FRAME_ACK && f->type <= MB_FRAME_LONG);
    switch (f->type) {
    case MB_FRAME_ACK:
    case MB_FRAME_NACK: CHECK(n == 1); break;
    case MB_FRAME_SHORT: CHECK(n == (int)MB_FRAME_SHORT_LEN); break;
    case MB_FRAME_CONTROL: CHECK(n == (int)MB_FRAME_CONTROL_LEN); break;
    case MB_FRAME_LONG:
        CHECK(f->data_len >= 1u && f->data_len <= MB_FRAME_DATA_MAX);
        CHECK(n == (int)MB_FRAME_LONG_LEN(f->data_len));
        /* The data view lies inside the decoded bytes, right after CI. */
        CHECK(f->data == buf + 7);
        break;
    default: break;
    }
    if (f->type != MB_FRAME_LONG) {
        CHECK(f->data == NULL && f->data_len == 0u);
    }
    if (f->type != MB_FRAME_ACK && f->type != MB_FRAME_NACK) {
        CHECK(mb_c_valid_for(f->type, f->c));
    }
}

/*
 * Independent model of mb_frame_decode_prefix written from the checks link.h lists, in its order:
 * start byte, both L equal, second start byte, L >= 3, enough bytes, C field, stop byte, checksum.
 * A check whose byte has not arrived yet reports MB_ERR_FRAME_TRUNCATED.
 */
static int model_decode_prefix(const uint8_t *b, size_t n)
{
    if (n == 0u) {
        return MB_ERR_FRAME_EMPTY;
    }
    if (b[0] == MB_BYTE_ACK || b[0] == MB_BYTE_NACK) {
        return 1;
    }
    if (b[0] == MB_BYTE_SHORT_START) {
        if (n < MB_FRAME_SHORT_LEN) {
            return MB_ERR_FRAME_TRUNCATED;
        }
        if (!mb_c_valid_for(MB_FRAME_SHORT, b[1])) {
            return MB_ERR_FRAME_CFIELD;
        }
        if (b[4] != MB_BYTE_STOP) {
            return MB_ERR_FRAME_STOP;
        }
        return sum8(b + 1, 2) == b[3] ? (int)MB_FRAME_SHORT_LEN : MB_ERR_FRAME_CHECKSUM;
    }
    if (b[0] != MB_BYTE_LONG_START) {
        return MB_ERR_FRAME_START;
    }
    if (n < 3u) {
        return MB_ERR_FRAME_TRUNCATED;
    }
    if (b[1] != b[2]) {
        return MB_ERR_FRAME_LEN_MISMATCH;
    }
    if (n < 4u) {
        return MB_ERR_FRAME_TRUNCATED;
    }
    if (b[3] != MB_BYTE_LONG_START) {
        return MB_ERR_FRAME_START2;
    }
    if (b[1] < 3u) {
        return MB_ERR_FRAME_LEN;
    }
    size_t total = (size_t)b[1] + 6u;
    if (n < total) {
        return MB_ERR_FRAME_TRUNCATED;
    }
    if (!mb_c_valid_for(b[1] == 3u ? MB_FRAME_CONTROL : MB_FRAME_LONG, b[4])) {
        return MB_ERR_FRAME_CFIELD;
    }
    if (b[total - 1u] != MB_BYTE_STOP) {
        return MB_ERR_FRAME_STOP;
    }
    return sum8(b + 4, b[1]) == b[total - 2u] ? (int)total : MB_ERR_FRAME_CHECKSUM;
}

/*
 * Encode with capacity cap into a buffer pre-filled with 0x00, then again pre-filled with 0xFF:
 * a byte written past cap changes at least one of the two fills, whatever its value.
 * Both runs must agree; out receives the first one.
 */
static int encode_guarded(const mb_frame_t *f, size_t cap, uint8_t out[OUT_LEN])
{
    uint8_t other[OUT_LEN];
    CHECK(cap <= OUT_LEN);
    memset(out, 0x00, OUT_LEN);
    memset(other, 0xFF, OUT_LEN);
    int r1 = mb_frame_encode(f, out, cap);
    int r2 = mb_frame_encode(f, other, cap);
    CHECK(r1 == r2);
    for (size_t i = cap; i < OUT_LEN; i++) {
        CHECK(out[i] == 0x00 && other[i] == 0xFF);
    }
    if (r1 > 0) {
        CHECK((size_t)r1 <= cap);
        CHECK(memcmp(out, other, (size_t)r1) == 0);
    }
    return r1;
}

/* ---- part 1: decoding received bytes --------------------------------------------------------- */

static void fuzz_decode(const uint8_t *buf, size_t size)
{
    mb_frame_t pf;
    mb_frame_t df;
    mb_frame_t tf;

    /* Argument errors (link.h: buf may be NULL only when there are no bytes). */
    CHECK(mb_frame_decode_prefix(buf, size, NULL) == MB_ERR_ARG);
    CHECK(mb_frame_decode(buf, size, NULL) == MB_ERR_ARG);
    frame_poison(&tf);
    CHECK(mb_frame_decode_prefix(NULL, 0, &tf) == MB_ERR_FRAME_EMPTY && tf.type == MB_FRAME_NONE);
    if (size > 0u) {
        frame_poison(&tf);
        CHECK(mb_frame_decode(NULL, size, &tf) == MB_ERR_ARG && tf.type == MB_FRAME_NONE);
    }

    frame_poison(&pf);
    int n = mb_frame_decode_prefix(buf, size, &pf);
    CHECK(n == model_decode_prefix(buf, size));

    frame_poison(&df);
    int d = mb_frame_decode(buf, size, &df);
    /* decode succeeds exactly when the prefix decoder consumes the whole input. */
    CHECK((d == MB_OK) == (n > 0 && (size_t)n == size));

    if (n <= 0) {
        CHECK(is_decode_error(n));
        CHECK(pf.type == MB_FRAME_NONE);
        CHECK(d == n); /* the same first failed check */
        CHECK(df.type == MB_FRAME_NONE);
        return;
    }
    CHECK((size_t)n <= size && (size_t)n <= MB_FRAME_MAX_LEN);
    check_decoded_shape(&pf, buf, n);
    if (d == MB_OK) {
        /* Same frame, same view into buf. */
        CHECK(df.type == pf.type && df.c == pf.c && df.a == pf.a && df.ci == pf.ci);
        CHECK(df.data == pf.data && df.data_len == pf.data_len);
    } else {
        CHECK(d == MB_ERR_FRAME_TRAILING);
        CHECK(df.type == MB_FRAME_NONE);
    }

    /* Every shorter prefix of a valid frame is merely truncated (empty for no bytes). */
    CHECK(mb_frame_decode_prefix(buf, 0, &tf) == MB_ERR_FRAME_EMPTY);
    for (size_t k = 1; k < (size_t)n; k++) {
        CHECK(mb_frame_decode_prefix(buf, k, &tf) == MB_ERR_FRAME_TRUNCATED);
        CHECK(tf.type == MB_FRAME_NONE);
    }

    /* Re-encoding reproduces the received bytes exactly. */
    uint8_t out[OUT_LEN];
    CHECK(mb_frame_encoded_len(&pf) == (size_t)n);
    CHECK(encode_guarded(&pf, (size_t)n, out) == n);
    CHECK(memcmp(out, buf, (size_t)n) == 0);
    CHECK(encode_guarded(&pf, (size_t)n - 1u, out) == MB_ERR_NOSPACE);
    CHECK(encode_guarded(&pf, OUT_LEN, out) == n);

    /* And decoding the encoding gives back the same fields. */
    mb_frame_t rf;
    frame_poison(&rf);
    CHECK(mb_frame_decode(out, (size_t)n, &rf) == MB_OK);
    CHECK(rf.type == pf.type && rf.c == pf.c && rf.a == pf.a && rf.ci == pf.ci);
    CHECK(rf.data_len == pf.data_len);
    CHECK(rf.data_len == 0u || memcmp(rf.data, pf.data, rf.data_len) == 0);
}

/* ---- part 2: encoding an arbitrary frame struct ---------------------------------------------- */

/* Data for encoders: the rest of the input, then a fixed pattern. */
static void fill_payload(struct reader *r, uint8_t *payload, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        payload[i] = r->n > 0u ? take_u8(r) : (uint8_t)(i * 7u + 1u);
    }
}

/* Capacity: exact, one short, roomy or arbitrary, so that the NOSPACE edge is hit often. */
static size_t pick_cap(uint8_t mode, uint8_t arb, size_t want)
{
    switch (mode & 3u) {
    case 0: return want;
    case 1: return want > 0u ? want - 1u : 0u;
    case 2: return OUT_LEN;
    default: return arb % OUT_LEN;
    }
}

static void fuzz_encode_struct(struct reader *r)
{
    uint8_t payload[MB_FRAME_DATA_MAX + 8u];
    mb_frame_t f;
    uint8_t sel = take_u8(r);
    f.type = (mb_frame_type_t)(sel % 7u); /* 6 is no type at all */
    f.c = take_u8(r);
    f.a = take_u8(r);
    f.ci = take_u8(r);
    f.data_len = take_u16(r) % (sizeof payload + 1u);
    fill_payload(r, payload, f.data_len);
    f.data = (sel & 0x80u) != 0u ? NULL : payload;

    /* What link.h says is encodable, and how long it is on the wire. */
    size_t want = 0;
    int err = MB_ERR_ARG;
    bool c_ok = mb_c_valid_for(f.type, f.c);
    switch (f.type) {
    case MB_FRAME_ACK:
    case MB_FRAME_NACK: want = 1; break;
    case MB_FRAME_SHORT: want = c_ok ? MB_FRAME_SHORT_LEN : 0u; break;
    case MB_FRAME_CONTROL: want = c_ok && f.data_len == 0u ? MB_FRAME_CONTROL_LEN : 0u; break;
    case MB_FRAME_LONG:
        if (c_ok && f.data != NULL && f.data_len >= 1u && f.data_len <= MB_FRAME_DATA_MAX) {
            want = MB_FRAME_LONG_LEN(f.data_len);
        }
        break;
    default: break;
    }
    bool shape_ok = f.type == MB_FRAME_ACK || f.type == MB_FRAME_NACK || f.type == MB_FRAME_SHORT ||
                    (f.type == MB_FRAME_CONTROL && f.data_len == 0u) ||
                    (f.type == MB_FRAME_LONG && f.data != NULL && f.data_len >= 1u &&
                     f.data_len <= MB_FRAME_DATA_MAX);
    if (shape_ok && !c_ok) {
        err = MB_ERR_FRAME_CFIELD;
    }
    CHECK(mb_frame_encoded_len(&f) == want);

    uint8_t out[OUT_LEN];
    uint8_t cap_mode = take_u8(r);
    size_t cap = pick_cap(cap_mode, take_u8(r), want);
    CHECK(mb_frame_encoded_len(NULL) == 0u);
    CHECK(mb_frame_encode(NULL, out, cap) == MB_ERR_ARG);
    CHECK(mb_frame_encode(&f, NULL, cap + 1u) == MB_ERR_ARG);
    int n = encode_guarded(&f, cap, out);
    if (want == 0u) {
        /* Neither which check fires first is promised when several fail: any of the two. */
        CHECK(n == err || (!shape_ok && n == MB_ERR_FRAME_CFIELD && !c_ok));
        return;
    }
    if (cap < want) {
        CHECK(n == MB_ERR_NOSPACE);
        return;
    }
    CHECK(n == (int)want);
    mb_frame_t back;
    frame_poison(&back);
    CHECK(mb_frame_decode(out, (size_t)n, &back) == MB_OK);
    CHECK(frame_same(&f, &back));
}

/* ---- part 3: the builders -------------------------------------------------------------------- */

enum builder {
    B_SND_NKE,
    B_REQ_UD2,
    B_REQ_UD1,
    B_SND_UD,
    B_SND_UD2,
    B_APP_RESET,
    B_SET_BAUD,
    B_SET_ADDRESS,
    B_SELECT,
    B_SELECT_ENHANCED,
    B_ACK,
    B_NACK,
    B_RSP_UD,
    B_COUNT
};

/* One builder call with all the arguments any builder takes. */
struct call {
    enum builder which;
    uint8_t addr, ci, new_addr;
    bool fcb, acd, dfc, null_ptr;
    int subcode;
    uint32_t baud, fabrication;
    mb_secondary_t mask;
    const uint8_t *data;
    size_t data_len;
};

static int call_builder(const struct call *k, uint8_t *out, size_t cap)
{
    const mb_secondary_t *mask = k->null_ptr ? NULL : &k->mask;
    switch (k->which) {
    case B_SND_NKE: return mb_encode_snd_nke(out, cap, k->addr);
    case B_REQ_UD2: return mb_encode_req_ud2(out, cap, k->addr, k->fcb);
    case B_REQ_UD1: return mb_encode_req_ud1(out, cap, k->addr, k->fcb);
    case B_SND_UD: return mb_encode_snd_ud(out, cap, k->addr, k->fcb, k->ci, k->data, k->data_len);
    case B_SND_UD2: return mb_encode_snd_ud2(out, cap, k->addr, k->ci, k->data, k->data_len);
    case B_APP_RESET: return mb_encode_app_reset(out, cap, k->addr, k->fcb, k->subcode);
    case B_SET_BAUD: return mb_encode_set_baud(out, cap, k->addr, k->fcb, k->baud);
    case B_SET_ADDRESS: return mb_encode_set_address(out, cap, k->addr, k->fcb, k->new_addr);
    case B_SELECT: return mb_encode_select(out, cap, k->fcb, mask);
    case B_SELECT_ENHANCED:
        return mb_encode_select_enhanced(out, cap, k->fcb, mask, k->fabrication);
    case B_ACK: return mb_encode_ack(out, cap);
    case B_NACK: return mb_encode_nack(out, cap);
    case B_RSP_UD:
        return mb_encode_rsp_ud(out, cap, k->addr, k->acd, k->dfc, k->ci, k->data, k->data_len);
    default: CHECK(k->which < B_COUNT); return 0;
    }
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/*
 * The frame a builder call must produce, from link.h alone; false when its arguments are out of
 * range. Data the expectation needs is built in store.
 */
static bool expected_frame(const struct call *k, mb_frame_t *f, uint8_t *store)
{
    uint8_t fcb = k->fcb ? (uint8_t)MB_C_FCB : 0u;
    uint8_t c_snd_ud = (uint8_t)(MB_C_SND_UD | fcb);
    f->type = MB_FRAME_CONTROL;
    f->c = c_snd_ud;
    f->a = k->addr;
    f->ci = k->ci;
    f->data = NULL;
    f->data_len = 0;
    switch (k->which) {
    case B_SND_NKE:
        f->type = MB_FRAME_SHORT;
        f->c = MB_C_SND_NKE;
        return true;
    case B_REQ_UD2:
    case B_REQ_UD1:
        f->type = MB_FRAME_SHORT;
        f->c = (uint8_t)((k->which == B_REQ_UD2 ? MB_C_REQ_UD2 : MB_C_REQ_UD1) | fcb);
        return true;
    case B_SND_UD:
    case B_SND_UD2:
    case B_RSP_UD:
        if (k->which == B_SND_UD2) {
            f->c = MB_C_SND_UD2;
        } else if (k->which == B_RSP_UD) {
            f->c = (uint8_t)(MB_C_RSP_UD | (k->acd ? MB_C_ACD : 0u) | (k->dfc ? MB_C_DFC : 0u));
        }
        if (k->data_len > MB_FRAME_DATA_MAX || (k->data == NULL && k->data_len != 0u)) {
            return false;
        }
        if (k->data_len == 0u) {
            return k->which != B_SND_UD2; /* SND_UD2 needs 1..252 data bytes */
        }
        f->type = MB_FRAME_LONG;
        f->data = k->data;
        f->data_len = k->data_len;
        return true;
    case B_APP_RESET:
        f->ci = 0x50;
        if (k->subcode == MB_APP_RESET_NO_SUBCODE) {
            return true;
        }
        if (k->subcode < 0 || k->subcode > 0xFF) {
            return false;
        }
        store[0] = (uint8_t)k->subcode;
        f->type = MB_FRAME_LONG;
        f->data = store;
        f->data_len = 1;
        return true;
    case B_SET_BAUD:
        for (uint8_t i = 0; i < 8u; i++) {
            if (baud_table[i] == k->baud) {
                f->ci = (uint8_t)(0xB8u + i);
                return true;
            }
        }
        return false;
    case B_SET_ADDRESS:
        if (k->new_addr > MB_ADDR_PRIMARY_MAX) {
            return false;
        }
        store[0] = 0x01; /* DIF: 8-bit integer */
        store[1] = 0x7A; /* VIF: bus address */
        store[2] = k->new_addr;
        f->type = MB_FRAME_LONG;
        f->ci = 0x51;
        f->data = store;
        f->data_len = 3;
        return true;
    case B_SELECT:
    case B_SELECT_ENHANCED:
        if (k->null_ptr) {
            return false;
        }
        /* ID least significant byte first, manufacturer little-endian, version, medium. */
        put_le32(store, k->mask.id);
        store[4] = (uint8_t)k->mask.manufacturer;
        store[5] = (uint8_t)(k->mask.manufacturer >> 8);
        store[6] = k->mask.version;
        store[7] = k->mask.medium;
        f->data_len = MB_SECONDARY_LEN;
        if (k->which == B_SELECT_ENHANCED) {
            store[8] = 0x0C; /* DIF: 8-digit BCD */
            store[9] = 0x78; /* VIF: fabrication number */
            put_le32(store + 10, k->fabrication);
            f->data_len += 6u;
        }
        f->type = MB_FRAME_LONG;
        f->a = MB_ADDR_NETWORK;
        f->ci = 0x52;
        f->data = store;
        return true;
    case B_ACK: f->type = MB_FRAME_ACK; return true;
    case B_NACK: f->type = MB_FRAME_NACK; return true;
    default: return false;
    }
}

static void fuzz_builders(struct reader *r)
{
    uint8_t payload[MB_FRAME_DATA_MAX + 8u];
    struct call k;
    uint8_t flags;
    memset(&k, 0, sizeof k);
    k.which = (enum builder)(take_u8(r) % B_COUNT);
    flags = take_u8(r);
    k.fcb = (flags & 1u) != 0u;
    k.acd = (flags & 2u) != 0u;
    k.dfc = (flags & 4u) != 0u;
    /* NULL pointers only now and then: they are a single error path. */
    k.null_ptr = (flags & 0xF0u) == 0xF0u;
    k.addr = take_u8(r);
    k.ci = take_u8(r);
    k.new_addr = take_u8(r);

    uint8_t sub = take_u8(r);
    uint8_t sub_mode = take_u8(r);
    /* Mostly 0..255, sometimes "none", sometimes any int to probe the range check. */
    k.subcode = sub_mode < 192u   ? (int)sub
                : sub_mode < 224u ? MB_APP_RESET_NO_SUBCODE
                                  : (int)(int16_t)take_u16(r);

    /* Mostly a real baud rate, sometimes any 32-bit value. */
    uint8_t baud_sel = take_u8(r);
    k.baud = baud_sel < 128u ? baud_table[baud_sel % 8u] : take_u32(r);

    k.mask.id = take_u32(r);
    k.mask.manufacturer = take_u16(r);
    k.mask.version = take_u8(r);
    k.mask.medium = take_u8(r);
    k.fabrication = take_u32(r);

    k.data_len = take_u16(r) % (sizeof payload + 1u);
    uint8_t cap_mode = take_u8(r);
    uint8_t cap_arb = take_u8(r);
    fill_payload(r, payload, k.data_len);
    k.data = k.null_ptr ? NULL : payload;

    /* The baud-rate table both ways, for whatever rate and CI this input carries. */
    uint8_t want_ci = 0;
    for (uint8_t i = 0; i < 8u; i++) {
        want_ci = baud_table[i] == k.baud ? (uint8_t)(0xB8u + i) : want_ci;
    }
    CHECK(mb_baud_to_ci(k.baud) == want_ci);
    CHECK(mb_ci_to_baud(k.ci) == (k.ci >= 0xB8u && k.ci <= 0xBFu ? baud_table[k.ci - 0xB8u] : 0u));

    uint8_t store[MB_SECONDARY_LEN + 6u];
    mb_frame_t want;
    bool valid = expected_frame(&k, &want, store);
    size_t want_len = valid ? mb_frame_encoded_len(&want) : 0u;
    CHECK(!valid || want_len > 0u);
    size_t cap = pick_cap(cap_mode, cap_arb, want_len);

    /* Two fills, as encode_guarded(): nothing may be written past cap. */
    uint8_t out[OUT_LEN];
    uint8_t other[OUT_LEN];
    memset(out, 0x00, sizeof out);
    memset(other, 0xFF, sizeof other);
    int n = call_builder(&k, out, cap);
    CHECK(call_builder(&k, other, cap) == n);
    for (size_t i = cap; i < OUT_LEN; i++) {
        CHECK(out[i] == 0x00 && other[i] == 0xFF);
    }

    if (!valid) {
        CHECK(n == MB_ERR_ARG); /* error.h: an argument is NULL or out of range */
        return;
    }
    if (cap < want_len) {
        CHECK(n == MB_ERR_NOSPACE);
        return;
    }
    CHECK(n == (int)want_len);
    CHECK(memcmp(out, other, (size_t)n) == 0);
    mb_frame_t got;
    frame_poison(&got);
    CHECK(mb_frame_decode(out, (size_t)n, &got) == MB_OK);
    CHECK(frame_same(&want, &got));
    if (k.which == B_SET_BAUD) {
        CHECK(mb_ci_to_baud(got.ci) == k.baud);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_decode(data, size);

    /* The same bytes again, as a plan for the encoders; zeros once they run out. */
    struct reader r = {data, size};
    fuzz_builders(&r);
    r.p = data;
    r.n = size;
    (void)take_u8(&r); /* so that part 2 does not see the builder choice as its frame type */
    fuzz_encode_struct(&r);
    return 0;
}
