/*
 * meterbus set-address, set-baud, reset, send: configuring meters and talking to them frame by
 * frame, through the master state machine and the host ports, like scan and read (bus.c).
 *
 *   meterbus set-address LINE (--address N | --id SECONDARY) --to M
 *   meterbus set-baud    LINE (--address N | --id SECONDARY) --to B [--no-verify]
 *   meterbus reset       LINE (--address N | --id SECONDARY) [--subcode X | --link]
 *   meterbus send        LINE [--no-reply] HEX...
 *
 * A meter named by --id is selected first (SND_UD to 253, CI 52), addressed through 253, and
 * deselected at the end, so that a segment is left as it was found.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keys.h"

#if MB_ENABLE_MASTER

#define WAIT_STEP_MS 10u

/* The meter a command is for: a primary address, or a secondary address to select. */
typedef struct target {
    bool has_address;
    unsigned long address;
    bool has_id;
    mb_secondary_t mask;
} target_t;

/* Take --address or --id at argv[*i]. @return 1 taken, 0 not one, -1 bad value. */
static int target_option(target_t *t, int argc, char **argv, int *i, const char *cmd)
{
    const char *arg = argv[*i];
    bool is_address = strcmp(arg, "--address") == 0;
    if (!is_address && strcmp(arg, "--id") != 0) {
        return 0;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "meterbus %s: %s needs a value\n", cmd, arg);
        return -1;
    }
    const char *value = argv[++*i];
    if (is_address) {
        /* 254 reaches the only meter of a line whatever its address. */
        if (!cli_number(value, 0, 254, &t->address) || (t->address > 250u && t->address != 254u)) {
            fprintf(stderr, "meterbus %s: --address wants 0..250 or 254, not %s\n", cmd, value);
            return -1;
        }
        t->has_address = true;
    } else {
        if (!cli_parse_secondary(value, &t->mask)) {
            fprintf(stderr,
                    "meterbus %s: --id wants 8 ID digits or 16 hex digits (ID, manufacturer, "
                    "version, medium; F = any), not %s\n",
                    cmd, value);
            return -1;
        }
        t->has_id = true;
    }
    return 1;
}

static bool target_check(const target_t *t, const char *cmd)
{
    if (t->has_address == t->has_id) {
        fprintf(stderr, "meterbus %s: give one of --address N and --id SECONDARY\n", cmd);
        return false;
    }
    return true;
}

/* A bus session: the line, the master, and the meter selected if it was named by --id. */
typedef struct session {
    mb_port_t port;
    mb_master_t m;
    const char *cmd;
    bool selected;
} session_t;

/* Select the meter of --id. @return the address to use (253 or the primary one), or a negative
   master error after saying why. */
static int reach(session_t *s, const target_t *t)
{
    if (!t->has_id) {
        return (int)t->address;
    }
    int r =
        cli_transact(&s->port, &s->m, mb_master_select(&s->m, &t->mask, NULL, mb_port_now_ms()));
    if (r == MB_ERR_MASTER_TIMEOUT) {
        fprintf(stderr, "meterbus %s: no meter has that secondary address\n", s->cmd);
    } else if (r == MB_ERR_MASTER_COLLISION) {
        fprintf(stderr, "meterbus %s: more than one meter matches that secondary address\n",
                s->cmd);
    } else if (r != MB_OK) {
        fprintf(stderr, "meterbus %s: selection failed: %s\n", s->cmd, cli_master_error(r));
    }
    if (r != MB_OK) {
        return r;
    }
    s->selected = true;
    return MB_ADDR_NETWORK;
}

/* Deselect what reach() selected (SND_NKE to 253: no answer) and close the line. */
static void leave(session_t *s)
{
    if (s->selected) {
        (void)cli_transact(&s->port, &s->m,
                           mb_master_snd_nke(&s->m, MB_ADDR_NETWORK, mb_port_now_ms()));
    }
    mb_port_close(&s->port);
}

/* One JSON line about a command's outcome: {"command":..., <fields>, "ok":..., "error":...}. */
static void json_result(const char *cmd, const char *fields, int r)
{
    printf("{\"command\":\"%s\"%s%s,\"ok\":%s", cmd, fields[0] != '\0' ? "," : "", fields,
           r == MB_OK ? "true" : "false");
    if (r != MB_OK) {
        printf(",\"error\":\"%s\"", cli_master_error(r));
    }
    puts("}");
}

