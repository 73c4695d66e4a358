/**
 * @file slave.h
 * @brief Wired M-Bus slave (EN 13757-2/-3): a meter answering a master on a bus segment.
 *
 * The caller owns an mb_slave_t, pushes the bytes it receives from the line into it with
 * mb_slave_feed() and calls mb_slave_poll() from a timer; the slave assembles frames with the
 * stream receiver of link.h, decides whether a frame is meant for it, asks the application for
 * data or hands it data through mb_slave_app_t, and writes its reply through the HAL (hal.h).
 * Nothing blocks, nothing is allocated, and time comes in as `now_ms` arguments (any monotonic
 * millisecond clock; wrap-around at 2^32 is handled).
 *
 * What the slave does with each valid frame (EN 13757-2, EN 13757-3):
 *
 * | frame from a master                | action                                                |
 * |------------------------------------|-------------------------------------------------------|
 * | anything to 255                    | executed as below, never answered                     |
 * | to 251, 252, another address       | ignored                                               |
 * | to 253 while not selected          | ignored, except selections (CI 52)                    |
 * | SND_NKE to own address or 254      | E5, FCB memory cleared, readouts restart at 0         |
 * | SND_NKE to 253 while selected      | deselected, FCB memory cleared, **no reply**          |
 * | SND_UD CI 52 to 253 (selection)    | match: E5, selected; no match: silent, deselected     |
 * | REQ_UD2, REQ_UD1                   | RSP_UD from mb_slave_app_t::respond, or E5            |
 * | SND_UD CI 50 (application reset)   | E5, readouts restart at 0, MB_SLAVE_EV_APP_RESET      |
 * | SND_UD CI 51 `01 7A nn`            | E5 (for the old address), then primary address nn     |
 * | SND_UD CI 51 `7F` (global readout) | as any other SND_UD; once acknowledged, readouts at 0 |
 * | SND_UD CI B8..BF (baud rate)       | E5 at the old rate, then hal->set_baud(); silent for a |
 * |                                    | rate not in mb_slave_config_t::baud_rates             |
 * | any other SND_UD                   | mb_slave_app_t::receive, then E5                      |
 * | SND_UD2 (EN 13757-2:2018)          | NACK A2 (not supported)                               |
 *
 * Addressing: a frame is for this slave when its A field is the slave's primary address (0 for an
 * unconfigured slave is simply its address), 254, 255, or 253 while selected. The reply to any of
 * them carries the slave's own primary address in its A field, also when it was addressed through
 * 253 or 254 (masters accept both) so that a master learns it.
 *
 * Silence: the slave writes nothing for a frame that fails any check of mb_frame_decode() (start,
 * length, C field, stop byte, checksum), that is cut short (the receiver's gap timeout drops it),
 * that is not for it, that is sent to 255, that comes from another slave (E5, A2, RSP_UD), or whose
 * content it cannot accept (see mb_slave_stats_t::bad_request) or the application refuses.
 *
 * Frame count bit (FCB), EN 13757-2. The slave has one FCB memory for every
 * way it is addressed with a reply (primary, 253, 254: the standard speaks of one FCB state for
 * primary and secondary access). A request with FCV = 1 (REQ_UD1, REQ_UD2, SND_UD) is a **repeat**
 * when it is identical to the last one the slave acted on (C with its FCB, A, CI, length and a
 * 16-bit sum of the content): the slave sends its last reply again byte for byte, without calling
 * the application and without executing a SND_UD again. Requests to 255 have a memory of their
 * own (the identical repeat of the last one is not executed again) and leave the FCB memory and
 * the stored reply of the conversation alone: they are never answered, so a master cannot tell
 * whether they arrived and keeps their FCB apart. Otherwise a request is new:
 *  - the first one after mb_slave_init(), a SND_NKE or a deselection is new whatever its FCB;
 *  - REQ_UDn with the FCB toggled: telegram t + 1 of the readout when the last telegram t of that
 *    class said `more`, else telegram 0 (after the last telegram the readout starts again);
 *  - REQ_UDn with the FCB not toggled but not identical (another A field, say): telegram t again,
 *    asked afresh from the application;
 *  - class 1 (REQ_UD1) and class 2 (REQ_UD2) each keep their own telegram number; SND_UDs in
 *    between (set address, baud rate, application data) do not disturb a readout; SND_NKE, an
 *    application reset, a global readout request, a selection and a deselection restart both at 0.
 * Selections are never treated as repeats: they are evaluated again each time (they are idempotent,
 * and a slave deselected meanwhile must not answer an old selection from memory).
 *
 * Timing: the reply is written at once from mb_slave_feed() by default. EN 13757-2 asks for at
 * least 11 bit times between the master's last stop bit and the reply's first start bit; set
 * mb_slave_config_t::answer_delay_bits to 11 (or more) to have the reply held back that long and
 * written from mb_slave_poll() (which must then be called every few milliseconds). A HAL whose
 * line adds that delay itself (a simulated bus, a converter) needs none here. A reply that could
 * not start within 330 bit times + 50 ms of the request (the HAL took no byte, or poll came too
 * late) is dropped: the master has stopped listening and would collide with it (not checked when
 * mb_slave_config_t::baud is 0).
 *
 * A reply not yet completely written when the next request that the slave acts on arrives is
 * dropped (the master has evidently given up on it; counted in mb_slave_stats_t::aborted).
 *
 * Security model: every received byte is untrusted. The slave never reads past a frame, never
 * writes past its own buffers, runs in time linear in the bytes pushed, with a small fixed stack.
 */
