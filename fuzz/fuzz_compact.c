/*
 * Fuzz harness for compact frames (compact.h): a format learnt from arbitrary full records, then
 * arbitrary compact data expanded with it.
 *
 * Input: one byte n, then n bytes of full record data, then the compact data (each copied to a
 * buffer of its own size). Checked: learning either fails cleanly or gives a format within its
 * bounds whose signature the expansion accepts; expansion never writes past its capacity (also
 * with every smaller capacity it is given: the result is then MB_ERR_NOSPACE), and what it writes
 * decodes as records without reading past it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/compact.h"
#include "meterbus/records.h"

#include "fuzz_check.h"

#if MB_ENABLE_WIRELESS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1u || size > 600u) {
        return 0;
    }
    size_t n = data[0];
    if (n > size - 1u) {
        return 0;
    }
    size_t cn = size - 1u - n;
    uint8_t *full = malloc(n == 0u ? 1u : n);
    uint8_t *compact = malloc(cn == 0u ? 1u : cn);
    CHECK(full != NULL && compact != NULL);
    memcpy(full, data + 1, n);
    memcpy(compact, data + 1 + n, cn);

    mb_format_t fmt;
    int err = mb_format_learn(full, n, &fmt);
    if (err == MB_OK && fmt.len > 0u) {
        CHECK(fmt.len <= MB_COMPACT_FORMAT_MAX && fmt.records > 0u);
        /* Put the format's own signature in front, so that expansion gets past it. */
        if (cn >= 2u) {
            compact[0] = (uint8_t)fmt.signature;
            compact[1] = (uint8_t)(fmt.signature >> 8);
        }
        size_t cap = cn + MB_COMPACT_FORMAT_MAX;
        uint8_t *out = malloc(cap);
        CHECK(out != NULL);
        int r = mb_compact_expand(&fmt, compact, cn, out, cap, NULL);
        if (r >= 0) {
            CHECK((size_t)r <= cap);
            uint8_t *exact = malloc(r == 0 ? 1u : (size_t)r);
            CHECK(exact != NULL);
            CHECK(mb_compact_expand(&fmt, compact, cn, exact, (size_t)r, NULL) == r);
            CHECK(memcmp(exact, out, (size_t)r) == 0);
            if (r > 0) {
                CHECK(mb_compact_expand(&fmt, compact, cn, exact, (size_t)r - 1u, NULL) ==
                      MB_ERR_NOSPACE);
            }
            mb_records_t it;
            mb_record_t rec;
            mb_records_init(&it, exact, (size_t)r, 0);
            for (unsigned k = 0; k < 1000u && mb_records_next(&it, &rec) == 1; k++) {
            }
            free(exact);
        } else {
            CHECK(r == MB_ERR_COMPACT_SHORT || r == MB_ERR_COMPACT_FORMAT || r == MB_ERR_NOSPACE);
        }
        free(out);
    }
    free(full);
    free(compact);
    return 0;
}

#else /* the layers are not compiled */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
