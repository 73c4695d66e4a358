/* Helpers shared by the tests: hex parsing, files, and a deterministic random generator. */
#ifndef MB_TESTUTIL_H
#define MB_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse hex text ("68 03 03 68", "680303", upper or lower case, any white space between byte
 * pairs) into @p out. @return bytes written, or -1 on a bad digit, an odd digit count inside a
 * token, or more than @p cap bytes.
 */
int mbt_hex(const char *text, uint8_t *out, size_t cap);

/* Read up to cap-1 bytes of a file as a string ("" when it cannot be opened). @return opened. */
bool mbt_read_text(const char *path, char *out, size_t cap);

/*
 * The libmbus corpus folder named by the environment variable MB_CORPUS_DIR, or NULL (after
 * saying so on stdout) when it is unset or cannot be opened: the test then skips.
 */
const char *mbt_corpus_dir(void);

/* xorshift32: the same sequence on every platform for a given seed (seed must not be 0). */
uint32_t mbt_rand(uint32_t *state);

/* A value in 0..n-1 (n > 0). */
uint32_t mbt_rand_below(uint32_t *state, uint32_t n);

#endif
