/*
 * AES-128 and its modes (include/meterbus/aes.h): the block cipher, CBC, CTR, CMAC (one shot and
 * incremental), the hardware hook, the constant-time comparison, wiping and argument errors.
 *
 * Expected values come from the standards: FIPS-197 Appendices B and C.1, NIST SP 800-38A F.2.1,
 * F.2.2 and F.5.1, RFC 4493 section 4 (its subkey L = E(0) as well as the four MACs). The iterated
 * chains and the counter-wrap keystreams were computed with an independent AES (Python's
 * `cryptography` package, OpenSSL underneath); nothing here was produced by the code under test.
 *
 * The same file is built twice: test_aes against the library's AES, and test_aes_bytes (or
 * test_aes_tables) with src/aes.c compiled with MB_ENABLE_AES_TABLES flipped
 * (tests/CMakeLists.txt), so that both software AES variants pass the vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

#if MB_ENABLE_SECURITY

/* ---- helpers ------------------------------------------------------------------------------ */

/* Parse hex text that the test itself wrote; a parse failure is a broken test. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* A 16-byte block from hex. */
static void blk(const char *text, uint8_t out[16]) { assert_int_equal(hx(text, out, 16), 16); }

static void init_hex(mb_aes_t *aes, const char *key, const mb_aes_hook_t *hook)
{
    uint8_t k[16];
    blk(key, k);
    mb_aes_init(aes, k, hook);
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0u) {
            return false;
        }
    }
    return true;
}

/* The key of SP 800-38A's AES-128 examples and of RFC 4493 (also FIPS-197 Appendix B's). */
#define KEY_SP "2b7e151628aed2a6abf7158809cf4f3c"
/* The four plaintext blocks of SP 800-38A F.2 and F.5, also RFC 4493's 64-byte message. */
#define PT_SP                                                           \
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51" \
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"
/* SP 800-38A F.2.1 CBC-AES128.Encrypt (F.2.2 is the same vector decrypted). */
#define IV_CBC "000102030405060708090a0b0c0d0e0f"
#define CT_CBC                                                          \
    "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2" \
    "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"
/* SP 800-38A F.5.1 CTR-AES128.Encrypt (F.5.2 decrypts it back). */
#define ICB_CTR "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
#define CT_CTR                                                          \
    "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff" \
    "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"

/* RFC 4493 section 4: message lengths and their MACs under KEY_SP, message = prefix of PT_SP. */
static const struct {
    size_t len;
    const char *mac;
} rfc4493[] = {
    {0, "bb1d6929e95937287fa37d129b756746"},
    {16, "070a16b46b4d4144f79bdd9dd04a287c"},
    {40, "dfa66747de9ae63030ca32611497c827"},
    {64, "51f0bebf7e3b9d92fc49741779363cfe"},
};

/* ---- the block cipher --------------------------------------------------------------------- */

static void check_block(const char *key, const char *pt, const char *ct)
{
    mb_aes_t aes;
    uint8_t p[16], c[16], out[16];
    init_hex(&aes, key, NULL);
    blk(pt, p);
    blk(ct, c);
    assert_int_equal(mb_aes_encrypt(&aes, p, out), MB_OK);
    assert_memory_equal(out, c, 16);
    assert_int_equal(mb_aes_decrypt(&aes, c, out), MB_OK);
    assert_memory_equal(out, p, 16);
    mb_aes_wipe(&aes);
}

/* FIPS-197 Appendix C.1, AES-128. */
static void fips197_c1(void **state)
{
    (void)state;
    check_block("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
                "69c4e0d86a7b0430d8cdb78070b4c55a");
}

/* FIPS-197 Appendix B, the cipher example worked round by round. */
static void fips197_appendix_b(void **state)
{
    (void)state;
    check_block(KEY_SP, "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32");
}

/* RFC 4493 2.4: L = E(K, 0^128) for the RFC's key. */
static void rfc4493_subkey_l(void **state)
{
    (void)state;
    check_block(KEY_SP, "00000000000000000000000000000000", "7df76b0c1ab899b33e42f047b91b546f");
}

