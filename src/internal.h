/* Helpers shared by the files of src/; not part of the public API. */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* 8-bit sum of @p len bytes: the wired frame checksum (EN 13757-2). */
uint8_t mb_internal_sum8(const uint8_t *p, size_t len);

/* Byte copy without <string.h>: the core builds for freestanding targets that have none. */
void mb_internal_copy(uint8_t *dst, const uint8_t *src, size_t len);

#endif /* MB_INTERNAL_H */
