/*
 * meterbus sim: simulated meters on a simulated wired segment, served to a master program over
 * TCP (as a transparent M-Bus/TCP gateway would) or a pseudo-terminal (as a serial port would).
 *
 *   meterbus sim (--tcp HOST:PORT | --pty) [--profile NAME[,NAME...]] [--meters N] [--seed S]
 *                [--baud B] [--once]
 *
 * The meters are the profiles of src/profiles/ (an E350-like and an M1PRO-like electricity meter,
 * heat, water, a meter with several telegrams) on real mb_slave_t state machines on the bit-level
 * bus model of host/simbus.h, run in step with the clock: requests take their time on the wire at
 * the bus's rate, answers of several meters at once superimpose as a wired AND (a secondary scan
 * sees the collisions a real segment gives), and readings change as time passes. One client at a
 * time.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>

#include "cli.h"
#include "meterbus/host/port.h"
#include "meterbus/host/simbus.h"
#include "meterbus/meterbus.h"
#include "profiles.h"

#if MB_ENABLE_SLAVE

#define MAX_METERS 250u
#define STEP_MS    2u /* longest wait for client bytes before the bus catches up with the clock */

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

typedef struct sim sim_t;

typedef struct sim_meter {
    mb_slave_t slave;
    mb_profile_meter_t meter; /* what the meter measures and how it answers */
    mb_simbus_port_t *port;
    sim_t *sim;
} sim_meter_t;

struct sim {
    mb_simbus_t bus;
    mb_simbus_port_t *mport;
    mb_port_t client; /* fd -1 while nobody is connected */
    bool follow_line; /* a pty: the bus runs at the rate the master program sets on its side */
    uint32_t t0;      /* mb_port_now_ms() at bus time 0 */
    time_t wall0;     /* the wall clock then, for the meters' date and time */
    size_t n;
    sim_meter_t meters[MAX_METERS];
};

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
    mb_profile_set_time(&mt->meter, now_ms, (uint32_t)mt->sim->wall0 + now_ms / 1000u);
    (void)mb_slave_feed(&mt->slave, p, n, now_ms);
}

/* Meter i gets profile kinds[i % n_kinds], primary address i + 1 and a seed of its own. */
static void make_meters(sim_t *sim, size_t n, const int *kinds, size_t n_kinds, uint32_t seed,
                        uint32_t baud)
{
    sim->n = n;
    for (size_t i = 0; i < n; i++) {
        sim_meter_t *mt = &sim->meters[i];
        mt->sim = sim;
        uint32_t meter_seed = seed * 2654435761u + (uint32_t)i * 40503u + 1u;
        bool unique;
        do { /* distinct IDs, as a segment has */
            mb_profile_init(&mt->meter, (mb_profile_kind_t)kinds[i % n_kinds], meter_seed++,
                            (uint8_t)(i + 1u));
            unique = true;
            for (size_t k = 0; k < i; k++) {
                unique = unique && sim->meters[k].meter.secondary.id != mt->meter.secondary.id;
            }
        } while (!unique);
        mt->port = mb_simbus_attach(&sim->bus, false, to_meter, mt);
        mb_slave_config_t sc;
        mb_profile_slave_config(&mt->meter, &sc);
        sc.baud = baud;
        mb_slave_init(&mt->slave, &mb_simbus_hal, mt->port, &mb_profile_app, &mt->meter, &sc);
    }
}

/* The meters, one line each: key=value words, or with --json one JSON object per line. */
static void list_meters(const sim_t *sim, bool json)
{
    for (size_t i = 0; i < sim->n; i++) {
        const mb_profile_meter_t *pm = &sim->meters[i].meter;
        char id[9];
        char man[4];
        char sec[17];
        mb_id_text(pm->secondary.id, id);
        (void)mb_manufacturer_text(pm->secondary.manufacturer, man);
        cli_secondary_text(&pm->secondary, sec);
        const char *medium = mb_medium_name(pm->secondary.medium);
        unsigned telegrams = pm->kind == MB_PROFILE_MULTI ? MB_PROFILE_MULTI_TELEGRAMS : 1u;
        if (!json) {
            printf("meter address=%zu id=%s manufacturer=%s version=%u medium=%s profile=%s "
                   "telegrams=%u secondary=%s\n",
                   i + 1u, id, man, (unsigned)pm->secondary.version, medium,
                   mb_profile_name(pm->kind), telegrams, sec);
            continue;
        }
        printf("{\"meter\":{\"address\":%zu,\"id\":\"%s\",\"manufacturer\":\"%s\","
               "\"version\":%u,\"medium\":",
               i + 1u, id, man, (unsigned)pm->secondary.version);
        if (medium[0] != '\0') {
            printf("\"%s\"", medium);
        } else {
            printf("%u", (unsigned)pm->secondary.medium);
        }
        printf(",\"profile\":\"%s\",\"telegrams\":%u,\"secondary\":\"%s\"}}\n",
               mb_profile_name(pm->kind), telegrams, sec);
    }
}

