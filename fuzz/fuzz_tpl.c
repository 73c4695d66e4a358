/*
 * Fuzz harness for the transport layer (tpl.h): mb_ci_info, mb_tpl_decode, mb_fixed_decode, the
 * identification helpers and names, then the data records behind the header (records.h).
 *
 * Input: the CI byte, then the bytes that follow it in a telegram (copied to a buffer of their own
 * size, so that AddressSanitizer sees any read outside them).
 *
 * mb_tpl_decode() is compared with a model written from tpl.h and EN 13757-3:
 * no header, a short header (ACC, status, CF) or a long one (ID, manufacturer, version, device
 * type, then the short fields); for security modes 7 and 13 the CF extension (EN 13757-3: the
 * CFE of mode 7, the protocol type of mode 13), and for mode 7 the message counter (CF bit 13, Z)
 * and the key version (CFE bit 6, V). CI 0x73 with exactly 16 bytes is the
 * legacy fixed structure, which mb_fixed_decode() is checked against. The
 * application data view must be the rest of the input; it is iterated with records from a meter
 * and to a meter, with every record check and the encoder round trip of records_check.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/tpl.h"

#include "fuzz_check.h"
#include "records_check.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The transport header of CIs EN 13757-3's CI table names, -1 for others. Checked only in
 * that direction: the library may know more codes than this list.
 */
static int expected_header(uint8_t ci)
{
    if (ci >= 0xA0u && ci <= 0xBFu) {
        return MB_TPL_HEADER_NONE; /* manufacturer specific, baud rates */
    }
    if (ci >= 0x8Cu && ci <= 0x8Fu) {
        return MB_TPL_HEADER_OTHER; /* ELL */
    }
    switch (ci) {
    case 0x50:
    case 0x51:
    case 0x52:
    case 0x54:
    case 0x5C:
    case 0x66:
    case 0x69:
    case 0x70:
    case 0x71:
    case 0x78:
    case 0x79:
    case 0x83:
    case 0x89: return MB_TPL_HEADER_NONE;
    case 0x5A:
    case 0x61:
    case 0x65:
    case 0x67:
    case 0x6A:
    case 0x6E:
    case 0x74:
    case 0x7A:
    case 0x7B:
    case 0x7D:
    case 0x7F:
    case 0x88:
    case 0x8A:
    case 0x9E:
    case 0xC1:
    case 0xC4: return MB_TPL_HEADER_SHORT;
    case 0x53:
    case 0x55:
    case 0x5B:
    case 0x5F:
    case 0x60:
    case 0x64:
    case 0x68:
    case 0x6B:
    case 0x6C:
    case 0x6D:
    case 0x6F:
    case 0x72:
    case 0x73:
    case 0x75:
    case 0x7C:
    case 0x7E:
    case 0x80:
    case 0x82:
    case 0x84:
    case 0x85:
    case 0x87:
    case 0x8B:
    case 0x9F:
    case 0xC0:
    case 0xC2:
    case 0xC3:
    case 0xC5: return MB_TPL_HEADER_LONG;
    case 0x81:
    case 0x86:
    case 0x90: return MB_TPL_HEADER_OTHER;
    default: return -1;
    }
}

