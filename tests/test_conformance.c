/*
 * Conformance of the application layer against the libmbus test corpus: every telegram decoded
 * through link (mb_frame_decode), transport header (mb_tpl_decode) and records (mb_records_next),
 * compared field by field with libmbus's normalised XML, the .norm.xml files of test-frames/.
 *
 * The corpus is not part of this repository: the test reads the folder named by the environment
 * variable MB_CORPUS_DIR (CMake sets it to the libmbus corpus beside the checkout) and exits
 * with 77, which ctest reports as skipped, when the folder is absent.
 *
 * Per telegram of test-frames/, the SlaveInformation is compared with the long header: Id,
 * Manufacturer, Version, Medium, AccessNumber, Status and Signature (the configuration field); for
 * CI 0x73 (legacy fixed structure) Id, Medium, AccessNumber and Status with mb_fixed_decode().
 * Then every DataRecord in order: Function, StorageNumber, Tariff and Device (the subunit; libmbus
 * prints both only when the record has a DIFE), Quantity and Unit mapped to mb_quantity_t and
 * mb_unit_t, and Value. libmbus turns DIF 0x0F/0x1F and the bytes after it into a last record
 * ("Manufacturer specific" / "More records follow"); that one is compared with the iterator's
 * manufacturer_data and more_records_follow. A DataRecord that libmbus leaves empty (it could not
 * interpret the VIF) must come out as MB_Q_UNKNOWN.
 *
 * Values. libmbus prints numbers as a double with "%f": v = raw * 10^k computed in double (one
 * rounding of 10^k, one of the product, one more for a VIFE's pow(10, n) factor, and the integer's
 * own conversion when it has more than 53 bits: at most 5 * 2^-53 * |v| in all), then rounded to 6
 * decimals (at most 0.5e-6). Our exact value m * 10^e, converted to double with one rounding, and
 * the printed text read back with strtod (one more) can therefore differ from it by at most
 * 0.5e-6 + 8 * 2^-53 * |v|: the tolerance below is 0.5e-6 (times a unit conversion factor such as
 * 60 for m3/min, plus 1e-12 against ties) + 1e-15 * |v|, which every correct value meets and no
 * value wrong in its first 15 significant digits or above the sixth decimal does. Dates (types G
 * and F) are compared field by field; libmbus prints a date with the invalid bit set as its empty
 * struct tm, "1900-01-00T00:00:00Z". Texts are compared exactly (ours are stored last character
 * first), bytes against libmbus's "XX XX ...": manufacturer data in transmission order, as the
 * expected files show it (the corpus README explains that newer libmbus prints it reversed), a
 * binary LVAR number most significant byte first, as the expected file shows it.
 *
 * Where libmbus is wrong, or this library deliberately differs, tests/conformance_known.txt lists
 * the (file, record, field) with the reason. The test fails when a compared field differs and is
 * not listed, and when a listed entry no longer differs, so that the list stays exact.
 *
 * error-frames/: the 10 CI 0x70 replies must give the application error that libmbus names; the 10
 * malformed variable-data replies must be rejected with the error written per file below.
 * unsupported-frames/: what this library does with each of the 7 files is written per file below.
 */
#define _POSIX_C_SOURCE 200809L
/* 64-bit directory offsets: without it, 32-bit builds under qemu-user fail to list directories. */
#define _FILE_OFFSET_BITS 64

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/link.h"
#include "meterbus/records.h"
#include "meterbus/tpl.h"
#include "testutil.h"

#define MAX_FILES   128
#define TEXT_MAX    (64 * 1024)
#define MAX_RECORDS 128
#define VALUE_MAX   1024

static const char *corpus_dir;

/* ---- files -------------------------------------------------------------------------------- */

typedef struct name_list {
    char name[MAX_FILES][128];
    size_t n;
} name_list_t;

static int by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The names of every *.hex of one corpus subfolder, sorted. */
static void list_hex(const char *sub, name_list_t *list)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", corpus_dir, sub);
    DIR *dir = opendir(path);
    assert_non_null(dir);
    list->n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".hex") != 0) {
            continue;
        }
        assert_true(list->n < MAX_FILES);
        assert_true(len < sizeof list->name[0]);
        strcpy(list->name[list->n++], e->d_name);
        errno = 0;
    }
    assert_int_equal(errno, 0); /* the listing itself must not fail */
    closedir(dir);
    qsort(list->name, list->n, sizeof list->name[0], by_name);
}

/* Read sub/<base><suffix> into out; false when absent. */
static bool read_sibling(const char *sub, const char *hex_name, const char *suffix, char *out,
                         size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%.*s%s", corpus_dir, sub, (int)(strlen(hex_name) - 4),
             hex_name, suffix);
    return mbt_read_text(path, out, cap);
}

/* Decode the frame of sub/name into buf; it must be one complete, valid frame. */
static void decode_frame(const char *sub, const char *name, uint8_t *buf, mb_frame_t *frame)
{
    static char text[TEXT_MAX];
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", corpus_dir, sub, name);
    assert_true(mbt_read_text(path, text, sizeof text));
    int n = mbt_hex(text, buf, MB_FRAME_MAX_LEN + 16);
    if (n <= 0) {
        fail_msg("%s: not hex", name);
    }
    int err = mb_frame_decode(buf, (size_t)n, frame);
    if (err != MB_OK) {
        fail_msg("%s: %s", name, mb_strerror(err));
    }
}

/* ---- libmbus's XML ------------------------------------------------------------------------ */

