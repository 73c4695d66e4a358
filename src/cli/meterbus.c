/*
 * meterbus: the command-line tool (host only). This file holds main() and `meterbus decode`;
 * the bus commands are in bus.c (scan, read) and admin.c (set-address, set-baud, reset, send),
 * the simulator in sim.c, the wireless receiver in wmbus.c, the tour in demo.c, the tables in
 * table.c. docs/cli.md documents every command.
 *
 *   meterbus decode [--json] [options] [HEX ... | -]
 *       Decode wired and wireless M-Bus telegrams given as hex (with or without spaces, either
 *       case) and print each as a table, or with --json as one JSON object per line. Telegrams
 *       come from the arguments, or one per line from standard input ("-", or no telegram
 *       arguments at all; blank lines and lines starting with '#' are skipped). An argument
 *       holding only the start of a frame is continued by the arguments after it until the
 *       length in the frame's header is reached, so a telegram may also be written one byte per
 *       argument: meterbus decode 10 7B 05 80 16. With --json a telegram that does not decode
 *       gives {"error": {"code", "message"}} (or the fields read before the problem and
 *       "error"), never half an object. A telegram that is not a wired frame is read as a
 *       wireless one: with block CRCs (format A or B, told apart by the CRCs), or without them
 *       when its length is exactly L + 1 (see cli_wireless_frame() for the one ambiguous case).
 *       Compact frames are expanded with the formats of full frames seen earlier in the run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keys.h"
#include "meterbus/meterbus.h"

#define JSON_CAP (64u * 1024u) /* enough for 252 bytes of the densest records */
#define LINE_CAP 8192u
/* One more than the longest frame, wired or wireless on the air, so that a longer one is seen. */
#define TELEGRAM_CAP (MB_WFRAME_MAX_RAW_LEN + 1u)
#define FORMATS      32u /* compact-frame formats remembered in a run */

/* What decoding needs besides the telegram: options, keys, formats, the output buffer. */
typedef struct session {
    unsigned options;
    cli_keys_t keys;
    mb_format_t formats[FORMATS];
    mb_format_cache_t cache;
    bool json_out;  /* --json: JSON lines; else tables */
    unsigned shown; /* telegrams printed */
    char *json;
} session_t;

static int usage(FILE *to)
{
    fputs("usage: meterbus COMMAND [OPTIONS]   (meterbus COMMAND --help for its options)\n"
          "\n"
          "  decode       decode wired and wireless telegrams given in hex\n"
          "  wmbus        decode and decrypt wireless telegrams from stdin or a receiver\n"
          "  scan         find the meters of a segment by primary or secondary address\n"
          "  read         read every telegram of one meter\n"
          "  set-address  give a meter a new primary address\n"
          "  set-baud     switch a meter to another baud rate\n"
          "  reset        application or link reset of a meter\n"
          "  send         send one raw frame and show the answer\n"
          "  sim          serve simulated meters over TCP or a pseudo-terminal\n"
          "  demo         a tour of all of it on a simulated segment\n"
          "  version      print the version\n"
          "\n"
          "Bus commands take --tcp HOST:PORT (a transparent M-Bus/TCP gateway) or --device\n"
          "PATH (a serial level converter) and --baud B. Output is a table for people; --json\n"
          "gives JSON for programs. Exit status: 0 done, 1 failed (a telegram did not decode,\n"
          "a meter refused), 2 usage, 3 no answer, 4 the line failed.\n",
          to);
    return to == stdout ? CLI_OK : CLI_USAGE;
}

