/*
 * Simulated wired M-Bus segment (include/meterbus/host/simbus.h): a discrete-event simulation at
 * bit level. Senders put 11-bit characters into their port's ring with exact start and end ticks;
 * the line of a direction is the AND of every character on it; each receiver is a UART model that
 * finds falling edges and samples mid-bit. The loop always processes the earliest pending event
 * (a receiver's character completing, or a noise character starting), so a node's answer, written
 * from inside its rx callback, is scheduled before anything later is decided.
 *
 * Invariants the loop relies on:
 * - Characters are only ever added with a start at or after the clock, so the line before the
 *   clock is final: a receiver's edge or sample point before the clock never changes.
 * - A receiver's hunt point never passes the clock while it has not found an edge, so an edge
 *   made by a character added later is always found.
 * - A character is removed from its ring only when it ended before every receiver's hunt point
 *   in its direction (and before the clock), so every edge and sample still to be looked at can
 *   be evaluated, including the instant just before a candidate edge.
 */
#include "meterbus/host/simbus.h"

#include <string.h>

#include "meterbus/error.h"

#define TPS      ((uint64_t)MB_SIMBUS_TICKS_PER_S)
#define TPMS     ((uint64_t)MB_SIMBUS_TICKS_PER_MS)
#define TPUS     ((uint64_t)MB_SIMBUS_TICKS_PER_US)
#define NEVER    UINT64_MAX
#define BITS     11u
#define MAX_PORT ((uint16_t)MB_SIMBUS_MAX_NODES)
/* Characters per burst before its start is moved up, so that count * 11 * TPS stays far from
 * 2^64 (2^20 * 11 * 1.152e9 < 1.4e19). */
#define REBASE_COUNT (1u << 20)

/* ---- arithmetic ---------------------------------------------------------------------------- */

static uint64_t div_ceil(uint64_t num, uint64_t den) { return (num + den - 1u) / den; }

/* Ticks from a character's start to the leading edge of its bit k (k = 0..11). */
static uint64_t bit_offset(uint32_t baud, uint32_t k) { return div_ceil((uint64_t)k * TPS, baud); }

/* Ticks from a start edge to sampling point h half bits later (h odd: the middle of a bit). */
static uint64_t half_offset(uint32_t baud, uint32_t h) { return (uint64_t)h * TPS / (2u * baud); }

static bool even_parity_bit(uint8_t b)
{
    unsigned ones = 0;
    for (unsigned i = 0; i < 8u; i++) {
        ones += ((unsigned)b >> i) & 1u;
    }
    return (ones & 1u) != 0u;
}

/* splitmix64: one stream per port and per noise source, the same on every host. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *state, uint32_t n)
{
    return n == 0u ? 0u : (uint32_t)((rng_next(state) >> 32) % n);
}

static bool rng_ppm(uint64_t *state, uint32_t ppm)
{
    return ppm != 0u && (ppm >= MB_SIMBUS_PPM || rng_below(state, MB_SIMBUS_PPM) < ppm);
}

static uint64_t rng_seed(uint32_t seed, uint32_t salt)
{
    uint64_t s = ((uint64_t)seed << 32) ^ ((uint64_t)salt * 0xD1B54A32D192ED03u);
    (void)rng_next(&s);
    return s;
}

static bool baud_ok(uint32_t baud)
{
    return baud >= MB_SIMBUS_BAUD_MIN && baud <= MB_SIMBUS_BAUD_MAX;
}

/* ---- characters and rings ------------------------------------------------------------------ */

static const mb_simbus_char_t *ring_at(const mb_simbus_port_t *p, uint32_t i)
{
    return &p->tx[(p->tx_head + i) % MB_SIMBUS_TX_CAP];
}

/* The level a character drives at tick t: 1 (idle) outside it. */
static unsigned char_level(const mb_simbus_char_t *c, uint64_t t)
{
    if (t < c->start || t >= c->end) {
        return 1u;
    }
    uint64_t k = (t - c->start) * c->baud / TPS;
    if (k > BITS - 1u) {
        k = BITS - 1u; /* a character stretched by rounding holds its stop bit */
    }
    return (c->bits >> k) & 1u;
}

/* Index of the first character of @p p that ends after @p t (tx_len when none). Characters of a
 * port are sorted and do not overlap. */
