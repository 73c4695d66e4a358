/*
 * meterbus: the command-line tool (host only).
 *
 *   meterbus decode [options] [HEX ... | -]
 *       Decode telegrams given as hex (with or without spaces) on the command line, or one per
 *       line on standard input ("-" or no telegram arguments), and print one JSON object per
 *       telegram. Exit status 0 when every telegram decoded, 1 when any did not, 2 on usage errors.
 *       Options:
 *         --text-after-vif  read plain-text units in the older order (right after the VIF)
 *         --text-2018       read plain-text units in the EN 13757-3:2018 order only
 *   meterbus version
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/meterbus.h"

#define JSON_CAP (64u * 1024u) /* enough for 252 bytes of the densest records */
#define LINE_CAP 8192u

static int usage(FILE *to)
{
    fputs("usage: meterbus decode [--text-after-vif | --text-2018] [HEX ... | -]\n"
          "       meterbus version\n"
          "\n"
          "decode  print each telegram (wired M-Bus frame as hex, spaces optional) as one JSON\n"
          "        object per line; telegrams come from the arguments, or one per line from\n"
          "        standard input when there are none or the argument is '-'\n",
          to);
    return to == stdout ? 0 : 2;
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

/* Hex text to bytes; white space may separate byte pairs. @return bytes, or -1 if not hex. */
static long parse_hex(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int high = -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            if (high >= 0) {
                return -1;
            }
            continue;
        }
        int d = hex_value(*p);
        if (d < 0 || (high >= 0 && n >= cap)) {
            return -1;
        }
        if (high < 0) {
            high = d;
        } else {
            out[n++] = (uint8_t)(high << 4 | d);
            high = -1;
        }
    }
    return high >= 0 ? -1 : (long)n;
}

/* Print one JSON line for one telegram. @return 0 when it decoded completely. */
static int decode_one(const char *text, unsigned options, char *json)
{
    uint8_t bytes[MB_FRAME_MAX_LEN + 1];
    long n = parse_hex(text, bytes, sizeof bytes);
    int err;
    int len;
    if (n < 0) {
        /* Not an mb_err: the text itself is not hex. */
        puts("{\"error\":{\"code\":\"hex\",\"message\":\"not a hex telegram\"}}");
        return 1;
    }
    mb_frame_t frame;
    err = mb_frame_decode(bytes, (size_t)n, &frame);
    if (err != MB_OK) {
        len = mb_json_error(err, json, JSON_CAP);
    } else {
        len = mb_json_frame(&frame, options, json, JSON_CAP, &err);
    }
    if (len < 0) {
        len = mb_json_error(len, json, JSON_CAP);
        err = MB_ERR_NOSPACE;
    }
    fwrite(json, 1, (size_t)len, stdout);
    putchar('\n');
    return err == MB_OK ? 0 : 1;
}

static int decode_stream(FILE *in, unsigned options, char *json)
{
    static char line[LINE_CAP];
    int failed = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        size_t len = strlen(line);
        if (len + 1u == sizeof line && line[len - 1u] != '\n') {
            puts("{\"error\":{\"code\":\"hex\",\"message\":\"line too long\"}}");
            failed = 1;
            int c;
            while ((c = fgetc(in)) != EOF && c != '\n') {
            }
            continue;
        }
        const char *p = line;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#') {
            continue; /* blank lines and comments */
        }
        failed |= decode_one(p, options, json);
        fflush(stdout);
    }
    return failed;
}

static int cmd_decode(int argc, char **argv)
{
    unsigned options = 0;
    int first = 0;
    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        if (strcmp(argv[first], "--text-after-vif") == 0) {
            options |= MB_RECORDS_TEXT_AFTER_VIF;
        } else if (strcmp(argv[first], "--text-2018") == 0) {
            options |= MB_RECORDS_TEXT_2018;
        } else if (strcmp(argv[first], "--help") == 0) {
            return usage(stdout);
        } else if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else {
            fprintf(stderr, "meterbus decode: unknown option %s\n", argv[first]);
            return usage(stderr);
        }
    }
    char *json = malloc(JSON_CAP);
    if (json == NULL) {
        fputs("meterbus: out of memory\n", stderr);
        return 2;
    }
    int failed = 0;
    if (first == argc) {
        failed = decode_stream(stdin, options, json);
    }
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            failed |= decode_stream(stdin, options, json);
        } else {
            failed |= decode_one(argv[i], options, json);
        }
    }
    free(json);
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
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        return usage(stdout);
    }
    fprintf(stderr, "meterbus: unknown command %s\n", argv[1]);
    return usage(stderr);
}
