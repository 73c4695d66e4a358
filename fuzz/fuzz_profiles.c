/*
 * Fuzz harness for the meter profiles (src/profiles/profiles.h): mb_profile_init,
 * mb_profile_set_time and the slave application mb_profile_app (respond and receive), driven
 * directly, without the slave state machine, so that any telegram number, capacity, CI and data
 * reach them.
 *
 * Input: a header of 10 bytes, then operations until the bytes run out (at most OPS_MAX).
 *   [0]     profile kind, modulo MB_PROFILE_COUNT
 *   [1..4]  seed (little endian)
 *   [5]     primary address
 *   [6..9]  wall clock at elapsed 0 for the clock that runs with elapsed time (Unix seconds)
 * Each operation starts with a byte o; o & 3 selects it:
 *   0  set_time: 4 bytes, the step of elapsed_ms (it only advances, wrapping at 2^32); then the
 *      wall clock by (o >> 2) & 3: 0 unknown (0), 2 four more bytes as given, else the clock of
 *      the header advanced with the elapsed time
 *   1, 3  respond: class 1 when (o >> 2) & 7 is 0, else 2; a byte: the telegram number; bit 5
 *      of o set: capacity MB_SLAVE_RESPONSE_MAX, else a byte (capped at MB_SLAVE_RESPONSE_MAX)
 *   2  receive: CI 51 when bit 2 of o is set, else a byte; a byte: data length 0..15; the data
 *
 * Checked after each operation:
 *  - respond returns at most its capacity, writes nothing beyond it (canary), 0 for class 1;
 *  - a telegram starts with CI 72 and the meter's long header (ID, manufacturer, version, medium
 *    of m.secondary; access number one more than the last one, counting telegrams that did not
 *    fit: building one uses its access number up); its records decode to the end without an
 *    error and end with DIF 1F exactly when *more is set, which only the multi-telegram meter
 *    sets, before its last telegram;
 *  - readings are those of the cycle: the same telegram built from a copy of the meter is the
 *    same but for the access number;
 *  - E350: the four tariff imports add up to the total import; the breaker record and the power
 *    follow the breaker, the counters stand still while it is open and do not jump when it
 *    moves; no counter grows faster than the highest rate of any meter of the kind;
 *  - month-end values (storage 1 and up) are never above the current value of the same VIF nor
 *    above the month end before; dates are valid dates, and the current date and time is the
 *    wall clock of the measuring cycle;
 *  - receive accepts (0) exactly CI 51 `7F` (any profile) and CI 51 `01 FD 1A 00/01` (E350),
 *    which opens or closes the breaker; it refuses (negative) anything else and changes nothing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/config.h"

#include "fuzz_check.h"

#if MB_ENABLE_SLAVE

#include "meterbus/records.h"
#include "meterbus/slave.h"
#include "profiles.h"

#define HDR_LEN     10u
#define OPS_MAX     4000u
#define CANARY_LEN  64u
#define CANARY_BYTE 0xA5u
#define APL_OFFSET  13u /* CI and the 12-byte long header */
#define RECS_MAX    64u

/* The wall clock of a meter that is not told one (profiles.h: 2026-01-01 00:00 UTC). */
#define EPOCH_2026 1767225600u

/* Upper bounds of a new electricity meter (profiles.c keeps below them): starting reading of
   each tariff and of export, in Wh, and their rates in Wh per hour. */
#define TARIFF_START_MAX 5000000u
#define EXPORT_START_MAX 800000u
#define TARIFF_RATE_MAX  1783u /* 1049 W base load times 170 % (peak tariff) */
#define EXPORT_RATE_MAX  400u

struct reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
};

static uint8_t take8(struct reader *r) { return r->pos < r->len ? r->p[r->pos++] : 0u; }

static uint32_t take32(struct reader *r)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 4u; i++) {
        v |= (uint32_t)take8(r) << (8u * i);
    }
    return v;
}

/* One decoded record, reduced to what the checks compare. */
struct item {
    uint8_t vib[4];
    uint16_t vib_len;
    uint64_t storage;
    uint32_t tariff;
    mb_value_t value;
};

struct telegram {
    struct item items[RECS_MAX];
    size_t count;
};

