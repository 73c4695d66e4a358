/*
 * Wired slave state machine (include/meterbus/slave.h), black box: requests go in as bytes through
 * mb_slave_feed(), replies come out through a capture HAL.
 *
 * Every request is a published reference frame or worked out by hand in the comment next
 * to it (CS = sum of C .. last data byte, mod 256); every expected reply is worked out the same
 * way. Nothing here was produced by running the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "meterbus/meterbus.h"
#include "meterbus/slave.h"
#include "testutil.h"

#if MB_ENABLE_SLAVE

/* ---- capture HAL -------------------------------------------------------------------------- */

#define CAP_MAX 4096u

typedef struct capture {
    uint8_t out[CAP_MAX]; /* every byte written, in order */
    size_t len;
    size_t budget;   /* bytes write() still takes (SIZE_MAX: all) */
    size_t per_call; /* at most this many per write() call (0: no limit) */
    int write_rc;    /* < 0: write() fails with it */
    int write_calls;
    int baud_calls;
    uint32_t baud;      /* last set_baud() argument */
    size_t len_at_baud; /* bytes written when set_baud() was called */
    int baud_rc;
} capture_t;

static int cap_write(void *ctx, const uint8_t *p, size_t len)
{
    capture_t *c = ctx;
    c->write_calls++;
    if (c->write_rc < 0) {
        return c->write_rc;
    }
    size_t n = len < c->budget ? len : c->budget;
    if (c->per_call != 0 && n > c->per_call) {
        n = c->per_call;
    }
    assert_true(c->len + n <= CAP_MAX);
    memcpy(c->out + c->len, p, n);
    c->len += n;
    if (c->budget != SIZE_MAX) {
        c->budget -= n;
    }
    return (int)n;
}

static int cap_set_baud(void *ctx, uint32_t baud)
{
    capture_t *c = ctx;
    c->baud_calls++;
    c->baud = baud;
    c->len_at_baud = c->len;
    return c->baud_rc;
}

static const mb_hal_t cap_hal = {cap_write, cap_set_baud, NULL};

/* ---- test application --------------------------------------------------------------------- */

enum payload { PAY_SMALL, PAY_OMS, PAY_CTRL, PAY_MAX };

typedef struct app {
    enum payload payload;
    unsigned more_until; /* telegrams below this say "more" */
    int respond_rc;      /* != 0: respond() returns it without writing */
    bool class1_empty;   /* class 1: return 0 (nothing pending) */
    int respond_calls;
    uint8_t last_class;
    unsigned last_telegram;
    int receive_rc;
    int receive_calls;
    uint8_t last_ci;
    uint8_t last_data[256];
    size_t last_len;
    int events;
    int ev[32];
    int32_t ev_value[32];
    size_t ev_written[32]; /* bytes the HAL had taken when the event came */
    const capture_t *cap;
} app_t;

/* The 29 data bytes (after CI 72) of the OMS Vol.2 Annex N.2.2 RSP_UD. */
#define OMS_N22_DATA \
    "78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F 15 02 FD 17 00 00"

static int app_respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                       bool *more)
{
    app_t *a = ctx;
    a->respond_calls++;
    a->last_class = req_class;
    a->last_telegram = telegram;
    assert_int_equal(cap, MB_SLAVE_RESPONSE_MAX);
    assert_false(*more);
    if (a->respond_rc != 0) {
        return a->respond_rc;
    }
    if (req_class == 1 && a->class1_empty) {
        return 0;
    }
    *more = telegram < a->more_until;
    switch (a->payload) {
    case PAY_OMS: {
        out[0] = 0x72;
        int n = mbt_hex(OMS_N22_DATA, out + 1, cap - 1);
        assert_int_equal(n, 29);
        return n + 1;
    }
    case PAY_CTRL: out[0] = 0x72; return 1;
    case PAY_MAX:
        /* CI 72 and 252 data bytes 00 01 .. FB: all of cap. */
        out[0] = 0x72;
        for (size_t i = 0; i < 252; i++) {
            out[1 + i] = (uint8_t)i;
        }
        return (int)cap;
    default:
        /* CI 78 (no header), record DIF 01 VIF 13 (volume, 8 bit) = telegram, then 1F if more. */
        out[0] = 0x78;
        out[1] = 0x01;
        out[2] = 0x13;
        out[3] = (uint8_t)telegram;
        if (*more) {
            out[4] = 0x1F;
            return 5;
        }
        return 4;
    }
}

static int app_receive(void *ctx, uint8_t ci, const uint8_t *data, size_t len)
{
    app_t *a = ctx;
    a->receive_calls++;
    a->last_ci = ci;
    a->last_len = len;
    if (len > 0) {
        memcpy(a->last_data, data, len);
    }
    return a->receive_rc;
}

static void app_event(void *ctx, int event, int32_t value)
{
    app_t *a = ctx;
    assert_true(a->events < 32);
    a->ev[a->events] = event;
    a->ev_value[a->events] = value;
    a->ev_written[a->events] = a->cap->len;
    a->events++;
}

static const mb_slave_app_t test_app = {app_respond, app_receive, app_event};

/* ---- fixture ------------------------------------------------------------------------------ */

typedef struct fixture {
    mb_slave_t slave;
    capture_t cap;
    app_t app;
    mb_slave_config_t cfg;
    uint32_t now;
} fixture_t;

static fixture_t fx;

/* Slave 5, ID 12345678, ELS (0x1593), version 0x33, gas (3), fabrication no. 11223344, 2400 Bd. */
static void config_default(mb_slave_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->address = 5;
    cfg->secondary.id = 0x12345678u;
    cfg->secondary.manufacturer = 0x1593u;
    cfg->secondary.version = 0x33u;
    cfg->secondary.medium = 0x03u;
    cfg->has_fabrication = true;
    cfg->fabrication = 0x11223344u;
    cfg->baud = 2400;
}

static void start_with(const mb_slave_config_t *cfg, const mb_slave_app_t *app)
{
    memset(&fx.cap, 0, sizeof fx.cap);
    fx.cap.budget = SIZE_MAX;
    memset(&fx.app, 0, sizeof fx.app);
    fx.app.cap = &fx.cap;
    fx.cfg = *cfg;
    fx.now = 1000;
    mb_slave_init(&fx.slave, &cap_hal, &fx.cap, app, &fx.app, &fx.cfg);
}

