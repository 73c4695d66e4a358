/**
 * @file wradio.h
 * @brief Wireless M-Bus radio coding (EN 13757-4): 3-of-6 (mode T), Manchester (modes S, R and
 *        T other-to-meter), telling mode C from mode T after the common sync word, and sync
 *        words for configuring a radio.
 *
 * For receivers whose radio hands over raw chips instead of bytes (a CC1101 or an SX127x in raw
 * FIFO mode, an SDR) and for transmitters that feed chips to one. Radios with their own coding
 * engines (and USB receivers) make all of this unnecessary.
 *
 * Chips are packed most significant bit first, in the order they are sent: chip 0 is bit 7 of
 * byte 0. Data bytes are sent most significant bit first on the air as well (unlike wired M-Bus).
 *
 * Coding errors are reported with their position: a symbol index, where a 3-of-6 symbol is a
 * nibble (symbol 2i is the high nibble of data byte i, 2i + 1 its low nibble, i.e. chips 6s..6s+5)
 * and a Manchester symbol is a data bit (symbol 8i + j is bit 7 - j of byte i, chips 2s..2s+1).
 *
 * Security model: as everywhere in the library, any input is accepted; nothing is read past
 * `len` or written past `cap`, loops are bounded by the input, the stack is small and fixed.
 */
#ifndef MB_WRADIO_H
#define MB_WRADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sync words --------------------------------------------------------------------------- */

/*
 * As a radio's sync-word register wants them, the last preamble chips included where EN 13757-4
 * implementations usually do so. Modes C and T share MB_WSYNC_CT; mb_wmode_ct_detect() tells them
 * apart from the 16 chips after it.
 */
#define MB_WSYNC_CT  0x543Du  /**< modes C and T, meter to other: 16 chips (preamble tail + sync) */
#define MB_WSYNC_C_A 0x54CDu  /**< mode C: second sync word before a format A frame */
#define MB_WSYNC_C_B 0x543Du  /**< mode C: second sync word before a format B frame */
#define MB_WSYNC_S   0x07696u /**< modes S, R, T other-to-meter: 18 chips (Manchester violations) */
#define MB_WSYNC_N_A 0xF68Du  /**< modes N and F: sync word before a format A frame */
#define MB_WSYNC_N_B 0xF672u  /**< modes N and F: sync word before a format B frame */

/* ---- coding errors ------------------------------------------------------------------------ */

/** Where the coding errors of one decoding call are. */
typedef struct mb_wcode_errors {
    size_t count; /**< invalid symbols (0 when the chips decoded cleanly) */
    size_t first; /**< symbol index of the first invalid one (see the file comment); 0 if none */
} mb_wcode_errors_t;

/* ---- 3-of-6 (mode T) ---------------------------------------------------------------------- */

/** Chip bytes that carry @p n data bytes in 3-of-6: 12 chips a byte, a last half-byte padded. */
#define MB_W3OF6_CHIP_LEN(n) ((3u * (size_t)(n) + 1u) / 2u)
/**
 * Chip bytes mb_w3of6_encode() writes for @p n data bytes: the chips and a postamble of 4 (odd
 * @p n) or 8 (even @p n) alternating chips.
 */
#define MB_W3OF6_TX_LEN(n) (3u * (size_t)(n) / 2u + 1u)
/** Chip bytes of the longest frame (MB_WFRAME_MAX_RAW_LEN on-air bytes) with its postamble. */
#define MB_W3OF6_MAX_TX_LEN 436u

/**
 * Decode @p count data bytes from 3-of-6 chips: each byte is two 6-chip symbols, high nibble
 * first (EN 13757-4 table: 0 = 010110, 1 = 001101, ... F = 101001). Chips after the
 * MB_W3OF6_CHIP_LEN(count) bytes needed (the postamble) are not read; the 4 pad chips of the last
 * half-byte of an odd count are ignored.
 *
 * An invalid symbol (one of the 48 six-chip values outside the table) decodes as nibble 0 and
 * decoding goes on, so that @p out is always complete; @p errors says how many and where the
 * first is.
 *
 * @param chips     chips, packed most significant bit first; may be NULL when @p count is 0
 * @param chips_len bytes at @p chips
 * @param out       @p count bytes are written; may be @p chips itself (decoding in place),
 *                  otherwise it must not overlap @p chips
 * @param count     data bytes to decode
 * @param errors    filled with the coding errors; may be NULL
 * @return @p count, MB_ERR_WL_3OF6 when a symbol is invalid (@p out filled as said above),
 *         MB_ERR_WL_TRUNCATED when @p chips_len is below MB_W3OF6_CHIP_LEN(count), MB_ERR_ARG on
 *         NULL or a count beyond INT_MAX.
 */