static uint32_t first_ending_after(const mb_simbus_port_t *p, uint64_t t)
{
    uint32_t lo = 0, hi = p->tx_len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u;
        if (ring_at(p, mid)->end > t) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return lo;
}

/* The level port @p p drives at tick @p t. */
static unsigned port_level(const mb_simbus_port_t *p, uint64_t t)
{
    uint32_t i = first_ending_after(p, t);
    return i < p->tx_len ? char_level(ring_at(p, i), t) : 1u;
}

/* Wired-AND: the line of the directions in @p mask at tick @p t. */
static unsigned line_at(const mb_simbus_t *bus, unsigned mask, uint64_t t)
{
    for (uint32_t i = 0; i < bus->n_active; i++) {
        const mb_simbus_port_t *p = bus->active[i];
        if ((p->dir & mask) != 0u && port_level(p, t) == 0u) {
            return 0u;
        }
    }
    return 1u;
}

/* The first falling edge of the line in @p mask at or after @p from, or NEVER. Edges of the AND
 * can only be edges where some character goes to 0, so only those are tried. */
static uint64_t find_edge(const mb_simbus_t *bus, unsigned mask, uint64_t from)
{
    uint64_t best = NEVER;
    for (uint32_t a = 0; a < bus->n_active; a++) {
        const mb_simbus_port_t *p = bus->active[a];
        if ((p->dir & mask) == 0u) {
            continue;
        }
        for (uint32_t i = first_ending_after(p, from); i < p->tx_len; i++) {
            const mb_simbus_char_t *c = ring_at(p, i);
            if (c->start >= best) {
                break;
            }
            bool found = false;
            for (uint32_t k = 0; k < BITS && !found; k++) {
                bool falls =
                    ((c->bits >> k) & 1u) == 0u && (k == 0u || ((c->bits >> (k - 1u)) & 1u) != 0u);
                if (!falls) {
                    continue;
                }
                uint64_t t = c->start + bit_offset(c->baud, k);
                if (t < from) {
                    continue;
                }
                if (t >= best) {
                    break;
                }
                if (line_at(bus, mask, t) == 0u && (t == 0u || line_at(bus, mask, t - 1u) != 0u)) {
                    best = t;
                    found = true;
                }
            }
            if (found) {
                break;
            }
        }
    }
    return best;
}

static bool is_noise(const mb_simbus_t *bus, const mb_simbus_port_t *p)
{
    return p == &bus->noise[0] || p == &bus->noise[1];
}

static void activate(mb_simbus_t *bus, mb_simbus_port_t *p)
{
    if (!p->active) {
        p->active = true;
        bus->active[bus->n_active++] = p;
    }
}

static void push_char(mb_simbus_t *bus, mb_simbus_port_t *p, uint64_t start, uint64_t end,
                      uint32_t baud, uint8_t byte, bool parity)
{
    mb_simbus_char_t *c = &p->tx[(p->tx_head + p->tx_len) % MB_SIMBUS_TX_CAP];
    c->start = start;
    c->end = end;
    c->baud = baud;
    c->bits = (uint16_t)(((unsigned)byte << 1) | ((parity ? 1u : 0u) << 9) | (1u << 10));
    p->tx_len++;
    activate(bus, p);
    bus->dirty |= p->dir;
}

/* Directions port @p p listens to (0 for a port without rx). */
static unsigned rx_mask(const mb_simbus_port_t *p)
{
    if (p->rx == NULL) {
        return 0u;
    }
    if (p->is_master) {
        return MB_SIMBUS_UP | (p->faults.echo ? MB_SIMBUS_DOWN : 0u);
    }
    return MB_SIMBUS_DOWN;
}

/* The tick before which no receiver in direction bit @p d (0 down, 1 up) needs the line. */
static void cutoffs(const mb_simbus_t *bus, uint64_t cut[2])
{
    cut[0] = cut[1] = bus->now;
    for (uint32_t i = 0; i < bus->n_ports; i++) {
        const mb_simbus_port_t *p = &bus->ports[i];
        unsigned mask = rx_mask(p);
        for (unsigned d = 0; d < 2u; d++) {
            if ((mask & (1u << d)) != 0u && p->hunt < cut[d]) {
                cut[d] = p->hunt;
            }
        }
    }
}