static int setup(void **state)
{
    (void)state;
    mb_slave_config_t cfg;
    config_default(&cfg);
    start_with(&cfg, &test_app);
    return 0;
}

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* Feed the frame in one chunk, 10 ms after the previous one. */
static void req(const char *hex)
{
    uint8_t buf[300];
    size_t n = hx(hex, buf, sizeof buf);
    fx.now += 10;
    assert_int_equal(mb_slave_feed(&fx.slave, buf, n, fx.now), n);
}

/* The bytes written since the last check are exactly @p hex; forget them. */
static void expect(const char *hex)
{
    uint8_t want[300];
    size_t n = hx(hex, want, sizeof want);
    assert_int_equal(fx.cap.len, n);
    assert_memory_equal(fx.cap.out, want, n);
    fx.cap.len = 0;
}

static void expect_silence(void) { assert_int_equal(fx.cap.len, 0); }

static void expect_event(int i, int event, int32_t value)
{
    assert_true(i < fx.app.events);
    assert_int_equal(fx.app.ev[i], event);
    assert_int_equal(fx.app.ev_value[i], value);
}

static const mb_slave_stats_t *stats(void) { return mb_slave_stats(&fx.slave); }

/* Frames used by several tests (published reference frames unless worked out here). */
#define SND_NKE_5      "10 40 05 45 16"
#define SND_NKE_253    "10 40 FD 3D 16"
#define SND_NKE_254    "10 40 FE 3E 16"
#define SND_NKE_255    "10 40 FF 3F 16" /* 40 + FF = 13F */
#define REQ_UD2_5_FCB1 "10 7B 05 80 16"
#define REQ_UD2_5_FCB0 "10 5B 05 60 16"
#define REQ_UD2_253    "10 7B FD 78 16"
#define REQ_UD2_253_F0 "10 5B FD 58 16" /* 5B + FD = 158 */
#define REQ_UD2_254    "10 7B FE 79 16" /* 7B + FE = 179 */
#define REQ_UD2_255    "10 7B FF 7A 16" /* 7B + FF = 17A */
#define REQ_UD1_5_FCB1 "10 7A 05 7F 16"
#define REQ_UD1_5_FCB0 "10 5A 05 5F 16" /* 5A + 05 = 5F */
#define SELECT_ID      "68 0B 0B 68 53 FD 52 78 56 34 12 FF FF FF FF B2 16"
#define SELECT_1234    "68 0B 0B 68 53 FD 52 FF FF 34 12 FF FF FF FF E2 16"
#define SELECT_ENH     "68 11 11 68 53 FD 52 78 56 34 12 FF FF FF FF 0C 78 44 33 22 11 E0 16"
/* ID 87654321: 53+FD+52+21+43+65+87+4*FF = 6EE */
#define SELECT_OTHER "68 0B 0B 68 53 FD 52 21 43 65 87 FF FF FF FF EE 16"
#define SET_ADDR_10  "68 06 06 68 53 05 51 01 7A 0A 2E 16"
#define BAUD_9600    "68 03 03 68 53 05 BD 15 16"
#define APP_RESET    "68 03 03 68 53 05 50 A8 16"
#define APP_RESET_10 "68 04 04 68 53 05 50 10 B8 16"
#define GLOBAL_READ  "68 04 04 68 53 05 51 7F 28 16"

/* Replies of the PAY_SMALL application from slave 5: 68 L L 68 08 05 78 01 13 t [1F] CS 16. */
#define RSP_T0_MORE "68 07 07 68 08 05 78 01 13 00 1F B8 16" /* 08+05+78+01+13+00+1F = B8 */
#define RSP_T1_MORE "68 07 07 68 08 05 78 01 13 01 1F B9 16" /* ... +01 = B9 */
#define RSP_T2_LAST "68 06 06 68 08 05 78 01 13 02 9B 16"    /* 08+05+78+01+13+02 = 9B */
#define RSP_T0_LAST "68 06 06 68 08 05 78 01 13 00 99 16"    /* 08+05+78+01+13+00 = 99 */

/* ---- link reset, class-2 data ------------------------------------------------------------- */

static void snd_nke_answered_with_e5(void **state)
{
    (void)state;
    req(SND_NKE_5);
    expect("E5");
    expect_event(0, MB_SLAVE_EV_LINK_RESET, 5);
    assert_int_equal(stats()->requests, 1);
    assert_int_equal(stats()->replies, 1);
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 0);
}

static void req_ud2_gets_the_applications_rsp_ud(void **state)
{
    (void)state;
    fx.app.payload = PAY_OMS;
    req(REQ_UD2_5_FCB1);
    /*
     * OMS Vol.2 Annex N.2.2 with A = 05 instead of FD: its CS 89 (verified) less FD plus 05 is
     * 89 + 08 = 91.
     */
    uint8_t want[64];
    size_t n = hx("68 20 20 68 08 05 72 " OMS_N22_DATA " 91 16", want, sizeof want);
    assert_int_equal(fx.cap.len, n);
    assert_memory_equal(fx.cap.out, want, n);
    mb_frame_t f;
    assert_int_equal(mb_frame_decode(fx.cap.out, fx.cap.len, &f), MB_OK);
    assert_int_equal(f.c, MB_C_RSP_UD);
    assert_int_equal(f.a, 5);
    assert_int_equal(fx.app.respond_calls, 1);
    assert_int_equal(fx.app.last_class, 2);
    assert_int_equal(fx.app.last_telegram, 0);
}

static void control_frame_rsp_ud(void **state)
{
    (void)state;
    fx.app.payload = PAY_CTRL;
    req(REQ_UD2_5_FCB1);
    expect("68 03 03 68 08 05 72 7F 16"); /* 08 + 05 + 72 = 7F */
}

static void repeat_same_fcb_resends_without_app(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    req(REQ_UD2_5_FCB1); /* the master lost the reply: same FCB */
    expect(RSP_T0_MORE);
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    assert_int_equal(fx.app.respond_calls, 1);
    assert_int_equal(stats()->repeats, 2);
    assert_int_equal(stats()->replies, 3);
}

