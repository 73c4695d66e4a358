/**
 * @file link.h
 * @brief Wired M-Bus link layer (EN 13757-2): frames, C field, addresses, stream receiver.
 *
 * Frames on the wire (FT1.2 heritage):
 *
 * | frame          | bytes                                   | length        |
 * |----------------|-----------------------------------------|---------------|
 * | ACK            | `E5`                                    | 1             |
 * | NACK (2018)    | `A2`                                    | 1             |
 * | short          | `10 C A CS 16`                          | 5             |
 * | control        | `68 03 03 68 C A CI CS 16`              | 9             |
 * | long           | `68 L L 68 C A CI data... CS 16`        | L + 6, L 4..255 |
 *
 * CS is the 8-bit sum of C through the last data byte. All functions here are pure or act only on
 * caller-owned structs: no allocation, no global state, safe to use on several buses at once.
 *
 * Security model: decoders accept any bytes; they never read past `len`, never write past `cap`,
 * run in time linear in the input and use a small fixed amount of stack.
 */
#ifndef MB_LINK_H
#define MB_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sizes -------------------------------------------------------------------------------- */

#define MB_FRAME_MAX_LEN     261u /**< longest frame on the wire: L = 255 plus 6 */
#define MB_FRAME_DATA_MAX    252u /**< most user-data bytes after CI in one long frame */
#define MB_FRAME_SHORT_LEN   5u   /**< bytes in a short frame */
#define MB_FRAME_CONTROL_LEN 9u   /**< bytes in a control frame */
/** Bytes on the wire of a long frame carrying @p n user-data bytes after CI (n = 1..252). */
#define MB_FRAME_LONG_LEN(n) ((size_t)(n) + 9u)

/* ---- frame bytes -------------------------------------------------------------------------- */

#define MB_BYTE_ACK         0xE5u /**< single-character acknowledgement */
#define MB_BYTE_NACK        0xA2u /**< single-character NACK (EN 13757-2:2018) */
#define MB_BYTE_SHORT_START 0x10u /**< first byte of a short frame */
#define MB_BYTE_LONG_START  0x68u /**< first and fourth byte of a control or long frame */
#define MB_BYTE_STOP        0x16u /**< last byte of a short, control or long frame */

/* ---- C field ------------------------------------------------------------------------------ */

/**
 * @name C-field bits
 * Bit 7 is reserved (0). FCB/FCV in frames from the master, ACD/DFC from slaves.
 * @{
 */
#define MB_C_PRM     0x40u /**< 1 = sent by the primary station (master) */
#define MB_C_FCB     0x20u /**< frame count bit (master) */
#define MB_C_FCV     0x10u /**< frame count bit valid (master) */
#define MB_C_ACD     0x20u /**< access demand: class-1 data waiting (slave) */
#define MB_C_DFC     0x10u /**< data flow control: slave cannot take more data (slave) */
#define MB_C_FN_MASK 0x0Fu /**< function code bits */
/** @} */

/** @name Wired C-field values with FCB/ACD/DFC clear.
 * @{ */
#define MB_C_SND_NKE 0x40u /**< link reset; short frame; answered by E5 */
#define MB_C_SND_UD  0x53u /**< send user data (FCV set); control/long; answered by E5 */
#define MB_C_SND_UD2 0x43u /**< send data, request response (EN 13757-2:2018); long */
#define MB_C_REQ_UD1 0x5Au /**< request class-1 (alarm) data; short */
#define MB_C_REQ_UD2 0x5Bu /**< request class-2 data; short; answered by RSP_UD */
#define MB_C_RSP_UD  0x08u /**< response with user data; control/long */
/** @} */

/**
 * @name Wireless C-field values (EN 13757-4, see wlink.h)
 * Same bit layout. SND_UD, SND_UD2, REQ_UD1, REQ_UD2 and RSP_UD above are used on the radio too
 * (with FCB/ACD/DFC as on the wire).
 * @{
 */