/* Drop characters that ended before the cutoff of their direction; unlist empty ports. */
static void prune(mb_simbus_t *bus, const uint64_t cut[2])
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < bus->n_active; i++) {
        mb_simbus_port_t *p = bus->active[i];
        uint64_t c = cut[p->dir == MB_SIMBUS_DOWN ? 0 : 1];
        while (p->tx_len > 0u && p->tx[p->tx_head].end < c) {
            p->tx_head = (uint16_t)((p->tx_head + 1u) % MB_SIMBUS_TX_CAP);
            p->tx_len--;
        }
        if (p->tx_len > 0u) {
            bus->active[kept++] = p;
        } else {
            p->active = false;
        }
    }
    bus->n_active = (uint16_t)kept;
}

/* Ticks in [a, b) during which any character is on the line (either direction). */
static uint64_t covered(const mb_simbus_t *bus, uint64_t a, uint64_t b)
{
    uint64_t total = 0, t = a;
    while (t < b) {
        uint64_t cover_end = t, next_start = NEVER;
        for (uint32_t i = 0; i < bus->n_active; i++) {
            const mb_simbus_port_t *p = bus->active[i];
            uint32_t j = first_ending_after(p, t);
            if (j < p->tx_len) {
                const mb_simbus_char_t *c = ring_at(p, j);
                if (c->start <= t) {
                    if (c->end > cover_end) {
                        cover_end = c->end;
                    }
                } else if (c->start < next_start) {
                    next_start = c->start;
                }
            }
        }
        if (cover_end > t) {
            uint64_t e = cover_end < b ? cover_end : b;
            total += e - t;
            t = e;
        } else {
            t = next_start < b ? next_start : b;
        }
    }
    return total;
}

static void advance(mb_simbus_t *bus, uint64_t t)
{
    if (t > bus->now) {
        bus->stats.busy_ticks += covered(bus, bus->now, t);
        bus->now = t;
    }
}

/* ---- sending ------------------------------------------------------------------------------- */

/* Does another node's character in @p p's direction overlap [start, end)? */
static bool overlaps_other(const mb_simbus_t *bus, const mb_simbus_port_t *p, uint64_t start,
                           uint64_t end)
{
    for (uint32_t i = 0; i < bus->n_active; i++) {
        const mb_simbus_port_t *q = bus->active[i];
        if (q == p || q->dir != p->dir || is_noise(bus, q)) {
            continue;
        }
        uint32_t j = first_ending_after(q, start);
        if (j < q->tx_len && ring_at(q, j)->start < end) {
            return true;
        }
    }
    return false;
}

static int port_write(void *ctx, const uint8_t *data, size_t len)
{
    mb_simbus_port_t *p = ctx;
    if (p == NULL || (data == NULL && len > 0u)) {
        return MB_ERR_ARG;
    }
    mb_simbus_t *bus = p->bus;
    if (len > (size_t)INT32_MAX) {
        len = (size_t)INT32_MAX;
    }
    if (p->faults.mute) {
        p->stats.bytes_written += (uint32_t)len;
        p->stats.bytes_muted += (uint32_t)len;
        return (int)len;
    }
    size_t n = 0;
    for (; n < len; n++) {
        if (p->tx_len >= MB_SIMBUS_TX_CAP) {
            uint64_t cut[2];
            cutoffs(bus, cut);
            prune(bus, cut);
            if (p->tx_len >= MB_SIMBUS_TX_CAP) {
                p->stats.bytes_refused += (uint32_t)(len - n);
                break;
            }
        }
        if (p->burst_end <= bus->now) {
            /* idle transmitter: a new burst, after the latency */
            uint64_t start = bus->now + div_ceil((uint64_t)p->latency_bits * TPS, p->baud) +
                             (uint64_t)p->latency_us * TPUS;
            if (rng_ppm(&p->rng, p->faults.delay_ppm)) {
                start += (uint64_t)rng_below(&p->rng, p->faults.delay_max_us + 1u) * TPUS;
                p->stats.delays++;
            }
            p->burst_start = p->burst_end = start;
            p->burst_count = 0;
            p->burst_baud = p->baud;
            p->stats.bursts++;
        } else if (p->burst_baud != p->baud || p->burst_count >= REBASE_COUNT) {
            /* still sending: continue right after the last slot, at the port's current rate */
            p->burst_start = p->burst_end;
            p->burst_count = 0;
            p->burst_baud = p->baud;
        }
        uint64_t span = (uint64_t)BITS * TPS;
        uint64_t start = p->burst_start + div_ceil(p->burst_count * span, p->burst_baud);
        uint64_t end = p->burst_start + div_ceil((p->burst_count + 1u) * span, p->burst_baud);
        p->burst_count++;
        p->burst_end = end;
        p->stats.bytes_written++;
        if (rng_ppm(&p->rng, p->faults.drop_ppm)) {
            p->stats.bytes_dropped++;
            continue;
        }
        uint8_t byte = data[n];
        bool parity = even_parity_bit(byte);
        if (rng_ppm(&p->rng, p->faults.flip_ppm)) {
            byte = (uint8_t)(byte ^ (1u << rng_below(&p->rng, 8u)));
            p->stats.bytes_flipped++;
        }
        if (overlaps_other(bus, p, start, end)) {
            p->stats.collisions++;
            bus->stats.collisions++;
        }
        push_char(bus, p, start, end, p->burst_baud, byte, parity);
        p->stats.bytes_sent++;
        bus->stats.bytes_sent++;
    }
    return (int)n;
}

