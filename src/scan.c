/* Multi-telegram readout and bus scans: state machines over the master's transactions. */
#include "meterbus/scan.h"

#include "internal.h"
#include "meterbus/records.h"
#include "meterbus/tpl.h"

#if MB_ENABLE_MASTER

/* ---- multi-telegram readout --------------------------------------------------------------- */

enum { RO_READ, RO_NEXT, RO_END, RO_DONE };

int mb_readout_start(mb_readout_t *r, mb_master_t *master, uint8_t addr, unsigned max_telegrams,
                     uint32_t now_ms)
{
    if (r == NULL || master == NULL || max_telegrams == 0u) {
        return MB_ERR_ARG;
    }
    static const mb_readout_t empty = {0};
    *r = empty;
    r->master = master;
    r->addr = addr;
    r->max = max_telegrams;
    r->state = RO_READ;
    int err = mb_master_req_ud2(master, addr, now_ms);
    if (err != MB_OK) {
        r->state = RO_DONE;
        r->result = err;
    }
    return err;
}

/* Does the telegram end with DIF 0x1F (more records follow)? */
static bool more_follow(const mb_frame_t *f)
{
    mb_tpl_t tpl;
    if (f->type != MB_FRAME_LONG || mb_tpl_decode(f->ci, f->data, f->data_len, &tpl) != MB_OK ||
        mb_cf_security_mode(tpl.config) != 0u) {
        return false; /* encrypted records cannot be read here: one telegram */
    }
    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
    while (mb_records_next(&it, &rec) == 1) {
    }
    return it.more_records_follow;
}

static uint16_t frame_sum(const mb_frame_t *f)
{
    unsigned s = (unsigned)f->c + f->a + f->ci;
    for (size_t i = 0; i < f->data_len; i++) {
        s += f->data[i];
    }
    return (uint16_t)s;
}

int mb_readout_poll(mb_readout_t *r, uint32_t now_ms, mb_frame_t *telegram)
{
    if (r == NULL || telegram == NULL) {
        return MB_ERR_ARG;
    }
    switch (r->state) {
    case RO_NEXT: {
        int err = mb_master_req_ud2(r->master, r->addr, now_ms);
        if (err != MB_OK) {
            r->state = RO_DONE;
            r->result = err;
            return err;
        }
        r->state = RO_READ;
        return MB_SCAN_PENDING;
    }
    case RO_END: r->state = RO_DONE; return r->result;
    case RO_DONE: return r->result;
    default: break;
    }
    int res = mb_master_poll(r->master, now_ms);
    if (res == MB_MASTER_PENDING) {
        return MB_SCAN_PENDING;
    }
    if (res != MB_OK || !mb_master_reply(r->master, telegram)) {
        r->state = RO_DONE;
        r->result = res != MB_OK ? res : MB_ERR_MASTER_UNEXPECTED;
        return r->result;
    }
    uint16_t sum = frame_sum(telegram);
    if (r->count > 0u && sum == r->last_sum && telegram->data_len == r->last_len) {
        r->state = RO_DONE; /* the same telegram after a toggled FCB: the meter ignores it */
        r->result = MB_OK;
        return MB_OK;
    }
    r->last_sum = sum;
    r->last_len = (uint16_t)telegram->data_len;
    r->count++;
    r->state = more_follow(telegram) && r->count < r->max ? RO_NEXT : RO_END;
    r->result = MB_OK;
    return MB_SCAN_ITEM;
}

/* ---- scans -------------------------------------------------------------------------------- */

enum { KIND_PRIMARY, KIND_SECONDARY };
enum { SC_PROBE, SC_SELECT, SC_READ, SC_CONFIRM, SC_REREAD, SC_ITEM, SC_DONE };

#define POSITIONS 16u

static void scan_clear(mb_scan_t *s, mb_master_t *master, uint8_t kind)
{
    static const mb_scan_t empty = {0};
    *s = empty;
    s->master = master;
    s->kind = kind;
}

