/**
 * @file version.h
 * @brief Library version: compile-time macros and a run-time getter.
 *
 * The version follows semantic versioning; MB_VERSION_NUMBER orders versions as an integer
 * (0xMMmmpp), so `#if MB_VERSION_NUMBER >= 0x000200` guards code that needs 0.2.0 or later.
 * Compare mb_version_number() with MB_VERSION_NUMBER to detect a header/library mismatch when
 * linking against a shared build.
 */
#ifndef MB_VERSION_H
#define MB_VERSION_H

#include <stddef.h>
#include <stdint.h>

#define MB_VERSION_MAJOR 0 /**< incremented for changes that break the API or ABI */
#define MB_VERSION_MINOR 1 /**< incremented for additions that keep compatibility */
#define MB_VERSION_PATCH 0 /**< incremented for fixes */

/** (MAJOR << 16) | (MINOR << 8) | PATCH */
#define MB_VERSION_NUMBER ((MB_VERSION_MAJOR << 16) | (MB_VERSION_MINOR << 8) | MB_VERSION_PATCH)

#define MB_VERSION_STR_(x) #x                 /**< helper of MB_VERSION_STR() */
#define MB_VERSION_STR(x)  MB_VERSION_STR_(x) /**< @p x, macros expanded, as a string literal */
/** "MAJOR.MINOR.PATCH" */
#define MB_VERSION_STRING            \
    MB_VERSION_STR(MB_VERSION_MAJOR) \
    "." MB_VERSION_STR(MB_VERSION_MINOR) "." MB_VERSION_STR(MB_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/** @return the version string of the compiled library ("0.1.0"); a static string, never NULL. */
const char *mb_version(void);

/** @return MB_VERSION_NUMBER of the compiled library. */
uint32_t mb_version_number(void);

/** @name Feature bits of mb_features(): the MB_ENABLE_* switches the library was built with.
 * @{ */
#define MB_FEATURE_WIRED      0x01u /**< MB_ENABLE_WIRED */
#define MB_FEATURE_WIRELESS   0x02u /**< MB_ENABLE_WIRELESS */
#define MB_FEATURE_SECURITY   0x04u /**< MB_ENABLE_SECURITY */
#define MB_FEATURE_MASTER     0x08u /**< MB_ENABLE_MASTER */
#define MB_FEATURE_SLAVE      0x10u /**< MB_ENABLE_SLAVE */
#define MB_FEATURE_TEXT       0x20u /**< MB_ENABLE_TEXT */
#define MB_FEATURE_REAL32     0x40u /**< MB_ENABLE_REAL32 */
#define MB_FEATURE_AES_TABLES 0x80u /**< MB_ENABLE_AES_TABLES */
/** @} */

/** @return the MB_FEATURE_* bits of the compiled library (a binding checks what it may call). */
uint32_t mb_features(void);

/**
 * Structs a language binding allocates without a C compiler at hand: it takes their size from
 * the library it loaded (mb_struct_size()) instead of trusting a copy of the C declarations.
 */
typedef enum mb_struct_id {
    MB_STRUCT_RX = 1,        /**< mb_rx_t (link.h) */
    MB_STRUCT_FRAME,         /**< mb_frame_t (link.h) */
    MB_STRUCT_SECONDARY,     /**< mb_secondary_t (link.h) */
    MB_STRUCT_HAL,           /**< mb_hal_t (hal.h) */
    MB_STRUCT_MASTER,        /**< mb_master_t (master.h) */
    MB_STRUCT_MASTER_CONFIG, /**< mb_master_config_t (master.h) */
    MB_STRUCT_SCAN,          /**< mb_scan_t (scan.h) */
    MB_STRUCT_SCAN_FOUND,    /**< mb_scan_found_t (scan.h) */
    MB_STRUCT_READOUT,       /**< mb_readout_t (scan.h) */
    MB_STRUCT_SLAVE,         /**< mb_slave_t (slave.h) */
    MB_STRUCT_WFRAME,        /**< mb_wframe_t (wlink.h) */
    MB_STRUCT_WMSG,          /**< mb_wmsg_t (security.h) */
    MB_STRUCT_KEYS,          /**< mb_keys_t (security.h) */
    MB_STRUCT_KEY_REQUEST,   /**< mb_key_request_t (security.h) */
    MB_STRUCT_FORMAT,        /**< mb_format_t (compact.h) */
    MB_STRUCT_FORMAT_CACHE,  /**< mb_format_cache_t (compact.h) */
} mb_struct_id_t;

/** @return sizeof the struct @p id names in this build of the library; 0 for an unknown id or
 *          a struct of a part compiled out. */
size_t mb_struct_size(mb_struct_id_t id);

#ifdef __cplusplus
}
#endif

#endif /* MB_VERSION_H */