static void check_ci_info(uint8_t ci, mb_ci_info_t info)
{
    CHECK((unsigned)info.header <= (unsigned)MB_TPL_HEADER_OTHER);
    CHECK((unsigned)info.content <= (unsigned)MB_CI_NETWORK_LAYER);
    CHECK((unsigned)info.direction <= (unsigned)MB_CI_FROM_METER);
    const char *name = mb_ci_content_name(info.content);
    CHECK(name != NULL);
#if MB_ENABLE_TEXT
    CHECK(name[0] != '\0');
#endif
    int want = expected_header(ci);
    if (want >= 0) {
        CHECK((int)info.header == want);
    }
    /* Layers of their own are exactly the "other" headers. */
    bool layer = info.content == MB_CI_ELL || info.content == MB_CI_AFL ||
                 info.content == MB_CI_NETWORK_LAYER;
    CHECK(layer == (info.header == MB_TPL_HEADER_OTHER));
    if (ci >= 0xB8u && ci <= 0xBFu) {
        CHECK(info.content == MB_CI_BAUD && info.direction == MB_CI_TO_METER);
    }
    if (ci >= 0xA0u && ci <= 0xB7u) {
        CHECK(info.content == MB_CI_MANUFACTURER);
    }
    if (ci == 0x72u || ci == 0x78u || ci == 0x7Au) {
        CHECK(info.content == MB_CI_RECORDS && info.direction == MB_CI_FROM_METER);
    }
    if (ci == 0x51u || ci == 0x5Au || ci == 0x5Bu) {
        CHECK(info.content == MB_CI_RECORDS && info.direction == MB_CI_TO_METER);
    }
    if (ci == 0x70u || ci == 0x6Eu || ci == 0x6Fu) {
        CHECK(info.content == MB_CI_APP_ERROR && info.direction == MB_CI_FROM_METER);
    }
    if (ci == 0x71u || ci == 0x74u || ci == 0x75u) {
        CHECK(info.content == MB_CI_ALARM && info.direction == MB_CI_FROM_METER);
    }
    CHECK(info.content != MB_CI_FIXED); /* only mb_tpl_decode() knows the length */
}

/* Model of mb_tpl_decode(): @return the header length, or -1 when the bytes end inside it. */
static int model_header_len(const mb_ci_info_t *info, const uint8_t *d, size_t len)
{
    size_t pos = 0;
    uint16_t cf = 0;
    if (info->header == MB_TPL_HEADER_LONG) {
        if (len < 12u) {
            return -1;
        }
        pos = 8;
    }
    if (info->header == MB_TPL_HEADER_LONG || info->header == MB_TPL_HEADER_SHORT) {
        if (len - pos < 4u) {
            return -1;
        }
        cf = le16(d + pos + 2u);
        pos += 4u;
    }
    uint8_t mode = mb_cf_security_mode(cf);
    if (mode == 7u || mode == 13u) {
        if (pos >= len) {
            return -1;
        }
        uint8_t cfe = d[pos++];
        if (mode == 7u && (cf & 0x2000u) != 0u) {
            if (len - pos < 4u) {
                return -1;
            }
            pos += 4u;
        }
        if (mode == 7u && (cfe & 0x40u) != 0u) {
            if (pos >= len) {
                return -1;
            }
            pos++;
        }
    }
    return (int)pos;
}

