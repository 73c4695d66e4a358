/*
 * Master and slaves on the simulated bus (master.h, slave.h, host/simbus.h): every transaction
 * end to end with the bus's physics (11-bit characters at the baud rate, answer delay, wired-AND
 * of simultaneous answers), and randomized faults.
 *
 * Each slave answers REQ_UD2 with a telegram of its own that the test knows (its address and
 * telegram number in the records), so that every reply the master accepts can be checked for
 * being exactly the one that was asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "meterbus/host/simbus.h"
#include "meterbus/master.h"
#include "meterbus/scan.h"
#include "meterbus/slave.h"
#include "testutil.h"

#if MB_ENABLE_MASTER && MB_ENABLE_SLAVE

#define MAX_SLAVES 250

typedef struct meter {
    mb_slave_t slave;
    mb_simbus_port_t *port;
    unsigned telegrams; /* telegrams in a readout: 1 = single */
    unsigned calls;
    uint32_t id;
    uint16_t manufacturer;
    uint8_t version;
    uint8_t medium;
    bool scrambled; /* values unrelated to the ID (see meter_data()) */
} meter_t;

typedef struct world {
    mb_simbus_t *bus;
    mb_master_t master;
    mb_simbus_port_t *mport;
    meter_t meters[MAX_SLAVES];
    size_t n;
} world_t;

static void master_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    (void)mb_master_feed(ctx, p, n, now_ms);
}

static void slave_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    meter_t *mt = ctx;
    (void)mb_slave_feed(&mt->slave, p, n, now_ms);
}

/*
 * RSP_UD user data: CI 72, long header with the meter's ID, then a record 04 13 (volume) whose
 * value encodes the meter and the telegram: id * 10 + telegram. More telegrams: DIF 1F at the end.
 */
static size_t meter_data(const meter_t *mt, unsigned telegram, bool more, uint8_t *out)
{
    size_t n = 0;
    out[n++] = 0x72;
    for (unsigned i = 0; i < 4u; i++) {
        out[n++] = (uint8_t)(mt->id >> (8u * i));
    }
    out[n++] = (uint8_t)mt->manufacturer; /* the meter's own identity in its long header */
    out[n++] = (uint8_t)(mt->manufacturer >> 8);
    out[n++] = mt->version;
    out[n++] = mt->medium;
    out[n++] = 0x00; /* access */
    out[n++] = 0x00; /* status */
    out[n++] = 0x00; /* configuration */
    out[n++] = 0x00;
    uint32_t v = (mt->id & 0xFFFFu) * 10u + telegram;
    if (mt->scrambled) {
        /*
         * Meters of a real segment send unrelated values. Telegrams that differ only in a digit
         * of the ID and in a value derived from it can be bitwise supersets of one another, and
         * then the wired-AND of both is exactly one of them: no master can see the other.
         */
        v = (mt->id ^ (uint32_t)mt->manufacturer << 16 ^ (uint32_t)mt->version << 8 ^ mt->medium) *
            2654435761u;
    }
    out[n++] = 0x04;
    out[n++] = 0x13;
    for (unsigned i = 0; i < 4u; i++) {
        out[n++] = (uint8_t)(v >> (8u * i));
    }
    if (more) {
        out[n++] = 0x1F;
    }
    return n;
}

static int respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                   bool *more)
{
    meter_t *mt = ctx;
    mt->calls++;
    if (req_class != 2u) {
        return 0;
    }
    *more = telegram + 1u < mt->telegrams;
    assert_true(cap >= 32u);
    return (int)meter_data(mt, telegram, *more, out);
}

static const mb_slave_app_t app = {respond, NULL, NULL};

static world_t *world_new(size_t n, uint32_t seed, uint8_t retries)
{
    world_t *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->bus = malloc(sizeof *w->bus);
    assert_non_null(w->bus);
    mb_simbus_init(w->bus, 2400, seed);
    w->mport = mb_simbus_attach(w->bus, true, master_rx, &w->master);
    mb_master_config_t cfg = {2400, 0, retries};
    mb_master_init(&w->master, &mb_simbus_hal, w->mport, &cfg);
    w->n = n;
    for (size_t i = 0; i < n; i++) {
        meter_t *mt = &w->meters[i];
        mt->id = 0x10000011u + 0x11u * (uint32_t)i; /* 10000011, 10000022, ... */
        mt->telegrams = 1;
        mt->manufacturer = 0x2C2D;
        mt->version = 1;
        mt->medium = 7;
        mt->port = mb_simbus_attach(w->bus, false, slave_rx, mt);
        assert_non_null(mt->port);
        mb_slave_config_t sc;
        memset(&sc, 0, sizeof sc);
        sc.address = (uint8_t)(i + 1u);
        sc.secondary.id = mt->id;
        sc.secondary.manufacturer = 0x2C2D;
        sc.secondary.version = 1;
        sc.secondary.medium = 7;
        sc.baud = 2400;
        mb_slave_init(&mt->slave, &mb_simbus_hal, mt->port, &app, mt, &sc);
    }
    return w;
}

