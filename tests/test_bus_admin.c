/*
 * The master's administrative requests end to end on the simulated bus (master.h, slave.h,
 * host/simbus.h): setting a primary address, switching the baud rate (acknowledged at the old
 * rate, both ends switching), application reset with a subcode, SND_UD with records, and
 * broadcasts with and without reply.
 *
 * Two slaves, at primary addresses 1 and 2. Each answers REQ_UD2 with CI 78 (no header) and one
 * record 02 FD 17 (error flags, 2 bytes) holding its telegram number and an own marker, and ends
 * with DIF 1F while more telegrams follow, so that each reply says who sent it and which
 * telegram of the readout it is.
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
#include "meterbus/slave.h"
#include "testutil.h"

#if MB_ENABLE_MASTER && MB_ENABLE_SLAVE

#define SLAVES 2u

typedef struct node {
    mb_slave_t slave;
    mb_simbus_port_t *port;
    uint8_t marker;
    unsigned telegrams;
    /* what the application saw */
    int last_event;
    int32_t last_value;
    unsigned events;
    uint8_t rx_ci;
    uint8_t rx_data[252];
    size_t rx_len;
    unsigned receives;
} node_t;

typedef struct bus {
    mb_simbus_t sim;
    mb_master_t master;
    mb_simbus_port_t *mport;
    node_t nodes[SLAVES];
} bus_t;

static void master_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    (void)mb_master_feed(ctx, p, n, now_ms);
}

static void slave_rx(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    node_t *nd = ctx;
    (void)mb_slave_feed(&nd->slave, p, n, now_ms);
}

static int respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                   bool *more)
{
    node_t *nd = ctx;
    (void)req_class;
    assert_true(cap >= 8u);
    *more = telegram + 1u < nd->telegrams;
    size_t n = 0;
    out[n++] = 0x78;
    out[n++] = 0x02;
    out[n++] = 0xFD;
    out[n++] = 0x17;
    out[n++] = (uint8_t)telegram;
    out[n++] = nd->marker;
    if (*more) {
        out[n++] = 0x1F;
    }
    return (int)n;
}

static int receive(void *ctx, uint8_t ci, const uint8_t *data, size_t len)
{
    node_t *nd = ctx;
    nd->receives++;
    nd->rx_ci = ci;
    nd->rx_len = len;
    if (len > 0u) {
        memcpy(nd->rx_data, data, len);
    }
    return 0;
}

static void event(void *ctx, int ev, int32_t value)
{
    node_t *nd = ctx;
    nd->events++;
    nd->last_event = ev;
    nd->last_value = value;
}

static const mb_slave_app_t app = {respond, receive, event};

static bus_t *bus_new(void)
{
    bus_t *b = calloc(1, sizeof *b);
    assert_non_null(b);
    mb_simbus_init(&b->sim, 2400, 7);
    b->mport = mb_simbus_attach(&b->sim, true, master_rx, &b->master);
    mb_master_config_t cfg = {2400, 0, 1};
    mb_master_init(&b->master, &mb_simbus_hal, b->mport, &cfg);
    for (unsigned i = 0; i < SLAVES; i++) {
        node_t *nd = &b->nodes[i];
        nd->marker = (uint8_t)(0xA1u + i);
        nd->telegrams = 4;
        nd->port = mb_simbus_attach(&b->sim, false, slave_rx, nd);
        mb_slave_config_t sc;
        memset(&sc, 0, sizeof sc);
        sc.address = (uint8_t)(i + 1u);
        sc.secondary.id = 0x20000001u + i;
        sc.secondary.manufacturer = 0x2C2D;
        sc.secondary.version = 1;
        sc.secondary.medium = 7;
        sc.baud = 2400;
        sc.answer_delay_bits = 11;
        mb_slave_init(&nd->slave, &mb_simbus_hal, nd->port, &app, nd, &sc);
    }
    return b;
}

