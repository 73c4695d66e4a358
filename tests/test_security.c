/*
 * Wireless layers and security (include/meterbus/security.h): ELL, AFL, modes 5 and 7, the ELL's
 * AES-CTR, for a gateway (open) and a meter (seal).
 *
 * The telegrams, keys and plaintexts are the published OMS Vol.2 Annex N examples and the
 * vectors that other implementations test against (OMS profile B, a Kamstrup ELL telegram, a
 * format-B sensostar telegram); the decoded values are the ones those sources state. Sealing
 * the published plaintext with the published key must give the published ciphertext and MAC
 * byte for byte, so encryption is checked against the sources too, not against our decryption.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "meterbus/meterbus.h"
#include "testutil.h"

#if MB_ENABLE_SECURITY

#define CAP 300u

static size_t hx(const char *text, uint8_t *out, size_t cap)
{
    int n = mbt_hex(text, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* ---- key lookup --------------------------------------------------------------------------- */

typedef struct keyring {
    uint8_t key[16];
    bool have;
    int calls;
    mb_key_request_t last;
} keyring_t;

static int lookup(void *ctx, const mb_key_request_t *req, uint8_t key[16])
{
    keyring_t *k = ctx;
    k->calls++;
    k->last = *req;
    if (!k->have) {
        return MB_ERR_SEC_NO_KEY;
    }
    memcpy(key, k->key, 16);
    return 0;
}

static mb_keys_t keys_for(keyring_t *k, const char *key_hex)
{
    memset(k, 0, sizeof *k);
    if (key_hex != NULL) {
        assert_int_equal(hx(key_hex, k->key, 16), 16);
        k->have = true;
    }
    mb_keys_t keys = {lookup, k, NULL};
    return keys;
}

/* ---- records ------------------------------------------------------------------------------ */

/* The next record must be a number with these fields. */
static void expect_number(mb_records_t *it, mb_quantity_t q, mb_unit_t unit, int64_t mantissa,
                          int exponent, uint64_t storage)
{
    mb_record_t rec;
    assert_int_equal(mb_records_next(it, &rec), 1);
    assert_int_equal(rec.quantity, q);
    assert_int_equal(rec.unit, unit);
    assert_int_equal(rec.value.kind, MB_VALUE_NUMBER);
    assert_int_equal(rec.value.mantissa, mantissa);
    assert_int_equal(rec.value.exponent, exponent);
    assert_int_equal(rec.storage, storage);
}

static void expect_date(mb_records_t *it, mb_quantity_t q, unsigned year, unsigned month,
                        unsigned day, unsigned hour, unsigned minute, uint64_t storage)
{
    mb_record_t rec;
    assert_int_equal(mb_records_next(it, &rec), 1);
    assert_int_equal(rec.quantity, q);
    assert_int_equal(rec.value.kind, MB_VALUE_DATE);
    assert_int_equal(rec.value.datetime.year, year);
    assert_int_equal(rec.value.datetime.month, month);
    assert_int_equal(rec.value.datetime.day, day);
    assert_int_equal(rec.value.datetime.hour, hour);
    assert_int_equal(rec.value.datetime.minute, minute);
    assert_int_equal(rec.storage, storage);
}

static void expect_end(mb_records_t *it)
{
    mb_record_t rec;
    assert_int_equal(mb_records_next(it, &rec), 0);
}

/* ---- the published telegrams -------------------------------------------------------------- */

/* OMS Vol.2 Annex N.5.3 and N.5.4, and the OMS profile-B key (also for the wired tests). */
static const char V2_KEY[] = "000102030405060708090A0B0C0D0E0F";
/* N.5.4: the N.5.3 data on a wired bus. */
static const char V2_WIRED[] = "682C2C6808FD7288776655934455080004100500DFE2A782146D1513581CD2F83F3"
                               "9040CFD10785634120C78443322112616";
static const char V3_KEY[] = "000102030405060708090A0B0C0D0E0F";