#ifndef MB_SLAVE_H
#define MB_SLAVE_H

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

/** Capacity given to mb_slave_app_t::respond: the CI byte and 252 data bytes of a long frame. */
#define MB_SLAVE_RESPONSE_MAX (MB_FRAME_DATA_MAX + 1u)

/** Longest answer delay honoured, in bit times: a slave must answer within 330 bit + 50 ms. */
#define MB_SLAVE_ANSWER_DELAY_MAX_BITS 330u

/** What mb_slave_app_t::event reports. */
typedef enum mb_slave_event {
    /** The primary address changed (CI 51 `01 7A nn`); value: the new address 0..250. */
    MB_SLAVE_EV_ADDRESS = 1,
    /** The line now runs at a new rate (hal->set_baud() succeeded after the E5 went out at the old
        rate); value: the baud rate 300..38400. */
    MB_SLAVE_EV_BAUD = 2,
    /** Application reset (CI 50); value: the subcode 0..255, or -1 without one (EN 13757-3:
        upper nibble telegram type, lower nibble telegram number; the slave itself only restarts
        its readouts at telegram 0). */
    MB_SLAVE_EV_APP_RESET = 3,
    /** A selection matched and the slave was not selected before; value: 1. */
    MB_SLAVE_EV_SELECTED = 4,
    /** The slave left the selected state (a selection that does not match it, or SND_NKE to 253);
        value: 0. */
    MB_SLAVE_EV_DESELECTED = 5,
    /** SND_NKE (link reset) to the slave; value: the A field it was sent to (own address, 254, or
        255). */
    MB_SLAVE_EV_LINK_RESET = 6,
} mb_slave_event_t;

/**
 * The application behind the slave: a `const` struct of callbacks (it may live in flash) and a
 * context pointer given to mb_slave_init(). Each callback is called only from inside
 * mb_slave_feed() or mb_slave_poll() on the same slave, must not block, and must not call any
 * mb_slave_ function on that slave except the getters and mb_slave_set_class1_pending().
 */
