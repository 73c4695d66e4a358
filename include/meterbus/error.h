/**
 * @file error.h
 * @brief The one error enumeration of the library.
 *
 * Every function that can fail returns an `int`: 0 (MB_OK) or a positive count/length on success,
 * a negative mb_err value on failure. The codes are stable: new codes are appended, existing values
 * never change meaning.
 */
#ifndef MB_ERROR_H
#define MB_ERROR_H

#include "meterbus/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes: MB_OK, or a negative value named after the layer that found the problem. */
typedef enum mb_err {
    MB_OK = 0, /**< success */

    /* Caller errors. */
    MB_ERR_ARG = -1,     /**< an argument is NULL or out of range */
    MB_ERR_NOSPACE = -2, /**< the output buffer is too small; nothing useful was written */

    /* Wired frame decoding (EN 13757-2), in the order the checks are made. */
    MB_ERR_FRAME_EMPTY = -10,        /**< no bytes at all */
    MB_ERR_FRAME_START = -11,        /**< first byte is not E5, A2, 10 or 68 */
    MB_ERR_FRAME_TRUNCATED = -12,    /**< fewer bytes than the frame's length needs */
    MB_ERR_FRAME_LEN_MISMATCH = -13, /**< long frame: the two L fields differ */
    MB_ERR_FRAME_START2 = -14,       /**< long frame: fourth byte is not 68 */
    MB_ERR_FRAME_LEN = -15,          /**< long frame: L is below 3 */
    MB_ERR_FRAME_CFIELD = -16,       /**< C field not valid for this frame type */
    MB_ERR_FRAME_STOP = -17,         /**< stop byte is not 16 */
    MB_ERR_FRAME_CHECKSUM = -18,     /**< checksum does not match */
    MB_ERR_FRAME_TRAILING = -19,     /**< bytes follow the end of a complete frame */

    /* Transport layer (EN 13757-3/-7). */
    MB_ERR_TPL_SHORT = -20, /**< the data ends inside the transport header */

    /* Data records (EN 13757-3). Each ends the iteration: the rest cannot be delimited. */
    MB_ERR_REC_DIF_TRUNCATED = -30,  /**< the data ends inside a DIF or DIFE */
    MB_ERR_REC_VIF_TRUNCATED = -31,  /**< the data ends inside a VIF, VIFE or plain-text unit */
    MB_ERR_REC_DATA_TRUNCATED = -32, /**< the data ends inside a record's value */
    MB_ERR_REC_TOO_MANY_DIFE = -33,  /**< more than 10 DIFEs */
    MB_ERR_REC_TOO_MANY_VIFE = -34,  /**< more than 10 VIFEs */
    MB_ERR_REC_RESERVED_DIF = -35,   /**< reserved special DIF (0x3F..0x6F, 0x8F..0xFF) */
    MB_ERR_REC_RESERVED_LVAR = -36,  /**< reserved LVAR (0xCA..0xCF, 0xDA..0xDF, 0xF7..0xFF) */
    /* Record encoding. */
    MB_ERR_REC_INEXACT = -37, /**< the value is not a whole multiple of the VIF's resolution */
    MB_ERR_REC_RANGE = -38,   /**< the value does not fit the data field */
    MB_ERR_REC_KIND = -39,    /**< the value's kind does not suit the data field */

    /* Wireless link layer and radio coding (EN 13757-4). */
    MB_ERR_WL_TRUNCATED = -40,  /**< fewer bytes (or chips) than the L field (or count) needs */
    MB_ERR_WL_LEN = -41,        /**< L field not possible in the format, or frame too long for it */
    MB_ERR_WL_CRC = -42,        /**< a block CRC does not match (the frame is still given out) */
    MB_ERR_WL_FORMAT = -43,     /**< format AUTO cannot tell A from B */
    MB_ERR_WL_3OF6 = -44,       /**< a 6-chip symbol is not a 3-of-6 code (mode T) */
    MB_ERR_WL_MANCHESTER = -45, /**< a Manchester chip pair is 00 or 11 */

    /* Wireless message layers and security (EN 13757-4/-7, OMS). */
    MB_ERR_SEC_HEADER = -50,      /**< an ELL or AFL header is truncated or malformed */
    MB_ERR_SEC_NO_KEY = -51,      /**< encrypted, and no key for this meter */
    MB_ERR_SEC_CHECK = -52,       /**< decrypted data lack 2F 2F: wrong key (or not encrypted) */
    MB_ERR_SEC_MAC = -53,         /**< the AFL MAC does not match: wrong key or altered */
    MB_ERR_SEC_PAYLOAD_CRC = -54, /**< ELL payload CRC mismatch: wrong key or altered */
    MB_ERR_SEC_LEN = -55,         /**< the encrypted blocks run past the data */
    MB_ERR_SEC_UNSUPPORTED = -56, /**< security mode, KDF, MAC type or ELL encryption unsupported */
    /* Compact frames. */
    MB_ERR_COMPACT_FORMAT = -57, /**< compact frame: its format signature is not the format's */
    MB_ERR_COMPACT_SHORT = -58,  /**< compact frame: the data end inside a record */

    /* Master transactions (EN 13757-2). */
    MB_ERR_MASTER_BUSY = -65,       /**< a transaction is already running */
    MB_ERR_MASTER_TIMEOUT = -66,    /**< no answer, after every retry */
    MB_ERR_MASTER_COLLISION = -67,  /**< garbled answers or more than one, after every retry */
    MB_ERR_MASTER_UNEXPECTED = -68, /**< a valid answer of the wrong kind or from another address */
    MB_ERR_MASTER_LINE = -69,       /**< the HAL could not write or switch the baud rate */
} mb_err_t;

/**
 * @return a short English description of @p err (also of MB_OK), or "unknown error" for a value
 * that is not an mb_err. A static string, never NULL; "" when MB_ENABLE_TEXT is 0.
 */
const char *mb_strerror(int err);

/**
 * @return a stable snake_case name of @p err for machines ("frame_checksum" for
 *         MB_ERR_FRAME_CHECKSUM, "ok" for MB_OK), or "unknown". "" when MB_ENABLE_TEXT is 0.
 */
const char *mb_error_name(int err);

#ifdef __cplusplus
}
#endif

#endif /* MB_ERROR_H */
