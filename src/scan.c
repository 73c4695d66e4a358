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
#define WILD      15u   /* the F nibble, the wildcard of a mask */
#define NONE      0xFFu /* no remembered meter; no value to skip */

/*
 * The secondary scan walks a stack of levels (mb_scan_t.level, .value): the position a level works
 * on in bits 0..3, and the value it probes there. A split level tries every value at its position,
 * then, where F is possible, leaves the position wild (value WILD) for the meters with an F there:
 * its F class. A flat level (LV_FLAT, with the remembered meter it goes around in bits 6..7) tries
 * every value but that meter's at every position no other level takes.
 */
#define LV_FLAT   0x10u
#define LV_AROUND 6u /* shift of the remembered meter's index */

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
    s->mask[0] = 0xFFFFFFFFu;
    s->mask[1] = 0xFFFFFFFFu;
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
 * An address as the scan keeps it: two words of 8 nibbles, position p of the 16 at p / 8, most
 * significant first: the ID's 8 digits, then the manufacturer's 4 nibbles, version and medium.
 */
static unsigned nibble_get(const uint32_t *a, unsigned p)
{
    return (unsigned)(a[p >> 3] >> (28u - 4u * (p & 7u))) & 0xFu;
}

static void nibble_set(uint32_t *a, unsigned p, unsigned v)
{
    unsigned sh = 28u - 4u * (p & 7u);
    a[p >> 3] = (a[p >> 3] & ~((uint32_t)0xFu << sh)) | (uint32_t)v << sh;
}

static void words_of(const mb_secondary_t *a, uint32_t *w)
{
    w[0] = a->id;
    w[1] = (uint32_t)a->manufacturer << 16 | (uint32_t)a->version << 8 | a->medium;
}

static void secondary_of(const uint32_t *w, mb_secondary_t *a)
{
    a->id = w[0];
    a->manufacturer = (uint16_t)(w[1] >> 16);
    a->version = (uint8_t)(w[1] >> 8);
    a->medium = (uint8_t)w[1];
}

/* Does mask @p m select @p a: each nibble equal, or F in the mask (as mb_secondary_match()). */
static bool selects(const uint32_t *m, const uint32_t *a)
{
    for (unsigned p = 0; p < POSITIONS; p++) {
        unsigned v = nibble_get(m, p);
        if (v != WILD && v != nibble_get(a, p)) {
            return false;
        }
    }
    return true;
}

static bool same_address(const uint32_t *a, const uint32_t *b)
{
    return a[0] == b[0] && a[1] == b[1];
}

/*
 * The highest concrete value tried at position @p p. F is the wildcard and cannot be probed as a
 * value: ID digits are 0..9 (or 0..E), the other nibbles 0..E, and meters with an F there are
 * found in the F class of the position (see advance()).
 */
static unsigned max_value(const mb_scan_t *s, unsigned p) { return p < 8u ? s->max_digit : 14u; }

/*
 * Positions where a meter may have an F nibble, which needs the F class: ID digits only when hex
 * digits are searched; not the manufacturer's top nibble; every other nibble.
 */
static bool f_possible(const mb_scan_t *s, unsigned p)
{
    return p < 8u ? s->max_digit == 14u : p != 8u;
}

/* The oldest remembered meter that the mask selects, or NONE. */
static unsigned first_known(const mb_scan_t *s)
{
    for (unsigned i = 0; i < s->nknown; i++) {
        if (selects(s->mask, s->known[i].address)) {
            return i;
        }
    }
    return NONE;
}

/* The remembered meter flat level @p n goes around. */
static const uint32_t *around(const mb_scan_t *s, unsigned n)
{
    return s->known[s->level[n] >> LV_AROUND].address;
}

/*
 * The next probe of level @p n (the top one) from position @p p, value @p v on: a split level's
 * next value at its position; a flat level's next value other than the remembered meter's, at
 * this or a later position no other level takes. False when none is left.
 */
