/*
 * meterbus scan, meterbus read: a master on a serial line or behind a TCP gateway.
 *
 *   meterbus scan (--tcp HOST:PORT | --device PATH) [--baud B] (--primary | --secondary)
 *                 [--first A] [--last B] [--hex-ids] [--retries N] [--extra-ms MS] [--json]
 *   meterbus read (--tcp HOST:PORT | --device PATH) [--baud B] (--address N | --id SECONDARY)
 *                 [--max-telegrams N] [--retries N] [--extra-ms MS] [--hex] [--json]
 *
 * The blocking loops here are the host side of the library: the master and the scans are
 * non-blocking state machines, the port's helpers (host/port.h) wait for bytes in between.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "meterbus/host/port.h"
#include "meterbus/meterbus.h"

#if MB_ENABLE_MASTER

#define JSON_CAP       (64u * 1024u)
#define MAX_FOUND      1024u /* meters listed by one scan (a segment has at most 250) */
#define WAIT_STEP_MS   10u   /* longest wait for bytes before the state machines are polled */
#define PROGRESS_EVERY 200u  /* ms between progress lines */
#define RETRIES_UNSET  ~0ul  /* --retries not given */

/* Set by SIGINT: the scan ends after its current transaction and lists what it found. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

int cli_line_option(cli_line_t *o, int argc, char **argv, int *i, const char *cmd)
{
    const char *arg = argv[*i];
    static const char *const with_value[] = {"--tcp", "--device", "--baud", "--retries",
                                             "--extra-ms"};
    size_t which = sizeof with_value / sizeof with_value[0];
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
        if (strcmp(arg, with_value[k]) == 0) {
            which = k;
        }
    }
    if (strcmp(arg, "--json") == 0) {
        o->json = true;
        return 1;
    }
    if (which == sizeof with_value / sizeof with_value[0]) {
        return 0;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "meterbus %s: %s needs a value\n", cmd, arg);
        return -1;
    }
    const char *value = argv[++*i];
    bool ok = true;
    switch (which) {
    case 0: o->tcp = value; break;
    case 1: o->device = value; break;
    case 2: ok = cli_number(value, 300, 38400, &o->baud); break;
    case 3: ok = cli_number(value, 0, 10, &o->retries); break;
    default:
        ok = cli_number(value, 0, 60000, &o->extra_ms);
        o->extra_given = true;
        break;
    }
    if (!ok) {
        fprintf(stderr, "meterbus %s: bad value for %s: %s\n", cmd, arg, value);
        return -1;
    }
    return 1;
}

bool cli_line_open(const cli_line_t *o, mb_port_t *port, mb_master_t *m, const char *cmd)
{
    int err;
    uint32_t extra = (uint32_t)o->extra_ms;
    if (o->tcp != NULL) {
        char host[256];
        char service[32];
        if (!cli_host_port(o->tcp, host, sizeof host, service, sizeof service)) {
            fprintf(stderr, "meterbus %s: --tcp wants HOST:PORT ([IPv6]:PORT), not %s\n", cmd,
                    o->tcp);
            return false;
        }
        err = mb_port_open_tcp(port, host, service, 5000);
        /* A gateway and the network add their own delay to every answer. */
        extra = o->extra_given ? extra : 100u;
    } else {
        err = mb_port_open_serial(port, o->device, (uint32_t)o->baud);
    }
    if (err < 0) {
        fprintf(stderr, "meterbus %s: cannot open %s: %s\n", cmd,
                o->tcp != NULL ? o->tcp : o->device, strerror(-err));
        return false;
    }
    mb_master_config_t cfg = {(uint32_t)o->baud, extra, (uint8_t)o->retries};
    mb_master_init(m, &mb_port_hal, port, &cfg);
    return true;
}

