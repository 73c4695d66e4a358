/*
 * A gateway for wired M-Bus: read a list of meters at a fixed interval and write every reading as
 * one JSON line to stdout, ready for an MQTT client (`gateway ... | mosquitto_pub -l -t meters`)
 * or the line importer of a time-series database.
 *
 *   gateway (--tcp HOST:PORT | --device PATH) [--baud B] [--interval S] [--count N] ADDRESS...
 *
 * Each round reads every telegram of each primary address (a meter with more records than fit
 * one telegram sends several) and writes one line per telegram:
 *
 *   {"time":"2026-11-30T12:00:00Z","address":5,"id":"12345678","manufacturer":"KAM",
 *    "medium":"heat_outlet","telegram":1,"records":[{"quantity":"energy","value":...},...]}
 *
 * or one line with "error" for a meter that did not answer. --count N stops after N rounds (for
 * tests and cron); SIGINT and SIGTERM stop after the meter being read. A TCP gateway that drops
 * the connection is dialled again at the next round. Memory is fixed: no heap.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "meterbus/host/port.h"
#include "meterbus/meterbus.h"

#define MAX_TELEGRAMS 16u          /* per meter and round: ends a meter that always says "more" */
#define LINE_CAP      (32u * 1024) /* one telegram as JSON: 252 bytes of records, spelled out */

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

/* Start a line: {"time":"...Z" and, for a meter's line, "address". */
static void begin_line(mb_json_t *j, char *buf, int address)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    (void)gmtime_r(&t, &tm);
    (void)strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    mb_json_init(j, buf, LINE_CAP);
    mb_json_begin_object(j);
    mb_json_key(j, "time");
    mb_json_string(j, now);
    if (address >= 0) {
        mb_json_key(j, "address");
        mb_json_uint(j, (uint64_t)address);
    }
}

/* Close the line and write it at once: a reader on a pipe must not wait for a full buffer. */
static void end_line(mb_json_t *j, char *buf)
{
    mb_json_end_object(j);
    if (mb_json_finish(j) >= 0) {
        puts(buf);
        fflush(stdout);
    } else {
        fprintf(stderr, "gateway: a reading did not fit in %u bytes\n", (unsigned)LINE_CAP);
    }
}

static void error_line(char *buf, int address, const char *code, const char *message)
{
    mb_json_t j;
    begin_line(&j, buf, address);
    mb_json_key(&j, "error");
    mb_json_begin_object(&j);
    mb_json_key(&j, "code");
    mb_json_string(&j, code);
    mb_json_key(&j, "message");
    mb_json_string(&j, message);
    mb_json_end_object(&j);
    end_line(&j, buf);
}

/* One telegram of meter @p address: identity from its long header, then every record. */
static void telegram_line(char *buf, uint8_t address, unsigned number, const mb_frame_t *f)
{
    mb_tpl_t tpl;
    if (mb_tpl_decode(f->ci, f->data, f->data_len, &tpl) != MB_OK ||
        tpl.info.content != MB_CI_RECORDS || mb_cf_security_mode(tpl.config) != 0u) {
        error_line(buf, address, "not_readable", "not a plaintext data telegram");
        return;
    }
    mb_json_t j;
    begin_line(&j, buf, address);
    if (tpl.has_address) {
        char id[9];
        char man[4];
        mb_id_text(tpl.address.id, id);
        (void)mb_manufacturer_text(tpl.address.manufacturer, man);
        mb_json_key(&j, "id");
        mb_json_string(&j, id);
        mb_json_key(&j, "manufacturer");
        mb_json_string(&j, man);
        mb_json_key(&j, "medium");
        mb_json_string(&j, mb_medium_name(tpl.address.medium));
    }
    mb_json_key(&j, "telegram");
    mb_json_uint(&j, number);
    mb_json_key(&j, "records");
    mb_json_begin_array(&j);
    mb_records_t it;
    mb_record_t rec;
    int r;
    mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
    while ((r = mb_records_next(&it, &rec)) == 1) {
        mb_json_record(&j, &rec); /* quantity, unit, exact value, storage, tariff... */
    }
    mb_json_end_array(&j);
    if (r < 0) { /* the records before the problem are kept */
        mb_json_key(&j, "error");
        mb_json_string(&j, mb_error_name(r));
    }
    end_line(&j, buf);
}

