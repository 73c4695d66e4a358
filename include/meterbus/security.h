/**
 * @file security.h
 * @brief Wireless M-Bus layers above the link (EN 13757-4/-7, OMS): the extended link layer (ELL,
 *        CI 0x8C..0x8F), the authentication and fragmentation layer (AFL, CI 0x90), and the
 *        security modes: 5 (AES-128-CBC, OMS profile A), 7 (AES-128-CBC with KDF-A keys and an AFL
 *        MAC, OMS profile B) and the ELL's AES-128-CTR.
 *
 * mb_wmsg_open() takes a wireless frame without block CRCs (the layout mb_wframe_decode() gives:
 * L, C, M, A, CI, ...), walks ELL, AFL and transport header, asks the caller for the key when a
 * layer is encrypted, checks and decrypts, and leaves the plaintext application data ready for
 * mb_records_init(). mb_wmsg_seal() is its inverse for a meter: it encrypts a plaintext frame and
 * fills in the MAC and the ELL payload CRC. mb_tpl_open() does the transport layer alone, for
 * wired frames with an encrypted long header.
 *
 * Keys never stay in the library: the caller's lookup callback copies one into a buffer on the
 * stack of the call, which is wiped before the call returns, as are the derived keys.
 */
#ifndef MB_SECURITY_H
#define MB_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/aes.h"
#include "meterbus/config.h"
#include "meterbus/error.h"
#include "meterbus/link.h"
#include "meterbus/tpl.h"