typedef struct mb_slave_app {
    /**
     * Class-2 (REQ_UD2, @p req_class 2) or class-1 (REQ_UD1, @p req_class 1) data: write the
     * RSP_UD's CI and user data into @p out (out[0] = CI, usually 0x72 with the 12-byte long
     * header, then the records).
     *
     * @param telegram 0 for the first telegram of a readout, 1, 2, ... for the next ones (the
     * master toggled the FCB after a telegram that set @p more); the count of each class is
     * separate
     * @param out      where to write; valid only during the call. It is the slave's reply buffer:
     *                 the previous reply is gone once this is called
     * @param cap      MB_SLAVE_RESPONSE_MAX (253)
     * @param more     false on entry; set it when more telegrams follow (the application then ends
     *                 its records with DIF 0x1F itself: the slave never touches the data)
     * @return bytes written (1..cap: a control frame for 1, a long frame otherwise); 0 for "nothing
     *         to send", answered with E5 (the usual answer to REQ_UD1 without alarm data,
     * EN 13757-2; unusual for REQ_UD2); negative to send nothing. Values above @p cap are
     *         treated as negative. A repeated request (same FCB) gets the previous reply again
     *         without this call.
     */
    int (*respond)(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                   bool *more);
    /**
     * SND_UD for the application: every CI the slave does not handle itself (all but 50, 52,
     * B8..BF and CI 51 `01 7A nn`), e.g. CI 51 records to write, 5C, 5D... A repeated SND_UD is
     * acknowledged without this call. May be NULL: then every such SND_UD is acknowledged.
     * @param data the user data after CI (NULL when @p len is 0); valid only during the call
     * @param len  0..252
     * @return 0 to acknowledge with E5, negative to stay silent (the master will repeat it)
     */
    int (*receive)(void *ctx, uint8_t ci, const uint8_t *data, size_t len);
    /**
     * Something the application may want to persist or show (MB_SLAVE_EV_*, with @p value as
     * described there). Called after the slave's own state changed and after its reply (if any)
     * was offered to hal->write, so that persisting something here does not delay the E5. May be
     * NULL.
     */
    void (*event)(void *ctx, int event, int32_t value);
} mb_slave_app_t;

/** How a slave starts; copied by mb_slave_init(). Zero the struct and fill what you need. */
typedef struct mb_slave_config {
    /** Primary address 0..250 (0 = unconfigured, the factory default); above 250 is taken as 0. */
    uint8_t address;
    /**
     * Own secondary address: ID as 8 BCD digits as nibbles (12345678 = 0x12345678), manufacturer,
     * version, medium, exactly as the slave reports them in its long header.
     */
    mb_secondary_t secondary;
    /** The slave has a fabrication number for enhanced selection (EN 13757-2). */
    bool has_fabrication;
    /**
     * Fabrication number as 8 BCD digits as nibbles, like mb_secondary_t::id (11223344 =
     * 0x11223344): EN 13757-3 sends it as DIF 0C (8-digit BCD), VIF 78, so the selection's
     * `0C 78 44 33 22 11` is compared digit by digit, F in the selection matching any digit.
     * Without a fabrication number, an enhanced selection matches only when its fabrication digits
     * are all wildcards.
     */
    uint32_t fabrication;
    /**
     * Current rate of the line in Bd (2400 is the usual default). Used for the answer-delay and
     * lateness limits; 0 for a line without a rate (TCP): no delay, no lateness limit.
     */
    uint32_t baud;
    /** Receiver gap limit in ms: a frame cut short is dropped after this long without a byte.
        0 = MB_RX_DEFAULT_GAP_MS. */
    uint32_t gap_ms;
    /**
     * Bit times to wait after a request before answering: 0 = answer at once from mb_slave_feed()
     * (default); 11 = the EN 13757-2 minimum, the reply then goes out from mb_slave_poll().
     * Values above MB_SLAVE_ANSWER_DELAY_MAX_BITS are taken as that.
     */
    uint16_t answer_delay_bits;
    /**
     * Baud rates the slave accepts a switch to: bit n set for the rate of CI B8 + n (bit 0 300 Bd,
     * 1 600, 2 1200, 3 2400, 4 4800, 5 9600, 6 19200, 7 38400). A switch to another rate is not
     * acknowledged (counted in mb_slave_stats_t::bad_request). 0 = all eight.
     */
    uint8_t baud_rates;
} mb_slave_config_t;

