/*
 * meterbus wmbus: wireless M-Bus telegrams, one hex line each, from standard input or from a
 * receiver on a serial line, decoded and decrypted as they come.
 *
 *   meterbus wmbus [--device PATH [--baud B]] [--key HEX] [--keys FILE] [--json] [--stats]
 *                  [--text-after-vif | --text-2018]
 *
 * A line holds a frame in hex (spaces and a leading 0x optional) with its block CRCs in format A
 * or B, or without them, or is an rtl-wmbus line "MODE;CRC_OK;3OF6_OK;TIME;RSSI;RSSI;ID;0xHEX"
 * (the frame without CRCs in its last field). Each telegram is printed as a table, or with
 * --json as the object 'meterbus decode' writes; the run's counters go to stderr at the end.
 */
#define _DEFAULT_SOURCE /* termios rates above 38400 */
#define _DARWIN_C_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "keys.h"

#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY

#define JSON_CAP     (64u * 1024u) /* enough for the densest records of a 256-byte frame */
#define LINE_CAP     4096u         /* longest line kept: a frame in hex with spaces and a prefix */
#define READ_CAP     4096u
#define FORMATS      32u /* compact-frame formats remembered in a run */
#define POLL_MS      500 /* longest wait for input before the interrupt flag is looked at */
#define DEFAULT_BAUD 115200ul

/* The run's telegrams by outcome: telegrams = decoded + the failures. */
typedef struct counters {
    unsigned long telegrams; /* lines that were not blank or comments */
    unsigned long decoded;   /* opened, decrypted, every record read */
    unsigned long link;      /* no frame: block CRC, length, format, trailing bytes */
    unsigned long no_key;    /* encrypted, and no key for the meter */
    unsigned long security;  /* wrong key, MAC mismatch, ELL/AFL trouble, unsupported mode */
    unsigned long other;     /* not hex, transport header, records, compact format */
} counters_t;

typedef struct session {
    cli_keys_t keys;
    unsigned options; /* MB_RECORDS_* */
    bool json;
    bool stats;
    mb_format_t formats[FORMATS];
    mb_format_cache_t cache;
    counters_t count;
    char out[JSON_CAP];
} session_t;

/* Where lines come from: a descriptor read in chunks, split at LF or CR. */
typedef struct reader {
    int fd;
    char buf[READ_CAP];
    size_t pos, len;
    bool eof;
} reader_t;

enum { LINE_OK, LINE_LONG, LINE_END, LINE_INTERRUPTED, LINE_ERROR };

/* Set by SIGINT and SIGTERM: the run stops reading and prints its counters. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int usage(FILE *to)
{
    fputs("usage: meterbus wmbus [--device PATH [--baud B]] [--key HEX] [--keys FILE] [--json]\n"
          "                      [--stats] [--text-after-vif | --text-2018]\n"
          "\n"
          "Decode wireless M-Bus telegrams, one per line in hex, from standard input or from a\n"
          "receiver that prints them on a serial line: frames with block CRCs (format A or B)\n"
          "or without them, spaces and a 0x prefix optional, or rtl-wmbus lines\n"
          "(MODE;CRC_OK;3OF6_OK;TIME;RSSI;RSSI;ID;0xHEX). Blank lines and '#' comments are\n"
          "skipped. Each telegram is printed as a table, or with --json as one JSON object per\n"
          "line (as meterbus decode writes it). At the end (end of input, Ctrl-C, SIGTERM) the\n"
          "counters go to standard error as one line. Exit status: 0 every telegram decoded,\n"
          "1 some did not, 2 usage error, 4 the device could not be opened or read.\n"
          "  --device PATH     read a receiver on a serial line (raw, 8N1), or a FIFO or file\n"
          "  --baud B          the serial line's rate (115200): 1200..921600\n"
          "  --key HEX         AES-128 key for every encrypted telegram (32 hex digits)\n"
          "  --keys FILE       keys per meter, lines of 'ID KEY' (8-digit ID, 32 hex digits)\n"
          "  --json            one JSON object per telegram instead of tables\n"
          "  --stats           also print the counters on standard output at the end (with\n"
          "                    --json as a last line {\"summary\": {...}})\n"
          "  --text-after-vif  plain-text units right after the VIF (older meters)\n"
          "  --text-2018       plain-text units after the last VIFE only (EN 13757-3:2018)\n",
          to);
    return to == stdout ? CLI_OK : CLI_USAGE;
}

/* ---- input ------------------------------------------------------------------------------ */