static bool level_next(mb_scan_t *s, unsigned n, unsigned p, unsigned v)
{
    bool flat = (s->level[n] & LV_FLAT) != 0u;
    for (; p < POSITIONS; p++, v = 0) {
        /*
         * A flat level skips the remembered meter's value. Three letters make the manufacturer's
         * top nibble 0..6, or 8..E with bit 15: never 7 (nor F).
         */
        v += v == (flat ? nibble_get(around(s, n), p) : p == 8u ? 7u : NONE);
        if ((s->used >> p & 1u) == 0u && v <= max_value(s, p)) {
            s->level[n] = (uint8_t)((s->level[n] & ~0xFu) | p);
            s->value[n] = (uint8_t)v;
            s->used |= 1u << p;
            nibble_set(s->mask, p, v);
            return true;
        }
        if (!flat) {
            break;
        }
    }
    return false;
}

/*
 * Open a level in the node at the mask, which holds several meters or is the F class of the level
 * below. False when no position is left: meters alike in every nibble.
 *
 * Below position 9, the first that may hold an F beyond the ID (the F region: the meters that
 * share an ID and a manufacturer's top nibble), a node that holds remembered meters is searched
 * flat around the oldest of them, P: every value but P's at every free position. Those probes hold
 * no remembered meter unless it differs from P; whatever is left holds at each free position P's
 * value or F, and so matches every selection P matches: no master can tell it from P. This
 * replaces splitting position after position, where each F class would search again, nibble by
 * nibble, meters already found (2202 transactions for two meters that differ in the medium, 518
 * now).
 */
static bool open_level(mb_scan_t *s)
{
    unsigned n = s->depth;
    unsigned t = s->used;
    unsigned first = first_known(s);
    unsigned p = 0;
    if (n == POSITIONS) {
        return false;
    }
    s->depth++;
    if ((t >> 9 & 1u) != 0u && first != NONE) { /* in the F region */
        s->level[n] = (uint8_t)(first << LV_AROUND | LV_FLAT);
    } else {
        while ((t >> p & 1u) != 0u) {
            p++;
        }
        if (p == 9u) { /* the F region begins: forget the meters before it */
            s->nknown = 0;
        }
        s->level[n] = (uint8_t)p;
    }
    if (level_next(s, n, p, 0)) {
        return true;
    }
    s->depth--;
    return false;
}

/* The node at the mask is done: the next one, or back up. */
static void advance(mb_scan_t *s)
{
    while (s->depth > 0u) {
        unsigned n = s->depth - 1u;
        unsigned p = s->level[n] & 0xFu;
        bool split = (s->level[n] & LV_FLAT) == 0u;
        nibble_set(s->mask, p, WILD);
        s->used &= ~(1u << p);
        if (s->value[n] != WILD && level_next(s, n, p, s->value[n] + 1u)) {
            return;
        }
        if (split && s->value[n] != WILD && f_possible(s, p)) {
            /*
             * Meters with F here match only the wildcard: leave the position wild and search the
             * node again without it, where the meters found with a value here answer again and
             * are not handed out twice (see found_is_new()).
             */
            s->value[n] = WILD;
            s->used |= 1u << p;
            if (open_level(s)) {
                return;
            }
            s->used &= ~(1u << p);
        }
        s->depth--;
    }
    s->state = SC_DONE;
}

/* The node at the mask holds several meters: look closer. */
static void several(mb_scan_t *s)
{
    if (!open_level(s)) {
        advance(s); /* alike in every nibble: nothing tells them apart */
    }
}

/* The index of remembered meter @p a, or NONE. */
static unsigned remembered(const mb_scan_t *s, const uint32_t *a)
{
    for (unsigned i = 0; i < s->nknown; i++) {
        if (same_address(s->known[i].address, a)) {
            return i;
        }
    }
    return NONE;
}

/*
 * A meter found at the mask, not remembered, was handed out already when it has a value where a
 * level looks for F (it was found with that value), or when an earlier probe of a flat level held
 * it: a value neither F nor the remembered meter's at an earlier position. These rules alone keep
 * a meter from being handed out twice, however few meters are remembered.
 */
