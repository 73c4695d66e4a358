/*
 * meterbus: the command-line tool (host only).
 *
 *   meterbus decode [options] [HEX ... | -]
 *       Decode wired M-Bus telegrams given as hex (with or without spaces, either case) and print
 *       one JSON object per telegram, one per line. Telegrams come from the arguments, or one per
 *       line from standard input ("-", or no telegram arguments at all; blank lines and lines
 *       starting with '#' are skipped). An argument holding only the start of a frame is
 *       continued by the arguments after it until the length in the frame's header is reached,
 *       so a telegram may also be written one byte per argument: meterbus decode 10 7B 05 80 16.
 *       A telegram that does not decode gives {"error": {"code", "message"}} (or the fields read
 *       before the problem and "error"), never half an object.
 *       Exit status 0 when every telegram decoded, 1 when any did not, 2 on usage errors.
 *       Options (anywhere before "--"):
 *         --text-after-vif  read plain-text units in the older order (right after the VIF)
 *         --text-2018       read plain-text units in the EN 13757-3:2018 order only
 *         --key HEX         wireless M-Bus decryption key: not supported yet (usage error)
 *   meterbus version
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/meterbus.h"

#define JSON_CAP     (64u * 1024u) /* enough for 252 bytes of the densest records */
#define LINE_CAP     8192u
#define TELEGRAM_CAP (MB_FRAME_MAX_LEN + 1u) /* one more, so that a frame too long is seen */

static int usage(FILE *to)
{
    fputs("usage: meterbus decode [--text-after-vif | --text-2018] [HEX ... | -]\n"
          "       meterbus version\n"
          "       meterbus help\n"
          "\n"
          "decode  print each telegram (wired M-Bus frame as hex, spaces optional) as one JSON\n"
          "        object per line; telegrams come from the arguments, or one per line from\n"
          "        standard input when there are none or the argument is '-'. An argument with\n"
          "        only the start of a frame is continued by the next ones up to the frame's\n"
          "        length, so 'meterbus decode 10 7B 05 80 16' is one telegram.\n"
          "        Exit status: 0 all decoded, 1 some did not, 2 usage error.\n"
          "  --text-after-vif  plain-text units right after the VIF (older meters)\n"
          "  --text-2018       plain-text units after the last VIFE only (EN 13757-3:2018)\n"
          "  --key HEX         key for encrypted wireless M-Bus telegrams: not supported yet\n",
          to);
    return to == stdout ? 0 : 2;
}

/* Errors of the hex text itself; they are not mb_err codes, all have the code "hex". */
#define HEX_OK         0
#define HEX_NOT_HEX    (-1)
#define HEX_ODD        (-2)
#define HEX_TOO_LONG   (-3)
#define HEX_LINE_LONG  (-4)
#define HEX_SPLIT_BYTE (-5)

static void print_hex_error(int err)
{
    const char *message = "not a hex telegram";
    switch (err) {
    case HEX_ODD: message = "odd number of hex digits"; break;
    case HEX_TOO_LONG: message = "telegram longer than the longest frame (261 bytes)"; break;
    case HEX_LINE_LONG: message = "line too long"; break;
    case HEX_SPLIT_BYTE: message = "white space inside a byte (two hex digits)"; break;
    default: break;
    }
    printf("{\"error\":{\"code\":\"hex\",\"message\":\"%s\"}}\n", message);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/*
 * Hex text to bytes appended at out[*n]; white space may separate byte pairs.
 * @return HEX_OK, or a HEX_* error (then *n is unspecified)
 */
static int parse_hex(const char *text, uint8_t *out, size_t cap, size_t *n)
{
    int high = -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (is_space(*p)) {
            if (high >= 0) {
                /* "1 2": a digit alone before white space; "1" at the very end is odd. */
                const char *q = p;
                while (is_space(*q)) {
                    q++;
                }
                return *q == '\0' ? HEX_ODD : HEX_SPLIT_BYTE;
            }
            continue;
        }
        int d = hex_value(*p);
        if (d < 0) {
            return HEX_NOT_HEX;
        }
        if (high < 0) {
            high = d;
        } else {
            if (*n >= cap) {
                return HEX_TOO_LONG;
            }
            out[(*n)++] = (uint8_t)(high << 4 | d);
            high = -1;
        }
    }
    return high >= 0 ? HEX_ODD : HEX_OK;
}