/* Text naming the target, for messages: "meter 5" or "meter 12345678FFFFFFFF". */
static void target_text(const target_t *t, char *out, size_t cap)
{
    if (t->has_id) {
        char sec[17];
        cli_secondary_text(&t->mask, sec);
        snprintf(out, cap, "meter %s", sec);
    } else {
        snprintf(out, cap, "meter %lu", t->address);
    }
}

/* Parse the options every admin command shares; the rest go to @p extra. @return 0 go on,
   else the exit status. */
typedef int (*extra_fn)(void *ctx, int argc, char **argv, int *i);

static int parse(int argc, char **argv, const char *cmd, cli_line_t *o, target_t *t,
                 bool need_target, extra_fn extra, void *ctx, int (*usage)(FILE *))
{
    for (int i = 0; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            return usage(stdout);
        }
        int taken = cli_line_option(o, argc, argv, &i, cmd);
        if (taken == 0 && t != NULL) {
            taken = target_option(t, argc, argv, &i, cmd);
        }
        if (taken == 0 && extra != NULL) {
            taken = extra(ctx, argc, argv, &i);
        }
        if (taken < 0) {
            return usage(stderr);
        }
        if (taken == 0) {
            fprintf(stderr, "meterbus %s: unknown option %s\n", cmd, argv[i]);
            return usage(stderr);
        }
    }
    if (!cli_line_check(o, cmd) || (need_target && !target_check(t, cmd))) {
        return usage(stderr);
    }
    return -1;
}

/* ---- set-address ------------------------------------------------------------------------- */