static bool found_is_new(const mb_scan_t *s, const uint32_t *a)
{
    for (unsigned i = 0; i < s->depth; i++) {
        unsigned p = s->level[i] & 0xFu;
        bool flat = (s->level[i] & LV_FLAT) != 0u;
        if (s->value[i] == WILD && nibble_get(a, p) != WILD) {
            return false;
        }
        /* Positions taken below the flat level have the remembered meter's value or F. */
        for (unsigned q = 0; flat && q < p; q++) {
            unsigned v = nibble_get(a, q);
            if (v != WILD && v != nibble_get(around(s, i), q)) {
                return false;
            }
        }
    }
    return true;
}

/*
 * Identity from a reply's long header (false without one), and in @p sum the reply's checksum
 * without the access number, which a meter counts up with every telegram: read again alone, a
 * meter sends the same reply but for that.
 */
static bool identity(const mb_frame_t *f, mb_secondary_t *a, uint16_t *sum)
{
    mb_tpl_t tpl;
    *sum = frame_sum(f);
    if (f->type != MB_FRAME_LONG || mb_tpl_decode(f->ci, f->data, f->data_len, &tpl) != MB_OK) {
        return false;
    }
    *sum = (uint16_t)(*sum - tpl.access);
    *a = tpl.address;
    return tpl.has_address;
}

static int finish_scan(mb_scan_t *s, int result)
{
    s->state = SC_DONE;
    s->result = result;
    return result;
}

/*
 * Start the transaction of @p state: a selection of the mask (SC_SELECT) or of the meter being
 * confirmed (SC_CONFIRM), or REQ_UD2 (SC_READ, SC_REREAD) to 253, or to the address a primary scan
 * is at.
 */
static int request(mb_scan_t *s, uint8_t state, uint32_t now_ms)
{
    int err;
    if (state == SC_SELECT || state == SC_CONFIRM) {
        mb_secondary_t m = s->found.secondary;
        if (state == SC_SELECT) {
            secondary_of(s->mask, &m);
        }
        err = mb_master_select(s->master, &m, NULL, now_ms);
    } else {
        err = mb_master_req_ud2(s->master, s->kind == KIND_PRIMARY ? s->next_addr : 253u, now_ms);
    }
    if (err != MB_OK) {
        return finish_scan(s, err);
    }
    s->state = state;
    return MB_SCAN_PENDING;
}

/*
 * A meter goes to the caller. A secondary scan keeps it remembered while there is room: the entry
 * after the remembered ones holds it already.
 */
static int hand_out(mb_scan_t *s, mb_scan_found_t *found)
{
    if (s->nknown < MB_SCAN_KNOWN) {
        s->nknown++;
    }
    s->state = SC_ITEM;
    *found = s->found;
    return MB_SCAN_ITEM;
}

/* After a transaction: the next one at the next poll, or the end. */
static int go_on(mb_scan_t *s)
{
    if (s->state == SC_DONE) {
        return s->result;
    }
    s->state = SC_PROBE;
    return MB_SCAN_PENDING;
}

