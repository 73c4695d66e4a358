/*
 * Human-readable telegrams for the terminal: one header line for the meter, then one line per
 * record with its storage number, tariff and subunit, what it measures and its exact value.
 *
 *   meter 71234567  KAM  v44  heat  access 27  status 00
 *     st  tf  su  what                                   value
 *      0   0   0  energy                                 12345 kWh
 *      1   0   0  energy                                 11873 kWh
 *
 * JSON (--json) is the form for programs; this one is for people, so names are spaced words and
 * values keep every digit the meter sent (mantissa and decimal exponent, no rounding).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define WHAT_WIDTH 38
#define TEXT_CAP   256u

/* mantissa * 10^exponent, exactly, as decimal text. */
static void decimal_text(int64_t mantissa, int exponent, char *out, size_t cap)
{
    char digits[32];
    uint64_t mag = mantissa < 0 ? (uint64_t)0 - (uint64_t)mantissa : (uint64_t)mantissa;
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)mag);
    const char *sign = mantissa < 0 ? "-" : "";
    if (exponent >= 0) {
        if (mag == 0u || exponent > 18) {
            if (mag == 0u) {
                snprintf(out, cap, "0");
            } else {
                snprintf(out, cap, "%s%se%d", sign, digits, exponent);
            }
            return;
        }
        snprintf(out, cap, "%s%s%.*s", sign, digits, exponent, "000000000000000000");
        return;
    }
    int frac = -exponent;
    if (frac > 24) {
        snprintf(out, cap, "%s%se%d", sign, digits, exponent);
    } else if (n > frac) {
        snprintf(out, cap, "%s%.*s.%s", sign, n - frac, digits, digits + (n - frac));
    } else {
        snprintf(out, cap, "%s0.%.*s%s", sign, frac - n, "000000000000000000000000", digits);
    }
}

static void hex_text(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 3u < cap; i++) {
        used += (size_t)snprintf(out + used, cap - used, "%02X", p[i]);
    }
}

void cli_value_text(const mb_record_t *rec, char *out, size_t cap)
{
    const mb_value_t *v = &rec->value;
    char unit[64] = "";
    if ((rec->flags & MB_RECORD_TEXT_UNIT) != 0u) {
        size_t k = 0;
        for (size_t i = rec->text_unit_len; i > 0u && k + 1u < sizeof unit; i--) {
            unsigned char c = rec->text_unit[i - 1u];
            unit[k++] = c >= 0x20u && c < 0x7Fu ? (char)c : '?';
        }
        unit[k] = '\0';
    } else {
        snprintf(unit, sizeof unit, "%s", mb_unit_name(rec->unit));
    }
    const char *space = unit[0] != '\0' ? " " : "";
    char num[64];
    if ((rec->flags & MB_RECORD_ERROR) != 0u) {
        snprintf(out, cap, "error: %s", mb_record_error_name(rec->error));
        return;
    }
    if ((v->flags & (MB_VALUE_INVALID | MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW | MB_VALUE_OPAQUE)) !=
            0u &&
        v->kind != MB_VALUE_DATE) {
        hex_text(v->bytes, v->len, num, sizeof num);
        snprintf(out, cap, "0x%s (%s)", num,
                 (v->flags & MB_VALUE_OVERFLOW) != 0u ? "too large" : "not a valid number");
        return;
    }
    switch (v->kind) {
    case MB_VALUE_NONE: snprintf(out, cap, "-"); return;
    case MB_VALUE_NUMBER:
        decimal_text(v->mantissa, v->exponent, num, sizeof num);
        snprintf(out, cap, "%s%s%s", num, space, unit);
        return;
#if MB_ENABLE_REAL32
    case MB_VALUE_REAL:
        snprintf(out, cap, "%ge%d%s%s", (double)v->real, v->exponent, space, unit);
        return;
#endif
    case MB_VALUE_DATE: {
        const mb_datetime_t *d = &v->datetime;
        int n = 0;
        out[0] = '\0';
        if ((d->flags & MB_DT_HAS_DATE) != 0u) {
            n = snprintf(out, cap, "%04u-%02u-%02u", (unsigned)d->year, (unsigned)d->month,
                         (unsigned)d->day);
        }
        if ((d->flags & MB_DT_HAS_TIME) != 0u && n >= 0 && (size_t)n < cap) {
            n += snprintf(out + n, cap - (size_t)n, "%s%02u:%02u", n > 0 ? " " : "",
                          (unsigned)d->hour, (unsigned)d->minute);
            if ((d->flags & MB_DT_HAS_SECOND) != 0u && (size_t)n < cap) {
                n += snprintf(out + n, cap - (size_t)n, ":%02u", (unsigned)d->second);
            }
        }
        if ((d->flags & MB_DT_INVALID) != 0u && n >= 0 && (size_t)n < cap) {
            snprintf(out + n, cap - (size_t)n, " (invalid)");
        }
        return;
    }
    case MB_VALUE_TEXT: {
        size_t k = 0;
        for (size_t i = v->len; i > 0u && k + 1u < cap; i--) {
            unsigned char c = v->bytes[i - 1u];
            out[k++] = c >= 0x20u && c < 0x7Fu ? (char)c : '?';
        }
        out[k] = '\0';
        return;
    }
    default:
        hex_text(v->bytes, v->len, num, sizeof num);
        snprintf(out, cap, "0x%s%s%s", num, space, unit);
        return;
    }
}