static int decode_usage(FILE *to)
{
    fputs("usage: meterbus decode [--json] [--text-after-vif | --text-2018] [--key HEX]\n"
          "                       [--keys FILE] [HEX ... | -]\n",
          to);
    if (to == stdout) {
        fputs("\nDecode each telegram (wired or wireless M-Bus, hex, spaces optional) and print\n"
              "it as a table, or with --json as one JSON object per line. Telegrams come from\n"
              "the arguments, or one per line from standard input when there are none or the\n"
              "argument is '-' (blank lines and '#' comments skipped). An argument with only\n"
              "the start of a frame is continued by the next ones up to the frame's length,\n"
              "so 'meterbus decode 10 7B 05 80 16' is one telegram. A wireless telegram may\n"
              "come with its block CRCs (format A or B) or without them.\n"
              "  --json            one JSON object per telegram and line\n"
              "  --text-after-vif  plain-text units right after the VIF (older meters)\n"
              "  --text-2018       plain-text units after the last VIFE only (EN 13757-3:2018)\n"
              "  --key HEX         AES-128 key for encrypted wireless telegrams (32 hex digits)\n"
              "  --keys FILE       keys per meter, lines of 'ID KEY' (8-digit ID, 32 hex digits)\n"
              "\nExit status: 0 all decoded, 1 some did not, 2 usage error.\n",
              to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

static void print_hex_error(const session_t *s, int err)
{
    const char *message = cli_hex_message(err);
    if (s->json_out) {
        printf("{\"error\":{\"code\":\"hex\",\"message\":\"%s\"}}\n", message);
    } else {
        printf("error: %s\n", message);
    }
}

/* The error @p err alone, as JSON or as a line of text. */
static void print_error(const session_t *s, int err)
{
    if (s->json_out) {
        int len = mb_json_error(err, s->json, JSON_CAP);
        if (len > 0) {
            fwrite(s->json, 1, (size_t)len, stdout);
        }
        putchar('\n');
    } else {
        printf("error: %s\n", mb_strerror(err));
    }
}

static int decode_wireless(session_t *s, uint8_t *bytes, size_t n, int wired_err)
{
    uint8_t frame[MB_WFRAME_MAX_LEN];
    mb_wframe_t wf;
    int r = cli_wireless_frame(bytes, n, frame, &wf);
    if (r < 0) {
        /*
         * Neither: one that starts like a wired frame, or is too short for a wireless one, gets
         * the wired reason.
         */
        bool wired_start =
            bytes[0] == 0x68u || bytes[0] == 0x10u || bytes[0] == 0xE5u || bytes[0] == 0xA2u;
        print_error(s, wired_start || n < MB_WFRAME_MIN_LEN ? wired_err : r);
        return 1;
    }
    if ((size_t)r < n) { /* bytes after the frame */
        print_error(s, MB_ERR_FRAME_TRAILING);
        return 1;
    }
    mb_wmsg_t msg;
    int status = cli_wmsg_open(&wf, &s->keys, &s->cache, frame, sizeof frame, &msg);
    if (!s->json_out) {
        int shown = cli_table_wmsg(stdout, &wf, &msg, status, &s->cache, s->options);
        return status == MB_OK && shown == MB_OK ? 0 : 1;
    }
    int err;
    int len = mb_json_wmsg(&wf, &msg, status, &s->cache, s->options, s->json, JSON_CAP, &err);
    if (len < 0) {
        err = len;
        len = mb_json_error(err, s->json, JSON_CAP);
    }
    cli_print_json(s->json, len);
    return err == MB_OK ? 0 : 1;
}

/* Print one JSON line for the telegram bytes[0..n). @return 0 when it decoded completely. */
static int decode_bytes(session_t *s, uint8_t *bytes, size_t n)
{
    if (!s->json_out && s->shown++ > 0u) {
        putchar('\n'); /* a blank line between tables */
    }
    mb_frame_t frame;
    int len;
    int err = n > 0u ? mb_frame_decode(bytes, n, &frame) : MB_ERR_FRAME_EMPTY;
    if (err != MB_OK && n > 0u) {
        return decode_wireless(s, bytes, n, err);
    }
    if (!s->json_out) {
        if (err != MB_OK) {
            print_error(s, err);
            return 1;
        }
        return cli_table_frame(stdout, &frame, s->options) == MB_OK ? 0 : 1;
    }
    if (err != MB_OK) {
        len = mb_json_error(err, s->json, JSON_CAP);
    } else {
        len = mb_json_frame(&frame, s->options, s->json, JSON_CAP, &err);
    }
    if (len < 0) {
        err = len;
        len = mb_json_error(err, s->json, JSON_CAP);
    }
    cli_print_json(s->json, len);
    return err == MB_OK ? 0 : 1;
}

/* Print one JSON line for one telegram in hex. @return 0 when it decoded completely. */
static int decode_text(session_t *s, const char *text)
{
    uint8_t bytes[TELEGRAM_CAP];
    size_t n = 0;
    int err = cli_parse_hex(text, bytes, sizeof bytes, &n);
    if (err != CLI_HEX_OK) {
        print_hex_error(s, err);
        return 1;
    }
    return decode_bytes(s, bytes, n);
}

static int decode_stream(session_t *s, FILE *in)
{
    static char line[LINE_CAP];
    int failed = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        size_t len = strlen(line);
        if (len + 1u == sizeof line && line[len - 1u] != '\n') {
            int c;
            while ((c = fgetc(in)) != EOF && c != '\n') {
            }
            print_hex_error(s, CLI_HEX_LINE_LONG);
            failed = 1;
            fflush(stdout);
            continue;
        }
        const char *p = line;
        while (cli_is_space(*p)) {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            continue; /* blank lines and comments */
        }
        failed |= decode_text(s, p);
        fflush(stdout);
    }
    if (ferror(in)) {
        fputs("meterbus decode: error reading standard input\n", stderr);
        failed = 1;
    }
    return failed;
}

/*
 * How many bytes the frame starting with p[0..n) has in all, from its header; 0 while the header
 * is not complete. Anything that is not the start of a frame is taken as it is (and rejected by
 * the frame decoder).
 */
static size_t frame_size(const uint8_t *p, size_t n)
{
    if (n == 0u) {
        return 0u;
    }
    switch (p[0]) {
    case 0x10: return 5u;
    case 0x68: return n >= 2u ? (size_t)p[1] + 6u : 0u;
    default: return n;
    }
}

/* The telegram arguments argv[0..argc) ("-" reads standard input). */
static int decode_args(session_t *s, int argc, char **argv)
{
    uint8_t bytes[TELEGRAM_CAP];
    size_t n = 0;
    int failed = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (n > 0u) {
                failed |= decode_bytes(s, bytes, n); /* a frame cut short */
                n = 0;
            }
            failed |= decode_stream(s, stdin);
            continue;
        }
        int err = cli_parse_hex(argv[i], bytes, sizeof bytes, &n);
        if (err != CLI_HEX_OK) {
            print_hex_error(s, err); /* one error for this argument and those it continued */
            failed = 1;
            n = 0;
            continue;
        }
        size_t size = frame_size(bytes, n);
        if (size != 0u && n >= size) {
            failed |= decode_bytes(s, bytes, n);
            n = 0;
        }
    }
    if (n > 0u) {
        failed |= decode_bytes(s, bytes, n); /* a frame cut short */
    }
    return failed;
}

