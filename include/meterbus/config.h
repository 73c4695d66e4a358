/**
 * @file config.h
 * @brief Build-time configuration of meterbus: every knob, its default and its valid range.
 *
 * To change a knob, either define it on the compiler command line (`-DMB_ENABLE_SLAVE=0`) or put
 * your definitions in a header of your own and name it with `-DMB_CONFIG_HEADER="my_mb_config.h"`;
 * that header is included first, so anything it defines wins over the defaults below.
 *
 * Every switch is 0 or 1. Switching a layer off removes its code from `src/` (the functions are not
 * compiled), which is how firmware that only needs, say, a wired slave stays small. The library's
 * behaviour never depends on a knob silently: out-of-range values stop the build with `#error`.
 */
#ifndef MB_CONFIG_H
#define MB_CONFIG_H

#ifdef MB_CONFIG_HEADER
#include MB_CONFIG_HEADER
#endif

/** Wired link layer (EN 13757-2): frame encode/decode, stream receiver. Default 1. */
#ifndef MB_ENABLE_WIRED
#define MB_ENABLE_WIRED 1
#endif

/** Wireless link layer (EN 13757-4): formats A/B, block CRCs, 3-of-6. Default 1. */
#ifndef MB_ENABLE_WIRELESS
#define MB_ENABLE_WIRELESS 1
#endif

/** AES-128, CMAC and the OMS security modes 5 and 7 and ELL AES-CTR. Default 1. */
#ifndef MB_ENABLE_SECURITY
#define MB_ENABLE_SECURITY 1
#endif

/**
 * Software AES (MB_ENABLE_SECURITY) with 32-bit lookup tables: several times faster, about 2.3 KB
 * more flash (see meterbus/aes.h). With 0, the byte-oriented AES: small, the choice for
 * microcontrollers. Results and mb_aes_t are the same either way. Default 0.
 */
#ifndef MB_ENABLE_AES_TABLES
#define MB_ENABLE_AES_TABLES 0
#endif

/** Wired master state machine (reading meters). Needs MB_ENABLE_WIRED. Default 1. */
#ifndef MB_ENABLE_MASTER
#define MB_ENABLE_MASTER 1
#endif

/** Wired slave state machine (answering as a meter). Needs MB_ENABLE_WIRED. Default 1. */
#ifndef MB_ENABLE_SLAVE
#define MB_ENABLE_SLAVE 1
#endif

/**
 * Text tables: error messages, C-field and other code names. With 0, mb_strerror() and the
 * name functions return the empty string "" and the tables leave flash. Default 1.
 */
#ifndef MB_ENABLE_TEXT
#define MB_ENABLE_TEXT 1
#endif

/**
 * 32-bit real records (DIF data field 5): the only floating point in the library. With 0, such
 * records decode as MB_VALUE_REAL without the float (their 4 bytes are in value.bytes) and the
 * JSON writer prints them as hex; no float code or soft-float routine is linked. Default 1.
 */
#ifndef MB_ENABLE_REAL32
#define MB_ENABLE_REAL32 1
#endif

/**
 * Suggested inter-byte gap limit for mb_rx_init(), in milliseconds: a partial frame is dropped
 * when the line is quiet for longer.
 * EN 13757-2 allows no gap inside a telegram, but USB serial adapters and TCP gateways deliver
 * bytes in bursts tens of milliseconds apart, so the default is generous. Range 1..60000. Default
 * 100.
 */
#ifndef MB_RX_DEFAULT_GAP_MS
#define MB_RX_DEFAULT_GAP_MS 100
#endif

/**
 * Largest compact-frame record format (meterbus/compact.h): the DIB and VIB bytes of all records
 * of a meter's full frame. Each mb_format_t holds this many bytes plus about 1/8 of it. Range
 * 16..255. Default 96 (some 30 records).
 */
#ifndef MB_COMPACT_FORMAT_MAX
#define MB_COMPACT_FORMAT_MAX 96
#endif

/* ---- range checks ------------------------------------------------------------------------- */

#if (MB_ENABLE_WIRED != 0) && (MB_ENABLE_WIRED != 1)
#error "MB_ENABLE_WIRED must be 0 or 1"
#endif
#if (MB_ENABLE_WIRELESS != 0) && (MB_ENABLE_WIRELESS != 1)
#error "MB_ENABLE_WIRELESS must be 0 or 1"
#endif
#if (MB_ENABLE_SECURITY != 0) && (MB_ENABLE_SECURITY != 1)
#error "MB_ENABLE_SECURITY must be 0 or 1"
#endif
#if (MB_ENABLE_AES_TABLES != 0) && (MB_ENABLE_AES_TABLES != 1)
#error "MB_ENABLE_AES_TABLES must be 0 or 1"
#endif
#if (MB_ENABLE_MASTER != 0) && (MB_ENABLE_MASTER != 1)
#error "MB_ENABLE_MASTER must be 0 or 1"
#endif
#if (MB_ENABLE_SLAVE != 0) && (MB_ENABLE_SLAVE != 1)
#error "MB_ENABLE_SLAVE must be 0 or 1"
#endif
#if (MB_ENABLE_TEXT != 0) && (MB_ENABLE_TEXT != 1)
#error "MB_ENABLE_TEXT must be 0 or 1"
#endif
#if (MB_ENABLE_REAL32 != 0) && (MB_ENABLE_REAL32 != 1)
#error "MB_ENABLE_REAL32 must be 0 or 1"
#endif
#if MB_ENABLE_MASTER && !MB_ENABLE_WIRED
#error "MB_ENABLE_MASTER needs MB_ENABLE_WIRED"
#endif
#if MB_ENABLE_SLAVE && !MB_ENABLE_WIRED
#error "MB_ENABLE_SLAVE needs MB_ENABLE_WIRED"
#endif
#if (MB_COMPACT_FORMAT_MAX < 16) || (MB_COMPACT_FORMAT_MAX > 255)
#error "MB_COMPACT_FORMAT_MAX must be in 16..255"
#endif
#if (MB_RX_DEFAULT_GAP_MS < 1) || (MB_RX_DEFAULT_GAP_MS > 60000)
#error "MB_RX_DEFAULT_GAP_MS must be in 1..60000"
#endif

#endif /* MB_CONFIG_H */