/* Run ms by ms until the master's transaction ends; @return its result. */
static int run(bus_t *b)
{
    uint32_t t = mb_simbus_now(&b->sim);
    for (uint32_t step = 0; step < 20000u; step++) {
        t++;
        mb_simbus_run_until(&b->sim, t);
        for (unsigned i = 0; i < SLAVES; i++) {
            mb_slave_poll(&b->nodes[i].slave, t);
        }
        int r = mb_master_poll(&b->master, t);
        if (r != MB_MASTER_PENDING) {
            mb_simbus_run_until(&b->sim, t + 300u); /* the slaves finish what they do */
            for (unsigned i = 0; i < SLAVES; i++) {
                mb_slave_poll(&b->nodes[i].slave, t + 300u);
            }
            return r;
        }
    }
    fail_msg("the transaction did not end");
    return 0;
}

static uint32_t now(const bus_t *b) { return mb_simbus_now(&b->sim); }

/* REQ_UD2 to @p addr: @return telegram number * 256 + marker of the reply, or the error. */
static int read_one(bus_t *b, uint8_t addr)
{
    assert_int_equal(mb_master_req_ud2(&b->master, addr, now(b)), MB_OK);
    int r = run(b);
    if (r != MB_OK) {
        return r;
    }
    mb_frame_t f;
    assert_true(mb_master_reply(&b->master, &f));
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.ci, 0x78);
    assert_true(f.data_len >= 5u);
    assert_int_equal(f.data[0], 0x02);
    assert_int_equal(f.data[1], 0xFD);
    assert_int_equal(f.data[2], 0x17);
    return f.data[3] * 256 + f.data[4];
}