/* A thousand encryptions of the zero block in a row, then a thousand decryptions: many states. */
static void chain_of_1000_blocks(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t x[16] = {0}, want[16];
    init_hex(&aes, "000102030405060708090a0b0c0d0e0f", NULL);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_OK);
    }
    blk("1fd09ae87c7258990cc56156460ff206", want);
    assert_memory_equal(x, want, 16);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(mb_aes_decrypt(&aes, x, x), MB_OK);
    }
    assert_true(all_zero(x, 16));
    memset(x, 0, sizeof x);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(mb_aes_decrypt(&aes, x, x), MB_OK);
    }
    blk("9724c089128cd21ec199d6b115a5820a", want);
    assert_memory_equal(x, want, 16);
}

/* k(i+1) = E(k(i), k(i)) and D likewise, from the zero key: a hundred key schedules each. */
static void chain_of_100_keys(void **state)
{
    (void)state;
    uint8_t k[16] = {0}, want[16];
    mb_aes_t aes;
    for (int i = 0; i < 100; i++) {
        mb_aes_init(&aes, k, NULL);
        assert_int_equal(mb_aes_encrypt(&aes, k, k), MB_OK);
    }
    blk("c6c3189a2a7d4e6003b17ba90187fa75", want);
    assert_memory_equal(k, want, 16);
    memset(k, 0, sizeof k);
    for (int i = 0; i < 100; i++) {
        mb_aes_init(&aes, k, NULL);
        assert_int_equal(mb_aes_decrypt(&aes, k, k), MB_OK);
    }
    blk("0ca3dd246905316d9153eb7ce5018de8", want);
    assert_memory_equal(k, want, 16);
    mb_aes_wipe(&aes);
}

/* in == out, and the key copied at init: the caller's key buffer may change afterwards. */
static void block_in_place_and_key_copied(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t key[16], x[16], want[16];
    blk("000102030405060708090a0b0c0d0e0f", key);
    mb_aes_init(&aes, key, NULL);
    memset(key, 0xEE, sizeof key);
    blk("00112233445566778899aabbccddeeff", x);
    blk("69c4e0d86a7b0430d8cdb78070b4c55a", want);
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_OK);
    assert_memory_equal(x, want, 16);
    assert_int_equal(mb_aes_decrypt(&aes, x, x), MB_OK);
    blk("00112233445566778899aabbccddeeff", want);
    assert_memory_equal(x, want, 16);
}

/* Re-initialising with another key replaces the old one entirely. */
static void reinit_with_other_key(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t x[16], want[16];
    init_hex(&aes, "000102030405060708090a0b0c0d0e0f", NULL);
    init_hex(&aes, KEY_SP, NULL);
    blk("3243f6a8885a308d313198a2e0370734", x);
    blk("3925841d02dc09fbdc118597196a0b32", want);
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_OK);
    assert_memory_equal(x, want, 16);
}

/* ---- CBC ---------------------------------------------------------------------------------- */

/* SP 800-38A F.2.1 and F.2.2, all four blocks, in place. */
static void cbc_sp800_38a(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t iv[16], buf[64], pt[64], ct[64];
    init_hex(&aes, KEY_SP, NULL);
    blk(IV_CBC, iv);
    assert_int_equal(hx(PT_SP, pt, sizeof pt), 64);
    assert_int_equal(hx(CT_CBC, ct, sizeof ct), 64);

    memcpy(buf, pt, 64);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, buf, 64), MB_OK);
    assert_memory_equal(buf, ct, 64);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, 64), MB_OK);
    assert_memory_equal(buf, pt, 64);
    blk(IV_CBC, ct); /* the IV is only read */
    assert_memory_equal(iv, ct, 16);
}

