/*
 * meterbus demonstration: wired M-Bus telegrams decoded at link level, the frames a master sends,
 * the stream receiver pulling frames out of a noisy byte stream, and the data records of two
 * meters decoded to exact values and to JSON.
 *
 * Build and run (from the repository root):
 *   cmake -B build && cmake --build build && build/examples/meterbus-demo
 * or with nothing but a C compiler:
 *   cc -std=c99 -Iinclude src/[a-z]*.c examples/demo.c -o meterbus-demo
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/meterbus.h"

/* Telegrams bundled with the demonstration: what a master and its meters say on a wired bus. */
static const struct {
    const char *what;
    const char *hex;
} telegrams[] = {
    {"master resets meter 5", "10 40 05 45 16"},
    {"meter 5 acknowledges", "E5"},
    {"master asks meter 5 for data", "10 7B 05 80 16"},
    {"heat meter 5 answers (ID 71234567)",
     "68 29 29 68 08 05 72 67 45 23 71 2D 2C 1B 04 2C 00 00 00 04 06 39 30 00 00 04 13 87 D6 12 "
     "00 02 59 1A 1B 02 5D C4 0D 04 6D 1E 0A 56 3B 46 16"},
    {"master selects ID 12345678", "68 0B 0B 68 53 FD 52 78 56 34 12 FF FF FF FF B2 16"},
    {"gas meter answers as selected (OMS example)",
     "68 20 20 68 08 FD 72 78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F "
     "15 02 FD 17 00 00 89 16"},
    {"master switches meter 5 to 9600 Bd", "68 03 03 68 53 05 BD 15 16"},
    {"meter 5 reports 'application busy'", "68 04 04 68 08 05 70 08 85 16"},
    {"the heat meter's answer, one bit flipped",
     "68 29 29 68 08 05 72 67 45 23 71 2D 2C 1B 04 2C 00 00 00 04 06 39 31 00 00 04 13 87 D6 12 "
     "00 02 59 1A 1B 02 5D C4 0D 04 6D 1E 0A 56 3B 46 16"},
    {"a frame cut short", "68 29 29 68 08 05 72 67 45"},
};

#define N_TELEGRAMS (sizeof telegrams / sizeof telegrams[0])

static size_t parse_hex(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    unsigned byte;
    int used;
    while (n < cap && sscanf(text, " %2x%n", &byte, &used) == 1) {
        out[n++] = (uint8_t)byte;
        text += used;
    }
    return n;
}

static void print_hex(const uint8_t *p, size_t len, size_t max)
{
    for (size_t i = 0; i < len && i < max; i++) {
        printf("%s%02X", i ? " " : "", p[i]);
    }
    if (len > max) {
        printf(" ... (%zu bytes)", len);
    }
}

static const char *address_text(uint8_t a)
{
    switch (mb_addr_class(a)) {
    case MB_ADDR_CLASS_UNCONFIGURED: return "unconfigured";
    case MB_ADDR_CLASS_PRIMARY: return "primary";
    case MB_ADDR_CLASS_NETWORK: return "selected slave";
    case MB_ADDR_CLASS_BROADCAST_REPLY: return "broadcast, all reply";
    case MB_ADDR_CLASS_BROADCAST: return "broadcast, none reply";
    default: return "reserved";
    }
}

static void print_frame(const mb_frame_t *f)
{
    if (f->type == MB_FRAME_ACK || f->type == MB_FRAME_NACK) {
        printf("%s\n", mb_frame_type_name(f->type));
        return;
    }
    printf("%-7s", mb_frame_type_name(f->type));
    printf(" C=%02X %-7s", f->c, mb_c_name(f->c));
    if (mb_c_is_prm(f->c)) {
        printf(" FCB=%d FCV=%d", mb_c_fcb(f->c), mb_c_fcv(f->c));
    } else {
        printf(" ACD=%d DFC=%d", mb_c_acd(f->c), mb_c_dfc(f->c));
    }
    printf("  A=%u (%s)", f->a, address_text(f->a));
    if (f->type == MB_FRAME_CONTROL || f->type == MB_FRAME_LONG) {
        printf("  CI=%02X", f->ci);
        uint32_t baud = mb_ci_to_baud(f->ci);
        if (baud != 0) {
            printf(" (switch to %lu Bd)", (unsigned long)baud);
        }
    }
    printf("\n");
    if (f->data_len > 0) {
        printf("            user data: ");
        print_hex(f->data, f->data_len, 16);
        printf("\n");
    }
}

