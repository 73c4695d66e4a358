/*
 * Wireless M-Bus layers above the link and their security (EN 13757-4/-7, OMS Vol. 2): ELL, AFL,
 * security modes 5 and 7, the ELL's AES-CTR; decryption for gateways and encryption for meters.
 */
#include "meterbus/security.h"

#include "internal.h"

#if MB_ENABLE_SECURITY

#if MB_ENABLE_WIRELESS
#include "meterbus/wlink.h"
#endif

static uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4u; i++) {
        p[i] = (uint8_t)(v >> (8u * i));
    }
}

/* Zero bytes in a way the compiler may not drop as a dead store: keys live on the stack. */
static void wipe(uint8_t *p, size_t n)
{
    volatile uint8_t *v = p;
    for (size_t i = 0; i < n; i++) {
        v[i] = 0;
    }
}

/* The wireless address order: M (2, LE), ID (4, LSB first), version, device type. */
static void link_address_unpack(const uint8_t *p, mb_secondary_t *a)
{
    a->manufacturer = get_le16(p);
    a->id = get_le32(p + 2);
    a->version = p[6];
    a->medium = p[7];
}

static void link_address_pack(const mb_secondary_t *a, uint8_t out[8])
{
    put_le16(out, a->manufacturer);
    put_le32(out + 2, a->id);
    out[6] = a->version;
    out[7] = a->medium;
}

/* ---- ELL ---------------------------------------------------------------------------------- */

int mb_ell_decode(const uint8_t *p, size_t len, mb_ell_t *ell)
{
    if (p == NULL || ell == NULL) {
        return MB_ERR_ARG;
    }
    static const mb_ell_t empty = {0};
    *ell = empty;
    if (len < 3u || p[0] < 0x8Cu || p[0] > 0x8Fu) {
        return MB_ERR_SEC_HEADER;
    }
    ell->ci = p[0];
    ell->cc = p[1];
    ell->access = p[2];
    size_t pos = 3;
    if (ell->ci == 0x8Eu || ell->ci == 0x8Fu) { /* receiver address */
        if (len - pos < 8u) {
            return MB_ERR_SEC_HEADER;
        }
        link_address_unpack(p + pos, &ell->receiver);
        ell->has_receiver = true;
        pos += 8u;
    }
    ell->len = pos;
    if (ell->ci == 0x8Du || ell->ci == 0x8Fu) { /* session number, then the payload CRC */
        if (len - pos < 6u) {
            return MB_ERR_SEC_HEADER;
        }
        ell->session = get_le32(p + pos);
        ell->has_session = true;
        ell->len = pos + 4u;
        if (mb_sn_encryption(ell->session) == 0u) {
            ell->payload_crc = get_le16(p + pos + 4u);
        }
    }
    return MB_OK;
}

/* ---- AFL ---------------------------------------------------------------------------------- */

/* MAC bytes of authentication type @p at; 0 for none or reserved. */
static uint8_t mac_len_of(uint8_t at)
{
    static const uint8_t lens[16] = {0, 0, 0, 2, 4, 8, 12, 16, 12, 16, 0, 0, 0, 0, 0, 0};
    return lens[at & 0x0Fu];
}

int mb_afl_decode(const uint8_t *p, size_t len, mb_afl_t *afl)
{
    if (p == NULL || afl == NULL) {
        return MB_ERR_ARG;
    }
    static const mb_afl_t empty = {0};
    *afl = empty;
    if (len < 4u || p[0] != 0x90u || (size_t)p[1] + 2u > len || p[1] < 2u) {
        return MB_ERR_SEC_HEADER;
    }
    size_t end = (size_t)p[1] + 2u;
    afl->len = end;
    afl->fcl = get_le16(p + 2);
    size_t pos = 4;
    if ((afl->fcl & MB_FCL_MCL) != 0u) {
        if (pos + 1u > end) {
            return MB_ERR_SEC_HEADER;
        }
        afl->mcl = p[pos++];
        afl->has_mcl = true;
    }
    if ((afl->fcl & MB_FCL_KI) != 0u) {
        if (pos + 2u > end) {
            return MB_ERR_SEC_HEADER;
        }
        afl->ki = get_le16(p + pos);
        afl->has_ki = true;
        pos += 2u;
    }
    if ((afl->fcl & MB_FCL_MCR) != 0u) {
        if (pos + 4u > end) {
            return MB_ERR_SEC_HEADER;
        }
        afl->mcr = get_le32(p + pos);
        afl->has_mcr = true;
        pos += 4u;
    }
    if ((afl->fcl & MB_FCL_MAC) != 0u) {
        /* The MAC's length comes from the authentication type, which only MCL carries. */
        uint8_t n = afl->has_mcl ? mac_len_of(afl->mcl) : 0u;
        if (n == 0u || pos + n > end) {
            return MB_ERR_SEC_HEADER;
        }
        afl->mac = p + pos;
        afl->mac_len = n;
        pos += n;
    }
    if ((afl->fcl & MB_FCL_ML) != 0u) {
        if (pos + 2u > end) {
            return MB_ERR_SEC_HEADER;
        }
        afl->ml = get_le16(p + pos);
        afl->has_ml = true;
        pos += 2u;
    }
    return pos == end ? MB_OK : MB_ERR_SEC_HEADER;
}