/* Split across calls, the IV of the next call is the last ciphertext block of the previous. */
static void cbc_chained_calls(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t iv[16], buf[64], pt[64], ct[64];
    init_hex(&aes, KEY_SP, NULL);
    blk(IV_CBC, iv);
    hx(PT_SP, pt, sizeof pt);
    hx(CT_CBC, ct, sizeof ct);

    memcpy(buf, pt, 64);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, buf, 16), MB_OK);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, buf, buf + 16, 48), MB_OK);
    assert_memory_equal(buf, ct, 64);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, buf + 16, buf + 32, 32), MB_OK);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, 32), MB_OK);
    assert_memory_equal(buf, pt, 64);
}

/* A length that is not a multiple of 16 is refused and nothing is changed; 0 is fine. */
static void cbc_length_rules(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t iv[16] = {0}, buf[48], copy[48];
    init_hex(&aes, KEY_SP, NULL);
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)i;
    }
    memcpy(copy, buf, sizeof buf);
    static const size_t bad[] = {1, 15, 17, 31, 33, 47};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, buf, bad[i]), MB_ERR_ARG);
        assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, bad[i]), MB_ERR_ARG);
        assert_memory_equal(buf, copy, sizeof buf);
    }
    assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, buf, 0), MB_OK);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, 0), MB_OK);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, NULL, 0), MB_OK);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, NULL, 0), MB_OK);
    assert_memory_equal(buf, copy, sizeof buf);
}

/* ---- CTR ---------------------------------------------------------------------------------- */

/* SP 800-38A F.5.1 and F.5.2, all four blocks, in place. */
static void ctr_sp800_38a(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t icb[16], buf[64], pt[64], ct[64];
    init_hex(&aes, KEY_SP, NULL);
    blk(ICB_CTR, icb);
    hx(PT_SP, pt, sizeof pt);
    hx(CT_CTR, ct, sizeof ct);

    memcpy(buf, pt, 64);
    assert_int_equal(mb_aes_ctr(&aes, icb, buf, 64), MB_OK);
    assert_memory_equal(buf, ct, 64);
    assert_int_equal(mb_aes_ctr(&aes, icb, buf, 64), MB_OK);
    assert_memory_equal(buf, pt, 64);
    blk(ICB_CTR, ct);
    assert_memory_equal(icb, ct, 16); /* the initial counter block is only read */
}

/* Every length 0..64: the ciphertext of a prefix is the prefix of the ciphertext. */
static void ctr_every_length(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t icb[16], buf[64], pt[64], ct[64];
    init_hex(&aes, KEY_SP, NULL);
    blk(ICB_CTR, icb);
    hx(PT_SP, pt, sizeof pt);
    hx(CT_CTR, ct, sizeof ct);
    for (size_t n = 0; n <= 64; n++) {
        memcpy(buf, pt, 64);
        assert_int_equal(mb_aes_ctr(&aes, icb, buf, n), MB_OK);
        assert_memory_equal(buf, ct, n);
        assert_memory_equal(buf + n, pt + n, 64 - n); /* nothing past len */
    }
    assert_int_equal(mb_aes_ctr(&aes, icb, NULL, 0), MB_OK);
}

/* The whole 128-bit block is the counter: the carry runs past bit 32 and wraps at 2^128. */
static void ctr_counter_carry_and_wrap(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t icb[16], buf[32], want[32];
    init_hex(&aes, KEY_SP, NULL);

    blk("000000000000000000000000ffffffff", icb);
    memset(buf, 0, sizeof buf);
    assert_int_equal(mb_aes_ctr(&aes, icb, buf, 32), MB_OK);
    hx("33c14e7e92d8ebe55ee2d8d98a1e6532 6791ab9e2faeedef478d0e7c254011ae", want, sizeof want);
    assert_memory_equal(buf, want, 32);

    /* ff..ff then 00..00, whose keystream is RFC 4493's L. */
    memset(icb, 0xFF, sizeof icb);
    memset(buf, 0, sizeof buf);
    assert_int_equal(mb_aes_ctr(&aes, icb, buf, 32), MB_OK);
    hx("8af2860142f786f409307c1a3f7eaaac 7df76b0c1ab899b33e42f047b91b546f", want, sizeof want);
    assert_memory_equal(buf, want, 32);
}

