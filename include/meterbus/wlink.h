/**
 * @file wlink.h
 * @brief Wireless M-Bus link layer (EN 13757-4): block CRCs, frame formats A and B, the DLL
 *        header, receiver RSSI. The radio coding below it (3-of-6, Manchester, mode C/T detection)
 *        is in wradio.h; the layers above it (ELL, AFL, security) in security.h.
 *
 * A frame on the air starts with its L field and carries CRC-16/EN-13757 block checksums, each
 * sent most significant byte first:
 *
 * | format | L counts                          | blocks, each followed by its CRC               |
 * |--------|-----------------------------------|------------------------------------------------|
 * | A      | C .. last data byte, no CRCs      | `L C M(2) A(6)` (10), then 16 bytes each       |
 * | B      | every byte after L, CRCs included | bytes 0..125 (or all), then the rest if any    |
 *
 * (The last block of A holds what is left, 1..16 bytes.) Format A is used by modes S, T, R and may
 * be used by C, N, F; format B by C, N, F (the sync word tells which). USB receivers usually
 * deliver frames with the CRCs already removed.
 *
 * This library always hands out and takes frames **without CRCs** in one layout, whatever the
 * format on the air:
 *
 *     L C M(2) A(6) CI ...      with L = the number of bytes after L (so frame length = L + 1)
 *
 * which is the layout USB receivers deliver, security.h expects and a meter builds its telegram
 * in. mb_wframe_decode() turns on-air bytes into it, mb_wframe_encode() turns it into on-air bytes.
 *
 * Security model: the decoders accept any bytes; they never read past `len`, never write past
 * `cap`, run in time linear in the input and use a small fixed amount of stack. Block boundaries
 * follow from the L field alone; nothing is guessed.
 */
#ifndef MB_WLINK_H
#define MB_WLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/link.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CRC-16/EN-13757 ---------------------------------------------------------------------- */

/*
 * The CRC is compiled even when MB_ENABLE_WIRELESS is 0: compact-frame format signatures
 * (EN 13757-3) and the ELL payload CRC use it too.
 */

#define MB_CRC16_EN13757_INIT   0x0000u /**< register value to start mb_crc16_en13757_update() */
#define MB_CRC16_EN13757_XOROUT 0xFFFFu /**< the final XOR: CRC = register ^ XOROUT */

/**
 * CRC-16/EN-13757 of @p len bytes: polynomial 0x3D65, initial value 0, no reflection, final XOR
 * 0xFFFF ("123456789" gives 0xC2B7). @p p may be NULL when @p len is 0 (the CRC is then 0xFFFF).
 */
uint16_t mb_crc16_en13757(const uint8_t *p, size_t len);

/**
 * Incremental form: feed the CRC register @p crc (start with MB_CRC16_EN13757_INIT) with @p len
 * more bytes and return the new register. The CRC of everything fed is
 * mb_crc16_en13757_final(register).
 */
uint16_t mb_crc16_en13757_update(uint16_t crc, const uint8_t *p, size_t len);

/** @return the CRC from the register of mb_crc16_en13757_update(). */
static inline uint16_t mb_crc16_en13757_final(uint16_t crc)
{
    return (uint16_t)(crc ^ MB_CRC16_EN13757_XOROUT);
}

/* ---- sizes -------------------------------------------------------------------------------- */

#define MB_WFRAME_HEADER_LEN 10u  /**< `L C M(2) A(6)`: the first block of format A */
#define MB_WFRAME_MIN_LEN    11u  /**< shortest frame without CRCs: the header and a CI */
#define MB_WFRAME_MAX_LEN    256u /**< longest frame without CRCs: L = 255 */
#define MB_WFRAME_B_MAX_LEN  252u /**< longest frame without CRCs that format B can carry */
#define MB_WFRAME_MAX_BLOCKS 17u  /**< most CRC blocks of a frame (format A, L = 255) */
/** Longest frame on the air, CRCs included: format A with L = 255 (format B takes at most 256). */
#define MB_WFRAME_MAX_RAW_LEN 290u

/**
 * On-air bytes of a format A frame whose CRC-free form has @p n bytes (11..256): n plus two CRC
 * bytes for the 10-byte first block and for each started 16 bytes after it.
 */
#define MB_WFRAME_A_RAW_LEN(n) ((size_t)(n) + 2u * (1u + ((size_t)(n)-10u + 15u) / 16u))
/** On-air bytes of a format B frame whose CRC-free form has @p n bytes (11..252). */
#define MB_WFRAME_B_RAW_LEN(n) ((size_t)(n) + ((size_t)(n) <= 126u ? 2u : 4u))