/*
 * The next line into line[0..cap) without its end; NUL bytes become '?' so that they are not
 * taken for the end of the text. A line longer than cap - 1 is read to its end and given as
 * LINE_LONG. Waits in steps of POLL_MS so that an interrupt ends the wait even when it arrives
 * between the flag's test and the wait.
 */
static int next_line(reader_t *r, char *line, size_t cap)
{
    size_t n = 0;
    bool long_line = false;
    for (;;) {
        while (r->pos < r->len) {
            char c = r->buf[r->pos++];
            if (c == '\n' || c == '\r') {
                line[n] = '\0';
                return long_line ? LINE_LONG : LINE_OK;
            }
            if (n + 1u < cap) {
                line[n++] = c == '\0' ? '?' : c;
            } else {
                long_line = true;
            }
        }
        if (r->eof) {
            line[n] = '\0';
            if (long_line) {
                return LINE_LONG;
            }
            return n > 0u ? LINE_OK : LINE_END; /* the last line may lack its newline */
        }
        if (interrupted) {
            return LINE_INTERRUPTED;
        }
        struct pollfd p = {r->fd, POLLIN, 0};
        int ready = poll(&p, 1, POLL_MS);
        if (ready < 0 && errno != EINTR) {
            return LINE_ERROR;
        }
        if (ready <= 0) {
            continue;
        }
        ssize_t got = read(r->fd, r->buf, sizeof r->buf);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            if (errno == EIO) { /* a USB receiver unplugged: its tty hangs up */
                r->eof = true;
                continue;
            }
            return LINE_ERROR;
        }
        r->pos = 0;
        r->len = (size_t)got;
        r->eof = got == 0;
    }
}

static bool baud_speed(unsigned long baud, speed_t *speed)
{
    static const struct {
        unsigned long baud;
        speed_t speed;
    } rates[] = {
        {1200, B1200},     {2400, B2400},   {4800, B4800},
        {9600, B9600},     {19200, B19200}, {38400, B38400},
#ifdef B57600
        {57600, B57600},
#endif
#ifdef B115200
        {115200, B115200},
#endif
#ifdef B230400
        {230400, B230400},
#endif
#ifdef B460800
        {460800, B460800},
#endif
#ifdef B921600
        {921600, B921600},
#endif
    };
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        if (rates[i].baud == baud) {
            *speed = rates[i].speed;
            return true;
        }
    }
    return false;
}

/*
 * Open the receiver: a tty is set raw, 8N1, no flow control (USB receivers print text at the
 * rate of their USB-serial bridge); a FIFO or a file is read as it is. A FIFO's open waits for
 * its writer. @return the descriptor, or -1 after saying why
 */
static int open_device(const char *path, speed_t speed)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "meterbus wmbus: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    bool is_char = S_ISCHR(st.st_mode);
    /* A tty without CLOCAL could hold the open until carrier: do not wait there. */
    int fd = open(path, O_RDONLY | O_NOCTTY | (is_char ? O_NONBLOCK : 0));
    if (fd < 0) {
        fprintf(stderr, "meterbus wmbus: cannot open %s: %s\n", path,
                errno == EINTR ? "interrupted" : strerror(errno));
        return -1;
    }
    if (is_char && isatty(fd)) {
        struct termios t;
        if (tcgetattr(fd, &t) != 0) {
            goto failed;
        }
        t.c_iflag &= (tcflag_t) ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON |
                                  IXOFF | IXANY | INPCK);
        t.c_oflag &= (tcflag_t)~OPOST;
        t.c_lflag &= (tcflag_t) ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        t.c_cflag &= (tcflag_t) ~(CSIZE | PARENB | CSTOPB);
