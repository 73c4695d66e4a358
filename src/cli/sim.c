/*
 * meterbus sim: simulated meters on a simulated wired segment, served to a master program over
 * TCP (as a transparent M-Bus/TCP gateway would) or a pseudo-terminal (as a serial port would).
 *
 *   meterbus sim (--tcp HOST:PORT | --pty) [--meters N] [--seed S] [--baud B] [--once]
 *
 * The meters are real mb_slave_t state machines on the bit-level bus model of host/simbus.h, run
 * in step with the clock: requests take their time on the wire at the bus's rate, answers of
 * several meters at once superimpose as a wired AND (a secondary scan sees the collisions a real
 * segment gives), and readings change as time passes. One client at a time.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "meterbus/host/port.h"
#include "meterbus/host/simbus.h"
#include "meterbus/meterbus.h"

#if MB_ENABLE_SLAVE

#define MAX_METERS         250u
#define STEP_MS            2u /* longest wait for client bytes before the bus catches up with the clock */
#define MEASURING_CYCLE_MS 10000u /* how often the meters' readings change */

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

enum { WATER, HEAT, ELECTRICITY, GAS, KINDS };

typedef struct sim sim_t;

typedef struct sim_meter {
    mb_slave_t slave;
    mb_simbus_port_t *port;
    sim_t *sim;
    mb_secondary_t address;
    uint32_t fabrication; /* 8 BCD digits as nibbles */
    uint8_t kind;
    uint8_t access; /* access number: counts the telegrams sent */
    uint8_t telegrams;
    uint32_t start;   /* counter reading when the simulation starts */
    uint32_t per_min; /* counter increase per minute */
} sim_meter_t;

struct sim {
    mb_simbus_t bus;
    mb_simbus_port_t *mport;
    mb_port_t client; /* fd -1 while nobody is connected */
    uint32_t t0;      /* mb_port_now_ms() at bus time 0 */
    time_t wall0;     /* the wall clock then, for the meters' date and time */
    size_t n;
    sim_meter_t meters[MAX_METERS];
};

/* xorshift32: the meters of a seed are the same in every run. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static uint32_t random_bcd8(uint32_t *rng)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 8u; i++) {
        v = v << 4 | next_random(rng) % 10u;
    }
    return v;
}

static size_t put_le(uint8_t *out, uint32_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        out[i] = (uint8_t)(v >> (8u * i));
    }
    return bytes;
}

/* Date and time, type F (EN 13757-3): minute, hour, day, month, year in 32 bits. */
static uint32_t type_f(const struct tm *t)
{
    unsigned year = (unsigned)(t->tm_year % 100);
    return (uint32_t)t->tm_min | (uint32_t)t->tm_hour << 8 | (uint32_t)t->tm_mday << 16 |
           (uint32_t)(year & 7u) << 21 | (uint32_t)(t->tm_mon + 1) << 24 |
           (uint32_t)(year >> 3) << 28;
}

/* Date, type G: day, month, year in 16 bits. */
static uint32_t type_g(unsigned day, unsigned month, unsigned year)
{
    year %= 100u;
    return day | (year & 7u) << 5 | month << 8 | (year >> 3) << 12;
}