static void decode_bundled(void)
{
    printf("1. Bundled telegrams, decoded at link level\n\n");
    for (size_t i = 0; i < N_TELEGRAMS; i++) {
        uint8_t buf[MB_FRAME_MAX_LEN];
        size_t len = parse_hex(telegrams[i].hex, buf, sizeof buf);
        mb_frame_t frame;
        int err = mb_frame_decode(buf, len, &frame);
        printf("  %s\n    ", telegrams[i].what);
        if (err == MB_OK) {
            print_frame(&frame);
        } else {
            printf("rejected: %s\n", mb_strerror(err));
        }
    }
}

static void show_built(const char *what, const uint8_t *frame, int len)
{
    printf("  %-26s ", what);
    if (len < 0) {
        printf("error: %s\n", mb_strerror(len));
        return;
    }
    print_hex(frame, (size_t)len, 24);
    printf("\n");
}

static void build_requests(void)
{
    uint8_t f[MB_FRAME_MAX_LEN];
    const mb_secondary_t mask = {0x1234FFFFu, 0xFFFFu, 0xFFu, 0xFFu}; /* ID 1234xxxx, any maker */

    printf("\n2. Frames a master sends, built by the encoder\n\n");
    show_built("SND_NKE to 5", f, mb_encode_snd_nke(f, sizeof f, 5));
    show_built("REQ_UD2 to 5, FCB=1", f, mb_encode_req_ud2(f, sizeof f, 5, true));
    show_built("select ID 1234xxxx", f, mb_encode_select(f, sizeof f, false, &mask));
    show_built("set address of 5 to 10", f, mb_encode_set_address(f, sizeof f, 5, false, 10));
    show_built("switch 5 to 9600 Bd", f, mb_encode_set_baud(f, sizeof f, 5, false, 9600));
    show_built("application reset of 5", f, mb_encode_app_reset(f, sizeof f, 5, false, 0x10));
    show_built("REQ_UD2 into 4 bytes", f, mb_encode_req_ud2(f, 4, 5, true));
}

/*
 * Every bundled telegram back to back, with line noise between them, pushed through the stream
 * receiver in chunks of 1 to 16 bytes as a UART driver would deliver them.
 */
static void receive_stream(void)
{
    static const uint8_t noise[] = {0x00, 0xFF, 0x42, 0x68, 0x05, 0x10, 0x99};
    uint8_t stream[4096];
    size_t len = 0;
    for (size_t i = 0; i < N_TELEGRAMS; i++) {
        len += parse_hex(telegrams[i].hex, stream + len, sizeof stream - len);
        stream[len++] = noise[i % sizeof noise];
    }

    printf("\n3. The stream receiver: %zu bytes (telegrams and line noise) in chunks of 1..16\n\n",
           len);
    mb_rx_t rx;
    mb_rx_init(&rx, MB_RX_DEFAULT_GAP_MS);
    uint32_t now_ms = 0;
    size_t off = 0;
    unsigned seed = 7;
    while (off < len) {
        seed = seed * 1103515245u + 12345u;
        size_t end = off + 1 + (seed >> 16) % 16;
        if (end > len) {
            end = len;
        }
        now_ms += 5;
        do {
            off += mb_rx_feed(&rx, stream + off, end - off, now_ms);
            mb_frame_t frame;
            while (mb_rx_frame(&rx, &frame)) {
                printf("  received ");
                print_frame(&frame);
            }
        } while (off < end);
    }
    (void)mb_rx_poll(&rx, now_ms + 1000); /* the cut frame ends the stream: let it time out */

    const mb_rx_stats_t *st = mb_rx_stats(&rx);
    printf("\n  frames %lu, bytes discarded %lu: noise %lu, false starts %lu, bad checksum %lu, "
           "bad stop %lu, timeouts %lu\n",
           (unsigned long)st->frames, (unsigned long)st->bytes_discarded, (unsigned long)st->noise,
           (unsigned long)st->bad_header, (unsigned long)st->bad_checksum,
           (unsigned long)st->bad_stop, (unsigned long)st->timeouts);
}

