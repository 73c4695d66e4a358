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

#include <stdint.h>

#define MB_VERSION_MAJOR 0
#define MB_VERSION_MINOR 1
#define MB_VERSION_PATCH 0

/** (MAJOR << 16) | (MINOR << 8) | PATCH */
#define MB_VERSION_NUMBER ((MB_VERSION_MAJOR << 16) | (MB_VERSION_MINOR << 8) | MB_VERSION_PATCH)

#define MB_VERSION_STR_(x) #x
#define MB_VERSION_STR(x)  MB_VERSION_STR_(x)
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

#ifdef __cplusplus
}
#endif

#endif /* MB_VERSION_H */