/* Append ", text" (or "text" at the start) to the description in @p out. */
static void add(char *out, size_t cap, const char *text)
{
    size_t n = strlen(out);
    if (text[0] != '\0' && n + 1u < cap) {
        snprintf(out + n, cap - n, "%s%s", n > 0u ? ", " : "", text);
    }
}

void cli_what_text(const mb_record_t *rec, char *out, size_t cap)
{
    const char *name = mb_quantity_name(rec->quantity);
    size_t k = 0;
    for (; name[k] != '\0' && k + 1u < cap; k++) {
        out[k] = name[k] == '_' ? ' ' : name[k];
    }
    out[k] = '\0';
    if (k == 0u) {
        char code[40] = "VIF";
        for (size_t i = 0; i < rec->vib_len && i < 11u; i++) {
            size_t used = strlen(code);
            snprintf(code + used, sizeof code - used, " %02X", rec->vib[i]);
        }
        snprintf(out, cap, "%s", code);
    }
    if (rec->function != MB_FN_INSTANTANEOUS) {
        add(out, cap, mb_function_name(rec->function));
    }
    if ((rec->vife_flags & MB_VIFE_ACCUMULATION_NEGATIVE) != 0u) {
        add(out, cap, "backward");
    }
    if ((rec->vife_flags & MB_VIFE_ACCUMULATION_POSITIVE) != 0u) {
        add(out, cap, "forward");
    }
    if ((rec->vife_flags & MB_VIFE_AVERAGE) != 0u) {
        add(out, cap, "average");
    }
    if (rec->phase != MB_PHASE_NONE) {
        add(out, cap, mb_phase_name(rec->phase));
    }
    if (rec->per != MB_PER_NONE) {
        char per[32];
        snprintf(per, sizeof per, "per %s", mb_per_name(rec->per));
        add(out, cap, per);
    }
    if (rec->limit != 0u) {
        add(out, cap, mb_limit_name(rec->limit));
    }
    if ((rec->flags & MB_RECORD_UNKNOWN_VIFE) != 0u) {
        add(out, cap, "unknown VIFE");
    }
}