/* The records of telegram 0 (now) or 1 (the last month's end) of meter @p mt. */
static size_t meter_records(const sim_meter_t *mt, unsigned telegram, uint8_t *out)
{
    const sim_t *sim = mt->sim;
    /*
     * Like a real meter, it measures in cycles (here 10 s) and sends the last cycle's values:
     * two telegrams read a moment apart agree except for the access number, which a secondary
     * scan relies on to tell one meter from the merged answers of several.
     */
    uint32_t elapsed_ms = (mb_port_now_ms() - sim->t0) / MEASURING_CYCLE_MS * MEASURING_CYCLE_MS;
    /* The counter advances with time; a little jitter makes every reading differ. */
    uint32_t counter = mt->start + (uint32_t)((uint64_t)elapsed_ms * mt->per_min / 60000u);
    time_t now = sim->wall0 + (time_t)(elapsed_ms / 1000u);
    struct tm tm;
    (void)gmtime_r(&now, &tm);
    size_t n = 0;
    if (telegram == 1u) {
        /* Storage 1: the reading at the end of last month (DIF 44 / 42 = storage bit set). */
        uint32_t minutes = (uint32_t)(tm.tm_mday * 24 * 60);
        uint32_t then = counter > minutes * mt->per_min ? counter - minutes * mt->per_min : 0u;
        out[n++] = 0x44;
        out[n++] = mt->kind == ELECTRICITY ? 0x03 : mt->kind == HEAT ? 0x06 : 0x13;
        n += put_le(out + n, then, 4);
        out[n++] = 0x42;
        out[n++] = 0x6C;
        n += put_le(out + n, type_g(1, (unsigned)tm.tm_mon + 1u, (unsigned)tm.tm_year), 2);
        return n;
    }
    out[n++] = 0x0C; /* fabrication number, 8 BCD digits */
    out[n++] = 0x78;
    n += put_le(out + n, mt->fabrication, 4);
    uint32_t wobble = (elapsed_ms / MEASURING_CYCLE_MS + mt->address.id) % 7u;
    switch (mt->kind) {
    case HEAT:
        out[n++] = 0x04; /* energy, kWh */
        out[n++] = 0x06;
        n += put_le(out + n, counter, 4);
        out[n++] = 0x04; /* volume, litres */
        out[n++] = 0x13;
        n += put_le(out + n, counter * 17u, 4);
        out[n++] = 0x02; /* flow temperature, degrees C */
        out[n++] = 0x5B;
        n += put_le(out + n, 60u + wobble, 2);
        out[n++] = 0x02; /* return temperature */
        out[n++] = 0x5F;
        n += put_le(out + n, 40u + wobble, 2);
        out[n++] = 0x04; /* power, W */
        out[n++] = 0x2B;
        n += put_le(out + n, mt->per_min * 60000u + wobble * 10u, 4);
        break;
    case ELECTRICITY:
        out[n++] = 0x04; /* energy, Wh */
        out[n++] = 0x03;
        n += put_le(out + n, counter, 4);
        out[n++] = 0x04; /* power, W */
        out[n++] = 0x2B;
        n += put_le(out + n, mt->per_min * 60u + wobble, 4);
        break;
    default: /* water and gas: volume in litres, flow in l/h */
        out[n++] = 0x04;
        out[n++] = 0x13;
        n += put_le(out + n, counter, 4);
        out[n++] = 0x02;
        out[n++] = 0x3B;
        n += put_le(out + n, mt->per_min * 60u + wobble, 2);
        break;
    }
    out[n++] = 0x04; /* date and time */
    out[n++] = 0x6D;
    n += put_le(out + n, type_f(&tm), 4);
    out[n++] = 0x02; /* error flags: none */
    out[n++] = 0xFD;
    out[n++] = 0x17;
    n += put_le(out + n, 0, 2);
    return n;
}

static int respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                   bool *more)
{
    sim_meter_t *mt = ctx;
    if (req_class != 2u || cap < 13u + 64u) {
        return 0; /* no alarms: E5 to REQ_UD1 */
    }
    if (telegram >= mt->telegrams) {
        telegram = 0; /* a master that keeps going starts over */
    }
    *more = telegram + 1u < mt->telegrams;
    size_t n = 0;
    out[n++] = 0x72; /* long header: the meter's identity */
    n += put_le(out + n, mt->address.id, 4);
    n += put_le(out + n, mt->address.manufacturer, 2);
    out[n++] = mt->address.version;
    out[n++] = mt->address.medium;
    out[n++] = mt->access++;
    out[n++] = 0x00; /* status */
    n += put_le(out + n, 0, 2);
    n += meter_records(mt, telegram, out + n);
    if (*more) {
        out[n++] = 0x1F;
    }
    return (int)n;
}

static const mb_slave_app_t meter_app = {respond, NULL, NULL};

/* Bytes the meters put on the bus reach the master program. */
static void to_client(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    sim_t *sim = ctx;
    (void)now_ms;
    if (sim->client.fd >= 0) {
        (void)mb_port_hal.write(&sim->client, p, n); /* a full socket drops it, as a line would */
    }
}

static void to_meter(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms)
{
    sim_meter_t *mt = ctx;
    (void)mb_slave_feed(&mt->slave, p, n, now_ms);
}