#if MB_ENABLE_WIRELESS
/* The V1 plaintext: volume 28504.27 m3, 2008-05-31 23:50, error flags 0, then 2F fillers. */
static void expect_v1_records(const mb_tpl_t *tpl)
{
    mb_records_t it;
    mb_records_init(&it, tpl->apl, tpl->apl_len, 0);
    expect_number(&it, MB_Q_VOLUME, MB_UNIT_M3, 2850427, -2, 0);
    expect_date(&it, MB_Q_DATE_TIME, 2008, 5, 31, 23, 50, 0);
    expect_number(&it, MB_Q_ERROR_FLAGS, MB_UNIT_NONE, 0, 0, 0);
    expect_end(&it);
}

/* OMS Vol.2 Annex N.2.1: wireless, short header, mode 5, two blocks. */
static const char V1_KEY[] = "0102030405060708090A0B0C0D0E0F11";
static const char V1[] = "2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B52"
                         "0EDFF0EA6DEFC99D6D69EBF3";
static const char V1_PLAIN[] = "2F2F0C1427048502046D32371F1502FD1700002F2F2F2F2F2F2F2F2F2F2F2F2F";

/* OMS Vol.2 Annex N.5.3: ELL I, long header, mode 5, one block then plaintext. */
static const char V2[] = "304493444433221155378C00757288776655934455080004100500DFE2A782146D15135"
                         "81CD2F83F39040CFD1078563412";

/* OMS profile B: ELL I, AFL with counter and 8-byte MAC, mode 7 with KDF-A; V1's plaintext. */
static const char V3[] = "434493157856341233038C2075900F002C25B30A000021924D4F2FB66E017A750020071"
                         "09058475F4BC91DF878B80A1B0F98B629024AAC727942BFC549233C0140829B93";
#define V3_MAC_AT 22u /* offset of the MAC in V3: DLL 10, ELL 3, AFL 90 0F FCL MCL MCR */

/* ELL II with AES-CTR (a Kamstrup meter), and a second one. */
static const char V4_KEY[] = "4E5508544202058100DFEFA06B0934A5";
static const char V4[] =
    "24442D2C692845631B168D3050209CD621B006B1140AEF4953AE5B86FAFC0B00E70705B846";
static const char V4_PLAIN_TAIL[] = "132B7802FF2000000413803C070044139F380700";
static const char V4B_KEY[] = "28F64A24988064A079AA2C807D6102AE";
static const char V4B[] =
    "2A442D2C998734761B168D2091D37CAC21E1D68CDAFFCD3DC452BD802913FF7B1706CA9E3"
    "55D6C2701CC24";
#endif

#if MB_ENABLE_WIRELESS
static void v1_mode5_short_header(void **state)
{
    (void)state;
    uint8_t frame[CAP], out[CAP], plain[CAP];
    size_t len = hx(V1, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V1_KEY);
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_OK);
    assert_int_equal(msg.c, 0x44);
    assert_int_equal(msg.link.manufacturer, 0x1593);
    assert_int_equal(msg.link.id, 0x12345678);
    assert_int_equal(msg.link.version, 0x33);
    assert_int_equal(msg.link.medium, 0x03);
    assert_false(msg.has_ell);
    assert_false(msg.has_afl);
    assert_true(msg.has_tpl);
    assert_int_equal(msg.security_mode, 5);
    assert_int_equal(msg.tpl.access, 0x2A);
    assert_int_equal(msg.tpl.config, 0x2520);
    assert_false(msg.authenticated);
    /* The key was asked for the meter of the link layer (no long header), mode 5. */
    assert_int_equal(k.calls, 1);
    assert_int_equal(k.last.mode, 5);
    assert_int_equal(k.last.meter.id, 0x12345678);
    assert_int_equal(k.last.meter.manufacturer, 0x1593);
    size_t n = hx(V1_PLAIN, plain, CAP);
    assert_int_equal(msg.tpl.apl_len, n);
    assert_memory_equal(msg.tpl.apl, plain, n);
    expect_v1_records(&msg.tpl);
}
#endif