#define MB_C_SND_NR  0x44u /**< send, no reply: a meter's periodic telegram */
#define MB_C_SND_UD3 0x45u /**< send to several meters, no reply (single source) */
#define MB_C_SND_IR  0x46u /**< send installation request/data; optionally answered by CNF_IR */
#define MB_C_ACC_NR  0x47u /**< access offer without data, no reply */
#define MB_C_ACC_DMD 0x48u /**< access demand (e.g. alarm); the partner responds */
#define MB_C_ACK     0x00u /**< acknowledgement, PRM = 0 (+ ACD/DFC); wired ACK is the byte E5 */
#define MB_C_NACK    0x01u /**< negative acknowledgement, PRM = 0 */
#define MB_C_CNF_IR  0x06u /**< confirm installation request (partner to meter) */
/** @} */

/** @return the function code (bits 3..0) of C field @p c. */
static inline uint8_t mb_c_function(uint8_t c) { return (uint8_t)(c & MB_C_FN_MASK); }
/** @return true when @p c was sent by a master (PRM set). */
static inline bool mb_c_is_prm(uint8_t c) { return (c & MB_C_PRM) != 0u; }
/** @return the FCB bit of a master's C field. */
static inline bool mb_c_fcb(uint8_t c) { return (c & MB_C_FCB) != 0u; }
/** @return the FCV bit of a master's C field. */
static inline bool mb_c_fcv(uint8_t c) { return (c & MB_C_FCV) != 0u; }
/** @return the ACD bit of a slave's C field. */
static inline bool mb_c_acd(uint8_t c) { return (c & MB_C_ACD) != 0u; }
/** @return the DFC bit of a slave's C field. */
static inline bool mb_c_dfc(uint8_t c) { return (c & MB_C_DFC) != 0u; }

/**
 * @return the name of C field @p c ("SND_NKE", "REQ_UD2", "RSP_UD", "SND_NR", ...), taking PRM and
 *         the function code into account (wired and wireless share the layout), or "unknown".
 *         A static string; "" when MB_ENABLE_TEXT is 0.
 */
const char *mb_c_name(uint8_t c);

/* ---- A field (primary address) ------------------------------------------------------------ */

#define MB_ADDR_UNCONFIGURED    0u   /**< factory default of slaves */
#define MB_ADDR_PRIMARY_MAX     250u /**< highest configurable primary address */
#define MB_ADDR_NETWORK         253u /**< the slave(s) selected by secondary address */
#define MB_ADDR_BROADCAST_REPLY 254u /**< every slave, each replies (collides with >1 slave) */
#define MB_ADDR_BROADCAST       255u /**< every slave, none replies */

/** What a primary address (A field) stands for: mb_addr_class(). */
typedef enum mb_addr_class {
    MB_ADDR_CLASS_UNCONFIGURED = 0,    /**< 0 */
    MB_ADDR_CLASS_PRIMARY = 1,         /**< 1..250 */
    MB_ADDR_CLASS_RESERVED = 2,        /**< 251..252 */
    MB_ADDR_CLASS_NETWORK = 3,         /**< 253: secondary-selected slave */
    MB_ADDR_CLASS_BROADCAST_REPLY = 4, /**< 254 */
    MB_ADDR_CLASS_BROADCAST = 5,       /**< 255: no slave replies */
} mb_addr_class_t;

/** @return the class of primary address @p a. */
mb_addr_class_t mb_addr_class(uint8_t a);

/** @return true when a slave addressed by @p a may answer (every class except reserved and 255). */
bool mb_addr_expects_reply(uint8_t a);

/* ---- baud rates --------------------------------------------------------------------------- */

/** @return the CI (0xB8..0xBF) that switches a slave to @p baud, or 0 when @p baud has none. */
uint8_t mb_baud_to_ci(uint32_t baud);

/** @return the baud rate a baud-switch CI selects (300..38400), or 0 when @p ci is not 0xB8..0xBF.
 */