/** What the slave did with the frames it received. All counters wrap at 2^32. */
typedef struct mb_slave_stats {
    /** Valid frames from a master addressed to this slave (own address, 253 while selected, 254,
        255, and matching selections); the next five count what became of some of them. */
    uint32_t requests;
    uint32_t replies;     /**< replies queued: E5, A2 and RSP_UD, repeats included */
    uint32_t repeats;     /**< requests recognised as repeats (same FCB, identical) */
    uint32_t broadcasts;  /**< requests to 255: executed, not answered */
    uint32_t bad_request; /**< requests whose content the slave rejects: selection of a length other
                               than 8 or 14 or not sent to 253, set-address record with an address
                               above 250, CI 50 with more than one byte, baud switch with data or
                               to a rate not in mb_slave_config_t::baud_rates */
    uint32_t app_refused; /**< the application returned a negative value (or a length above cap),
                               or has no respond callback */
    uint32_t deselected;  /**< times the slave left the selected state */
    /** Valid frames for someone else: other primary or reserved address, 253 while not selected,
        selections that do not match. */
    uint32_t not_addressed;
    uint32_t not_request; /**< valid frames that are no request: E5, A2, RSP_UD (other slaves) */
    uint32_t aborted;     /**< replies dropped unfinished because a new request arrived */
    uint32_t late;        /**< replies dropped because they could not start in time */
    uint32_t hal_errors;  /**< hal->write or hal->set_baud failed (or hal->write is NULL) */
} mb_slave_stats_t;

/**
 * Slave state. The caller owns it (static, or inside its own struct); initialise it with
 * mb_slave_init() before use. Members are private: use the functions below. sizeof(mb_slave_t) is
 * 688 bytes on 32-bit targets, 704 on 64-bit ones: mb_rx_t (304), the 261-byte reply buffer kept
 * for repeats, and counters.
 */
typedef struct mb_slave {
    mb_rx_t rx;                   /**< private: frame assembly */
    const mb_hal_t *hal;          /**< private */
    void *hal_ctx;                /**< private */
    const mb_slave_app_t *app;    /**< private */
    void *app_ctx;                /**< private */
    mb_secondary_t secondary;     /**< private */
    uint32_t fabrication;         /**< private */
    uint32_t baud;                /**< private: current line rate */
    uint32_t tx_baud;             /**< private: rate to switch to after the reply in tx, 0 = none */
    uint32_t req_ms;              /**< private: when the request being answered ended */
    uint32_t telegram[2];         /**< private: current telegram of class 1 and class 2 */
    mb_slave_stats_t stats;       /**< private */
    uint16_t tx_len;              /**< private: bytes of the last reply in tx */
    uint16_t tx_off;              /**< private: bytes of it written */
    uint16_t fp_sum;              /**< private: sum of the last request acted on */
    uint16_t delay_bits;          /**< private */
    uint8_t address;              /**< private */
    uint8_t baud_rates;           /**< private: CI B8 + n accepted when bit n is set */
    uint8_t fp_c;                 /**< private: C field of the last request acted on */
    bool has_fabrication;         /**< private */
    bool selected;                /**< private */
    bool fcb_valid;               /**< private: fcb holds the last FCB */
    bool fcb;                     /**< private */
    bool reply_valid;             /**< private: tx holds the reply to the request in fp_* */
    bool tx_active;               /**< private: tx_off < tx_len still to be written */
    bool baud_armed;              /**< private: switch to tx_baud once tx is written */
    bool acd;                     /**< private: class-1 data pending */
    bool more[2];                 /**< private: telegram[] said more follow */
    bool bc_valid;                /**< private: bc_* hold the last request to 255 */
    uint8_t bc_c;                 /**< private */
    uint16_t bc_sum;              /**< private */
    uint8_t tx[MB_FRAME_MAX_LEN]; /**< private: the last reply */
} mb_slave_t;

