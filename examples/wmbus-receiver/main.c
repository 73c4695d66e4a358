/*
 * A wireless M-Bus receiver the way firmware behind a raw sub-GHz radio (a CC1101 or SX127x in
 * mode T1) does it: the chips the radio delivers after its sync word are decoded from 3-of-6 as
 * they arrive, the frame's block CRCs (format A) are checked, the telegram is decrypted and its
 * records are printed. Every buffer has a fixed size; nothing is allocated.
 *
 *   wmbus-receiver [--key HEX] [FILE | -]
 *
 * FILE (stdin for -) holds one radio packet per line, as hex: the chip bytes that followed the
 * sync word, as the radio's FIFO handed them over. Blank lines and text after # are skipped.
 *
 * Without FILE the program plays both sides: first the meter, which builds an OMS telegram,
 * encrypts it in security mode 5 with the key "METERBUS EXAMPLE" (hex 4D45544552425553
 * 204558414D504C45), adds the block CRCs and encodes it in 3-of-6, as a meter's firmware does
 * before handing the chips to its transmitter; then the receiver, which takes those chips. The
 * receiver uses --key when given, else that key.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "meterbus/meterbus.h"

#define FIFO_CHUNK 16u   /* chip bytes the radio hands over at a time (its FIFO threshold) */
#define LINE_CAP   2048u /* one packet as hex: MB_W3OF6_MAX_TX_LEN bytes, with spaces */

/* The sample meter's key: the characters "METERBUS EXAMPLE". */
static const uint8_t sample_key[16] = {0x4D, 0x45, 0x54, 0x45, 0x52, 0x42, 0x55, 0x53,
                                       0x20, 0x45, 0x58, 0x41, 0x4D, 0x50, 0x4C, 0x45};

/* The receiver's state: a firmware keeps it in static memory or in its radio task. */
typedef struct receiver {
    mb_w3of6_rx_t rx;
    uint8_t air[MB_WFRAME_MAX_RAW_LEN]; /* the frame as sent: with its block CRCs */
    uint8_t frame[MB_WFRAME_MAX_LEN];   /* without them */
    uint8_t plain[MB_WFRAME_MAX_LEN];   /* decrypted */
    const uint8_t *key;                 /* 16 bytes, or NULL */
} receiver_t;

/* One key for every meter here; a real receiver looks req->meter up in its key table. */
static int lookup_key(void *ctx, const mb_key_request_t *req, uint8_t key[16])
{
    (void)req;
    memcpy(key, ctx, 16);
    return MB_OK;
}

/* ---- the meter's side --------------------------------------------------------------------- */

/* Build, encrypt, add CRCs, encode in 3-of-6. @return the chip bytes in @p chips. */
static size_t sample_transmission(uint8_t *chips, size_t cap)
{
    mb_secondary_t meter = {0x20261130u, mb_manufacturer_code("ABC"), 0x01, 0x07}; /* water */
    static const uint8_t tpl_and_data[] = {
        0x7A, 0x01, 0x00, 0x20, 0x25,       /* short header: access 1, status 0, mode 5, 2 blocks */
        0x2F, 0x2F,                         /* what the receiver checks after decrypting */
        0x04, 0x13, 0x40, 0xE2, 0x01, 0x00, /* volume 123456 l */
        0x02, 0x3B, 0x52, 0x03,             /* volume flow 850 l/h */
        0x44, 0x13, 0xC0, 0xD4, 0x01, 0x00, /* volume 120000 l at the last due date (storage 1) */
        0x04, 0x6D, 0x00, 0x0C, 0x5E, 0x3B, /* date and time 2026-11-30 12:00 (type F) */
        0x02, 0xFD, 0x17, 0x00, 0x00,       /* error flags: none */
        0x2F, 0x2F, 0x2F,                   /* fill to the end of the second block */
    };
    uint8_t frame[MB_WFRAME_MAX_LEN];
    uint8_t air[MB_WFRAME_MAX_RAW_LEN];
    (void)mb_wframe_header(frame, sizeof frame, MB_C_SND_NR, &meter);
    memcpy(frame + MB_WFRAME_HEADER_LEN, tpl_and_data, sizeof tpl_and_data);
    size_t len = MB_WFRAME_HEADER_LEN + sizeof tpl_and_data;
    mb_keys_t keys = {lookup_key, (void *)(uintptr_t)sample_key, NULL};
    int n = mb_wmsg_seal(frame, len, &keys);
    if (n == MB_OK) {
        n = mb_wframe_encode(frame, len, MB_WFORMAT_A, air, sizeof air);
    }
    if (n > 0) {
        n = mb_w3of6_encode(air, (size_t)n, chips, cap);
    }
    printf("meter: %zu bytes of telegram, sent as %d chip bytes (3-of-6, format A, mode 5)\n", len,
           n);
    return n > 0 ? (size_t)n : 0u;
}

