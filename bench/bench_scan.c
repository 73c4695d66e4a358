/*
 * Bus benchmark on the simulated segment (host/simbus.h) at 2400 Bd: the secondary scan of 10, 50
 * and 250 meters (random IDs, one in 25 a twin of the one before that differs only in the
 * manufacturer), then reading every meter found. Prints bus transactions and simulated bus time,
 * the figures that matter on a real segment; CPU time is not measured.
 *
 *   meterbus-bench-scan [METERS ...]      default: 10 50 250
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/host/simbus.h"
#include "meterbus/master.h"
#include "meterbus/scan.h"
#include "meterbus/slave.h"

#define MAX_METERS 250

typedef struct segment {
    mb_simbus_t bus;
    mb_master_t master;
    mb_slave_t slaves[MAX_METERS];
} segment_t;

static void master_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    (void)mb_master_feed(ctx, p, n, now_ms);
}

static void slave_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    (void)mb_slave_feed(ctx, p, n, now_ms);
}

/* A meter's telegram: its long header and one volume that has nothing to do with its ID. */
static int respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                   bool *more)
{
    (void)req_class;
    (void)telegram;
    (void)more;
    const mb_secondary_t *a = ctx;
    if (cap < 19u) {
        return -1;
    }
    out[0] = 0x72;
    mb_secondary_pack(a, out + 1);
    memset(out + 9, 0, 4);
    out[13] = 0x04;
    out[14] = 0x13;
    uint32_t v = (a->id ^ (uint32_t)a->manufacturer << 16 ^ a->version) * 2654435761u;
    for (unsigned i = 0; i < 4u; i++) {
        out[15 + i] = (uint8_t)(v >> (8u * i));
    }
    return 19;
}

static const mb_slave_app_t app = {respond, NULL, NULL};
static mb_secondary_t identities[MAX_METERS];

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void run(int n)
{
    segment_t *seg = calloc(1, sizeof *seg);
    if (seg == NULL) {
        exit(1);
    }
    mb_simbus_init(&seg->bus, 2400, 7);
    mb_simbus_port_t *mp = mb_simbus_attach(&seg->bus, true, master_rx, &seg->master);
    mb_master_config_t cfg = {2400, 0, 0};
    mb_master_init(&seg->master, &mb_simbus_hal, mp, &cfg);
    uint32_t rng = 777;
    for (int i = 0; i < n; i++) {
        mb_secondary_t *a = &identities[i];
        a->id = 0;
        for (int d = 0; d < 8; d++) {
            a->id = a->id << 4 | (xorshift(&rng) % 10u);
        }
        a->manufacturer = 0x2C2D;
        a->version = (uint8_t)(xorshift(&rng) % 4u);
        a->medium = 7;
        if (i % 25 == 1) { /* a twin: same ID and version, another manufacturer */
            *a = identities[i - 1];
            a->manufacturer = 0x1593;
        }
        mb_simbus_port_t *p = mb_simbus_attach(&seg->bus, false, slave_rx, &seg->slaves[i]);
        mb_slave_config_t sc;
        memset(&sc, 0, sizeof sc);
        sc.secondary = *a;
        sc.baud = 2400;
        mb_slave_init(&seg->slaves[i], &mb_simbus_hal, p, &app, a, &sc);
    }
    mb_scan_t scan;
    mb_scan_found_t found[MAX_METERS];
    int n_found = 0;
    uint32_t t = 0;
    (void)mb_scan_secondary(&scan, &seg->master, false, t);
    for (;;) {
        t++;
        mb_simbus_run_until(&seg->bus, t);
        int r = mb_scan_poll(&scan, t, &found[n_found < MAX_METERS ? n_found : 0]);
        if (r == MB_SCAN_ITEM) {
            n_found += n_found < MAX_METERS;
        } else if (r != MB_SCAN_PENDING) {
            break;
        }
    }
    mb_master_stats_t scan_stats = mb_master_stats(&seg->master);
    uint32_t scan_ms = t;
    /* Read every meter found: select it, REQ_UD2, deselect. */
    int read = 0;
    for (int i = 0; i < n_found; i++) {
        int step = 0;
        (void)mb_master_select(&seg->master, &found[i].secondary, NULL, t);
        for (;;) {
            t++;
            mb_simbus_run_until(&seg->bus, t);
            int r = mb_master_poll(&seg->master, t);
            if (r == MB_MASTER_PENDING) {
                continue;
            }
            if (r != MB_OK || step == 2) {
                read += r == MB_OK && step == 2;
                break;
            }
            step++;
            if (step == 1) {
                (void)mb_master_req_ud2(&seg->master, 253, t);
            } else {
                (void)mb_master_snd_nke(&seg->master, 253, t);
            }
        }
    }
    mb_master_stats_t all = mb_master_stats(&seg->master);
    printf("%3d meters: found %3d with %5u transactions in %7.1f s of bus time; read %3d with %4u "
           "more in %6.1f s\n",
           n, n_found, scan_stats.requests, scan_ms / 1000.0, read,
           all.requests - scan_stats.requests, (t - scan_ms) / 1000.0);
    free(seg);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            int n = atoi(argv[i]);
            run(n < 1 ? 1 : n > MAX_METERS ? MAX_METERS : n);
        }
        return 0;
    }
    run(10);
    run(50);
    run(250);
    return 0;
}
