/**
 * @file tpl.h
 * @brief Transport layer (EN 13757-3/-7): CI field, long and short headers, identification fields,
 *        application errors and alarms, and the legacy fixed data structure.
 *
 * The CI field tells what follows it: a transport header (none, 4-byte short, 12-byte long), then
 * application data (usually data records, see records.h). mb_tpl_decode() splits one CI's data into
 * header fields and a view of the application data; nothing is copied, every view points into the
 * caller's buffer and lives as long as it.
 */
#ifndef MB_TPL_H
#define MB_TPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/link.h"
#include "meterbus/records.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CI field ----------------------------------------------------------------------------- */

/** The transport header that follows a CI. */
typedef enum mb_tpl_header {
    MB_TPL_HEADER_NONE = 0,  /**< application data follows the CI directly */
    MB_TPL_HEADER_SHORT = 1, /**< ACC, status, configuration field: 4 bytes (+ extension) */
    MB_TPL_HEADER_LONG = 2,  /**< ID, manufacturer, version, device type + short: 12 bytes (+) */
    MB_TPL_HEADER_OTHER = 3, /**< a layer of its own (ELL, AFL, network layer): see wireless */
} mb_tpl_header_t;

/** What the application data after a CI (and its header) is. */
typedef enum mb_ci_content {
    MB_CI_RESERVED = 0,       /**< reserved or unknown CI */
    MB_CI_RECORDS,            /**< EN 13757-3 data records (responses and commands) */
    MB_CI_COMPACT,            /**< compact frame: format signature, CRC, data without DIF/VIF */
    MB_CI_FORMAT,             /**< format frame: the DIF/VIF layout of compact frames */
    MB_CI_APP_ERROR,          /**< application error from the device */
    MB_CI_ALARM,              /**< alarm from the device */
    MB_CI_APP_RESET,          /**< application reset or select, optional subcode */
    MB_CI_SELECTION,          /**< secondary address selection (wired, CI 0x52) */
    MB_CI_SELECTED_APP,       /**< request or response of the selected application */
    MB_CI_SYNC,               /**< synchronise action */
    MB_CI_TIME_SYNC,          /**< clock synchronisation (absolute or relative) */
    MB_CI_BAUD,               /**< baud-rate switch (wired, 0xB8..0xBF) */
    MB_CI_DLMS,               /**< DLMS/COSEM or OBIS based data */
    MB_CI_MANUFACTURER,       /**< manufacturer specific (0xA0..0xB7): raw data */
    MB_CI_FIXED,              /**< legacy fixed data structure (wired CI 0x73 with 16 bytes) */
    MB_CI_TPL_ONLY,           /**< transport layer without application data */
    MB_CI_NETWORK_MANAGEMENT, /**< network management data */
    MB_CI_IMAGE_TRANSFER,     /**< firmware image transfer */
    MB_CI_SECURITY_TRANSFER,  /**< security information transfer */
    MB_CI_ELL,                /**< extended link layer (wireless) */
    MB_CI_AFL,                /**< authentication and fragmentation layer (wireless) */
    MB_CI_NETWORK_LAYER,      /**< network layer (EN 13757-5) */
} mb_ci_content_t;

/** Direction a CI is defined for. */
typedef enum mb_ci_direction {
    MB_CI_ANY = 0,        /**< layers used both ways, reserved codes */
    MB_CI_TO_METER = 1,   /**< master/other device to meter */
    MB_CI_FROM_METER = 2, /**< meter to master/other device */
} mb_ci_direction_t;

/** What a CI field announces (mb_ci_info()). */
typedef struct mb_ci_info {
    mb_tpl_header_t header;      /**< the transport header after the CI */
    mb_ci_content_t content;     /**< what the application data after the header are */
    mb_ci_direction_t direction; /**< the direction the CI is defined for */
} mb_ci_info_t;

/** @return what CI @p ci carries (EN 13757-7:2018 table, with the wired legacy codes). */
mb_ci_info_t mb_ci_info(uint8_t ci);

/** @return a stable snake_case name of the content kind ("records", "app_error", ...). */
const char *mb_ci_content_name(mb_ci_content_t content);

/* ---- identification fields ---------------------------------------------------------------- */

/**
 * Write the 3-letter code of manufacturer field @p code ("ELS" for 0x1593) into @p out (4 bytes,
 * NUL-terminated). Bit 15 (not part of the code) is ignored. @return false when a letter falls
 * outside A..Z; that letter is written as '?'.
 */
bool mb_manufacturer_text(uint16_t code, char out[4]);

/** @return the manufacturer field of 3 letters A..Z (case-insensitive), or 0 when not valid. */
uint16_t mb_manufacturer_code(const char *letters);

/**
 * Write an 8-digit identification number (BCD nibbles, as mb_secondary_t::id) as text into @p out
 * (9 bytes): "12345678". Nibbles A..F, which real meters send, are written as hex digits.
 */
void mb_id_text(uint32_t id, char out[9]);

/**
 * @return a stable snake_case name of device type (medium) @p medium: "water", "heat_outlet",
 *         "electricity", ...; "reserved" for unassigned codes. "" when MB_ENABLE_TEXT is 0.
 */
const char *mb_medium_name(uint8_t medium);

/* ---- status byte and configuration field -------------------------------------------------- */

