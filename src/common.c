/* Version and error text: the parts every layer shares. */
#include "meterbus/error.h"
#include "meterbus/version.h"

#include "internal.h"

const char *mb_version(void) { return MB_VERSION_STRING; }

uint32_t mb_version_number(void) { return (uint32_t)MB_VERSION_NUMBER; }

const char *mb_strerror(int err)
{
#if MB_ENABLE_TEXT
    switch (err) {
    case MB_OK: return "ok";
    case MB_ERR_ARG: return "invalid argument";
    case MB_ERR_NOSPACE: return "output buffer too small";
    case MB_ERR_FRAME_EMPTY: return "frame: no bytes";
    case MB_ERR_FRAME_START: return "frame: bad start byte";
    case MB_ERR_FRAME_TRUNCATED: return "frame: truncated";
    case MB_ERR_FRAME_LEN_MISMATCH: return "frame: L fields differ";
    case MB_ERR_FRAME_START2: return "frame: bad second start byte";
    case MB_ERR_FRAME_LEN: return "frame: L below 3";
    case MB_ERR_FRAME_CFIELD: return "frame: C field not allowed for frame type";
    case MB_ERR_FRAME_STOP: return "frame: bad stop byte";
    case MB_ERR_FRAME_CHECKSUM: return "frame: checksum mismatch";
    case MB_ERR_FRAME_TRAILING: return "frame: bytes after the end";
    case MB_ERR_TPL_SHORT: return "transport header: data too short";
    case MB_ERR_REC_DIF_TRUNCATED: return "record: data ends inside DIF/DIFE";
    case MB_ERR_REC_VIF_TRUNCATED: return "record: data ends inside VIF/VIFE";
    case MB_ERR_REC_DATA_TRUNCATED: return "record: data ends inside the value";
    case MB_ERR_REC_TOO_MANY_DIFE: return "record: more than 10 DIFEs";
    case MB_ERR_REC_TOO_MANY_VIFE: return "record: more than 10 VIFEs";
    case MB_ERR_REC_RESERVED_DIF: return "record: reserved DIF";
    case MB_ERR_REC_RESERVED_LVAR: return "record: reserved LVAR";
    case MB_ERR_REC_INEXACT: return "record: value not representable exactly";
    case MB_ERR_REC_RANGE: return "record: value out of range for the data field";
    case MB_ERR_REC_KIND: return "record: value kind does not suit the data field";
    case MB_ERR_WL_TRUNCATED: return "wireless frame: truncated";
    case MB_ERR_WL_LEN: return "wireless frame: L field not possible in the format";
    case MB_ERR_WL_CRC: return "wireless frame: block CRC mismatch";
    case MB_ERR_WL_FORMAT: return "wireless frame: cannot tell format A from B";
    case MB_ERR_WL_3OF6: return "radio: invalid 3-of-6 symbol";
    case MB_ERR_WL_MANCHESTER: return "radio: invalid Manchester chip pair";
    case MB_ERR_SEC_HEADER: return "security: ELL or AFL header truncated or malformed";
    case MB_ERR_SEC_NO_KEY: return "security: no key for this meter";
    case MB_ERR_SEC_CHECK: return "security: decrypted data do not start with 2F 2F (wrong key?)";
    case MB_ERR_SEC_MAC: return "security: MAC mismatch (wrong key or altered message)";
    case MB_ERR_SEC_PAYLOAD_CRC: return "security: ELL payload CRC mismatch (wrong key?)";
    case MB_ERR_SEC_LEN: return "security: encrypted blocks run past the data";
    case MB_ERR_SEC_UNSUPPORTED: return "security: mode, KDF or MAC type not supported";
    case MB_ERR_COMPACT_FORMAT: return "compact frame: unknown format signature";
    case MB_ERR_COMPACT_SHORT: return "compact frame: data end inside a record";
    case MB_ERR_MASTER_BUSY: return "master: a transaction is already running";
    case MB_ERR_MASTER_TIMEOUT: return "master: no answer";
    case MB_ERR_MASTER_COLLISION: return "master: garbled answer or collision";
    case MB_ERR_MASTER_UNEXPECTED: return "master: unexpected answer";
    case MB_ERR_MASTER_LINE: return "master: line error";
    default: return "unknown error";
    }
#else
    (void)err;
    return "";
#endif
}