struct state {
    mb_profile_meter_t m;
    uint32_t elapsed_ms;
    uint64_t total_ms;    /* elapsed time since mb_profile_init, without wrapping */
    uint32_t clock_base;  /* header [6..9] */
    uint32_t wall;        /* the wall clock the meter should report (start of the cycle) */
    bool have_access;     /* an access number was seen */
    uint8_t next_access;  /* the access number the next telegram must carry */
    bool frozen;          /* E350 with the breaker open: counters stand still */
    int64_t frozen_total; /* the import total while frozen */
};

/* ---- calendar (independent of profiles.c: from the date to the seconds) -------------------- */

static bool leap(uint32_t y) { return (y % 4u == 0u && y % 100u != 0u) || y % 400u == 0u; }

static uint32_t month_days(uint32_t y, uint32_t month)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[month - 1u] + (month == 2u && leap(y) ? 1u : 0u);
}

static bool valid_date(const mb_datetime_t *dt)
{
    return (dt->flags & (MB_DT_INVALID | MB_DT_PERIODIC)) == 0u &&
           (dt->flags & MB_DT_HAS_DATE) != 0u && dt->month >= 1u && dt->month <= 12u &&
           dt->day >= 1u && dt->day <= month_days(dt->year, dt->month);
}

/* Unix seconds of a type F date and time (minute resolution), years 1970 and later. */
static uint64_t unix_of(const mb_datetime_t *dt)
{
    uint64_t days = 0;
    for (uint32_t y = 1970; y < dt->year; y++) {
        days += leap(y) ? 366u : 365u;
    }
    for (uint32_t mo = 1; mo < dt->month; mo++) {
        days += month_days(dt->year, mo);
    }
    days += dt->day - 1u;
    return days * 86400u + dt->hour * 3600u + dt->minute * 60u;
}

/* ---- telegrams ------------------------------------------------------------------------------ */

/* Decode the records of telegram @p out (@p n bytes); they must read to the end without error. */
static void decode(const uint8_t *out, size_t n, bool more, struct telegram *t)
{
    CHECK(n >= APL_OFFSET);
    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, out + APL_OFFSET, n - APL_OFFSET, 0);
    t->count = 0;
    int rc;
    while ((rc = mb_records_next(&it, &rec)) == 1) {
        CHECK(t->count < RECS_MAX);
        CHECK(rec.vib_len >= 1u && rec.vib_len <= sizeof t->items[0].vib);
        CHECK((rec.flags & (MB_RECORD_ERROR | MB_RECORD_UNKNOWN_VIFE)) == 0u);
        CHECK(rec.value.kind == MB_VALUE_NUMBER || rec.value.kind == MB_VALUE_DATE);
        CHECK(rec.value.flags == 0u);
        struct item *x = &t->items[t->count++];
        memset(x, 0, sizeof *x);
        memcpy(x->vib, rec.vib, rec.vib_len);
        x->vib_len = rec.vib_len;
        x->storage = rec.storage;
        x->tariff = rec.tariff;
        x->value = rec.value;
    }
    CHECK(rc == 0);
    CHECK(mb_records_offset(&it) == n - APL_OFFSET);
    CHECK(it.more_records_follow == more);
    if (more) {
        CHECK(out[n - 1u] == 0x1Fu && it.manufacturer_len == 0u);
    } else {
        CHECK(it.manufacturer_data == NULL);
    }
}

static bool same_vib(const struct item *a, const struct item *b)
{
    return a->vib_len == b->vib_len && memcmp(a->vib, b->vib, a->vib_len) == 0;
}

/* The current (storage 0, no tariff) record with VIF and VIFEs @p vib, or NULL. */
static const struct item *current(const struct telegram *t, const uint8_t *vib, uint16_t len)
{
    for (size_t i = 0; i < t->count; i++) {
        const struct item *x = &t->items[i];
        if (x->storage == 0u && x->tariff == 0u && x->vib_len == len &&
            memcmp(x->vib, vib, len) == 0) {
            return x;
        }
    }
    return NULL;
}

static int64_t current_value(const struct telegram *t, const uint8_t *vib, uint16_t len)
{
    const struct item *x = current(t, vib, len);
    CHECK(x != NULL && x->value.kind == MB_VALUE_NUMBER);
    return x->value.mantissa;
}

static const uint8_t VIB_ENERGY_WH[] = {0x03};
static const uint8_t VIB_ENERGY_10WH[] = {0x04};
static const uint8_t VIB_EXPORT_WH[] = {0x83, 0x3C};
static const uint8_t VIB_POWER[] = {0x2B};
static const uint8_t VIB_BREAKER[] = {0xFD, 0x1A};
static const uint8_t VIB_DATE_TIME[] = {0x6D};