/* ---- the receiver's side ------------------------------------------------------------------ */

/* mantissa x 10^exponent as exact decimal text (scientific outside the usual range). */
static void decimal_text(int64_t mantissa, int exponent, char *out, size_t cap)
{
    char digits[48];
    uint64_t magnitude = mantissa < 0 ? 0u - (uint64_t)mantissa : (uint64_t)mantissa;
    if (exponent < -24 || exponent > 12) {
        snprintf(out, cap, "%" PRId64 "e%d", mantissa, exponent);
        return;
    }
    int n =
        snprintf(digits, sizeof digits, "%0*" PRIu64, exponent < 0 ? 1 - exponent : 1, magnitude);
    int point = exponent < 0 ? n + exponent : n;
    snprintf(out, cap, "%s%.*s%s%s%.*s", mantissa < 0 ? "-" : "", point, digits,
             exponent < 0 ? "." : "", exponent < 0 ? digits + point : "",
             exponent > 0 ? exponent : 0, "000000000000");
}

static void print_record(const mb_record_t *rec)
{
    char value[64];
    const mb_value_t *v = &rec->value;
    const mb_datetime_t *d = &v->datetime;
    if (v->kind == MB_VALUE_NUMBER) {
        decimal_text(v->mantissa, v->exponent, value, sizeof value);
    } else if (v->kind == MB_VALUE_DATE && (d->flags & MB_DT_HAS_TIME) != 0u) {
        snprintf(value, sizeof value, "%04u-%02u-%02uT%02u:%02u", (unsigned)d->year,
                 (unsigned)d->month, (unsigned)d->day, (unsigned)d->hour, (unsigned)d->minute);
    } else if (v->kind == MB_VALUE_DATE) {
        snprintf(value, sizeof value, "%04u-%02u-%02u", (unsigned)d->year, (unsigned)d->month,
                 (unsigned)d->day);
#if MB_ENABLE_REAL32
    } else if (v->kind == MB_VALUE_REAL) {
        snprintf(value, sizeof value, "%ge%d", (double)v->real, v->exponent);
#endif
    } else { /* texts (last character first), bit fields, no data: the bytes as sent */
        size_t k = 0;
        for (size_t i = 0; i < v->len && k + 3u < sizeof value; i++, k += 2u) {
            snprintf(value + k, sizeof value - k, "%02X", v->bytes[i]);
        }
        snprintf(value + k, sizeof value - k, "%s", k == 0u ? "-" : "");
    }
    const char *unit = mb_unit_name(rec->unit);
    printf("  %-24s %s%s%s", mb_quantity_name(rec->quantity), value, unit[0] ? " " : "", unit);
    if (rec->storage != 0u) {
        printf("  (storage %" PRIu64 ")", rec->storage);
    }
    putchar('\n');
}