bool cli_line_check(const cli_line_t *o, const char *cmd)
{
    if ((o->tcp == NULL) == (o->device == NULL)) {
        fprintf(stderr, "meterbus %s: give one of --tcp HOST:PORT and --device PATH\n", cmd);
        return false;
    }
    char host[256];
    char service[32];
    if (o->tcp != NULL && !cli_host_port(o->tcp, host, sizeof host, service, sizeof service)) {
        fprintf(stderr, "meterbus %s: --tcp wants HOST:PORT ([IPv6]:PORT), not %s\n", cmd, o->tcp);
        return false;
    }
    return true;
}

int cli_master_status(int err)
{
    switch (err) {
    case MB_OK: return CLI_OK;
    case MB_ERR_MASTER_TIMEOUT: return CLI_NO_ANSWER;
    case MB_ERR_MASTER_LINE: return CLI_LINE;
    default: return CLI_FAILED;
    }
}

const char *cli_master_error(int err)
{
    switch (err) {
    case MB_ERR_MASTER_TIMEOUT: return "no answer";
    case MB_ERR_MASTER_COLLISION: return "garbled answers (more than one meter, or noise)";
    case MB_ERR_MASTER_UNEXPECTED: return "an answer of the wrong kind";
    case MB_ERR_MASTER_LINE: return "the line failed";
    default: return mb_strerror(err);
    }
}

bool cli_parse_secondary(const char *text, mb_secondary_t *out)
{
    size_t n = strlen(text);
    if (n != 8u && n != 16u) {
        return false;
    }
    uint8_t nibble[16];
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            nibble[i] = (uint8_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            nibble[i] = (uint8_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            nibble[i] = (uint8_t)(c - 'A' + 10);
        } else {
            return false;
        }
    }
    for (size_t i = n; i < 16u; i++) {
        nibble[i] = 0xFu;
    }
    uint32_t id = 0;
    for (size_t i = 0; i < 8u; i++) {
        id = id << 4 | nibble[i];
    }
    unsigned man = 0;
    for (size_t i = 8; i < 12u; i++) {
        man = man << 4 | nibble[i];
    }
    out->id = id;
    out->manufacturer = (uint16_t)man;
    out->version = (uint8_t)(nibble[12] << 4 | nibble[13]);
    out->medium = (uint8_t)(nibble[14] << 4 | nibble[15]);
    return true;
}

/* ---- scan -------------------------------------------------------------------------------- */

static void print_found_text(const mb_scan_found_t *f, bool primary)
{
    if (primary) {
        printf("address %3u", (unsigned)f->address);
    }
    if (f->has_secondary) {
        char id[9];
        char man[4];
        char sec[17];
        mb_id_text(f->secondary.id, id);
        (void)mb_manufacturer_text(f->secondary.manufacturer, man);
        cli_secondary_text(&f->secondary, sec);
        char medium[40];
        snprintf(medium, sizeof medium, "%s", mb_medium_name(f->secondary.medium));
        for (char *c = medium; *c != '\0'; c++) {
            *c = *c == '_' ? ' ' : *c; /* words for people; --json keeps the name */
        }
        printf("%sid %s  manufacturer %s  version %u  medium %s  secondary %s", primary ? "  " : "",
               id, man, (unsigned)f->secondary.version, medium, sec);
    }
    putchar('\n');
}

static void print_found_json(const mb_scan_found_t *found, size_t n, bool primary)
{
    fputs("[", stdout);
    for (size_t i = 0; i < n; i++) {
        const mb_scan_found_t *f = &found[i];
        printf("%s{", i == 0u ? "" : ",");
        const char *sep = "";
        if (primary) {
            printf("\"address\":%u", (unsigned)f->address);
            sep = ",";
        }
        if (f->has_secondary) {
            char id[9];
            char man[4];
            char sec[17];
            mb_id_text(f->secondary.id, id);
            (void)mb_manufacturer_text(f->secondary.manufacturer, man);
            cli_secondary_text(&f->secondary, sec);
            printf("%s\"id\":\"%s\",\"manufacturer\":\"%s\",\"version\":%u,\"medium\":", sep, id,
                   man, (unsigned)f->secondary.version);
            const char *medium = mb_medium_name(f->secondary.medium);
            if (medium[0] != '\0') {
                printf("\"%s\"", medium);
            } else {
                printf("%u", (unsigned)f->secondary.medium);
            }
            printf(",\"secondary\":\"%s\"", sec);
        }
        putchar('}');
    }
    puts("]");
}