static void world_free(world_t *w)
{
    free(w->bus);
    free(w);
}

/* Run the bus ms by ms until the master's transaction ends; @return its result. */
static int run(world_t *w)
{
    uint32_t t = mb_simbus_now(w->bus);
    for (uint32_t step = 0; step < 60000u; step++) {
        t++;
        mb_simbus_run_until(w->bus, t);
        for (size_t i = 0; i < w->n; i++) {
            mb_slave_poll(&w->meters[i].slave, t);
        }
        int r = mb_master_poll(&w->master, t);
        if (r != MB_MASTER_PENDING) {
            /* Let the line settle so that the next request starts on a quiet bus. */
            mb_simbus_run_until(w->bus, t + 300u);
            return r;
        }
    }
    fail_msg("the transaction did not end");
    return 0;
}

/* The volume record of the reply: id * 10 + telegram; -1 when there is none. */
static long reply_value(const world_t *w, bool *more)
{
    mb_frame_t f;
    if (!mb_master_reply(&w->master, &f) || f.type != MB_FRAME_LONG || f.data_len < 18u) {
        return -1;
    }
    *more = f.data_len > 18u && f.data[18] == 0x1F;
    return (long)((uint32_t)f.data[14] | (uint32_t)f.data[15] << 8 | (uint32_t)f.data[16] << 16 |
                  (uint32_t)f.data[17] << 24);
}

/* Give meter @p i another secondary address (the slave is set up again with it). */
static void set_secondary(world_t *w, size_t i, uint32_t id, uint16_t manufacturer, uint8_t version,
                          uint8_t medium)
{
    meter_t *mt = &w->meters[i];
    mt->id = id;
    mt->manufacturer = manufacturer;
    mt->version = version;
    mt->medium = medium;
    mt->scrambled = true;
    mb_slave_config_t sc;
    memset(&sc, 0, sizeof sc);
    sc.address = 0; /* unconfigured: only secondary addressing tells them apart */
    sc.secondary.id = id;
    sc.secondary.manufacturer = manufacturer;
    sc.secondary.version = version;
    sc.secondary.medium = medium;
    sc.baud = 2400;
    mb_slave_init(&mt->slave, &mb_simbus_hal, mt->port, &app, mt, &sc);
}

/* Run a scan to its end; the meters found go to @p found (up to @p cap). */
static int run_scan(world_t *w, mb_scan_t *scan, mb_scan_found_t *found, size_t cap, size_t *n)
{
    *n = 0;
    uint32_t t = mb_simbus_now(w->bus);
    for (uint32_t step = 0; step < 20000000u; step++) {
        t++;
        mb_simbus_run_until(w->bus, t);
        int r = mb_scan_poll(scan, t, &found[*n < cap ? *n : cap - 1u]);
        if (r == MB_SCAN_ITEM) {
            if (*n < cap) {
                (*n)++;
            }
        } else if (r != MB_SCAN_PENDING) {
            return r;
        }
    }
    fail_msg("the scan did not end");
    return 0;
}

static void scan_primary_addresses(void **state)
{
    (void)state;
    world_t *w = world_new(3, 5, 0);
    mb_scan_t scan;
    mb_scan_found_t found[8];
    size_t n;
    assert_int_equal(mb_scan_primary(&scan, &w->master, 0, 5, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run_scan(w, &scan, found, 8, &n), MB_OK);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 3u; i++) {
        assert_int_equal(found[i].address, i + 1u);
        assert_true(found[i].has_secondary);
        assert_int_equal(found[i].secondary.id, w->meters[i].id);
    }
    assert_int_equal(mb_scan_progress(&scan), 1000);
    world_free(w);
}

static bool same_secondary(const mb_secondary_t *a, const mb_secondary_t *b)
{
    return a->id == b->id && a->manufacturer == b->manufacturer && a->version == b->version &&
           a->medium == b->medium;
}

/* Every meter of @p w found exactly once. */
static void expect_all_found(const world_t *w, const mb_scan_found_t *found, size_t n)
{
    for (size_t i = 0; i < w->n; i++) {
        const meter_t *mt = &w->meters[i];
        mb_secondary_t own = {mt->id, mt->manufacturer, mt->version, mt->medium};
        unsigned hits = 0;
        for (size_t k = 0; k < n; k++) {
            if (found[k].has_secondary && same_secondary(&found[k].secondary, &own)) {
                hits++;
            }
        }
        if (hits != 1u) {
            fail_msg("meter %zu (%08X %04X %02X %02X) found %u times", i, (unsigned)mt->id,
                     mt->manufacturer, mt->version, mt->medium, hits);
        }
    }
    assert_int_equal(n, w->n);
}