/* The records of @p apl as table rows. @return MB_OK or the error that stopped them. */
static int print_records(FILE *out, const uint8_t *apl, size_t len, unsigned options)
{
    mb_records_t it;
    mb_record_t rec;
    int r;
    unsigned rows = 0;
    mb_records_init(&it, apl, len, options);
    while ((r = mb_records_next(&it, &rec)) > 0) {
        if (rows++ == 0u) {
            fprintf(out, "  %3s %3s %3s  %-*s %s\n", "st", "tf", "su", WHAT_WIDTH, "what", "value");
        }
        char what[128];
        char value[TEXT_CAP];
        cli_what_text(&rec, what, sizeof what);
        cli_value_text(&rec, value, sizeof value);
        fprintf(out, "  %3llu %3lu %3u  %-*s %s\n", (unsigned long long)rec.storage,
                (unsigned long)rec.tariff, (unsigned)rec.subunit, WHAT_WIDTH, what, value);
    }
    if (it.manufacturer_len > 0u) {
        char hex[TEXT_CAP];
        hex_text(it.manufacturer_data, it.manufacturer_len, hex, sizeof hex);
        fprintf(out, "  manufacturer data: %s%s\n", hex,
                it.manufacturer_len * 2u + 1u > sizeof hex ? "..." : "");
    }
    if (it.more_records_follow) {
        fputs("  (more records follow in the next telegram)\n", out);
    }
    if (r < 0) {
        fprintf(out, "  error at byte %zu: %s\n", mb_records_offset(&it), mb_strerror(r));
        return r;
    }
    if (rows == 0u && it.manufacturer_len == 0u) {
        fputs("  (no records)\n", out);
    }
    return MB_OK;
}

/* "meter ID  MAN  vNN  medium  access N  status XX" for a transport header with an address. */
static void print_meter_line(FILE *out, const mb_secondary_t *a, const mb_tpl_t *tpl)
{
    char id[9];
    char man[4];
    mb_id_text(a->id, id);
    if (!mb_manufacturer_text(a->manufacturer, man)) {
        snprintf(man, sizeof man, "???");
    }
    char medium[40];
    snprintf(medium, sizeof medium, "%s", mb_medium_name(a->medium));
    if (medium[0] == '\0') {
        snprintf(medium, sizeof medium, "medium 0x%02X", (unsigned)a->medium);
    }
    for (char *c = medium; *c != '\0'; c++) {
        *c = *c == '_' ? ' ' : *c; /* words for people; JSON keeps the snake_case name */
    }
    fprintf(out, "meter %s  %s  v%u  %s", id, man, (unsigned)a->version, medium);
    if (tpl != NULL && tpl->info.header != MB_TPL_HEADER_NONE) {
        fprintf(out, "  access %u  status %02X", (unsigned)tpl->access, (unsigned)tpl->status);
    }
}

/* The application layer of a decoded transport header: records, an error, or what it is. */
static int print_application(FILE *out, const mb_tpl_t *tpl, unsigned options)
{
    switch (tpl->info.content) {
    case MB_CI_RECORDS: return print_records(out, tpl->apl, tpl->apl_len, options);
    case MB_CI_APP_ERROR:
        fprintf(out, "  application error: %s\n",
                tpl->apl_len > 0u ? mb_app_error_name(tpl->apl[0]) : "(no code)");
        return MB_OK;
    default: {
        char hex[TEXT_CAP];
        hex_text(tpl->apl, tpl->apl_len, hex, sizeof hex);
        fprintf(out, "  %s: %s\n", mb_ci_content_name(tpl->info.content), hex);
        return MB_OK;
    }
    }
}