static void progress(const mb_scan_t *s, const mb_master_t *m, size_t found, bool final)
{
    if (final) {
        fputs("\r\033[K", stderr);
        return;
    }
    unsigned p = mb_scan_progress(s);
    fprintf(stderr, "\rscan: %3u.%u%%  %zu found  %lu transactions\033[K", p / 10u, p % 10u, found,
            (unsigned long)mb_master_stats(m).requests);
}

static int scan_usage(FILE *to)
{
    fputs("usage: meterbus scan (--tcp HOST:PORT | --device PATH) [--baud B]\n"
          "                     (--primary [--first A] [--last B] | --secondary [--hex-ids])\n"
          "                     [--retries N] [--extra-ms MS] [--json]\n",
          to);
    if (to == stdout) {
        fputs("\nFind the meters of a segment: by primary address (each of --first..--last, "
              "0..250,\nasked with REQ_UD2), or by secondary address (selections with "
              "wildcards, narrowed\ndigit by digit where answers collide; --hex-ids also tries "
              "ID digits A..F).\nPrints each meter as it is found (--json: one list at the end) "
              "and, on stderr, the\nbus transactions used. Ctrl-C ends the scan and lists what "
              "was found.\n\n" CLI_LINE_USAGE "                    (--retries: 1 for "
              "--primary, 0 for --secondary)\n\nExit status: 0 scanned (also when nothing was "
              "found), 1 interrupted, 2 usage,\n4 the line failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

int cli_scan(int argc, char **argv)
{
    /* Retries: unset until the kind is known (see below). */
    cli_line_t o = {NULL, NULL, 2400, RETRIES_UNSET, 0, false, false};
    int kind = 0; /* 1 primary, 2 secondary */
    unsigned long first = 0;
    unsigned long last = 250;
    bool hex_ids = false;
    for (int i = 0; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            return scan_usage(stdout);
        }
        int taken = cli_line_option(&o, argc, argv, &i, "scan");
        if (taken < 0) {
            return scan_usage(stderr);
        }
        if (taken > 0) {
            continue;
        }
        const char *arg = argv[i];
        if (strcmp(arg, "--primary") == 0) {
            kind = 1;
        } else if (strcmp(arg, "--secondary") == 0) {
            kind = 2;
        } else if (strcmp(arg, "--hex-ids") == 0) {
            hex_ids = true;
        } else if ((strcmp(arg, "--first") == 0 || strcmp(arg, "--last") == 0) && i + 1 < argc) {
            if (!cli_number(argv[i + 1], 0, 250, arg[2] == 'f' ? &first : &last)) {
                fprintf(stderr, "meterbus scan: %s wants an address 0..250\n", arg);
                return scan_usage(stderr);
            }
            i++;
        } else {
            fprintf(stderr, "meterbus scan: unknown option %s\n", arg);
            return scan_usage(stderr);
        }
    }
    if (!cli_line_check(&o, "scan") || kind == 0 || first > last) {
        if (kind == 0) {
            fputs("meterbus scan: give --primary or --secondary\n", stderr);
        }
        return scan_usage(stderr);
    }
    if (o.retries == RETRIES_UNSET) {
        /*
         * Silence is the usual answer to a secondary scan's selections: a retry after each one
         * would double the scan's time; a lost E5 costs only that branch's meters a rescan.
         */
        o.retries = kind == 1 ? 1u : 0u;
    }
    mb_port_t port;
    mb_master_t m;
    if (!cli_line_open(&o, &port, &m, "scan")) {
        return CLI_LINE;
    }
    mb_scan_found_t *found = calloc(MAX_FOUND, sizeof *found);
    if (found == NULL) {
        mb_port_close(&port);
        fputs("meterbus scan: out of memory\n", stderr);
        return CLI_FAILED;
    }
    cli_on_signal(SIGINT, on_interrupt);

    bool show_progress = isatty(STDERR_FILENO) != 0;
    uint32_t t0 = mb_port_now_ms();
    uint32_t last_progress = t0;
    mb_scan_t scan;
    int r = kind == 1 ? mb_scan_primary(&scan, &m, (uint8_t)first, (uint8_t)last, t0)
                      : mb_scan_secondary(&scan, &m, hex_ids, t0);
    size_t n = 0;
    while (r >= 0) {
        mb_scan_found_t f;
        r = mb_scan_poll(&scan, mb_port_now_ms(), &f);
        if (r == MB_SCAN_ITEM) {
            if (n < MAX_FOUND) {
                found[n++] = f;
            }
            if (!o.json) {
                if (show_progress) {
                    progress(&scan, &m, n, true);
                }
                print_found_text(&f, kind == 1);
                fflush(stdout);
            }
            continue;
        }
        if (r != MB_SCAN_PENDING) {
            break;
        }
        if (interrupted) {
            mb_scan_abort(&scan);
        }
        int err = mb_port_wait(&port, &m, WAIT_STEP_MS);
        if (err < 0) {
            fprintf(stderr, "\nmeterbus scan: the line failed: %s\n", strerror(-err));
            r = MB_ERR_MASTER_LINE;
            break;
        }
        uint32_t now = mb_port_now_ms();
        if (show_progress && now - last_progress >= PROGRESS_EVERY) {
            progress(&scan, &m, n, false);
            last_progress = now;
        }
    }
    if (show_progress) {
        progress(&scan, &m, n, true);
    }
    if (o.json) {
        print_found_json(found, n, kind == 1);
    }
    mb_master_stats_t st = mb_master_stats(&m);
    fprintf(stderr,
            "meterbus scan: %zu %s found with %lu bus transactions (%lu retries, %lu collisions) "
            "in %.1f s%s\n",
            n, n == 1u ? "meter" : "meters", (unsigned long)st.requests, (unsigned long)st.retries,
            (unsigned long)st.collisions, (double)(mb_port_now_ms() - t0) / 1000.0,
            interrupted ? ", interrupted" : "");
    if (r < 0) {
        fprintf(stderr, "meterbus scan: stopped: %s\n", cli_master_error(r));
    }
    free(found);
    mb_port_close(&port);
    return r < 0 ? cli_master_status(r) : interrupted ? CLI_FAILED : CLI_OK;
}

/* ---- read -------------------------------------------------------------------------------- */

static int read_usage(FILE *to)
{
    fputs("usage: meterbus read (--tcp HOST:PORT | --device PATH) [--baud B]\n"
          "                     (--address N | --id SECONDARY) [--max-telegrams N]\n"
          "                     [--retries N] [--extra-ms MS] [--hex | --json]\n",
          to);
    if (to == stdout) {
        fputs("\nRead every telegram of one meter (SND_NKE, then REQ_UD2 following 'more records "
              "follow'\nup to --max-telegrams, 16) and print each as a table; --json prints the "
              "JSON object "
              "of\n'meterbus decode' per telegram, one per line; --hex the raw frames.\n"
              "  --address N       primary address 0..250 (254: the only meter on the line)\n"
              "  --id SECONDARY    8 ID digits, or the 16 hex digits a scan prints (ID,\n"
              "                    manufacturer, version, medium); F = any digit. The meter is\n"
              "                    selected, read through address 253, and "
              "deselected.\n" CLI_LINE_USAGE
              "                    (--retries: 2)\n\nExit status: 0 read, 1 a telegram did not "
              "decode or several meters answered,\n2 usage, 3 no answer, 4 the line failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

/* How read prints a telegram. */
enum { AS_TABLE, AS_JSON, AS_HEX };

/* Print one telegram as a table, as meterbus decode does, or as hex. @return false if it did not
   decode. */
static bool print_telegram(const mb_frame_t *f, int form, unsigned number, char *json)
{
    uint8_t raw[MB_FRAME_MAX_LEN];
    int n = mb_frame_encode(f, raw, sizeof raw);
    if (form == AS_HEX) {
        for (int i = 0; i < n; i++) {
            printf("%s%02X", i == 0 ? "" : " ", raw[i]);
        }
        putchar('\n');
        return n > 0;
    }
    if (form == AS_TABLE) {
        if (number > 1u) {
            putchar('\n');
        }
        return cli_table_frame(stdout, f, 0) == MB_OK;
    }
    int err;
    int len = mb_json_frame(f, 0, json, JSON_CAP, &err);
    if (len < 0) {
        err = len;
        len = mb_json_error(err, json, JSON_CAP);
    }
    if (len > 0) {
        fwrite(json, 1, (size_t)len, stdout);
    }
    putchar('\n');
    return err == MB_OK;
}

int cli_transact(mb_port_t *port, mb_master_t *m, int started)
{
    return started != MB_OK ? started : mb_port_transact(port, m);
}

int cli_read(int argc, char **argv)
{
    cli_line_t o = {NULL, NULL, 2400, 2, 0, false, false};
    unsigned long address = 0;
    bool has_address = false;
    mb_secondary_t mask;
    bool has_id = false;
    unsigned long max_telegrams = 16;
    bool hex = false;
    for (int i = 0; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            return read_usage(stdout);
        }
        int taken = cli_line_option(&o, argc, argv, &i, "read");
        if (taken < 0) {
            return read_usage(stderr);
        }
        if (taken > 0) {
            continue;
        }
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--hex") == 0) {
            hex = true;
        } else if (strcmp(arg, "--address") == 0 && value != NULL) {
            if (!cli_number(value, 0, 254, &address) || (address > 250u && address != 254u)) {
                fputs("meterbus read: --address wants 0..250 or 254\n", stderr);
                return read_usage(stderr);
            }
            has_address = true;
            i++;
        } else if (strcmp(arg, "--id") == 0 && value != NULL) {
            if (!cli_parse_secondary(value, &mask)) {
                fputs("meterbus read: --id wants 8 ID digits or 16 hex digits (ID, manufacturer, "
                      "version, medium; F = any)\n",
                      stderr);
                return read_usage(stderr);
            }
            has_id = true;
            i++;
        } else if (strcmp(arg, "--max-telegrams") == 0 && value != NULL) {
            if (!cli_number(value, 1, 1000, &max_telegrams)) {
                fputs("meterbus read: --max-telegrams wants 1..1000\n", stderr);
                return read_usage(stderr);
            }
            i++;
        } else {
            fprintf(stderr, "meterbus read: unknown option or missing value: %s\n", arg);
            return read_usage(stderr);
        }
    }
    if (!cli_line_check(&o, "read") || has_address == has_id) {
        if (has_address == has_id) {
            fputs("meterbus read: give one of --address N and --id SECONDARY\n", stderr);
        }
        return read_usage(stderr);
    }
    char *json = malloc(JSON_CAP);
    if (json == NULL) {
        fputs("meterbus read: out of memory\n", stderr);
        return CLI_FAILED;
    }
    mb_port_t port;
    mb_master_t m;
    if (!cli_line_open(&o, &port, &m, "read")) {
        free(json);
        return CLI_LINE;
    }
    int status = CLI_OK;
    uint8_t addr = (uint8_t)address;
    int r = MB_OK;
    if (has_id) {
        addr = 253;
        r = cli_transact(&port, &m, mb_master_select(&m, &mask, NULL, mb_port_now_ms()));
        if (r == MB_ERR_MASTER_TIMEOUT) {
            fputs("meterbus read: no meter has that secondary address\n", stderr);
        } else if (r == MB_ERR_MASTER_COLLISION) {
            fputs("meterbus read: more than one meter matches that secondary address\n", stderr);
        } else if (r != MB_OK) {
            fprintf(stderr, "meterbus read: selection failed: %s\n", cli_master_error(r));
        }
    } else {
        /*
         * SND_NKE first, as EN 13757-2 has a master start: the meter forgets the frame count bit
         * of an earlier run (which this run's first request might repeat, and get the old
         * telegram again) and starts its readout at the first telegram. A selection does that
         * for --id.
         */
        r = cli_transact(&port, &m, mb_master_snd_nke(&m, addr, mb_port_now_ms()));
        if (r == MB_ERR_MASTER_TIMEOUT) {
            fputs("meterbus read: no answer\n", stderr);
        } else if (r != MB_OK) {
            fprintf(stderr, "meterbus read: %s\n", cli_master_error(r));
        }
    }
    unsigned telegrams = 0;
    if (r == MB_OK) {
        mb_readout_t ro;
        r = mb_readout_start(&ro, &m, addr, (unsigned)max_telegrams, mb_port_now_ms());
        while (r >= 0) {
            mb_frame_t f;
            r = mb_readout_poll(&ro, mb_port_now_ms(), &f);
            if (r == MB_SCAN_ITEM) {
                telegrams++;
                if (!print_telegram(&f,
                                    hex      ? AS_HEX
                                    : o.json ? AS_JSON
                                             : AS_TABLE,
                                    telegrams, json)) {
                    status = CLI_FAILED;
                }
                fflush(stdout);
            } else if (r == MB_SCAN_PENDING) {
                int err = mb_port_wait(&port, &m, WAIT_STEP_MS);
                if (err < 0) {
                    fprintf(stderr, "meterbus read: the line failed: %s\n", strerror(-err));
                    r = MB_ERR_MASTER_LINE;
                }
            } else {
                break;
            }
        }
        if ((r == MB_ERR_MASTER_COLLISION || r == MB_ERR_MASTER_UNEXPECTED) && has_id &&
            telegrams == 0u) {
            /*
             * Their E5s to the selection superimposed into one; their telegrams do not: the
             * wired AND of several long frames is garbage, now and then a frame of another kind.
             */
            fputs("meterbus read: more than one meter matches that secondary address\n", stderr);
        } else if (r < 0) {
            fprintf(stderr, "meterbus read: telegram %u: %s\n", telegrams + 1u,
                    cli_master_error(r));
        }
        if (has_id) { /* leave the meter deselected, as found */
            (void)cli_transact(&port, &m, mb_master_snd_nke(&m, 253, mb_port_now_ms()));
        }
    }
    if (r < 0) {
        status = cli_master_status(r);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        status = CLI_FAILED;
    }
    mb_port_close(&port);
    free(json);
    return status;
}

#else /* !MB_ENABLE_MASTER */

int cli_scan(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("meterbus scan: this build has no master (MB_ENABLE_MASTER=0)\n", stderr);
    return CLI_USAGE;
}

int cli_read(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("meterbus read: this build has no master (MB_ENABLE_MASTER=0)\n", stderr);
    return CLI_USAGE;
}

#endif

/* ---- shared helpers ------------------------------------------------------------------------ */

bool cli_is_help(const char *arg) { return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0; }

bool cli_number(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    if (text == NULL || text[0] < '0' || text[0] > '9') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

bool cli_host_port(const char *text, char *host, size_t host_cap, char *service, size_t service_cap)
{
    const char *colon;
    const char *h = text;
    size_t hlen;
    if (text[0] == '[') { /* [IPv6]:port */
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':') {
            return false;
        }
        h = text + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL) {
            return false;
        }
        hlen = (size_t)(colon - text);
    }
    size_t slen = strlen(colon + 1);
    if (hlen >= host_cap || slen == 0u || slen >= service_cap) {
        return false;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memcpy(service, colon + 1, slen + 1u);
    return true;
}

void cli_secondary_text(const mb_secondary_t *s, char out[17])
{
    snprintf(out, 17, "%08lX%04X%02X%02X", (unsigned long)s->id, (unsigned)s->manufacturer,
             (unsigned)s->version, (unsigned)s->medium);
}

void cli_on_signal(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler; /* no SA_RESTART: a blocking wait returns and the loop sees the flag */
    sigemptyset(&sa.sa_mask);
    (void)sigaction(sig, &sa, NULL);
}
