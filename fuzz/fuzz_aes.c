/*
 * Fuzz harness for AES-128 and its modes (aes.h).
 *
 * Input: 16 key bytes (zero-padded when the input is shorter), one control byte, then the data
 * (copied to a buffer of its own size, so that AddressSanitizer sees any access outside it). The
 * first 16 data bytes, zero-padded, also serve as IV and initial counter block; the control byte
 * chooses the CMAC split points.
 *
 * Properties checked, aborting on a mismatch:
 *  - single blocks: D(E(x)) == x, in place and not; the hook (software AES behind it) agrees;
 *  - CBC over the whole 16-byte blocks: decrypt(encrypt(x)) == x, and the ciphertext matches
 *    the mode's definition C_i = E(P_i ^ C_i-1) built from single blocks; an odd length is
 *    refused and changes nothing;
 *  - CTR over the whole data: twice is the identity, and the keystream matches E(icb + k) with a
 *    128-bit big-endian counter kept here;
 *  - CMAC: one shot == incremental with two split points from the control byte == byte at a time
 *    == a straight model of RFC 4493 2.4 built from single blocks; the hook gives the same MAC;
 *  - mb_ct_equal against memcmp.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/aes.h"

#include "fuzz_check.h"

#if MB_ENABLE_SECURITY

/* Hook that runs the software AES under the key it is handed. */
static int soft_hook(void *ctx, const uint8_t key[16], bool decrypt, const uint8_t in[16],
                     uint8_t out[16])
{
    unsigned *calls = ctx;
    (*calls)++;
    mb_aes_t aes;
    mb_aes_init(&aes, key, NULL);
    int r = decrypt ? mb_aes_decrypt(&aes, in, out) : mb_aes_encrypt(&aes, in, out);
    mb_aes_wipe(&aes);
    return r;
}

static void xor_block(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[i] ^= src[i];
    }
}

static void dbl(uint8_t k[16])
{
    uint8_t carry = (uint8_t)(k[0] >> 7);
    for (unsigned i = 0; i < 15u; i++) {
        k[i] = (uint8_t)((unsigned)k[i] << 1 | (unsigned)k[i + 1u] >> 7);
    }
    k[15] = (uint8_t)((unsigned)k[15] << 1 ^ (carry ? 0x87u : 0u));
}

/* RFC 4493 2.4 as written: subkeys, the last block flagged complete or padded, CBC-MAC. */
static void model_cmac(const mb_aes_t *aes, const uint8_t *m, size_t len, uint8_t mac[16])
{
    uint8_t k[16] = {0}, x[16] = {0}, last[16] = {0};
    CHECK(mb_aes_encrypt(aes, k, k) == MB_OK);
    dbl(k);
    size_t n = len == 0u ? 1u : (len + 15u) / 16u;
    bool complete = len != 0u && len % 16u == 0u;
    size_t tail = len - (n - 1u) * 16u;
    memcpy(last, m + (n - 1u) * 16u, tail);
    if (!complete) {
        last[tail] = 0x80u;
        dbl(k);
    }
    xor_block(last, k, 16);
    for (size_t i = 0; i + 1u < n; i++) {
        xor_block(x, m + 16u * i, 16);
        CHECK(mb_aes_encrypt(aes, x, x) == MB_OK);
    }
    xor_block(x, last, 16);
    CHECK(mb_aes_encrypt(aes, x, x) == MB_OK);
    memcpy(mac, x, 16);
}

static void check_blocks(const mb_aes_t *aes, const mb_aes_t *hooked, const uint8_t *d, size_t len)
{
    for (size_t off = 0; off + 16u <= len && off < 256u; off += 16u) {
        uint8_t c[16], p[16], h[16];
        CHECK(mb_aes_encrypt(aes, d + off, c) == MB_OK);
        CHECK(mb_aes_decrypt(aes, c, p) == MB_OK);
        CHECK(memcmp(p, d + off, 16) == 0);
        memcpy(p, d + off, 16);
        CHECK(mb_aes_encrypt(aes, p, p) == MB_OK); /* in place */
        CHECK(memcmp(p, c, 16) == 0);
        CHECK(mb_aes_decrypt(aes, p, p) == MB_OK);
        CHECK(memcmp(p, d + off, 16) == 0);
        CHECK(mb_aes_encrypt(hooked, d + off, h) == MB_OK);
        CHECK(memcmp(h, c, 16) == 0);
        CHECK(mb_aes_decrypt(hooked, d + off, h) == MB_OK);
        CHECK(mb_aes_decrypt(aes, d + off, p) == MB_OK);
        CHECK(memcmp(h, p, 16) == 0);
    }
}

static void check_cbc(const mb_aes_t *aes, const mb_aes_t *hooked, const uint8_t iv[16],
                      const uint8_t *d, size_t len)
{
    size_t n = len - len % 16u;
    uint8_t *buf = malloc(n + 1u), *model = malloc(n + 1u);
    CHECK(buf != NULL && model != NULL);
    if (n > 0u) {
        memcpy(buf, d, n);
    }
    CHECK(mb_aes_cbc_encrypt(aes, iv, buf, n) == MB_OK);
    const uint8_t *chain = iv;
    for (size_t off = 0; off < n; off += 16u) {
        memcpy(model + off, d + off, 16);
        xor_block(model + off, chain, 16);
        CHECK(mb_aes_encrypt(aes, model + off, model + off) == MB_OK);
        chain = model + off;
    }
    CHECK(n == 0u || memcmp(buf, model, n) == 0);
    CHECK(mb_aes_cbc_decrypt(aes, iv, buf, n) == MB_OK);
    CHECK(n == 0u || memcmp(buf, d, n) == 0);
    CHECK(mb_aes_cbc_decrypt(hooked, iv, model, n) == MB_OK);
    CHECK(n == 0u || memcmp(model, d, n) == 0);
    if (len % 16u != 0u) {
        uint8_t *odd = malloc(len);
        CHECK(odd != NULL);
        memcpy(odd, d, len);
        CHECK(mb_aes_cbc_encrypt(aes, iv, odd, len) == MB_ERR_ARG);
        CHECK(mb_aes_cbc_decrypt(aes, iv, odd, len) == MB_ERR_ARG);
        CHECK(memcmp(odd, d, len) == 0);
        free(odd);
    }
    free(buf);
    free(model);
}