static void check_tpl(uint8_t ci, const uint8_t *d, size_t len)
{
    mb_tpl_t tpl;
    CHECK(mb_tpl_decode(ci, d, len, NULL) == MB_ERR_ARG);
    if (len > 0u) {
        CHECK(mb_tpl_decode(ci, NULL, len, &tpl) == MB_ERR_ARG);
    }

    mb_ci_info_t info = mb_ci_info(ci);
    check_ci_info(ci, info);
    bool fixed = ci == 0x73u && len == MB_FIXED_LEN;
    if (fixed) {
        info.header = MB_TPL_HEADER_NONE;
        info.content = MB_CI_FIXED;
    }
    int hlen = model_header_len(&info, d, len);

    memset(&tpl, 0xA5, sizeof tpl); /* junk, so that a forgotten field shows */
    int r = mb_tpl_decode(ci, d, len, &tpl);
    if (hlen < 0) {
        CHECK(r == MB_ERR_TPL_SHORT);
        return;
    }
    CHECK(r == MB_OK);
    CHECK(tpl.ci == ci);
    CHECK(tpl.info.header == info.header && tpl.info.content == info.content &&
          tpl.info.direction == info.direction);

    CHECK(tpl.apl == d + hlen || (d == NULL && tpl.apl == NULL));
    CHECK(tpl.apl_len == len - (size_t)hlen);
    CHECK(rc_in_view(d, len, tpl.apl, tpl.apl_len));

    size_t pos = 0;
    CHECK(tpl.has_address == (info.header == MB_TPL_HEADER_LONG));
    if (tpl.has_address) {
        mb_secondary_t a;
        mb_secondary_unpack(d, &a);
        CHECK(tpl.address.id == le32(d) && tpl.address.manufacturer == le16(d + 4));
        CHECK(tpl.address.version == d[6] && tpl.address.medium == d[7]);
        CHECK(a.id == tpl.address.id && a.manufacturer == tpl.address.manufacturer);
        pos = 8;
        /* Identification helpers (tpl.h). */
        char text[9];
        mb_id_text(tpl.address.id, text);
        static const char hex[] = "0123456789ABCDEF";
        for (unsigned i = 0; i < 8u; i++) {
            CHECK(text[i] == hex[(tpl.address.id >> (28u - 4u * i)) & 0xFu]);
        }
        CHECK(text[8] == '\0');
        char man[4];
        bool ok = mb_manufacturer_text(tpl.address.manufacturer, man);
        CHECK(man[3] == '\0' && strlen(man) == 3u);
        bool letters = true;
        for (unsigned i = 0; i < 3u; i++) {
            unsigned l = ((unsigned)tpl.address.manufacturer >> (10u - 5u * i)) & 0x1Fu;
            bool valid = l >= 1u && l <= 26u;
            letters = letters && valid;
            CHECK(man[i] == (valid ? (char)('@' + l) : '?'));
        }
        CHECK(ok == letters);
        CHECK(mb_manufacturer_code(man) ==
              (ok ? (uint16_t)(tpl.address.manufacturer & 0x7FFFu) : 0u));
        rc_check_name(mb_medium_name(tpl.address.medium), true);
    }
    if (info.header == MB_TPL_HEADER_LONG || info.header == MB_TPL_HEADER_SHORT) {
        CHECK(tpl.access == d[pos] && tpl.status == d[pos + 1u]);
        CHECK(tpl.config == le16(d + pos + 2u));
        pos += 4u;
    } else {
        CHECK(tpl.access == 0u && tpl.status == 0u && tpl.config == 0u);
    }
    uint8_t mode = mb_cf_security_mode(tpl.config);
    CHECK(tpl.has_config_ext == (mode == 7u || mode == 13u));
    if (tpl.has_config_ext) {
        CHECK(tpl.config_ext == d[pos]);
        pos++;
    } else {
        CHECK(tpl.config_ext == 0u);
    }
    CHECK(tpl.has_message_counter == (mode == 7u && (tpl.config & 0x2000u) != 0u));
    if (tpl.has_message_counter) {
        CHECK(tpl.message_counter == le32(d + pos));
        pos += 4u;
    } else {
        CHECK(tpl.message_counter == 0u);
    }
    CHECK(tpl.has_key_version == (mode == 7u && (tpl.config_ext & 0x40u) != 0u));
    if (tpl.has_key_version) {
        CHECK(tpl.key_version == d[pos]);
        pos++;
    } else {
        CHECK(tpl.key_version == 0u);
    }
    CHECK(pos == (size_t)hlen);
    CHECK(mb_cf_encrypted_blocks(tpl.config) == ((tpl.config >> 4) & 0x0Fu));

    if (info.content == MB_CI_APP_ERROR && tpl.apl_len > 0u) {
        rc_check_name(mb_app_error_name(tpl.apl[0]), false);
    }

    /* The records behind the header, both directions, with every record check. */
    struct rc_walk w = {0, 0, 0, NULL};
    rc_walk(tpl.apl, tpl.apl_len, 0, true, &w);
    rc_walk(tpl.apl, tpl.apl_len, MB_RECORDS_TO_METER, true, &w);
}

/* ---- legacy fixed data structure -------------------------------------------- */

