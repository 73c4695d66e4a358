/* meterbus command-line tool: telegrams in hex, AES keys, wireless frames as pasted or received. */
#ifndef MB_CLI_KEYS_H
#define MB_CLI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/meterbus.h"

/* Errors of hex text itself; they are not mb_err codes (JSON code "hex"). */
#define CLI_HEX_OK         0
#define CLI_HEX_NOT_HEX    (-1)
#define CLI_HEX_ODD        (-2)
#define CLI_HEX_TOO_LONG   (-3)
#define CLI_HEX_LINE_LONG  (-4)
#define CLI_HEX_SPLIT_BYTE (-5)

/* The message of a CLI_HEX_* error. */
const char *cli_hex_message(int err);

/* Print JSON document @p json of @p len bytes and a newline; a negative @p len (the writer ran
   out of room) prints an error object instead, so that a line is always one whole object. */
void cli_print_json(const char *json, int len);

/* Space, tab, CR or LF. */
bool cli_is_space(char c);

/*
 * Hex text to bytes appended at out[*n] (cap bytes in all); white space may separate byte pairs,
 * either case. @return CLI_HEX_OK, or a CLI_HEX_* error (then *n is unspecified)
 */
int cli_parse_hex(const char *text, uint8_t *out, size_t cap, size_t *n);

/* Exactly 2 * n hex digits, nothing else, into out. */
bool cli_parse_key(const char *text, uint8_t *out, size_t n);

/* ---- keys ------------------------------------------------------------------------------- */

#define CLI_KEYS_MAX 1024u /* meters in a key file */

/* A key for every meter (--key) and keys per meter ID (--keys FILE). Wipe with cli_keys_wipe(). */
typedef struct cli_keys {
    bool has_default;
    uint8_t default_key[16];
    size_t n;
    uint32_t ids[CLI_KEYS_MAX]; /* the ID as printed: 12345678 is 0x12345678 */
    uint8_t keys[CLI_KEYS_MAX][16];
} cli_keys_t;

/* Set the key of every meter from 32 hex digits. @return false when it is not one. */
bool cli_keys_set_default(cli_keys_t *k, const char *hex);

/*
 * Read a key file: lines "ID KEY" (8 ID digits, 32 hex digits), blank lines and '#' comments.
 * @return false after a message on stderr, prefixed "meterbus @p command: ", naming the file and
 *         the line
 */
bool cli_keys_load(cli_keys_t *k, const char *path, const char *command);

#if MB_ENABLE_SECURITY
/* mb_key_lookup_fn over a cli_keys_t (the ctx): the meter's own key, else the default one. */
int cli_key_lookup(void *ctx, const mb_key_request_t *req, uint8_t key[16]);
#endif

/* Overwrite every key (the keys do not outlive the run). */
void cli_keys_wipe(cli_keys_t *k);

/* ---- wireless frames -------------------------------------------------------------------- */

#if MB_ENABLE_WIRELESS
/*
 * A wireless telegram as found in a hex dump: with CRCs (A or B, told apart by them), else
 * without CRCs when it is exactly L + 1 bytes long. Format B on the air is L + 1 bytes too: a
 * frame of that length whose B CRCs all fail is taken as one without CRCs (hex dumps mostly come
 * without them), one where some block's CRC holds is a format-B frame with a damaged block,
 * reported as such. @p out takes MB_WFRAME_MAX_LEN bytes.
 * @return mb_wframe_decode()'s result: the on-air length, or an error
 */
int cli_wireless_frame(const uint8_t *bytes, size_t n, uint8_t *out, mb_wframe_t *wf);
#endif

#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
/*
 * Open wireless frame @p wf with the keys of @p keys into @p out (mb_wmsg_open()); a full frame's
 * records teach @p cache their format, for compact frames that follow. @return mb_wmsg_open()'s
 * result
 */
int cli_wmsg_open(const mb_wframe_t *wf, cli_keys_t *keys, mb_format_cache_t *cache, uint8_t *out,
                  size_t cap, mb_wmsg_t *msg);
#endif

#endif /* MB_CLI_KEYS_H */