/* ---- CMAC --------------------------------------------------------------------------------- */

/* RFC 4493 section 4, examples 1 to 4, one shot. */
static void cmac_rfc4493(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t msg[64], mac[16], want[16];
    init_hex(&aes, KEY_SP, NULL);
    hx(PT_SP, msg, sizeof msg);
    for (size_t i = 0; i < sizeof rfc4493 / sizeof rfc4493[0]; i++) {
        blk(rfc4493[i].mac, want);
        memset(mac, 0, sizeof mac);
        assert_int_equal(mb_aes_cmac(&aes, msg, rfc4493[i].len, mac), MB_OK);
        assert_memory_equal(mac, want, 16);
    }
    assert_int_equal(mb_aes_cmac(&aes, NULL, 0, mac), MB_OK);
    blk(rfc4493[0].mac, want);
    assert_memory_equal(mac, want, 16);
}

/* Feed msg[0..len) in pieces cut at @p cuts (ascending, each <= len); compare with @p want. */
static void cmac_pieces(const mb_aes_t *aes, const uint8_t *msg, size_t len, const size_t *cuts,
                        size_t n_cuts, const uint8_t want[16])
{
    mb_cmac_t cmac;
    uint8_t mac[16];
    size_t at = 0;
    assert_int_equal(mb_cmac_init(&cmac, aes), MB_OK);
    for (size_t i = 0; i <= n_cuts; i++) {
        size_t end = i < n_cuts ? cuts[i] : len;
        if (end > len) {
            end = len;
        }
        if (end < at) {
            continue;
        }
        assert_int_equal(mb_cmac_update(&cmac, msg + at, end - at), MB_OK);
        at = end;
    }
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_OK);
    assert_memory_equal(mac, want, 16);
    assert_true(all_zero(&cmac, sizeof cmac)); /* nothing secret left */
}

/* The same MACs computed incrementally: a byte at a time, cut at 15/17/33, empty pieces. */
static void cmac_rfc4493_incremental(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t msg[64], want[16];
    init_hex(&aes, KEY_SP, NULL);
    hx(PT_SP, msg, sizeof msg);
    size_t every[64];
    for (size_t i = 0; i < 64; i++) {
        every[i] = i + 1;
    }
    static const size_t odd[] = {15, 17, 33};
    static const size_t blocks[] = {16, 32, 48};
    static const size_t empty[] = {0, 0, 16, 16, 16, 40, 40};
    for (size_t i = 0; i < sizeof rfc4493 / sizeof rfc4493[0]; i++) {
        size_t len = rfc4493[i].len;
        blk(rfc4493[i].mac, want);
        cmac_pieces(&aes, msg, len, every, len, want);
        cmac_pieces(&aes, msg, len, odd, 3, want);
        cmac_pieces(&aes, msg, len, blocks, 3, want);
        cmac_pieces(&aes, msg, len, empty, 7, want);
        cmac_pieces(&aes, msg, len, NULL, 0, want);
    }
    /* Empty updates with NULL data change nothing. */
    mb_cmac_t cmac;
    uint8_t mac[16];
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_update(&cmac, NULL, 0), MB_OK);
    assert_int_equal(mb_cmac_update(&cmac, msg, 40), MB_OK);
    assert_int_equal(mb_cmac_update(&cmac, NULL, 0), MB_OK);
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_OK);
    blk(rfc4493[2].mac, want);
    assert_memory_equal(mac, want, 16);
}

/* After final the state must be started again; update and final then refuse. */
static void cmac_after_final(void **state)
{
    (void)state;
    mb_aes_t aes;
    mb_cmac_t cmac;
    uint8_t mac[16] = {0}, msg[16] = {0};
    init_hex(&aes, KEY_SP, NULL);
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_OK);
    assert_int_equal(mb_cmac_update(&cmac, msg, 16), MB_ERR_ARG);
    memset(mac, 0xAA, sizeof mac);
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_ERR_ARG);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(mac[i], 0xAA); /* untouched on failure */
    }
    /* Started again, it works again. */
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_OK);
    uint8_t want[16];
    blk(rfc4493[0].mac, want);
    assert_memory_equal(mac, want, 16);
}

