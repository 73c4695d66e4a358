/*
 * Fuzz harness for the wireless message layers (security.h, compact.h): ELL, AFL, transport
 * header, security modes 5 and 7 and the ELL's AES-CTR, with and without a key, then the records.
 *
 * Input: one control byte, then a wireless frame without CRCs (L C M A CI ...), copied to a buffer
 * of its own size. Control bit 0: a key is known (bit 1 chooses which of two); bit 2: open in
 * place rather than into a second buffer.
 *
 * Checked: mb_wmsg_open() never reads or writes outside the frame; the link fields always match
 * the frame's bytes; on success every layer lies inside the frame, and sealing the plaintext with
 * the same key gives back the input byte for byte (CBC, CTR, MAC and CRC are deterministic), which
 * exercises mb_wmsg_seal() on every input that opens; the records decode without error or stop
 * cleanly; a format learnt from them expands a compact frame made from their data back to them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/compact.h"
#include "meterbus/records.h"
#include "meterbus/security.h"

#include "fuzz_check.h"

#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY

static const uint8_t fuzz_keys[2][16] = {
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
     0x0F},
    {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
     0x11},
};

static int lookup(void *ctx, const mb_key_request_t *req, uint8_t key[16])
{
    (void)req;
    const unsigned *which = ctx;
    memcpy(key, fuzz_keys[*which], 16);
    return 0;
}

/* A compact frame from the records' data must expand back to the records. */
static void check_compact(const uint8_t *apl, size_t len)
{
    mb_format_t fmt;
    if (mb_format_learn(apl, len, &fmt) != MB_OK || fmt.len == 0u) {
        return;
    }
    uint8_t compact[300];
    uint8_t full[300];
    size_t n = 4;
    size_t full_len = 0;
    mb_records_t it;
    mb_record_t rec;
    mb_records_init(&it, apl, len, 0);
    compact[0] = (uint8_t)fmt.signature;
    compact[1] = (uint8_t)(fmt.signature >> 8);
    compact[2] = compact[3] = 0;
    while (mb_records_next(&it, &rec) == 1) {
        /* the data with its LVAR byte: from the end of the VIB to the end of the data */
        const uint8_t *d = rec.vib + rec.vib_len;
        size_t dn = (size_t)(rec.data + rec.data_len - d);
        size_t head = (size_t)rec.dib_len + rec.vib_len;
        CHECK(n + dn <= sizeof compact && full_len + head + dn <= sizeof full);
        memcpy(compact + n, d, dn);
        memcpy(full + full_len, rec.dib, head + dn);
        n += dn;
        full_len += head + dn;
    }
    uint8_t out[300];
    int r = mb_compact_expand(&fmt, compact, n, out, sizeof out, NULL);
    CHECK(r == (int)full_len);
    CHECK(memcmp(out, full, full_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1u || size > 300u) {
        return 0;
    }
    uint8_t control = data[0];
    size_t len = size - 1u;
    uint8_t *frame = malloc(len == 0u ? 1u : len);
    uint8_t *out = malloc(len == 0u ? 1u : len);
    uint8_t *again = malloc(len == 0u ? 1u : len);
    CHECK(frame != NULL && out != NULL && again != NULL);
    memcpy(frame, data + 1, len);

    unsigned which = (control >> 1) & 1u;
    mb_keys_t keys = {lookup, &which, NULL};
    const mb_keys_t *with = (control & 1u) != 0u ? &keys : NULL;
    bool in_place = (control & 4u) != 0u;
    uint8_t *target = in_place ? frame : out;
    mb_wmsg_t msg;
    int err = mb_wmsg_open(frame, len, with, target, len, &msg);
    if (len >= 10u) {
        CHECK(msg.c == data[2]);
        CHECK(msg.link.manufacturer == (uint16_t)(data[3] | data[4] << 8));
    }
    if (err == MB_OK) {
        if (msg.has_tpl) { /* a message may also end after ELL or AFL */
            CHECK(msg.tpl.apl >= target && msg.tpl.apl + msg.tpl.apl_len <= target + len);
            mb_records_t it;
            mb_record_t rec;
            int r;
            mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
            while ((r = mb_records_next(&it, &rec)) == 1) {
                CHECK(rec.dib >= msg.tpl.apl && rec.dib + rec.dib_len <= target + len);
                if (rec.data != NULL) { /* NULL for a global readout request (7F) */
                    CHECK(rec.data + rec.data_len <= target + len);
                }
            }
            if (r == 0) {
                check_compact(msg.tpl.apl, msg.tpl.apl_len);
            }
        }
        if (with != NULL) {
            /* Sealing the plaintext again gives the input back. */
            memcpy(again, target, len);
            CHECK(mb_wmsg_seal(again, len, with) == MB_OK);
            CHECK(memcmp(again, data + 1, len) == 0);
        }
    } else if (err == MB_ERR_SEC_CHECK || err == MB_ERR_SEC_MAC) {
        CHECK(with != NULL); /* only a key can fail these checks */
    }
    free(frame);
    free(out);
    free(again);
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