uint32_t mb_ci_to_baud(uint8_t ci);

/**
 * @return milliseconds, rounded up, that @p bytes take on the wire at @p baud with 11-bit
 * characters (start, 8 data, even parity, stop); 0 when @p baud is 0. Saturates at UINT32_MAX.
 */
uint32_t mb_wire_time_ms(uint32_t baud, uint32_t bytes);

/* ---- frames ------------------------------------------------------------------------------- */

/** The kinds of wired frame (see the table at the top of this file). */
typedef enum mb_frame_type {
    MB_FRAME_NONE = 0,    /**< not a frame (decoder output after an error) */
    MB_FRAME_ACK = 1,     /**< E5 */
    MB_FRAME_NACK = 2,    /**< A2 */
    MB_FRAME_SHORT = 3,   /**< 10 C A CS 16 */
    MB_FRAME_CONTROL = 4, /**< long frame with L = 3: C, A, CI and no data */
    MB_FRAME_LONG = 5,    /**< long frame with 1..252 data bytes */
} mb_frame_type_t;

/**
 * A decoded frame, or a frame to encode. Decoding copies nothing: @c data points into the buffer
 * that was decoded and is valid exactly as long as that buffer is left unchanged.
 */
typedef struct mb_frame {
    mb_frame_type_t type; /**< which kind of frame: says which members below are set */
    uint8_t c;            /**< C field (short, control, long) */
    uint8_t a;            /**< A field, primary address (short, control, long) */
    uint8_t ci;           /**< CI field (control, long) */
    const uint8_t *data;  /**< user data after CI (long); NULL otherwise */
    size_t data_len;      /**< bytes at @c data: 1..252 for long frames, else 0 */
} mb_frame_t;

/**
 * @return true when C field @p c is allowed in a frame of @p type: short frames carry SND_NKE,
 *         REQ_UD1 or REQ_UD2 (each with its fixed FCV); control frames SND_UD or RSP_UD (any
 *         ACD/DFC); long frames SND_UD, SND_UD2 or RSP_UD. Bit 7 must be 0.
 */
bool mb_c_valid_for(mb_frame_type_t type, uint8_t c);

/**
 * Decode one frame that fills @p buf exactly.
 *
 * Checks, in this order: start byte, both L equal, second start byte, L >= 3, enough bytes,
 * C field allowed for the frame type, stop byte, checksum, no trailing bytes. The first failed
 * check is returned.
 *
 * @param buf   bytes received; must stay unchanged while @p frame is used; may be NULL when
 *              @p len is 0 (MB_ERR_FRAME_EMPTY)
 * @param len   number of bytes at @p buf
 * @param frame filled on success; set to type MB_FRAME_NONE on failure
 * @return MB_OK, or MB_ERR_ARG / MB_ERR_FRAME_*
 */
int mb_frame_decode(const uint8_t *buf, size_t len, mb_frame_t *frame);

/**
 * Decode the frame at the start of @p buf, allowing bytes after it.
 * @return the frame's length in bytes (1..261) on success, or a negative error as mb_frame_decode()
 *         (never MB_ERR_FRAME_TRAILING).
 */
int mb_frame_decode_prefix(const uint8_t *buf, size_t len, mb_frame_t *frame);

/**
 * @return the bytes @p frame takes on the wire (1, 5, 9 or data_len + 9), or 0 when the frame is
 * not encodable (unknown type, C field not allowed for the type, data length out of range).
 */
size_t mb_frame_encoded_len(const mb_frame_t *frame);

/**
 * Encode @p frame into @p out. A control frame must have no data, a long frame 1..252 bytes, and
 * the C field must be allowed for the type (mb_c_valid_for()), so that whatever is encoded decodes.
 * @return bytes written (1..261), MB_ERR_NOSPACE when @p cap is smaller than
 *         mb_frame_encoded_len(), MB_ERR_FRAME_CFIELD for a C field not allowed, MB_ERR_ARG
 * otherwise.
 */
