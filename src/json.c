/*
 * JSON output: a streaming writer into a caller's buffer with a sticky error, exact decimals, and
 * the layout of records and whole wired frames.
 */
#include "meterbus/json.h"

#include "meterbus/tpl.h"

#include "internal.h"

/* ---- writer ------------------------------------------------------------------------------- */

void mb_json_init(mb_json_t *j, char *buf, size_t cap)
{
    if (j == NULL) {
        return;
    }
    j->buf = buf;
    j->cap = cap;
    j->len = 0;
    j->err = (buf == NULL || cap == 0u) ? MB_ERR_ARG : MB_OK;
    j->depth = 0;
    j->has_item = 0;
    j->after_key = false;
}

/* Append raw bytes, keeping one byte free for the final NUL. */
static void put(mb_json_t *j, const char *s, size_t n)
{
    if (j->err != MB_OK) {
        return;
    }
    if (j->cap - j->len <= n) {
        j->err = MB_ERR_NOSPACE;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        j->buf[j->len + i] = s[i];
    }
    j->len += n;
}

static void put_char(mb_json_t *j, char c) { put(j, &c, 1); }

/* Before any value or key: the comma that separates it from the previous item. */
static void item(mb_json_t *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    uint32_t bit = (uint32_t)1 << j->depth;
    if ((j->has_item & bit) != 0u) {
        put_char(j, ',');
    }
    j->has_item |= bit;
}

static void open_level(mb_json_t *j, char c)
{
    item(j);
    put_char(j, c);
    if (j->depth + 1u >= MB_JSON_MAX_DEPTH) {
        if (j->err == MB_OK) {
            j->err = MB_ERR_ARG;
        }
        return;
    }
    j->depth++;
    j->has_item &= ~((uint32_t)1 << j->depth);
}

static void close_level(mb_json_t *j, char c)
{
    if (j->depth == 0u) {
        if (j->err == MB_OK) {
            j->err = MB_ERR_ARG;
        }
        return;
    }
    j->depth--;
    put_char(j, c);
}

void mb_json_begin_object(mb_json_t *j) { open_level(j, '{'); }
void mb_json_end_object(mb_json_t *j) { close_level(j, '}'); }
void mb_json_begin_array(mb_json_t *j) { open_level(j, '['); }
void mb_json_end_array(mb_json_t *j) { close_level(j, ']'); }

static const char hex_digits[] = "0123456789abcdef";

/* Escape for JSON; bytes >= 0x80 are taken as ISO 8859-1 and written as UTF-8. */
static void put_escaped_byte(mb_json_t *j, uint8_t c)
{
    if (c == '"' || c == '\\') {
        char e[2] = {'\\', (char)c};
        put(j, e, 2);
    } else if (c < 0x20u || c == 0x7Fu) {
        char e[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xFu]};
        put(j, e, 6);
    } else if (c >= 0x80u) {
        char u[2] = {(char)(0xC0u | (c >> 6)), (char)(0x80u | (c & 0x3Fu))};
        put(j, u, 2);
    } else {
        put_char(j, (char)c);
    }
}

/* A string given as bytes; reversed for texts that meters send last character first. */
static void string_bytes(mb_json_t *j, const uint8_t *p, size_t n, bool reversed)
{
    item(j);
    put_char(j, '"');
    for (size_t i = 0; i < n; i++) {
        put_escaped_byte(j, p[reversed ? n - 1u - i : i]);
    }
    put_char(j, '"');
}

/* Names and keys are the library's own UTF-8 strings: only quotes and controls need escaping. */
static void put_utf8_escaped(mb_json_t *j, const char *s)
{
    put_char(j, '"');
    for (; *s != '\0'; s++) {
        uint8_t c = (uint8_t)*s;
        if (c >= 0x80u) {
            put_char(j, (char)c);
        } else {
            put_escaped_byte(j, c);
        }
    }
    put_char(j, '"');
}

void mb_json_key(mb_json_t *j, const char *key)
{
    item(j);
    put_utf8_escaped(j, key);
    put_char(j, ':');
    j->after_key = true;
}

void mb_json_string(mb_json_t *j, const char *s)
{
    item(j);
    put_utf8_escaped(j, s);
}

void mb_json_hex(mb_json_t *j, const uint8_t *p, size_t n)
{
    item(j);
    put_char(j, '"');
    for (size_t i = 0; i < n; i++) {
        char h[2] = {hex_digits[p[i] >> 4], hex_digits[p[i] & 0xFu]};
        put(j, h, 2);
    }
    put_char(j, '"');
}