static int secondary_step(mb_scan_t *s, int res, uint32_t now_ms, mb_scan_found_t *found)
{
    mb_frame_t f;
    mb_secondary_t a;
    uint16_t sum = 0;
    mb_scan_known_t *c = &s->known[s->nknown]; /* the meter being found */
    f.data_len = 0;                            /* no reply: nothing a remembered meter sends */
    bool reply = res == MB_OK && mb_master_reply(s->master, &f);
    bool known = reply && identity(&f, &a, &sum);
    if (s->state == SC_SELECT && res == MB_OK) {
        return request(s, SC_READ, now_ms); /* one E5, from one meter or several alike: read */
    }
    if (s->state == SC_CONFIRM && res == MB_OK) {
        return request(s, SC_REREAD, now_ms); /* a meter has that address: read it alone */
    }
    if (s->state == SC_REREAD && reply && sum == c->sum && f.data_len == c->len) {
        /* Alone it says the same: the first reply was its own (new, or handed out already). */
        if (found_is_new(s, c->address)) {
            return hand_out(s, found);
        }
        advance(s);
        return go_on(s);
    }
    if (s->state == SC_READ) {
        if (!known) { /* without a long header its identity is what the selection says */
            secondary_of(s->mask, &a);
        }
        words_of(&a, c->address);
        unsigned i = remembered(s, c->address);
        bool one = reply && selects(s->mask, c->address);
        if (i != NONE) {
            /*
             * A remembered meter alone sends the reply it sent when it was found; another one is
             * its reply ANDed with that of a meter not found yet.
             */
            res = sum == s->known[i].sum && f.data_len == s->known[i].len ? MB_ERR_MASTER_TIMEOUT
                                                                          : MB_ERR_MASTER_COLLISION;
        } else if (one) {
            s->found.address = 253u;
            s->found.has_secondary = known;
            s->found.secondary = a;
            c->sum = sum;
            c->len = (uint8_t)f.data_len;
            if (!same_address(s->mask, c->address)) {
                /*
                 * Replies of several meters arrive as their bitwise AND, which now and then has
                 * a valid checksum, and the address of one of them or of none (and maybe of one
                 * handed out already): select that exact address and read it alone; only the same
                 * reply again proves there was one meter.
                 */
                return request(s, SC_CONFIRM, now_ms);
            }
            if (found_is_new(s, c->address)) {
                return hand_out(s, found); /* the selection was that address already */
            }
            res = MB_ERR_MASTER_TIMEOUT;
        } else if (reply || res == MB_ERR_MASTER_UNEXPECTED) {
            res = MB_ERR_MASTER_COLLISION; /* a reply no meter there sends alone, or garbled */
        }
    } else if (s->state != SC_SELECT) {
        res = MB_ERR_MASTER_COLLISION; /* the reply being confirmed was several ANDed into one */
    }
    if (res == MB_ERR_MASTER_COLLISION) {
        several(s); /* several meters, or garbled answers: look closer */
    } else {
        advance(s); /* nobody, or a meter handed out already */
    }
    return go_on(s);
}

/* A primary scan goes on with the next address, or ends after the last. */
static void next_address(mb_scan_t *s)
{
    if (s->next_addr++ == s->last_addr) {
        s->state = SC_DONE;
    }
}

int mb_scan_poll(mb_scan_t *s, uint32_t now_ms, mb_scan_found_t *found)
{
    if (s == NULL || found == NULL) {
        return MB_ERR_ARG;
    }
    if (s->state == SC_ITEM) { /* the caller has taken the meter: go on */
        s->state = SC_PROBE;
        if (s->kind == KIND_PRIMARY) {
            next_address(s);
        } else {
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
        return request(s, s->kind == KIND_SECONDARY ? SC_SELECT : SC_READ, now_ms);
    }
    int res = mb_master_poll(s->master, now_ms);
    if (res == MB_MASTER_PENDING) {
        return MB_SCAN_PENDING;
    }
    if (res == MB_ERR_MASTER_LINE) {
        return finish_scan(s, res);
    }
    if (s->kind == KIND_SECONDARY) {
        return secondary_step(s, res, now_ms, found);
    }
    mb_frame_t f;
    uint16_t sum;
    if (res == MB_OK || res == MB_ERR_MASTER_COLLISION) { /* something answers there */
        s->found.address = s->next_addr;
        s->found.has_secondary = res == MB_OK && mb_master_reply(s->master, &f) &&
                                 identity(&f, &s->found.secondary, &sum);
        return hand_out(s, found);
    }
    next_address(s);
    return go_on(s);
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
    /* The first two levels (ID digits 0 and 1) give the share done well enough for a display. */
    unsigned n0 = max_value(s, 0) + 2u;
    unsigned done = (unsigned)s->value[0] * n0;
    if (s->depth > 1u) {
        done += s->value[1] == WILD ? max_value(s, 1) + 1u : s->value[1];
    }
    return done * 1000u / (n0 * n0);
}

#endif /* MB_ENABLE_MASTER */