int mb_frame_encode(const mb_frame_t *frame, uint8_t *out, size_t cap);

/* ---- frames a master sends ---------------------------------------------------------------- */
/* Each returns the bytes written into out (at most cap) or a negative mb_err. */

/** SND_NKE (link reset) to @p address: `10 40 A CS 16`. To 253 it deselects every slave. */
int mb_encode_snd_nke(uint8_t *out, size_t cap, uint8_t address);

/** REQ_UD2 (read class-2 data) to @p address with FCV set and the given FCB. */
int mb_encode_req_ud2(uint8_t *out, size_t cap, uint8_t address, bool fcb);

/** REQ_UD1 (read class-1/alarm data) to @p address with FCV set and the given FCB. */
int mb_encode_req_ud1(uint8_t *out, size_t cap, uint8_t address, bool fcb);

/**
 * SND_UD with any CI and 0..252 data bytes: a control frame when @p data_len is 0, else a long
 * frame.
 * @p data may be NULL only when @p data_len is 0.
 */
int mb_encode_snd_ud(uint8_t *out, size_t cap, uint8_t address, bool fcb, uint8_t ci,
                     const uint8_t *data, size_t data_len);

/** SND_UD2 (EN 13757-2:2018: send data, slave answers RSP_UD or NACK), 1..252 data bytes. */
int mb_encode_snd_ud2(uint8_t *out, size_t cap, uint8_t address, uint8_t ci, const uint8_t *data,
                      size_t data_len);

/** Application reset (CI 0x50) without a subcode. */
#define MB_APP_RESET_NO_SUBCODE (-1)

/**
 * Application reset (CI 0x50) to @p address.
 * @param out     where the frame is written
 * @param cap     bytes at @p out
 * @param address A field: a primary address, or 253, 254, 255
 * @param fcb     the frame count bit to send (FCV is set)
 * @param subcode 0..255 (upper nibble telegram type, lower nibble telegram number), or
 *                MB_APP_RESET_NO_SUBCODE for the control frame without one
 */
int mb_encode_app_reset(uint8_t *out, size_t cap, uint8_t address, bool fcb, int subcode);

/**
 * Baud-rate switch: control frame with CI 0xB8..0xBF. The slave acknowledges at the old rate and
 * then changes. @p baud is one of 300, 600, 1200, 2400, 4800, 9600, 19200, 38400.
 */
int mb_encode_set_baud(uint8_t *out, size_t cap, uint8_t address, bool fcb, uint32_t baud);

/** Set primary address: SND_UD, CI 0x51, record `01 7A nn` with @p new_address 0..250. */
int mb_encode_set_address(uint8_t *out, size_t cap, uint8_t address, bool fcb, uint8_t new_address);

/* ---- secondary addresses ------------------------------------------------------------------ */

/**
 * A secondary address (identification of a slave), or a selection mask with wildcards.
 *
 * @c id holds 8 BCD digits as nibbles, most significant digit in bits 31..28, exactly as printed:
 * ID 12345678 is 0x12345678. In a mask, a nibble 0xF matches any digit (0x1234FFFF); in a slave's
 * own address nibbles A..F are legal though unusual. The other fields use all-ones as wildcard.
 */
typedef struct mb_secondary {
    uint32_t id;           /**< 8 BCD digits as nibbles; 0xF nibble = wildcard in masks */
    uint16_t manufacturer; /**< 3-letter code packed as on the wire; 0xFFFF = wildcard */
    uint8_t version;       /**< 0xFF = wildcard */
    uint8_t medium;        /**< device type; 0xFF = wildcard */
} mb_secondary_t;

#define MB_SECONDARY_LEN 8u /**< bytes of a secondary address on the wire */

/** Write the 8 wire bytes of @p sec (ID LSB first, manufacturer LE, version, medium) to @p out. */
void mb_secondary_pack(const mb_secondary_t *sec, uint8_t out[MB_SECONDARY_LEN]);