/* ---- the hook ----------------------------------------------------------------------------- */

/* A "peripheral" that is the software AES under the key it is handed, and counts its calls. */
struct counting {
    uint8_t key[16]; /* the key the hook must be given */
    unsigned enc, dec;
    int fail_at; /* the call (1-based) that fails, 0 = never */
    int fail_with;
};

static int counting_block(void *ctx, const uint8_t key[16], bool decrypt, const uint8_t in[16],
                          uint8_t out[16])
{
    struct counting *c = ctx;
    assert_memory_equal(key, c->key, 16);
    if (decrypt) {
        c->dec++;
    } else {
        c->enc++;
    }
    if (c->fail_at != 0 && (int)(c->enc + c->dec) >= c->fail_at) {
        return c->fail_with;
    }
    mb_aes_t soft;
    mb_aes_init(&soft, key, NULL);
    int r = decrypt ? mb_aes_decrypt(&soft, in, out) : mb_aes_encrypt(&soft, in, out);
    mb_aes_wipe(&soft);
    return r;
}

/* Every operation goes through the hook, with the raw key, once per block. */
static void hook_used_for_everything(void **state)
{
    (void)state;
    struct counting c = {{0}, 0, 0, 0, 0};
    const mb_aes_hook_t hook = {counting_block, &c};
    mb_aes_t aes;
    uint8_t iv[16], buf[64], pt[64], ct[64], mac[16], want[16], x[16];
    blk(KEY_SP, c.key);
    mb_aes_init(&aes, c.key, &hook);
    hx(PT_SP, pt, sizeof pt);

    blk("3243f6a8885a308d313198a2e0370734", x);
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_OK);
    blk("3925841d02dc09fbdc118597196a0b32", want);
    assert_memory_equal(x, want, 16);
    assert_int_equal(mb_aes_decrypt(&aes, x, x), MB_OK);
    assert_int_equal(c.enc, 1);
    assert_int_equal(c.dec, 1);

    blk(IV_CBC, iv);
    hx(CT_CBC, ct, sizeof ct);
    memcpy(buf, pt, 64);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, buf, 64), MB_OK);
    assert_memory_equal(buf, ct, 64);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, 64), MB_OK);
    assert_memory_equal(buf, pt, 64);
    assert_int_equal(c.enc, 5);
    assert_int_equal(c.dec, 5);

    blk(ICB_CTR, iv);
    hx(CT_CTR, ct, sizeof ct);
    assert_int_equal(mb_aes_ctr(&aes, iv, buf, 40), MB_OK); /* 3 blocks, the last partial */
    assert_memory_equal(buf, ct, 40);
    assert_int_equal(c.enc, 8);

    assert_int_equal(mb_aes_cmac(&aes, pt, 64, mac), MB_OK); /* L, then 4 blocks */
    blk(rfc4493[3].mac, want);
    assert_memory_equal(mac, want, 16);
    assert_int_equal(c.enc, 13);
    assert_int_equal(c.dec, 5);
    mb_aes_wipe(&aes);
}

/* With a hook, init keeps the key only; wipe removes it. */
static void hook_key_wiped(void **state)
{
    (void)state;
    struct counting c = {{0}, 0, 0, 0, 0};
    const mb_aes_hook_t hook = {counting_block, &c};
    mb_aes_t aes;
    blk(KEY_SP, c.key);
    mb_aes_init(&aes, c.key, &hook);
    assert_false(all_zero(&aes, sizeof aes));
    mb_aes_wipe(&aes);
    assert_true(all_zero(&aes, sizeof aes));
    uint8_t x[16] = {0};
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_ERR_ARG);
    assert_int_equal(c.enc, 0);
}