static void multi_telegram_sequence(void **state)
{
    (void)state;
    fx.app.more_until = 2; /* telegrams 0 and 1 say more, 2 is the last */
    req(SND_NKE_5);
    expect("E5");
    req(REQ_UD2_5_FCB1); /* first after SND_NKE: FCB 1 (libmbus 0x7B) */
    expect(RSP_T0_MORE);
    req(REQ_UD2_5_FCB0); /* toggled: next telegram */
    expect(RSP_T1_MORE);
    req(REQ_UD2_5_FCB0); /* repeat in the middle */
    expect(RSP_T1_MORE);
    req(REQ_UD2_5_FCB1);
    expect(RSP_T2_LAST);
    assert_int_equal(fx.app.respond_calls, 3);
    req(REQ_UD2_5_FCB0); /* toggled after the last one: the readout starts again */
    expect(RSP_T0_MORE);
    assert_int_equal(fx.app.last_telegram, 0);
    assert_int_equal(fx.app.respond_calls, 4);
}

static void snd_ud_inside_a_readout(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    req("68 03 03 68 53 05 5C B4 16"); /* SND_UD CI 5C, FCB 0: 53 + 05 + 5C = B4 */
    expect("E5");
    req(REQ_UD2_5_FCB1); /* toggled relative to the SND_UD: the readout goes on */
    expect(RSP_T1_MORE);
    assert_int_equal(fx.app.last_telegram, 1);
}

static void first_request_is_new_whatever_its_fcb(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB0); /* right after init, FCB 0 */
    expect(RSP_T0_MORE);
    req(REQ_UD2_5_FCB1);
    expect(RSP_T1_MORE);
    /* SND_NKE clears the FCB memory and restarts the readout. */
    req(SND_NKE_5);
    expect("E5");
    req(REQ_UD2_5_FCB1); /* would be a repeat without the SND_NKE */
    expect(RSP_T0_MORE);
    assert_int_equal(fx.app.respond_calls, 3);
    assert_int_equal(stats()->repeats, 0);
}

static void same_fcb_other_address_asks_afresh(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    req(REQ_UD2_254); /* FCB 1 again but not identical: the same telegram, from the application */
    expect(RSP_T0_MORE);
    assert_int_equal(fx.app.respond_calls, 2);
    assert_int_equal(fx.app.last_telegram, 0);
}

static void app_refusal_keeps_the_telegram(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    fx.app.respond_rc = -1;
    req(REQ_UD2_5_FCB0);
    expect_silence();
    assert_int_equal(fx.app.last_telegram, 1);
    assert_int_equal(stats()->app_refused, 1);
    fx.app.respond_rc = 0;
    req(REQ_UD2_5_FCB0); /* the master's repeat asks for telegram 1 again */
    expect(RSP_T1_MORE);
    assert_int_equal(fx.app.respond_calls, 3);
}

static void app_length_above_cap_is_silence(void **state)
{
    (void)state;
    fx.app.respond_rc = (int)MB_SLAVE_RESPONSE_MAX + 1;
    req(REQ_UD2_5_FCB1);
    expect_silence();
    assert_int_equal(stats()->app_refused, 1);
}

static void longest_rsp_ud(void **state)
{
    (void)state;
    fx.app.payload = PAY_MAX;
    req(REQ_UD2_5_FCB1);
    /*
     * L = FF, 261 bytes. CS = 08 + 05 + 72 + (0 + 1 + ... + 251) = 7F + 31626; 31626 = 123 * 256
     * + 138, so CS = (7F + 8A) mod 256 = 09.
     */
    uint8_t want[MB_FRAME_MAX_LEN] = {0x68, 0xFF, 0xFF, 0x68, 0x08, 0x05, 0x72};
    for (size_t i = 0; i < 252; i++) {
        want[7 + i] = (uint8_t)i;
    }
    want[259] = 0x09;
    want[260] = 0x16;
    assert_int_equal(fx.cap.len, MB_FRAME_MAX_LEN);
    assert_memory_equal(fx.cap.out, want, MB_FRAME_MAX_LEN);
}

/* ---- class 1 ------------------------------------------------------------------------------ */

static void req_ud1_nothing_pending_e5(void **state)
{
    (void)state;
    fx.app.class1_empty = true;
    req(REQ_UD1_5_FCB1);
    expect("E5");
    assert_int_equal(fx.app.last_class, 1);
    req(REQ_UD1_5_FCB1); /* repeat: E5 again from memory */
    expect("E5");
    assert_int_equal(fx.app.respond_calls, 1);
}

static void req_ud1_with_data_and_acd(void **state)
{
    (void)state;
    fx.app.more_until = 1;
    mb_slave_set_class1_pending(&fx.slave, true);
    req(REQ_UD2_5_FCB1);
    expect("68 07 07 68 28 05 78 01 13 00 1F D8 16"); /* C 28 (ACD): B8 + 20 = D8 */
    req(REQ_UD1_5_FCB0);
    expect("68 07 07 68 28 05 78 01 13 00 1F D8 16"); /* class 1, telegram 0 */
    assert_int_equal(fx.app.last_class, 1);
    assert_int_equal(fx.app.last_telegram, 0);
    mb_slave_set_class1_pending(&fx.slave, false);
    /* Class 2 goes on with its own count: telegram 1 (toggled, telegram 0 said more). */
    req(REQ_UD2_5_FCB1);
    expect("68 06 06 68 08 05 78 01 13 01 9A 16"); /* 08+05+78+01+13+01 = 9A */
    assert_int_equal(fx.app.last_class, 2);
    assert_int_equal(fx.app.last_telegram, 1);
}

/* ---- addresses ---------------------------------------------------------------------------- */

static void address_rules(void **state)
{
    (void)state;
    fx.app.more_until = 0;
    req("10 7B 06 81 16"); /* another slave: 7B + 06 = 81 */
    expect_silence();
    req("10 7B FB 76 16"); /* 251, reserved: 7B + FB = 176 */
    expect_silence();
    req("10 7B FC 77 16"); /* 252 */
    expect_silence();
    req(REQ_UD2_253); /* not selected */
    expect_silence();
    assert_int_equal(stats()->not_addressed, 4);
    req(REQ_UD2_255); /* broadcast without reply: not even asked */
    expect_silence();
    assert_int_equal(fx.app.respond_calls, 0);
    assert_int_equal(stats()->broadcasts, 1);
    req(REQ_UD2_254); /* broadcast with reply, answered with the own address */
    expect(RSP_T0_LAST);
    req(SND_NKE_254);
    expect("E5");
    req(SND_NKE_255);
    expect_silence();
    expect_event(1, MB_SLAVE_EV_LINK_RESET, 255);
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_LAST);
}

