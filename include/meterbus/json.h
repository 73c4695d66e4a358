/**
 * @file json.h
 * @brief JSON output into a caller's buffer: a small streaming writer, and whole telegrams.
 *
 * No printf, no heap, no floating point unless MB_ENABLE_REAL32: numbers are written as exact
 * decimal text from a record's mantissa and exponent. The writer never writes past the buffer;
 * when the buffer is too small the result is an error and the buffer holds an empty string, never
 * half a document. Strings are UTF-8 (texts from meters, ISO 8859-1, are converted).
 */
#ifndef MB_JSON_H
#define MB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/link.h"
#include "meterbus/records.h"
#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
#include "meterbus/compact.h"
#include "meterbus/security.h"
#include "meterbus/wlink.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define MB_JSON_MAX_DEPTH 16u /**< nesting depth of objects and arrays */

/** Writer state; owned by the caller, members private. */
typedef struct mb_json {
    char *buf;         /**< private */
    size_t cap;        /**< private */
    size_t len;        /**< private */
    int err;           /**< private: first error, sticky */
    uint8_t depth;     /**< private */
    uint32_t has_item; /**< private: per level, whether it holds an item, is an object */
    bool after_key;    /**< private */
} mb_json_t;

/**
 * Start writing into @p buf of @p cap bytes. The result is NUL-terminated: cap 0 ends in
 * MB_ERR_NOSPACE, a NULL @p buf in MB_ERR_ARG.
 */
void mb_json_init(mb_json_t *j, char *buf, size_t cap);

/** Open an object (`{`); in an object, after its mb_json_key(). */
void mb_json_begin_object(mb_json_t *j);
/** Close the innermost object (`}`). */
void mb_json_end_object(mb_json_t *j);
/** Open an array (`[`); in an object, after its mb_json_key(). */
void mb_json_begin_array(mb_json_t *j);
/** Close the innermost array (`]`). */
void mb_json_end_array(mb_json_t *j);
/** An object member's name; the next value call writes its value. Escaped as mb_json_string(). */
void mb_json_key(mb_json_t *j, const char *key);
/**
 * A NUL-terminated UTF-8 string, escaped (control characters as `\u00XX`); a byte that is not
 * part of valid UTF-8 is written as `\ufffd`, so that the document stays valid.
 */
void mb_json_string(mb_json_t *j, const char *s);
/** @p n bytes as a string of two lowercase hex digits each ("0c14"). */
void mb_json_hex(mb_json_t *j, const uint8_t *p, size_t n);
/** A signed integer @p v. */
void mb_json_int(mb_json_t *j, int64_t v);
/** An unsigned integer @p v. */
void mb_json_uint(mb_json_t *j, uint64_t v);
/** mantissa * 10^exponent as exact decimal text: (2850427, -2) gives 28504.27. */
void mb_json_decimal(mb_json_t *j, int64_t mantissa, int exponent);
/** `true` or `false`. */
void mb_json_bool(mb_json_t *j, bool v);
/** `null`. */
void mb_json_null(mb_json_t *j);

/**
 * Finish: checks that every object and array was closed, NUL-terminates.
 * @return the length written (without the NUL), or MB_ERR_NOSPACE / MB_ERR_ARG (unbalanced, too
 *         deep, a value without its key in an object, a key outside an object, no value or more
 *         than one at the top level); on error the buffer holds "".
 */
int mb_json_finish(mb_json_t *j);

/**
 * Write one record as an object: "dif", "vif" (hex of the raw bytes), "storage", "tariff",
 * "subunit", "function", "quantity", "unit", "value", and when present "text_unit", "per",
 * "phase", "limit", "error", "action", "flags" (names of the combinable VIFEs), "unknown_vife",
 * "invalid", "periodic" (a date with an "every" wildcard: day 00, month 15, hour 31, minute or
 * second 63 are written as sent; every year is ISO 8601's "--MM-DD", with no year).
 * The value is a number in the unit named, a string (ISO 8601 date/time, text, hex for binary and
 * for BCD with hex digits), or null for no data.
 */
void mb_json_record(mb_json_t *j, const mb_record_t *rec);

/**
 * Write a whole wired frame as one object: "frame", "c", "a", "ci", then what the CI carries: for
 * data records "id", "manufacturer", "version", "medium", "access", "status",
 * "configuration", "records", "more_records_follow" (and "manufacturer_data"); "app_error";
 * "alarm"; "fixed" for the legacy structure; "data" (hex) for anything else. Encrypted data
 * (security mode != 0) gives "encrypted": true and no records.
 *
 * When the records cannot be read to the end, the object has every record before the problem and
 * "error": {"code", "message", "offset"}.
 *
 * @param frame   a decoded frame (mb_frame_decode(), mb_rx_frame())
 * @param options MB_RECORDS_* for the record iterator
 * @param out     where the document is written, NUL-terminated
 * @param cap     bytes at @p out
 * @param decode_error set to MB_OK, or the error reported in the object
 * @return the length written, or MB_ERR_NOSPACE (buffer holds "")
 */
int mb_json_frame(const mb_frame_t *frame, unsigned options, char *out, size_t cap,
                  int *decode_error);

#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
/**
 * Write a wireless message as one object: "frame": "wireless", "format" (a, b, none), "c",
 * "link" (the link layer's "id", "manufacturer", "version", "device_type"), "rssi_dbm" when the
 * receiver gave it, "ell" and "afl" when present, then as for a wired frame "ci", "id",
 * "manufacturer", "version", "medium" (the meter: the long header's address, else the link
 * layer's), "access", "status", "configuration"; "security" ("mode", "ell_encrypted",
 * "authenticated", "verdict": the name of @p status) when anything was encrypted; "compact"
 * ("signature", "crc_ok") for a compact frame, expanded with the format from @p formats; and
 * "records" with "more_records_follow", or "error" when @p status or the records say so.
 *
 * @param frame   the link layer (mb_wframe_decode())
 * @param msg     what mb_wmsg_open() gave, decrypted
 * @param status  mb_wmsg_open()'s result: the records are written only when it is MB_OK
 * @param formats compact-frame formats, or NULL
 * @param options MB_RECORDS_* for the record iterator
 * @param out     where the document is written, NUL-terminated
 * @param cap     bytes at @p out
 * @param decode_error set to MB_OK, or the error reported in the object
 * @return the length written, or MB_ERR_NOSPACE (buffer holds "")
 */
int mb_json_wmsg(const mb_wframe_t *frame, const mb_wmsg_t *msg, int status,
                 mb_format_cache_t *formats, unsigned options, char *out, size_t cap,
                 int *decode_error);
#endif

/**
 * Write {"error": {"code": "...", "message": "..."}} for @p err (mb_error_name(), mb_strerror()).
 * @return the length written, or MB_ERR_NOSPACE
 */
int mb_json_error(int err, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* MB_JSON_H */