/* A failing hook's negative value comes back unchanged from every operation. */
static void hook_failure_propagated(void **state)
{
    (void)state;
    struct counting c = {{0}, 0, 0, 1, -77};
    const mb_aes_hook_t hook = {counting_block, &c};
    mb_aes_t aes;
    uint8_t iv[16] = {0}, buf[64] = {0}, mac[16] = {0};
    blk(KEY_SP, c.key);
    mb_aes_init(&aes, c.key, &hook);

    assert_int_equal(mb_aes_encrypt(&aes, buf, buf), -77);
    assert_int_equal(mb_aes_decrypt(&aes, buf, buf), -77);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, iv, buf, 64), -77);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, 64), -77);
    assert_int_equal(mb_aes_ctr(&aes, iv, buf, 64), -77);
    assert_int_equal(mb_aes_cmac(&aes, buf, 64, mac), -77);
    assert_int_equal(mb_aes_cmac(&aes, NULL, 0, mac), -77);
    assert_true(all_zero(mac, 16)); /* no MAC written */
    /* Nothing is called for nothing to do. */
    unsigned calls = c.enc + c.dec;
    assert_int_equal(mb_aes_ctr(&aes, iv, buf, 0), MB_OK);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, iv, buf, 0), MB_OK);
    assert_int_equal(c.enc + c.dec, calls);
}

/* A failure in the middle of an incremental MAC: the state is wiped and keeps reporting it. */
static void hook_failure_mid_cmac(void **state)
{
    (void)state;
    struct counting c = {{0}, 0, 0, 2, -5};
    const mb_aes_hook_t hook = {counting_block, &c};
    mb_aes_t aes;
    mb_cmac_t cmac;
    uint8_t msg[64] = {0}, mac[16] = {0};
    blk(KEY_SP, c.key);
    mb_aes_init(&aes, c.key, &hook);
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_update(&cmac, msg, 16), MB_OK); /* held back: no call yet */
    assert_int_equal(c.enc, 0);
    assert_int_equal(mb_cmac_update(&cmac, msg, 16), MB_OK); /* call 1 */
    assert_int_equal(mb_cmac_update(&cmac, msg, 16), -5);    /* call 2 fails */
    assert_int_equal(mb_cmac_update(&cmac, msg, 1), -5);
    assert_int_equal(mb_cmac_final(&cmac, mac), -5);
    assert_true(all_zero(mac, 16));
    assert_int_equal(c.enc, 2);

    /* A failure in final itself (computing L). */
    c.enc = 0;
    c.fail_at = 1;
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_update(&cmac, msg, 10), MB_OK);
    assert_int_equal(mb_cmac_final(&cmac, mac), -5);
    assert_int_equal(mb_cmac_final(&cmac, mac), -5);
    assert_true(all_zero(mac, 16));
    /* And in the last block, after L. */
    c.enc = 0;
    c.fail_at = 2;
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_final(&cmac, mac), -5);
    assert_true(all_zero(mac, 16));
    assert_int_equal(c.enc, 2);
}

/* A positive status (HAL_ERROR = 1, say) is a failure too; a hook without a function fails. */
static void hook_positive_status_and_null_function(void **state)
{
    (void)state;
    struct counting c = {{0}, 0, 0, 1, 1};
    const mb_aes_hook_t hook = {counting_block, &c};
    const mb_aes_hook_t empty = {NULL, NULL};
    mb_aes_t aes;
    uint8_t x[16] = {0}, mac[16];
    blk(KEY_SP, c.key);
    mb_aes_init(&aes, c.key, &hook);
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_cmac(&aes, x, 16, mac), MB_ERR_ARG);
    mb_aes_init(&aes, c.key, &empty);
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, x, x, 16), MB_ERR_ARG);
    assert_int_equal(mb_aes_ctr(&aes, x, x, 16), MB_ERR_ARG);
}

/* ---- constant-time comparison ------------------------------------------------------------- */