/* Month ends against the current values (@p now: telegram 0 of the same cycle) and each other. */
static void check_month_ends(const struct telegram *t, const struct telegram *now)
{
    for (size_t i = 0; i < t->count; i++) {
        const struct item *x = &t->items[i];
        if (x->value.kind == MB_VALUE_DATE) {
            CHECK(valid_date(&x->value.datetime));
        }
        if (x->storage == 0u || x->value.kind != MB_VALUE_NUMBER) {
            continue;
        }
        const struct item *c = current(now, x->vib, x->vib_len);
        CHECK(c != NULL && c->value.kind == MB_VALUE_NUMBER);
        CHECK(x->value.mantissa >= 0 && x->value.mantissa <= c->value.mantissa);
        /* An older month end (higher storage number) is never above a newer one. */
        for (size_t j = 0; j < i; j++) {
            const struct item *y = &t->items[j];
            if (y->storage != 0u && y->storage < x->storage && same_vib(x, y)) {
                CHECK(x->value.mantissa <= y->value.mantissa);
            }
        }
    }
}

static void check_clock(const struct state *s, const struct telegram *t)
{
    const struct item *d = current(t, VIB_DATE_TIME, sizeof VIB_DATE_TIME);
    if (d == NULL) {
        return; /* the month-end telegrams of the multi-telegram meter carry none */
    }
    CHECK(d->value.kind == MB_VALUE_DATE && d->value.datetime.type == 'F');
    CHECK(valid_date(&d->value.datetime));
    /* Type F reads two-digit years up to 80 as 20xx without hundred-year bits: a clock before
       1981 cannot be told apart from 2070..2080. */
    if (s->wall >= 347155200u) { /* 1981-01-01 */
        CHECK(unix_of(&d->value.datetime) == s->wall - s->wall % 60u);
    }
}

/* Bounds and sums of the electricity meters' counters. */
static void check_electricity(const struct state *s, const struct telegram *t)
{
    uint64_t hours = s->total_ms / 3600000u + 1u;
    if (s->m.kind == MB_PROFILE_M1PRO) {
        int64_t import = current_value(t, VIB_ENERGY_10WH, sizeof VIB_ENERGY_10WH);
        CHECK(import >= 0 &&
              (uint64_t)import <= (4u * (TARIFF_START_MAX + TARIFF_RATE_MAX * hours)) / 10u);
        CHECK(current_value(t, VIB_POWER, sizeof VIB_POWER) >= 0);
        return;
    }
    int64_t total = current_value(t, VIB_ENERGY_WH, sizeof VIB_ENERGY_WH);
    uint32_t sum = 0;
    unsigned tariffs = 0;
    for (size_t i = 0; i < t->count; i++) {
        const struct item *x = &t->items[i];
        if (x->tariff == 0u || x->storage != 0u) {
            continue;
        }
        CHECK(x->vib_len == 1u && x->vib[0] == 0x03u && x->tariff == tariffs + 1u);
        CHECK(x->value.mantissa >= 0 &&
              (uint64_t)x->value.mantissa <= TARIFF_START_MAX + TARIFF_RATE_MAX * hours);
        sum += (uint32_t)x->value.mantissa;
        tariffs++;
    }
    CHECK(tariffs == 4u);
    CHECK((int64_t)sum == total);
    int64_t export = current_value(t, VIB_EXPORT_WH, sizeof VIB_EXPORT_WH);
    CHECK(export >= 0 && (uint64_t) export <= EXPORT_START_MAX + EXPORT_RATE_MAX * hours);
    int64_t breaker = current_value(t, VIB_BREAKER, sizeof VIB_BREAKER);
    CHECK(breaker == (s->m.breaker_open ? 0 : 1));
    int64_t power = current_value(t, VIB_POWER, sizeof VIB_POWER);
    CHECK(power >= 0);
    if (s->m.breaker_open) {
        CHECK(power == 0);
        CHECK(!s->frozen || total == s->frozen_total);
    }
}

/* Build telegram @p telegram of a copy of the meter (its state stays as it is). */
static size_t build_copy(const mb_profile_meter_t *m, unsigned telegram, uint8_t *out, bool *more)
{
    mb_profile_meter_t copy = *m;
    *more = false;
    int n = mb_profile_app.respond(&copy, 2, telegram, out, MB_SLAVE_RESPONSE_MAX, more);
    CHECK(n > 0 && (size_t)n <= MB_SLAVE_RESPONSE_MAX);
    return (size_t)n;
}