static void make_meters(sim_t *sim, size_t n, uint32_t seed, uint32_t baud)
{
    static const char *const makers[] = {"KAM", "ELS", "SEN", "ITW", "LUG", "ZRI",
                                         "DME", "EFE", "HYD", "TCH", "SON", "ABB"};
    static const uint8_t media[KINDS] = {0x07, 0x04, 0x02, 0x03};
    uint32_t rng = seed * 2654435761u + 0x9E3779B9u;
    if (rng == 0u) {
        rng = 1;
    }
    sim->n = n;
    for (size_t i = 0; i < n; i++) {
        sim_meter_t *mt = &sim->meters[i];
        mt->sim = sim;
        bool unique;
        do { /* distinct IDs */
            mt->address.id = random_bcd8(&rng);
            unique = true;
            for (size_t k = 0; k < i; k++) {
                unique = unique && sim->meters[k].address.id != mt->address.id;
            }
        } while (!unique);
        mt->kind = (uint8_t)(next_random(&rng) % KINDS);
        mt->address.manufacturer =
            mb_manufacturer_code(makers[next_random(&rng) % (sizeof makers / sizeof makers[0])]);
        mt->address.version = (uint8_t)(next_random(&rng) % 0x40u);
        mt->address.medium = media[mt->kind];
        mt->fabrication = random_bcd8(&rng);
        mt->telegrams = (uint8_t)(i % 4u == 3u ? 2u : 1u);
        mt->start = next_random(&rng) % 1000000u;
        mt->per_min = 1u + next_random(&rng) % 50u;
        mt->access = (uint8_t)next_random(&rng);
        mt->port = mb_simbus_attach(&sim->bus, false, to_meter, mt);
        mb_slave_config_t sc;
        memset(&sc, 0, sizeof sc);
        sc.address = (uint8_t)(i + 1u);
        sc.secondary = mt->address;
        sc.has_fabrication = true;
        sc.fabrication = mt->fabrication;
        sc.baud = baud;
        mb_slave_init(&mt->slave, &mb_simbus_hal, mt->port, &meter_app, mt, &sc);
    }
}

static void list_meters(const sim_t *sim)
{
    for (size_t i = 0; i < sim->n; i++) {
        const sim_meter_t *mt = &sim->meters[i];
        char id[9];
        char man[4];
        char sec[17];
        mb_id_text(mt->address.id, id);
        (void)mb_manufacturer_text(mt->address.manufacturer, man);
        cli_secondary_text(&mt->address, sec);
        printf("meter address=%zu id=%s manufacturer=%s version=%u medium=%s telegrams=%u "
               "secondary=%s\n",
               i + 1u, id, man, (unsigned)mt->address.version, mb_medium_name(mt->address.medium),
               (unsigned)mt->telegrams, sec);
    }
}

/* Bring the bus and the meters up to the clock. */
static void catch_up(sim_t *sim)
{
    uint32_t t = mb_port_now_ms() - sim->t0;
    mb_simbus_run_until(&sim->bus, t);
    for (size_t i = 0; i < sim->n; i++) {
        mb_slave_poll(&sim->meters[i].slave, t);
    }
}

/* Serve the connected client until it goes away or the program is stopped. */
static void serve(sim_t *sim)
{
    uint8_t buf[512];
    uint8_t pending[MB_SIMBUS_TX_CAP];
    size_t n_pending = 0;
    while (!stop) {
        int n = mb_port_read(&sim->client, buf, sizeof buf - n_pending, STEP_MS);
        catch_up(sim);
        if (n == -EPIPE || (n < 0 && n != -EINTR)) {
            return;
        }
        if (n > 0) {
            if (n_pending + (size_t)n > sizeof pending) {
                n = (int)(sizeof pending - n_pending); /* more than the bus can queue: lost */
            }
            memcpy(pending + n_pending, buf, (size_t)n);
            n_pending += (size_t)n;
        }
        if (n_pending > 0u) { /* onto the bus: each byte takes its time on the wire */
            int took = mb_simbus_hal.write(sim->mport, pending, n_pending);
            if (took > 0) {
                memmove(pending, pending + took, n_pending - (size_t)took);
                n_pending -= (size_t)took;
            }
        }
    }
}

static int sim_usage(void)
{
    fputs("usage: meterbus sim (--tcp HOST:PORT | --pty) [--meters N] [--seed S] [--baud B]\n"
          "                    [--once]\n",
          stderr);
    return CLI_USAGE;
}