const char *mb_error_name(int err)
{
#if MB_ENABLE_TEXT
    switch (err) {
    case MB_OK: return "ok";
    case MB_ERR_ARG: return "arg";
    case MB_ERR_NOSPACE: return "nospace";
    case MB_ERR_FRAME_EMPTY: return "frame_empty";
    case MB_ERR_FRAME_START: return "frame_start";
    case MB_ERR_FRAME_TRUNCATED: return "frame_truncated";
    case MB_ERR_FRAME_LEN_MISMATCH: return "frame_len_mismatch";
    case MB_ERR_FRAME_START2: return "frame_start2";
    case MB_ERR_FRAME_LEN: return "frame_len";
    case MB_ERR_FRAME_CFIELD: return "frame_cfield";
    case MB_ERR_FRAME_STOP: return "frame_stop";
    case MB_ERR_FRAME_CHECKSUM: return "frame_checksum";
    case MB_ERR_FRAME_TRAILING: return "frame_trailing";
    case MB_ERR_TPL_SHORT: return "tpl_short";
    case MB_ERR_REC_DIF_TRUNCATED: return "rec_dif_truncated";
    case MB_ERR_REC_VIF_TRUNCATED: return "rec_vif_truncated";
    case MB_ERR_REC_DATA_TRUNCATED: return "rec_data_truncated";
    case MB_ERR_REC_TOO_MANY_DIFE: return "rec_too_many_dife";
    case MB_ERR_REC_TOO_MANY_VIFE: return "rec_too_many_vife";
    case MB_ERR_REC_RESERVED_DIF: return "rec_reserved_dif";
    case MB_ERR_REC_RESERVED_LVAR: return "rec_reserved_lvar";
    case MB_ERR_REC_INEXACT: return "rec_inexact";
    case MB_ERR_REC_RANGE: return "rec_range";
    case MB_ERR_REC_KIND: return "rec_kind";
    case MB_ERR_WL_TRUNCATED: return "wl_truncated";
    case MB_ERR_WL_LEN: return "wl_len";
    case MB_ERR_WL_CRC: return "wl_crc";
    case MB_ERR_WL_FORMAT: return "wl_format";
    case MB_ERR_WL_3OF6: return "wl_3of6";
    case MB_ERR_WL_MANCHESTER: return "wl_manchester";
    case MB_ERR_SEC_HEADER: return "sec_header";
    case MB_ERR_SEC_NO_KEY: return "sec_no_key";
    case MB_ERR_SEC_CHECK: return "sec_check";
    case MB_ERR_SEC_MAC: return "sec_mac";
    case MB_ERR_SEC_PAYLOAD_CRC: return "sec_payload_crc";
    case MB_ERR_SEC_LEN: return "sec_len";
    case MB_ERR_SEC_UNSUPPORTED: return "sec_unsupported";
    case MB_ERR_COMPACT_FORMAT: return "compact_format";
    case MB_ERR_COMPACT_SHORT: return "compact_short";
    case MB_ERR_MASTER_BUSY: return "master_busy";
    case MB_ERR_MASTER_TIMEOUT: return "master_timeout";
    case MB_ERR_MASTER_COLLISION: return "master_collision";
    case MB_ERR_MASTER_UNEXPECTED: return "master_unexpected";
    case MB_ERR_MASTER_LINE: return "master_line";
    default: return "unknown";
    }
#else
    (void)err;
    return "";
#endif
}

uint8_t mb_internal_sum8(const uint8_t *p, size_t len)
{
    /*
     * Every long frame's checksum is on the hot path: eight bytes at a time, summed in the four
     * 16-bit lanes of a 64-bit word (byte order does not matter for a sum). A lane gains at most
     * 2 * 255 per word, so 128 words fit before the lanes are folded.
     */
    const uint64_t even = 0x00FF00FF00FF00FFu;
    unsigned sum = 0;
    while (len >= 8u) {
        uint64_t lanes = 0;
        size_t words = len / 8u < 128u ? len / 8u : 128u;
        for (size_t w = 0; w < words; w++, p += 8) {
            uint64_t x;
            mb_internal_copy((uint8_t *)&x, p, 8);
            lanes += (x & even) + ((x >> 8) & even);
        }
        len -= 8u * words;
        lanes = (lanes & 0x0000FFFF0000FFFFu) + ((lanes >> 16) & 0x0000FFFF0000FFFFu);
        sum += (unsigned)(lanes + (lanes >> 32));
    }
    while (len-- > 0u) {
        sum += *p++;
    }
    return (uint8_t)sum;
}