/* XML text between two pointers into out, the five predefined entities decoded. */
static void xml_decode(const char *p, const char *end, char *out, size_t cap)
{
    static const struct {
        const char *entity;
        char c;
    } entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t n = 0;
    while (p < end && n + 1 < cap) {
        bool done = false;
        for (size_t k = 0; k < sizeof entities / sizeof entities[0] && *p == '&'; k++) {
            size_t len = strlen(entities[k].entity);
            if ((size_t)(end - p) >= len && strncmp(p, entities[k].entity, len) == 0) {
                out[n++] = entities[k].c;
                p += len;
                done = true;
                break;
            }
        }
        if (!done) {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
}

/* The text of <tag>...</tag> between from and end into out; false when absent. */
static bool xml_tag(const char *from, const char *end, const char *tag, char *out, size_t cap)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *p = strstr(from, open);
    if (p == NULL || p >= end) {
        return false;
    }
    p += strlen(open);
    const char *q = strstr(p, close);
    if (q == NULL || q > end) {
        return false;
    }
    xml_decode(p, q, out, cap);
    return true;
}

typedef struct lib_record {
    bool empty; /* libmbus could not interpret the record and printed no fields */
    char function[64];
    bool has_storage;
    long storage;
    bool has_tariff; /* Tariff and Device are printed only for records with a DIFE */
    long tariff;
    long device;
    char unit[64];
    char quantity[128];
    char value[VALUE_MAX];
} lib_record_t;

typedef struct lib_doc {
    char id[32], manufacturer[16], medium[64], status[16], signature[16], version[16], access[16];
    bool has_manufacturer, has_version, has_signature;
    lib_record_t rec[MAX_RECORDS];
    size_t n;
} lib_doc_t;

static void parse_doc(const char *xml, lib_doc_t *doc)
{
    memset(doc, 0, sizeof *doc);
    const char *si_end = strstr(xml, "</SlaveInformation>");
    assert_non_null(si_end);
    assert_true(xml_tag(xml, si_end, "Id", doc->id, sizeof doc->id));
    assert_true(xml_tag(xml, si_end, "Medium", doc->medium, sizeof doc->medium));
    assert_true(xml_tag(xml, si_end, "AccessNumber", doc->access, sizeof doc->access));
    assert_true(xml_tag(xml, si_end, "Status", doc->status, sizeof doc->status));
    doc->has_manufacturer =
        xml_tag(xml, si_end, "Manufacturer", doc->manufacturer, sizeof doc->manufacturer);
    doc->has_version = xml_tag(xml, si_end, "Version", doc->version, sizeof doc->version);
    doc->has_signature = xml_tag(xml, si_end, "Signature", doc->signature, sizeof doc->signature);

    const char *p = si_end;
    while ((p = strstr(p, "<DataRecord id=\"")) != NULL) {
        assert_true(doc->n < MAX_RECORDS);
        lib_record_t *r = &doc->rec[doc->n];
        assert_int_equal(strtol(p + strlen("<DataRecord id=\""), NULL, 10), (long)doc->n);
        const char *rend = strstr(p, "</DataRecord>");
        assert_non_null(rend);
        char num[32] = "";
        if (!xml_tag(p, rend, "Function", r->function, sizeof r->function)) {
            r->empty = true; /* nothing else is printed either */
        } else {
            /* not printed for the fixed structure */
            r->has_storage = xml_tag(p, rend, "StorageNumber", num, sizeof num);
            r->storage = strtol(num, NULL, 10);
            if (xml_tag(p, rend, "Tariff", num, sizeof num)) {
                r->has_tariff = true;
                r->tariff = strtol(num, NULL, 10);
                assert_true(xml_tag(p, rend, "Device", num, sizeof num));
                r->device = strtol(num, NULL, 10);
            }
            assert_true(xml_tag(p, rend, "Unit", r->unit, sizeof r->unit));
            (void)xml_tag(p, rend, "Quantity", r->quantity, sizeof r->quantity);
            assert_true(xml_tag(p, rend, "Value", r->value, sizeof r->value));
        }
        doc->n++;
        p = rend;
    }
}

/* ---- known differences -------------------------------------------------------------------- */

#define MAX_KNOWN 256

typedef struct known {
    char file[96];
    char record[16]; /* a DataRecord id, or "-" for the SlaveInformation and the record count */
    char field[32];
    char tag[48]; /* first word of the reason */
    bool used;
} known_t;

static known_t known[MAX_KNOWN];
static size_t known_n;

/* Differences found and not listed, for the report at the end. */
static size_t unexpected;
static size_t fields_compared, fields_known, records_compared, telegrams_compared;

static void load_known(void)
{
    static char text[TEXT_MAX];
    const char *path = getenv("MB_CONFORMANCE_KNOWN");
    char fallback[1024];
    if (path == NULL) { /* run by hand: the list sits next to this source file */
        const char *src = __FILE__;
        const char *slash = strrchr(src, '/');
        snprintf(fallback, sizeof fallback, "%.*s/conformance_known.txt",
                 slash == NULL ? 1 : (int)(slash - src), slash == NULL ? "." : src);
        path = fallback;
    }
    if (!mbt_read_text(path, text, sizeof text)) {
        fail_msg("cannot read the list of known differences %s", path);
    }
    known_n = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0' || line[0] == '\r') {
            continue;
        }
        assert_true(known_n < MAX_KNOWN);
        known_t *k = &known[known_n];
        memset(k, 0, sizeof *k);
        if (sscanf(line, "%95s %15s %31s %47s", k->file, k->record, k->field, k->tag) != 4) {
            fail_msg("conformance_known.txt: malformed line \"%s\"", line);
        }
        size_t tl = strlen(k->tag);
        if (tl > 0 && k->tag[tl - 1] == ':') {
            k->tag[tl - 1] = '\0';
        }
        for (size_t j = 0; j < known_n; j++) {
            if (strcmp(known[j].file, k->file) == 0 && strcmp(known[j].record, k->record) == 0 &&
                strcmp(known[j].field, k->field) == 0) {
                fail_msg("conformance_known.txt: %s %s %s listed twice", k->file, k->record,
                         k->field);
            }
        }
        known_n++;
    }
}

/* The file being compared. */
static const char *cur_file;

/* One field compared: @p ok false records a difference, listed or not. */
static void check(bool ok, long record, const char *field, const char *fmt, ...)
{
    char rec[24];
    if (record < 0) {
        strcpy(rec, "-");
    } else {
        snprintf(rec, sizeof rec, "%ld", record);
    }
    fields_compared++;
    if (ok) {
        return;
    }
    for (size_t i = 0; i < known_n; i++) {
        if (strcmp(known[i].file, cur_file) == 0 && strcmp(known[i].record, rec) == 0 &&
            strcmp(known[i].field, field) == 0) {
            if (known[i].used) {
                fail_msg("%s %s %s: compared twice", cur_file, rec, field);
            }
            known[i].used = true;
            fields_known++;
            return;
        }
    }
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    printf("UNEXPECTED %s %s %s: %s\n", cur_file, rec, field, detail);
    unexpected++;
}

/* ---- mappings of libmbus's strings -------------------------------------------------------- */

/* libmbus's device type (medium) names of the variable data header, by code. */
static int variable_medium_code(const char *s)
{
    static const struct {
        const char *name;
        int code;
    } media[] = {
        {"Other", 0x00},
        {"Oil", 0x01},
        {"Electricity", 0x02},
        {"Gas", 0x03},
        {"Heat: Outlet", 0x04},
        {"Steam", 0x05},
        {"Warm water (30-90\xC2\xB0"
         "C)",
         0x06},
        {"Water", 0x07},
        {"Heat Cost Allocator", 0x08},
        {"Compressed Air", 0x09},
        {"Cooling load meter: Outlet", 0x0A},
        {"Cooling load meter: Inlet", 0x0B},
        {"Heat: Inlet", 0x0C},
        {"Heat / Cooling load meter", 0x0D},
        {"Bus/System", 0x0E},
        {"Unknown Medium", 0x0F},
        {"Irrigation Water", 0x10},
        {"Water Logger", 0x11},
        {"Gas Logger", 0x12},
        {"Gas Converter", 0x13},
        {"Calorific value", 0x14},
        {"Hot water (>90\xC2\xB0"
         "C)",
         0x15},
        {"Cold water", 0x16},
        {"Dual water", 0x17},
        {"Pressure", 0x18},
        {"A/D Converter", 0x19},
        {"Smoke Detector", 0x1A},
        {"Ambient Sensor", 0x1B},
        {"Gas Detector", 0x1C},
        {"Breaker: Electricity", 0x20},
        {"Valve: Gas or Water", 0x21},
        {"Customer Unit: Display Device", 0x25},
        {"Waste Water", 0x28},
        {"Garbage", 0x29},
        {"Service Unit", 0x30},
        {"Radio Converter: System", 0x36},
        {"Radio Converter: Meter", 0x37},
    };
    for (size_t i = 0; i < sizeof media / sizeof media[0]; i++) {
        if (strcmp(media[i].name, s) == 0) {
            return media[i].code;
        }
    }
    return -1;
}