static int64_t import_of(const mb_profile_meter_t *m)
{
    uint8_t buf[MB_SLAVE_RESPONSE_MAX];
    bool more;
    size_t n = build_copy(m, 0, buf, &more);
    static struct telegram t;
    decode(buf, n, more, &t);
    return current_value(&t, VIB_ENERGY_WH, sizeof VIB_ENERGY_WH);
}

/* Member by member: a struct's padding bytes are not part of its state. */
static bool same_meter(const mb_profile_meter_t *a, const mb_profile_meter_t *b)
{
    bool same = a->kind == b->kind && a->secondary.id == b->secondary.id &&
                a->secondary.manufacturer == b->secondary.manufacturer &&
                a->secondary.version == b->secondary.version &&
                a->secondary.medium == b->secondary.medium && a->fabrication == b->fabrication &&
                a->address == b->address && a->baud_rates == b->baud_rates &&
                a->access == b->access && a->breaker_open == b->breaker_open &&
                a->seed == b->seed && a->cycle == b->cycle && a->base_cycle == b->base_cycle &&
                a->unix_s == b->unix_s && a->breaker_commands == b->breaker_commands;
    for (size_t i = 0; i < sizeof a->start / sizeof a->start[0]; i++) {
        same = same && a->start[i] == b->start[i] && a->rate[i] == b->rate[i];
    }
    return same;
}

/* ---- operations ----------------------------------------------------------------------------- */

static void op_set_time(struct state *s, struct reader *r, uint8_t o)
{
    uint32_t step = take32(r);
    s->elapsed_ms += step; /* wraps at 2^32, as a millisecond clock does */
    s->total_ms += step;
    unsigned mode = (o >> 2) & 3u;
    uint32_t unix_s = mode == 0u   ? 0u
                      : mode == 2u ? take32(r)
                                   : (uint32_t)(s->clock_base + s->total_ms / 1000u);
    mb_profile_set_time(&s->m, s->elapsed_ms, unix_s);
    /* Cycles run on across the wrap of elapsed_ms: they follow the time that passed. */
    uint32_t into_cycle_s = (uint32_t)(s->total_ms % MB_PROFILE_CYCLE_MS / 1000u);
    if (unix_s == 0u) {
        s->wall = EPOCH_2026 +
                  (uint32_t)(s->total_ms / MB_PROFILE_CYCLE_MS) * (MB_PROFILE_CYCLE_MS / 1000u);
    } else {
        s->wall = unix_s >= into_cycle_s ? unix_s - into_cycle_s : 0u;
    }
}

