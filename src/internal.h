/* Helpers shared by the files of src/; not part of the public API. */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"

#if MB_ENABLE_WIRED
#include "meterbus/link.h"

/* Fill @p frame as a view of the wired frame at @p buf, which has already been validated. */
void mb_internal_frame_view(const uint8_t *buf, mb_frame_t *frame);
#endif

/* 8-bit sum of @p len bytes: the wired frame checksum (EN 13757-2). */
uint8_t mb_internal_sum8(const uint8_t *p, size_t len);

/* Byte copy without <string.h>: the core builds for freestanding targets that have none. */
void mb_internal_copy(uint8_t *dst, const uint8_t *src, size_t len);

#endif /* MB_INTERNAL_H */