/* libmbus's medium names of the fixed structure, by code 0..15. */
static int fixed_medium_code(const char *s)
{
    static const char *const media[16] = {
        "Other",
        "Oil",
        "Electricity",
        "Gas",
        "Heat",
        "Steam",
        "Hot Water",
        "Water",
        "H.C.A.",
        "Reserved",
        "Gas Mode 2",
        "Heat Mode 2",
        "Hot Water Mode 2",
        "Water Mode 2",
        "H.C.A. Mode 2",
        "Reserved",
    };
    for (int i = 0; i < 16; i++) {
        if (strcmp(media[i], s) == 0 && i != 15) {
            return i;
        }
    }
    return -1;
}

/* libmbus's Function of a variable record; -1 for the two end-of-records "functions". */
static int function_code(const char *s)
{
    static const char *const names[4] = {"Instantaneous value", "Maximum value", "Minimum value",
                                         "Value during error state"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(names[i], s) == 0) {
            return i;
        }
    }
    return -2;
}

static bool is_end_record(const lib_record_t *r)
{
    return !r->empty && (strcmp(r->function, "Manufacturer specific") == 0 ||
                         strcmp(r->function, "More records follow") == 0);
}

/* libmbus's quantity names (normalised XML) and ours. */
static bool quantity_of(const char *s, mb_quantity_t *q)
{
    static const struct {
        const char *name;
        mb_quantity_t q;
    } names[] = {
        {"Energy", MB_Q_ENERGY},
        {"Volume", MB_Q_VOLUME},
        {"Mass", MB_Q_MASS},
        {"On time", MB_Q_ON_TIME},
        {"Operating time", MB_Q_OPERATING_TIME},
        {"Power", MB_Q_POWER},
        {"Volume flow", MB_Q_VOLUME_FLOW},
        {"Mass flow", MB_Q_MASS_FLOW},
        {"Flow temperature", MB_Q_FLOW_TEMPERATURE},
        {"Return temperature", MB_Q_RETURN_TEMPERATURE},
        {"Temperature difference", MB_Q_TEMPERATURE_DIFFERENCE},
        {"External temperature", MB_Q_EXTERNAL_TEMPERATURE},
        {"Pressure", MB_Q_PRESSURE},
        {"Time point (date)", MB_Q_DATE},
        {"Time point (date & time)", MB_Q_DATE_TIME},
        {"H.C.A.", MB_Q_HCA_UNITS},
        {"Averaging Duration", MB_Q_AVERAGING_DURATION},
        {"Actuality Duration", MB_Q_ACTUALITY_DURATION},
        {"Fabrication No", MB_Q_FABRICATION_NUMBER},
        {"(Enhanced) Identification", MB_Q_ENHANCED_IDENTIFICATION},
        {"Bus Address", MB_Q_BUS_ADDRESS},
        {"Any VIF", MB_Q_ANY},
        {"Manufacturer specific", MB_Q_MANUFACTURER_SPECIFIC},
        {"Credit", MB_Q_CREDIT},
        {"Debit", MB_Q_DEBIT},
        {"Access Number (transmission count)", MB_Q_ACCESS_NUMBER},
        {"Medium", MB_Q_MEDIUM},
        {"Manufacturer", MB_Q_MANUFACTURER},
        {"Parameter set identification", MB_Q_PARAMETER_SET_ID},
        {"Model / Version", MB_Q_MODEL_VERSION},
        {"Hardware version", MB_Q_HARDWARE_VERSION},
        {"Firmware version", MB_Q_FIRMWARE_VERSION},
        {"Software version", MB_Q_SOFTWARE_VERSION},
        {"Customer location", MB_Q_CUSTOMER_LOCATION},
        {"Customer", MB_Q_CUSTOMER},
        {"Access Code User", MB_Q_ACCESS_CODE_USER},
        {"Access Code Operator", MB_Q_ACCESS_CODE_OPERATOR},
        {"Access Code System Operator", MB_Q_ACCESS_CODE_SYSTEM_OPERATOR},
        {"Access Code Developer", MB_Q_ACCESS_CODE_DEVELOPER},
        {"Password", MB_Q_PASSWORD},
        {"Error flags", MB_Q_ERROR_FLAGS},
        {"Error mask", MB_Q_ERROR_MASK},
        {"Digital Output", MB_Q_DIGITAL_OUTPUT},
        {"Digital Input", MB_Q_DIGITAL_INPUT},
        {"Baudrate", MB_Q_BAUD_RATE},
        {"Response delay time", MB_Q_RESPONSE_DELAY},
        {"Retry", MB_Q_RETRY},
        {"First storage # for cyclic storage", MB_Q_FIRST_STORAGE_NUMBER},
        {"Last storage # for cyclic storage", MB_Q_LAST_STORAGE_NUMBER},
        {"Size of storage block", MB_Q_STORAGE_BLOCK_SIZE},
        {"Storage interval", MB_Q_STORAGE_INTERVAL},
        {"Duration since last readout", MB_Q_DURATION_SINCE_READOUT},
        {"Period of tariff", MB_Q_TARIFF_PERIOD},
        {"Dimensionless", MB_Q_DIMENSIONLESS},
        {"Voltage", MB_Q_VOLTAGE},
        {"Current", MB_Q_CURRENT},
        {"Reset counter", MB_Q_RESET_COUNTER},
        {"Cumulation counter", MB_Q_CUMULATION_COUNTER},
        {"Control signal", MB_Q_CONTROL_SIGNAL},
        {"Day of week", MB_Q_DAY_OF_WEEK},
        {"Week number", MB_Q_WEEK_NUMBER},
        {"Time point of day change", MB_Q_DAY_CHANGE_TIME},
        {"State of parameter activation", MB_Q_PARAMETER_ACTIVATION},
        {"Special supplier information", MB_Q_SUPPLIER_INFO},
        {"Duration since last cumulation", MB_Q_DURATION_SINCE_CUMULATION},
        {"Operating time battery", MB_Q_BATTERY_OPERATING_TIME},
        {"Date and time of battery change", MB_Q_BATTERY_CHANGE_DATE},
        {"Cold / Warm Temperature Limit", MB_Q_TEMPERATURE_LIMIT},
        {"Cumul count max power", MB_Q_MAX_POWER_COUNT},
        {"Reserved", MB_Q_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].name, s) == 0) {
            *q = names[i].q;
            return true;
        }
    }
    return false;
}