static void ct_equal(void **state)
{
    (void)state;
    uint8_t a[16], b[16];
    for (size_t i = 0; i < 16; i++) {
        a[i] = b[i] = (uint8_t)(0x30 + i);
    }
    assert_true(mb_ct_equal(a, b, 16));
    assert_true(mb_ct_equal(a, a, 16));
    assert_true(mb_ct_equal(a, b, 0));
    assert_true(mb_ct_equal(NULL, NULL, 0));
    assert_false(mb_ct_equal(NULL, b, 16));
    assert_false(mb_ct_equal(a, NULL, 16));
    /* Every single-bit difference at every position, and the largest byte difference. */
    for (size_t i = 0; i < 16; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            assert_false(mb_ct_equal(a, b, 16));
            assert_true(mb_ct_equal(a, b, i)); /* the bytes before it still agree */
            b[i] ^= (uint8_t)(1u << bit);
        }
        b[i] ^= 0xFF;
        assert_false(mb_ct_equal(a, b, 16));
        b[i] ^= 0xFF;
    }
    assert_true(mb_ct_equal(a, b, 16));
}

/* ---- wiping and argument errors ----------------------------------------------------------- */

static void wipe_leaves_zeros(void **state)
{
    (void)state;
    mb_aes_t aes;
    init_hex(&aes, KEY_SP, NULL);
    assert_false(all_zero(&aes, sizeof aes));
    mb_aes_wipe(&aes);
    assert_true(all_zero(&aes, sizeof aes));
    mb_aes_wipe(NULL); /* ignored */

    /* A wiped key is no key: operations refuse rather than use an all-zero schedule. */
    uint8_t x[16] = {0}, mac[16];
    mb_cmac_t cmac;
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_decrypt(&aes, x, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, x, x, 16), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, x, x, 16), MB_ERR_ARG);
    assert_int_equal(mb_aes_ctr(&aes, x, x, 16), MB_ERR_ARG);
    assert_int_equal(mb_aes_cmac(&aes, x, 16, mac), MB_ERR_ARG);
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_ERR_ARG);
    assert_int_equal(mb_cmac_update(&cmac, x, 16), MB_ERR_ARG);
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_ERR_ARG);
    assert_true(all_zero(x, 16));
}

static void init_without_key(void **state)
{
    (void)state;
    mb_aes_t aes;
    uint8_t key[16] = {1}, x[16] = {0};
    mb_aes_init(NULL, key, NULL); /* ignored */
    mb_aes_init(&aes, key, NULL);
    mb_aes_init(&aes, NULL, NULL); /* drops the key */
    assert_true(all_zero(&aes, sizeof aes));
    assert_int_equal(mb_aes_encrypt(&aes, x, x), MB_ERR_ARG);
}