#if MB_ENABLE_WIRELESS
static void v2_mode5_ell_long_header_partial(void **state)
{
    (void)state;
    uint8_t frame[CAP];
    size_t len = hx(V2, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V2_KEY);
    mb_wmsg_t msg;
    /* In place. */
    assert_int_equal(mb_wmsg_open(frame, len, &keys, frame, sizeof frame, &msg), MB_OK);
    assert_true(msg.has_ell);
    assert_int_equal(msg.ell.ci, 0x8C);
    assert_int_equal(msg.ell.cc, 0x00);
    assert_int_equal(msg.ell.access, 0x75);
    assert_int_equal(msg.tpl.ci, 0x72);
    assert_true(msg.tpl.has_address);
    assert_int_equal(msg.tpl.address.id, 0x55667788);
    assert_int_equal(msg.tpl.address.manufacturer, 0x4493);
    assert_int_equal(msg.tpl.address.version, 0x55);
    assert_int_equal(msg.tpl.address.medium, 0x08);
    assert_int_equal(msg.tpl.access, 0x00);
    assert_int_equal(msg.tpl.status, 0x04);
    assert_int_equal(msg.tpl.config, 0x0510);
    /* The long header's meter, not the link layer's (which is 11223344). */
    assert_int_equal(k.last.meter.id, 0x55667788);
    uint8_t block[16];
    hx("2F2F0B6E341200426CFE044B6E563402", block, sizeof block);
    assert_memory_equal(msg.tpl.apl, block, 16);

    mb_records_t it;
    mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
    expect_number(&it, MB_Q_HCA_UNITS, MB_UNIT_NONE, 1234, 0, 0);
    expect_date(&it, MB_Q_DATE, 2007, 4, 30, 0, 0, 1);
    expect_number(&it, MB_Q_HCA_UNITS, MB_UNIT_NONE, 23456, 0, 1);
    mb_record_t rec;
    assert_int_equal(mb_records_next(&it, &rec), 1); /* 2F fillers are skipped on the way */
    assert_int_equal(rec.quantity, MB_Q_CUSTOMER_LOCATION);
    assert_int_equal(rec.value.mantissa, 12345678);
    expect_end(&it);
}
#endif

/* The wired variant goes through mb_tpl_open() without a link layer address. */
static void v2_wired_mode5(void **state)
{
    (void)state;
    uint8_t frame[CAP];
    size_t len = hx(V2_WIRED, frame, CAP);
    mb_frame_t f;
    assert_int_equal(mb_frame_decode(frame, len, &f), MB_OK);
    mb_tpl_t tpl;
    assert_int_equal(mb_tpl_decode(f.ci, f.data, f.data_len, &tpl), MB_OK);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V2_KEY);
    uint8_t apl[CAP];
    memcpy(apl, tpl.apl, tpl.apl_len);
    assert_int_equal(mb_tpl_open(&tpl, apl, NULL, NULL, NULL, 0, &keys), MB_OK);
    assert_ptr_equal(tpl.apl, apl);
    mb_records_t it;
    mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
    expect_number(&it, MB_Q_HCA_UNITS, MB_UNIT_NONE, 1234, 0, 0);
    expect_date(&it, MB_Q_DATE, 2007, 4, 30, 0, 0, 1);
    expect_number(&it, MB_Q_HCA_UNITS, MB_UNIT_NONE, 23456, 0, 1);
    /* The plaintext after the block: customer location, then fabrication number 11223344. */
    expect_number(&it, MB_Q_CUSTOMER_LOCATION, MB_UNIT_NONE, 12345678, 0, 0);
    expect_number(&it, MB_Q_FABRICATION_NUMBER, MB_UNIT_NONE, 11223344, 0, 0);
    expect_end(&it);
}