/* libmbus's unit names (normalised XML), ours, and the factor from its number to ours. */
static bool unit_of(const char *s, mb_unit_t *u, double *factor)
{
    static const struct {
        const char *name;
        mb_unit_t u;
        double factor;
    } names[] = {
        {"", MB_UNIT_NONE, 1},
        {"-", MB_UNIT_NONE, 1},
        {"Units for H.C.A.", MB_UNIT_NONE, 1},
        {"Reserved", MB_UNIT_NONE, 1},
        {"Wh", MB_UNIT_WH, 1},
        {"J", MB_UNIT_J, 1},
        {"m^3", MB_UNIT_M3, 1},
        {"kg", MB_UNIT_KG, 1},
        {"s", MB_UNIT_S, 1},
        {"W", MB_UNIT_W, 1},
        {"J/h", MB_UNIT_J_PER_H, 1},
        {"m^3/h", MB_UNIT_M3_PER_H, 1},
        {"m^3/min", MB_UNIT_M3_PER_H, 60}, /* we convert to m3/h */
        {"m^3/s", MB_UNIT_M3_PER_H, 3600}, /* likewise */
        {"kg/h", MB_UNIT_KG_PER_H, 1},
        {"\xC2\xB0"
         "C",
         MB_UNIT_CELSIUS, 1},
        {"K", MB_UNIT_KELVIN, 1},
        {"bar", MB_UNIT_BAR, 1},
        {"V", MB_UNIT_V, 1},
        {"A", MB_UNIT_A, 1},
        {"Currency units", MB_UNIT_CURRENCY, 1},
        {"Baud", MB_UNIT_BAUD, 1},
        {"Bittimes", MB_UNIT_BIT_TIMES, 1},
        {"feet^3", MB_UNIT_FT3, 1},
        {"American gallon", MB_UNIT_US_GAL, 1},
        {"American gallon/min", MB_UNIT_US_GAL_PER_MIN, 1},
        {"American gallon/h", MB_UNIT_US_GAL_PER_H, 1},
        {"\xC2\xB0"
         "F",
         MB_UNIT_FAHRENHEIT, 1},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].name, s) == 0) {
            *u = names[i].u;
            *factor = names[i].factor;
            return true;
        }
    }
    return false;
}

/*
 * libmbus's unit names of the fixed structure ("l", "10 kWh", "100 m^3/h") as quantity, unit and
 * decimal exponent in our base units; false for the ones without a unit.
 */
static bool fixed_unit_of(const char *s, mb_quantity_t *q, mb_unit_t *u, int *exponent)
{
    static const struct {
        const char *name;
        mb_quantity_t q;
        mb_unit_t u;
        int exponent;
    } bases[] = {
        {"Wh", MB_Q_ENERGY, MB_UNIT_WH, 0},
        {"kWh", MB_Q_ENERGY, MB_UNIT_WH, 3},
        {"MWh", MB_Q_ENERGY, MB_UNIT_WH, 6},
        {"kJ", MB_Q_ENERGY, MB_UNIT_J, 3},
        {"MJ", MB_Q_ENERGY, MB_UNIT_J, 6},
        {"GJ", MB_Q_ENERGY, MB_UNIT_J, 9},
        {"W", MB_Q_POWER, MB_UNIT_W, 0},
        {"kW", MB_Q_POWER, MB_UNIT_W, 3},
        {"MW", MB_Q_POWER, MB_UNIT_W, 6},
        {"kJ/h", MB_Q_POWER, MB_UNIT_J_PER_H, 3},
        {"MJ/h", MB_Q_POWER, MB_UNIT_J_PER_H, 6},
        {"GJ/h", MB_Q_POWER, MB_UNIT_J_PER_H, 9},
        {"ml", MB_Q_VOLUME, MB_UNIT_M3, -6},
        {"l", MB_Q_VOLUME, MB_UNIT_M3, -3},
        {"m^3", MB_Q_VOLUME, MB_UNIT_M3, 0},
        {"ml/h", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, -6},
        {"l/h", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, -3},
        {"m^3/h", MB_Q_VOLUME_FLOW, MB_UNIT_M3_PER_H, 0},
        {"1e-3 \xC2\xB0"
         "C",
         MB_Q_TEMPERATURE, MB_UNIT_CELSIUS, -3},
    };
    if (strcmp(s, "units for HCA") == 0) {
        *q = MB_Q_HCA_UNITS;
        *u = MB_UNIT_NONE;
        *exponent = 0;
        return true;
    }
    int scale = 0;
    if (strncmp(s, "10 ", 3) == 0) {
        scale = 1;
        s += 3;
    } else if (strncmp(s, "100 ", 4) == 0) {
        scale = 2;
        s += 4;
    }
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        if (strcmp(bases[i].name, s) == 0) {
            *q = bases[i].q;
            *u = bases[i].u;
            *exponent = bases[i].exponent + scale;
            return true;
        }
    }
    return false;
}

/* ---- value comparison --------------------------------------------------------------------- */

/* 10^k as a double: exact for |k| <= 22. */
static double pow10_d(int k)
{
    double p = 1.0;
    for (int i = 0; i < (k < 0 ? -k : k); i++) {
        p *= 10.0;
    }
    return p;
}

/* m * 10^e rounded once to a double (m below 2^53 converts exactly). */
static double decimal_d(double m, int e) { return e >= 0 ? m * pow10_d(e) : m / pow10_d(-e); }

/* Does text hold a number as "%f" prints it: -?digits.dddddd? */
static bool is_printed_number(const char *s)
{
    const char *p = s + (*s == '-');
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 || p[digits] != '.') {
        return false;
    }
    return strspn(p + digits + 1, "0123456789") == 6 && p[digits + 7] == '\0';
}

/* Is |ours - printed * factor| within what libmbus's double and %f can explain? */
static bool same_number(double ours, const char *printed, double factor)
{
    double lib = strtod(printed, NULL) * factor;
    double mag = ours < 0 ? -ours : ours;
    double diff = ours - lib;
    if (diff < 0) {
        diff = -diff;
    }
    return diff <= 5.000001e-7 * factor + 1e-15 * mag;
}

/* "XX XX ..." as libmbus prints binary data, against bytes in transmission order. */
static bool same_hex(const char *printed, const uint8_t *p, size_t n)
{
    char want[VALUE_MAX];
    size_t k = 0;
    want[0] = '\0';
    for (size_t i = 0; i < n && k + 4 < sizeof want; i++) {
        k += (size_t)snprintf(want + k, sizeof want - k, i == 0 ? "%02X" : " %02X", p[i]);
    }
    return strcmp(want, printed) == 0;
}

static void describe_value(const mb_record_t *r, char *out, size_t cap)
{
    const mb_value_t *v = &r->value;
    switch (v->kind) {
    case MB_VALUE_NUMBER:
        snprintf(out, cap, "number %" PRId64 "e%d flags %02x", v->mantissa, v->exponent, v->flags);
        break;
    case MB_VALUE_REAL:
#if MB_ENABLE_REAL32
        snprintf(out, cap, "real %ge%d", (double)v->real, v->exponent);
#else
        snprintf(out, cap, "real");
#endif
        break;
    case MB_VALUE_DATE:
        snprintf(out, cap, "date %04u-%02u-%02u %02u:%02u:%02u type %c flags %02x",
                 v->datetime.year, v->datetime.month, v->datetime.day, v->datetime.hour,
                 v->datetime.minute, v->datetime.second, v->datetime.type, v->datetime.flags);
        break;
    case MB_VALUE_TEXT: snprintf(out, cap, "text of %zu bytes", v->len); break;
    case MB_VALUE_BINARY: snprintf(out, cap, "binary of %zu bytes", v->len); break;
    default: snprintf(out, cap, "no value"); break;
    }
}