int mb_w3of6_decode(const uint8_t *chips, size_t chips_len, uint8_t *out, size_t count,
                    mb_wcode_errors_t *errors);

/**
 * Encode @p len data bytes into 3-of-6 chips followed by the postamble EN 13757-4 asks mode T
 * transmitters for: the alternating chips 0101 fill the last half-byte after an odd @p len, a
 * byte 0x55 (01010101) follows an even one, so the postamble is 4 or 8 chips. (Whether the
 * standard fixes its length exactly was not verified; a radio that sends its own postamble can
 * send MB_W3OF6_CHIP_LEN(len) bytes and drop the rest.)
 *
 * @param in  data bytes; may be NULL when @p len is 0
 * @param len bytes at @p in
 * @param out MB_W3OF6_TX_LEN(len) bytes are written; may be @p in itself (encoding in place: the
 *            buffer must then hold the longer output), otherwise it must not overlap @p in
 * @param cap bytes at @p out
 * @return bytes written, MB_ERR_NOSPACE when @p cap is too small, MB_ERR_ARG on NULL or a length
 *         beyond what an int can count.
 */
int mb_w3of6_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/**
 * @return chip bytes (MB_W3OF6_CHIP_LEN, without postamble) of a whole mode T frame (format A,
 *         CRCs included) whose L field is @p l_field, or 0 when that L is not possible (below 10).
 *         A receiver knows L after its first 2 chip bytes and can program the radio's packet
 *         length from this.
 */
size_t mb_w3of6_frame_chip_len(uint8_t l_field);

/**
 * Mode T frame receiver for a radio's chip FIFO: push chip bytes as they come (from an interrupt,
 * any number at a time), it decodes them into on-air frame bytes, learns the frame's length from
 * its L field and says when the frame is complete. The caller owns it; members are private.
 */
typedef struct mb_w3of6_rx {
    uint8_t *out;  /**< private: frame bytes go here */
    size_t cap;    /**< private: bytes at out */
    size_t len;    /**< private: frame bytes decoded */
    size_t need;   /**< private: on-air bytes of the frame, 0 until L is decoded */
    size_t bad;    /**< private: symbol index of the invalid symbol that ended reception */
    uint32_t acc;  /**< private: chips not yet decoded, in the low nbits bits */
    uint8_t nbits; /**< private */
    int8_t err;    /**< private: 0, or the error that ended reception */
} mb_w3of6_rx_t;

/**
 * Start receiving a frame into @p out (@p cap bytes; MB_WFRAME_MAX_RAW_LEN takes any frame).
 * Call it again for every frame. @p out must stay valid while @p rx is used.
 */
void mb_w3of6_rx_init(mb_w3of6_rx_t *rx, uint8_t *out, size_t cap);

/**
 * Push @p n chip bytes. Chips after the end of the frame (its postamble, noise) are ignored.
 * @return 0 while more chips are needed; the frame's on-air length (> 0) once it is complete: the
 *         frame with its CRCs is then in @p out, ready for
 *         mb_wframe_decode(out, length, MB_WFORMAT_A, ...); or, ending the reception at once so
 *         that the radio can be re-armed: MB_ERR_WL_3OF6 (an invalid symbol, see
 *         mb_w3of6_rx_bad_symbol()), MB_ERR_WL_LEN (L below 10), MB_ERR_NOSPACE (the frame is
 *         longer than @p cap), MB_ERR_ARG (NULL). Once complete or failed, every further call
 *         returns the same until mb_w3of6_rx_init().
 */
int mb_w3of6_rx_feed(mb_w3of6_rx_t *rx, const uint8_t *chips, size_t n);

/** @return chip bytes of the whole frame once its L field is decoded (as
 *          mb_w3of6_frame_chip_len()), 0 before. */
size_t mb_w3of6_rx_chip_len(const mb_w3of6_rx_t *rx);