/* ---- keys --------------------------------------------------------------------------------- */

int mb_kdf_a(const uint8_t master[16], const mb_aes_hook_t *hook, uint8_t dc, uint32_t counter,
             const uint8_t id[4], uint8_t out[16])
{
    if (master == NULL || id == NULL || out == NULL) {
        return MB_ERR_ARG;
    }
    uint8_t input[16];
    input[0] = dc;
    put_le32(input + 1, counter);
    mb_internal_copy(input + 5, id, 4);
    for (unsigned i = 9; i < 16u; i++) {
        input[i] = 0x07u; /* padding of the 9 bytes to one block, as KDF-A prescribes */
    }
    mb_aes_t aes;
    mb_aes_init(&aes, master, hook);
    int err = mb_aes_cmac(&aes, input, sizeof input, out);
    mb_aes_wipe(&aes);
    if (err != MB_OK) {
        wipe(out, 16);
    }
    return err;
}

static int get_key(const mb_keys_t *keys, const mb_key_request_t *req, uint8_t key[16])
{
    if (keys == NULL || keys->lookup == NULL) {
        return MB_ERR_SEC_NO_KEY;
    }
    int err = keys->lookup(keys->ctx, req, key);
    if (err != MB_OK) {
        wipe(key, 16);
        return err < 0 ? err : MB_ERR_SEC_NO_KEY;
    }
    return MB_OK;
}

/* ---- transport layer ---------------------------------------------------------------------- */

/* Everything a mode 5 or 7 operation needs, worked out from the headers. */
typedef struct tpl_job {
    uint8_t mode;
    size_t enc_len;       /* bytes to encrypt/decrypt at the start of the application data */
    uint8_t address[8];   /* the meter, in the wireless order (M, ID, version, device type) */
    mb_key_request_t req; /* what to ask the key for */
    uint8_t kdf;          /* mode 7: 0 the key itself, 1 KDF-A */
    uint32_t counter;     /* mode 7: message counter for KDF-A */
    uint8_t access;       /* mode 5: the access number of the IV */
} tpl_job_t;

static int tpl_plan(const mb_tpl_t *tpl, const uint8_t *link_address, const mb_afl_t *afl,
                    tpl_job_t *job)
{
    job->mode = mb_cf_security_mode(tpl->config);
    if (job->mode != 5u && job->mode != 7u) {
        return MB_ERR_SEC_UNSUPPORTED;
    }
    size_t blocks = mb_cf_encrypted_blocks(tpl->config);
    /*
     * Mode 5 with a block count of 0: some older meters encrypt everything and leave the count at
     * 0, so every whole block to the end is taken (a decision; a wrong guess fails the 2F 2F
     * check).
     */
    job->enc_len = blocks != 0u ? 16u * blocks : job->mode == 5u ? tpl->apl_len & ~(size_t)15u : 0u;
    if (job->enc_len > tpl->apl_len) {
        return MB_ERR_SEC_LEN;
    }
    mb_secondary_t meter;
    if (tpl->has_address) {
        meter = tpl->address;
    } else if (link_address != NULL) {
        link_address_unpack(link_address, &meter);
    } else {
        return MB_ERR_ARG;
    }
    link_address_pack(&meter, job->address);
    job->req.meter = meter;
    job->req.mode = job->mode;
    job->req.key_id = 0;
    job->req.key_version = tpl->has_key_version ? tpl->key_version : 0u;
    job->kdf = 0;
    job->counter = 0;
    job->access = tpl->access;
    if (job->mode == 7u) {
        /* Configuration field extension: bits 5..4 KDF, 3..0 key id; the AFL's KI overrides. */
        job->kdf = (uint8_t)((tpl->config_ext >> 4) & 3u);
        job->req.key_id = (uint8_t)(tpl->config_ext & 0x0Fu);
        if (afl != NULL && afl->has_ki) {
            job->kdf = (uint8_t)((afl->ki >> 4) & 3u);
            job->req.key_id = (uint8_t)(afl->ki & 0x0Fu);
            job->req.key_version = (uint8_t)(afl->ki >> 8);
        }
        if (job->kdf > 1u) {
            return MB_ERR_SEC_UNSUPPORTED;
        }
        if (tpl->has_message_counter) {
            job->counter = tpl->message_counter;
        } else if (afl != NULL && afl->has_mcr) {
            job->counter = afl->mcr;
        } else if (job->kdf == 1u) {
            return MB_ERR_SEC_HEADER; /* KDF-A without a message counter */
        }
    }
    return MB_OK;
}