/* value as exact decimal text, through the library's JSON number writer */
static const char *value_text(const mb_record_t *rec, char *buf, size_t cap)
{
    mb_json_t j;
    mb_json_init(&j, buf, cap);
    switch (rec->value.kind) {
    case MB_VALUE_NUMBER: mb_json_decimal(&j, rec->value.mantissa, rec->value.exponent); break;
    default: {
        /* Dates, texts and bytes: the record's JSON holds them; show that value. */
        mb_json_record(&j, rec);
        if (mb_json_finish(&j) < 0) {
            return "?";
        }
        char *v = strstr(buf, "\"value\":");
        if (v == NULL) {
            return "?";
        }
        v += 8;
        char *end = strstr(v, ",\"");
        char *close = strrchr(v, '}');
        if (end == NULL || (close != NULL && close < end)) {
            end = close;
        }
        if (end != NULL) {
            *end = '\0';
        }
        if (v[0] == '"') { /* a string: show it without its quotes */
            v[strlen(v) - 1] = '\0';
            v++;
        }
        return v;
    }
    }
    return mb_json_finish(&j) < 0 ? "?" : buf;
}

static void show_records(const char *what, const char *hex)
{
    uint8_t buf[MB_FRAME_MAX_LEN];
    size_t len = parse_hex(hex, buf, sizeof buf);
    mb_frame_t frame;
    mb_tpl_t tpl;
    if (mb_frame_decode(buf, len, &frame) != MB_OK ||
        mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl) != MB_OK) {
        return;
    }
    char id[9], man[4];
    mb_id_text(tpl.address.id, id);
    (void)mb_manufacturer_text(tpl.address.manufacturer, man);
    printf("  %s: ID %s, manufacturer %s, %s meter, access number %u\n", what, id, man,
           mb_medium_name(tpl.address.medium), tpl.access);
    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
    while (mb_records_next(&it, &rec) == 1) {
        char text[160];
        printf("    %-22s %16s %-4s (storage %llu, %s)\n", mb_quantity_name(rec.quantity),
               value_text(&rec, text, sizeof text), mb_unit_name(rec.unit),
               (unsigned long long)rec.storage, mb_function_name(rec.function));
    }
}

static void application_layer(void)
{
    printf("\n4. Application layer: records decoded to exact values in base units\n\n");
    show_records("heat meter", telegrams[3].hex);
    show_records("gas meter (OMS Vol.2 Annex N.2.2)", telegrams[5].hex);

    uint8_t buf[MB_FRAME_MAX_LEN];
    static char json[4096];
    mb_frame_t frame;
    int err;
    size_t len = parse_hex(telegrams[5].hex, buf, sizeof buf);
    if (mb_frame_decode(buf, len, &frame) == MB_OK &&
        mb_json_frame(&frame, 0, json, sizeof json, &err) > 0) {
        printf("\n  the gas meter's telegram as JSON (what 'meterbus decode' prints):\n  %s\n",
               json);
    }
}

int main(void)
{
    printf("meterbus %s: wired M-Bus demonstration\n\n", mb_version());
    decode_bundled();
    build_requests();
    receive_stream();
    application_layer();
    return EXIT_SUCCESS;
}