#ifdef CRTSCTS
        t.c_cflag &= (tcflag_t)~CRTSCTS;
#endif
        t.c_cflag |= CS8 | CREAD | CLOCAL;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0 ||
            tcsetattr(fd, TCSANOW, &t) != 0) {
            goto failed;
        }
    }
    return fd;
failed:
    fprintf(stderr, "meterbus wmbus: cannot set up %s: %s\n", path, strerror(errno));
    close(fd);
    return -1;
}

/* ---- one telegram ----------------------------------------------------------------------- */

#define HEX_ERROR 1 /* outcome of a line that is not a telegram in hex (not an mb_err) */

static void count(counters_t *c, int err)
{
    if (err == MB_OK) {
        c->decoded++;
    } else if (err == MB_ERR_SEC_NO_KEY) {
        c->no_key++;
    } else if (err <= MB_ERR_SEC_HEADER && err >= MB_ERR_SEC_UNSUPPORTED) {
        c->security++;
    } else if ((err <= MB_ERR_WL_TRUNCATED && err >= MB_ERR_WL_MANCHESTER) ||
               err == MB_ERR_FRAME_TRAILING) {
        c->link++;
    } else {
        c->other++;
    }
}

/* A telegram that gave no message: an error object, or a line in the place of its table. */
static void print_failure(session_t *s, unsigned long line, int err, int hex_err)
{
    if (s->json) {
        if (err == HEX_ERROR) {
            printf("{\"error\":{\"code\":\"hex\",\"message\":\"%s\"}}\n", cli_hex_message(hex_err));
        } else {
            cli_print_json(s->out, mb_json_error(err, s->out, JSON_CAP));
        }
        return;
    }
    if (err == HEX_ERROR) {
        printf("line %lu: error: %s\n\n", line, cli_hex_message(hex_err));
    } else if (mb_strerror(err)[0] != '\0') {
        printf("line %lu: error: %s (%s)\n\n", line, mb_strerror(err), mb_error_name(err));
    } else {
        printf("line %lu: error %d\n\n", line, err); /* built without text tables */
    }
}

/*
 * The hex of an rtl-wmbus line, "MODE;CRC_OK;3OF6_OK;TIME;RSSI;RSSI;ID;0xHEX": the last field,
 * without CRCs. Its own verdicts come first: a frame it flagged is a link error (*err).
 */
static char *rtl_wmbus_hex(char *text, int *err)
{
    char *end = text + strlen(text);
    while (end > text && (cli_is_space(end[-1]) || end[-1] == ';')) {
        *--end = '\0';
    }
    char *last = strrchr(text, ';');
    char *hex = last != NULL ? last + 1 : text;
    const char *crc_ok = strchr(text, ';');
    const char *three_of_six_ok = crc_ok != NULL ? strchr(crc_ok + 1, ';') : NULL;
    *err = MB_OK;
    if (three_of_six_ok != NULL && three_of_six_ok != last) {
        if (strncmp(crc_ok, ";0;", 3) == 0) {
            *err = MB_ERR_WL_CRC;
        } else if (strncmp(three_of_six_ok, ";0;", 3) == 0) {
            *err = MB_ERR_WL_3OF6;
        }
    }
    return hex;
}

