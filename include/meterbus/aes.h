/**
 * @file aes.h
 * @brief AES-128 (FIPS-197) and the modes OMS security builds on: CBC and CTR (NIST SP 800-38A),
 *        AES-CMAC (RFC 4493), and a constant-time comparison for MACs.
 *
 * Part of MB_ENABLE_SECURITY: with it 0 the declarations stay (as every header's do) but src/aes.c
 * compiles to nothing, so calling these functions fails to link.
 *
 * The cipher is either the library's own software AES or an AES peripheral that the firmware hands
 * over as a hook (mb_aes_hook_t); every mode below works with either. The software AES comes in two
 * builds of identical results, chosen by MB_ENABLE_AES_TABLES (config.h): byte-oriented and small
 * (the default, for microcontrollers), or 32-bit lookup tables, several times faster (for hosts).
 * mb_aes_t has the same layout in both.
 *
 * Side channels: both software builds index tables with key-dependent bytes. On a CPU with a data
 * cache, an attacker who shares that cache (another process, a VM neighbour) can in principle learn
 * the key from the timing of those lookups. Microcontrollers without a data cache (Cortex-M0/M0+/
 * M3/M4 running from SRAM and flash) have no such channel. This is a deliberate trade-off for size
 * and speed; a gateway that runs untrusted code beside the library should use a hook backed by
 * AES instructions or a peripheral. Modes, the CMAC and mb_ct_equal() add no secret-dependent
 * branches or indices of their own.
 *
 * All functions act only on caller-owned memory: no allocation, no global state. Every function
 * here takes the 128-bit key size only (OMS uses AES-128 throughout).
 */
#ifndef MB_AES_H
#define MB_AES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_AES_BLOCK_LEN 16u /**< bytes in an AES block, an IV, a CTR counter block, a CMAC */
#define MB_AES_KEY_LEN   16u /**< bytes in an AES-128 key */

/**
 * Hardware AES hook: firmware with an AES peripheral (or a host with AES instructions) supplies
 * one to mb_aes_init(); without one the software AES is used. The struct can be @c const in flash;
 * it must outlive every mb_aes_t initialised with it.
 */
typedef struct mb_aes_hook {
    /**
     * Encrypt (@p decrypt false) or decrypt (@p decrypt true) one block @p in into @p out with the
     * 128-bit @p key. @p in and @p out may be the same buffer. Called synchronously from the
     * mb_aes_ and mb_cmac_ functions, once per block; it may block (busy-wait for the peripheral),
     * must not call back into the library with the same mb_aes_t, and sees the raw key on every
     * call (a peripheral that keeps the key loaded can compare it with the one it holds).
     * @return 0 when @p out holds the result; a negative value on failure, which the library stops
     *         at and passes back unchanged to its caller. A positive value (an STM32 HAL status
     *         passed straight through, say) is a failure too; no mb_err fits it, so the library
     *         reports it as MB_ERR_ARG.
     */
    int (*block)(void *ctx, const uint8_t key[16], bool decrypt, const uint8_t in[16],
                 uint8_t out[16]);
    void *ctx; /**< passed to @c block; owned by the firmware */
} mb_aes_hook_t;

/**
 * An AES-128 key ready for use: the expanded round keys of the software AES, or the key and the
 * hook. Owned by the caller (on the stack, static, or inside its own struct); set up by
 * mb_aes_init(), then only read by the functions below, so one mb_aes_t may serve several
 * operations at once (with a hook, as far as the peripheral allows). Members are private. It holds
 * key material: call mb_aes_wipe() when done with it. An mb_aes_t that is all zeros (wiped, or
 * initialised without a key) holds no key, and every operation on it returns MB_ERR_ARG.
 * sizeof(mb_aes_t) is 184 bytes on 32-bit targets, 192 on 64-bit ones.
 */
typedef struct mb_aes {
    union {
        uint32_t w[44]; /**< private: table build, round keys as big-endian words */
        uint8_t b[176]; /**< private: byte build, round keys; with a hook, the key in b[0..15] */
    } rk;               /**< private */
    const mb_aes_hook_t *hook; /**< private: NULL for the software AES */
    uint8_t keyed;             /**< private: 1 once a key is set, 0 when wiped */
} mb_aes_t;

/**
 * Set up @p aes with @p key (MB_AES_KEY_LEN bytes, copied: the caller may wipe its copy at once).
 * Without a hook the key schedule is expanded here once; with one, only the key is kept.
 * A NULL @p aes is ignored; a NULL @p key leaves @p aes without a key (all zeros).
 * @param aes  the key state to set up, owned by the caller
 * @param key  the 128-bit key
 * @param hook the AES peripheral to use, or NULL for the software AES; must outlive @p aes
 */
void mb_aes_init(mb_aes_t *aes, const uint8_t key[16], const mb_aes_hook_t *hook);

/**
 * Zero all of @p aes, key material included, with stores the compiler cannot remove as dead. Every
 * operation on it then returns MB_ERR_ARG until mb_aes_init() is called again. NULL is ignored.
 */
void mb_aes_wipe(mb_aes_t *aes);

/**
 * Encrypt one block: @p out = E(@p in). @p in and @p out are MB_AES_BLOCK_LEN bytes and may be the
 * same buffer.
 * @return MB_OK; MB_ERR_ARG for a NULL pointer or an @p aes without a key; or the hook's error
 */
