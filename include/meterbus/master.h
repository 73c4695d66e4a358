/**
 * @file master.h
 * @brief Wired M-Bus master (EN 13757-2): one request/response transaction at a time, without
 *        blocking.
 *
 * Start a transaction with one of the request functions; push received bytes with
 * mb_master_feed(); call mb_master_poll() with the current time until it stops saying
 * MB_MASTER_PENDING. The master:
 *  - keeps one FCB per address (253 has its own) and toggles it only after a good exchange; a
 *    retry repeats the identical telegram with the same FCB; SND_NKE makes the next FCB 1;
 *  - waits for an answer for the answer window (330 bit times + 50 ms after the request has been
 *    sent, EN 13757-2) plus the reply's own time on the wire plus @c extra_ms of the
 *    configuration (for TCP gateways and USB adapters);
 *  - skips a converter's echo of the request (the exact request bytes, first in the reply);
 *  - treats bytes that do not make a frame, a second frame or bytes after the reply as a
 *    collision; after an E5 to 253 or 254 (a selection or a broadcast, which several slaves may
 *    answer at once) it listens until the answer window closes, because identical E5 bytes from
 *    several slaves superimpose into one;
 *  - retries timeouts and collisions up to @c retries times, and counts what it did.
 *
 * Answers for 255 (broadcast without reply) are not awaited: such a request completes when it has
 * been written. Memory: the caller owns mb_master_t (about 900 bytes); no heap, no global state.
 */
#ifndef MB_MASTER_H
#define MB_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/hal.h"
#include "meterbus/link.h"