int cli_decode(int argc, char **argv)
{
    session_t *s = calloc(1, sizeof *s);
    char *json = malloc(JSON_CAP);
    if (s == NULL || json == NULL) {
        fputs("meterbus: out of memory\n", stderr);
        free(s);
        free(json);
        return 2;
    }
    s->json = json;
    mb_format_cache_init(&s->cache, s->formats, FORMATS);
    int telegrams = 0;
    int status = -1;
    bool end_of_options = false;
    /* Options first, wherever they are; the telegrams are moved to the front, in order. */
    for (int i = 0; i < argc && status < 0; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        if (!end_of_options && (strcmp(arg, "--key") == 0 || strcmp(arg, "--keys") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "meterbus decode: %s needs a value\n", arg);
                status = decode_usage(stderr);
                break;
            }
            value = argv[++i];
        } else if (!end_of_options && strncmp(arg, "--key=", 6) == 0) {
            value = arg + 6;
            arg = "--key";
        } else if (!end_of_options && strncmp(arg, "--keys=", 7) == 0) {
            value = arg + 7;
            arg = "--keys";
        }
        if (end_of_options || arg[0] != '-' || strcmp(arg, "-") == 0) {
            argv[telegrams++] = argv[i];
        } else if (value != NULL && strcmp(arg, "--key") == 0) {
            if (!cli_keys_set_default(&s->keys, value)) {
                fputs("meterbus decode: --key needs 32 hex digits (an AES-128 key)\n", stderr);
                status = 2;
            }
        } else if (value != NULL) {
            if (!cli_keys_load(&s->keys, value, "decode")) {
                status = 2;
            }
        } else if (strcmp(arg, "--") == 0) {
            end_of_options = true;
        } else if (strcmp(arg, "--json") == 0) {
            s->json_out = true;
        } else if (strcmp(arg, "--text-after-vif") == 0) {
            s->options |= MB_RECORDS_TEXT_AFTER_VIF;
        } else if (strcmp(arg, "--text-2018") == 0) {
            s->options |= MB_RECORDS_TEXT_2018;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            status = decode_usage(stdout);
        } else {
            fprintf(stderr, "meterbus decode: unknown option %s\n", arg);
            status = decode_usage(stderr);
        }
    }
    if (status < 0) {
        int failed;
        if (telegrams == 0) {
            failed = decode_stream(s, stdin);
        } else {
            failed = decode_args(s, telegrams, argv);
        }
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fputs("meterbus decode: error writing standard output\n", stderr);
            failed = 1;
        }
        status = failed;
    }
    free(json);
    cli_keys_wipe(&s->keys);
    free(s);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage(stderr);
    }
    if (strcmp(argv[1], "decode") == 0) {
        return cli_decode(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "scan") == 0) {
        return cli_scan(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "read") == 0) {
        return cli_read(argc - 2, argv + 2);
    }
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"sim", cli_sim},           {"set-address", cli_set_address},
        {"set-baud", cli_set_baud}, {"reset", cli_reset},
        {"send", cli_send},         {"wmbus", cli_wmbus},
        {"demo", cli_demo},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].run(argc - 2, argv + 2);
        }
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        if (argc > 2 && cli_is_help(argv[2])) {
            fputs("usage: meterbus version [--json]\n\nPrint the version of the tool and "
                  "library.\n\nExit status: 0.\n",
                  stdout);
        } else if (argc > 2 && strcmp(argv[2], "--json") == 0) {
            printf("{\"version\":\"%s\"}\n", mb_version());
        } else {
            printf("meterbus %s\n", mb_version());
        }
        return CLI_OK;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        return usage(stdout);
    }
    fprintf(stderr, "meterbus: unknown command %s\n", argv[1]);
    return usage(stderr);
}