#if MB_ENABLE_WIRELESS
static void v3_mode7_afl_kdf(void **state)
{
    (void)state;
    uint8_t frame[CAP], out[CAP], plain[CAP];
    size_t len = hx(V3, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V3_KEY);
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_OK);
    assert_true(msg.has_ell);
    assert_int_equal(msg.ell.cc, 0x20);
    assert_int_equal(msg.ell.access, 0x75);
    assert_true(msg.has_afl);
    assert_int_equal(msg.afl.fcl, 0x2C00);
    assert_true(msg.afl.has_mcl);
    assert_int_equal(msg.afl.mcl, 0x25);
    assert_true(msg.afl.has_mcr);
    assert_int_equal(msg.afl.mcr, 2739);
    assert_int_equal(msg.afl.mac_len, 8);
    assert_int_equal(msg.security_mode, 7);
    assert_int_equal(msg.tpl.config, 0x0720);
    assert_int_equal(msg.tpl.config_ext, 0x10);
    assert_true(msg.authenticated);
    assert_int_equal(k.last.mode, 7);
    size_t n = hx(V1_PLAIN, plain, CAP);
    assert_memory_equal(msg.tpl.apl, plain, n);
    expect_v1_records(&msg.tpl);
}
#endif

/* The derived keys of V3 as published. */
static void v3_kdf_a_keys(void **state)
{
    (void)state;
    uint8_t mk[16], id[4] = {0x78, 0x56, 0x34, 0x12}, out[16], want[16];
    hx(V3_KEY, mk, 16);
    assert_int_equal(mb_kdf_a(mk, NULL, 0x00, 2739, id, out), MB_OK);
    hx("ECCF39D475D730B8284FDFDC1995D52F", want, 16);
    assert_memory_equal(out, want, 16);
    assert_int_equal(mb_kdf_a(mk, NULL, 0x01, 2739, id, out), MB_OK);
    hx("C9CD19FF5A9AAD5A6BBDA13BD2C4C7AD", want, 16);
    assert_memory_equal(out, want, 16);
}

#if MB_ENABLE_WIRELESS
/* Any changed MAC byte is refused before decryption, and nothing of the ciphertext is left. */
static void v3_mac_flips_rejected(void **state)
{
    (void)state;
    uint8_t frame[CAP], out[CAP];
    size_t len = hx(V3, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V3_KEY);
    for (size_t i = 0; i < 8u; i++) {
        for (unsigned bit = 0; bit < 8u; bit++) {
            frame[V3_MAC_AT + i] ^= (uint8_t)(1u << bit);
            mb_wmsg_t msg;
            assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg),
                             MB_ERR_SEC_MAC);
            assert_false(msg.authenticated);
            /* The encrypted blocks (32 bytes at the end of the frame) are wiped. */
            for (size_t j = len - 32u; j < len; j++) {
                assert_int_equal(out[j], 0);
            }
            frame[V3_MAC_AT + i] ^= (uint8_t)(1u << bit);
        }
    }
    /* A changed ciphertext byte fails the MAC too. */
    frame[len - 1u] ^= 1u;
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_ERR_SEC_MAC);
}
#endif

