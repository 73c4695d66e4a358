/*
 * Fuzz harness for the data records of the application layer (records.h): the iterator
 * mb_records_init/mb_records_next/mb_records_offset, the value decoding, the names and the encoder
 * mb_record_encode.
 *
 * Input: one options byte, then the application data.
 *   [0] bits 0..2: MB_RECORDS_TO_METER, MB_RECORDS_TEXT_AFTER_VIF, MB_RECORDS_TEXT_2018
 *
 * The application data is copied to a buffer of its own size, so that AddressSanitizer also sees
 * a read before its first byte. Every record is checked (see records_check.h) and goes through the
 * encoder and back; its number, and another, are also encoded in every other numeric coding. The
 * same data is then iterated again with MB_RECORDS_TO_METER flipped: the direction only decides
 * whether VIFEs 0x00..0x0F (and 0x15..0x1C) are object actions or record errors, so records, spans
 * and values must be the same.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/records.h"

#include "fuzz_check.h"
#include "records_check.h"

#define OPTION_MASK (MB_RECORDS_TO_METER | MB_RECORDS_TEXT_AFTER_VIF | MB_RECORDS_TEXT_2018)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1u) {
        return 0;
    }
    unsigned options = data[0] & OPTION_MASK;
    size_t len = size - 1u;
    uint8_t *apl = malloc(len == 0u ? 1u : len);
    struct rc_summary *recs = malloc(2u * (len + 1u) * sizeof *recs);
    CHECK(apl != NULL && recs != NULL);
    if (len > 0u) {
        memcpy(apl, data + 1, len);
    }

    struct rc_walk a = {0, 0, 0, recs};
    rc_walk(apl, len, options, true, &a);

    struct rc_walk b = {0, 0, 0, recs + len + 1u};
    rc_walk(apl, len, options ^ MB_RECORDS_TO_METER, false, &b);
    CHECK(a.status == b.status && a.count == b.count && a.offset == b.offset);
    for (size_t i = 0; i < a.count; i++) {
        const struct rc_summary *x = &a.recs[i], *y = &b.recs[i];
        CHECK(x->start == y->start && x->end == y->end);
        CHECK(x->quantity == y->quantity && x->unit == y->unit && x->kind == y->kind);
        CHECK(x->vflags == y->vflags && x->mantissa == y->mantissa && x->exponent == y->exponent);
    }

    /* No data: the end at once. */
    struct rc_walk e = {0, 0, 0, NULL};
    rc_walk(apl, 0, options, false, &e);
    CHECK(e.status == 0 && e.count == 0u && e.offset == 0u);

    free(recs);
    free(apl);
    return 0;
}