/* ---- frames ------------------------------------------------------------------------------- */

/** How the CRCs of a frame on the air are laid out. */
typedef enum mb_wformat {
    MB_WFORMAT_AUTO = 0, /**< decode: tell A from B by the CRCs (see mb_wframe_decode()); in a
                              decoded frame: nothing was decoded */
    MB_WFORMAT_A = 1,    /**< format A: L excludes the CRCs; 10-byte first block, then 16 */
    MB_WFORMAT_B = 2,    /**< format B: L includes the CRCs; one or two blocks */
    MB_WFORMAT_NONE = 3, /**< the CRCs were already checked and removed (USB receivers) */
} mb_wformat_t;

/**
 * A decoded frame: a view of the frame without CRCs, which mb_wframe_decode() wrote into the
 * caller's @c out buffer. The pointers are valid as long as that buffer is left unchanged.
 */
typedef struct mb_wframe {
    const uint8_t *frame;   /**< `L C M(2) A(6) CI ...` without CRCs, L rewritten (see @c l) */
    size_t frame_len;       /**< bytes at @c frame: l + 1, 11..256 */
    const uint8_t *payload; /**< what follows the DLL header: the CI and everything after it */
    size_t payload_len;     /**< bytes at @c payload: frame_len - 10, 1..246 */
    uint8_t l;              /**< L field without CRCs: bytes after L (not the L sent on the air) */
    uint8_t c;              /**< C field (MB_C_SND_NR, MB_C_ACC_DMD, ... in link.h) */
    uint8_t ci;             /**< CI field: payload[0] */
    /**
     * Link-layer address, the M and A fields as sent (an ELL may carry a second one). @c id holds
     * the 8 BCD digits as nibbles, read from the 4 bytes sent least significant first (ID
     * 12345678 is sent as 78 56 34 12 and read as 0x12345678, as mb_id_text() prints it);
     * @c manufacturer is the 16-bit field as sent (bit 15 included); @c medium is the device
     * type. The wireless order on the air is M, ID, version, type (wired: ID, M, ...).
     */
    mb_secondary_t address;
    mb_wformat_t format; /**< the format decoded (the one AUTO chose) */
    size_t raw_len;      /**< on-air bytes the frame took, CRCs included, from its L field */
    uint8_t blocks;      /**< CRC blocks checked: 1..17 for A, 1..2 for B, 0 for NONE */
    uint32_t crc_errors; /**< bit k set: the CRC of block k (0 = the first) did not match */
    int16_t rssi_dbm;    /**< received signal strength in dBm, valid when @c has_rssi */
    bool has_rssi;       /**< set by the caller when its radio reports RSSI; decoding clears it */
} mb_wframe_t;

/**
 * @return the on-air bytes (CRCs included) of a frame whose first byte, the L field as sent, is
 *         @p l_field: what a receiver must read in total once it has the first byte. 0 when that
 *         L is not possible in @p format (A and NONE: below 10; B: below 12, or 128 and 129,
 *         which would leave the second block empty). @p format AUTO gives 0.
 */
size_t mb_wframe_raw_len(mb_wformat_t format, uint8_t l_field);

/**
 * @return the on-air bytes that mb_wframe_encode() writes for a frame of @p frame_len bytes
 *         without CRCs in @p format, or 0 when the length does not fit the format (11..256 for A
 *         and NONE, 11..252 for B). @p format AUTO gives 0.
 */
size_t mb_wframe_encoded_len(mb_wformat_t format, size_t frame_len);