/*
 * The AFL MAC: AES-CMAC over MCL, KI, MCR and ML as present (in that order, each as sent), then
 * the TPDU. EN 13757-7 is quoted differently by its readers when KI or ML are present; this
 * order (every AFL field but FCL and the MAC, in transmission order) is a decision, verified
 * only for the common MCL + MCR case by the OMS vectors.
 */
static int afl_mac(const mb_aes_t *kmac, const mb_afl_t *afl, const uint8_t *tpdu, size_t tpdu_len,
                   uint8_t mac[16])
{
    uint8_t head[9];
    size_t n = 0;
    if (afl->has_mcl) {
        head[n++] = afl->mcl;
    }
    if (afl->has_ki) {
        put_le16(head + n, afl->ki);
        n += 2u;
    }
    if (afl->has_mcr) {
        put_le32(head + n, afl->mcr);
        n += 4u;
    }
    if (afl->has_ml) {
        put_le16(head + n, afl->ml);
        n += 2u;
    }
    mb_cmac_t cmac;
    int err = mb_cmac_init(&cmac, kmac);
    if (err == MB_OK) {
        err = mb_cmac_update(&cmac, head, n);
    }
    if (err == MB_OK) {
        err = mb_cmac_update(&cmac, tpdu, tpdu_len);
    }
    if (err == MB_OK) {
        err = mb_cmac_final(&cmac, mac);
    }
    return err;
}

static bool starts_2f2f(const uint8_t *p, size_t n)
{
    return n < 2u || (p[0] == 0x2Fu && p[1] == 0x2Fu);
}

/*
 * Mode 5 or 7 on the first job->enc_len bytes of @p apl, in place. Decrypting, the MAC (when the
 * AFL has one) is checked over @p tpdu before anything is decrypted. Encrypting, the MAC is
 * computed over the result and written to @p mac_out (afl->mac_len bytes).
 */
static int tpl_crypt(const tpl_job_t *job, uint8_t *apl, const mb_afl_t *afl, const uint8_t *tpdu,
                     size_t tpdu_len, const mb_keys_t *keys, bool encrypt, uint8_t *mac_out)
{
    uint8_t key[16];
    uint8_t kmac[16];
    uint8_t buf[16]; /* the IV, then the MAC */
    mb_aes_t aes;
    int err = get_key(keys, &job->req, key);
    if (err != MB_OK) {
        return err;
    }
    const mb_aes_hook_t *hook = keys->aes_hook;
    bool with_mac = job->mode == 7u && afl != NULL && afl->mac_len != 0u;
    if (with_mac && (afl->mcl & 0x0Fu) > MB_AT_CMAC_16) {
        err = MB_ERR_SEC_UNSUPPORTED; /* GMAC */
    }
    if (err == MB_OK && job->mode == 7u && job->kdf == 1u) {
        err = mb_kdf_a(key, hook, 0x01u, job->counter, job->address + 2, kmac);
        if (err == MB_OK) {
            err = mb_kdf_a(key, hook, 0x00u, job->counter, job->address + 2, key);
        }
    } else {
        mb_internal_copy(kmac, key, 16);
    }
    if (err == MB_OK && with_mac && !encrypt) { /* authenticate first, decrypt after */
        mb_aes_init(&aes, kmac, hook);
        err = afl_mac(&aes, afl, tpdu, tpdu_len, buf);
        mb_aes_wipe(&aes);
        if (err == MB_OK && !mb_ct_equal(buf, afl->mac, afl->mac_len)) {
            err = MB_ERR_SEC_MAC;
        }
    }
    if (err == MB_OK && encrypt && !starts_2f2f(apl, job->enc_len)) {
        err = MB_ERR_SEC_CHECK;
    }
    if (err == MB_OK) {
        for (unsigned i = 0; i < 16u; i++) { /* mode 5: address, access number x 8; 7: zeros */
            buf[i] = job->mode == 7u ? 0u : i < 8u ? job->address[i] : job->access;
        }
        mb_aes_init(&aes, key, hook);
        err = encrypt ? mb_aes_cbc_encrypt(&aes, buf, apl, job->enc_len)
                      : mb_aes_cbc_decrypt(&aes, buf, apl, job->enc_len);
        mb_aes_wipe(&aes);
    }
    if (err == MB_OK && !encrypt && !starts_2f2f(apl, job->enc_len)) {
        err = MB_ERR_SEC_CHECK;
    }
    if (err == MB_OK && with_mac && encrypt) {
        mb_aes_init(&aes, kmac, hook);
        err = afl_mac(&aes, afl, tpdu, tpdu_len, buf);
        mb_aes_wipe(&aes);
        if (err == MB_OK) {
            mb_internal_copy(mac_out, buf, afl->mac_len);
        }
    }
    if (err != MB_OK && !encrypt) {
        wipe(apl, job->enc_len);
    }
    wipe(key, sizeof key);
    wipe(kmac, sizeof kmac);
    wipe(buf, sizeof buf);
    return err;
}