/* A pty's line rate as the master program set it (the slave side's termios), 0 if unknown. */
static uint32_t line_rate(const mb_port_t *port)
{
    static const struct {
        speed_t code;
        uint32_t baud;
    } rates[] = {{B300, 300},   {B600, 600},   {B1200, 1200},   {B2400, 2400},
                 {B4800, 4800}, {B9600, 9600}, {B19200, 19200}, {B38400, 38400}};
    struct termios tio;
    if (tcgetattr(port->fd, &tio) != 0) {
        return 0;
    }
    speed_t code = cfgetospeed(&tio);
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        if (rates[i].code == code) {
            return rates[i].baud;
        }
    }
    return 0;
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
        if (sim->follow_line) {
            /* A level converter passes any rate: the master's side of the bus follows the
               program's serial settings, the meters keep theirs. */
            uint32_t rate = line_rate(&sim->client);
            if (rate != 0u && rate != mb_simbus_port_baud(sim->mport)) {
                (void)mb_simbus_hal.set_baud(sim->mport, rate);
            }
        }
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

static int sim_usage(FILE *to)
{
    fputs("usage: meterbus sim (--tcp HOST:PORT | --pty) [--profile NAME[,NAME...]]\n"
          "                    [--meters N] [--seed S] [--baud B] [--once] [--json]\n",
          to);
    if (to == stdout) {
        fputs("\nServe simulated meters on a simulated wired segment to a master program: over\n"
              "TCP, as a transparent M-Bus/TCP gateway would (:PORT listens everywhere, port 0\n"
              "picks a free one), or on a pseudo-terminal, as a serial level converter would\n"
              "(the segment then runs at whatever rate the program sets on the terminal, so\n"
              "baud switches work as on a real line). Lists the meters, then prints\n"
              "'listening on HOST:PORT at B Bd' or 'pty PATH at B Bd'.\n"
              "  --profile LIST    kinds of meter, cycled over the meters (all: every one):\n"
              "                    e350   4-tariff electricity meter, breaker (300, 2400 Bd)\n"
              "                    m1pro  single-phase MID electricity meter (300..9600 Bd)\n"
              "                    heat   heat meter (300, 2400, 9600 Bd)\n"
              "                    water  water meter (300, 2400 Bd)\n"
              "                    multi  heat meter answering in 3 telegrams (300, 2400, 9600)\n"
              "  --meters N        meters on the segment, 1..250, at primary addresses 1..N\n"
              "                    (default: one of each profile listed)\n"
              "  --seed S          picks the meters' IDs and readings (1)\n"
              "  --baud B          rate of the segment and of every meter at the start (2400)\n"
              "  --once            end when the first TCP client leaves\n"
              "  --json            the meters and the endpoint as JSON, one object per line\n"
              "\nExit status: 0 stopped (Ctrl-C, or --once), 2 usage, 4 the port failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

/* Parse "e350,heat" into @p kinds. @return how many, 0 when a name is unknown. */
static size_t parse_profiles(const char *text, int *kinds, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        const char *comma = strchr(text, ',');
        size_t len = comma != NULL ? (size_t)(comma - text) : strlen(text);
        if (len == 3u && strncmp(text, "all", 3) == 0) {
            for (int k = 0; k < (int)MB_PROFILE_COUNT && n < cap; k++) {
                kinds[n++] = k;
            }
        } else {
            int kind = mb_profile_find(text, len);
            if (kind < 0) {
                fprintf(stderr, "meterbus sim: no profile named %.*s\n", (int)len, text);
                return 0;
            }
            kinds[n++] = kind;
        }
        if (comma == NULL) {
            return n;
        }
        text = comma + 1;
    }
    return n;
}

int cli_sim(int argc, char **argv)
{
    const char *tcp = NULL;
    bool pty = false;
    bool once = false;
    bool json = false;
    unsigned long meters = 0;
    int kinds[MAX_METERS];
    size_t n_kinds = 0;
    unsigned long seed = 1;
    unsigned long baud = 2400;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (cli_is_help(arg)) {
            return sim_usage(stdout);
        }
        if (strcmp(arg, "--pty") == 0) {
            pty = true;
            continue;
        }
        if (strcmp(arg, "--once") == 0) {
            once = true;
            continue;
        }
        if (strcmp(arg, "--json") == 0) {
            json = true;
            continue;
        }
        if (value == NULL) {
            fprintf(stderr, "meterbus sim: unknown option or missing value: %s\n", arg);
            return sim_usage(stderr);
        }
        if (strcmp(arg, "--tcp") == 0) {
            tcp = value;
        } else if (strcmp(arg, "--profile") == 0) {
            n_kinds = parse_profiles(value, kinds, MAX_METERS);
            ok = n_kinds > 0u;
        } else if (strcmp(arg, "--meters") == 0) {
            ok = cli_number(value, 1, MAX_METERS, &meters);
        } else if (strcmp(arg, "--seed") == 0) {
            ok = cli_number(value, 0, UINT32_MAX, &seed);
        } else if (strcmp(arg, "--baud") == 0) {
            ok = cli_number(value, 300, 38400, &baud);
        } else {
            fprintf(stderr, "meterbus sim: unknown option %s\n", arg);
            return sim_usage(stderr);
        }
        if (!ok) {
            fprintf(stderr, "meterbus sim: bad value for %s: %s\n", arg, value);
            return sim_usage(stderr);
        }
        i++;
    }
    if ((tcp == NULL) == !pty) {
        fputs("meterbus sim: give one of --tcp HOST:PORT and --pty\n", stderr);
        return sim_usage(stderr);
    }
    sim_t *sim = calloc(1, sizeof *sim);
    if (sim == NULL) {
        fputs("meterbus sim: out of memory\n", stderr);
        return CLI_FAILED;
    }
    mb_simbus_init(&sim->bus, (uint32_t)baud, (uint32_t)seed);
    sim->mport = mb_simbus_attach(&sim->bus, true, to_client, sim);
    sim->client.fd = -1;
    if (n_kinds == 0u) {
        n_kinds = parse_profiles("all", kinds, MAX_METERS);
    }
    if (meters == 0u) {
        meters = n_kinds;
    }
    sim->follow_line = pty;
    make_meters(sim, (size_t)meters, kinds, n_kinds, (uint32_t)seed, (uint32_t)baud);

    mb_port_listener_t listener = {-1, 0, false};
    int err = 0;
    if (tcp != NULL) {
        char host[256];
        char service[32];
        if (!cli_host_port(tcp, host, sizeof host, service, sizeof service)) {
            free(sim);
            fprintf(stderr, "meterbus sim: --tcp wants HOST:PORT ([IPv6]:PORT, :PORT for any)\n");
            return sim_usage(stderr);
        }
        err = mb_port_listen_tcp(&listener, host, service);
        if (err == 0) {
            const char *open = strchr(host, ':') != NULL ? "[" : ""; /* IPv6 in brackets */
            const char *close = open[0] != '\0' ? "]" : "";
            list_meters(sim, json);
            printf(json ? "{\"listening\":\"%s%s%s:%u\",\"baud\":%lu}\n"
                        : "listening on %s%s%s:%u at %lu Bd\n",
                   open, host, close, (unsigned)listener.port, baud);
        }
    } else {
        err = mb_port_open_pty(&sim->client);
        if (err == 0) {
            list_meters(sim, json);
            printf(json ? "{\"pty\":\"%s\",\"baud\":%lu}\n" : "pty %s at %lu Bd\n",
                   sim->client.name, baud);
        }
    }
    if (err < 0) {
        fprintf(stderr, "meterbus sim: cannot open %s: %s\n", tcp != NULL ? tcp : "a pty",
                strerror(-err));
        free(sim);
        return CLI_LINE;
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
    int status = CLI_OK;
    while (!pty && !stop) {
        int got = mb_port_accept(&listener, &sim->client, 200);
        catch_up(sim);
        if (got < 0 && got != -EINTR) {
            fprintf(stderr, "meterbus sim: accept failed: %s\n", strerror(-got));
            status = CLI_LINE;
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
    return status;
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