static void op_respond(struct state *s, struct reader *r, uint8_t o)
{
    static uint8_t buf[MB_SLAVE_RESPONSE_MAX + CANARY_LEN];
    static struct telegram t, now;
    uint8_t req_class = ((o >> 2) & 7u) == 0u ? 1u : 2u;
    unsigned telegram = take8(r);
    size_t cap = MB_SLAVE_RESPONSE_MAX;
    if ((o & 0x20u) == 0u) {
        cap = take8(r);
        if (cap > MB_SLAVE_RESPONSE_MAX) {
            cap = MB_SLAVE_RESPONSE_MAX;
        }
    }
    memset(buf, CANARY_BYTE, sizeof buf);
    mb_profile_meter_t before = s->m;
    bool more = false;
    int n = mb_profile_app.respond(&s->m, req_class, telegram, buf, cap, &more);
    for (size_t i = cap; i < sizeof buf; i++) {
        CHECK(buf[i] == CANARY_BYTE);
    }
    CHECK(n <= (int)cap);
    if (req_class == 1u) {
        CHECK(n == 0 && same_meter(&before, &s->m));
        return;
    }
    if (n <= 0) {
        /* Only a capacity too small for the telegram; its access number is used up. */
        CHECK(n < 0);
        if (s->have_access) {
            s->next_access++;
        }
        return;
    }
    size_t len = (size_t)n;
    CHECK(len >= APL_OFFSET);
    const mb_secondary_t *sec = &s->m.secondary;
    CHECK(buf[0] == 0x72u);
    CHECK(((uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16 |
           (uint32_t)buf[4] << 24) == sec->id);
    CHECK(((unsigned)buf[5] | (unsigned)buf[6] << 8) == sec->manufacturer);
    CHECK(buf[7] == sec->version && buf[8] == sec->medium);
    CHECK(!s->have_access || buf[9] == s->next_access);
    s->have_access = true;
    s->next_access = (uint8_t)(buf[9] + 1u);
    CHECK(buf[10] == 0u && buf[11] == 0u && buf[12] == 0u);

    unsigned effective = telegram < MB_PROFILE_MULTI_TELEGRAMS ? telegram : 0u;
    bool multi = s->m.kind == MB_PROFILE_MULTI;
    CHECK(more == (multi && effective + 1u < MB_PROFILE_MULTI_TELEGRAMS));
    decode(buf, len, more, &t);

    /* The same telegram of a copy: the same readings, only the access number differs. */
    uint8_t again[MB_SLAVE_RESPONSE_MAX];
    bool more_again;
    size_t len_again = build_copy(&before, telegram, again, &more_again);
    CHECK(len_again == len && more_again == more);
    CHECK(memcmp(again, buf, 9) == 0 && memcmp(again + 10, buf + 10, len - 10u) == 0);

    /* Current values: telegram 0 (the multi-telegram meter's month ends come in 1 and 2). */
    const struct telegram *cur = &t;
    if (multi && effective != 0u) {
        bool more0;
        size_t len0 = build_copy(&before, 0, again, &more0);
        decode(again, len0, more0, &now);
        cur = &now;
    }
    check_month_ends(&t, cur);
    check_clock(s, &t);
    if (s->m.kind == MB_PROFILE_E350 || s->m.kind == MB_PROFILE_M1PRO) {
        check_electricity(s, &t);
    }
}

static void op_receive(struct state *s, struct reader *r, uint8_t o)
{
    uint8_t ci = (o & 4u) != 0u ? 0x51u : take8(r);
    size_t len = take8(r) & 0x0Fu;
    if (len > r->len - r->pos) {
        len = r->len - r->pos;
    }
    /* A buffer of exactly the data's size, so that AddressSanitizer sees a read beyond it. */
    uint8_t *data = NULL;
    if (len > 0u) {
        data = malloc(len);
        CHECK(data != NULL);
        memcpy(data, r->p + r->pos, len);
        r->pos += len;
    }
    bool readout = ci == 0x51u && len == 1u && data[0] == 0x7Fu;
    bool breaker = ci == 0x51u && s->m.kind == MB_PROFILE_E350 && len == 4u && data[0] == 0x01u &&
                   data[1] == 0xFDu && data[2] == 0x1Au && data[3] <= 1u;
    mb_profile_meter_t before = s->m;
    int64_t import_before = s->m.kind == MB_PROFILE_E350 ? import_of(&s->m) : 0;
    int rc = mb_profile_app.receive(&s->m, ci, data, len);
    if (breaker) {
        CHECK(rc == 0);
        CHECK(s->m.breaker_open == (data[3] == 0u));
        CHECK(s->m.breaker_commands == before.breaker_commands + 1u);
        /* Opening or closing moves no counter: the readings of this cycle stay. */
        int64_t import_after = import_of(&s->m);
        CHECK(import_after == import_before);
        s->frozen = s->m.breaker_open;
        s->frozen_total = import_after;
    } else {
        CHECK(readout ? rc == 0 : rc < 0);
        CHECK(same_meter(&before, &s->m));
    }
    free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR_LEN) {
        return 0;
    }
    static struct state s;
    memset(&s, 0, sizeof s);
    struct reader r = {data, size, 0};
    mb_profile_kind_t kind = (mb_profile_kind_t)(take8(&r) % MB_PROFILE_COUNT);
    uint32_t seed = take32(&r);
    uint8_t address = take8(&r);
    s.clock_base = take32(&r);
    mb_profile_init(&s.m, kind, seed, address);
    CHECK(s.m.kind == kind && s.m.address == (address <= 250u ? address : 0u));
    CHECK(!s.m.breaker_open && s.m.breaker_commands == 0u);
    CHECK(mb_profile_find(mb_profile_name(kind), strlen(mb_profile_name(kind))) == (int)kind);
    s.wall = EPOCH_2026;

    for (unsigned ops = 0; ops < OPS_MAX && r.pos < r.len; ops++) {
        uint8_t o = take8(&r);
        switch (o & 3u) {
        case 0: op_set_time(&s, &r, o); break;
        case 2: op_receive(&s, &r, o); break;
        default: op_respond(&s, &r, o); break;
        }
    }
    return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