#if MB_ENABLE_SLAVE
/**
 * Initialise @p s: not selected, no FCB memory, readouts at telegram 0, counters zero. Every
 * mb_slave_ function takes a non-NULL @p s (a NULL one is ignored: nothing happens, and the
 * function returns 0, false or NULL).
 * @param s       the slave, owned by the caller
 * @param hal     the line; stored, must stay valid as long as @p s is used. hal->write must not be
 *                NULL (without it every reply is dropped and counted in hal_errors); set_baud may
 *                be NULL (the rate is then only recorded). set_baud is called right after
 *                hal->write took the last byte of the E5 that acknowledged the switch: a HAL whose
 *                write only queues bytes must send them at the old rate before switching
 * @param hal_ctx given to every HAL callback
 * @param app     the application; stored, must stay valid as long as @p s is used. NULL: requests
 *                for data stay unanswered, SND_UD data are acknowledged
 * @param app_ctx given to every application callback
 * @param cfg     copied; NULL starts an unconfigured slave (address 0, secondary address 0, no
 *                fabrication number, baud 0)
 */
void mb_slave_init(mb_slave_t *s, const mb_hal_t *hal, void *hal_ctx, const mb_slave_app_t *app,
                   void *app_ctx, const mb_slave_config_t *cfg);

/**
 * Push bytes received from the line (any number, from one per UART interrupt to a whole read()).
 * Every complete frame among them is acted on before the call returns, and its reply written
 * through hal->write at once (unless an answer delay is configured, see mb_slave_config_t).
 * @param s      the slave
 * @param p      received bytes; read only during the call; may be NULL when @p len is 0
 * @param len    bytes at @p p
 * @param now_ms arrival time of these bytes in ms
 * @return bytes consumed: always @p len (0 for a NULL @p s or @p p)
 */
size_t mb_slave_feed(mb_slave_t *s, const uint8_t *p, size_t len, uint32_t now_ms);

/**
 * Let time pass: drops a partial frame after the receiver's gap limit, writes a delayed reply once
 * its delay has passed, offers hal->write the bytes of a reply it did not take yet, and switches
 * the baud rate once the E5 of a switch is written. Call it from the main loop or a timer, every
 * few ms while mb_slave_tx_pending() is not 0 or an answer delay is configured.
 */
void mb_slave_poll(mb_slave_t *s, uint32_t now_ms);

/**
 * Tell the slave whether class-1 (alarm) data are pending: its RSP_UDs then carry ACD (C = 0x28)
 * so that the master fetches them with REQ_UD1. May be called from mb_slave_app_t::respond (a
 * class-1 answer usually clears it); takes effect from the next reply built.
 */
void mb_slave_set_class1_pending(mb_slave_t *s, bool pending);

/** @return the current primary address 0..250. */
uint8_t mb_slave_address(const mb_slave_t *s);

/** @return the current baud rate (the configured one, or the last switched to). */
uint32_t mb_slave_baud(const mb_slave_t *s);

/** @return true while the slave is selected by secondary address (answers 253). */
bool mb_slave_selected(const mb_slave_t *s);

/** @return bytes of the current reply not yet taken by hal->write; 0 when idle. */
size_t mb_slave_tx_pending(const mb_slave_t *s);

/** @return the slave's counters; valid as long as @p s. */
const mb_slave_stats_t *mb_slave_stats(const mb_slave_t *s);

/** @return the receiver's counters (noise, bad checksums, bad stop bytes, timeouts...). */
const mb_rx_stats_t *mb_slave_rx_stats(const mb_slave_t *s);
#endif /* MB_ENABLE_SLAVE */

#ifdef __cplusplus
}
#endif

#endif /* MB_SLAVE_H */