int mb_tpl_open(mb_tpl_t *tpl, uint8_t *apl, const uint8_t *link_address, const mb_afl_t *afl,
                const uint8_t *mac_input, size_t mac_input_len, const mb_keys_t *keys)
{
    if (tpl == NULL || (apl == NULL && tpl->apl_len != 0u)) {
        return MB_ERR_ARG;
    }
    if (mb_cf_security_mode(tpl->config) == 0u) {
        tpl->apl = apl;
        return MB_OK;
    }
    tpl_job_t job;
    int err = tpl_plan(tpl, link_address, afl, &job);
    if (err != MB_OK) {
        return err;
    }
    if (afl != NULL && afl->mac_len != 0u && mac_input == NULL) {
        return MB_ERR_ARG;
    }
    err = tpl_crypt(&job, apl, afl, mac_input, mac_input_len, keys, false, NULL);
    if (err == MB_OK) {
        tpl->apl = apl;
    }
    return err;
}

#if MB_ENABLE_WIRELESS

/* ---- whole wireless messages -------------------------------------------------------------- */

#define DLL_LEN 10u /* L, C, M (2), A (6) */

/*
 * The ELL's initial counter block: M and A of the sender, CC without its hop and repeat bits
 * (a repeater changes those), SN as sent, then frame number and block counter 0.
 */
static void ell_icb(const uint8_t *frame, const mb_ell_t *ell, uint8_t icb[16])
{
    mb_internal_copy(icb, frame + 2, 8);
    icb[8] = (uint8_t)(ell->cc & ~(MB_CC_HOPPED | MB_CC_REPEATED));
    put_le32(icb + 9, ell->session);
    icb[13] = 0;
    icb[14] = 0;
    icb[15] = 0;
}

/* AES-CTR over @p n bytes at @p p with the ELL's counter block. */
static int ell_ctr(const uint8_t *frame, const mb_ell_t *ell, uint8_t *p, size_t n,
                   const mb_keys_t *keys)
{
    mb_key_request_t req = {{0, 0, 0, 0}, 0, 0, 0};
    link_address_unpack(frame + 2, &req.meter);
    uint8_t key[16];
    uint8_t icb[16];
    int err = get_key(keys, &req, key);
    if (err != MB_OK) {
        return err;
    }
    mb_aes_t aes;
    mb_aes_init(&aes, key, keys->aes_hook);
    ell_icb(frame, ell, icb);
    err = mb_aes_ctr(&aes, icb, p, n);
    mb_aes_wipe(&aes);
    wipe(key, sizeof key);
    return err;
}