static void argument_errors(void **state)
{
    (void)state;
    mb_aes_t aes;
    mb_cmac_t cmac;
    uint8_t x[16] = {0}, buf[32] = {0}, mac[16];
    init_hex(&aes, KEY_SP, NULL);

    assert_int_equal(mb_aes_encrypt(NULL, x, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_encrypt(&aes, NULL, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_encrypt(&aes, x, NULL), MB_ERR_ARG);
    assert_int_equal(mb_aes_decrypt(NULL, x, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_decrypt(&aes, NULL, x), MB_ERR_ARG);
    assert_int_equal(mb_aes_decrypt(&aes, x, NULL), MB_ERR_ARG);

    assert_int_equal(mb_aes_cbc_encrypt(NULL, x, buf, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, NULL, buf, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, x, NULL, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_decrypt(NULL, x, buf, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, NULL, buf, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_decrypt(&aes, x, NULL, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_cbc_encrypt(&aes, NULL, NULL, 0), MB_ERR_ARG);

    assert_int_equal(mb_aes_ctr(NULL, x, buf, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_ctr(&aes, NULL, buf, 32), MB_ERR_ARG);
    assert_int_equal(mb_aes_ctr(&aes, x, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_aes_ctr(&aes, NULL, NULL, 0), MB_ERR_ARG);
    assert_true(all_zero(buf, sizeof buf)); /* no refused call touched it */

    assert_int_equal(mb_aes_cmac(NULL, buf, 16, mac), MB_ERR_ARG);
    assert_int_equal(mb_aes_cmac(&aes, NULL, 16, mac), MB_ERR_ARG);
    assert_int_equal(mb_aes_cmac(&aes, buf, 16, NULL), MB_ERR_ARG);

    assert_int_equal(mb_cmac_init(NULL, &aes), MB_ERR_ARG);
    assert_int_equal(mb_cmac_init(&cmac, NULL), MB_ERR_ARG);
    assert_int_equal(mb_cmac_update(&cmac, buf, 16), MB_ERR_ARG); /* init failed */
    assert_int_equal(mb_cmac_init(&cmac, &aes), MB_OK);
    assert_int_equal(mb_cmac_update(NULL, buf, 16), MB_ERR_ARG);
    assert_int_equal(mb_cmac_update(&cmac, NULL, 1), MB_ERR_ARG);
    assert_int_equal(mb_cmac_final(NULL, mac), MB_ERR_ARG);
    assert_int_equal(mb_cmac_final(&cmac, NULL), MB_ERR_ARG);
    /* The refused calls left the MAC in progress intact: it is still RFC 4493's example 2. */
    uint8_t msg[64], want[16];
    hx(PT_SP, msg, sizeof msg);
    assert_int_equal(mb_cmac_update(&cmac, msg, 16), MB_OK);
    assert_int_equal(mb_cmac_final(&cmac, mac), MB_OK);
    blk(rfc4493[1].mac, want);
    assert_memory_equal(mac, want, 16);
}

/* The sizes aes.h states. */
static void struct_sizes(void **state)
{
    (void)state;
    assert_int_equal(sizeof(mb_aes_t), sizeof(void *) == 8 ? 192 : 184);
    assert_int_equal(MB_AES_BLOCK_LEN, 16);
    assert_int_equal(MB_AES_KEY_LEN, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fips197_c1),
        cmocka_unit_test(fips197_appendix_b),
        cmocka_unit_test(rfc4493_subkey_l),
        cmocka_unit_test(chain_of_1000_blocks),
        cmocka_unit_test(chain_of_100_keys),
        cmocka_unit_test(block_in_place_and_key_copied),
        cmocka_unit_test(reinit_with_other_key),
        cmocka_unit_test(cbc_sp800_38a),
        cmocka_unit_test(cbc_chained_calls),
        cmocka_unit_test(cbc_length_rules),
        cmocka_unit_test(ctr_sp800_38a),
        cmocka_unit_test(ctr_every_length),
        cmocka_unit_test(ctr_counter_carry_and_wrap),
        cmocka_unit_test(cmac_rfc4493),
        cmocka_unit_test(cmac_rfc4493_incremental),
        cmocka_unit_test(cmac_after_final),
        cmocka_unit_test(hook_used_for_everything),
        cmocka_unit_test(hook_key_wiped),
        cmocka_unit_test(hook_failure_propagated),
        cmocka_unit_test(hook_failure_mid_cmac),
        cmocka_unit_test(hook_positive_status_and_null_function),
        cmocka_unit_test(ct_equal),
        cmocka_unit_test(wipe_leaves_zeros),
        cmocka_unit_test(init_without_key),
        cmocka_unit_test(argument_errors),
        cmocka_unit_test(struct_sizes),
    };
#if MB_ENABLE_AES_TABLES
    return cmocka_run_group_tests_name("aes (32-bit tables)", tests, NULL, NULL);
#else
    return cmocka_run_group_tests_name("aes", tests, NULL, NULL);
#endif
}

#else /* !MB_ENABLE_SECURITY */

int main(void)
{
    printf("aes: MB_ENABLE_SECURITY is 0, nothing to test\n");
    return 0;
}

#endif
