/* Compact frames: record formats learnt from full frames, a fixed-size cache, expansion. */
#include "meterbus/compact.h"

#include "internal.h"

#if MB_ENABLE_WIRELESS

#include "meterbus/records.h"
#include "meterbus/wlink.h"

static void format_clear(mb_format_t *fmt)
{
    static const mb_format_t empty = {0};
    *fmt = empty;
}

int mb_format_learn(const uint8_t *apl, size_t len, mb_format_t *fmt)
{
    if (fmt == NULL || (apl == NULL && len != 0u)) {
        return MB_ERR_ARG;
    }
    format_clear(fmt);
    mb_records_t it;
    mb_record_t rec;
    int r;
    size_t n = 0;
    unsigned records = 0;
    mb_records_init(&it, apl, len, 0);
    while ((r = mb_records_next(&it, &rec)) == 1) {
        if ((rec.flags & MB_RECORD_GLOBAL_READOUT) != 0u) {
            format_clear(fmt);
            return MB_ERR_REC_RESERVED_DIF; /* 7F has no data and no place in a format */
        }
        /* DIB and VIB are adjacent in the data: one copy of both. */
        size_t head = (size_t)rec.dib_len + rec.vib_len;
        if (head > MB_COMPACT_FORMAT_MAX - n || records == 255u) {
            format_clear(fmt);
            return MB_ERR_NOSPACE;
        }
        fmt->starts[n / 8u] = (uint8_t)(fmt->starts[n / 8u] | 1u << (n % 8u));
        mb_internal_copy(fmt->bytes + n, rec.dib, head);
        n += head;
        records++;
    }
    if (r < 0) {
        format_clear(fmt);
        return r;
    }
    fmt->len = (uint8_t)n;
    fmt->records = (uint8_t)records;
    fmt->signature = mb_crc16_en13757(fmt->bytes, n);
    return MB_OK;
}

void mb_format_cache_init(mb_format_cache_t *cache, mb_format_t *slots, size_t count)
{
    if (cache == NULL) {
        return;
    }
    cache->slots = slots;
    cache->count = slots == NULL ? 0u : count;
    cache->clock = 0;
    for (size_t i = 0; i < cache->count; i++) {
        format_clear(&slots[i]);
    }
}

static uint32_t tick(mb_format_cache_t *cache)
{
    if (++cache->clock == 0u) { /* wrapped: keep the order, restart the ages */
        for (size_t i = 0; i < cache->count; i++) {
            cache->slots[i].last_used = 0;
        }
        cache->clock = 1;
    }
    return cache->clock;
}

int mb_format_cache_put(mb_format_cache_t *cache, const mb_format_t *fmt)
{
    if (cache == NULL || fmt == NULL || cache->count == 0u || fmt->len == 0u) {
        return MB_ERR_ARG;
    }
    size_t victim = 0;
    bool found = false;
    for (size_t i = 0; i < cache->count && !found; i++) {
        const mb_format_t *s = &cache->slots[i];
        if (s->len != 0u && s->signature == fmt->signature) {
            victim = i;
            found = true;
        } else if (cache->slots[victim].len != 0u &&
                   (s->len == 0u || s->last_used < cache->slots[victim].last_used)) {
            victim = i;
        }
    }
    mb_format_t *slot = &cache->slots[victim];
    *slot = *fmt;
    slot->last_used = tick(cache);
    return MB_OK;
}

const mb_format_t *mb_format_cache_get(mb_format_cache_t *cache, uint16_t signature)
{
    if (cache == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < cache->count; i++) {
        mb_format_t *s = &cache->slots[i];
        if (s->len != 0u && s->signature == signature) {
            s->last_used = tick(cache);
            return s;
        }
    }
    return NULL;
}

uint16_t mb_compact_signature(const uint8_t *compact, size_t len)
{
    if (compact == NULL || len < 2u) {
        return 0;
    }
    return (uint16_t)(compact[0] | compact[1] << 8);
}

static bool starts_record(const mb_format_t *fmt, size_t i)
{
    return i < fmt->len && ((unsigned)fmt->starts[i / 8u] >> (i % 8u) & 1u) != 0u;
}

int mb_compact_expand(const mb_format_t *fmt, const uint8_t *compact, size_t len, uint8_t *out,
                      size_t cap, bool *crc_ok)
{
    if (crc_ok != NULL) {
        *crc_ok = false;
    }
    if (fmt == NULL || compact == NULL || out == NULL || fmt->len > MB_COMPACT_FORMAT_MAX ||
        len > 65535u) {
        return MB_ERR_ARG; /* a length that the int result could not carry is no telegram */
    }
    if (len < MB_COMPACT_HEADER_LEN) {
        return MB_ERR_COMPACT_SHORT;
    }
    if (mb_compact_signature(compact, len) != fmt->signature || fmt->len == 0u) {
        return MB_ERR_COMPACT_FORMAT;
    }
    uint16_t full_crc = (uint16_t)(compact[2] | compact[3] << 8);
    size_t in = MB_COMPACT_HEADER_LEN;
    size_t o = 0;
    size_t f = 0;
    while (f < fmt->len) {
        /* One record: its DIB and VIB run to the next record's start (or the format's end). */
        size_t end = f + 1u;
        while (end < fmt->len && !starts_record(fmt, end)) {
            end++;
        }
        uint8_t dif = fmt->bytes[f];
        size_t head = end - f;
        size_t n = mb_internal_field_len[dif & 0x0Fu];
        if ((dif & 0x0Fu) == 0x0Du) { /* variable length: the LVAR byte comes with the data */
            if (in >= len) {
                return MB_ERR_COMPACT_SHORT;
            }
            int l = mb_internal_lvar_len(compact[in]);
            if (l < 0) {
                return MB_ERR_COMPACT_SHORT;
            }
            n = 1u + (size_t)l;
        }
        if (len - in < n) {
            return MB_ERR_COMPACT_SHORT;
        }
        if (cap - o < head + n) {
            return MB_ERR_NOSPACE;
        }
        mb_internal_copy(out + o, fmt->bytes + f, head);
        mb_internal_copy(out + o + head, compact + in, n);
        o += head + n;
        in += n;
        f = end;
    }
    if (cap - o < len - in) {
        return MB_ERR_NOSPACE;
    }
    mb_internal_copy(out + o, compact + in, len - in);
    if (crc_ok != NULL) {
        *crc_ok = mb_crc16_en13757(out, o) == full_crc;
    }
    o += len - in;
    return (int)o;
}

#endif /* MB_ENABLE_WIRELESS */