int mb_wmsg_open(const uint8_t *frame, size_t len, const mb_keys_t *keys, uint8_t *out, size_t cap,
                 mb_wmsg_t *msg)
{
    if (frame == NULL || out == NULL || msg == NULL || cap < len) {
        return MB_ERR_ARG;
    }
    static const mb_wmsg_t empty = {0};
    *msg = empty;
    if (out != frame) {
        mb_internal_copy(out, frame, len);
    }
    if (len < DLL_LEN) {
        return MB_ERR_SEC_HEADER;
    }
    msg->c = out[1];
    link_address_unpack(out + 2, &msg->link);
    size_t pos = DLL_LEN;

    if (pos < len && out[pos] >= 0x8Cu && out[pos] <= 0x8Fu) {
        int err = mb_ell_decode(out + pos, len - pos, &msg->ell);
        if (err != MB_OK) {
            return err;
        }
        msg->has_ell = true;
        pos += msg->ell.len;
        if (msg->ell.has_session) { /* payload CRC, encrypted with the payload when ENC = 1 */
            uint8_t enc = mb_sn_encryption(msg->ell.session);
            if (enc > 1u) {
                return MB_ERR_SEC_UNSUPPORTED;
            }
            if (enc == 1u) {
                err = ell_ctr(out, &msg->ell, out + pos, len - pos, keys);
                if (err != MB_OK) {
                    wipe(out + pos, len - pos);
                    return err;
                }
                msg->ell.payload_crc = get_le16(out + pos);
            }
            if (mb_crc16_en13757(out + pos + 2u, len - pos - 2u) != msg->ell.payload_crc) {
                if (enc == 1u) {
                    wipe(out + pos, len - pos);
                }
                return MB_ERR_SEC_PAYLOAD_CRC;
            }
            msg->ell_decrypted = enc == 1u;
            pos += 2u;
        }
    }
    if (pos < len && out[pos] == 0x90u) {
        int err = mb_afl_decode(out + pos, len - pos, &msg->afl);
        if (err != MB_OK) {
            return err;
        }
        msg->has_afl = true;
        pos += msg->afl.len;
    }
    if (pos >= len) {
        return MB_OK;
    }
    int err = mb_tpl_decode(out[pos], out + pos + 1u, len - pos - 1u, &msg->tpl);
    if (err != MB_OK) {
        return err;
    }
    msg->has_tpl = true;
    msg->security_mode = mb_cf_security_mode(msg->tpl.config);
    if (msg->security_mode == 0u) {
        return MB_OK;
    }
    uint8_t *apl = out + (msg->tpl.apl - out);
    err = mb_tpl_open(&msg->tpl, apl, out + 2, msg->has_afl ? &msg->afl : NULL, out + pos,
                      len - pos, keys);
    if (err == MB_OK && msg->has_afl && msg->afl.mac_len != 0u && msg->security_mode == 7u) {
        msg->authenticated = true;
    }
    return err;
}

int mb_wmsg_seal(uint8_t *frame, size_t len, const mb_keys_t *keys)
{
    if (frame == NULL) {
        return MB_ERR_ARG;
    }
    if (len < DLL_LEN) {
        return MB_ERR_SEC_HEADER;
    }
    size_t pos = DLL_LEN;
    mb_ell_t ell;
    bool has_ell = false;
    size_t crc_at = 0;
    if (pos < len && frame[pos] >= 0x8Cu && frame[pos] <= 0x8Fu) {
        int err = mb_ell_decode(frame + pos, len - pos, &ell);
        if (err != MB_OK) {
            return err;
        }
        has_ell = true;
        pos += ell.len;
        if (ell.has_session) {
            if (mb_sn_encryption(ell.session) > 1u) {
                return MB_ERR_SEC_UNSUPPORTED;
            }
            crc_at = pos;
            pos += 2u;
        }
    }
    mb_afl_t afl;
    bool has_afl = false;
    if (pos < len && frame[pos] == 0x90u) {
        int err = mb_afl_decode(frame + pos, len - pos, &afl);
        if (err != MB_OK) {
            return err;
        }
        has_afl = true;
        pos += afl.len;
    }
    if (pos < len) {
        mb_tpl_t tpl;
        int err = mb_tpl_decode(frame[pos], frame + pos + 1u, len - pos - 1u, &tpl);
        if (err != MB_OK) {
            return err;
        }
        if (mb_cf_security_mode(tpl.config) != 0u) {
            tpl_job_t job;
            err = tpl_plan(&tpl, frame + 2, has_afl ? &afl : NULL, &job);
            if (err != MB_OK) {
                return err;
            }
            uint8_t *apl = frame + (tpl.apl - frame);
            uint8_t *mac = has_afl && afl.mac != NULL ? frame + (afl.mac - frame) : NULL;
            err = tpl_crypt(&job, apl, has_afl ? &afl : NULL, frame + pos, len - pos, keys, true,
                            mac);
            if (err != MB_OK) {
                return err;
            }
        }
    }
    if (has_ell && ell.has_session) {
        put_le16(frame + crc_at, mb_crc16_en13757(frame + crc_at + 2u, len - crc_at - 2u));
        if (mb_sn_encryption(ell.session) == 1u) {
            return ell_ctr(frame, &ell, frame + crc_at, len - crc_at, keys);
        }
    }
    return MB_OK;
}

#endif /* MB_ENABLE_WIRELESS */

#endif /* MB_ENABLE_SECURITY */