/* Decode and print one line that is not blank or a comment. @return its outcome (count()) */
static int telegram(session_t *s, char *text, unsigned long line)
{
    bool rtl = strchr(text, ';') != NULL;
    int err = MB_OK;
    char *hex = rtl ? rtl_wmbus_hex(text, &err) : text;
    while (cli_is_space(*hex)) {
        hex++;
    }
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
    }
    if (err != MB_OK) {
        print_failure(s, line, err, 0);
        return err;
    }
    uint8_t bytes[MB_WFRAME_MAX_RAW_LEN + 1u]; /* one more than the longest, to see it */
    size_t n = 0;
    int hex_err = cli_parse_hex(hex, bytes, sizeof bytes, &n);
    if (hex_err == CLI_HEX_OK && n == 0u) {
        hex_err = CLI_HEX_NOT_HEX; /* "0x" alone, or an rtl-wmbus line without a frame */
    }
    if (hex_err != CLI_HEX_OK) {
        print_failure(s, line, HEX_ERROR, hex_err);
        return HEX_ERROR;
    }

    uint8_t frame[MB_WFRAME_MAX_LEN];
    mb_wframe_t wf;
    int r = rtl ? mb_wframe_decode(bytes, n, MB_WFORMAT_NONE, frame, sizeof frame, &wf)
                : cli_wireless_frame(bytes, n, frame, &wf);
    if (r >= 0 && (size_t)r < n) {
        r = MB_ERR_FRAME_TRAILING;
    }
    if (r < 0) {
        print_failure(s, line, r, 0);
        return r;
    }

    mb_wmsg_t msg;
    int status = cli_wmsg_open(&wf, &s->keys, &s->cache, frame, sizeof frame, &msg);
    if (s->json) {
        int len = mb_json_wmsg(&wf, &msg, status, &s->cache, s->options, s->out, JSON_CAP, &err);
        if (len < 0) {
            err = len;
            len = mb_json_error(err, s->out, JSON_CAP);
        }
        cli_print_json(s->out, len);
    } else {
        err = cli_table_wmsg(stdout, &wf, &msg, status, &s->cache, s->options);
        putchar('\n');
    }
    return status != MB_OK ? status : err;
}

/* ---- the run ---------------------------------------------------------------------------- */

static void print_counters(const session_t *s, FILE *to, const char *prefix)
{
    const counters_t *c = &s->count;
    fprintf(to,
            "%stelegrams %lu, decoded %lu, link/CRC errors %lu, no key %lu, "
            "decryption/authentication errors %lu, other errors %lu%s\n",
            prefix, c->telegrams, c->decoded, c->link, c->no_key, c->security, c->other,
            interrupted ? " (interrupted)" : "");
}

static void print_summary_json(session_t *s)
{
    const counters_t *c = &s->count;
    mb_json_t j;
    mb_json_init(&j, s->out, JSON_CAP);
    mb_json_begin_object(&j);
    mb_json_key(&j, "summary");
    mb_json_begin_object(&j);
    const struct {
        const char *name;
        unsigned long value;
    } fields[] = {{"telegrams", c->telegrams},      {"decoded", c->decoded},
                  {"link_errors", c->link},         {"no_key", c->no_key},
                  {"security_errors", c->security}, {"other_errors", c->other}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        mb_json_key(&j, fields[i].name);
        mb_json_uint(&j, fields[i].value);
    }
    mb_json_key(&j, "interrupted");
    mb_json_bool(&j, interrupted != 0);
    mb_json_end_object(&j);
    mb_json_end_object(&j);
    cli_print_json(s->out, mb_json_finish(&j));
}

/* Read and decode to the end of the input or an interrupt. @return false when the input failed */
static bool run(session_t *s, int fd, const char *name)
{
    static reader_t reader;
    static char line[LINE_CAP];
    reader.fd = fd;
    unsigned long number = 0;
    for (;;) {
        int got = next_line(&reader, line, sizeof line);
        if (got == LINE_END || got == LINE_INTERRUPTED) {
            return true;
        }
        if (got == LINE_ERROR) {
            fprintf(stderr, "meterbus wmbus: error reading %s: %s\n", name, strerror(errno));
            return false;
        }
        number++;
        const char *p = line;
        while (cli_is_space(*p)) {
            p++;
        }
        if (got == LINE_OK && (*p == '\0' || *p == '#')) {
            continue; /* blank lines and comments */
        }
        s->count.telegrams++;
        if (got == LINE_LONG) {
            print_failure(s, number, HEX_ERROR, CLI_HEX_LINE_LONG);
            count(&s->count, HEX_ERROR);
        } else {
            count(&s->count, telegram(s, line + (p - line), number));
        }
        fflush(stdout); /* a pipe's reader sees each telegram as it comes */
    }
}