int mb_aes_encrypt(const mb_aes_t *aes, const uint8_t in[16], uint8_t out[16]);

/** Decrypt one block: @p out = D(@p in); as mb_aes_encrypt(). */
int mb_aes_decrypt(const mb_aes_t *aes, const uint8_t in[16], uint8_t out[16]);

/**
 * CBC encryption in place: @p buf (@p len bytes, a multiple of MB_AES_BLOCK_LEN) becomes its
 * ciphertext, chained from @p iv (MB_AES_BLOCK_LEN bytes, only read, not inside @p buf). A call
 * that continues the chain takes the last ciphertext block as its IV.
 * @return MB_OK (also for @p len 0, when @p buf may be NULL); MB_ERR_ARG for a NULL pointer, an
 *         @p aes without a key or a @p len that is not a multiple of 16, and then @p buf is
 *         unchanged; or the hook's error, and then @p buf is partly encrypted and of no use
 */
int mb_aes_cbc_encrypt(const mb_aes_t *aes, const uint8_t iv[16], uint8_t *buf, size_t len);

/**
 * CBC decryption in place; as mb_aes_cbc_encrypt(), @p buf becomes the plaintext. The blocks are
 * decrypted last to first, so that no ciphertext needs copying aside.
 */
int mb_aes_cbc_decrypt(const mb_aes_t *aes, const uint8_t iv[16], uint8_t *buf, size_t len);

/**
 * CTR mode in place over @p len bytes, any length: byte i of @p buf is XORed with byte i % 16 of
 * keystream block k = i / 16, which is E(@p icb + k), the whole 128-bit block taken as a big-endian
 * counter that wraps from all ones to zero. Encryption and decryption are the same operation.
 * @p icb (the initial counter block, MB_AES_BLOCK_LEN bytes) is only read.
 * @return MB_OK (also for @p len 0, when @p buf may be NULL); MB_ERR_ARG for a NULL pointer or an
 *         @p aes without a key, and then @p buf is unchanged; or the hook's error, and then @p buf
 *         is partly processed and of no use
 */
int mb_aes_ctr(const mb_aes_t *aes, const uint8_t icb[16], uint8_t *buf, size_t len);

/**
 * Incremental AES-CMAC state: the MAC of a message fed in pieces (OMS mode 7 authenticates parts
 * of a frame that are not contiguous). Owned by the caller; members private. It keeps a pointer to
 * the mb_aes_t, which must outlive it and stay unchanged until mb_cmac_final().
 */
typedef struct mb_cmac {
    const mb_aes_t *aes; /**< private: NULL before init, after final and after a failure */
    uint8_t x[16];       /**< private: CBC-MAC chaining value */
    uint8_t buf[16];     /**< private: the last block received, processed only once more comes */
    uint8_t n;           /**< private: bytes in buf, 0..16 */
    int err;             /**< private: the hook error that stopped this MAC, or 0 */
} mb_cmac_t;

/**
 * Start a MAC with key @p aes, dropping anything @p cmac held.
 * @return MB_OK; MB_ERR_ARG for a NULL pointer or an @p aes without a key (@p cmac, when not NULL,
 *         is then left unusable: update and final return MB_ERR_ARG)
 */
int mb_cmac_init(mb_cmac_t *cmac, const mb_aes_t *aes);

/**
 * Add @p len bytes at @p data (only read; may be NULL when @p len is 0) to the message. Any
 * lengths, any number of calls: the MAC is that of all the pieces concatenated. Whole blocks are
 * encrypted as they complete, except the last one received, which waits for final.
 * @return MB_OK; MB_ERR_ARG for a NULL pointer or a @p cmac that is not started (its init
 *         failed, or it is finished); or the hook's error: then @p cmac is wiped, and every later
 *         update and final returns that same error until the next mb_cmac_init()
 */
int mb_cmac_update(mb_cmac_t *cmac, const uint8_t *data, size_t len);

/**
 * Finish the MAC: write its MB_AES_BLOCK_LEN bytes to @p mac (untruncated; OMS mode 7 sends the
 * first 8). Afterwards @p cmac is all zeros, holds nothing secret, and must be started again with
 * mb_cmac_init() for another message.
 * @return MB_OK; MB_ERR_ARG or an earlier hook error as mb_cmac_update(); or the hook's error.
 *         On any failure @p mac is unchanged.
 */
int mb_cmac_final(mb_cmac_t *cmac, uint8_t mac[16]);

/**
 * One-shot AES-CMAC of the @p len bytes at @p msg (may be NULL when @p len is 0) into @p mac
 * (MB_AES_BLOCK_LEN bytes).
 * @return MB_OK; MB_ERR_ARG for a NULL pointer or an @p aes without a key; or the hook's error
 */
int mb_aes_cmac(const mb_aes_t *aes, const uint8_t *msg, size_t len, uint8_t mac[16]);

/**
 * Compare @p n bytes at @p a and @p b in time that depends on @p n only, never on where they
 * differ: for checking a received MAC against the computed one.
 * @return true when equal (always for @p n 0); false when they differ or a pointer is NULL
 */
bool mb_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MB_AES_H */