/* Print one JSON line for the telegram bytes[0..n). @return 0 when it decoded completely. */
static int decode_bytes(const uint8_t *bytes, size_t n, unsigned options, char *json)
{
    mb_frame_t frame;
    int len;
    int err = mb_frame_decode(bytes, n, &frame);
    if (err != MB_OK) {
        len = mb_json_error(err, json, JSON_CAP);
    } else {
        len = mb_json_frame(&frame, options, json, JSON_CAP, &err);
    }
    if (len < 0) {
        err = len;
        len = mb_json_error(err, json, JSON_CAP);
    }
    if (len < 0) {
        /* Cannot happen with JSON_CAP bytes; still a whole object rather than nothing. */
        puts("{\"error\":{\"code\":\"nospace\",\"message\":\"output too long\"}}");
        return 1;
    }
    fwrite(json, 1, (size_t)len, stdout);
    putchar('\n');
    return err == MB_OK ? 0 : 1;
}

/* Print one JSON line for one telegram in hex. @return 0 when it decoded completely. */
static int decode_text(const char *text, unsigned options, char *json)
{
    uint8_t bytes[TELEGRAM_CAP];
    size_t n = 0;
    int err = parse_hex(text, bytes, sizeof bytes, &n);
    if (err != HEX_OK) {
        print_hex_error(err);
        return 1;
    }
    return decode_bytes(bytes, n, options, json);
}

static int decode_stream(FILE *in, unsigned options, char *json)
{
    static char line[LINE_CAP];
    int failed = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        size_t len = strlen(line);
        if (len + 1u == sizeof line && line[len - 1u] != '\n') {
            int c;
            while ((c = fgetc(in)) != EOF && c != '\n') {
            }
            print_hex_error(HEX_LINE_LONG);
            failed = 1;
            fflush(stdout);
            continue;
        }
        const char *p = line;
        while (is_space(*p)) {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            continue; /* blank lines and comments */
        }
        failed |= decode_text(p, options, json);
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
static int decode_args(int argc, char **argv, unsigned options, char *json)
{
    uint8_t bytes[TELEGRAM_CAP];
    size_t n = 0;
    int failed = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (n > 0u) {
                failed |= decode_bytes(bytes, n, options, json); /* a frame cut short */
                n = 0;
            }
            failed |= decode_stream(stdin, options, json);
            continue;
        }
        int err = parse_hex(argv[i], bytes, sizeof bytes, &n);
        if (err != HEX_OK) {
            print_hex_error(err); /* one error for this argument and those it continued */
            failed = 1;
            n = 0;
            continue;
        }
        size_t size = frame_size(bytes, n);
        if (size != 0u && n >= size) {
            failed |= decode_bytes(bytes, n, options, json);
            n = 0;
        }
    }
    if (n > 0u) {
        failed |= decode_bytes(bytes, n, options, json); /* a frame cut short */
    }
    return failed;
}

static int cmd_decode(int argc, char **argv)
{
    unsigned options = 0;
    int telegrams = 0;
    bool end_of_options = false;
    /* Options first, wherever they are; the telegrams are moved to the front, in order. */
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (end_of_options || arg[0] != '-' || strcmp(arg, "-") == 0) {
            argv[telegrams++] = argv[i];
        } else if (strcmp(arg, "--") == 0) {
            end_of_options = true;
        } else if (strcmp(arg, "--text-after-vif") == 0) {
            options |= MB_RECORDS_TEXT_AFTER_VIF;
        } else if (strcmp(arg, "--text-2018") == 0) {
            options |= MB_RECORDS_TEXT_2018;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            return usage(stdout);
        } else if (strcmp(arg, "--key") == 0 || strncmp(arg, "--key=", 6) == 0) {
            fputs("meterbus decode: --key is not supported yet: this version decodes wired "
                  "M-Bus only, and decryption of wireless M-Bus telegrams is still to come\n",
                  stderr);
            return 2;
        } else {
            fprintf(stderr, "meterbus decode: unknown option %s\n", arg);
            return usage(stderr);
        }
    }
    char *json = malloc(JSON_CAP);
    if (json == NULL) {
        fputs("meterbus: out of memory\n", stderr);
        return 2;
    }
    int failed;
    if (telegrams == 0) {
        failed = decode_stream(stdin, options, json);
    } else {
        failed = decode_args(telegrams, argv, options, json);
    }
    free(json);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("meterbus decode: error writing standard output\n", stderr);
        failed = 1;
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage(stderr);
    }
    if (strcmp(argv[1], "decode") == 0) {
        return cmd_decode(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("meterbus %s\n", mb_version());
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        return usage(stdout);
    }
    fprintf(stderr, "meterbus: unknown command %s\n", argv[1]);
    return usage(stderr);
}
