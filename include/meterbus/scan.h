/**
 * @file scan.h
 * @brief What a master does with many transactions: reading every telegram of a meter, and
 *        finding the meters of a segment by primary address or by secondary address with
 *        wildcards. Non-blocking state machines on top of mb_master_t.
 *
 * Each is started, then polled with the current time (bytes still go to mb_master_feed()); a
 * poll returns MB_SCAN_PENDING while it runs, MB_SCAN_ITEM when it has something for the caller
 * (a telegram, a meter found), and finally MB_OK or an error. The caller owns every struct.
 */
#ifndef MB_SCAN_H
#define MB_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/link.h"
#include "meterbus/master.h"

#ifdef __cplusplus
extern "C" {
#endif

#if MB_ENABLE_MASTER

#define MB_SCAN_PENDING 1 /**< poll: still running */
#define MB_SCAN_ITEM    2 /**< poll: a telegram or a meter is ready for the caller */

/* ---- multi-telegram readout --------------------------------------------------------------- */

/** Reading every telegram of one meter (EN 13757-3 DIF 0x1F: more records follow). */
typedef struct mb_readout {
    mb_master_t *master; /**< private */
    uint8_t addr;        /**< private */
    uint8_t state;       /**< private */
    unsigned max;        /**< private */
    unsigned count;      /**< private: telegrams delivered */
    uint16_t last_sum;   /**< private: checksum and length of the last telegram, to see a */
    uint16_t last_len;   /**< private: meter that ignores the FCB and repeats itself */
    int result;          /**< private */
} mb_readout_t;

/**
 * Start reading meter @p addr (0..250, or 253 after a selection): REQ_UD2, and again (FCB
 * toggled) as long as a telegram ends with DIF 0x1F, up to @p max_telegrams. A meter that sends
 * the same telegram again after a toggled FCB ends the readout (it ignores the FCB).
 * @return MB_OK or the master's error (MB_ERR_MASTER_BUSY, MB_ERR_ARG)
 */
int mb_readout_start(mb_readout_t *r, mb_master_t *master, uint8_t addr, unsigned max_telegrams,
                     uint32_t now_ms);

/**
 * @return MB_SCAN_PENDING; MB_SCAN_ITEM with the next telegram in @p telegram (its data point
 *         into the master and stay valid until the next poll); MB_OK when every telegram was
 *         read (or @p max_telegrams); a master error (MB_ERR_MASTER_TIMEOUT...) when a telegram
 *         could not be read after the master's retries
 */
int mb_readout_poll(mb_readout_t *r, uint32_t now_ms, mb_frame_t *telegram);

/* ---- scans -------------------------------------------------------------------------------- */

/** What a scan found: the primary address it answered on, and its identity when it has one. */
typedef struct mb_scan_found {
    uint8_t address;          /**< primary address (253 for a meter found by secondary address) */
    bool has_secondary;       /**< the reply had a long header */
    mb_secondary_t secondary; /**< from the reply's long header */
} mb_scan_found_t;

/** Meters a secondary scan remembers (see mb_scan_secondary()); a fixed size, not a knob. */
#define MB_SCAN_KNOWN 4u

/** A meter a secondary scan has found and remembers. Private. */
typedef struct mb_scan_known {
    uint32_t address[2]; /**< private: ID; manufacturer, version, medium */
    uint16_t sum;        /**< private: checksum and length of the reply that confirmed it */
    uint8_t len;         /**< private */
} mb_scan_known_t;

/**
 * A running scan. Caller-owned; members private: 132 bytes on a 32-bit target, 136 on 64-bit
 * (the walk's 16 levels take 36 of them, the MB_SCAN_KNOWN remembered meters and the one being
 * confirmed 60).
 */
typedef struct mb_scan {
    mb_master_t *master;   /**< private */
    uint8_t kind;          /**< private: primary or secondary */
    uint8_t state;         /**< private */
    uint8_t next_addr;     /**< private: primary scan: next address */
    uint8_t last_addr;     /**< private */
    uint8_t depth;         /**< private: secondary scan: levels of the walk */
    uint8_t max_digit;     /**< private: highest ID digit tried (9, or 14 for hex IDs) */
    uint8_t nknown;        /**< private: meters in known[] */
    bool aborted;          /**< private */
    uint8_t level[16];     /**< private: per level, position and kind */
    uint8_t value[16];     /**< private: per level, the value being probed */
    uint32_t used;         /**< private: positions the levels take, as bits */
    uint32_t mask[2];      /**< private: the selection being probed, as known[].address */
    int result;            /**< private */
    mb_scan_found_t found; /**< private: what MB_SCAN_ITEM hands out */
    /** private: meters found in the current F region, then the one being found */
    mb_scan_known_t known[MB_SCAN_KNOWN + 1u];
} mb_scan_t;

/**
 * Scan primary addresses @p first..@p last (0..250) with REQ_UD2: each meter that answers is
 * handed out (MB_SCAN_ITEM) with its address and, from its long header, its identity. Uses the
 * master's retries for each address.
 */
int mb_scan_primary(mb_scan_t *s, mb_master_t *master, uint8_t first, uint8_t last,
                    uint32_t now_ms);

/**
 * Scan by secondary address: a wildcard search over the 16 nibbles of the address (8 ID digits,
 * then manufacturer, version and medium nibble by nibble), descending wherever a selection is
 * answered by more than one meter. A selection answered by one E5 is confirmed with REQ_UD2 to
 * 253, whose long header gives the meter's address; a garbled reply means more than one and
 * descends too. Because the replies of several meters arrive as their bitwise AND, which can pass
 * the checksum, a meter found under a wildcard is selected by its exact address and read again
 * alone: only the same reply proves it was alone (two more transactions per meter, none when the
 * selection was that address already). "The same" leaves out the access number, which meters
 * count up with every telegram; values that change between the two readings make the scan select
 * deeper, down to the meter's exact address at worst. A reply that looks like a meter handed out
 * already is read alone again the same way, and one from a remembered meter (below) must repeat
 * the reply the meter gave when it was found, else the selection holds more. What no master can
 * see: a meter whose reply is a bitwise subset of another's under the same mask (the AND of both is
 * then exactly the other one), here the access number apart; real telegrams, with their unrelated
 * values, are not, but two new meters of one model with zero readings can be.
 *
 * F nibbles: F is also the wildcard, so where a meter may have an F (manufacturer, version,
 * medium, and ID digits with @p hex_id_digits) the search also looks with that position left wild;
 * two meters that differ only in a nibble that is F in one of them cannot be told apart. Among
 * meters that share an ID and the manufacturer's top nibble (which three letters never make 7 or
 * F), the scan remembers up to MB_SCAN_KNOWN of those it found and searches each such F class
 * around them instead of through them again: two meters that differ only in the medium take 518
 * transactions (2202 when every F class searched them nibble by nibble). Meters that share all
 * 16 nibbles cannot be told apart: reported once, or not at all when their access numbers differ.
 *
 * Cost (bench/bench_scan.c, 2400 Bd, random IDs, one meter in 25 sharing its ID with another
 * manufacturer's): 156 transactions for 10 meters, 533 for 50, 2639 for 250 (52 s, 171 s and
 * 846 s of bus time). @p hex_id_digits also tries ID digits A..F (legal in IDs, rare), but then
 * the F class of every ID digit searches its meters again: the same 10 meters take about 50,000
 * transactions, more than four hours; use it for a handful of meters at most.
 */
int mb_scan_secondary(mb_scan_t *s, mb_master_t *master, bool hex_id_digits, uint32_t now_ms);

/**
 * @return MB_SCAN_PENDING; MB_SCAN_ITEM with a meter in @p found; MB_OK at the end; a master
 *         error (MB_ERR_MASTER_LINE) that stopped the scan
 */
int mb_scan_poll(mb_scan_t *s, uint32_t now_ms, mb_scan_found_t *found);

/** Stop at the end of the current transaction; the next poll that ends returns MB_OK. */
void mb_scan_abort(mb_scan_t *s);

/**
 * Progress of a scan in 0..1000 (primary: addresses done; secondary: the share of the address
 * space already covered), for a progress display.
 */
unsigned mb_scan_progress(const mb_scan_t *s);

#endif /* MB_ENABLE_MASTER */

#ifdef __cplusplus
}
#endif

#endif /* MB_SCAN_H */