static void check_ctr(const mb_aes_t *aes, const uint8_t icb[16], const uint8_t *d, size_t len)
{
    uint8_t *buf = malloc(len + 1u);
    CHECK(buf != NULL);
    if (len > 0u) {
        memcpy(buf, d, len);
    }
    CHECK(mb_aes_ctr(aes, icb, buf, len) == MB_OK);
    uint8_t ctr[16], ks[16];
    memcpy(ctr, icb, 16);
    for (size_t off = 0; off < len; off += 16u) {
        CHECK(mb_aes_encrypt(aes, ctr, ks) == MB_OK);
        for (size_t i = 0; i < 16u && off + i < len; i++) {
            CHECK(buf[off + i] == (uint8_t)(d[off + i] ^ ks[i]));
        }
        unsigned carry = 1u; /* + 1 over all 128 bits, big-endian */
        for (unsigned i = 16u; i-- > 0u;) {
            unsigned v = ctr[i] + carry;
            ctr[i] = (uint8_t)v;
            carry = v >> 8;
        }
    }
    CHECK(mb_aes_ctr(aes, icb, buf, len) == MB_OK);
    CHECK(len == 0u || memcmp(buf, d, len) == 0);
    free(buf);
}

static void check_cmac(const mb_aes_t *aes, const mb_aes_t *hooked, uint8_t ctrl, const uint8_t *d,
                       size_t len)
{
    uint8_t one[16], inc[16], bytes[16], model[16], hook_mac[16];
    CHECK(mb_aes_cmac(aes, d, len, one) == MB_OK);
    model_cmac(aes, d, len, model);
    CHECK(memcmp(one, model, 16) == 0);
    CHECK(mb_aes_cmac(hooked, d, len, hook_mac) == MB_OK);
    CHECK(memcmp(one, hook_mac, 16) == 0);

    /* Two split points: a = ctrl-derived, b between a and the end. */
    size_t a = len == 0u ? 0u : (size_t)(ctrl & 0x3Fu) % (len + 1u);
    size_t b = a + (len - a) / (1u + (ctrl >> 6));
    mb_cmac_t cmac;
    CHECK(mb_cmac_init(&cmac, aes) == MB_OK);
    CHECK(mb_cmac_update(&cmac, d, a) == MB_OK);
    CHECK(mb_cmac_update(&cmac, d + a, b - a) == MB_OK);
    CHECK(mb_cmac_update(&cmac, d + b, len - b) == MB_OK);
    CHECK(mb_cmac_final(&cmac, inc) == MB_OK);
    CHECK(memcmp(one, inc, 16) == 0);
    CHECK(mb_cmac_update(&cmac, d, len) == MB_ERR_ARG); /* finished */

    if (len <= 512u) {
        CHECK(mb_cmac_init(&cmac, aes) == MB_OK);
        for (size_t i = 0; i < len; i++) {
            CHECK(mb_cmac_update(&cmac, d + i, 1) == MB_OK);
        }
        CHECK(mb_cmac_final(&cmac, bytes) == MB_OK);
        CHECK(memcmp(one, bytes, 16) == 0);
    }

    CHECK(mb_ct_equal(one, inc, 16));
    for (size_t n = 0; n <= 16u; n++) {
        CHECK(mb_ct_equal(one, d, n < len ? n : len) == (memcmp(one, d, n < len ? n : len) == 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t key[16] = {0}, iv[16] = {0};
    memcpy(key, data, size < 16u ? size : 16u);
    uint8_t ctrl = size > 16u ? data[16] : 0u;
    size_t len = size > 17u ? size - 17u : 0u;
    uint8_t *d = malloc(len == 0u ? 1u : len);
    CHECK(d != NULL);
    if (len > 0u) {
        memcpy(d, data + 17, len);
    }
    memcpy(iv, d, len < 16u ? len : 16u);

    unsigned calls = 0;
    const mb_aes_hook_t hook = {soft_hook, &calls};
    mb_aes_t aes, hooked;
    mb_aes_init(&aes, key, NULL);
    mb_aes_init(&hooked, key, &hook);

    check_blocks(&aes, &hooked, d, len);
    check_cbc(&aes, &hooked, iv, d, len);
    check_ctr(&aes, iv, d, len);
    check_cmac(&aes, &hooked, ctrl, d, len);
    CHECK(calls > 0u);

    mb_aes_wipe(&aes);
    mb_aes_wipe(&hooked);
    static const uint8_t zero[sizeof(mb_aes_t)];
    CHECK(memcmp(&aes, zero, sizeof aes) == 0);
    CHECK(mb_aes_encrypt(&aes, iv, iv) == MB_ERR_ARG);
    free(d);
    return 0;
}

#else /* !MB_ENABLE_SECURITY */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