/* Compare our record's value with libmbus's printed value (factor: libmbus unit to ours). */
static bool same_value(const mb_record_t *r, const char *printed, double factor)
{
    const mb_value_t *v = &r->value;
    switch (v->kind) {
    case MB_VALUE_NUMBER:
        if ((v->flags & (MB_VALUE_BCD_HEX | MB_VALUE_OVERFLOW)) != 0u ||
            !is_printed_number(printed)) {
            return false;
        }
        return same_number(decimal_d((double)v->mantissa, v->exponent), printed, factor);
    case MB_VALUE_REAL: {
#if MB_ENABLE_REAL32
        float real = v->real;
#else
        /* Without MB_ENABLE_REAL32 the library keeps the 4 bytes: IEEE 754, least significant
         * byte first. */
        uint32_t bits = (uint32_t)v->bytes[0] | (uint32_t)v->bytes[1] << 8 |
                        (uint32_t)v->bytes[2] << 16 | (uint32_t)v->bytes[3] << 24;
        float real;
        assert_int_equal(v->len, 4);
        memcpy(&real, &bits, sizeof real);
#endif
        return is_printed_number(printed) &&
               same_number(decimal_d((double)real, v->exponent), printed, factor);
    }
    case MB_VALUE_DATE: {
        const mb_datetime_t *d = &v->datetime;
        int y, mo, day, h = 0, mi = 0, s = 0;
        char tail[8] = "";
        if (strcmp(printed, "1900-01-00T00:00:00Z") == 0) {
            /* libmbus's empty struct tm: what it prints for a date with the invalid bit set */
            return (d->flags & MB_DT_INVALID) != 0u;
        }
        if ((d->flags & MB_DT_INVALID) != 0u) {
            return false;
        }
        if (strlen(printed) == 10) { /* type G */
            return sscanf(printed, "%4d-%2d-%2d", &y, &mo, &day) == 3 && d->type == 'G' &&
                   d->year == y && d->month == mo && d->day == day;
        }
        return sscanf(printed, "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &day, &h, &mi, &s, tail) ==
                   7 &&
               strcmp(tail, "Z") == 0 && (d->type == 'F' || d->type == 'I') && d->year == y &&
               d->month == mo && d->day == day && d->hour == h && d->minute == mi && d->second == s;
    }
    case MB_VALUE_TEXT: {
        size_t n = strlen(printed);
        if (n != v->len) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if ((uint8_t)printed[i] != v->bytes[n - 1u - i]) {
                return false;
            }
        }
        return true;
    }
    case MB_VALUE_BINARY:
        if (r->data_field == 0xDu && r->lvar >= 0xE0u) {
            /* A binary number (LVAR E0..F6): libmbus prints it most significant byte first. */
            uint8_t reversed[256];
            for (size_t k = 0; k < v->len && v->len <= sizeof reversed; k++) {
                reversed[k] = v->bytes[v->len - 1u - k];
            }
            return v->len <= sizeof reversed && same_hex(printed, reversed, v->len);
        }
        return same_hex(printed, v->bytes, v->len);
    default: return printed[0] == '\0';
    }
}

/* ---- the comparison ----------------------------------------------------------------------- */

/* ID digits as libmbus prints them: hex digits, no leading zeros. */
static void id_text(uint32_t id, char out[9])
{
    char all[9];
    mb_id_text(id, all);
    const char *first = all;
    while (*first == '0' && first[1] != '\0') {
        first++;
    }
    strcpy(out, first);
}

static void compare_record(long i, const lib_record_t *lr, const mb_record_t *r)
{
    char have[160];
    records_compared++;
    if (lr->empty) {
        check(r->quantity == MB_Q_UNKNOWN, i, "quantity", "libmbus: no interpretation; ours %s",
              mb_quantity_name(r->quantity));
        return;
    }
    int fn = function_code(lr->function);
    check(fn == (int)r->function, i, "function", "libmbus %s, ours %s", lr->function,
          mb_function_name(r->function));
    check(lr->has_storage && lr->storage >= 0 && (uint64_t)lr->storage == r->storage, i, "storage",
          "libmbus %ld, ours %" PRIu64, lr->storage, r->storage);
    if (lr->has_tariff) {
        check(r->dib_len > 1u && (uint32_t)lr->tariff == r->tariff, i, "tariff",
              "libmbus %ld, ours %" PRIu32, lr->tariff, r->tariff);
        check(r->dib_len > 1u && (uint16_t)lr->device == r->subunit, i, "device",
              "libmbus %ld, ours %u", lr->device, (unsigned)r->subunit);
    } else {
        check(r->dib_len == 1u && r->tariff == 0u, i, "tariff", "libmbus: no DIFE; ours %u DIFEs",
              (unsigned)(r->dib_len - 1u));
        check(r->dib_len == 1u && r->subunit == 0u, i, "device", "libmbus: no DIFE; ours %u DIFEs",
              (unsigned)(r->dib_len - 1u));
    }

    /* Quantity and unit; a plain-text VIF has the text as quantity and "-" as unit. */
    mb_quantity_t q = MB_Q_UNKNOWN;
    mb_unit_t u = MB_UNIT_NONE;
    double factor = 1;
    bool known_unit = unit_of(lr->unit, &u, &factor);
    if (strcmp(lr->unit, "-") == 0 && !quantity_of(lr->quantity, &q)) {
        bool same_text = r->quantity == MB_Q_PLAIN_TEXT &&
                         strlen(lr->quantity) == r->text_unit_len && r->unit == MB_UNIT_NONE;
        for (size_t k = 0; same_text && k < r->text_unit_len; k++) {
            same_text = (uint8_t)lr->quantity[k] == r->text_unit[r->text_unit_len - 1u - k];
        }
        check(same_text, i, "quantity", "libmbus plain text \"%s\", ours %s", lr->quantity,
              mb_quantity_name(r->quantity));
    } else {
        bool known_q = quantity_of(lr->quantity, &q);
        check(known_q && known_unit && q == r->quantity && u == r->unit, i, "quantity",
              "libmbus %s [%s], ours %s [%s]", lr->quantity, lr->unit,
              mb_quantity_name(r->quantity), mb_unit_name(r->unit));
    }
    describe_value(r, have, sizeof have);
    check(known_unit && same_value(r, lr->value, factor), i, "value", "libmbus \"%.80s\", ours %s",
          lr->value, have);
}

/* The end record libmbus makes of DIF 0x0F/0x1F and the rest of the data. */
static void compare_end(long i, const lib_record_t *lr, const mb_records_t *it)
{
    bool more = strcmp(lr->function, "More records follow") == 0;
    records_compared++;
    check(it->manufacturer_data != NULL && it->more_records_follow == more, i, "function",
          "libmbus %s; ours %s, more_records_follow %d", lr->function,
          it->manufacturer_data == NULL ? "no DIF 0F/1F" : "DIF 0F/1F", it->more_records_follow);
    check(it->manufacturer_data != NULL &&
              same_hex(lr->value, it->manufacturer_data, it->manufacturer_len),
          i, "value", "libmbus \"%.60s\", ours %zu bytes", lr->value, it->manufacturer_len);
}