#define MB_STATUS_APP_MASK      0x03u /**< application status, see mb_app_status_t */
#define MB_STATUS_POWER_LOW     0x04u /**< battery or supply low */
#define MB_STATUS_PERMANENT_ERR 0x08u /**< permanent error */
#define MB_STATUS_TEMPORARY_ERR 0x10u /**< temporary error */
#define MB_STATUS_MANUFACTURER  0xE0u /**< manufacturer-specific bits */

/** Application status: the two low bits of the status byte (MB_STATUS_APP_MASK). */
typedef enum mb_app_status {
    MB_APP_STATUS_OK = 0,    /**< no error */
    MB_APP_STATUS_BUSY = 1,  /**< application busy */
    MB_APP_STATUS_ERROR = 2, /**< application error */
    MB_APP_STATUS_ALARM = 3, /**< abnormal condition */
} mb_app_status_t;

/** Security mode of a configuration field: bits 12..8. 0 = not encrypted. */
static inline uint8_t mb_cf_security_mode(uint16_t cf) { return (uint8_t)((cf >> 8) & 0x1Fu); }

/** Number of encrypted 16-byte blocks of a configuration field (modes 5 and 7): bits 7..4. */
static inline uint8_t mb_cf_encrypted_blocks(uint16_t cf) { return (uint8_t)((cf >> 4) & 0x0Fu); }

/* ---- transport header --------------------------------------------------------------------- */

/** A decoded transport header and the application data behind it. */
typedef struct mb_tpl {
    uint8_t ci;             /**< the CI field */
    mb_ci_info_t info;      /**< what the CI announces (mb_ci_info()) */
    bool has_address;       /**< long header: @c address is set */
    mb_secondary_t address; /**< long header: ID, manufacturer, version, device type */
    uint8_t access;         /**< access number (short and long header) */
    uint8_t status;         /**< status byte, see MB_STATUS_* */
    uint16_t config;        /**< configuration field; 0 = not encrypted */
    uint8_t config_ext;     /**< configuration field extension (security modes 7, 13), else 0 */
    bool has_config_ext;    /**< @c config_ext was sent */
    /** Mode 7: TPL message counter when the configuration field's Z bit (13) is set. */
    uint32_t message_counter;
    bool has_message_counter; /**< @c message_counter was sent */
    /** Mode 7: key version when the extension's V bit (6) is set. */
    uint8_t key_version;
    bool has_key_version; /**< @c key_version was sent */
    const uint8_t *apl;   /**< application data after the header: a view into the input */
    size_t apl_len;       /**< bytes at @c apl */
} mb_tpl_t;

/**
 * Decode the transport header of CI @p ci from the bytes that follow the CI.
 *
 * For CI 0x73 on a wired bus the legacy fixed data structure and the compact frame with a long
 * header share the code: exactly 16 bytes are read as the fixed structure (info.content
 * MB_CI_FIXED, no header: decode it with mb_fixed_decode()); any other length as a compact frame.
 * The application data of a compact frame (format signature, data CRC, then the values, possibly
 * encrypted) is not judged here but by the compact-frame decoder, which knows the format.
 *
 * @param ci   the CI field
 * @param data bytes after the CI (a wired frame's mb_frame_t::data), may be NULL when @p len is 0;
 *             must stay unchanged while the views in @p tpl are used
 * @param len  bytes at @p data
 * @param tpl  filled on success
 * @return MB_OK, MB_ERR_TPL_SHORT when the bytes end inside the header, MB_ERR_ARG
 */
int mb_tpl_decode(uint8_t ci, const uint8_t *data, size_t len, mb_tpl_t *tpl);

/* ---- application errors and alarms -------------------------------------------------------- */

/** @return the name of application error code @p code (CI 0x70): "busy", "unimplemented_ci", ... */
const char *mb_app_error_name(uint8_t code);

/* ---- legacy fixed data structure ---------------------------------------------------------- */

/** One counter of the fixed data structure. */
typedef struct mb_fixed_counter {
    uint8_t unit_code;      /**< 6-bit unit code as sent */
    int64_t mantissa;       /**< value = mantissa * 10^exponent; binary counters are unsigned */
    int8_t exponent;        /**< decimal exponent, from the unit code */
    mb_quantity_t quantity; /**< what the unit code says the counter measures */
    mb_unit_t unit;         /**< unit of the value, as for records */
    bool historic;          /**< counter 2 holds a stored value (status bit 6 or unit code 0x3E) */
    bool valid;             /**< false when a BCD digit is not 0..9 */
} mb_fixed_counter_t;

/** The legacy fixed data structure (wired CI 0x73): 16 bytes. */
typedef struct mb_fixed {
    uint32_t id;    /**< 8 BCD digits as nibbles */
    uint8_t access; /**< access number */
    uint8_t status; /**< bit 7: counters binary (1) or BCD (0); bit 6: counter 2 historic */
    uint8_t medium; /**< fixed-structure medium code 0..15 (not the device-type table) */
    mb_fixed_counter_t counter[2]; /**< counter 1 and counter 2 */
} mb_fixed_t;

#define MB_FIXED_LEN 16u /**< bytes of the fixed data structure after CI 0x73 */

/** Decode the 16 bytes after CI 0x73. @return MB_OK, MB_ERR_TPL_SHORT or MB_ERR_ARG. */
int mb_fixed_decode(const uint8_t *data, size_t len, mb_fixed_t *fixed);

/** @return the name of fixed-structure medium code @p medium ("water", "heat", ...). */
const char *mb_fixed_medium_name(uint8_t medium);

#ifdef __cplusplus
}
#endif

#endif /* MB_TPL_H */