/* Read every telegram of one meter. @return MB_OK or the master's error. */
static int read_meter(mb_port_t *port, mb_master_t *m, uint8_t address, char *buf)
{
    mb_readout_t ro;
    unsigned n = 0;
    int r = mb_readout_start(&ro, m, address, MAX_TELEGRAMS, mb_port_now_ms());
    while (r == MB_OK || r == MB_SCAN_PENDING || r == MB_SCAN_ITEM) {
        mb_frame_t telegram; /* points into the master: used before the next poll */
        r = mb_readout_poll(&ro, mb_port_now_ms(), &telegram);
        if (r == MB_SCAN_ITEM) {
            telegram_line(buf, address, ++n, &telegram);
        } else if (r == MB_SCAN_PENDING && mb_port_wait(port, m, 10) < 0) {
            r = MB_ERR_MASTER_LINE; /* the connection or the device is gone */
        } else if (r == MB_OK) {
            break;
        }
    }
    if (r < 0) {
        error_line(buf, address, mb_error_name(r), mb_strerror(r));
    }
    return r;
}

static int open_line(mb_port_t *port, mb_master_t *m, const char *where, uint32_t baud, bool tcp)
{
    int err;
    if (tcp) { /* HOST:PORT, or [IPv6]:PORT */
        char host[256];
        const char *colon = strrchr(where, ':');
        size_t len = colon != NULL ? (size_t)(colon - where) : 0u;
        if (len >= 2u && where[0] == '[' && where[len - 1u] == ']') {
            where++;
            len -= 2u;
        }
        if (colon == NULL || len == 0u || len >= sizeof host) {
            return -EINVAL;
        }
        memcpy(host, where, len);
        host[len] = '\0';
        err = mb_port_open_tcp(port, host, colon + 1, 5000);
    } else {
        err = mb_port_open_serial(port, where, baud);
    }
    if (err == 0) { /* a gateway and the network add up to 100 ms to every answer; 2 retries */
        mb_master_config_t cfg = {baud, tcp ? 100u : 0u, 2};
        mb_master_init(m, &mb_port_hal, port, &cfg);
    }
    return err;
}

static bool number(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    *out = strtoul(text, &end, 10);
    return text[0] >= '0' && text[0] <= '9' && *end == '\0' && *out >= min && *out <= max;
}

int main(int argc, char **argv)
{
    static uint8_t addresses[250];
    static char buf[LINE_CAP];
    size_t n_addr = 0;
    char *where = NULL;
    bool tcp = false;
    unsigned long baud = 2400, interval_s = 60, count = 0, v;
    bool ok = true;
    for (int i = 1; i < argc && ok; i++) {
        const char *arg = argv[i];
        bool has_value = i + 1 < argc;
        if ((strcmp(arg, "--tcp") == 0 || strcmp(arg, "--device") == 0) && has_value) {
            tcp = arg[2] == 't';
            where = argv[++i];
        } else if (strcmp(arg, "--baud") == 0 && has_value) {
            ok = number(argv[++i], 300, 38400, &baud);
        } else if (strcmp(arg, "--interval") == 0 && has_value) {
            ok = number(argv[++i], 1, 86400, &interval_s);
        } else if (strcmp(arg, "--count") == 0 && has_value) {
            ok = number(argv[++i], 1, ~0ul, &count);
        } else if (number(arg, 0, 250, &v) && n_addr < sizeof addresses) {
            addresses[n_addr++] = (uint8_t)v;
        } else {
            ok = false;
        }
    }
    if (!ok || where == NULL || n_addr == 0u) {
        fprintf(stderr,
                "usage: %s (--tcp HOST:PORT | --device PATH) [--baud B] [--interval S] "
                "[--count N] ADDRESS...\n",
                argv[0]);
        return 2;
    }
    struct sigaction sa; /* the port helpers retry after a signal; the loops below check stop */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed connection shows as an error, not a dead process */

    mb_port_t port; /* zeroed: a closed port, opened at the first round */
    memset(&port, 0, sizeof port);
    mb_master_t master; /* about 900 bytes, here on the stack */
    for (unsigned long round = 0; !stop && (count == 0u || round < count); round++) {
        uint32_t start = mb_port_now_ms();
        int err =
            port.kind == MB_PORT_CLOSED ? open_line(&port, &master, where, (uint32_t)baud, tcp) : 0;
        if (err < 0) {
            error_line(buf, -1, "open", strerror(-err));
        }
        for (size_t k = 0; err == 0 && k < n_addr && !stop; k++) {
            if (read_meter(&port, &master, addresses[k], buf) == MB_ERR_MASTER_LINE) {
                mb_port_close(&port); /* dial or open it again next round */
                break;
            }
        }
        /* The next round starts one interval after this one started, or at once if overdue. */
        while (!stop && (count == 0u || round + 1u < count) &&
               mb_port_now_ms() - start < interval_s * 1000u) {
            struct timespec ts = {0, 50 * 1000000L};
            (void)nanosleep(&ts, NULL);
        }
    }
    mb_port_close(&port);
    return 0;
}