static void compare_variable(const lib_doc_t *doc, const mb_tpl_t *tpl)
{
    char have[16];
    id_text(tpl->address.id, have);
    check(tpl->has_address && strcmp(have, doc->id) == 0, -1, "id", "libmbus %s, ours %s", doc->id,
          have);
    /*
     * libmbus prints any manufacturer field as three characters '@' + 5 bits (bit 15 ignored),
     * "@@@" for 0; we give the letters only for codes A..Z and report the others as not valid. So
     * the packed code is compared, and the text too when libmbus's characters are all letters.
     */
    char man[4];
    unsigned code = 0;
    bool letters = strlen(doc->manufacturer) == 3;
    for (size_t k = 0; k < 3 && doc->manufacturer[k] != '\0'; k++) {
        char c = doc->manufacturer[k];
        code = code << 5 | ((unsigned)(c - '@') & 0x1Fu);
        letters = letters && c >= 'A' && c <= 'Z';
    }
    bool valid = mb_manufacturer_text(tpl->address.manufacturer, man);
    check(doc->has_manufacturer && (tpl->address.manufacturer & 0x7FFFu) == code &&
              valid == letters && (!letters || strcmp(man, doc->manufacturer) == 0),
          -1, "manufacturer", "libmbus %s, ours %s (0x%04X)", doc->manufacturer, man,
          tpl->address.manufacturer);
    check(doc->has_version && strtol(doc->version, NULL, 10) == tpl->address.version, -1, "version",
          "libmbus %s, ours %u", doc->version, tpl->address.version);
    int medium = variable_medium_code(doc->medium);
    check(medium == tpl->address.medium, -1, "medium", "libmbus %s, ours 0x%02X (%s)", doc->medium,
          tpl->address.medium, mb_medium_name(tpl->address.medium));
    check(strtol(doc->access, NULL, 10) == tpl->access, -1, "access", "libmbus %s, ours %u",
          doc->access, tpl->access);
    check(strtol(doc->status, NULL, 16) == tpl->status && strlen(doc->status) == 2, -1, "status",
          "libmbus %s, ours %02X", doc->status, tpl->status);
    check(doc->has_signature && strtol(doc->signature, NULL, 16) == tpl->config &&
              strlen(doc->signature) == 4,
          -1, "signature", "libmbus %s, ours %04X", doc->signature, tpl->config);

    mb_records_t it;
    mb_record_t r;
    mb_records_init(&it, tpl->apl, tpl->apl_len, 0);
    size_t i = 0;
    int got = 0;
    for (; i < doc->n; i++) {
        const lib_record_t *lr = &doc->rec[i];
        got = mb_records_next(&it, &r);
        if (is_end_record(lr)) {
            check(got == 0, (long)i, "count", "libmbus: end of records; ours %d", got);
            if (got == 0) {
                compare_end((long)i, lr, &it);
            }
            i++;
            break;
        }
        if (got != 1) {
            check(false, (long)i, "count", "libmbus: a record; ours %d (%s)", got,
                  got < 0 ? mb_strerror(got) : "end");
            return;
        }
        compare_record((long)i, lr, &r);
    }
    if (i == doc->n && (doc->n == 0 || !is_end_record(&doc->rec[doc->n - 1]))) {
        got = mb_records_next(&it, &r);
        check(got == 0 && it.manufacturer_data == NULL, (long)i, "count",
              "libmbus: no more records; ours %d", got);
    }
    check(i == doc->n, -1, "count", "libmbus has %zu records after the end", doc->n - i);
}

static void compare_fixed(const lib_doc_t *doc, const mb_tpl_t *tpl)
{
    mb_fixed_t fx;
    char have[16];
    assert_int_equal(mb_fixed_decode(tpl->apl, tpl->apl_len, &fx), MB_OK);
    id_text(fx.id, have);
    check(strcmp(have, doc->id) == 0, -1, "id", "libmbus %s, ours %s", doc->id, have);
    check(fixed_medium_code(doc->medium) == fx.medium, -1, "medium", "libmbus %s, ours %u (%s)",
          doc->medium, fx.medium, mb_fixed_medium_name(fx.medium));
    check(strtol(doc->access, NULL, 10) == fx.access, -1, "access", "libmbus %s, ours %u",
          doc->access, fx.access);
    check(strtol(doc->status, NULL, 16) == fx.status, -1, "status", "libmbus %s, ours %02X",
          doc->status, fx.status);
    assert_int_equal(doc->n, 2);
    for (long i = 0; i < 2; i++) {
        const lib_record_t *lr = &doc->rec[i];
        const mb_fixed_counter_t *c = &fx.counter[i];
        records_compared++;
        bool stored = strcmp(lr->function, "Stored value") == 0;
        check((stored || strcmp(lr->function, "Actual value") == 0) && stored == c->historic, i,
              "function", "libmbus %s, ours historic %d", lr->function, c->historic);
        mb_quantity_t q;
        mb_unit_t u;
        int e;
        /* Unit code 0x3E, "reserved but historic" to libmbus: counter 1's unit. */
        const char *unit =
            strcmp(lr->unit, "reserved but historic") == 0 ? doc->rec[0].unit : lr->unit;
        bool known_unit = fixed_unit_of(unit, &q, &u, &e);
        check(known_unit && q == c->quantity && u == c->unit, i, "quantity",
              "libmbus %s, ours %s [%s]", lr->unit, mb_quantity_name(c->quantity),
              mb_unit_name(c->unit));
        /* libmbus prints the raw counter: value = raw * 10^e exactly. */
        char *end;
        long long raw = strtoll(lr->value, &end, 10);
        bool same = known_unit && *end == '\0' && c->valid;
        if (same) {
            int64_t a = c->mantissa, b = raw;
            int ea = c->exponent, eb = e;
            for (; ea > eb; ea--) {
                a *= 10;
            }
            for (; eb > ea; eb--) {
                b *= 10;
            }
            same = a == b;
        }
        check(same, i, "value", "libmbus %s %s, ours %" PRId64 "e%d", lr->value, lr->unit,
              c->mantissa, c->exponent);
    }
}

static void test_frames(void **state)
{
    (void)state;
    static name_list_t files;
    static char xml[TEXT_MAX];
    static lib_doc_t doc;
    uint8_t buf[MB_FRAME_MAX_LEN + 16];
    load_known();
    list_hex("test-frames", &files);
    assert_int_equal(files.n, 76);
    for (size_t f = 0; f < files.n; f++) {
        cur_file = files.name[f];
        mb_frame_t frame;
        decode_frame("test-frames", cur_file, buf, &frame);
        assert_int_equal(frame.type, MB_FRAME_LONG);
        assert_true(read_sibling("test-frames", cur_file, ".norm.xml", xml, sizeof xml));
        parse_doc(xml, &doc);
        mb_tpl_t tpl;
        assert_int_equal(mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl), MB_OK);
        telegrams_compared++;
        if (frame.ci == 0x73) {
            assert_int_equal(tpl.info.content, MB_CI_FIXED);
            compare_fixed(&doc, &tpl);
        } else {
            assert_int_equal(frame.ci, 0x72);
            assert_int_equal(tpl.info.content, MB_CI_RECORDS);
            compare_variable(&doc, &tpl);
        }
    }

    /* Every listed difference must still be one. */
    size_t stale = 0;
    for (size_t i = 0; i < known_n; i++) {
        if (!known[i].used) {
            printf("STALE %s %s %s: listed as a difference, but it matches (or was not compared)\n",
                   known[i].file, known[i].record, known[i].field);
            stale++;
        }
    }
    printf("conformance: %zu telegrams, %zu records, %zu fields compared, %zu equal, %zu known "
           "differences\n",
           telegrams_compared, records_compared, fields_compared,
           fields_compared - fields_known - unexpected, fields_known);
    for (size_t i = 0; i < known_n; i++) {
        bool first = true;
        size_t count = 0;
        for (size_t j = 0; j < known_n; j++) {
            if (strcmp(known[i].tag, known[j].tag) == 0) {
                first = first && j >= i;
                count++;
            }
        }
        if (first) {
            printf("  %-28s %zu\n", known[i].tag, count);
        }
    }
    if (unexpected != 0 || stale != 0) {
        fail_msg("%zu unexpected differences, %zu stale entries in conformance_known.txt",
                 unexpected, stale);
    }
}