static void unconfigured_address_zero(void **state)
{
    (void)state;
    mb_slave_config_t cfg;
    config_default(&cfg);
    cfg.address = 0;
    start_with(&cfg, &test_app);
    fx.app.more_until = 1;
    req(REQ_UD2_5_FCB1);
    expect_silence();
    req("10 7B 00 7B 16");                            /* 7B + 00 */
    expect("68 07 07 68 08 00 78 01 13 00 1F B3 16"); /* B8 - 05 = B3 */
    req("10 40 00 40 16");
    expect("E5");

    /* An address above 250 in the configuration is taken as 0. */
    cfg.address = 251;
    start_with(&cfg, &test_app);
    assert_int_equal(mb_slave_address(&fx.slave), 0);
}

static void broadcast_255_executed_not_answered(void **state)
{
    (void)state;
    req("68 03 03 68 53 FF BD 0F 16"); /* baud 9600 to 255: 53 + FF + BD = 20F */
    expect_silence();
    assert_int_equal(fx.cap.baud_calls, 1);
    assert_int_equal(fx.cap.baud, 9600);
    assert_int_equal(mb_slave_baud(&fx.slave), 9600);
    req("68 03 03 68 53 FF 50 A2 16"); /* app reset to 255: 53 + FF + 50 = 1A2 */
    expect_silence();
    expect_event(0, MB_SLAVE_EV_BAUD, 9600);
    expect_event(1, MB_SLAVE_EV_APP_RESET, -1);
    req("68 03 03 68 53 FF 50 A2 16"); /* the identical repeat is not executed again */
    assert_int_equal(fx.app.events, 2);
    assert_int_equal(stats()->broadcasts, 3);
    assert_int_equal(stats()->replies, 0);
    assert_int_equal(fx.cap.write_calls, 0);
}

static void broadcast_leaves_the_readout_alone(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    req("68 03 03 68 53 FF 5C AE 16"); /* SND_UD CI 5C to 255, FCB 0: 53 + FF + 5C = 1AE */
    expect_silence();
    assert_int_equal(fx.app.receive_calls, 1);
    req(REQ_UD2_5_FCB1); /* still the repeat of the REQ_UD2: the stored reply is intact */
    expect(RSP_T0_MORE);
    assert_int_equal(fx.app.respond_calls, 1);
    req("68 03 03 68 73 FF 5C CE 16"); /* FCB 1 to 255: 73 + FF + 5C = 1CE */
    expect_silence();
    req(REQ_UD2_5_FCB0); /* toggled relative to the last REQ_UD2: telegram 1 */
    expect(RSP_T1_MORE);
    req("68 03 03 68 73 FF 5C CE 16"); /* identical repeat of the last broadcast: not executed */
    assert_int_equal(fx.app.receive_calls, 2);
    assert_int_equal(stats()->repeats, 2);
    /* SND_UD2 to 255: no NACK, and the stored reply is still intact for a repeat. */
    req("68 06 06 68 43 FF 5B 01 02 03 A3 16"); /* 43+FF+5B+01+02+03 = 1A3 */
    expect_silence();
    req(REQ_UD2_5_FCB0);
    expect(RSP_T1_MORE);
    assert_int_equal(fx.app.respond_calls, 2);
}

/* ---- secondary addressing ----------------------------------------------------------------- */

static void selection_and_253(void **state)
{
    (void)state;
    fx.app.more_until = 0;
    req(SELECT_ID);
    expect("E5");
    assert_true(mb_slave_selected(&fx.slave));
    expect_event(0, MB_SLAVE_EV_SELECTED, 1);
    req(REQ_UD2_253);
    expect(RSP_T0_LAST); /* A = own primary address 05 */
    req(SELECT_OTHER);   /* another slave's selection deselects, silently */
    expect_silence();
    assert_false(mb_slave_selected(&fx.slave));
    expect_event(1, MB_SLAVE_EV_DESELECTED, 0);
    req(REQ_UD2_253_F0);
    expect_silence();
    req(SELECT_1234); /* wildcards in the last four digits */
    expect("E5");
    assert_true(mb_slave_selected(&fx.slave));
    req(REQ_UD2_253);
    expect(RSP_T0_LAST);
    assert_int_equal(stats()->deselected, 1);
}

static void selection_fields(void **state)
{
    (void)state;
    /* Manufacturer ELS (93 15): 53+FD+52+78+56+34+12+93+15+FF+FF = 55C */
    req("68 0B 0B 68 53 FD 52 78 56 34 12 93 15 FF FF 5C 16");
    expect("E5");
    /* Manufacturer 1594: one more = 5D; no match. */
    req("68 0B 0B 68 53 FD 52 78 56 34 12 94 15 FF FF 5D 16");
    expect_silence();
    assert_false(mb_slave_selected(&fx.slave));
    /* Every field given: 53+FD+52+78+56+34+12+93+15+33+03 = 394 */
    req("68 0B 0B 68 53 FD 52 78 56 34 12 93 15 33 03 94 16");
    expect("E5");
    /* Version 34 instead of 33: 53+FD+52+78+56+34+12+FF+FF+34+FF = 4E7 */
    req("68 0B 0B 68 53 FD 52 78 56 34 12 FF FF 34 FF E7 16");
    expect_silence();
    assert_false(mb_slave_selected(&fx.slave));
}

static void enhanced_selection_by_fabrication_number(void **state)
{
    (void)state;
    req(SELECT_ENH);
    expect("E5");
    assert_true(mb_slave_selected(&fx.slave));
    /* Fabrication 11223345: 45 instead of 44, CS E1; deselects. */
    req("68 11 11 68 53 FD 52 78 56 34 12 FF FF FF FF 0C 78 45 33 22 11 E1 16");
    expect_silence();
    assert_false(mb_slave_selected(&fx.slave));
    /* Fabrication 1122xxxx: FF FF 22 11, CS = E0 - 44 - 33 + FF + FF = 167 -> 67 */
    req("68 11 11 68 53 FD 52 78 56 34 12 FF FF FF FF 0C 78 FF FF 22 11 67 16");
    expect("E5");
    assert_true(mb_slave_selected(&fx.slave));

    /* A slave without a fabrication number matches only a fabrication mask of wildcards. */
    mb_slave_config_t cfg;
    config_default(&cfg);
    cfg.has_fabrication = false;
    start_with(&cfg, &test_app);
    req(SELECT_ENH);
    expect_silence();
    /* All F: E0 - (44+33+22+11) + 4*FF = E0 - AA + 3FC = 432 -> 32 */
    req("68 11 11 68 53 FD 52 78 56 34 12 FF FF FF FF 0C 78 FF FF FF FF 32 16");
    expect("E5");
    req(SELECT_ID); /* a plain selection ignores the fabrication number */
    expect("E5");
}

