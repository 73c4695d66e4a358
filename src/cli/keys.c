/* meterbus command-line tool: telegrams in hex, AES keys, wireless frames as pasted or received. */
#include "keys.h"

#include <stdio.h>
#include <string.h>

const char *cli_hex_message(int err)
{
    switch (err) {
    case CLI_HEX_ODD: return "odd number of hex digits";
    case CLI_HEX_TOO_LONG: return "telegram longer than the longest frame";
    case CLI_HEX_LINE_LONG: return "line too long";
    case CLI_HEX_SPLIT_BYTE: return "white space inside a byte (two hex digits)";
    default: return "not a hex telegram";
    }
}

void cli_print_json(const char *json, int len)
{
    if (len < 0) {
        puts("{\"error\":{\"code\":\"nospace\",\"message\":\"output too long\"}}");
        return;
    }
    fwrite(json, 1, (size_t)len, stdout);
    putchar('\n');
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool cli_is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int cli_parse_hex(const char *text, uint8_t *out, size_t cap, size_t *n)
{
    int high = -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (cli_is_space(*p)) {
            if (high >= 0) {
                /* "1 2": a digit alone before white space; "1" at the very end is odd. */
                const char *q = p;
                while (cli_is_space(*q)) {
                    q++;
                }
                return *q == '\0' ? CLI_HEX_ODD : CLI_HEX_SPLIT_BYTE;
            }
            continue;
        }
        int d = hex_value(*p);
        if (d < 0) {
            return CLI_HEX_NOT_HEX;
        }
        if (high < 0) {
            high = d;
        } else {
            if (*n >= cap) {
                return CLI_HEX_TOO_LONG;
            }
            out[(*n)++] = (uint8_t)(high << 4 | d);
            high = -1;
        }
    }
    return high >= 0 ? CLI_HEX_ODD : CLI_HEX_OK;
}

bool cli_parse_key(const char *text, uint8_t *out, size_t n)
{
    size_t got = 0;
    return strlen(text) == 2u * n && cli_parse_hex(text, out, n, &got) == CLI_HEX_OK && got == n;
}

/* ---- keys ------------------------------------------------------------------------------- */

bool cli_keys_set_default(cli_keys_t *k, const char *hex)
{
    k->has_default = cli_parse_key(hex, k->default_key, 16);
    return k->has_default;
}

bool cli_keys_load(cli_keys_t *k, const char *path, const char *command)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "meterbus %s: cannot open key file %s\n", command, path);
        return false;
    }
    char line[256];
    unsigned number = 0;
    bool ok = true;
    while (fgets(line, sizeof line, f) != NULL) {
        number++;
        const char *p = line;
        while (cli_is_space(*p)) {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            continue;
        }
        char id_text[64], key_text[128], extra[8];
        uint8_t id_bytes[4];
        int fields = sscanf(p, "%63s %127s %7s", id_text, key_text, extra);
        bool full = k->n == CLI_KEYS_MAX;
        if (fields != 2 || strlen(id_text) != 8u || !cli_parse_key(id_text, id_bytes, 4) || full ||
            !cli_parse_key(key_text, k->keys[k->n], 16)) {
            fprintf(stderr, "meterbus %s: %s:%u: expected \"ID KEY\" (8 and 32 hex digits)%s\n",
                    command, path, number, full ? ", or too many keys" : "");
            ok = false;
            break;
        }
        /* The ID as printed: its digits are the nibbles, first digit in the top one. */
        k->ids[k->n++] = (uint32_t)id_bytes[0] << 24 | (uint32_t)id_bytes[1] << 16 |
                         (uint32_t)id_bytes[2] << 8 | id_bytes[3];
    }
    memset(line, 0, sizeof line);
    fclose(f);
    return ok;
}

#if MB_ENABLE_SECURITY
int cli_key_lookup(void *ctx, const mb_key_request_t *req, uint8_t key[16])
{
    const cli_keys_t *k = ctx;
    for (size_t i = 0; i < k->n; i++) {
        if (k->ids[i] == req->meter.id) {
            memcpy(key, k->keys[i], 16);
            return MB_OK;
        }
    }
    if (k->has_default) {
        memcpy(key, k->default_key, 16);
        return MB_OK;
    }
    return MB_ERR_SEC_NO_KEY;
}
#endif

void cli_keys_wipe(cli_keys_t *k)
{
    volatile uint8_t *bytes = (volatile uint8_t *)k; /* not optimised away as a dead store */
    for (size_t i = 0; i < sizeof *k; i++) {
        bytes[i] = 0;
    }
}

/* ---- wireless frames -------------------------------------------------------------------- */

#if MB_ENABLE_WIRELESS
int cli_wireless_frame(const uint8_t *bytes, size_t n, uint8_t *out, mb_wframe_t *wf)
{
    int r = mb_wframe_decode(bytes, n, MB_WFORMAT_AUTO, out, MB_WFRAME_MAX_LEN, wf);
    bool some_block_holds =
        r == MB_ERR_WL_CRC && wf->blocks > 1u && wf->crc_errors != (1u << wf->blocks) - 1u;
    if (r < 0 && !some_block_holds && n > 0u && n == (size_t)bytes[0] + 1u) {
        mb_wframe_t none_frame;
        int none = mb_wframe_decode(bytes, n, MB_WFORMAT_NONE, out, MB_WFRAME_MAX_LEN, &none_frame);
        if (none >= 0) {
            *wf = none_frame;
            return none;
        }
        r = mb_wframe_decode(bytes, n, MB_WFORMAT_AUTO, out, MB_WFRAME_MAX_LEN, wf);
    }
    return r;
}
#endif

#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
int cli_wmsg_open(const mb_wframe_t *wf, cli_keys_t *keys, mb_format_cache_t *cache, uint8_t *out,
                  size_t cap, mb_wmsg_t *msg)
{
    mb_keys_t lookup = {cli_key_lookup, keys, NULL};
    int status = mb_wmsg_open(wf->frame, wf->frame_len, &lookup, out, cap, msg);
    if (status == MB_OK && msg->has_tpl && msg->tpl.info.content == MB_CI_RECORDS) {
        mb_format_t fmt; /* full frames teach the formats of compact ones */
        if (mb_format_learn(msg->tpl.apl, msg->tpl.apl_len, &fmt) == MB_OK && fmt.len > 0u) {
            (void)mb_format_cache_put(cache, &fmt);
        }
    }
    return status;
}
#endif