#if MB_ENABLE_WIRELESS
/* Every single key bit flipped: mode 7 fails its MAC, mode 5 its 2F 2F check. */
static void key_bit_flips_rejected(void **state)
{
    (void)state;
    uint8_t f1[CAP], f3[CAP], out[CAP];
    size_t n1 = hx(V1, f1, CAP), n3 = hx(V3, f3, CAP);
    keyring_t k1, k3;
    mb_keys_t keys1 = keys_for(&k1, V1_KEY), keys3 = keys_for(&k3, V3_KEY);
    for (unsigned bit = 0; bit < 128u; bit++) {
        mb_wmsg_t msg;
        k1.key[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
        k3.key[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
        assert_int_equal(mb_wmsg_open(f1, n1, &keys1, out, sizeof out, &msg), MB_ERR_SEC_CHECK);
        for (size_t j = 15; j < n1; j++) { /* the encrypted blocks, wiped */
            assert_int_equal(out[j], 0);
        }
        assert_int_equal(mb_wmsg_open(f3, n3, &keys3, out, sizeof out, &msg), MB_ERR_SEC_MAC);
        k1.key[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
        k3.key[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
    }
}
#endif

#if MB_ENABLE_WIRELESS
static void v4_ell_ctr(void **state)
{
    (void)state;
    uint8_t frame[CAP], out[CAP], tail[CAP];
    size_t len = hx(V4, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V4_KEY);
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_OK);
    assert_true(msg.has_ell);
    assert_int_equal(msg.ell.ci, 0x8D);
    assert_int_equal(msg.ell.cc, 0x30);
    assert_int_equal(msg.ell.access, 0x50);
    assert_int_equal(msg.ell.session, 0x21D69C20);
    assert_int_equal(mb_sn_encryption(msg.ell.session), 1);
    assert_int_equal(mb_sn_minutes(msg.ell.session), 1927618);
    assert_int_equal(mb_sn_session(msg.ell.session), 0);
    assert_int_equal(msg.ell.payload_crc, 0x2B13);
    assert_true(msg.ell_decrypted);
    assert_int_equal(k.last.mode, 0);
    size_t n = hx(V4_PLAIN_TAIL, tail, CAP);
    assert_memory_equal(out + len - n, tail, n);
    /* CI 0x78: records without a transport header. */
    assert_true(msg.has_tpl);
    assert_int_equal(msg.tpl.ci, 0x78);
    mb_records_t it;
    mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
    mb_record_t rec;
    assert_int_equal(mb_records_next(&it, &rec), 1); /* 02 FF 20: manufacturer specific */
    expect_number(&it, MB_Q_VOLUME, MB_UNIT_M3, 474240, -3, 0);
    expect_number(&it, MB_Q_VOLUME, MB_UNIT_M3, 473247, -3, 1);
    expect_end(&it);

    /* The second ELL telegram: the payload CRC checks out. */
    len = hx(V4B, frame, CAP);
    keys = keys_for(&k, V4B_KEY);
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_OK);
    assert_int_equal(msg.ell.payload_crc, 0x6C57);

    /* A wrong key shows as a payload CRC mismatch. */
    k.key[0] ^= 0x80u;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg),
                     MB_ERR_SEC_PAYLOAD_CRC);
}
#endif

#if MB_ENABLE_WIRELESS
/*
 * Format B on the air with both block CRCs, ELL, AFL and mode 7 (a sensostar heat meter): total
 * energy 9341 kWh (04 06 7D240000: 0x247D at 10^3 Wh) and volume 1348.631 m3 (04 13 17941400),
 * then the plaintext that followed the encrypted blocks (03 FD 0C ..., 02 FD 0B ...).
 */