static int port_set_baud(void *ctx, uint32_t baud)
{
    mb_simbus_port_t *p = ctx;
    if (p == NULL || !baud_ok(baud)) {
        return MB_ERR_ARG;
    }
    if (baud != p->baud) {
        p->baud = baud;
        /* the UART restarts: a character being received is lost */
        p->hunt = p->bus->now;
        p->next = NEVER;
        p->stale = true;
    }
    return MB_OK;
}

static void port_flush(void *ctx)
{
    mb_simbus_port_t *p = ctx;
    if (p != NULL) {
        p->stats.flushes++;
    }
}

const mb_hal_t mb_simbus_hal = {port_write, port_set_baud, port_flush};

/* ---- receiving ----------------------------------------------------------------------------- */

/* Work out the next character port @p p completes. */
static void refresh(mb_simbus_t *bus, mb_simbus_port_t *p)
{
    uint64_t e = find_edge(bus, rx_mask(p), p->hunt);
    /* No edge can appear before the clock any more, so the hunt may move up to it (not past:
     * a character added later may still start there). */
    uint64_t up_to = e < bus->now ? e : bus->now;
    if (up_to > p->hunt) {
        p->hunt = up_to;
    }
    if (e == NEVER) {
        p->next = NEVER;
    } else {
        p->edge = e;
        p->next = e + (uint64_t)BITS * TPS / p->baud;
        if (p->next < bus->now) {
            p->next = bus->now;
        }
    }
    p->stale = false;
}

/* The character port @p p completes now: sample it the way a UART does and deliver it. */
static void receive(mb_simbus_t *bus, mb_simbus_port_t *p)
{
    unsigned mask = rx_mask(p);
    uint32_t r = p->baud;
    uint64_t e = p->edge;
    p->stale = true;
    p->next = NEVER;
    if (line_at(bus, mask, e + half_offset(r, 1)) != 0u) {
        p->hunt = e + half_offset(r, 1); /* a glitch, not a start bit */
        p->stats.false_starts++;
        return;
    }
    unsigned byte = 0;
    for (uint32_t k = 1; k <= 8u; k++) {
        byte |= line_at(bus, mask, e + half_offset(r, 2u * k + 1u)) << (k - 1u);
    }
    bool parity = line_at(bus, mask, e + half_offset(r, 19)) != 0u;
    bool stop = line_at(bus, mask, e + half_offset(r, 21)) != 0u;
    p->hunt = e + half_offset(r, 21); /* a UART looks for the next start from mid-stop */
    bool bad = false;
    if (parity != even_parity_bit((uint8_t)byte)) {
        p->stats.parity_errors++;
        bad = true;
    }
    if (!stop) {
        p->stats.framing_errors++;
        bad = true;
    }
    if (bad && p->drop_errors) {
        p->stats.bytes_discarded++;
        return;
    }
    uint8_t b = (uint8_t)byte;
    p->stats.bytes_received++;
    bus->stats.deliveries++;
    p->rx(p->rx_ctx, &b, 1, mb_simbus_now(bus));
}