int mb_scan_primary(mb_scan_t *s, mb_master_t *master, uint8_t first, uint8_t last, uint32_t now_ms)
{
    if (s == NULL || master == NULL || first > last || last > MB_ADDR_PRIMARY_MAX) {
        return MB_ERR_ARG;
    }
    scan_clear(s, master, KIND_PRIMARY);
    s->next_addr = first;
    s->last_addr = last;
    s->state = SC_PROBE;
    (void)now_ms;
    return MB_OK;
}

int mb_scan_secondary(mb_scan_t *s, mb_master_t *master, bool hex_id_digits, uint32_t now_ms)
{
    if (s == NULL || master == NULL) {
        return MB_ERR_ARG;
    }
    scan_clear(s, master, KIND_SECONDARY);
    s->max_digit = hex_id_digits ? 14u : 9u;
    s->mask.id = 0xFFFFFFFFu;
    s->mask.manufacturer = 0xFFFFu;
    s->mask.version = 0xFFu;
    s->mask.medium = 0xFFu;
    s->state = SC_PROBE;
    (void)now_ms;
    return MB_OK;
}

void mb_scan_abort(mb_scan_t *s)
{
    if (s != NULL) {
        s->aborted = true;
    }
}

/*
 * Position p of the 16 nibbles, most significant ID digit first: 0..7 the ID, 8..11 the
 * manufacturer, 12..13 the version, 14..15 the medium.
 */
static unsigned nibble_get(const mb_secondary_t *a, unsigned p)
{
    if (p < 8u) {
        return (a->id >> (4u * (7u - p))) & 0xFu;
    }
    if (p < 12u) {
        return ((unsigned)a->manufacturer >> (4u * (11u - p))) & 0xFu;
    }
    if (p < 14u) {
        return ((unsigned)a->version >> (4u * (13u - p))) & 0xFu;
    }
    return ((unsigned)a->medium >> (4u * (15u - p))) & 0xFu;
}

static void nibble_set(mb_secondary_t *a, unsigned p, unsigned v)
{
    if (p < 8u) {
        unsigned sh = 4u * (7u - p);
        a->id = (a->id & ~((uint32_t)0xFu << sh)) | (uint32_t)v << sh;
    } else if (p < 12u) {
        unsigned sh = 4u * (11u - p);
        a->manufacturer = (uint16_t)((a->manufacturer & ~(0xFu << sh)) | v << sh);
    } else if (p < 14u) {
        unsigned sh = 4u * (13u - p);
        a->version = (uint8_t)((a->version & ~(0xFu << sh)) | v << sh);
    } else {
        unsigned sh = 4u * (15u - p);
        a->medium = (uint8_t)((a->medium & ~(0xFu << sh)) | v << sh);
    }
}

/*
 * The highest concrete value tried at position @p p. F is the wildcard and cannot be probed as a
 * value: ID digits are 0..9 (or 0..E), the other nibbles 0..E, and meters with an F there are
 * found in a descent with that position left wild (see advance()).
 */
static unsigned max_value(const mb_scan_t *s, unsigned p) { return p < 8u ? s->max_digit : 14u; }

/*
 * Positions where a meter may have an F nibble, which needs the wild descent: ID digits only when
 * hex digits are searched; not the manufacturer's top nibble, which is at most 6 for three letters
 * (E with bit 15 set); every other nibble.
 */
static bool f_possible(const mb_scan_t *s, unsigned p)
{
    return p < 8u ? s->max_digit == 14u : p != 8u;
}

/*
 * The selection at the current mask was answered by more than one meter: fix the next
 * position, starting at value 0. At the last position the meters share every nibble and
 * cannot be told apart.
 */
static void descend(mb_scan_t *s)
{
    if (s->depth == POSITIONS) {
        return; /* advance() goes on with the next value */
    }
    s->value[s->depth] = 0;
    nibble_set(&s->mask, s->depth, 0);
    s->depth++;
}