#ifdef __cplusplus
extern "C" {
#endif

#if MB_ENABLE_SECURITY

/* ---- extended link layer (ELL) ------------------------------------------------------------ */

/** @name Communication control (CC) bits of the ELL.
 * @{ */
#define MB_CC_BIDIRECTIONAL 0x80u /**< B: the meter listens after sending */
#define MB_CC_FAST_DELAY    0x40u /**< D: fast response delay */
#define MB_CC_SYNCHRONIZED  0x20u /**< S: sent in a synchronized time slot */
#define MB_CC_HOPPED        0x10u /**< H: relayed by a repeater (not part of the ELL counter) */
#define MB_CC_PRIORITY      0x08u /**< P */
#define MB_CC_ACCESSIBLE    0x04u /**< A: the meter accepts a request shortly after sending */
#define MB_CC_REPEATED      0x02u /**< R: repeated access (not part of the ELL counter) */
#define MB_CC_EXT_DELAY     0x01u /**< X: extended response delay */
/** @} */

/** @return the encryption of ELL session number @p sn (bits 31..29): 0 none, 1 AES-128-CTR. */
static inline uint8_t mb_sn_encryption(uint32_t sn) { return (uint8_t)(sn >> 29); }
/** @return the time field of ELL session number @p sn (bits 28..4), in minutes. */
static inline uint32_t mb_sn_minutes(uint32_t sn) { return (sn >> 4) & 0x1FFFFFFu; }
/** @return the session counter of ELL session number @p sn (bits 3..0). */
static inline uint8_t mb_sn_session(uint32_t sn) { return (uint8_t)(sn & 0x0Fu); }

/** An extended link layer header, CI 0x8C (I), 0x8D (II), 0x8E (III) or 0x8F (IV). */
typedef struct mb_ell {
    uint8_t ci;              /**< the ELL's CI, 0x8C..0x8F */
    uint8_t cc;              /**< communication control, MB_CC_* */
    uint8_t access;          /**< ELL access number */
    bool has_receiver;       /**< @c receiver is set (CI 0x8E, 0x8F) */
    mb_secondary_t receiver; /**< 0x8E, 0x8F: the addressee (M2, A2) */
    bool has_session;        /**< @c session is set (CI 0x8D, 0x8F) */
    uint32_t session;        /**< 0x8D, 0x8F: session number SN, see mb_sn_*() */
    uint16_t payload_crc;    /**< 0x8D, 0x8F: CRC-16 of what follows it (after decryption) */
    size_t len;              /**< bytes of the ELL from its CI up to the payload CRC (or the end) */
} mb_ell_t;

/**
 * Decode the ELL at @p p (its CI first). The payload CRC of CI 0x8D/0x8F is read only when the
 * session number says the payload is not encrypted; mb_wmsg_open() reads it after decrypting.
 * @return MB_OK, MB_ERR_SEC_HEADER (not an ELL CI, or the bytes end inside it), MB_ERR_ARG
 */
int mb_ell_decode(const uint8_t *p, size_t len, mb_ell_t *ell);

/* ---- authentication and fragmentation layer (AFL) ----------------------------------------- */

/** @name Fragmentation control (FCL) bits.
 * @{ */
#define MB_FCL_MORE_FRAGMENTS 0x4000u /**< MF */
#define MB_FCL_MCL            0x2000u /**< message control present */
#define MB_FCL_ML             0x1000u /**< message length present */
#define MB_FCL_MCR            0x0800u /**< message counter present */
#define MB_FCL_MAC            0x0400u /**< MAC present */
#define MB_FCL_KI             0x0200u /**< key information present */
#define MB_FCL_FRAGMENT_ID    0x00FFu /**< 0 unfragmented, else 1, 2, ... */
/** @} */

/** @name Authentication types (MCL bits 3..0).
 * @{ */
#define MB_AT_NONE    0u /**< no MAC */
#define MB_AT_CMAC_2  3u /**< AES-CMAC-128 truncated to 2 bytes */
#define MB_AT_CMAC_4  4u /**< ... to 4 bytes */
#define MB_AT_CMAC_8  5u /**< ... to 8 bytes (the OMS default) */
#define MB_AT_CMAC_12 6u /**< ... to 12 bytes */
#define MB_AT_CMAC_16 7u /**< whole AES-CMAC-128 */
#define MB_AT_GMAC_12 8u /**< AES-GMAC-128, 12 bytes: parsed, not verified */
#define MB_AT_GMAC_16 9u /**< AES-GMAC-128, 16 bytes: parsed, not verified */
/** @} */

#define MB_AFL_MAC_MAX 16u /**< longest AFL MAC in bytes (an untruncated AES-CMAC-128) */

/** An AFL header (CI 0x90). Views point into the frame and live as long as it does. */
typedef struct mb_afl {
    uint16_t fcl;       /**< fragmentation control, MB_FCL_* */
    bool has_mcl;       /**< @c mcl was sent */
    uint8_t mcl;        /**< message control: bits 3..0 authentication type MB_AT_* */
    bool has_ki;        /**< @c ki was sent */
    uint16_t ki;        /**< key information: bits 15..8 key version, 5..4 KDF, 3..0 key id */
    bool has_mcr;       /**< @c mcr was sent */
    uint32_t mcr;       /**< message counter */
    const uint8_t *mac; /**< the MAC as sent, NULL when absent */
    uint8_t mac_len;    /**< 0, 2, 4, 8, 12 or 16 (by the authentication type) */
    bool has_ml;        /**< @c ml was sent */
    uint16_t ml;        /**< message length */
    size_t len;         /**< bytes of the AFL from its CI, 2 + AFLL */
} mb_afl_t;

/**
 * Decode the AFL at @p p (CI 0x90 first). Fields are taken in the order of EN 13757-7: FCL, MCL,
 * KI, MCR, MAC, ML, each when the FCL says it is present, and they must fill AFLL exactly.
 * @return MB_OK, MB_ERR_SEC_HEADER (bytes end inside it, fields do not fill AFLL, a MAC without
 *         a known authentication type), MB_ERR_ARG
 */
int mb_afl_decode(const uint8_t *p, size_t len, mb_afl_t *afl);

/* ---- keys --------------------------------------------------------------------------------- */

/** What a key is asked for. */
typedef struct mb_key_request {
    mb_secondary_t meter; /**< the meter: the long header's address, else the link layer's */
    uint8_t mode;         /**< 5, 7, or 0 for the ELL's AES-CTR */
    uint8_t key_id;       /**< mode 7: key id (configuration field extension or AFL KI), else 0 */
    uint8_t key_version;  /**< mode 7: key version when sent, else 0 */
} mb_key_request_t;

/**
 * Key lookup, supplied by the caller. Copy the 16-byte key of the meter described by @p req
 * into @p key and return 0, or return a negative value (MB_ERR_SEC_NO_KEY) when there is none.
 * Called synchronously from mb_wmsg_open(), mb_wmsg_seal() and mb_tpl_open(), at most once per
 * encrypted layer; it must not call back into the library with the same message. The library
 * wipes @p key before it returns.
 */
typedef int (*mb_key_lookup_fn)(void *ctx, const mb_key_request_t *req, uint8_t key[16]);

/** The keys and the cipher of a call. Caller-owned; must live through the call only. */
typedef struct mb_keys {
    mb_key_lookup_fn lookup;       /**< NULL: no keys; encrypted layers give MB_ERR_SEC_NO_KEY */
    void *ctx;                     /**< passed to @c lookup */
    const mb_aes_hook_t *aes_hook; /**< hardware AES, or NULL for the library's own */
} mb_keys_t;

/* ---- transport layer security ------------------------------------------------------------- */

/**
 * Decrypt the application data of transport header @p tpl in place, as its configuration field
 * says: mode 0 (nothing to do), 5 or 7. @p apl is a writable copy of (or the same bytes as)
 * tpl->apl; on success tpl->apl is set to @p apl, still of tpl->apl_len bytes, its encrypted
 * part now plaintext. On failure the encrypted part of @p apl is wiped (zeros).
 *
 * @param tpl  the transport header (mb_tpl_decode()); tpl->apl is set to @p apl on success
 * @param apl  tpl->apl_len writable bytes: a copy of tpl->apl, or tpl->apl itself
 * @param link_address the link layer's M and A fields (8 bytes: manufacturer, ID, version,
 *        device type) for a short header; NULL when there is none (wired frames), in which case
 *        the header must be a long one
 * @param afl the AFL of mode 7 (its message counter, key information and MAC), or NULL
 * @param mac_input for mode 7 with an AFL MAC: the bytes from the transport header's CI to the
 *        end of the message (the TPDU, still encrypted), else NULL
 * @param mac_input_len bytes at @p mac_input
 * @param keys the key lookup and cipher; NULL when there are no keys
 *
 * Mode 5: 16-byte blocks (configuration field bits 7..4) right after the configuration field,
 * IV = M, ID, version, device type of the long header (else of the link layer), then the access
 * number 8 times; a block count of 0 means every whole block to the end (older meters). Mode 7:
 * keys derived with KDF-A when the extension says so (else the key itself), the message counter
 * of the transport header or else of the AFL, MAC (when present) verified in constant time before
 * anything is decrypted, CBC with a zero IV. Both: the plaintext must begin with 2F 2F.
 *
 * @return MB_OK; MB_ERR_SEC_NO_KEY, MB_ERR_SEC_MAC, MB_ERR_SEC_CHECK (2F 2F missing: wrong key),
 *         MB_ERR_SEC_LEN (the blocks run past the data), MB_ERR_SEC_UNSUPPORTED (another mode,
 *         an unknown KDF or a GMAC), or an error of the AES hook
 */
int mb_tpl_open(mb_tpl_t *tpl, uint8_t *apl, const uint8_t *link_address, const mb_afl_t *afl,
                const uint8_t *mac_input, size_t mac_input_len, const mb_keys_t *keys);

/* ---- whole wireless messages -------------------------------------------------------------- */

/** What mb_wmsg_open() found. Views point into the output buffer of the call. */
typedef struct mb_wmsg {
    uint8_t c;             /**< link layer C field */
    mb_secondary_t link;   /**< link layer M and A: manufacturer, ID, version, device type */
    bool has_ell;          /**< @c ell is set */
    mb_ell_t ell;          /**< the extended link layer, when there is one */
    bool has_afl;          /**< @c afl is set */
    mb_afl_t afl;          /**< the authentication and fragmentation layer, when there is one */
    bool has_tpl;          /**< false when the message ends after ELL/AFL */
    mb_tpl_t tpl;          /**< transport header; tpl.apl is the plaintext application data */
    bool ell_decrypted;    /**< the ELL's AES-CTR was removed (payload CRC checked) */
    bool authenticated;    /**< an AFL MAC was verified */
    uint8_t security_mode; /**< the transport header's mode (0, 5, 7, ...) */
} mb_wmsg_t;

/**
 * Open wireless message @p frame of @p len bytes (L, C, M, A, CI, ... without block CRCs; L is
 * not checked against @p len, the caller's link decoding did that). The frame is copied to
 * @p out (which may be @p frame itself) and decrypted there; @p cap must be at least @p len.
 *
 * @return MB_OK with every layer decoded and decrypted; a negative MB_ERR_SEC_* or
 *         MB_ERR_TPL_SHORT when a layer cannot be read or checked. @p msg is then filled as far
 *         as the layers could be read (the link fields always) so that a tool can say whose
 *         telegram failed and why; encrypted bytes that failed a check are wiped in @p out.
 */
int mb_wmsg_open(const uint8_t *frame, size_t len, const mb_keys_t *keys, uint8_t *out, size_t cap,
                 mb_wmsg_t *msg);

/**
 * Encrypt plaintext message @p frame in place, for a meter: the inverse of mb_wmsg_open() with
 * the same key lookup. The frame is built by the caller with every header in place: the
 * transport header's configuration field says the mode and block count (the blocks start with
 * 2F 2F and are padded with 2F), an AFL holds the message counter and room for the MAC, an ELL
 * 0x8D/0x8F its session number (encryption bits 001 for AES-CTR) and room for the payload CRC.
 * In that order it encrypts the transport layer (mode 5 or 7), writes the AFL MAC over the
 * result, writes the ELL payload CRC and applies the ELL's AES-CTR.
 *
 * @return MB_OK, or an error as for mb_wmsg_open() (MB_ERR_SEC_CHECK: the blocks to encrypt do
 *         not start with 2F 2F)
 */
int mb_wmsg_seal(uint8_t *frame, size_t len, const mb_keys_t *keys);

/**
 * Derive a mode-7 key with KDF-A (EN 13757-7): AES-CMAC(master, dc, counter (LE), id (4 bytes
 * as sent), 07 x 7). @p dc is 0x00 for the meter's encryption key, 0x01 its MAC key, 0x10 and
 * 0x11 the same towards the meter.
 */
int mb_kdf_a(const uint8_t master[16], const mb_aes_hook_t *hook, uint8_t dc, uint32_t counter,
             const uint8_t id[4], uint8_t out[16]);

#endif /* MB_ENABLE_SECURITY */

#ifdef __cplusplus
}
#endif

#endif /* MB_SECURITY_H */