/* ---- error-frames ------------------------------------------------------------------------- */

/*
 * The 10 application errors (CI 0x70): libmbus's error text, the code byte that carries it and
 * our name for that code.
 */
static const struct {
    const char *text; /* start of libmbus's <Error> text */
    uint8_t code;
    const char *name;
} app_errors[] = {
    {"Unspecified error", 0x00, "unspecified"},
    {"Unimplemented CI-Field", 0x01, "unimplemented_ci"},
    {"Buffer too long, truncated", 0x02, "buffer_too_long"},
    {"Too many records", 0x03, "too_many_records"},
    {"Premature end of record", 0x04, "premature_end"},
    {"More than 10 DIFE", 0x05, "too_many_difes"}, /* "DIFE´s", the accent in either encoding */
    {"More than 10 VIFE", 0x06, "too_many_vifes"},
    {"Application busy", 0x08, "busy"},
    {"Too many readouts", 0x09, "too_many_readouts"},
};

/* The 10 malformed variable-data replies (CI 0x72) and what must happen to each. */
static const struct {
    const char *name;
    int tpl;         /* result of mb_tpl_decode() */
    size_t records;  /* records delivered before the error */
    size_t offset;   /* mb_records_offset() at the error: the record that cannot be read */
    int error;       /* what mb_records_next() returns then, and on every later call */
    const char *why; /* the one-line reason */
} malformed[] = {
    {"premature_end_of_data1.hex", MB_OK, 2, 10, MB_ERR_REC_DATA_TRUNCATED,
     "8B 60 04: 6-digit BCD announced, no data byte left"},
    {"premature_end_of_data2.hex", MB_OK, 2, 10, MB_ERR_REC_DATA_TRUNCATED,
     "8B 60 04 37 18: 6-digit BCD announced, 2 of its 3 bytes present"},
    {"premature_end_of_dif1.hex", MB_OK, 2, 10, MB_ERR_REC_DIF_TRUNCATED,
     "DIF 8B announces a DIFE, the data ends"},
    {"premature_end_of_dif2.hex", MB_OK, 2, 10, MB_ERR_REC_DIF_TRUNCATED,
     "DIFE 8B announces another DIFE, the data ends"},
    {"premature_end_of_vif1.hex", MB_OK, 2, 10, MB_ERR_REC_VIF_TRUNCATED,
     "8B 60: DIF and last DIFE, then no VIF"},
    {"premature_end_of_var_vif1.hex", MB_OK, 3, 22, MB_ERR_REC_VIF_TRUNCATED,
     "12 FC 13 ...: plain-text unit of 19 characters with 5 bytes left, in either text order"},
    {"too_long_var_vif.hex", MB_OK, 3, 22, MB_ERR_REC_VIF_TRUNCATED,
     "12 FC F3 ...: plain-text unit of 243 characters with 5 bytes left, in either text order"},
    {"too_many_dife.hex", MB_OK, 2, 10, MB_ERR_REC_TOO_MANY_DIFE,
     "DIF 8B then 11 DIFEs (ten 8B, one 60): EN 13757-3 allows 10"},
    {"too_many_vife.hex", MB_OK, 2, 10, MB_ERR_REC_TOO_MANY_VIFE,
     "VIF 84 then 11 VIFEs (ten 84, one 04): EN 13757-3 allows 10"},
    {"too_short_header.hex", MB_ERR_TPL_SHORT, 0, 0, 0,
     "CI 72 with 5 bytes: the 12-byte long header is cut short, no records to read"},
};

static void error_frames(void **state)
{
    (void)state;
    static name_list_t files;
    static char xml[TEXT_MAX];
    uint8_t buf[MB_FRAME_MAX_LEN + 16];
    list_hex("error-frames", &files);
    assert_int_equal(files.n, 20);
    size_t app = 0, bad = 0;
    for (size_t f = 0; f < files.n; f++) {
        const char *name = files.name[f];
        mb_frame_t frame;
        mb_tpl_t tpl;
        decode_frame("error-frames", name, buf, &frame);
        assert_int_equal(frame.c, MB_C_RSP_UD);
        int tpl_err = mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl);
        if (read_sibling("error-frames", name, ".xml", xml, sizeof xml)) {
            /* An application error: the code byte is the one libmbus names. */
            char text[128];
            const char *end = xml + strlen(xml);
            assert_true(xml_tag(xml, end, "Error", text, sizeof text));
            size_t k = 0;
            while (k < sizeof app_errors / sizeof app_errors[0] &&
                   strncmp(text, app_errors[k].text, strlen(app_errors[k].text)) != 0) {
                k++;
            }
            if (k == sizeof app_errors / sizeof app_errors[0]) {
                fail_msg("%s: unknown libmbus error \"%s\"", name, text);
            }
            assert_int_equal(frame.ci, 0x70);
            assert_int_equal(tpl_err, MB_OK);
            assert_int_equal(tpl.info.content, MB_CI_APP_ERROR);
            assert_int_equal(tpl.info.header, MB_TPL_HEADER_NONE);
            if (strcmp(name, "error.hex") == 0) {
                /* A control frame, CI 70 without a code byte: libmbus reports code 0 for it. */
                assert_int_equal(frame.type, MB_FRAME_CONTROL);
                assert_int_equal(tpl.apl_len, 0);
                assert_int_equal(app_errors[k].code, 0x00);
            } else {
                assert_int_equal(tpl.apl_len, 1);
                assert_int_equal(tpl.apl[0], app_errors[k].code);
#if MB_ENABLE_TEXT
                assert_string_equal(mb_app_error_name(tpl.apl[0]), app_errors[k].name);
#else
                assert_string_equal(mb_app_error_name(tpl.apl[0]), "");
#endif
            }
            app++;
            continue;
        }
        size_t m = 0;
        while (m < sizeof malformed / sizeof malformed[0] && strcmp(malformed[m].name, name) != 0) {
            m++;
        }
        if (m == sizeof malformed / sizeof malformed[0]) {
            fail_msg("%s: no expected outcome written for it", name);
        }
        assert_int_equal(frame.ci, 0x72);
        assert_int_equal(tpl_err, malformed[m].tpl);
        bad++;
        if (tpl_err != MB_OK) {
            continue;
        }
        mb_records_t it;
        mb_record_t r;
        mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
        for (size_t i = 0; i < malformed[m].records; i++) {
            assert_int_equal(mb_records_next(&it, &r), 1);
            if (i == 0 && malformed[m].offset == 10) {
                /* 03 13 15 31 00: 24-bit integer, 10^-3 m3: 12565 l */
                assert_int_equal(r.quantity, MB_Q_VOLUME);
                assert_int_equal(r.value.mantissa, 12565);
                assert_int_equal(r.value.exponent, -3);
            } else if (i == 1 && malformed[m].offset == 10) {
                /* DA 02 3B 13 01: maximum, storage 1 + (2 << 1), 4-digit BCD 0113 x 10^-3 m3/h */
                assert_int_equal(r.function, MB_FN_MAXIMUM);
                assert_int_equal(r.storage, 5);
                assert_int_equal(r.quantity, MB_Q_VOLUME_FLOW);
                assert_int_equal(r.value.mantissa, 113);
                assert_int_equal(r.value.exponent, -3);
            } else if (i == 1) {
                /* 02 FC 03 48 52 25 74 D4 11: "%RH" (text after the VIF), x 10^-2, 0x11D4 */
                assert_int_equal(r.quantity, MB_Q_PLAIN_TEXT);
                assert_int_equal(r.text_unit_len, 3);
                assert_memory_equal(r.text_unit, "HR%", 3);
                assert_int_equal(r.value.mantissa, 4564);
                assert_int_equal(r.value.exponent, -2);
            }
        }
        int err = mb_records_next(&it, &r);
        if (err != malformed[m].error) {
            fail_msg("%s: %s expected (%s), got %d (%s)", name, mb_strerror(malformed[m].error),
                     malformed[m].why, err, mb_strerror(err));
        }
        assert_int_equal(mb_records_offset(&it), malformed[m].offset);
        assert_int_equal(mb_records_next(&it, &r), malformed[m].error); /* and it stays so */
    }
    assert_int_equal(app, 10);
    assert_int_equal(bad, 10);
}