static void snd_nke_253_deselects_silently(void **state)
{
    (void)state;
    req(SND_NKE_253); /* not selected: not for this slave */
    expect_silence();
    assert_int_equal(stats()->not_addressed, 1);
    req(SELECT_ID);
    expect("E5");
    req(SND_NKE_253);
    expect_silence();
    assert_false(mb_slave_selected(&fx.slave));
    expect_event(1, MB_SLAVE_EV_DESELECTED, 0);
    req(REQ_UD2_253);
    expect_silence();
    assert_int_equal(fx.app.respond_calls, 0);
}

static void malformed_selections(void **state)
{
    (void)state;
    req(SELECT_ID);
    expect("E5");
    /* Nine bytes: 53+FD+52+78+56+34+12+4*FF+00 = 5B2 */
    req("68 0C 0C 68 53 FD 52 78 56 34 12 FF FF FF FF 00 B2 16");
    expect_silence();
    assert_true(mb_slave_selected(&fx.slave)); /* malformed: no effect at all */
    /* A selection sent to a primary address: 53+05+52+78+56+34+12+4*FF = 4BA */
    req("68 0B 0B 68 53 05 52 78 56 34 12 FF FF FF FF BA 16");
    expect_silence();
    assert_int_equal(stats()->bad_request, 2);
}

static void selection_is_never_a_repeat(void **state)
{
    (void)state;
    /* The same selection (same FCB) after a deselection in between must select again. */
    req(SELECT_ID);
    expect("E5");
    req(SELECT_OTHER);
    expect_silence();
    req(SELECT_ID);
    expect("E5");
    assert_true(mb_slave_selected(&fx.slave));
    assert_int_equal(stats()->repeats, 0);
}

/* ---- SND_UD handled by the slave ---------------------------------------------------------- */

static void set_address(void **state)
{
    (void)state;
    fx.app.more_until = 1;
    req(SET_ADDR_10);
    expect("E5");
    assert_int_equal(mb_slave_address(&fx.slave), 10);
    expect_event(0, MB_SLAVE_EV_ADDRESS, 10);
    assert_int_equal(fx.app.ev_written[0], 1); /* the E5 went out before the event */
    req(REQ_UD2_5_FCB1);
    expect_silence();
    req("10 7B 0A 85 16");                            /* 7B + 0A = 85 */
    expect("68 07 07 68 08 0A 78 01 13 00 1F BD 16"); /* B8 - 05 + 0A = BD */
    /* Address 251 is not a primary address, sent to 10: 53+0A+51+01+7A+FB = 224 */
    req("68 06 06 68 53 0A 51 01 7A FB 24 16");
    expect_silence();
    assert_int_equal(mb_slave_address(&fx.slave), 10);
    assert_int_equal(stats()->bad_request, 1);
}

static void set_address_through_253(void **state)
{
    (void)state;
    req(SELECT_ID);
    expect("E5");
    req("68 06 06 68 53 FD 51 01 7A 07 23 16"); /* 53+FD+51+01+7A+07 = 223 */
    expect("E5");
    assert_int_equal(mb_slave_address(&fx.slave), 7);
}

static void baud_switch_after_the_e5(void **state)
{
    (void)state;
    req(BAUD_9600);
    expect("E5");
    assert_int_equal(fx.cap.baud_calls, 1);
    assert_int_equal(fx.cap.baud, 9600);
    assert_int_equal(fx.cap.len_at_baud, 1); /* the E5 was written before */
    assert_int_equal(mb_slave_baud(&fx.slave), 9600);
    expect_event(0, MB_SLAVE_EV_BAUD, 9600);
    /* The identical repeat: E5 again, nothing executed again. */
    req(BAUD_9600);
    expect("E5");
    assert_int_equal(fx.cap.baud_calls, 1);
    assert_int_equal(stats()->repeats, 1);
}

static void baud_switch_waits_for_a_slow_hal(void **state)
{
    (void)state;
    fx.cap.budget = 0; /* the HAL takes nothing for now */
    req(BAUD_9600);
    expect_silence();
    assert_int_equal(fx.cap.baud_calls, 0);
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 1);
    mb_slave_poll(&fx.slave, fx.now + 1);
    assert_int_equal(fx.cap.baud_calls, 0);
    fx.cap.budget = SIZE_MAX;
    mb_slave_poll(&fx.slave, fx.now + 2);
    expect("E5");
    assert_int_equal(fx.cap.baud_calls, 1);
    assert_int_equal(fx.cap.len_at_baud, 1);
    assert_int_equal(mb_slave_baud(&fx.slave), 9600);
}

static void baud_switch_failure_and_errors(void **state)
{
    (void)state;
    fx.cap.baud_rc = -1;
    req(BAUD_9600);
    expect("E5");
    assert_int_equal(mb_slave_baud(&fx.slave), 2400);
    assert_int_equal(stats()->hal_errors, 1);
    assert_int_equal(fx.app.events, 0);
    /* A data byte after the CI (FCB 1): 73+05+BD+00 = 135 */
    req("68 04 04 68 73 05 BD 00 35 16");
    expect_silence();
    assert_int_equal(stats()->bad_request, 1);
}

/* A meter that supports only 300 and 2400 Bd ignores a switch to 9600 and takes one to 300. */
static void baud_switch_to_an_unsupported_rate(void **state)
{
    (void)state;
    mb_slave_config_t cfg;
    config_default(&cfg);
    cfg.baud_rates = 0x09u; /* bit 0: 300 Bd (CI B8), bit 3: 2400 Bd (CI BB) */
    start_with(&cfg, &test_app);
    req(BAUD_9600);
    expect_silence();
    assert_int_equal(fx.cap.baud_calls, 0);
    assert_int_equal(mb_slave_baud(&fx.slave), 2400);
    assert_int_equal(stats()->bad_request, 1);
    req("68 03 03 68 73 05 B8 30 16"); /* 300 Bd, FCB 1: 73+05+B8 = 130 */
    expect("E5");
    assert_int_equal(fx.cap.baud_calls, 1);
    assert_int_equal(fx.cap.baud, 300);
    assert_int_equal(mb_slave_baud(&fx.slave), 300);
}