/**
 * Decode the frame at the start of @p in: check its block CRCs and write it without them to
 * @p out in the uniform layout `L C M A CI ...` with L = bytes after L.
 *
 * The L field decides everything: with format A, a 10-byte block, then 16-byte blocks, the last
 * one shorter, each followed by its CRC; with format B, L + 1 bytes in all, one CRC at the end
 * when L + 1 <= 128, else a CRC over bytes 0..125 at 126..127 and a CRC over 128..L-2 at the end;
 * with NONE, L + 1 bytes and no CRC. Bytes after the frame (RSSI or status bytes a receiver
 * appends) are not read; the return value says where they start.
 *
 * MB_WFORMAT_AUTO takes a frame with CRCs whose format is unknown (a pasted hex dump, a receiver
 * that does not report the sync word) and decides:
 *  - it is A when the first block's CRC (bytes 10..11 over 0..9) matches, and B when every CRC
 *    of the B layout matches; when both hold the frame is ambiguous: MB_ERR_WL_FORMAT;
 *  - when neither holds, a frame whose length is exactly the B length (L + 1) is decoded as B,
 *    one exactly the A length as A, so that the failing blocks are reported (MB_ERR_WL_CRC);
 *  - otherwise MB_ERR_WL_TRUNCATED when @p len is shorter than either reading needs, else
 *    MB_ERR_WL_FORMAT.
 * AUTO never chooses NONE: without CRCs nothing tells a frame from noise, so say NONE yourself.
 *
 * When a block CRC fails the whole frame is still written and @p frame filled (so that a tool
 * can show it), @c crc_errors says which blocks failed, and MB_ERR_WL_CRC is returned. On every
 * other error @p frame is cleared (format AUTO, NULL views) and @p out may hold partial output.
 *
 * @param in     on-air bytes from the L field on; may be NULL when @p len is 0
 * @param len    bytes at @p in
 * @param format layout of the CRCs, or AUTO
 * @param out    where the frame without CRCs goes (frame_len <= MB_WFRAME_MAX_LEN bytes); may be
 *               @p in itself (decoding in place), otherwise it must not overlap @p in
 * @param cap    bytes at @p out
 * @param frame  filled as a view of @p out
 * @return the on-air bytes the frame took (CRCs included, 11..290), or MB_ERR_ARG (NULL pointer,
 *         bad format), MB_ERR_WL_TRUNCATED (fewer than the L field needs), MB_ERR_WL_LEN (L not
 *         possible in the format), MB_ERR_NOSPACE (@p cap below the frame's length without CRCs),
 *         MB_ERR_WL_CRC (see above), MB_ERR_WL_FORMAT (AUTO cannot tell).
 */
int mb_wframe_decode(const uint8_t *in, size_t len, mb_wformat_t format, uint8_t *out, size_t cap,
                     mb_wframe_t *frame);

/**
 * Encode a frame for the air: insert the block CRCs of @p format and set the L field for it.
 *
 * @param frame     the frame without CRCs: `L C M(2) A(6) CI ...`; its first byte is not read,
 *                  L comes from @p frame_len
 * @param frame_len bytes at @p frame: 11..256 (A, NONE), 11..252 (B)
 * @param format    A, B or NONE (NONE copies the frame and sets L = frame_len - 1, for
 *                  transmitters that add the CRCs themselves)
 * @param out       mb_wframe_encoded_len() bytes are written; may be @p frame itself (encoding
 *                  in place: the buffer must then hold the longer on-air frame), otherwise it
 *                  must not overlap @p frame
 * @param cap       bytes at @p out
 * @return bytes written (11..290), MB_ERR_WL_LEN when @p frame_len does not fit the format,
 *         MB_ERR_NOSPACE when @p cap is too small, MB_ERR_ARG otherwise (NULL, format AUTO).
 */
int mb_wframe_encode(const uint8_t *frame, size_t frame_len, mb_wformat_t format, uint8_t *out,
                     size_t cap);

/**
 * Write the 10-byte DLL header `L C M(2) A(6)` that a transmitter's frame starts with: the
 * manufacturer least significant byte first, then the ID (8 BCD digits as nibbles, least
 * significant byte first), version and device type from @p address. L is written as 9 (the
 * header alone); mb_wframe_encode() sets it from the frame's final length, so append the CI and
 * the rest after these 10 bytes and encode.
 * @return MB_WFRAME_HEADER_LEN, MB_ERR_NOSPACE when @p cap is below it, MB_ERR_ARG on NULL.
 */
int mb_wframe_header(uint8_t *out, size_t cap, uint8_t c, const mb_secondary_t *address);

/* ---- RSSI --------------------------------------------------------------------------------- */

/*
 * RSSI is not part of a telegram: receivers report it beside the frame, each in its own
 * encoding. Convert it with these and store it in mb_wframe_t::rssi_dbm (and set has_rssi).
 */

/**
 * @return dBm from a CC1101 RSSI byte, as Amber AMB8465 sticks and CUL sticks report it: the
 *         register is two's complement in half-dB steps with an offset of 74 dB, so
 *         (raw >= 128 ? (raw - 256) / 2 : raw / 2) - 74 with C's truncating division
 *         (-138..-11 dBm).
 */
int16_t mb_wrssi_cc1101(uint8_t raw);

/** @return dBm from a receiver that reports a signed dBm byte (IMST IU891A): -128..127. */
int16_t mb_wrssi_signed(uint8_t raw);

#ifdef __cplusplus
}
#endif

#endif /* MB_WLINK_H */