static void v5_format_b_mode7(void **state)
{
    (void)state;
    static const char v5[] =
        "C244C5140443054300048C200E900F002C25895E02003B0877D31DA840B17A0E009007100F8FAD4C4E6140"
        "0DA4F3B1F7E273CC4C5C07F93CD20B237345DB39F9A98F8415E1C4B7A25C86E4C22D05C3352FA7E2E56270"
        "31F14643063F1DC8FE2C32459B6F02E4234B447B18E4BFDA8C4DA9B1EDE6CF29D0B2122A3E8B9DEEBEE3E6"
        "DBE6617B4E709EC6B595179CB01C2C0BDE6723A345B708652880C114A58DA07C73AD9EB8ACB17FA0A88F19"
        "BC84CB1FC56672DE8A9603FD0C05010002FD0B2111F60B";
    uint8_t raw[CAP], frame[CAP];
    size_t n = hx(v5, raw, CAP);
    mb_wframe_t wf;
    assert_int_equal(mb_wframe_decode(raw, n, MB_WFORMAT_B, frame, sizeof frame, &wf), (int)n);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, "622b9656991ff0c1574c0950cf9278d1");
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(wf.frame, wf.frame_len, &keys, frame, sizeof frame, &msg), MB_OK);
    assert_true(msg.authenticated);
    assert_int_equal(msg.afl.mcr, 155273);
    assert_int_equal(msg.tpl.config, 0x0790);
    assert_int_equal(msg.tpl.config_ext, 0x10);
    uint8_t start[16];
    hx("2F2F046D3A2A283C04067D2400000413", start, sizeof start);
    assert_memory_equal(msg.tpl.apl, start, 16);
    mb_records_t it;
    mb_record_t rec;
    bool energy = false, volume = false;
    mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
    while (mb_records_next(&it, &rec) == 1) {
        if (rec.dib_len == 1 && rec.dib[0] == 0x04 && rec.vib[0] == 0x06) {
            assert_int_equal(rec.value.mantissa, 9341);
            assert_int_equal(rec.value.exponent, 3);
            energy = true;
        }
        if (rec.dib_len == 1 && rec.dib[0] == 0x04 && rec.vib[0] == 0x13) {
            assert_int_equal(rec.value.mantissa, 1348631);
            assert_int_equal(rec.value.exponent, -3);
            volume = true;
        }
    }
    assert_true(energy && volume);
}

/* A hardware AES hook (here the software AES behind a counter) does every block operation. */
typedef struct counting_hook {
    int calls;
} counting_hook_t;

static int hook_block(void *ctx, const uint8_t key[16], bool decrypt, const uint8_t in[16],
                      uint8_t out[16])
{
    counting_hook_t *h = ctx;
    h->calls++;
    mb_aes_t aes;
    mb_aes_init(&aes, key, NULL);
    int err = decrypt ? mb_aes_decrypt(&aes, in, out) : mb_aes_encrypt(&aes, in, out);
    mb_aes_wipe(&aes);
    return err;
}

static void aes_hook_does_the_work(void **state)
{
    (void)state;
    uint8_t frame[CAP], out[CAP], plain[CAP];
    size_t len = hx(V3, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, V3_KEY);
    counting_hook_t h = {0};
    mb_aes_hook_t hook = {hook_block, &h};
    keys.aes_hook = &hook;
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_OK);
    size_t n = hx(V1_PLAIN, plain, CAP);
    assert_memory_equal(msg.tpl.apl, plain, n);
    /*
     * KDF-A twice (a CMAC of one block: subkey L = E(0) and the block, 2 each), the MAC over
     * 1 + 4 + 38 bytes (subkey and 3 blocks), 2 blocks decrypted: 4 + 4 + 2 = 10 at least.
     */
    assert_true(h.calls >= 10);
    /* A failing hook stops everything with its error. */
    hook.block = NULL;
    assert_true(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg) < 0);
}

static void no_key(void **state)
{
    (void)state;
    uint8_t frame[CAP], out[CAP];
    size_t len = hx(V1, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, NULL);
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_ERR_SEC_NO_KEY);
    assert_int_equal(msg.link.id, 0x12345678); /* whose telegram it was */
    assert_int_equal(msg.security_mode, 5);
    assert_int_equal(mb_wmsg_open(frame, len, NULL, out, sizeof out, &msg), MB_ERR_SEC_NO_KEY);
    len = hx(V4, frame, CAP);
    assert_int_equal(mb_wmsg_open(frame, len, &keys, out, sizeof out, &msg), MB_ERR_SEC_NO_KEY);
}
#endif

/* ---- sealing: the published ciphertexts from the published plaintexts ---------------------- */