static void app_reset_with_and_without_subcode(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    req(APP_RESET);
    expect("E5");
    expect_event(0, MB_SLAVE_EV_APP_RESET, -1);
    req(REQ_UD2_5_FCB1); /* toggled relative to the reset (FCB 0), but the readout restarted */
    expect(RSP_T0_MORE);
    req("68 04 04 68 73 05 50 10 D8 16"); /* subcode 10, FCB 1: 73+05+50+10 = D8 */
    expect("E5");
    expect_event(1, MB_SLAVE_EV_APP_RESET, 0x10);
    req(APP_RESET_10); /* the reference frame (FCB 0): toggled, executed */
    expect("E5");
    expect_event(2, MB_SLAVE_EV_APP_RESET, 0x10);
    req(APP_RESET_10); /* repeat */
    expect("E5");
    assert_int_equal(fx.app.events, 3);
    req("68 05 05 68 73 05 50 10 00 D8 16"); /* two bytes: 73+05+50+10+00 = D8 */
    expect_silence();
    assert_int_equal(stats()->bad_request, 1);
}

static void global_readout_request(void **state)
{
    (void)state;
    fx.app.more_until = 5;
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE);
    req(GLOBAL_READ);
    expect("E5");
    assert_int_equal(fx.app.receive_calls, 1);
    assert_int_equal(fx.app.last_ci, 0x51);
    assert_int_equal(fx.app.last_len, 1);
    assert_int_equal(fx.app.last_data[0], 0x7F);
    req(REQ_UD2_5_FCB1);
    expect(RSP_T0_MORE); /* from the start */
}

static void snd_ud_to_the_application(void **state)
{
    (void)state;
    /* CI 51, record 04 13 10270000 (volume 10000 l), FCB 1: 73+05+51+04+13+10+27 = 117 */
    req("68 09 09 68 73 05 51 04 13 10 27 00 00 17 16");
    expect("E5");
    assert_int_equal(fx.app.receive_calls, 1);
    assert_int_equal(fx.app.last_ci, 0x51);
    assert_int_equal(fx.app.last_len, 6);
    assert_memory_equal(fx.app.last_data, "\x04\x13\x10\x27\x00\x00", 6);
    req("68 09 09 68 73 05 51 04 13 10 27 00 00 17 16"); /* repeat: E5, not executed */
    expect("E5");
    assert_int_equal(fx.app.receive_calls, 1);
    /* Same FCB, other content (11 instead of 10): executed. */
    req("68 09 09 68 73 05 51 04 13 11 27 00 00 18 16");
    expect("E5");
    assert_int_equal(fx.app.receive_calls, 2);
    /* Toggled, same content as the first one: executed. */
    req("68 09 09 68 53 05 51 04 13 10 27 00 00 F7 16");
    expect("E5");
    assert_int_equal(fx.app.receive_calls, 3);
    /* Control frame CI 5C, FCB 1: 73+05+5C = D4 */
    req("68 03 03 68 73 05 5C D4 16");
    expect("E5");
    assert_int_equal(fx.app.last_ci, 0x5C);
    assert_int_equal(fx.app.last_len, 0);
    /* The application refuses: silence, and the repeat asks it again. */
    fx.app.receive_rc = -1;
    req("68 03 03 68 53 05 5C B4 16"); /* FCB 0: 53+05+5C = B4 */
    expect_silence();
    req("68 03 03 68 53 05 5C B4 16");
    expect_silence();
    assert_int_equal(fx.app.receive_calls, 6);
    assert_int_equal(stats()->app_refused, 2);
}

static void snd_ud_without_receive_callback(void **state)
{
    (void)state;
    static const mb_slave_app_t no_receive = {app_respond, NULL, NULL};
    mb_slave_config_t cfg;
    config_default(&cfg);
    start_with(&cfg, &no_receive);
    req("68 03 03 68 53 05 5C B4 16");
    expect("E5");
    req(SET_ADDR_10); /* no event callback: still works */
    expect("E5");
    assert_int_equal(mb_slave_address(&fx.slave), 10);
}

static void snd_ud2_gets_nack(void **state)
{
    (void)state;
    req("68 06 06 68 43 05 5B 01 02 03 A9 16"); /* 43+05+5B+01+02+03 = A9 */
    expect("A2");
    assert_int_equal(fx.app.receive_calls, 0);
}

/* ---- silence on bad input ----------------------------------------------------------------- */

static void silent_on_bad_frames(void **state)
{
    (void)state;
    req("10 7B 05 81 16");                      /* checksum should be 80 */
    req("10 7B 05 80 17");                      /* stop byte */
    req("10 7B 06 81 16");                      /* valid, for slave 6 */
    req("68 03 03 68 53 06 50 A9 16");          /* valid app reset for slave 6 */
    req("68 03 03 68 5B 05 50 B0 16");          /* C 5B not allowed in a long frame */
    req("68 03 04 68 53 05 50 A8 16");          /* L fields differ */
    req("68 06 06 68 08 06 78 01 13 00 9A 16"); /* an RSP_UD of slave 6 */
    req("E5");
    req("A2");
    req("68 04 04 68 53 05 51 7F 29 16"); /* global readout, checksum off by one */
    expect_silence();
    assert_int_equal(fx.app.receive_calls, 0);
    assert_int_equal(fx.app.respond_calls, 0);
    assert_int_equal(fx.app.events, 0);
    assert_int_equal(stats()->requests, 0);
    assert_int_equal(stats()->not_request, 3);
    assert_int_equal(stats()->not_addressed, 2);
    const mb_rx_stats_t *rs = mb_slave_rx_stats(&fx.slave);
    assert_non_null(rs);
    assert_true(rs->bad_checksum >= 2);
    assert_true(rs->bad_stop >= 1);
    /* Still alive. */
    req(SND_NKE_5);
    expect("E5");
}

