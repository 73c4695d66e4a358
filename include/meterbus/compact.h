/**
 * @file compact.h
 * @brief Compact frames (EN 13757-3/-7, CI 0x79, 0x7B, 0x73 with a compact payload): record data
 *        without their DIF/VIF bytes, decoded against a format learnt earlier.
 *
 * A meter that sends compact frames sends a full frame now and then. The receiver learns the
 * record format (every record's DIB and VIB bytes) from the full frame with mb_format_learn(),
 * keeps it in a caller-owned fixed-size cache, and expands each compact frame back into full
 * records with mb_compact_expand(); the ordinary record iterator then decodes them. The format
 * signature a compact frame starts with is the CRC-16/EN-13757 of those DIB and VIB bytes.
 *
 * Needs MB_ENABLE_WIRELESS (for the CRC). No heap: a format is a fixed-size struct.
 */
#ifndef MB_COMPACT_H
#define MB_COMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#if MB_ENABLE_WIRELESS

/** Bytes of a compact frame's own header: format signature (2, LE) and full-frame CRC (2, LE). */
#define MB_COMPACT_HEADER_LEN 4u

/** A learnt record format. Caller-owned; members may be read, set them with mb_format_learn(). */
typedef struct mb_format {
    uint16_t signature;                                /**< CRC-16/EN-13757 of bytes[0..len) */
    uint8_t len;                                       /**< DIB and VIB bytes; 0 = empty slot */
    uint8_t records;                                   /**< number of records */
    uint8_t bytes[MB_COMPACT_FORMAT_MAX];              /**< every record's DIB and VIB, in order */
    uint8_t starts[(MB_COMPACT_FORMAT_MAX + 7u) / 8u]; /**< bit i: bytes[i] is a record's DIF */
    uint32_t last_used;                                /**< cache bookkeeping */
} mb_format_t;

/**
 * Learn the format of full-frame record data @p apl (mb_tpl_t::apl, plaintext): the DIB and VIB
 * bytes of every record, fillers skipped, up to DIF 0x0F/0x1F (manufacturer data is not part of
 * a format). Records of a global readout request (DIF 0x7F) cannot be part of one.
 * @return MB_OK; a record error (MB_ERR_REC_*) when the records cannot be read to the end;
 *         MB_ERR_NOSPACE when the format exceeds MB_COMPACT_FORMAT_MAX bytes or 255 records;
 *         MB_ERR_ARG
 */
int mb_format_learn(const uint8_t *apl, size_t len, mb_format_t *fmt);

/** A fixed-size cache of formats in a caller-owned array. */
typedef struct mb_format_cache {
    mb_format_t *slots; /**< private */
    size_t count;       /**< private */
    uint32_t clock;     /**< private */
} mb_format_cache_t;

/** Use @p slots (@p count formats, which must outlive the cache) as an empty cache. */
void mb_format_cache_init(mb_format_cache_t *cache, mb_format_t *slots, size_t count);

/**
 * Store a copy of @p fmt: over the format with the same signature, else in an empty slot, else
 * over the least recently used one. @return MB_OK, MB_ERR_ARG (no slots, or an empty format)
 */
int mb_format_cache_put(mb_format_cache_t *cache, const mb_format_t *fmt);

/** @return the format with @p signature, or NULL. Marks it used. */
const mb_format_t *mb_format_cache_get(mb_format_cache_t *cache, uint16_t signature);

/**
 * Expand compact application data @p compact (from its format signature on, @p len bytes) with
 * format @p fmt into full record data at @p out: each record's DIB and VIB from the format, then
 * its data from the compact frame (variable-length data with its LVAR byte). Bytes after the
 * last record's data are copied as they are (fillers, or DIF 0x0F/0x1F and manufacturer data).
 *
 * The second header field is taken to be the CRC-16/EN-13757 of the full frame's records, that
 * is of the records this writes (not of the bytes copied after them): @p crc_ok tells whether it
 * matches. Which bytes that CRC covers is
 * not settled among the sources, so a mismatch is reported, not refused.
 *
 * @param fmt     the format learnt from the meter's full frame (mb_format_cache_get())
 * @param compact the compact frame's application data, from its format signature on
 * @param len     bytes at @p compact
 * @param out     where the full record data go; must not overlap @p compact
 * @param cap     bytes at @p out
 * @param crc_ok  set to whether the full-frame CRC matches; may be NULL
 * @return bytes written; MB_ERR_COMPACT_FORMAT (the signature is not @p fmt's),
 *         MB_ERR_COMPACT_SHORT (the data end inside a record; reserved LVAR), MB_ERR_NOSPACE,
 *         MB_ERR_ARG (also for @p len above 65535)
 */
int mb_compact_expand(const mb_format_t *fmt, const uint8_t *compact, size_t len, uint8_t *out,
                      size_t cap, bool *crc_ok);

/** The format signature at the start of compact data (its first two bytes, LE); 0 if fewer. */
uint16_t mb_compact_signature(const uint8_t *compact, size_t len);

#endif /* MB_ENABLE_WIRELESS */

#ifdef __cplusplus
}
#endif

#endif /* MB_COMPACT_H */