/** @return the symbol index of the invalid symbol after MB_ERR_WL_3OF6, else 0. */
size_t mb_w3of6_rx_bad_symbol(const mb_w3of6_rx_t *rx);

/* ---- Manchester (modes S, R; T other-to-meter) -------------------------------------------- */

/**
 * Which chip pair stands for a 1. EN 13757-4's own figure was not available; the default follows
 * IEEE 802.3, as rtl_433's mode S receiver does (its frames pass their block CRCs). Radios with
 * a Manchester engine may use the other convention or invert the FSK deviation: check a capture
 * and switch when the sync word or the first block CRC never matches.
 */
typedef enum mb_wmanchester {
    MB_WMANCHESTER_IEEE = 0,   /**< 1 = chips 01 (low-high), 0 = chips 10 (default) */
    MB_WMANCHESTER_THOMAS = 1, /**< 1 = chips 10 (high-low), 0 = chips 01 (G.E. Thomas) */
} mb_wmanchester_t;

/** Chip bytes that carry @p n data bytes in Manchester: 16 chips per byte. */
#define MB_WMANCHESTER_CHIP_LEN(n) (2u * (size_t)(n))

/**
 * Decode @p count data bytes from Manchester chips (2 chip bytes per data byte). A pair 00 or 11
 * is a coding error: it decodes as bit 0 and decoding goes on; @p errors says how many and where
 * the first is (symbol = data bit, see the file comment).
 * @param chips     chips, packed most significant bit first; may be NULL when @p count is 0
 * @param chips_len bytes at @p chips
 * @param out       @p count bytes; may be @p chips itself, otherwise it must not overlap @p chips
 * @param count     data bytes to decode
 * @param polarity  which chip pair stands for a 1
 * @param errors    filled with the coding errors; may be NULL
 * @return @p count, MB_ERR_WL_MANCHESTER when a pair is invalid (@p out filled),
 * MB_ERR_WL_TRUNCATED when @p chips_len is below 2 * @p count, MB_ERR_ARG on NULL, a bad @p
 * polarity or a count beyond INT_MAX.
 */
int mb_wmanchester_decode(const uint8_t *chips, size_t chips_len, uint8_t *out, size_t count,
                          mb_wmanchester_t polarity, mb_wcode_errors_t *errors);

/**
 * Encode @p len data bytes into 2 * @p len Manchester chip bytes (no preamble, sync or
 * postamble: radios that need raw chips for mode S usually add those themselves).
 * @param in       data bytes; may be NULL when @p len is 0
 * @param len      bytes at @p in
 * @param out      2 * @p len bytes are written; may be @p in itself (the buffer must then hold the
 *                 doubled output), otherwise it must not overlap @p in
 * @param cap      bytes at @p out
 * @param polarity which chip pair stands for a 1
 * @return bytes written, MB_ERR_NOSPACE, or MB_ERR_ARG (NULL, bad @p polarity, length beyond what
 *         an int can count).
 */
int mb_wmanchester_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                          mb_wmanchester_t polarity);

/* ---- mode C or T -------------------------------------------------------------------------- */

/** What follows the sync word MB_WSYNC_CT at 868.95 MHz, 100 kcps. */
typedef enum mb_wmode_ct {
    MB_WMODE_CT_UNKNOWN = 0, /**< neither: noise after a false sync */
    MB_WMODE_CT_T = 1,       /**< mode T: the two bytes are the first 16 chips of a 3-of-6 frame
                                  (keep them: they carry the L field) */
    MB_WMODE_CT_C_A = 2,     /**< mode C, format A: the two bytes (0x54 0xCD) are a second sync
                                  word; NRZ frame bytes follow */
    MB_WMODE_CT_C_B = 3,     /**< mode C, format B: second sync word 0x54 0x3D; bytes follow */
} mb_wmode_ct_t;

/**
 * Tell mode C from mode T by the two bytes (16 chips) received right after MB_WSYNC_CT. Mode T
 * data cannot start with 0x54 (010101 is no 3-of-6 symbol), so the answer is unambiguous: T when
 * the first 12 chips are two valid 3-of-6 symbols, UNKNOWN otherwise.
 */
mb_wmode_ct_t mb_wmode_ct_detect(uint8_t b0, uint8_t b1);

#ifdef __cplusplus
}
#endif

#endif /* MB_WRADIO_H */
