/* opendir() */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int hex_digit(char c)
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

int mbt_hex(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int high = -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            if (high >= 0) {
                return -1; /* odd number of digits in a token */
            }
            continue;
        }
        int d = hex_digit(*p);
        if (d < 0) {
            return -1;
        }
        if (high < 0) {
            high = d;
            continue;
        }
        if (n >= cap) {
            return -1;
        }
        out[n++] = (uint8_t)(high << 4 | d);
        high = -1;
    }
    return high >= 0 ? -1 : (int)n;
}

uint32_t mbt_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

uint32_t mbt_rand_below(uint32_t *state, uint32_t n) { return mbt_rand(state) % n; }

bool mbt_read_text(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f != NULL) {
        n = fread(out, 1, cap - 1, f);
        fclose(f);
    }
    out[n] = '\0';
    return f != NULL;
}

const char *mbt_corpus_dir(void)
{
    const char *dir_name = getenv("MB_CORPUS_DIR");
    DIR *dir = dir_name == NULL ? NULL : opendir(dir_name);
    if (dir == NULL) {
        printf("libmbus corpus not found (MB_CORPUS_DIR=%s): skipped\n",
               dir_name == NULL ? "" : dir_name);
        return NULL;
    }
    closedir(dir);
    return dir_name;
}