static void check_fixed_counter(const mb_fixed_counter_t *c, const uint8_t *p, bool binary,
                                uint8_t unit_code)
{
    CHECK((unsigned)c->quantity < (unsigned)MB_Q_COUNT_);
    CHECK((unsigned)c->unit < (unsigned)MB_UNIT_COUNT_);
    rc_check_name(mb_quantity_name(c->quantity), true);
    rc_check_name(mb_unit_name(c->unit), c->unit != MB_UNIT_NONE);
    if (binary) {
        CHECK(c->valid && c->mantissa == (int64_t)le32(p));
    } else {
        bool valid = true;
        int64_t m = 0;
        for (unsigned i = 4; i-- > 0u;) {
            unsigned hi = p[i] >> 4, lo = p[i] & 0x0Fu;
            valid = valid && hi <= 9u && lo <= 9u;
            m = m * 100 + (int64_t)(hi * 10u + lo);
        }
        CHECK(c->valid == valid);
        if (valid) {
            CHECK(c->mantissa == m);
        }
    }
    /* Unit codes 02..37: six quantities in nine decades each; 38 m°C; 39 HCA units. */
    static const mb_quantity_t q6[6] = {MB_Q_ENERGY, MB_Q_ENERGY, MB_Q_POWER,
                                        MB_Q_POWER,  MB_Q_VOLUME, MB_Q_VOLUME_FLOW};
    static const mb_unit_t u6[6] = {MB_UNIT_WH,      MB_UNIT_J,  MB_UNIT_W,
                                    MB_UNIT_J_PER_H, MB_UNIT_M3, MB_UNIT_M3_PER_H};
    static const int e6[6] = {0, 3, 0, 3, -6, -6};
    if (unit_code >= 0x02u && unit_code <= 0x37u) {
        unsigned g = (unit_code - 0x02u) / 9u, k = (unit_code - 0x02u) % 9u;
        CHECK(c->quantity == q6[g] && c->unit == u6[g] && c->exponent == e6[g] + (int)k);
    } else if (unit_code == 0x38u) {
        CHECK(c->unit == MB_UNIT_CELSIUS && c->exponent == -3);
    } else if (unit_code == 0x39u) {
        CHECK(c->quantity == MB_Q_HCA_UNITS);
    }
}

static void check_fixed(const uint8_t *d, size_t len)
{
    mb_fixed_t f;
    CHECK(mb_fixed_decode(d, len, NULL) == MB_ERR_ARG);
    CHECK(mb_fixed_decode(NULL, len, &f) == MB_ERR_ARG);
    int r = mb_fixed_decode(d, len, &f);
    if (len < MB_FIXED_LEN) {
        CHECK(r == MB_ERR_TPL_SHORT);
        return;
    }
    CHECK(r == MB_OK);
    CHECK(f.id == le32(d) && f.access == d[4] && f.status == d[5]);
    CHECK(f.medium == ((d[6] >> 6) | (d[7] >> 6) << 2));
    rc_check_name(mb_fixed_medium_name(f.medium), false);
    bool binary = (d[5] & 0x80u) != 0u;
    uint8_t u1 = d[6] & 0x3Fu, u2 = d[7] & 0x3Fu;
    CHECK(f.counter[0].unit_code == u1 && f.counter[1].unit_code == u2);
    check_fixed_counter(&f.counter[0], d + 8, binary, u1);
    /* Unit code 3E: counter 2 is a stored value in counter 1's unit. */
    check_fixed_counter(&f.counter[1], d + 12, binary, u2 == 0x3Eu ? u1 : u2);
    CHECK(!f.counter[0].historic);
    CHECK(f.counter[1].historic == (u2 == 0x3Eu || (d[5] & 0x40u) != 0u));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1u) {
        return 0;
    }
    uint8_t ci = data[0];
    size_t len = size - 1u;
    uint8_t *d = malloc(len == 0u ? 1u : len);
    CHECK(d != NULL);
    if (len > 0u) {
        memcpy(d, data + 1, len);
    }

    check_tpl(ci, d, len);
    check_fixed(d, len);
    /* No bytes at all may come as NULL. */
    mb_tpl_t tpl;
    int r = mb_tpl_decode(ci, NULL, 0, &tpl);
    bool needs_header =
        mb_ci_info(ci).header == MB_TPL_HEADER_SHORT || mb_ci_info(ci).header == MB_TPL_HEADER_LONG;
    CHECK(r == (needs_header ? MB_ERR_TPL_SHORT : MB_OK));
    if (r == MB_OK) {
        CHECK(tpl.apl_len == 0u);
    }

    free(d);
    return 0;
}