int cli_table_frame(FILE *out, const mb_frame_t *frame, unsigned options)
{
    switch (frame->type) {
    case MB_FRAME_ACK: fputs("acknowledge (E5)\n", out); return MB_OK;
    case MB_FRAME_NACK: fputs("negative acknowledge (A2)\n", out); return MB_OK;
    case MB_FRAME_SHORT:
        fprintf(out, "short frame  C %02X  address %u\n", (unsigned)frame->c, (unsigned)frame->a);
        return MB_OK;
    case MB_FRAME_CONTROL:
        fprintf(out, "control frame  C %02X  address %u  CI %02X\n", (unsigned)frame->c,
                (unsigned)frame->a, (unsigned)frame->ci);
        return MB_OK;
    case MB_FRAME_LONG: break;
    default: fputs("not a frame\n", out); return MB_ERR_ARG;
    }
    mb_tpl_t tpl;
    int err = mb_tpl_decode(frame->ci, frame->data, frame->data_len, &tpl);
    if (err != MB_OK) {
        fprintf(out, "address %u  CI %02X: %s\n", (unsigned)frame->a, (unsigned)frame->ci,
                mb_strerror(err));
        return err;
    }
    if (tpl.info.content == MB_CI_FIXED) {
        mb_fixed_t fixed;
        err = mb_fixed_decode(frame->data, frame->data_len, &fixed);
        if (err != MB_OK) {
            return err;
        }
        char id[9];
        mb_id_text(fixed.id, id);
        fprintf(out, "meter %s  %s  address %u  access %u  status %02X  (fixed data structure)\n",
                id, mb_fixed_medium_name(fixed.medium), (unsigned)frame->a, (unsigned)fixed.access,
                (unsigned)fixed.status);
        for (unsigned i = 0; i < 2u; i++) {
            const mb_fixed_counter_t *c = &fixed.counter[i];
            char num[64];
            decimal_text(c->mantissa, c->exponent, num, sizeof num);
            fprintf(out, "  counter %u  %-*s %s %s%s\n", i + 1u, 28, mb_quantity_name(c->quantity),
                    num, mb_unit_name(c->unit), c->historic ? "  (stored value)" : "");
        }
        return MB_OK;
    }
    if (tpl.has_address) {
        print_meter_line(out, &tpl.address, &tpl);
        fprintf(out, "  address %u\n", (unsigned)frame->a);
    } else {
        fprintf(out, "address %u  CI %02X", (unsigned)frame->a, (unsigned)frame->ci);
        if (tpl.info.header != MB_TPL_HEADER_NONE) {
            fprintf(out, "  access %u  status %02X", (unsigned)tpl.access, (unsigned)tpl.status);
        }
        fputc('\n', out);
    }
    return print_application(out, &tpl, options);
}

int cli_table_wmsg(FILE *out, const mb_wframe_t *frame, const mb_wmsg_t *msg, int status,
                   mb_format_cache_t *formats, unsigned options)
{
    const mb_secondary_t *a = msg->has_tpl && msg->tpl.has_address ? &msg->tpl.address : &msg->link;
    print_meter_line(out, a, msg->has_tpl ? &msg->tpl : NULL);
    if (frame->has_rssi) {
        fprintf(out, "  %d dBm", (int)frame->rssi_dbm);
    }
    if (msg->security_mode != 0u || msg->has_ell || msg->has_afl) {
        fprintf(out, "  mode %u", (unsigned)msg->security_mode);
        if (msg->authenticated) {
            fputs(" authenticated", out);
        }
    }
    fputc('\n', out);
    if (status != MB_OK) {
        fprintf(out, "  not opened: %s\n", mb_strerror(status));
        return status;
    }
    if (!msg->has_tpl) {
        fputs("  (no transport layer)\n", out);
        return MB_OK;
    }
    if (msg->tpl.info.content == MB_CI_COMPACT) {
        /* A compact frame: the records of a full frame seen earlier with the same format. */
        uint8_t expanded[MB_WFRAME_MAX_LEN];
        uint16_t signature = mb_compact_signature(msg->tpl.apl, msg->tpl.apl_len);
        const mb_format_t *fmt = formats != NULL ? mb_format_cache_get(formats, signature) : NULL;
        bool crc_ok = false;
        int n = fmt == NULL ? MB_ERR_COMPACT_FORMAT
                            : mb_compact_expand(fmt, msg->tpl.apl, msg->tpl.apl_len, expanded,
                                                sizeof expanded, &crc_ok);
        if (n < 0) {
            fprintf(out, "  compact frame, format %04X: %s\n", (unsigned)signature, mb_strerror(n));
            return n;
        }
        fprintf(out, "  compact frame, format %04X%s\n", (unsigned)signature,
                crc_ok ? "" : " (its CRC does not match the format)");
        return print_records(out, expanded, (size_t)n, options);
    }
    return print_application(out, &msg->tpl, options);
}