/* The value of option argv[*i] ("--opt VALUE" or "--opt=VALUE"), or NULL when it is not @p name */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, len) != 0) {
        return NULL;
    }
    if (arg[len] == '=') {
        return arg + len + 1;
    }
    if (arg[len] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int cli_wmbus(int argc, char **argv)
{
    session_t *s = calloc(1, sizeof *s);
    if (s == NULL) {
        fputs("meterbus: out of memory\n", stderr);
        return CLI_FAILED;
    }
    mb_format_cache_init(&s->cache, s->formats, FORMATS);
    const char *device = NULL;
    unsigned long baud = 0;
    int status = -1;
    for (int i = 0; i < argc && status < 0; i++) {
        const char *arg = argv[i];
        const char *value;
        bool missing = false;
        if ((value = option_value(argc, argv, &i, "--device", &missing)) != NULL) {
            device = value;
        } else if (!missing && (value = option_value(argc, argv, &i, "--baud", &missing)) != NULL) {
            speed_t speed;
            if (!cli_number(value, 1, 4000000, &baud) || !baud_speed(baud, &speed)) {
                fprintf(stderr, "meterbus wmbus: --baud: not a rate the line can take: %s\n",
                        value);
                status = usage(stderr);
            }
        } else if (!missing && (value = option_value(argc, argv, &i, "--keys", &missing)) != NULL) {
            if (!cli_keys_load(&s->keys, value, "wmbus")) {
                status = CLI_USAGE;
            }
        } else if (!missing && (value = option_value(argc, argv, &i, "--key", &missing)) != NULL) {
            if (!cli_keys_set_default(&s->keys, value)) {
                fputs("meterbus wmbus: --key needs 32 hex digits (an AES-128 key)\n", stderr);
                status = CLI_USAGE;
            }
        } else if (missing) {
            fprintf(stderr, "meterbus wmbus: %s needs a value\n", arg);
            status = usage(stderr);
        } else if (strcmp(arg, "--json") == 0) {
            s->json = true;
        } else if (strcmp(arg, "--stats") == 0) {
            s->stats = true;
        } else if (strcmp(arg, "--text-after-vif") == 0) {
            s->options |= MB_RECORDS_TEXT_AFTER_VIF;
        } else if (strcmp(arg, "--text-2018") == 0) {
            s->options |= MB_RECORDS_TEXT_2018;
        } else if (cli_is_help(arg)) {
            status = usage(stdout);
        } else if (arg[0] == '-') {
            fprintf(stderr, "meterbus wmbus: unknown option %s\n", arg);
            status = usage(stderr);
        } else {
            fprintf(stderr, "meterbus wmbus: unexpected argument %s (telegrams come on lines)\n",
                    arg);
            status = usage(stderr);
        }
    }
    if (status < 0 && baud != 0u && device == NULL) {
        fputs("meterbus wmbus: --baud is for --device\n", stderr);
        status = usage(stderr);
    }
    if (status < 0) {
        cli_on_signal(SIGINT, on_interrupt);
        cli_on_signal(SIGTERM, on_interrupt);
        speed_t speed = B9600;
        (void)baud_speed(baud != 0u ? baud : DEFAULT_BAUD, &speed);
        int fd = device != NULL ? open_device(device, speed) : STDIN_FILENO;
        if (fd < 0) {
            status = CLI_LINE;
        } else {
            bool input_ok = run(s, fd, device != NULL ? device : "standard input");
            if (device != NULL) {
                close(fd);
            }
            if (s->stats && s->json) {
                print_summary_json(s);
            } else if (s->stats) {
                print_counters(s, stdout, "summary: ");
            }
            bool output_ok = fflush(stdout) == 0 && !ferror(stdout);
            if (!output_ok) {
                fputs("meterbus wmbus: error writing standard output\n", stderr);
            }
            print_counters(s, stderr, "meterbus wmbus: ");
            bool all = s->count.decoded == s->count.telegrams;
            status = !input_ok ? CLI_LINE : output_ok && all ? CLI_OK : CLI_FAILED;
        }
    }
    cli_keys_wipe(&s->keys);
    free(s);
    return status;
}

#else /* !(MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY) */

int cli_wmbus(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("meterbus wmbus: built without wireless M-Bus or security\n", stderr);
    return CLI_USAGE;
}

#endif
