/* Helpers shared by the files of src/; not part of the public API. */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"

#if MB_ENABLE_WIRED
#include "meterbus/link.h"

/* Fill @p frame as a view of the wired frame at @p buf, which has already been validated. */
void mb_internal_frame_view(const uint8_t *buf, mb_frame_t *frame);
#endif

/* 8-bit sum of @p len bytes: the wired frame checksum (EN 13757-2). */
uint8_t mb_internal_sum8(const uint8_t *p, size_t len);

/*
 * Byte copy without <string.h>, which freestanding targets may lack: the compiler's builtin where
 * there is one (memcpy is on the core's allowed-symbol list, and constant lengths inline), a loop
 * elsewhere. A zero length never touches the pointers, which may then be NULL.
 */
static inline void mb_internal_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
    if (len != 0u) {
        __builtin_memcpy(dst, src, len);
    }
#else
    for (size_t i = 0; i < len; i++) {
        dst[i] = src[i];
    }
#endif
}

#include "meterbus/records.h"

/* What the value information block says about scaling and interpreting a record's data. */
typedef struct mb_vib {
    int8_t exponent;        /* decimal exponent of the VIF and of multiplicative VIFEs */
    int8_t offset_exponent; /* additive constant 10^offset_exponent (VIF's unit), if has_offset */
    bool has_offset;
    bool hca_scale;        /* heat cost allocator factor: times 2^-12 */
    bool is_date;          /* the data is a date/time (by VIF, VIFE 0x39 or a limit date VIFE) */
    bool is_count;         /* number of limit exceeds: a plain count */
    uint8_t duration_unit; /* limit durations: the value's unit (mb_unit_t), 0 for none */
} mb_vib_t;

/*
 * Parse the VIF and VIFEs at p[0..len): sets rec's quantity, unit, flags, error/action, limit, per,
 * phase, vife_flags and text unit, and *vib. A plain-text unit after VIF 0xFC is read in the 2018
 * order unless options say MB_RECORDS_TEXT_AFTER_VIF (the automatic choice between the two is the
 * record iterator's: it needs the whole record). @return bytes of the VIB, or a negative
 * MB_ERR_REC_*.
 */
int mb_internal_vib_parse(const uint8_t *p, size_t len, unsigned options, mb_record_t *rec,
                          mb_vib_t *vib);
/* The same without first trying mb_internal_vib_simple(), for a caller that just did. */
int mb_internal_vib_parse_full(const uint8_t *p, size_t len, unsigned options, mb_record_t *rec,
                               mb_vib_t *vib);

/* Bytes of value data for DIF data fields 0..F (records.c); 0 for none and for variable length. */
extern const uint8_t mb_internal_field_len[16];

/* Bytes of variable-length data after LVAR byte @p lvar; -1 for the reserved ranges (records.c). */
int mb_internal_lvar_len(uint8_t lvar);

/* One entry of the VIF tables: quantity, unit, decimal exponent (or the 2^-12 marker). */
typedef struct mb_internal_vif_entry {
    uint8_t quantity; /* mb_quantity_t */
    uint8_t unit;     /* mb_unit_t */
    int8_t exponent;  /* decimal exponent, or -128 for heat cost allocator factors */
} mb_internal_vif_entry_t;

/* Traits of each quantity (records.c). */
#define MB_INTERNAL_TR_DATE     0x01u /* the data is a date/time */
#define MB_INTERNAL_TR_UNSIGNED 0x02u /* integers are type C (unsigned), not B */
#define MB_INTERNAL_TR_OPAQUE   0x04u /* types K and L: kept as bytes */
extern const uint8_t mb_internal_traits[MB_Q_COUNT_];

/* True for quantities whose data is a date or time. */
static inline bool mb_internal_quantity_is_date(mb_quantity_t q)
{
    return (unsigned)q < MB_Q_COUNT_ && (mb_internal_traits[q] & MB_INTERNAL_TR_DATE) != 0u;
}