int cli_sim(int argc, char **argv)
{
    const char *tcp = NULL;
    bool pty = false;
    bool once = false;
    unsigned long meters = 10;
    unsigned long seed = 1;
    unsigned long baud = 2400;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(arg, "--pty") == 0) {
            pty = true;
            continue;
        }
        if (strcmp(arg, "--once") == 0) {
            once = true;
            continue;
        }
        if (value == NULL) {
            fprintf(stderr, "meterbus sim: unknown option or missing value: %s\n", arg);
            return sim_usage();
        }
        if (strcmp(arg, "--tcp") == 0) {
            tcp = value;
        } else if (strcmp(arg, "--meters") == 0) {
            ok = cli_number(value, 1, MAX_METERS, &meters);
        } else if (strcmp(arg, "--seed") == 0) {
            ok = cli_number(value, 0, UINT32_MAX, &seed);
        } else if (strcmp(arg, "--baud") == 0) {
            ok = cli_number(value, 300, 38400, &baud);
        } else {
            fprintf(stderr, "meterbus sim: unknown option %s\n", arg);
            return sim_usage();
        }
        if (!ok) {
            fprintf(stderr, "meterbus sim: bad value for %s: %s\n", arg, value);
            return sim_usage();
        }
        i++;
    }
    if ((tcp == NULL) == !pty) {
        fputs("meterbus sim: give one of --tcp HOST:PORT and --pty\n", stderr);
        return sim_usage();
    }
    sim_t *sim = calloc(1, sizeof *sim);
    if (sim == NULL) {
        fputs("meterbus sim: out of memory\n", stderr);
        return CLI_FAILED;
    }
    mb_simbus_init(&sim->bus, (uint32_t)baud, (uint32_t)seed);
    sim->mport = mb_simbus_attach(&sim->bus, true, to_client, sim);
    sim->client.fd = -1;
    make_meters(sim, (size_t)meters, (uint32_t)seed, (uint32_t)baud);

    mb_port_listener_t listener = {-1, 0, false};
    int err = 0;
    if (tcp != NULL) {
        char host[256];
        char service[32];
        if (!cli_host_port(tcp, host, sizeof host, service, sizeof service)) {
            free(sim);
            fprintf(stderr, "meterbus sim: --tcp wants HOST:PORT ([IPv6]:PORT, :PORT for any)\n");
            return sim_usage();
        }
        err = mb_port_listen_tcp(&listener, host, service);
        if (err == 0) {
            list_meters(sim);
            printf("listening on %s%s%s:%u at %lu Bd\n", strchr(host, ':') ? "[" : "", host,
                   strchr(host, ':') ? "]" : "", (unsigned)listener.port, baud);
        }
    } else {
        err = mb_port_open_pty(&sim->client);
        if (err == 0) {
            list_meters(sim);
            printf("pty %s at %lu Bd\n", sim->client.name, baud);
        }
    }
    if (err < 0) {
        fprintf(stderr, "meterbus sim: cannot open %s: %s\n", tcp != NULL ? tcp : "a pty",
                strerror(-err));
        free(sim);
        return CLI_FAILED;
    }
    fflush(stdout);

    cli_on_signal(SIGINT, on_stop);
    cli_on_signal(SIGTERM, on_stop);
    signal(SIGPIPE, SIG_IGN);

    sim->t0 = mb_port_now_ms();
    sim->wall0 = time(NULL);
    if (pty) {
        serve(sim); /* until stopped: a program may open and close the other side many times */
        mb_port_close(&sim->client);
    }
    while (!pty && !stop) {
        int got = mb_port_accept(&listener, &sim->client, 200);
        catch_up(sim);
        if (got < 0 && got != -EINTR) {
            fprintf(stderr, "meterbus sim: accept failed: %s\n", strerror(-got));
            break;
        }
        if (got > 0) {
            fputs("meterbus sim: client connected\n", stderr);
            serve(sim);
            mb_port_close(&sim->client);
            fputs("meterbus sim: client gone\n", stderr);
            if (once) {
                break;
            }
        }
    }
    mb_port_listener_close(&listener);
    free(sim);
    return CLI_OK;
}

#else /* !MB_ENABLE_SLAVE */

int cli_sim(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("meterbus sim: this build has no slave (MB_ENABLE_SLAVE=0)\n", stderr);
    return CLI_USAGE;
}

#endif