/* The current mask is done: the next value at the deepest position, or back up. */
static void advance(mb_scan_t *s)
{
    while (s->depth > 0u) {
        unsigned p = s->depth - 1u;
        unsigned v = s->value[p];
        if (v < max_value(s, p)) {
            s->value[p] = (uint8_t)(v + 1u);
            nibble_set(&s->mask, p, v + 1u);
            return;
        }
        if (v == max_value(s, p) && f_possible(s, p)) {
            /*
             * Meters with F here match only the wildcard: leave the position wild and go on one
             * position deeper, where the meters found with a concrete value here show up again
             * and are not handed out twice (see found_is_new()).
             */
            s->value[p] = 15u;
            nibble_set(&s->mask, p, 15u);
            if (s->depth < POSITIONS) {
                descend(s);
                return;
            }
        }
        nibble_set(&s->mask, p, 15u);
        s->depth--;
    }
    s->state = SC_DONE;
}

/* A meter found under positions left wild (value F) was handed out already unless its nibble
 * there is F. */
static bool found_is_new(const mb_scan_t *s, const mb_secondary_t *a)
{
    for (unsigned p = 0; p < s->depth; p++) {
        if (s->value[p] == 15u && nibble_get(a, p) != 15u) {
            return false;
        }
    }
    return true;
}

/* Identity from a reply's long header; false without one. */
static bool identity(const mb_frame_t *f, mb_secondary_t *a)
{
    mb_tpl_t tpl;
    if (f->type != MB_FRAME_LONG || mb_tpl_decode(f->ci, f->data, f->data_len, &tpl) != MB_OK ||
        !tpl.has_address) {
        return false;
    }
    *a = tpl.address;
    return true;
}

static int start_probe(mb_scan_t *s, uint32_t now_ms)
{
    int err;
    if (s->kind == KIND_PRIMARY) {
        err = mb_master_req_ud2(s->master, s->next_addr, now_ms);
        s->state = SC_READ;
    } else {
        err = mb_master_select(s->master, &s->mask, NULL, now_ms);

        s->probes++;
        s->state = SC_SELECT;
    }
    return err;
}

static int finish_scan(mb_scan_t *s, int result)
{
    s->state = SC_DONE;
    s->result = result;
    return result;
}