/* The VIF tables (vif.c): primary, and the FB and FD extensions, indexed by the code & 0x7F. */
extern const mb_internal_vif_entry_t mb_internal_vif_primary[128];
extern const mb_internal_vif_entry_t mb_internal_vif_fb[128];
extern const mb_internal_vif_entry_t mb_internal_vif_fd[128];

#define MB_INTERNAL_EXP_2POW_M12 (-128) /* mb_internal_vif_entry_t::exponent of 2^-12 */

/*
 * The common VIBs in one table lookup: a primary VIF, or FB/FD with one table code, without
 * VIFEs. The record iterator calls this before the full parser. @return the VIB's length (1 or
 * 2), or 0 when @p p needs mb_internal_vib_parse().
 */
static inline int mb_internal_vib_simple(const uint8_t *p, size_t len, mb_record_t *rec,
                                         mb_vib_t *vib)
{
    const mb_internal_vif_entry_t *e;
    int n = 1;
    if (len == 0u) {
        return 0;
    }
    if (p[0] < 0x7Bu || p[0] == 0x7Eu || p[0] == 0x7Fu) { /* no extension bit, no text */
        e = &mb_internal_vif_primary[p[0]];
    } else if ((p[0] == 0xFBu || p[0] == 0xFDu) && len >= 2u && p[1] < 0x7Du) {
        e = &(p[0] == 0xFBu ? mb_internal_vif_fb : mb_internal_vif_fd)[p[1]];
        n = 2;
    } else {
        return 0;
    }
    rec->quantity = (mb_quantity_t)e->quantity;
    rec->unit = (mb_unit_t)e->unit;
    bool hca = e->exponent == MB_INTERNAL_EXP_2POW_M12;
    *vib = (mb_vib_t){hca ? (int8_t)-12 : e->exponent,
                      0,
                      false,
                      hca,
                      mb_internal_quantity_is_date(rec->quantity),
                      false,
                      0};
    return n;
}

/* A name and its length; {"", 0} without text tables or for codes without a name. */
typedef struct mb_internal_name {
    const char *s;
    uint8_t n;
} mb_internal_name_t;

/*
 * Names of quantities, units and functions (names.c): one block of text and an index per table,
 * each entry the name's offset in the block << 5 | its length. At least MB_INTERNAL_NAME_SPARE
 * bytes of the block follow the start of every name, so that a name of up to that length can be
 * copied with a fixed-size copy of that many bytes.
 */
#define MB_INTERNAL_NAME_SPARE 32u
#if MB_ENABLE_TEXT
struct mb_internal_name_text;
extern const struct mb_internal_name_text mb_internal_name_text;
extern const uint16_t mb_internal_quantity_index[MB_Q_COUNT_];
extern const uint16_t mb_internal_unit_index[MB_UNIT_COUNT_];
extern const uint16_t mb_internal_function_index[4];

static inline mb_internal_name_t mb_internal_name_at(uint16_t entry)
{
    mb_internal_name_t name = {(const char *)&mb_internal_name_text + (entry >> 5),
                               (uint8_t)(entry & 0x1Fu)};
    return name;
}
#define MB_INTERNAL_NAME(index, code) \
    mb_internal_name_at((unsigned)(code) < sizeof(index) / sizeof((index)[0]) ? (index)[code] : 0u)
#else
#define MB_INTERNAL_NAME(index, code) ((void)(code), (mb_internal_name_t){"", 0})
#endif

/* The device type (medium) name, as mb_medium_name(), with its length. */
mb_internal_name_t mb_internal_medium_name(uint8_t medium);

static inline mb_internal_name_t mb_internal_quantity_name(mb_quantity_t q)
{
    return MB_INTERNAL_NAME(mb_internal_quantity_index, q);
}

static inline mb_internal_name_t mb_internal_unit_name(mb_unit_t u)
{
    return MB_INTERNAL_NAME(mb_internal_unit_index, u);
}

static inline mb_internal_name_t mb_internal_function_name(mb_function_t fn)
{
    return MB_INTERNAL_NAME(mb_internal_function_index, fn);
}

#endif /* MB_INTERNAL_H */