#if MB_ENABLE_WIRELESS
/* Decrypt @p hex with @p key, seal the plaintext again: the bytes must come back exactly. */
static void expect_seal_restores(const char *hex, const char *key)
{
    uint8_t frame[CAP], plain[CAP];
    size_t len = hx(hex, frame, CAP);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, key);
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(frame, len, &keys, plain, sizeof plain, &msg), MB_OK);
    assert_memory_not_equal(plain, frame, len);
    assert_int_equal(mb_wmsg_seal(plain, len, &keys), MB_OK);
    assert_memory_equal(plain, frame, len);
}
#endif

#if MB_ENABLE_WIRELESS
static void seal_gives_published_ciphertexts(void **state)
{
    (void)state;
    expect_seal_restores(V1, V1_KEY); /* mode 5, short header */
    expect_seal_restores(V2, V2_KEY); /* ELL I, long header, partial */
    expect_seal_restores(V3, V3_KEY); /* the MAC as published */
    expect_seal_restores(V4, V4_KEY); /* ELL AES-CTR */
    expect_seal_restores(V4B, V4B_KEY);
}
#endif

#if MB_ENABLE_WIRELESS
/* A meter's own telegram: ELL II with AES-CTR around AFL + mode 7, sealed and opened again. */
static void seal_open_round_trip_all_layers(void **state)
{
    (void)state;
    /*
     * DLL: 44 (SND_NR) 2D2C (KAM) ID 87654321 version 1B type 16; ELL 8D CC 20 ACC 01 SN with
     * ENC 1 (0x20000005), CRC room; AFL 90 0F FCL 2C00 MCL 25 MCR 00000007 MAC room (8); TPL 7A
     * ACC 01 status 00 CF 0710 (mode 7, 1 block) CFE 10 (KDF-A); one block 2F2F 04 13 ... 2F.
     */
    const char *plain_hex = "00 44 2D2C 21436587 1B 16"
                            "8D 20 01 05000020 0000"
                            "90 0F 002C 25 07000000 0000000000000000"
                            "7A 01 00 1007 10"
                            "2F2F 0413 E8030000 2F2F2F2F2F2F2F2F"
                            "0259 1A1B";
    uint8_t frame[CAP], sealed[CAP], out[CAP];
    size_t len = hx(plain_hex, frame, CAP);
    frame[0] = (uint8_t)(len - 1u);
    memcpy(sealed, frame, len);
    keyring_t k;
    mb_keys_t keys = keys_for(&k, "00112233445566778899AABBCCDDEEFF");
    assert_int_equal(mb_wmsg_seal(sealed, len, &keys), MB_OK);
    assert_memory_equal(sealed, frame, 17); /* DLL and ELL header stay plaintext */
    assert_memory_not_equal(sealed + 17, frame + 17, len - 17u);
    mb_wmsg_t msg;
    assert_int_equal(mb_wmsg_open(sealed, len, &keys, out, sizeof out, &msg), MB_OK);
    assert_true(msg.ell_decrypted);
    assert_true(msg.authenticated);
    assert_int_equal(msg.afl.mcr, 7);
    mb_records_t it;
    mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
    expect_number(&it, MB_Q_VOLUME, MB_UNIT_M3, 1000, -3, 0);
    expect_number(&it, MB_Q_FLOW_TEMPERATURE, MB_UNIT_CELSIUS, 0x1B1A, -2, 0);
    expect_end(&it);
    /* After the payload CRC (17, 18) all is the plaintext again but the MAC, now filled in. */
    assert_memory_equal(out + 19, frame + 19, 9);
    assert_memory_not_equal(out + 28, frame + 28, 8);
    assert_memory_equal(out + 36, frame + 36, len - 36u);

    /* Sealing refuses blocks that do not start with 2F 2F (they could not be checked). */
    memcpy(sealed, frame, len);
    sealed[42] = 0x00;
    assert_int_equal(mb_wmsg_seal(sealed, len, &keys), MB_ERR_SEC_CHECK);
}
#endif

/* ---- ELL and AFL headers ------------------------------------------------------------------ */