/* ---- unsupported-frames ------------------------------------------------------------------- */

/*
 * The 7 telegrams libmbus calls unsupported, and what this library does with each:
 *   invalid_length.hex     68 00 00 68 ...: L = 0, rejected by mb_frame_decode (MB_ERR_FRAME_LEN).
 *   manual_frame1.hex      "D 04 04 68 ...": not hex text at all.
 *   invalid_length2.hex    CI 73 with 15 bytes, one short of the legacy fixed structure: read as
 *                          a compact frame with a long header (its 3 bytes of data cannot hold the
 *                          format signature and CRC); mb_fixed_decode() says MB_ERR_TPL_SHORT.
 *   manual_frame4.hex      SND_UD CI 51 to 254, 01 7A 08: set the bus address to 8.
 *   manual_frame5.hex      SND_UD CI 51 to 254, 07 79 ...: enhanced identification, 64-bit type C.
 *   manual_frame6.hex      SND_UD CI 51 to 254, 0C 79 78563412 and 0C 06 07010000: identification
 *                          12345678 and energy 107 kWh (BCD).
 *   svm_f22_telegram2.hex  RSP_UD CI 72, long header of SVM meter 01006089, then DIF 1F at once:
 *                          no records, 206 bytes of manufacturer data, more records follow.
 */
static void unsupported_frames(void **state)
{
    (void)state;
    static name_list_t files;
    static char text[TEXT_MAX];
    uint8_t buf[MB_FRAME_MAX_LEN + 16];
    char path[1024];
    list_hex("unsupported-frames", &files);
    assert_int_equal(files.n, 7);
    size_t seen = 0;
    for (size_t f = 0; f < files.n; f++) {
        const char *name = files.name[f];
        mb_frame_t frame;
        mb_tpl_t tpl;
        mb_records_t it;
        mb_record_t r;
        snprintf(path, sizeof path, "%s/unsupported-frames/%s", corpus_dir, name);
        assert_true(mbt_read_text(path, text, sizeof text));
        if (strcmp(name, "invalid_length.hex") == 0) {
            int n = mbt_hex(text, buf, sizeof buf);
            assert_int_equal(n, 6);
            assert_int_equal(mb_frame_decode(buf, (size_t)n, &frame), MB_ERR_FRAME_LEN);
            seen++;
            continue;
        }
        if (strcmp(name, "manual_frame1.hex") == 0) {
            assert_int_equal(mbt_hex(text, buf, sizeof buf), -1);
            seen++;
            continue;
        }
        decode_frame("unsupported-frames", name, buf, &frame);
        assert_int_equal(mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl), MB_OK);
        if (strcmp(name, "invalid_length2.hex") == 0) {
            mb_fixed_t fx;
            assert_int_equal(frame.ci, 0x73);
            assert_int_equal(frame.data_len, MB_FIXED_LEN - 1u);
            assert_int_equal(tpl.info.content, MB_CI_COMPACT);
            assert_int_equal(tpl.info.header, MB_TPL_HEADER_LONG);
            assert_int_equal(tpl.apl_len, 3);
            assert_int_equal(mb_fixed_decode(frame.data, frame.data_len, &fx), MB_ERR_TPL_SHORT);
            seen++;
            continue;
        }
        if (strcmp(name, "svm_f22_telegram2.hex") == 0) {
            char man[4];
            assert_int_equal(frame.ci, 0x72);
            assert_int_equal(tpl.address.id, 0x01006089);
            assert_true(mb_manufacturer_text(tpl.address.manufacturer, man));
            assert_string_equal(man, "SVM");
            mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
            assert_int_equal(mb_records_next(&it, &r), 0);
            assert_true(it.more_records_follow);
            assert_ptr_equal(it.manufacturer_data, tpl.apl + 1);
            assert_int_equal(it.manufacturer_len, 206);
            seen++;
            continue;
        }
        /* manual_frame4..6: commands to meters (SND_UD, CI 51, broadcast with reply). */
        assert_int_equal(frame.c, 0x53);
        assert_int_equal(frame.a, 0xFE);
        assert_int_equal(frame.ci, 0x51);
        assert_int_equal(tpl.info.content, MB_CI_RECORDS);
        assert_int_equal(tpl.info.direction, MB_CI_TO_METER);
        mb_records_init(&it, tpl.apl, tpl.apl_len, MB_RECORDS_TO_METER);
        assert_int_equal(mb_records_next(&it, &r), 1);
        assert_int_equal(r.value.kind, MB_VALUE_NUMBER);
        if (strcmp(name, "manual_frame4.hex") == 0) {
            assert_int_equal(r.quantity, MB_Q_BUS_ADDRESS);
            assert_int_equal(r.value.mantissa, 8);
            assert_int_equal(r.value.exponent, 0);
        } else if (strcmp(name, "manual_frame5.hex") == 0) {
            /* 04 03 02 01 24 40 01 04, least significant byte first, unsigned (type C) */
            assert_int_equal(r.quantity, MB_Q_ENHANCED_IDENTIFICATION);
            assert_true(r.value.mantissa == INT64_C(0x0401402401020304));
            assert_int_equal(r.value.exponent, 0);
        } else {
            assert_string_equal(name, "manual_frame6.hex");
            assert_int_equal(r.quantity, MB_Q_ENHANCED_IDENTIFICATION);
            assert_int_equal(r.value.mantissa, 12345678);
            assert_int_equal(r.value.exponent, 0);
            assert_int_equal(mb_records_next(&it, &r), 1);
            assert_int_equal(r.quantity, MB_Q_ENERGY);
            assert_int_equal(r.unit, MB_UNIT_WH);
            assert_int_equal(r.value.mantissa, 107);
            assert_int_equal(r.value.exponent, 3);
        }
        assert_int_equal(mb_records_next(&it, &r), 0);
        assert_null(it.manufacturer_data);
        seen++;
    }
    assert_int_equal(seen, 7);
}

int main(void)
{
    corpus_dir = mbt_corpus_dir();
    if (corpus_dir == NULL) {
        return 77; /* ctest's SKIP_RETURN_CODE */
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames),
        cmocka_unit_test(error_frames),
        cmocka_unit_test(unsupported_frames),
    };
    return cmocka_run_group_tests_name("corpus", tests, NULL, NULL);
}