static void truncated_frame_then_gap_timeout(void **state)
{
    (void)state;
    uint8_t head[3] = {0x10, 0x7B, 0x05};
    uint8_t tail[2] = {0x80, 0x16};
    mb_slave_feed(&fx.slave, head, 3, 1000);
    mb_slave_poll(&fx.slave, 1100); /* exactly the gap: still waiting */
    assert_int_equal(mb_slave_rx_stats(&fx.slave)->timeouts, 0);
    mb_slave_poll(&fx.slave, 1101);
    assert_int_equal(mb_slave_rx_stats(&fx.slave)->timeouts, 1);
    mb_slave_feed(&fx.slave, tail, 2, 1102);
    expect_silence();
    /* Without poll, the late rest of a frame times out inside feed just the same. */
    mb_slave_feed(&fx.slave, head, 3, 2000);
    mb_slave_feed(&fx.slave, tail, 2, 2101);
    expect_silence();
    /* In time, across the 2^32 ms wrap of the clock. */
    mb_slave_feed(&fx.slave, head, 3, 0xFFFFFFF0u);
    mb_slave_feed(&fx.slave, tail, 2, 0x00000030u); /* 64 ms later */
    expect(RSP_T0_LAST);
}

/* ---- byte streams and the HAL ------------------------------------------------------------- */

#define SCRIPT                                                                                   \
    SND_NKE_5 " " REQ_UD2_5_FCB1 " 00 FF " REQ_UD2_5_FCB0 " " REQ_UD2_5_FCB0 " " SELECT_ID       \
              " " REQ_UD2_253 " 10 7B 05 81 16 " SET_ADDR_10                                     \
              " 68 03 03 68 53 0A 50 AD 16"                 /* app reset to 10: 53+0A+50 = AD */ \
              " " SND_NKE_254 " 68 03 03 68 53 0A BD 1A 16" /* baud 9600 to 10: 53+0A+BD = 11A */

static void run_script(size_t chunk, uint8_t *out, size_t *out_len, mb_slave_stats_t *st)
{
    uint8_t buf[512];
    size_t n = hx(SCRIPT, buf, sizeof buf);
    setup(NULL);
    fx.app.more_until = 1;
    for (size_t i = 0; i < n; i += chunk) {
        size_t k = n - i < chunk ? n - i : chunk;
        assert_int_equal(mb_slave_feed(&fx.slave, buf + i, k, 5000), k);
    }
    memcpy(out, fx.cap.out, fx.cap.len);
    *out_len = fx.cap.len;
    *st = *stats();
}

static void bytewise_equals_one_chunk(void **state)
{
    (void)state;
    static uint8_t a[CAP_MAX], b[CAP_MAX];
    size_t na, nb;
    mb_slave_stats_t sa, sb;
    run_script(1, a, &na, &sa);
    run_script(100000, b, &nb, &sb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_memory_equal(&sa, &sb, sizeof sa);
    /* E5, t0 (more), t1, t1 again, E5 (select), t0 via 253, E5, E5, E5, E5 */
    uint8_t want[256];
    size_t n = hx("E5 " RSP_T0_MORE " 68 06 06 68 08 05 78 01 13 01 9A 16 "
                  "68 06 06 68 08 05 78 01 13 01 9A 16 E5 " RSP_T0_MORE " E5 E5 E5 E5",
                  want, sizeof want);
    assert_int_equal(na, n);
    assert_memory_equal(a, want, n);
    assert_int_equal(sa.requests, 10);
    assert_int_equal(sa.repeats, 1);
    assert_int_equal(fx.cap.baud, 9600);
}

static void partial_writes_finished_by_poll(void **state)
{
    (void)state;
    fx.app.payload = PAY_OMS;
    fx.cap.budget = 10;
    req(REQ_UD2_5_FCB1);
    assert_int_equal(fx.cap.len, 10);
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 38 - 10);
    mb_slave_poll(&fx.slave, fx.now + 1); /* the HAL still takes nothing */
    assert_int_equal(fx.cap.len, 10);
    fx.cap.budget = SIZE_MAX;
    fx.cap.per_call = 7; /* several write() calls in one poll */
    mb_slave_poll(&fx.slave, fx.now + 2);
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 0);
    expect("68 20 20 68 08 05 72 " OMS_N22_DATA " 91 16");
    mb_slave_poll(&fx.slave, fx.now + 3);
    expect_silence();
}

static void new_request_aborts_unfinished_reply(void **state)
{
    (void)state;
    fx.app.payload = PAY_OMS;
    fx.cap.budget = 4;
    req(REQ_UD2_5_FCB1);
    assert_int_equal(fx.cap.len, 4);
    fx.cap.len = 0;
    fx.cap.budget = SIZE_MAX;
    req(SND_NKE_5); /* the master gave up: the rest of the RSP_UD is dropped */
    expect("E5");
    assert_int_equal(stats()->aborted, 1);
    /* A repeat after an abort starts the stored reply from the beginning. */
    fx.cap.budget = 3;
    req(REQ_UD2_5_FCB1);
    fx.cap.len = 0;
    fx.cap.budget = SIZE_MAX;
    req(REQ_UD2_5_FCB1);
    expect("68 20 20 68 08 05 72 " OMS_N22_DATA " 91 16");
    assert_int_equal(stats()->aborted, 2);
    assert_int_equal(fx.app.respond_calls, 2);
}

static void write_errors(void **state)
{
    (void)state;
    fx.cap.write_rc = -5;
    req(SND_NKE_5);
    expect_silence();
    assert_int_equal(stats()->hal_errors, 1);
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 0);
    fx.cap.write_rc = 0;
    req(SND_NKE_5);
    expect("E5");

    /* No write callback at all. */
    static const mb_hal_t no_write = {NULL, NULL, NULL};
    mb_slave_init(&fx.slave, &no_write, NULL, &test_app, &fx.app, &fx.cfg);
    req(SND_NKE_5);
    assert_int_equal(stats()->hal_errors, 1);
    req(BAUD_9600); /* no set_baud: the rate is only recorded... after an E5 that never went */
    assert_int_equal(mb_slave_baud(&fx.slave), 2400);
}

static void no_set_baud_records_the_rate(void **state)
{
    (void)state;
    static const mb_hal_t only_write = {cap_write, NULL, NULL};
    mb_slave_init(&fx.slave, &only_write, &fx.cap, &test_app, &fx.app, &fx.cfg);
    req(BAUD_9600);
    expect("E5");
    assert_int_equal(mb_slave_baud(&fx.slave), 9600);
    expect_event(0, MB_SLAVE_EV_BAUD, 9600);
}