/* Decimal digits of v into the end of tmp[20]; @return the first digit's index. */
static size_t utoa(uint64_t v, char tmp[20])
{
    size_t i = 20;
    do {
        tmp[--i] = (char)('0' + (char)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    return i;
}

static void put_zeros(mb_json_t *j, size_t n)
{
    static const char zeros[16] = "0000000000000000";
    while (n > 0u) {
        size_t k = n < sizeof zeros ? n : sizeof zeros;
        put(j, zeros, k);
        n -= k;
    }
}

static void decimal(mb_json_t *j, bool negative, uint64_t mag, int exponent)
{
    char tmp[20];
    size_t first = utoa(mag, tmp);
    size_t digits = 20u - first;
    if (negative && mag != 0u) {
        put_char(j, '-');
    }
    if (exponent >= 0) {
        put(j, tmp + first, digits);
        if (mag != 0u) {
            put_zeros(j, (size_t)exponent);
        }
        return;
    }
    size_t frac = (size_t)-exponent;
    if (digits > frac) {
        put(j, tmp + first, digits - frac);
        put_char(j, '.');
        put(j, tmp + first + digits - frac, frac);
    } else {
        put(j, "0.", 2);
        put_zeros(j, frac - digits);
        put(j, tmp + first, digits);
    }
}

void mb_json_uint(mb_json_t *j, uint64_t v)
{
    item(j);
    decimal(j, false, v, 0);
}

void mb_json_int(mb_json_t *j, int64_t v)
{
    item(j);
    decimal(j, v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 0);
}

void mb_json_decimal(mb_json_t *j, int64_t mantissa, int exponent)
{
    item(j);
    uint64_t mag = mantissa < 0 ? (uint64_t)0 - (uint64_t)mantissa : (uint64_t)mantissa;
    decimal(j, mantissa < 0, mag, exponent);
}

void mb_json_bool(mb_json_t *j, bool v)
{
    item(j);
    put(j, v ? "true" : "false", v ? 4u : 5u);
}

void mb_json_null(mb_json_t *j)
{
    item(j);
    put(j, "null", 4);
}

int mb_json_finish(mb_json_t *j)
{
    if (j == NULL) {
        return MB_ERR_ARG;
    }
    if (j->err == MB_OK && (j->depth != 0u || j->after_key)) {
        j->err = MB_ERR_ARG;
    }
    if (j->err != MB_OK) {
        if (j->buf != NULL && j->cap > 0u) {
            j->buf[0] = '\0';
        }
        return j->err;
    }
    j->buf[j->len] = '\0';
    return (int)j->len;
}

/* ---- values ------------------------------------------------------------------------------- */

#if MB_ENABLE_REAL32
/*
 * A float with 9 significant digits, which identify every float exactly, times 10^exponent.
 * Scaling in double keeps the error far below the ninth digit.
 */
static void real_value(mb_json_t *j, float f, int exponent)
{
    if (f != f || f - f != 0.0f) { /* NaN or infinity have no JSON number */
        mb_json_null(j);
        return;
    }
    double v = f;
    bool negative = v < 0.0;
    if (negative) {
        v = -v;
    }
    if (v == 0.0) {
        mb_json_int(j, 0);
        return;
    }
    int e10 = 0;
    while (v >= 1e9) {
        v /= 10.0;
        e10++;
    }
    while (v < 1e8) {
        v *= 10.0;
        e10--;
    }
    uint64_t d = (uint64_t)(v + 0.5);
    if (d >= 1000000000u) {
        d /= 10u;
        e10++;
    }
    while (d % 10u == 0u) {
        d /= 10u;
        e10++;
    }
    item(j);
    decimal(j, negative, d, e10 + exponent);
}
#endif

static void two_digits(char *out, unsigned v)
{
    out[0] = (char)('0' + (char)(v / 10u % 10u));
    out[1] = (char)('0' + (char)(v % 10u));
}

/* ISO 8601: "2008-05-31T23:50", "2008-05-31", "23:50:12", "2008-05-31T23:50:12". */
static void date_value(mb_json_t *j, const mb_datetime_t *dt)
{
    char s[20];
    size_t n = 0;
    if ((dt->flags & MB_DT_HAS_DATE) != 0u) {
        two_digits(s, dt->year / 100u);
        two_digits(s + 2, dt->year % 100u);
        s[4] = '-';
        two_digits(s + 5, dt->month);
        s[7] = '-';
        two_digits(s + 8, dt->day);
        n = 10;
        if ((dt->flags & MB_DT_HAS_TIME) != 0u) {
            s[n++] = 'T';
        }
    }
    if ((dt->flags & MB_DT_HAS_TIME) != 0u) {
        two_digits(s + n, dt->hour);
        s[n + 2u] = ':';
        two_digits(s + n + 3u, dt->minute);
        n += 5u;
        if ((dt->flags & MB_DT_HAS_SECOND) != 0u) {
            s[n] = ':';
            two_digits(s + n + 1u, dt->second);
            n += 3u;
        }
    }
    string_bytes(j, (const uint8_t *)s, n, false);
}

/* BCD sent with hex digits: the digits as printed, most significant first ("0500023E"). */
static void bcd_digits(mb_json_t *j, const uint8_t *p, size_t n)
{
    static const char upper[] = "0123456789ABCDEF";
    item(j);
    put_char(j, '"');
    for (size_t i = n; i-- > 0u;) {
        char h[2] = {upper[p[i] >> 4], upper[p[i] & 0xFu]};
        put(j, h, 2);
    }
    put_char(j, '"');
}

static void value(mb_json_t *j, const mb_value_t *v)
{
    if ((v->flags & MB_VALUE_BCD_HEX) != 0u) {
        bcd_digits(j, v->bytes, v->len);
        return;
    }
    if ((v->flags & MB_VALUE_OVERFLOW) != 0u) {
        mb_json_hex(j, v->bytes, v->len);
        return;
    }
    switch (v->kind) {
    case MB_VALUE_NUMBER: mb_json_decimal(j, v->mantissa, v->exponent); return;
    case MB_VALUE_REAL:
#if MB_ENABLE_REAL32
        real_value(j, v->real, v->exponent);
#else
        mb_json_hex(j, v->bytes, v->len);
#endif
        return;
    case MB_VALUE_DATE: date_value(j, &v->datetime); return;
    case MB_VALUE_TEXT: string_bytes(j, v->bytes, v->len, true); return;
    case MB_VALUE_BINARY: mb_json_hex(j, v->bytes, v->len); return;
    default: mb_json_null(j); return;
    }
}

/* A name, or the numeric code when the build has no text tables. */
static void name_or_code(mb_json_t *j, const char *name, unsigned code)
{
    if (name[0] != '\0') {
        mb_json_string(j, name);
    } else {
        mb_json_uint(j, code);
    }
}

/* Names of the mb_record_t::vife_flags bits, in bit order. */
static const char *const vife_flag_names[25] = {
    "average",
    "inverse_compact_profile",
    "relative_deviation",
    "standard_conform",
    "compact_profile_registers",
    "compact_profile",
    "start_date",
    "uncorrected",
    "accumulation_positive",
    "accumulation_negative",
    "non_metric",
    "base_conditions",
    "obis",
    "leakage",
    "overflow_values",
    "future_value",
    "manufacturer_vife",
    "accumulation_absolute",
    "type_c",
    "type_d",
    "to_meter",
    "from_meter",
    "delta_import_export",
    "multiplied",
    "offset",
};

void mb_json_record(mb_json_t *j, const mb_record_t *rec)
{
    mb_json_begin_object(j);
    mb_json_key(j, "dif");
    mb_json_hex(j, rec->dib, rec->dib_len);
    mb_json_key(j, "vif");
    mb_json_hex(j, rec->vib, rec->vib_len);
    mb_json_key(j, "storage");
    mb_json_uint(j, rec->storage);
    mb_json_key(j, "tariff");
    mb_json_uint(j, rec->tariff);
    mb_json_key(j, "subunit");
    mb_json_uint(j, rec->subunit);
    mb_json_key(j, "function");
    name_or_code(j, mb_function_name(rec->function), (unsigned)rec->function);
    mb_json_key(j, "quantity");
    name_or_code(j, mb_quantity_name(rec->quantity), (unsigned)rec->quantity);
    mb_json_key(j, "unit");
    mb_json_string(j, mb_unit_name(rec->unit));
    mb_json_key(j, "value");
    value(j, &rec->value);
    if ((rec->flags & MB_RECORD_TEXT_UNIT) != 0u) {
        mb_json_key(j, "text_unit");
        string_bytes(j, rec->text_unit, rec->text_unit_len, true);
    }
    if (rec->per != MB_PER_NONE) {
        mb_json_key(j, "per");
        name_or_code(j, mb_per_name(rec->per), (unsigned)rec->per);
    }
    if (rec->phase != MB_PHASE_NONE) {
        mb_json_key(j, "phase");
        name_or_code(j, mb_phase_name(rec->phase), (unsigned)rec->phase);
    }
    if (rec->limit != 0u) {
        mb_json_key(j, "limit");
        name_or_code(j, mb_limit_name(rec->limit), rec->limit);
    }
    if ((rec->flags & MB_RECORD_ERROR) != 0u) {
        mb_json_key(j, "error");
        name_or_code(j, mb_record_error_name(rec->error), rec->error);
    }
    if ((rec->flags & MB_RECORD_ACTION) != 0u) {
        mb_json_key(j, "action");
        name_or_code(j, mb_action_name(rec->action), rec->action);
    }
    if (rec->vife_flags != 0u) {
        mb_json_key(j, "flags");
        mb_json_begin_array(j);
        for (unsigned i = 0; i < 25u; i++) {
            if ((rec->vife_flags & (1ul << i)) != 0u) {
                mb_json_string(j, vife_flag_names[i]);
            }
        }
        mb_json_end_array(j);
    }
    if ((rec->flags & MB_RECORD_UNKNOWN_VIFE) != 0u) {
        mb_json_key(j, "unknown_vife");
        mb_json_bool(j, true);
    }
    if ((rec->value.flags & MB_VALUE_INVALID) != 0u) {
        mb_json_key(j, "invalid");
        mb_json_bool(j, true);
    }
    mb_json_end_object(j);
}

/* ---- frames ------------------------------------------------------------------------------- */

static void hex_byte(mb_json_t *j, uint8_t b) { mb_json_hex(j, &b, 1); }

static void error_object(mb_json_t *j, int err)
{
    mb_json_begin_object(j);
    mb_json_key(j, "code");
    name_or_code(j, mb_error_name(err), (unsigned)-err);
    mb_json_key(j, "message");
    mb_json_string(j, mb_strerror(err));
}

/* The identification and status fields of a transport header. */
static void header_fields(mb_json_t *j, const mb_tpl_t *tpl)
{
    if (tpl->has_address) {
        char id[9], man[4];
        mb_id_text(tpl->address.id, id);
        (void)mb_manufacturer_text(tpl->address.manufacturer, man);
        mb_json_key(j, "id");
        mb_json_string(j, id);
        mb_json_key(j, "manufacturer");
        mb_json_string(j, man);
        mb_json_key(j, "version");
        mb_json_uint(j, tpl->address.version);
        mb_json_key(j, "medium");
        name_or_code(j, mb_medium_name(tpl->address.medium), tpl->address.medium);
    }
    if (tpl->info.header == MB_TPL_HEADER_SHORT || tpl->info.header == MB_TPL_HEADER_LONG) {
        mb_json_key(j, "access");
        mb_json_uint(j, tpl->access);
        mb_json_key(j, "status");
        mb_json_uint(j, tpl->status);
        mb_json_key(j, "configuration");
        mb_json_uint(j, tpl->config);
    }
}

/* Records of the application data; @return MB_OK or the iterator's error. */
static int records(mb_json_t *j, const uint8_t *apl, size_t len, unsigned options)
{
    mb_records_t it;
    mb_record_t rec;
    int r;
    mb_records_init(&it, apl, len, options);
    mb_json_key(j, "records");
    mb_json_begin_array(j);
    while ((r = mb_records_next(&it, &rec)) == 1) {
        mb_json_record(j, &rec);
    }
    mb_json_end_array(j);
    if (r < 0) {
        mb_json_key(j, "error");
        error_object(j, r);
        mb_json_key(j, "offset");
        mb_json_uint(j, mb_records_offset(&it));
        mb_json_end_object(j);
        return r;
    }
    mb_json_key(j, "more_records_follow");
    mb_json_bool(j, it.more_records_follow);
    if (it.manufacturer_len > 0u) {
        mb_json_key(j, "manufacturer_data");
        mb_json_hex(j, it.manufacturer_data, it.manufacturer_len);
    }
    return MB_OK;
}

static void fixed_structure(mb_json_t *j, const uint8_t *data, size_t len)
{
    mb_fixed_t fx;
    if (mb_fixed_decode(data, len, &fx) != MB_OK) {
        return;
    }
    char id[9];
    mb_id_text(fx.id, id);
    mb_json_key(j, "id");
    mb_json_string(j, id);
    mb_json_key(j, "medium");
    name_or_code(j, mb_fixed_medium_name(fx.medium), fx.medium);
    mb_json_key(j, "access");
    mb_json_uint(j, fx.access);
    mb_json_key(j, "status");
    mb_json_uint(j, fx.status);
    mb_json_key(j, "fixed");
    mb_json_begin_array(j);
    for (unsigned i = 0; i < 2u; i++) {
        const mb_fixed_counter_t *c = &fx.counter[i];
        mb_json_begin_object(j);
        mb_json_key(j, "unit_code");
        mb_json_uint(j, c->unit_code);
        mb_json_key(j, "historic");
        mb_json_bool(j, c->historic);
        mb_json_key(j, "quantity");
        name_or_code(j, mb_quantity_name(c->quantity), (unsigned)c->quantity);
        mb_json_key(j, "unit");
        mb_json_string(j, mb_unit_name(c->unit));
        mb_json_key(j, "value");
        if (c->valid) {
            mb_json_decimal(j, c->mantissa, c->exponent);
        } else {
            bcd_digits(j, data + 8u + 4u * i, 4);
        }
        mb_json_end_object(j);
    }
    mb_json_end_array(j);
}

int mb_json_frame(const mb_frame_t *frame, unsigned options, char *out, size_t cap,
                  int *decode_error)
{
    mb_json_t j;
    int result = MB_OK;
    if (frame == NULL) {
        return MB_ERR_ARG;
    }
    mb_json_init(&j, out, cap);
    mb_json_begin_object(&j);
    mb_json_key(&j, "frame");
    mb_json_string(&j, mb_frame_type_name(frame->type));
    if (frame->type == MB_FRAME_SHORT || frame->type == MB_FRAME_CONTROL ||
        frame->type == MB_FRAME_LONG) {
        mb_json_key(&j, "c");
        hex_byte(&j, frame->c);
        mb_json_key(&j, "a");
        mb_json_uint(&j, frame->a);
    }
    if (frame->type == MB_FRAME_CONTROL || frame->type == MB_FRAME_LONG) {
        mb_tpl_t tpl;
        mb_json_key(&j, "ci");
        hex_byte(&j, frame->ci);
        int err = mb_tpl_decode(frame->ci, frame->data, frame->data_len, &tpl);
        if (err != MB_OK) {
            mb_json_key(&j, "error");
            error_object(&j, err);
            mb_json_end_object(&j);
            result = err;
        } else {
            header_fields(&j, &tpl);
            switch (tpl.info.content) {
            case MB_CI_RECORDS:
                if (mb_cf_security_mode(tpl.config) != 0u) {
                    mb_json_key(&j, "encrypted");
                    mb_json_bool(&j, true);
                    mb_json_key(&j, "security_mode");
                    mb_json_uint(&j, mb_cf_security_mode(tpl.config));
                    mb_json_key(&j, "data");
                    mb_json_hex(&j, tpl.apl, tpl.apl_len);
                    break;
                }
                if (tpl.info.direction == MB_CI_TO_METER) {
                    options |= MB_RECORDS_TO_METER;
                }
                result = records(&j, tpl.apl, tpl.apl_len, options);
                break;
            case MB_CI_APP_ERROR:
                mb_json_key(&j, "app_error");
                if (tpl.apl_len > 0u) {
                    mb_json_begin_object(&j);
                    mb_json_key(&j, "code");
                    mb_json_uint(&j, tpl.apl[0]);
                    mb_json_key(&j, "name");
                    name_or_code(&j, mb_app_error_name(tpl.apl[0]), tpl.apl[0]);
                    mb_json_end_object(&j);
                } else {
                    mb_json_null(&j);
                }
                break;
            case MB_CI_FIXED: fixed_structure(&j, tpl.apl, tpl.apl_len); break;
            default:
                if (tpl.apl_len > 0u) {
                    mb_json_key(&j, tpl.info.content == MB_CI_ALARM ? "alarm" : "data");
                    mb_json_hex(&j, tpl.apl, tpl.apl_len);
                }
                break;
            }
        }
    }
    mb_json_end_object(&j);
    if (decode_error != NULL) {
        *decode_error = result;
    }
    return mb_json_finish(&j);
}

int mb_json_error(int err, char *out, size_t cap)
{
    mb_json_t j;
    mb_json_init(&j, out, cap);
    mb_json_begin_object(&j);
    mb_json_key(&j, "error");
    error_object(&j, err);
    mb_json_end_object(&j);
    mb_json_end_object(&j);
    return mb_json_finish(&j);
}