/* ---- noise --------------------------------------------------------------------------------- */

static uint64_t noise_gap(mb_simbus_t *bus, unsigned d)
{
    uint32_t mean = bus->noise_gap_us[d];
    uint32_t span = mean > UINT32_MAX / 2u ? UINT32_MAX : 2u * mean;
    return ((uint64_t)rng_below(&bus->noise[d].rng, span) + 1u) * TPUS;
}

static void inject_noise(mb_simbus_t *bus, unsigned d)
{
    mb_simbus_port_t *p = &bus->noise[d];
    uint64_t start = bus->noise_next[d];
    uint64_t end = start + div_ceil((uint64_t)BITS * TPS, bus->baud);
    if (p->tx_len >= MB_SIMBUS_TX_CAP) {
        uint64_t cut[2];
        cutoffs(bus, cut);
        prune(bus, cut);
    }
    uint8_t byte = (uint8_t)rng_below(&p->rng, 256u);
    if (p->tx_len < MB_SIMBUS_TX_CAP) {
        push_char(bus, p, start, end, bus->baud, byte, even_parity_bit(byte));
        bus->stats.noise_bytes++;
    }
    bus->noise_next[d] = end + noise_gap(bus, d);
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* Process every event up to @p target (ticks). With @p until_quiet, stop as soon as nothing is
 * queued, on the line or being received. @return true when it stopped because it was quiet. */
static bool run(mb_simbus_t *bus, uint64_t target, bool until_quiet)
{
    for (;;) {
        mb_simbus_port_t *who = NULL;
        uint64_t best = NEVER;
        uint64_t cut[2] = {bus->now, bus->now};
        bool receiving = false;
        for (uint32_t i = 0; i < bus->n_ports; i++) {
            mb_simbus_port_t *p = &bus->ports[i];
            unsigned mask = rx_mask(p);
            if (mask == 0u) {
                continue;
            }
            if (p->stale || (mask & bus->dirty) != 0u) {
                refresh(bus, p);
            }
            if (p->next < best) {
                best = p->next;
                who = p;
            }
            receiving = receiving || p->next != NEVER;
            for (unsigned d = 0; d < 2u; d++) {
                if ((mask & (1u << d)) != 0u && p->hunt < cut[d]) {
                    cut[d] = p->hunt;
                }
            }
        }
        bus->dirty = 0;
        /* with until_quiet, the end of the last character on the line is an event too: the bus
         * may fall quiet then without any receiver noticing */
        uint64_t sending_until = bus->now;
        if (until_quiet) {
            for (uint32_t i = 0; i < bus->n_active; i++) {
                const mb_simbus_port_t *p = bus->active[i];
                uint64_t end = ring_at(p, p->tx_len - 1u)->end;
                if (!is_noise(bus, p) && end > sending_until) {
                    sending_until = end;
                }
            }
            if (!receiving && sending_until == bus->now) {
                return true;
            }
        }
        int noise = -1;
        if (sending_until > bus->now && sending_until < best) {
            best = sending_until;
            who = NULL;
        }
        for (unsigned d = 0; d < 2u; d++) {
            if (bus->noise_gap_us[d] != 0u && bus->noise_next[d] <= best) {
                best = bus->noise_next[d];
                noise = (int)d;
            }
        }
        if (best > target) {
            break;
        }
        advance(bus, best);
        if (noise >= 0) {
            inject_noise(bus, (unsigned)noise);
        } else if (who != NULL) {
            receive(bus, who);
        }
        prune(bus, cut);
    }
    advance(bus, target);
    return false;
}

/* ---- public functions ---------------------------------------------------------------------- */

static void port_init(mb_simbus_t *bus, mb_simbus_port_t *p, uint16_t index, uint32_t salt)
{
    memset(p, 0, sizeof *p);
    p->bus = bus;
    p->index = index;
    p->baud = bus->baud;
    p->burst_baud = bus->baud;
    p->next = NEVER;
    p->rng = rng_seed(bus->seed, salt);
}

void mb_simbus_init(mb_simbus_t *bus, uint32_t baud, uint32_t seed)
{
    if (bus == NULL) {
        return;
    }
    memset(bus, 0, sizeof *bus);
    bus->baud = baud_ok(baud) ? baud : 2400u;
    bus->seed = seed;
    for (unsigned d = 0; d < 2u; d++) {
        port_init(bus, &bus->noise[d], MAX_PORT, 0x10000u + d);
        bus->noise[d].dir = (uint8_t)(1u << d);
    }
}

mb_simbus_port_t *mb_simbus_attach(mb_simbus_t *bus, bool is_master, mb_simbus_rx_fn rx,
                                   void *rx_ctx)
{
    if (bus == NULL || bus->n_ports >= MAX_PORT) {
        return NULL;
    }
    uint16_t index = bus->n_ports++;
    mb_simbus_port_t *p = &bus->ports[index];
    port_init(bus, p, index, index);
    p->is_master = is_master;
    p->dir = (uint8_t)(is_master ? MB_SIMBUS_DOWN : MB_SIMBUS_UP);
    p->rx = rx;
    p->rx_ctx = rx_ctx;
    p->latency_bits = is_master ? 0u : 11u;
    p->hunt = bus->now;
    p->burst_end = bus->now;
    p->stale = true;
    return p;
}

uint32_t mb_simbus_now(const mb_simbus_t *bus)
{
    return bus == NULL ? 0u : (uint32_t)div_ceil(bus->now, TPMS);
}

uint64_t mb_simbus_now_ticks(const mb_simbus_t *bus) { return bus == NULL ? 0u : bus->now; }

void mb_simbus_run_until(mb_simbus_t *bus, uint32_t t_ms)
{
    uint64_t target = (uint64_t)t_ms * TPMS;
    if (bus == NULL || bus->running || target <= bus->now) {
        return;
    }
    bus->running = true;
    (void)run(bus, target, false);
    bus->running = false;
}

bool mb_simbus_run_idle(mb_simbus_t *bus, uint32_t limit_ms)
{
    uint64_t limit = (uint64_t)limit_ms * TPMS;
    if (bus == NULL || bus->running) {
        return false;
    }
    bus->running = true;
    bool quiet = run(bus, limit > bus->now ? limit : bus->now, true);
    if (quiet) {
        /* settle on a whole millisecond; what happens until then (noise) still happens */
        (void)run(bus, div_ceil(bus->now, TPMS) * TPMS, false);
    }
    bus->running = false;
    return quiet;
}

void mb_simbus_set_latency(mb_simbus_port_t *port, uint32_t bits, uint32_t us)
{
    if (port != NULL) {
        port->latency_bits = bits;
        port->latency_us = us;
    }
}

void mb_simbus_set_faults(mb_simbus_port_t *port, const mb_simbus_faults_t *faults)
{
    if (port == NULL || faults == NULL) {
        return;
    }
    bool echo_changed = port->faults.echo != faults->echo;
    port->faults = *faults;
    if (!port->is_master) {
        port->faults.echo = false;
    } else if (echo_changed) {
        /* the port now listens to one more or one less direction: hunt afresh */
        port->hunt = port->bus->now;
        port->next = NEVER;
        port->stale = true;
    }
}

void mb_simbus_set_drop_errors(mb_simbus_port_t *port, bool drop)
{
    if (port != NULL) {
        port->drop_errors = drop;
    }
}

void mb_simbus_set_noise(mb_simbus_t *bus, uint32_t down_mean_gap_us, uint32_t up_mean_gap_us)
{
    if (bus == NULL) {
        return;
    }
    bus->noise_gap_us[0] = down_mean_gap_us;
    bus->noise_gap_us[1] = up_mean_gap_us;
    for (unsigned d = 0; d < 2u; d++) {
        if (bus->noise_gap_us[d] != 0u) {
            bus->noise_next[d] = bus->now + noise_gap(bus, d);
        }
    }
}

const mb_simbus_port_stats_t *mb_simbus_port_stats(const mb_simbus_port_t *port)
{
    return port == NULL ? NULL : &port->stats;
}

const mb_simbus_stats_t *mb_simbus_stats(const mb_simbus_t *bus)
{
    return bus == NULL ? NULL : &bus->stats;
}

uint32_t mb_simbus_port_baud(const mb_simbus_port_t *port)
{
    return port == NULL ? 0u : port->baud;
}