/* Meters with random IDs, some differing only in the last digit: every one found once. */
static void scan_secondary_distinct_ids(void **state)
{
    (void)state;
    world_t *w = world_new(30, 6, 0);
    uint32_t rng = 4242;
    for (size_t i = 0; i < 30u; i++) {
        uint32_t id = 0;
        for (unsigned d = 0; d < 8u; d++) {
            id = id << 4 | mbt_rand_below(&rng, 10);
        }
        if (i % 5u == 1u) { /* the one before, with another last digit */
            id = (w->meters[i - 1u].id & ~0xFu) | (((w->meters[i - 1u].id & 0xFu) + 1u) % 10u);
        }
        set_secondary(w, i, id, 0x2C2D, (uint8_t)mbt_rand_below(&rng, 4), 7);
    }
    mb_scan_t scan;
    mb_scan_found_t found[40];
    size_t n;
    assert_int_equal(mb_scan_secondary(&scan, &w->master, false, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run_scan(w, &scan, found, 40, &n), MB_OK);
    expect_all_found(w, found, n);
    assert_int_equal(mb_scan_progress(&scan), 1000);
    world_free(w);
}

/*
 * Meters that share the ID and differ only in the manufacturer, the version or the medium, and
 * meters with F nibbles (which the wildcard also is) that differ from the others in a second
 * place too.
 */
static void scan_secondary_shared_ids(void **state)
{
    (void)state;
    world_t *w = world_new(8, 6, 0);
    set_secondary(w, 0, 0x12345678u, 0x2C2D, 1, 7);
    set_secondary(w, 1, 0x12345679u, 0x2C2D, 1, 7);
    set_secondary(w, 2, 0x12345678u, 0x1593, 1, 7);
    set_secondary(w, 3, 0x12345678u, 0x2C2D, 2, 7);
    set_secondary(w, 4, 0x12345678u, 0x2C2D, 1, 4);
    set_secondary(w, 5, 0x12345678u, 0x2C2F, 1, 3);
    set_secondary(w, 6, 0x12345678u, 0x2C2D, 0xFF, 2);
    set_secondary(w, 7, 0x00000001u, 0x2C2D, 1, 7);
    mb_scan_t scan;
    mb_scan_found_t found[16];
    size_t n;
    assert_int_equal(mb_scan_secondary(&scan, &w->master, false, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run_scan(w, &scan, found, 16, &n), MB_OK);
    expect_all_found(w, found, n);
    world_free(w);
}

static void read_primary(void **state)
{
    (void)state;
    world_t *w = world_new(3, 1, 1);
    uint32_t now = mb_simbus_now(w->bus);
    assert_int_equal(mb_master_snd_nke(&w->master, 2, now), MB_OK);
    assert_int_equal(run(w), MB_OK);
    now = mb_simbus_now(w->bus);
    assert_int_equal(mb_master_req_ud2(&w->master, 2, now), MB_OK);
    assert_int_equal(run(w), MB_OK);
    bool more = true;
    assert_int_equal(reply_value(w, &more), 0x0022 * 10);
    assert_false(more);
    assert_int_equal(w->meters[1].calls, 1);
    assert_int_equal(w->meters[0].calls, 0);
    /* An address nobody has: timeout after one retry. */
    now = mb_simbus_now(w->bus);
    assert_int_equal(mb_master_req_ud2(&w->master, 9, now), MB_OK);
    assert_int_equal(run(w), MB_ERR_MASTER_TIMEOUT);
    assert_int_equal(mb_master_stats(&w->master).retries, 1);
    world_free(w);
}

static void multi_telegram_readout(void **state)
{
    (void)state;
    world_t *w = world_new(2, 2, 1);
    w->meters[0].telegrams = 3;
    for (unsigned round = 0; round < 2u; round++) {
        for (unsigned t = 0; t < 3u; t++) {
            assert_int_equal(mb_master_req_ud2(&w->master, 1, mb_simbus_now(w->bus)), MB_OK);
            assert_int_equal(run(w), MB_OK);
            bool more = false;
            assert_int_equal(reply_value(w, &more), 0x0011 * 10 + (long)t);
            assert_int_equal(more, t < 2u);
        }
    }
    world_free(w);
}

static void secondary_selection(void **state)
{
    (void)state;
    world_t *w = world_new(3, 3, 0);
    mb_secondary_t mask = {0x10000022u, 0xFFFF, 0xFF, 0xFF};
    assert_int_equal(mb_master_select(&w->master, &mask, NULL, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_int_equal(mb_master_req_ud2(&w->master, 253, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    bool more;
    assert_int_equal(reply_value(w, &more), 0x0022 * 10);
    /*
     * A wildcard that every meter matches: their E5 merge into one, and all answer REQ_UD2 at
     * once. (Frames that differ in too few bits can AND into a frame with a valid checksum, which
     * no master can tell from a real one; these differ in enough.)
     */
    mb_secondary_t both = {0x100000FFu, 0xFFFF, 0xFF, 0xFF};
    assert_int_equal(mb_master_select(&w->master, &both, NULL, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    assert_int_equal(mb_master_req_ud2(&w->master, 253, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run(w), MB_ERR_MASTER_COLLISION);
    /* Nobody: 2000000x. */
    mb_secondary_t none = {0x2000000Fu, 0xFFFF, 0xFF, 0xFF};
    assert_int_equal(mb_master_select(&w->master, &none, NULL, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run(w), MB_ERR_MASTER_TIMEOUT);
    world_free(w);
}

static void echoing_converter(void **state)
{
    (void)state;
    world_t *w = world_new(1, 4, 0);
    mb_simbus_faults_t f;
    memset(&f, 0, sizeof f);
    f.echo = true;
    mb_simbus_set_faults(w->mport, &f);
    assert_int_equal(mb_master_req_ud2(&w->master, 1, mb_simbus_now(w->bus)), MB_OK);
    assert_int_equal(run(w), MB_OK);
    bool more;
    assert_int_equal(reply_value(w, &more), 0x0011 * 10);
    assert_int_equal(mb_master_stats(&w->master).echoes, 1);
    world_free(w);
}

/*
 * Random faults on every slave port (dropped and flipped characters, delays, noise): whatever
 * happens, every transaction ends, and every reply the master accepts is exactly the telegram due,
 * in the order the FCB rules give.
 */
static void randomized_faults(void **state)
{
    (void)state;
    uint32_t rng = 12345;
    unsigned ok = 0, failed = 0;
    /* 200 scenarios in every build; MB_FAULT_SCENARIOS=10000 for the long run. */
    const char *env = getenv("MB_FAULT_SCENARIOS");
    unsigned scenarios = env != NULL ? (unsigned)strtoul(env, NULL, 10) : 200u;
    for (unsigned scenario = 0; scenario < scenarios; scenario++) {
        world_t *w = world_new(2, mbt_rand(&rng), 2);
        w->meters[0].telegrams = 2;
        mb_simbus_faults_t f;
        memset(&f, 0, sizeof f);
        f.drop_ppm = mbt_rand_below(&rng, 20000);
        f.flip_ppm = mbt_rand_below(&rng, 20000);
        f.delay_ppm = mbt_rand_below(&rng, 300000);
        f.delay_max_us = mbt_rand_below(&rng, 150000);
        mb_simbus_set_faults(w->meters[0].port, &f);
        mb_simbus_set_faults(w->meters[1].port, &f);
        /*
         * The master's UART drops characters with a parity error, as drivers do: the 8-bit sum
         * of a frame misses two flipped bits that cancel, the parity bit of each byte does not.
         */
        mb_simbus_set_drop_errors(w->mport, true);
        if (mbt_rand_below(&rng, 4) == 0u) {
            mb_simbus_set_noise(w->bus, 0, 200000u + mbt_rand_below(&rng, 2000000));
        }
        unsigned expected = 0; /* the telegram meter 1 should send next */
        for (unsigned k = 0; k < 6u; k++) {
            assert_int_equal(mb_master_req_ud2(&w->master, 1, mb_simbus_now(w->bus)), MB_OK);
            int r = run(w);
            if (r == MB_OK) {
                bool more = false;
                long v = reply_value(w, &more);
                assert_int_equal(v, 0x0011 * 10 + (long)expected);
                expected = (expected + 1u) % 2u;
                ok++;
            } else {
                assert_true(r == MB_ERR_MASTER_TIMEOUT || r == MB_ERR_MASTER_COLLISION ||
                            r == MB_ERR_MASTER_UNEXPECTED);
                failed++;
            }
        }
        world_free(w);
    }
    /* The faults are mild enough that most transactions get through with the retries. */
    assert_true(ok > 5u * failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_primary),
        cmocka_unit_test(multi_telegram_readout),
        cmocka_unit_test(secondary_selection),
        cmocka_unit_test(echoing_converter),
        cmocka_unit_test(randomized_faults),
        cmocka_unit_test(scan_primary_addresses),
        cmocka_unit_test(scan_secondary_distinct_ids),
        cmocka_unit_test(scan_secondary_shared_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

#include <stdio.h>

int main(void)
{
    printf("bus: MB_ENABLE_MASTER or MB_ENABLE_SLAVE is 0, nothing to test\n");
    return 0;
}

#endif