static void set_primary_address(void **state)
{
    (void)state;
    bus_t *b = bus_new();
    node_t *n1 = &b->nodes[0];
    /* Two telegrams of slave 1's readout at address 1 (FCB 1, then 0). */
    assert_int_equal(read_one(b, 1), 0 * 256 + 0xA1);
    assert_int_equal(read_one(b, 1), 1 * 256 + 0xA1);
    assert_int_equal(mb_master_set_address(&b->master, 1, 7, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    assert_int_equal(mb_slave_address(&n1->slave), 7);
    assert_int_equal(n1->last_event, MB_SLAVE_EV_ADDRESS);
    assert_int_equal(n1->last_value, 7);
    /*
     * The readout goes on at the new address: the master carries the slave's FCB over (the set
     * address went out with FCB 1, so the next request toggles to 0; a fresh FCB 1 for address 7
     * would look like a repeat of the set address, and the slave would not move on).
     */
    assert_int_equal(read_one(b, 7), 2 * 256 + 0xA1);
    assert_int_equal(read_one(b, 1), MB_ERR_MASTER_TIMEOUT);
    assert_int_equal(read_one(b, 2), 0 * 256 + 0xA2);
    /* Refused: a broadcast would put every slave on one address; addresses above 250. */
    assert_int_equal(mb_master_set_address(&b->master, 254, 9, now(b)), MB_ERR_ARG);
    assert_int_equal(mb_master_set_address(&b->master, 255, 9, now(b)), MB_ERR_ARG);
    assert_int_equal(mb_master_set_address(&b->master, 7, 251, now(b)), MB_ERR_ARG);
    assert_int_equal(mb_slave_address(&n1->slave), 7);
    free(b);
}

static void switch_baud_of_one_slave(void **state)
{
    (void)state;
    bus_t *b = bus_new();
    assert_int_equal(mb_master_switch_baud(&b->master, 1, 9600, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK); /* the E5 came at 2400 */
    assert_int_equal(mb_slave_baud(&b->nodes[0].slave), 9600);
    assert_int_equal(b->nodes[0].last_event, MB_SLAVE_EV_BAUD);
    assert_int_equal(mb_simbus_port_baud(b->mport), 9600); /* the master followed */
    assert_int_equal(mb_simbus_port_baud(b->nodes[0].port), 9600);
    assert_int_equal(mb_simbus_port_baud(b->nodes[1].port), 2400);
    assert_int_equal(read_one(b, 1), 0 * 256 + 0xA1);
    /* Slave 2 still listens at 2400: at 9600 it hears no valid frame. */
    int r = read_one(b, 2);
    assert_true(r == MB_ERR_MASTER_TIMEOUT || r == MB_ERR_MASTER_COLLISION);
    assert_int_equal(mb_master_set_line_baud(&b->master, 2400), MB_OK);
    assert_int_equal(read_one(b, 2), 0 * 256 + 0xA2);
    /* A rate that does not exist is refused before anything is sent. */
    uint32_t sent = mb_master_stats(&b->master).requests;
    assert_true(mb_master_switch_baud(&b->master, 2, 1234, now(b)) < 0);
    assert_int_equal(mb_master_stats(&b->master).requests, sent);
    free(b);
}

static void switch_baud_broadcast(void **state)
{
    (void)state;
    bus_t *b = bus_new();
    /* To 255 nobody answers; every slave and the master change once the request is out. */
    assert_int_equal(mb_master_switch_baud(&b->master, 255, 4800, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    assert_int_equal(mb_simbus_port_baud(b->mport), 4800);
    for (unsigned i = 0; i < SLAVES; i++) {
        assert_int_equal(mb_slave_baud(&b->nodes[i].slave), 4800);
        assert_int_equal(mb_simbus_port_baud(b->nodes[i].port), 4800);
    }
    assert_int_equal(read_one(b, 1), 0 * 256 + 0xA1);
    assert_int_equal(read_one(b, 2), 0 * 256 + 0xA2);
    free(b);
}

static void application_reset_with_subcode(void **state)
{
    (void)state;
    bus_t *b = bus_new();
    node_t *n2 = &b->nodes[1];
    assert_int_equal(read_one(b, 2), 0 * 256 + 0xA2);
    assert_int_equal(read_one(b, 2), 1 * 256 + 0xA2);
    assert_int_equal(mb_master_app_reset(&b->master, 2, 0x13, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    assert_int_equal(n2->last_event, MB_SLAVE_EV_APP_RESET);
    assert_int_equal(n2->last_value, 0x13);
    assert_int_equal(read_one(b, 2), 0 * 256 + 0xA2); /* the readout starts over */
    assert_int_equal(mb_master_app_reset(&b->master, 2, MB_APP_RESET_NO_SUBCODE, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    assert_int_equal(n2->last_value, -1);
    assert_int_equal(b->nodes[0].events, 0); /* slave 1 heard none of it */
    free(b);
}

static void records_to_a_slave(void **state)
{
    (void)state;
    bus_t *b = bus_new();
    /* CI 51 with a record for the meter: 04 6D (date and time, type F) 4 bytes. */
    static const uint8_t rec[] = {0x04, 0x6D, 0x1E, 0x0C, 0x7D, 0x3B};
    assert_int_equal(mb_master_snd_ud(&b->master, 1, 0x51, rec, sizeof rec, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    node_t *n1 = &b->nodes[0];
    assert_int_equal(n1->receives, 1);
    assert_int_equal(n1->rx_ci, 0x51);
    assert_int_equal(n1->rx_len, sizeof rec);
    assert_memory_equal(n1->rx_data, rec, sizeof rec);
    assert_int_equal(b->nodes[1].receives, 0);
    /* To 254 both acknowledge at once: identical E5 bytes superimpose into one. */
    static const uint8_t app_data[] = {0x01, 0x02, 0x03};
    assert_int_equal(mb_master_snd_ud(&b->master, 254, 0x5C, app_data, 3, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    for (unsigned i = 0; i < SLAVES; i++) {
        assert_int_equal(b->nodes[i].rx_ci, 0x5C);
        assert_memory_equal(b->nodes[i].rx_data, app_data, 3);
    }
    /* SND_NKE to 254: one E5 from both; to 255: no answer awaited. */
    assert_int_equal(mb_master_snd_nke(&b->master, 254, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    assert_int_equal(mb_master_snd_nke(&b->master, 255, now(b)), MB_OK);
    assert_int_equal(run(b), MB_OK);
    assert_int_equal(b->nodes[1].last_event, MB_SLAVE_EV_LINK_RESET);
    assert_int_equal(b->nodes[1].last_value, 255);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_primary_address),   cmocka_unit_test(switch_baud_of_one_slave),
        cmocka_unit_test(switch_baud_broadcast), cmocka_unit_test(application_reset_with_subcode),
        cmocka_unit_test(records_to_a_slave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void) { return 77; }
#endif