static void answer_delay_and_lateness(void **state)
{
    (void)state;
    mb_slave_config_t cfg;
    config_default(&cfg);
    cfg.answer_delay_bits = 11; /* 11 bit at 2400 Bd = 4.58 ms, so 5 ms */
    start_with(&cfg, &test_app);
    uint8_t nke[5] = {0x10, 0x40, 0x05, 0x45, 0x16};
    mb_slave_feed(&fx.slave, nke, 5, 1000);
    expect_silence();
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 1);
    mb_slave_poll(&fx.slave, 1004);
    expect_silence();
    mb_slave_poll(&fx.slave, 1005);
    expect("E5");

    /* 330 bit at 2400 Bd = 137.5 ms -> 138, + 50 = 188 ms: still in time at 188, late at 189. */
    fx.cap.budget = 0;
    mb_slave_feed(&fx.slave, nke, 5, 2000);
    mb_slave_poll(&fx.slave, 2100);
    fx.cap.budget = SIZE_MAX;
    mb_slave_poll(&fx.slave, 2188);
    expect("E5");
    fx.cap.budget = 0;
    mb_slave_feed(&fx.slave, nke, 5, 3000);
    fx.cap.budget = SIZE_MAX;
    mb_slave_poll(&fx.slave, 3189);
    expect_silence();
    assert_int_equal(stats()->late, 1);
    assert_int_equal(mb_slave_tx_pending(&fx.slave), 0);

    /* Delay across the wrap of the clock. */
    mb_slave_feed(&fx.slave, nke, 5, 0xFFFFFFFEu);
    mb_slave_poll(&fx.slave, 0x00000002u); /* 4 ms later */
    expect_silence();
    mb_slave_poll(&fx.slave, 0x00000003u);
    expect("E5");
}

static void null_arguments(void **state)
{
    (void)state;
    uint8_t b = 0xE5;
    mb_slave_init(NULL, &cap_hal, NULL, &test_app, NULL, NULL);
    assert_int_equal(mb_slave_feed(NULL, &b, 1, 0), 0);
    assert_int_equal(mb_slave_feed(&fx.slave, NULL, 1, 0), 0);
    assert_int_equal(mb_slave_feed(&fx.slave, &b, 0, 0), 0);
    mb_slave_poll(NULL, 0);
    mb_slave_set_class1_pending(NULL, true);
    assert_int_equal(mb_slave_address(NULL), 0);
    assert_int_equal(mb_slave_baud(NULL), 0);
    assert_false(mb_slave_selected(NULL));
    assert_int_equal(mb_slave_tx_pending(NULL), 0);
    assert_null(mb_slave_stats(NULL));
    assert_null(mb_slave_rx_stats(NULL));

    /* No configuration: an unconfigured slave at address 0. No application: no data. */
    mb_slave_init(&fx.slave, &cap_hal, &fx.cap, NULL, NULL, NULL);
    assert_int_equal(mb_slave_address(&fx.slave), 0);
    req("10 40 00 40 16");
    expect("E5");
    req("10 7B 00 7B 16");
    expect_silence();
    assert_int_equal(stats()->app_refused, 1);
    req("68 03 03 68 53 00 5C AF 16"); /* 53+00+5C = AF */
    expect("E5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(snd_nke_answered_with_e5, setup),
        cmocka_unit_test_setup(req_ud2_gets_the_applications_rsp_ud, setup),
        cmocka_unit_test_setup(control_frame_rsp_ud, setup),
        cmocka_unit_test_setup(repeat_same_fcb_resends_without_app, setup),
        cmocka_unit_test_setup(multi_telegram_sequence, setup),
        cmocka_unit_test_setup(snd_ud_inside_a_readout, setup),
        cmocka_unit_test_setup(first_request_is_new_whatever_its_fcb, setup),
        cmocka_unit_test_setup(same_fcb_other_address_asks_afresh, setup),
        cmocka_unit_test_setup(app_refusal_keeps_the_telegram, setup),
        cmocka_unit_test_setup(app_length_above_cap_is_silence, setup),
        cmocka_unit_test_setup(longest_rsp_ud, setup),
        cmocka_unit_test_setup(req_ud1_nothing_pending_e5, setup),
        cmocka_unit_test_setup(req_ud1_with_data_and_acd, setup),
        cmocka_unit_test_setup(address_rules, setup),
        cmocka_unit_test_setup(unconfigured_address_zero, setup),
        cmocka_unit_test_setup(broadcast_255_executed_not_answered, setup),
        cmocka_unit_test_setup(broadcast_leaves_the_readout_alone, setup),
        cmocka_unit_test_setup(selection_and_253, setup),
        cmocka_unit_test_setup(selection_fields, setup),
        cmocka_unit_test_setup(enhanced_selection_by_fabrication_number, setup),
        cmocka_unit_test_setup(snd_nke_253_deselects_silently, setup),
        cmocka_unit_test_setup(malformed_selections, setup),
        cmocka_unit_test_setup(selection_is_never_a_repeat, setup),
        cmocka_unit_test_setup(set_address, setup),
        cmocka_unit_test_setup(set_address_through_253, setup),
        cmocka_unit_test_setup(baud_switch_after_the_e5, setup),
        cmocka_unit_test_setup(baud_switch_waits_for_a_slow_hal, setup),
        cmocka_unit_test_setup(baud_switch_failure_and_errors, setup),
        cmocka_unit_test_setup(baud_switch_to_an_unsupported_rate, setup),
        cmocka_unit_test_setup(app_reset_with_and_without_subcode, setup),
        cmocka_unit_test_setup(global_readout_request, setup),
        cmocka_unit_test_setup(snd_ud_to_the_application, setup),
        cmocka_unit_test_setup(snd_ud_without_receive_callback, setup),
        cmocka_unit_test_setup(snd_ud2_gets_nack, setup),
        cmocka_unit_test_setup(silent_on_bad_frames, setup),
        cmocka_unit_test_setup(truncated_frame_then_gap_timeout, setup),
        cmocka_unit_test_setup(bytewise_equals_one_chunk, setup),
        cmocka_unit_test_setup(partial_writes_finished_by_poll, setup),
        cmocka_unit_test_setup(new_request_aborts_unfinished_reply, setup),
        cmocka_unit_test_setup(write_errors, setup),
        cmocka_unit_test_setup(no_set_baud_records_the_rate, setup),
        cmocka_unit_test_setup(answer_delay_and_lateness, setup),
        cmocka_unit_test_setup(null_arguments, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

#include <stdio.h>

int main(void)
{
    printf("slave: MB_ENABLE_SLAVE is 0, nothing to test\n");
    return 0;
}

#endif