#ifdef __cplusplus
extern "C" {
#endif

#if MB_ENABLE_MASTER

/** mb_master_poll(): the transaction is still running. */
#define MB_MASTER_PENDING 1

/** Settings of a master; copied by mb_master_init(). */
typedef struct mb_master_config {
    uint32_t baud;     /**< line baud rate, for the timeouts: 300..38400 (0 means 2400) */
    uint32_t extra_ms; /**< added to every answer window: 0 on a UART, 100+ behind TCP or USB */
    uint8_t retries;   /**< repeats after a timeout or collision (the first try is not counted) */
} mb_master_config_t;

/** What a master has done, for diagnostics and for counting bus transactions. Wrap at 2^32. */
typedef struct mb_master_stats {
    uint32_t requests;   /**< telegrams written (retries included): bus transactions */
    uint32_t retries;    /**< of those, repeats */
    uint32_t timeouts;   /**< answer windows that closed without a reply */
    uint32_t collisions; /**< garbled replies, extra bytes, more than one frame */
    uint32_t echoes;     /**< echoes of the request skipped */
} mb_master_stats_t;

/** Master state; owned by the caller, members private. */
typedef struct mb_master {
    const mb_hal_t *hal;           /**< private */
    void *hal_ctx;                 /**< private */
    mb_master_config_t cfg;        /**< private */
    mb_rx_t rx;                    /**< private: reply assembly */
    uint8_t fcb[32];               /**< private: per address, the FCB the next FCV=1 request uses */
    uint8_t req[MB_FRAME_MAX_LEN]; /**< private: the request, as written */
    uint16_t req_len;              /**< private */
    uint16_t req_sent;             /**< private: bytes the HAL has taken */
    uint16_t echo_pos;             /**< private: request bytes matched as echo */
    bool echo_active;              /**< private: the bytes so far may be an echo */
    uint8_t reply[MB_FRAME_MAX_LEN]; /**< private: the reply frame */
    uint16_t reply_len;              /**< private */
    uint8_t state;                   /**< private */
    uint8_t expect;                  /**< private: what answers the request */
    uint8_t attempts;                /**< private: tries made of the current request */
    bool fcv;                        /**< private: the request has FCV set (toggle on success) */
    bool listen_to_end;              /**< private: wait for the window to close after an E5 */
    bool got_reply;                  /**< private */
    uint8_t after;                   /**< private: what success changes in the master */
    uint32_t after_arg;              /**< private: the new address or baud rate */
    uint8_t addr;                    /**< private: address of the request */
    uint32_t sent_ms;                /**< private: when the request was taken by the HAL */
    uint32_t window_ms;              /**< private: answer window after the request's end */
    int result;                      /**< private: the transaction's result */
    mb_master_stats_t stats;         /**< private */
} mb_master_t;

/** Initialise @p m on the line @p hal (with @p hal_ctx), which must outlive it. */
void mb_master_init(mb_master_t *m, const mb_hal_t *hal, void *hal_ctx,
                    const mb_master_config_t *cfg);

/** Change the baud rate used for timeouts (after a baud switch); calls hal->set_baud. */
int mb_master_set_line_baud(mb_master_t *m, uint32_t baud);

/*
 * Requests. Each starts a transaction and returns MB_OK, MB_ERR_MASTER_BUSY while another one runs,
 * MB_ERR_ARG for a bad address or data, or the HAL's write error. Addresses 0..250 are primary,
 * 253 the slave selected by secondary address, 254 every slave (with reply), 255 every slave
 * without reply.
 */

/**
 * SND_NKE (link reset): answered by E5; the next FCV=1 request to @p addr uses FCB 1. To 253 it
 * deselects the selected slave, which does not answer: it completes once written, like 255.
 */
int mb_master_snd_nke(mb_master_t *m, uint8_t addr, uint32_t now_ms);
/** REQ_UD2 (class-2 data): answered by RSP_UD, see mb_master_reply(). */
int mb_master_req_ud2(mb_master_t *m, uint8_t addr, uint32_t now_ms);
/** REQ_UD1 (class-1 / alarm data): answered by RSP_UD or E5 (nothing pending). */
int mb_master_req_ud1(mb_master_t *m, uint8_t addr, uint32_t now_ms);
/** SND_UD with @p ci and @p len bytes of data (0..252): answered by E5. */
int mb_master_snd_ud(mb_master_t *m, uint8_t addr, uint8_t ci, const uint8_t *data, size_t len,
                     uint32_t now_ms);
/**
 * Set the primary address of the slave at @p addr (0..250, or 253 for the selected one) to
 * @p new_address (0..250): SND_UD, CI 0x51, record 01 7A. Answered by E5; then the master uses
 * the slave's FCB for the new address. Broadcasts (254, 255) are refused with MB_ERR_ARG: every
 * slave would take the same address.
 */
int mb_master_set_address(mb_master_t *m, uint8_t addr, uint8_t new_address, uint32_t now_ms);
/**
 * Switch the slave at @p addr to @p baud (300, 600, ..., 38400; CI 0xB8..0xBF). The slave
 * acknowledges at the old rate, then changes; so does the master, through hal->set_baud, once the
 * E5 has come (to 255, once the request has been written; a failing set_baud ends the
 * transaction with MB_ERR_MASTER_LINE). Other slaves on the segment keep the old rate: to talk
 * to them again, switch back with mb_master_set_line_baud().
 */
int mb_master_switch_baud(mb_master_t *m, uint8_t addr, uint32_t baud, uint32_t now_ms);
/**
 * Application reset (CI 0x50) of the slave at @p addr, with @p subcode 0..255 (telegram type in
 * the upper nibble, number in the lower) or MB_APP_RESET_NO_SUBCODE. Answered by E5.
 */
int mb_master_app_reset(mb_master_t *m, uint8_t addr, int subcode, uint32_t now_ms);
/**
 * Secondary selection (SND_UD to 253, CI 0x52) of @p mask (wildcards: 0xF ID digits, all-ones
 * fields); with @p fabrication non-NULL, enhanced selection by fabrication number (8 BCD digits
 * as nibbles, a DIF 0C VIF 78 record after the mask). Answered by E5 from every matching slave:
 * a collision result means more than one matched.
 */
int mb_master_select(mb_master_t *m, const mb_secondary_t *mask, const uint32_t *fabrication,
                     uint32_t now_ms);

/** Push bytes received from the line. @return bytes consumed (always all). */
size_t mb_master_feed(mb_master_t *m, const uint8_t *p, size_t len, uint32_t now_ms);

/**
 * Drive the transaction: write what the HAL did not take, close answer windows, retry.
 * @return MB_MASTER_PENDING while it runs; then its result, also on later calls until the next
 *         request: MB_OK (the reply, if one was expected, is in mb_master_reply()), or
 *         MB_ERR_MASTER_TIMEOUT (no answer after every retry), MB_ERR_MASTER_COLLISION (garbled
 *         answers after every retry), MB_ERR_MASTER_UNEXPECTED (a valid frame of the wrong kind,
 *         e.g. NACK or an E5 for REQ_UD2, or a reply from another address), MB_ERR_MASTER_LINE
 *         (the HAL failed). MB_OK before any request.
 */
int mb_master_poll(mb_master_t *m, uint32_t now_ms);

/**
 * @return true and the reply in @p frame (E5, or RSP_UD) after a successful transaction; the
 *         frame's data point into @p m and stay valid until the next request
 */
bool mb_master_reply(const mb_master_t *m, mb_frame_t *frame);

/** @return true while a transaction runs. */
bool mb_master_busy(const mb_master_t *m);

/** Counters of what the master did. */
mb_master_stats_t mb_master_stats(const mb_master_t *m);

/**
 * @return milliseconds to wait for an answer after a request of @p request_bytes has been handed
 *         over, at @p baud with @p extra_ms: the request's wire time, 330 bit times + 50 ms, the
 *         longest reply's wire time and @p extra_ms. What a blocking host helper waits at most.
 */
uint32_t mb_master_timeout_ms(uint32_t baud, size_t request_bytes, uint32_t extra_ms);

#endif /* MB_ENABLE_MASTER */

#ifdef __cplusplus
}
#endif

#endif /* MB_MASTER_H */