/** Read 8 wire bytes into @p sec. */
void mb_secondary_unpack(const uint8_t in[MB_SECONDARY_LEN], mb_secondary_t *sec);

/**
 * @return true when @p addr matches selection @p mask: each ID digit equal or 0xF in the mask;
 *         manufacturer, version and medium equal or all-ones in the mask (EN 13757-2), and
 *         beyond that nibble by nibble, an F nibble matching any nibble. The per-nibble reading
 *         of those three fields is this library's extension, which its slaves implement so that
 *         a secondary scan can separate meters that share an ID; slaves that only know
 *         whole-field wildcards answer such masks only when the fields are exact.
 */
bool mb_secondary_match(const mb_secondary_t *mask, const mb_secondary_t *addr);

/** Secondary selection: SND_UD to 253, CI 0x52, the 8 bytes of @p mask. */
int mb_encode_select(uint8_t *out, size_t cap, bool fcb, const mb_secondary_t *mask);

/**
 * Enhanced secondary selection: as mb_encode_select() followed by the fabrication-number record
 * `0C 78` and 4 BCD bytes of @p fabrication (8 digits as nibbles like mb_secondary_t::id; 0xF
 * nibbles are wildcards).
 */
int mb_encode_select_enhanced(uint8_t *out, size_t cap, bool fcb, const mb_secondary_t *mask,
                              uint32_t fabrication);

/* ---- frames a slave sends ----------------------------------------------------------------- */

/** Single-character acknowledgement E5. */
int mb_encode_ack(uint8_t *out, size_t cap);

/** Single-character NACK A2 (EN 13757-2:2018: the slave does not support a SND_UD2). */
int mb_encode_nack(uint8_t *out, size_t cap);

/**
 * RSP_UD from the slave at @p address with the given ACD/DFC bits, any CI and 0..252 data bytes
 * (control frame when 0).
 */
int mb_encode_rsp_ud(uint8_t *out, size_t cap, uint8_t address, bool acd, bool dfc, uint8_t ci,
                     const uint8_t *data, size_t data_len);

/* ---- stream receiver ---------------------------------------------------------------------- */

/** Why the receiver dropped bytes. All counters wrap at 2^32. */
typedef struct mb_rx_stats {
    uint32_t frames; /**< valid frames completed, whether taken with mb_rx_frame() or not */
    uint32_t bytes_discarded; /**< bytes dropped for the reasons below or by mb_rx_reset(); the
                                   bytes of complete frames are never counted here */
    uint32_t noise;           /**< bytes that cannot start a frame, skipped while hunting */
    uint32_t bad_header;   /**< starts dropped early: L fields differ, no second 68, L < 3, bad C */
    uint32_t bad_stop;     /**< complete-length candidates with a wrong stop byte */
    uint32_t bad_checksum; /**< complete-length candidates with a wrong checksum */
    uint32_t timeouts;     /**< partial frames dropped after an inter-byte gap above the limit */
} mb_rx_stats_t;

/**
 * Receiver state. The caller owns it (static, on the stack or inside its own struct); initialise it
 * with mb_rx_init() before use. Members are private: use the functions below.
 * sizeof(mb_rx_t) is 304 bytes on 32- and 64-bit targets.
 */
typedef struct mb_rx {
    uint8_t buf[MB_FRAME_MAX_LEN]; /**< private: candidate frame, then bytes received after it */
    uint16_t len;                  /**< private: bytes held in buf */
    uint16_t frame_len;            /**< private: > 0 when buf starts with a complete frame */
    bool taken;                    /**< private: that frame was handed out by mb_rx_frame() */
    bool have_time;                /**< private: last_ms is set */
    uint32_t gap_ms;               /**< private: inter-byte gap limit, 0 = none */
    uint32_t last_ms;              /**< private: arrival time of the last byte */
    mb_rx_stats_t stats;           /**< private: counters */
} mb_rx_t;