int mb_scan_poll(mb_scan_t *s, uint32_t now_ms, mb_scan_found_t *found)
{
    if (s == NULL || found == NULL) {
        return MB_ERR_ARG;
    }
    if (s->state == SC_ITEM) { /* the caller has taken the meter: go on */
        if (s->kind == KIND_PRIMARY) {
            s->state = s->next_addr++ == s->last_addr ? SC_DONE : SC_PROBE;
        } else {
            s->state = SC_PROBE;
            advance(s);
        }
    }
    if (s->state == SC_DONE) {
        return s->result;
    }
    if (s->state == SC_PROBE) {
        if (s->aborted) {
            return finish_scan(s, MB_OK);
        }
        int err = start_probe(s, now_ms);
        if (err != MB_OK) {
            return finish_scan(s, err);
        }
        return MB_SCAN_PENDING;
    }
    int res = mb_master_poll(s->master, now_ms);
    if (res == MB_MASTER_PENDING) {
        return MB_SCAN_PENDING;
    }
    if (res == MB_ERR_MASTER_LINE) {
        return finish_scan(s, res);
    }
    mb_frame_t f;
    if (s->kind == KIND_PRIMARY) {
        if (res == MB_OK || res == MB_ERR_MASTER_COLLISION) { /* something answers there */
            s->found.address = s->next_addr;
            s->found.has_secondary =
                res == MB_OK && mb_master_reply(s->master, &f) && identity(&f, &s->found.secondary);
            s->devices++;
            s->state = SC_ITEM;
            *found = s->found;
            return MB_SCAN_ITEM;
        }
        s->state = s->next_addr++ == s->last_addr ? SC_DONE : SC_PROBE;
        return s->state == SC_DONE ? MB_OK : MB_SCAN_PENDING;
    }
    if (s->state == SC_SELECT) {
        if (res == MB_OK) { /* one E5, from one meter or several alike: read to tell */
            int err = mb_master_req_ud2(s->master, 253u, now_ms);
            if (err != MB_OK) {
                return finish_scan(s, err);
            }
            s->state = SC_READ;
            return MB_SCAN_PENDING;
        }
        if (res == MB_ERR_MASTER_COLLISION && s->depth < POSITIONS) {
            descend(s);
        } else { /* nobody; or meters alike in every nibble, which nothing tells apart */
            advance(s);
        }
        s->state = s->state == SC_DONE ? SC_DONE : SC_PROBE;
        return s->state == SC_DONE ? MB_OK : MB_SCAN_PENDING;
    }
    if (s->state == SC_CONFIRM && res == MB_OK) { /* a meter has that address: read it alone */
        int err = mb_master_req_ud2(s->master, 253u, now_ms);
        if (err != MB_OK) {
            return finish_scan(s, err);
        }
        s->state = SC_REREAD;
        return MB_SCAN_PENDING;
    }
    if (s->state == SC_REREAD && res == MB_OK && mb_master_reply(s->master, &f) &&
        frame_sum(&f) == s->reply_sum && f.data_len == s->reply_len) {
        s->devices++; /* alone it says the same: the first reply was its own */
        s->state = SC_ITEM;
        *found = s->found;
        return MB_SCAN_ITEM;
    }
    if (s->state == SC_CONFIRM || s->state == SC_REREAD) {
        /* The first reply was several meters' replies ANDed into one: look closer. */
        if (s->depth < POSITIONS) {
            descend(s);
        } else {
            advance(s);
        }
        s->state = s->state == SC_DONE ? SC_DONE : SC_PROBE;
        return s->state == SC_DONE ? MB_OK : MB_SCAN_PENDING;
    }
    /* SC_READ after a selection */
    mb_secondary_t a;
    bool reply = res == MB_OK && mb_master_reply(s->master, &f);
    bool known = reply && identity(&f, &a);
    if (reply && known && mb_secondary_match(&s->mask, &a) && found_is_new(s, &a) &&
        (s->mask.id != a.id || s->mask.manufacturer != a.manufacturer ||
         s->mask.version != a.version || s->mask.medium != a.medium)) {
        /*
         * Replies of several meters arrive as their bitwise AND, which now and then has a valid
         * checksum (and the address of one of them, or of none): select that exact address and
         * read it alone; only the same reply again proves there was one meter.
         */
        s->found.address = 253u;
        s->found.has_secondary = true;
        s->found.secondary = a;
        s->reply_sum = frame_sum(&f);
        s->reply_len = (uint16_t)f.data_len;
        int err = mb_master_select(s->master, &a, NULL, now_ms);
        if (err != MB_OK) {
            return finish_scan(s, err);
        }
        s->probes++;
        s->state = SC_CONFIRM;
        return MB_SCAN_PENDING;
    }
    if (reply && (!known || mb_secondary_match(&s->mask, &a))) {
        /* One meter. Without a long header its identity is what the selection says. */
        if (!known) {
            a = s->mask;
        }
        if (found_is_new(s, &a)) {
            s->found.address = 253u;
            s->found.has_secondary = known;
            s->found.secondary = a;
            s->devices++;
            s->state = SC_ITEM;
            *found = s->found;
            return MB_SCAN_ITEM;
        }
        advance(s);
    } else if ((reply || res == MB_ERR_MASTER_COLLISION || res == MB_ERR_MASTER_UNEXPECTED) &&
               s->depth < POSITIONS) {
        descend(s); /* several meters (or their replies ANDed into one): look closer */
    } else {
        advance(s);
    }
    s->state = s->state == SC_DONE ? SC_DONE : SC_PROBE;
    return s->state == SC_DONE ? MB_OK : MB_SCAN_PENDING;
}

unsigned mb_scan_progress(const mb_scan_t *s)
{
    if (s == NULL) {
        return 0;
    }
    if (s->state == SC_DONE) {
        return 1000u;
    }
    if (s->kind == KIND_PRIMARY) {
        unsigned span = (unsigned)s->last_addr + 1u;
        return (unsigned)s->next_addr * 1000u / (span == 0u ? 1u : span);
    }
    if (s->depth == 0u) {
        return 0;
    }
    /* The first two positions give the share done well enough for a display. */
    unsigned n0 = max_value(s, 0) + 2u;
    unsigned done = (unsigned)s->value[0] * n0;
    if (s->depth > 1u) {
        done += s->value[1] == 15u ? max_value(s, 1) + 1u : s->value[1];
    }
    return done * 1000u / (n0 * n0);
}

#endif /* MB_ENABLE_MASTER */