static int set_address_usage(FILE *to)
{
    fputs("usage: meterbus set-address (--tcp HOST:PORT | --device PATH) [--baud B]\n"
          "                            (--address N | --id SECONDARY) --to M [--json]\n",
          to);
    if (to == stdout) {
        fputs("\nGive a meter the primary address M (0..250) with SND_UD CI 51, record 01 7A M.\n"
              "The meter acknowledges under its old address, then answers under the new one:\n"
              "the command checks that with SND_NKE to M (unless --id: then the meter stays\n"
              "selected and is checked through 253).\n"
              "  --address N       the meter's present primary address (254: the only meter)\n"
              "  --id SECONDARY    8 ID digits or 16 hex digits as a scan prints them\n"
              "  --to M            the new primary address, 0..250\n" CLI_LINE_USAGE
              "\nExit status: 0 done and checked, 1 a garbled answer, or the meter did not answer\n"
              "under its new address, 2 usage, 3 no answer (also: the meter refused), 4 the\n"
              "line failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

typedef struct to_opt {
    bool given;
    unsigned long value;
    unsigned long min;
    unsigned long max;
    const char *cmd;
} to_opt_t;

static int take_to(void *ctx, int argc, char **argv, int *i)
{
    to_opt_t *to = ctx;
    if (strcmp(argv[*i], "--to") != 0) {
        return 0;
    }
    if (*i + 1 >= argc || !cli_number(argv[*i + 1], to->min, to->max, &to->value)) {
        fprintf(stderr, "meterbus %s: --to wants %lu..%lu\n", to->cmd, to->min, to->max);
        return -1;
    }
    ++*i;
    to->given = true;
    return 1;
}

/*
 * set-address and set-baud: reach the meter, send the change, check that the meter answers as
 * it should now (under its new address, or at its new rate), leave it as found, and report.
 * @p value is the new address or rate. @return the exit status.
 */
static int change(const char *cmd, const cli_line_t *o, const target_t *t, bool baud,
                  unsigned long value, bool verify)
{
    session_t s = {{0}, {0}, cmd, false};
    s.port.fd = -1;
    if (!cli_line_open(o, &s.port, &s.m, cmd)) {
        return CLI_LINE;
    }
    char who[40];
    target_text(t, who, sizeof who);
    int addr = reach(&s, t);
    int r = addr < 0 ? addr : MB_OK;
    bool checked = false;
    if (r == MB_OK) {
        uint32_t now = mb_port_now_ms();
        r = cli_transact(&s.port, &s.m,
                         baud ? mb_master_switch_baud(&s.m, (uint8_t)addr, (uint32_t)value, now)
                              : mb_master_set_address(&s.m, (uint8_t)addr, (uint8_t)value, now));
        if (r != MB_OK) {
            fprintf(stderr, "meterbus %s: %s: %s\n", cmd, who, cli_master_error(r));
        }
    }
    if (r == MB_OK && verify) {
        /*
         * SND_NKE where the meter should answer now; a selected meter would take a SND_NKE to
         * 253 as its deselection and stay silent, so it is asked for data through 253 instead,
         * and the A field of its answer shows its address.
         */
        uint8_t at = baud ? (uint8_t)addr : (uint8_t)value;
        uint32_t now = mb_port_now_ms();
        int c = cli_transact(&s.port, &s.m,
                             s.selected ? mb_master_req_ud2(&s.m, MB_ADDR_NETWORK, now)
                                        : mb_master_snd_nke(&s.m, at, now));
        mb_frame_t reply;
        checked = c == MB_OK;
        if (checked && s.selected && !baud && mb_master_reply(&s.m, &reply)) {
            checked = reply.a == (uint8_t)value;
        }
        if (!checked && baud) {
            fprintf(stderr, "meterbus %s: %s acknowledged, but does not answer at %lu Bd%s\n", cmd,
                    who, value, o->tcp != NULL ? " (set the gateway to that rate too)" : "");
        } else if (!checked) {
            fprintf(stderr, "meterbus %s: %s acknowledged, but does not answer as %lu\n", cmd, who,
                    value);
        }
    }
    leave(&s);
    const char *note = checked ? "" : verify ? " (not confirmed)" : " (not checked)";
    if (o->json) {
        char fields[112];
        snprintf(fields, sizeof fields, "\"meter\":\"%s\",\"to\":%lu,\"checked\":%s", who + 6,
                 value, checked ? "true" : "false");
        json_result(cmd, fields, r);
    } else if (r == MB_OK && baud) {
        printf("%s now talks at %lu Bd%s\n", who, value, note);
    } else if (r == MB_OK) {
        printf("%s now has primary address %lu%s\n", who, value, note);
    }
    if (r != MB_OK) {
        return cli_master_status(r);
    }
    return !verify || checked ? CLI_OK : CLI_FAILED;
}

int cli_set_address(int argc, char **argv)
{
    cli_line_t o = CLI_LINE_DEFAULTS(2);
    target_t t = {false, 0, false, {0, 0, 0, 0}};
    to_opt_t to = {false, 0, 0, MB_ADDR_PRIMARY_MAX, "set-address"};
    int status = parse(argc, argv, "set-address", &o, &t, true, take_to, &to, set_address_usage);
    if (status >= 0) {
        return status;
    }
    if (!to.given) {
        fputs("meterbus set-address: give the new address with --to M\n", stderr);
        return set_address_usage(stderr);
    }
    return change("set-address", &o, &t, false, to.value, true);
}

/* ---- set-baud ---------------------------------------------------------------------------- */

static int set_baud_usage(FILE *to)
{
    fputs("usage: meterbus set-baud (--tcp HOST:PORT | --device PATH) [--baud B]\n"
          "                         (--address N | --id SECONDARY) --to RATE [--no-verify]\n"
          "                         [--json]\n",
          to);
    if (to == stdout) {
        fputs("\nSwitch a meter to RATE (300, 600, 1200, 2400, 4800, 9600, 19200 or 38400 Bd)\n"
              "with SND_UD CI B8..BF. The meter acknowledges at the old rate (--baud), then\n"
              "changes; a serial line follows and the command checks that the meter answers at\n"
              "RATE (--no-verify skips it). A TCP gateway has a rate of its own: set it to RATE\n"
              "too, or the meter is out of reach.\n"
              "  --address N       the meter's primary address (254: the only meter)\n"
              "  --id SECONDARY    8 ID digits or 16 hex digits as a scan prints them\n"
              "  --to RATE         the new rate in Bd\n" CLI_LINE_USAGE
              "\nExit status: 0 switched (and checked), 1 a garbled answer, or the meter did not\n"
              "answer at the new rate, 2 usage, 3 no answer (also: a rate the meter does not\n"
              "have), 4 the line failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

static int take_baud_extra(void *ctx, int argc, char **argv, int *i)
{
    to_opt_t *to = ctx;
    if (strcmp(argv[*i], "--no-verify") == 0) {
        to->min = 1; /* marks --no-verify; the range is checked after parsing */
        return 1;
    }
    if (strcmp(argv[*i], "--to") != 0) {
        return 0;
    }
    if (*i + 1 >= argc || !cli_number(argv[*i + 1], 300, 38400, &to->value) ||
        mb_baud_to_ci((uint32_t)to->value) == 0u) {
        fputs("meterbus set-baud: --to wants 300, 600, 1200, 2400, 4800, 9600, 19200 or 38400\n",
              stderr);
        return -1;
    }
    ++*i;
    to->given = true;
    return 1;
}

int cli_set_baud(int argc, char **argv)
{
    cli_line_t o = CLI_LINE_DEFAULTS(2);
    target_t t = {false, 0, false, {0, 0, 0, 0}};
    to_opt_t to = {false, 0, 0, 0, "set-baud"};
    int status = parse(argc, argv, "set-baud", &o, &t, true, take_baud_extra, &to, set_baud_usage);
    if (status >= 0) {
        return status;
    }
    bool verify = to.min == 0u;
    if (!to.given) {
        fputs("meterbus set-baud: give the new rate with --to RATE\n", stderr);
        return set_baud_usage(stderr);
    }
    return change("set-baud", &o, &t, true, to.value, verify);
}

/* ---- reset ------------------------------------------------------------------------------- */

static int reset_usage(FILE *to)
{
    fputs("usage: meterbus reset (--tcp HOST:PORT | --device PATH) [--baud B]\n"
          "                      (--address N | --id SECONDARY) [--subcode X | --link] [--json]\n",
          to);
    if (to == stdout) {
        fputs("\nApplication reset (SND_UD CI 50): the meter starts its readout again at the\n"
              "first telegram. --subcode X (0..255, upper nibble telegram type, lower nibble\n"
              "telegram number) asks for a particular telegram; --link sends SND_NKE instead\n"
              "(link reset: the meter forgets its frame count bit).\n"
              "  --address N       primary address 0..250 (254: the only meter)\n"
              "  --id SECONDARY    8 ID digits or 16 hex digits as a scan prints "
              "them\n" CLI_LINE_USAGE
              "\nExit status: 0 acknowledged, 1 a garbled answer, 2 usage, 3 no answer,\n"
              "4 the line failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

typedef struct reset_opts {
    long subcode; /* MB_APP_RESET_NO_SUBCODE without one */
    bool link;
} reset_opts_t;

static int take_reset(void *ctx, int argc, char **argv, int *i)
{
    reset_opts_t *r = ctx;
    if (strcmp(argv[*i], "--link") == 0) {
        r->link = true;
        return 1;
    }
    if (strcmp(argv[*i], "--subcode") != 0) {
        return 0;
    }
    unsigned long v;
    if (*i + 1 >= argc || !cli_number(argv[*i + 1], 0, 255, &v)) {
        fputs("meterbus reset: --subcode wants 0..255\n", stderr);
        return -1;
    }
    ++*i;
    r->subcode = (long)v;
    return 1;
}

int cli_reset(int argc, char **argv)
{
    cli_line_t o = CLI_LINE_DEFAULTS(2);
    target_t t = {false, 0, false, {0, 0, 0, 0}};
    reset_opts_t ro = {MB_APP_RESET_NO_SUBCODE, false};
    int status = parse(argc, argv, "reset", &o, &t, true, take_reset, &ro, reset_usage);
    if (status >= 0) {
        return status;
    }
    if (ro.link && ro.subcode != MB_APP_RESET_NO_SUBCODE) {
        fputs("meterbus reset: --link has no subcode\n", stderr);
        return reset_usage(stderr);
    }
    session_t s = {{0}, {0}, "reset", false};
    s.port.fd = -1;
    if (!cli_line_open(&o, &s.port, &s.m, "reset")) {
        return CLI_LINE;
    }
    char who[40];
    target_text(&t, who, sizeof who);
    int addr = reach(&s, &t);
    int r = addr < 0 ? addr : MB_OK;
    if (r == MB_OK) {
        uint32_t now = mb_port_now_ms();
        r = cli_transact(&s.port, &s.m,
                         ro.link ? mb_master_snd_nke(&s.m, (uint8_t)addr, now)
                                 : mb_master_app_reset(&s.m, (uint8_t)addr, (int)ro.subcode, now));
        if (r != MB_OK) {
            fprintf(stderr, "meterbus reset: %s: %s\n", who, cli_master_error(r));
        }
    }
    if (ro.link) {
        s.selected = false; /* SND_NKE to 253 deselected it already */
    }
    leave(&s);
    if (o.json) {
        char fields[96];
        snprintf(fields, sizeof fields, "\"meter\":\"%s\",\"kind\":\"%s\"", who + 6,
                 ro.link ? "link" : "application");
        json_result("reset", fields, r);
    } else if (r == MB_OK && ro.link && t.has_id) {
        /* SND_NKE to 253: the selected meter resets its link and leaves the selection, silently. */
        printf("%s: link reset sent through 253 (not answered: the meter leaves the selection)\n",
               who);
    } else if (r == MB_OK) {
        printf("%s acknowledged the %s reset\n", who, ro.link ? "link" : "application");
    }
    return cli_master_status(r);
}

/* ---- send -------------------------------------------------------------------------------- */

static int send_usage(FILE *to)
{
    fputs("usage: meterbus send (--tcp HOST:PORT | --device PATH) [--baud B] [--retries N]\n"
          "                     [--extra-ms MS] [--no-reply] [--hex | --json] HEX...\n",
          to);
    if (to == stdout) {
        fputs("\nSend one frame exactly as given (hex, spaces optional, over one or several\n"
              "arguments: meterbus send --device /dev/ttyUSB0 10 5B FE 59 16) and print the\n"
              "answer as a table (--json: as meterbus decode does; --hex: raw). The frame must\n"
              "decode (checksum and all); its FCB is sent as given. No answer is awaited for a\n"
              "frame to 255, an answer, or with --no-reply. --retries (0) sends it again\n"
              "after an answer window without an answer.\n" CLI_LINE_USAGE
              "  --hex             print the answer as hex\n"
              "\nExit status: 0 answered (or sent, when no answer is awaited), 1 the answer did\n"
              "not decode, 2 usage or a frame that does not decode, 3 no answer, 4 the line\n"
              "failed.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

typedef struct send_opts {
    uint8_t frame[MB_FRAME_MAX_LEN + 1u];
    size_t len;
    bool too_long;
    bool no_reply;
    bool hex;
} send_opts_t;

static int take_send(void *ctx, int argc, char **argv, int *i)
{
    (void)argc;
    send_opts_t *so = ctx;
    const char *arg = argv[*i];
    if (strcmp(arg, "--no-reply") == 0) {
        so->no_reply = true;
        return 1;
    }
    if (strcmp(arg, "--hex") == 0) {
        so->hex = true;
        return 1;
    }
    if (arg[0] == '-') {
        return 0;
    }
    /* Hex bytes, two digits each, spaces allowed between bytes; arguments continue each other. */
    int err = cli_parse_hex(arg, so->frame, sizeof so->frame, &so->len);
    if (err == CLI_HEX_TOO_LONG) {
        so->too_long = true;
    } else if (err != CLI_HEX_OK) {
        fprintf(stderr, "meterbus send: %s: %s\n", cli_hex_message(err), arg);
        return -1;
    }
    return 1;
}

/* Drop stale received bytes, then write all of @p p to the line. @return 0 or a negative errno. */
static int write_all(mb_port_t *port, const uint8_t *p, size_t n)
{
    if (mb_port_hal.flush != NULL) {
        (void)mb_port_hal.flush(port);
    }
    uint32_t t0 = mb_port_now_ms();
    while (n > 0u) {
        int w = mb_port_hal.write(port, p, n);
        if (w < 0) {
            return w;
        }
        p += w;
        n -= (size_t)w;
        if (n > 0u && mb_port_now_ms() - t0 > 5000u) {
            return -ETIMEDOUT;
        }
    }
    return 0;
}

int cli_send(int argc, char **argv)
{
    cli_line_t o = CLI_LINE_DEFAULTS(0);
    send_opts_t *so = calloc(1, sizeof *so);
    if (so == NULL) {
        fputs("meterbus send: out of memory\n", stderr);
        return CLI_FAILED;
    }
    int status = parse(argc, argv, "send", &o, NULL, false, take_send, so, send_usage);
    mb_frame_t request;
    if (status < 0) {
        int err = so->too_long ? MB_ERR_FRAME_LEN : mb_frame_decode(so->frame, so->len, &request);
        if (so->len == 0u) {
            fputs("meterbus send: give the frame to send in hex\n", stderr);
            status = send_usage(stderr);
        } else if (err != MB_OK) {
            fprintf(stderr, "meterbus send: the frame does not decode: %s\n", mb_strerror(err));
            status = CLI_USAGE;
        }
    }
    if (status >= 0) {
        free(so);
        return status;
    }
    mb_port_t port;
    mb_master_t m; /* for its line setup and timeouts only: the frame goes out as given */
    if (!cli_line_open(&o, &port, &m, "send")) {
        free(so);
        return CLI_LINE;
    }
    bool is_request = request.type == MB_FRAME_SHORT ||
                      ((request.type == MB_FRAME_LONG || request.type == MB_FRAME_CONTROL) &&
                       (request.c & 0x0Fu) == 0x03u);
    bool await = !so->no_reply && is_request && request.a != MB_ADDR_BROADCAST;
    int r = MB_OK;
    for (unsigned attempt = 0; attempt <= o.retries; attempt++) {
        int w = write_all(&port, so->frame, so->len);
        if (w < 0) {
            fprintf(stderr, "meterbus send: the line failed: %s\n", strerror(-w));
            r = MB_ERR_MASTER_LINE;
            break;
        }
        if (!await) {
            break;
        }
        /* Wait for the answer window, then for the end of a frame that started in it. */
        uint32_t window =
            mb_master_timeout_ms((uint32_t)o.baud, so->len,
                                 o.tcp != NULL && !o.extra_given ? 100u : (uint32_t)o.extra_ms);
        mb_rx_t rx;
        mb_rx_init(&rx, MB_RX_DEFAULT_GAP_MS);
        uint32_t start = mb_port_now_ms();
        mb_frame_t reply;
        bool got = false;
        r = MB_ERR_MASTER_TIMEOUT;
        while (!got) {
            uint8_t buf[300];
            uint32_t now = mb_port_now_ms();
            if (now - start >= window && mb_rx_pending(&rx) == 0u) {
                break;
            }
            int n = mb_port_read(&port, buf, sizeof buf, WAIT_STEP_MS);
            now = mb_port_now_ms();
            if (n < 0 && n != -EINTR && n != -ETIMEDOUT && n != -EAGAIN) {
                fprintf(stderr, "meterbus send: the line failed: %s\n", strerror(-n));
                r = MB_ERR_MASTER_LINE;
                break;
            }
            size_t off = 0;
            while (n > 0 && off < (size_t)n && !got) {
                off += mb_rx_feed(&rx, buf + off, (size_t)n - off, now);
                got = mb_rx_frame(&rx, &reply);
            }
            if (!got && mb_rx_poll(&rx, now)) {
                r = MB_ERR_MASTER_COLLISION; /* something garbled arrived */
            }
        }
        if (got) {
            r = MB_OK;
            if (so->hex) {
                uint8_t raw[MB_FRAME_MAX_LEN];
                int len = mb_frame_encode(&reply, raw, sizeof raw);
                for (int i = 0; i < len; i++) {
                    printf("%s%02X", i == 0 ? "" : " ", raw[i]);
                }
                putchar('\n');
            } else if (o.json) {
                size_t cap = 64u * 1024u;
                char *json = malloc(cap);
                int err = MB_ERR_NOSPACE;
                int len = json != NULL ? mb_json_frame(&reply, 0, json, cap, &err) : -1;
                if (len > 0) {
                    fwrite(json, 1, (size_t)len, stdout);
                }
                putchar('\n');
                free(json);
                r = len > 0 && err == MB_OK ? MB_OK : MB_ERR_MASTER_UNEXPECTED;
            } else {
                r = cli_table_frame(stdout, &reply, 0) == MB_OK ? MB_OK : MB_ERR_MASTER_UNEXPECTED;
            }
            break;
        }
        if (r == MB_ERR_MASTER_LINE) {
            break;
        }
    }
    if (r == MB_ERR_MASTER_TIMEOUT) {
        fputs("meterbus send: no answer\n", stderr);
    } else if (r == MB_ERR_MASTER_COLLISION) {
        fputs("meterbus send: a garbled answer\n", stderr);
    }
    if (!await && r == MB_OK && !o.json) {
        fputs("meterbus send: sent; no answer awaited\n", stderr);
    }
    mb_port_close(&port);
    free(so);
    return cli_master_status(r);
}

#else /* !MB_ENABLE_MASTER */

static int no_master(const char *cmd)
{
    fprintf(stderr, "meterbus %s: this build has no master (MB_ENABLE_MASTER=0)\n", cmd);
    return CLI_USAGE;
}

int cli_set_address(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return no_master("set-address");
}

int cli_set_baud(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return no_master("set-baud");
}

int cli_reset(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return no_master("reset");
}

int cli_send(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return no_master("send");
}

#endif