/* Receive one packet of @p n chip bytes. @return true when its records could be read. */
static bool receive(receiver_t *r, const uint8_t *chips, size_t n)
{
    /* In firmware: init when the radio reports the sync word, feed from the FIFO interrupt. */
    mb_w3of6_rx_init(&r->rx, r->air, sizeof r->air);
    int got = 0;
    for (size_t i = 0; i < n && got == 0; i += FIFO_CHUNK) {
        got = mb_w3of6_rx_feed(&r->rx, chips + i, n - i < FIFO_CHUNK ? n - i : FIFO_CHUNK);
        /* Once the L field is in, mb_w3of6_rx_chip_len() gives the radio's packet length. */
    }
    if (got <= 0) {
        printf("  error: %s", got == 0 ? "radio: packet ended inside the frame" : mb_strerror(got));
        if (got == MB_ERR_WL_3OF6) {
            printf(" (symbol %zu)", mb_w3of6_rx_bad_symbol(&r->rx));
        }
        putchar('\n');
        return false;
    }
    mb_wframe_t wf;
    int err = mb_wframe_decode(r->air, (size_t)got, MB_WFORMAT_A, r->frame, sizeof r->frame, &wf);
    if (err < 0) {
        printf("  error: %s", mb_strerror(err));
        if (err == MB_ERR_WL_CRC) { /* bit k: block k, the 10-byte header being block 0 */
            printf(" (blocks 0x%05" PRIX32 ")", wf.crc_errors);
        }
        putchar('\n');
        return false;
    }
    printf("  link: %d bytes on air, %u CRC blocks ok\n", err, (unsigned)wf.blocks);

    mb_keys_t keys = {r->key != NULL ? lookup_key : NULL, (void *)(uintptr_t)r->key, NULL};
    mb_wmsg_t msg;
    err = mb_wmsg_open(wf.frame, wf.frame_len, &keys, r->plain, sizeof r->plain, &msg);
    char id[9];
    char man[4];
    const mb_secondary_t *m = msg.has_tpl && msg.tpl.has_address ? &msg.tpl.address : &msg.link;
    mb_id_text(m->id, id);
    (void)mb_manufacturer_text(m->manufacturer, man);
    printf("  meter %s %s %s, security mode %u: %s\n", id, man, mb_medium_name(m->medium),
           (unsigned)msg.security_mode, err == MB_OK ? "ok" : mb_strerror(err));
    if (err != MB_OK) {
        return false;
    }
    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
    while ((err = mb_records_next(&it, &rec)) == 1) {
        print_record(&rec);
    }
    if (err < 0) {
        printf("  records: %s\n", mb_strerror(err));
    }
    return err == 0;
}

/* Hex digits of @p text into @p out, spaces allowed, # starts a comment. @return bytes or -1. */
static int parse_hex(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int half = -1;
    for (; *text != '\0' && *text != '#'; text++) {
        const char *hex = "0123456789abcdef0123456789ABCDEF";
        const char *at = strchr(hex, *text);
        if (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n') {
            continue;
        }
        if (at == NULL || (half < 0 && n == cap)) {
            return -1;
        }
        int digit = (int)((at - hex) % 16);
        if (half < 0) {
            half = digit;
        } else {
            out[n++] = (uint8_t)(half << 4 | digit);
            half = -1;
        }
    }
    return half < 0 ? (int)n : -1;
}

int main(int argc, char **argv)
{
    static receiver_t receiver;
    static uint8_t chips[MB_W3OF6_MAX_TX_LEN];
    uint8_t key[16];
    const char *path = NULL;
    receiver.key = sample_key;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            if (parse_hex(argv[++i], key, sizeof key) != 16) {
                fprintf(stderr, "wmbus-receiver: --key wants 32 hex digits\n");
                return 2;
            }
            receiver.key = key;
        } else if (path == NULL && (argv[i][0] != '-' || argv[i][1] == '\0')) {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: %s [--key HEX] [FILE | -]\n", argv[0]);
            return 2;
        }
    }
    if (path == NULL) {
        size_t n = sample_transmission(chips, sizeof chips);
        printf("packet 1: %zu chip bytes\n", n);
        return receive(&receiver, chips, n) ? 0 : 1;
    }
    if (receiver.key == sample_key) {
        receiver.key = NULL; /* the sample's key is the sample meter's only */
    }
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (in == NULL) {
        perror(path);
        return 2;
    }
    static char line[LINE_CAP];
    unsigned packets = 0;
    bool all_ok = true;
    while (fgets(line, sizeof line, in) != NULL) {
        int n = parse_hex(line, chips, sizeof chips);
        if (n == 0) {
            continue; /* blank or comment */
        }
        bool whole = strchr(line, '\n') != NULL || feof(in);
        for (int c = 0; !whole && c != '\n' && c != EOF;) {
            c = fgetc(in); /* the rest of a line too long for any frame */
        }
        printf("packet %u: %d chip bytes\n", ++packets, n);
        if (n < 0 || !whole) {
            printf("  not hex, or longer than any frame\n");
            all_ok = false;
        } else if (!receive(&receiver, chips, (size_t)n)) {
            all_ok = false;
        }
    }
    if (in != stdin) {
        fclose(in);
    }
    return all_ok && packets > 0u ? 0 : 1;
}