/**
 * Initialise @p rx and zero its counters. Every mb_rx_ function takes a non-NULL @p rx (a NULL
 * is ignored: nothing happens, and the function returns 0, false or NULL).
 * @param rx     the receiver, owned by the caller
 * @param gap_ms a partial frame is dropped when no byte arrived for more than this many
 *               milliseconds (MB_RX_DEFAULT_GAP_MS is a good start); 0 disables the timeout
 */
void mb_rx_init(mb_rx_t *rx, uint32_t gap_ms);

/** Change the inter-byte gap limit (after a baud switch, say); keeps buffered bytes and counters.
 */
void mb_rx_set_gap(mb_rx_t *rx, uint32_t gap_ms);

/**
 * Push received bytes. Bytes are consumed until a frame is complete (it may have begun in an
 * earlier call, or behind a false start among the bytes just pushed); then the call returns so that
 * the caller takes the frame with mb_rx_frame(), and pushes the rest in the next call. Any number
 * of bytes per call works, from one per UART interrupt to a whole read() buffer. The loop that
 * never misses a frame:
 *
 * @code
 * size_t off = 0;
 * do {
 *     off += mb_rx_feed(&rx, bytes + off, n - off, now_ms);
 *     while (mb_rx_frame(&rx, &frame)) { handle(&frame); }
 * } while (off < n);
 * @endcode
 *
 * Resynchronisation: a start that fails an early check (L fields differ, second 68 missing, L < 3,
 * C field not allowed) drops only its first byte and the bytes after it are scanned again, so a
 * frame right after noise is still found; a candidate that fails at its end (stop byte, checksum)
 * was a frame on the wire, corrupted, and is dropped whole so that its inside is not mistaken for
 * an E5. A frame not taken before the next mb_rx_feed() is dropped (it still counts in
 * stats.frames).
 *
 * @param rx     the receiver
 * @param data   bytes received; read only during the call; may be NULL when @p len is 0
 * @param len    bytes at @p data
 * @param now_ms arrival time of these bytes in milliseconds, from any monotonic clock that wraps at
 *               2^32
 * @return bytes consumed from @p data (0..len); less than @p len only when a frame completed
 */
size_t mb_rx_feed(mb_rx_t *rx, const uint8_t *data, size_t len, uint32_t now_ms);

/**
 * Take the next complete frame. Each frame is returned once; calling again releases it and looks
 * for a further frame among bytes already received (a noisy start can leave an E5 behind it).
 * @param rx    the receiver
 * @param frame filled when a frame is ready; its data points into @p rx and stays valid until the
 *              next call of any mb_rx_ function on @p rx
 * @return true when @p frame was filled
 */
bool mb_rx_frame(mb_rx_t *rx, mb_frame_t *frame);

/**
 * Let time pass without bytes: drops a partial frame whose last byte is older than the gap limit
 * (counted in stats.timeouts). Call it from the main loop or a timer; it never blocks.
 * @return true when a partial frame was dropped
 */
bool mb_rx_poll(mb_rx_t *rx, uint32_t now_ms);

/**
 * @return bytes held that are not (yet) a complete frame: 0 when idle. A master uses it to tell
 *         "nothing arrived" from "something garbled arrived" at the end of an answer window.
 */
size_t mb_rx_pending(const mb_rx_t *rx);

/** Drop everything held (counted in bytes_discarded, except a complete frame); keeps the counters.
 */
void mb_rx_reset(mb_rx_t *rx);

/** @return the receiver's counters; valid as long as @p rx. */
const mb_rx_stats_t *mb_rx_stats(const mb_rx_t *rx);

/** @return the name of a frame type ("ACK", "NACK", "short", "control", "long", "none"). */
const char *mb_frame_type_name(mb_frame_type_t type);

#ifdef __cplusplus
}
#endif

#endif /* MB_LINK_H */