static void ell_headers(void **state)
{
    (void)state;
    uint8_t p[CAP];
    mb_ell_t ell;
    size_t n = hx("8E 40 07 2D2C 78563412 01 07 AB", p, CAP);
    assert_int_equal(mb_ell_decode(p, n, &ell), MB_OK);
    assert_int_equal(ell.len, 11);
    assert_true(ell.has_receiver);
    assert_int_equal(ell.receiver.manufacturer, 0x2C2D);
    assert_int_equal(ell.receiver.id, 0x12345678);
    assert_int_equal(ell.receiver.version, 1);
    assert_int_equal(ell.receiver.medium, 7);
    assert_false(ell.has_session);
    /* 8F: receiver, SN (not encrypted here), payload CRC. */
    n = hx("8F 00 01 2D2C 78563412 01 07 10000000 3412", p, CAP);
    assert_int_equal(mb_ell_decode(p, n, &ell), MB_OK);
    assert_int_equal(ell.len, 15);
    assert_int_equal(ell.session, 0x10);
    assert_int_equal(mb_sn_minutes(ell.session), 1);
    assert_int_equal(ell.payload_crc, 0x1234);
    /* Truncated anywhere. */
    for (size_t cut = 0; cut < n; cut++) {
        assert_int_equal(mb_ell_decode(p, cut, &ell), MB_ERR_SEC_HEADER);
    }
    p[0] = 0x8B;
    assert_int_equal(mb_ell_decode(p, n, &ell), MB_ERR_SEC_HEADER);
}

static void afl_headers(void **state)
{
    (void)state;
    uint8_t p[CAP];
    mb_afl_t afl;
    /* Every field: FCL 3E00 (MCL, ML, MCR, MAC, KI), MCL 24 (AT 4: 4-byte MAC). */
    size_t n = hx("90 0F 003E 24 0512 01000000 AABBCCDD 3000", p, CAP);
    assert_int_equal(mb_afl_decode(p, n, &afl), MB_OK);
    assert_int_equal(afl.len, 17);
    assert_int_equal(afl.ki, 0x1205);
    assert_int_equal(afl.mcr, 1);
    assert_int_equal(afl.mac_len, 4);
    assert_int_equal(afl.mac[0], 0xAA);
    assert_true(afl.has_ml);
    assert_int_equal(afl.ml, 0x30);
    /* The fields must fill AFLL exactly. */
    p[1] = 0x10;
    assert_int_equal(mb_afl_decode(p, n + 1u, &afl), MB_ERR_SEC_HEADER);
    /* A MAC with a reserved authentication type cannot be delimited. */
    n = hx("90 07 002C 2A 01000000", p, CAP);
    assert_int_equal(mb_afl_decode(p, n, &afl), MB_ERR_SEC_HEADER);
    /* Fragment fields. */
    n = hx("90 02 0240", p, CAP);
    assert_int_equal(mb_afl_decode(p, n, &afl), MB_OK);
    assert_int_equal(afl.fcl & MB_FCL_FRAGMENT_ID, 2);
    assert_true((afl.fcl & MB_FCL_MORE_FRAGMENTS) != 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(v1_mode5_short_header),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(v2_mode5_ell_long_header_partial),
#endif
        cmocka_unit_test(v2_wired_mode5),
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(v3_mode7_afl_kdf),
#endif
        cmocka_unit_test(v3_kdf_a_keys),
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(v3_mac_flips_rejected),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(key_bit_flips_rejected),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(v4_ell_ctr),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(no_key),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(v5_format_b_mode7),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(aes_hook_does_the_work),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(seal_gives_published_ciphertexts),
#endif
#if MB_ENABLE_WIRELESS
        cmocka_unit_test(seal_open_round_trip_all_layers),
#endif
        cmocka_unit_test(ell_headers),
        cmocka_unit_test(afl_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* !MB_ENABLE_SECURITY */

#include <stdio.h>

int main(void)
{
    printf("security: MB_ENABLE_SECURITY is 0, nothing to test\n");
    return 0;
}

#endif
