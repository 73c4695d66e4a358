/*
 * The libmbus telegram corpus (103 real wired telegrams), parsed at link level.
 *
 * The corpus is not part of this repository: the test reads the folder named by the environment
 * variable MB_CORPUS_DIR (CMake sets it to ../shared/corpus/libmbus beside the checkout) and exits
 * with 77, which ctest reports as skipped, when the folder is absent.
 *
 * What each file must give follows the corpus README: every test-frame decodes (RSP_UD long frames
 * with CI 0x72 or 0x73); the 20 error-frames are all well-formed frames, their errors lie above the
 * link layer (10 application-error replies CI 0x70, 10 variable-data replies CI 0x72 with broken
 * records); of the unsupported frames invalid_length.hex has L = 0, manual_frame1.hex is not even
 * valid hex text ("D 04 04 68 ..."), and the other five are well-formed frames libmbus cannot
 * interpret. Where libmbus's expected XML gives the slave's ID and access number, they are compared
 * with the bytes of the long header (or of the legacy fixed structure for CI 0x73) that the frame's
 * data view points to, which checks that the view is placed exactly.
 */
#define _POSIX_C_SOURCE 200809L
/* 64-bit directory offsets: without it, 32-bit builds under qemu-user fail to list directories. */
#define _FILE_OFFSET_BITS 64

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/link.h"
#include "testutil.h"

#define MAX_FILES 128
#define TEXT_MAX  4096

typedef struct corpus_file {
    char name[128];
    char text[TEXT_MAX]; /* the .hex file */
    char xml[TEXT_MAX];  /* start of the .xml next to it, "" when there is none */
} corpus_file_t;

static const char *corpus_dir;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const corpus_file_t *)a)->name, ((const corpus_file_t *)b)->name);
}

/* Load every *.hex of one corpus subfolder, sorted by name. @return the number loaded. */
static size_t load(const char *sub, corpus_file_t *files, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", corpus_dir, sub);
    DIR *dir = opendir(path);
    assert_non_null(dir);
    size_t n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".hex") != 0) {
            continue;
        }
        assert_true(n < cap);
        assert_true(len < sizeof files[n].name);
        strcpy(files[n].name, e->d_name);
        snprintf(path, sizeof path, "%s/%s/%s", corpus_dir, sub, e->d_name);
        (void)mbt_read_text(path, files[n].text, TEXT_MAX);
        snprintf(path, sizeof path, "%s/%s/%.*s.xml", corpus_dir, sub, (int)(len - 4), e->d_name);
        (void)mbt_read_text(path, files[n].xml, TEXT_MAX);
        n++;
        errno = 0;
    }
    assert_int_equal(errno, 0); /* the listing itself must not fail */
    closedir(dir);
    qsort(files, n, sizeof files[0], by_name);
    return n;
}

/* The integer inside <tag>...</tag> of the XML, or -1 when absent. */
static long xml_number(const char *xml, const char *tag)
{
    char open[64];
    snprintf(open, sizeof open, "<%s>", tag);
    const char *p = strstr(xml, open);
    return p == NULL ? -1 : strtol(p + strlen(open), NULL, 10);
}

/* The text inside <tag>...</tag> of the XML into out; false when absent. */
static bool xml_text(const char *xml, const char *tag, char *out, size_t cap)
{
    char open[64];
    snprintf(open, sizeof open, "<%s>", tag);
    const char *p = strstr(xml, open);
    if (p == NULL) {
        return false;
    }
    p += strlen(open);
    size_t n = 0;
    while (p[n] != '<' && p[n] != '\0' && n + 1 < cap) {
        out[n] = p[n];
        n++;
    }
    out[n] = '\0';
    return true;
}

/*
 * 4 BCD bytes, least significant first, as libmbus prints an ID: digits without leading zeros,
 * a nibble above 9 as its hex digit (an ID like 0500023E occurs in real meters).
 */
static void id_text(const uint8_t *p, char out[9])
{
    static const char digits[] = "0123456789ABCDEF";
    char all[9];
    for (int i = 0; i < 4; i++) {
        all[2 * i] = digits[p[3 - i] >> 4];
        all[2 * i + 1] = digits[p[3 - i] & 0x0F];
    }
    all[8] = '\0';
    const char *first = all;
    while (*first == '0' && first[1] != '\0') {
        first++;
    }
    strcpy(out, first);
}

/* Decode one file; it must be a single, complete, valid frame. */
static void decode_ok(const corpus_file_t *f, uint8_t *buf, mb_frame_t *frame)
{
    int n = mbt_hex(f->text, buf, MB_FRAME_MAX_LEN + 16);
    if (n <= 0) {
        fail_msg("%s: not hex", f->name);
    }
    int err = mb_frame_decode(buf, (size_t)n, frame);
    if (err != MB_OK) {
        fail_msg("%s: %s", f->name, mb_strerror(err));
    }
    /* The data view lies inside the buffer and ends just before checksum and stop byte. */
    if (frame->type == MB_FRAME_LONG) {
        assert_ptr_equal(frame->data, buf + 7);
        assert_int_equal(frame->data_len, (size_t)n - 9);
    }
}

/* Compare ID and access number from libmbus's XML with the header bytes of the data view. */
static void check_identity(const corpus_file_t *f, const mb_frame_t *frame)
{
    char id[32], have[9];
    long access = xml_number(f->xml, "AccessNumber");
    if (!xml_text(f->xml, "Id", id, sizeof id)) {
        return;
    }
    /* CI 0x72: ID(4) manufacturer(2) version medium access ...; CI 0x73: ID(4) access ... */
    size_t access_at = frame->ci == 0x72 ? 8 : 4;
    assert_true(frame->data_len > access_at);
    id_text(frame->data, have);
    if (strcmp(have, id) != 0) {
        fail_msg("%s: ID %s in the XML, %s in the frame", f->name, id, have);
    }
    assert_int_equal(frame->data[access_at], access);
}

static void test_frames(void **state)
{
    (void)state;
    static corpus_file_t files[MAX_FILES];
    uint8_t buf[MB_FRAME_MAX_LEN + 16];
    size_t n = load("test-frames", files, MAX_FILES);
    assert_int_equal(n, 76);
    size_t with_identity = 0;
    for (size_t i = 0; i < n; i++) {
        mb_frame_t frame;
        decode_ok(&files[i], buf, &frame);
        assert_int_equal(frame.type, MB_FRAME_LONG);
        assert_false(mb_c_is_prm(frame.c));
        assert_int_equal(mb_c_function(frame.c), 0x8); /* RSP_UD */
        assert_true(frame.ci == 0x72 || frame.ci == 0x73);
        check_identity(&files[i], &frame);
        char id[32];
        with_identity += xml_text(files[i].xml, "Id", id, sizeof id);
    }
    assert_int_equal(with_identity, 76);
}

static void error_frames(void **state)
{
    (void)state;
    static corpus_file_t files[MAX_FILES];
    uint8_t buf[MB_FRAME_MAX_LEN + 16];
    size_t n = load("error-frames", files, MAX_FILES);
    assert_int_equal(n, 20);
    size_t app_errors = 0;
    for (size_t i = 0; i < n; i++) {
        mb_frame_t frame;
        decode_ok(&files[i], buf, &frame);
        assert_int_equal(frame.c, MB_C_RSP_UD);
        if (files[i].xml[0] != '\0') {
            /* Application error: CI 0x70 with one code byte, or none (control frame). */
            assert_int_equal(frame.ci, 0x70);
            assert_true(frame.data_len <= 1);
            app_errors++;
        } else {
            assert_int_equal(frame.ci, 0x72);
            assert_int_equal(frame.type, MB_FRAME_LONG);
        }
    }
    assert_int_equal(app_errors, 10);
}

static void unsupported_frames(void **state)
{
    (void)state;
    static corpus_file_t files[MAX_FILES];
    uint8_t buf[MB_FRAME_MAX_LEN + 16];
    mb_frame_t frame;
    /* name, C, A, CI of the five well-formed ones, read off the files by hand. */
    static const struct {
        const char *name;
        uint8_t c, a, ci;
    } good[] = {
        {"invalid_length2.hex", 0x08, 0x01, 0x73},   {"manual_frame4.hex", 0x53, 0xFE, 0x51},
        {"manual_frame5.hex", 0x53, 0xFE, 0x51},     {"manual_frame6.hex", 0x53, 0xFE, 0x51},
        {"svm_f22_telegram2.hex", 0x08, 0x01, 0x72},
    };
    size_t n = load("unsupported-frames", files, MAX_FILES);
    assert_int_equal(n, 7);
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        const corpus_file_t *f = &files[i];
        if (strcmp(f->name, "invalid_length.hex") == 0) {
            int len = mbt_hex(f->text, buf, sizeof buf);
            assert_int_equal(len, 6);
            assert_int_equal(mb_frame_decode(buf, (size_t)len, &frame), MB_ERR_FRAME_LEN);
            seen++;
            continue;
        }
        if (strcmp(f->name, "manual_frame1.hex") == 0) {
            assert_int_equal(mbt_hex(f->text, buf, sizeof buf), -1);
            seen++;
            continue;
        }
        for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
            if (strcmp(f->name, good[k].name) == 0) {
                decode_ok(f, buf, &frame);
                assert_int_equal(frame.c, good[k].c);
                assert_int_equal(frame.a, good[k].a);
                assert_int_equal(frame.ci, good[k].ci);
                seen++;
            }
        }
    }
    assert_int_equal(seen, 7);
}

/*
 * All well-formed telegrams of the corpus as one byte stream, with noise between them, through
 * the stream receiver in chunks of 1..64 bytes: the same frames come out, in order.
 */
static void whole_corpus_as_stream(void **state)
{
    (void)state;
    static corpus_file_t files[MAX_FILES];
    static uint8_t stream[128 * 300];
    static size_t frame_at[MAX_FILES * 2], frame_len[MAX_FILES * 2];
    const char *subs[] = {"test-frames", "error-frames"};
    size_t len = 0, frames = 0;
    uint32_t seed = 2024;
    for (size_t s = 0; s < 2; s++) {
        size_t n = load(subs[s], files, MAX_FILES);
        for (size_t i = 0; i < n; i++) {
            int k = mbt_hex(files[i].text, stream + len, sizeof stream - len);
            assert_true(k > 0);
            frame_at[frames] = len;
            frame_len[frames++] = (size_t)k;
            len += (size_t)k;
            /* Noise that cannot start a frame: not 10, 68, E5 or A2. */
            for (uint32_t j = mbt_rand_below(&seed, 4); j > 0; j--) {
                uint8_t b;
                do {
                    b = (uint8_t)mbt_rand(&seed);
                } while (b == 0x10 || b == 0x68 || b == 0xE5 || b == 0xA2);
                stream[len++] = b;
            }
        }
    }
    mb_rx_t rx;
    mb_rx_init(&rx, 0);
    size_t off = 0, got = 0;
    while (off < len) {
        size_t chunk = 1 + mbt_rand_below(&seed, 64);
        if (chunk > len - off) {
            chunk = len - off;
        }
        size_t end = off + chunk;
        do {
            off += mb_rx_feed(&rx, stream + off, end - off, 0);
            mb_frame_t frame;
            while (mb_rx_frame(&rx, &frame)) {
                assert_true(got < frames);
                mb_frame_t want;
                assert_int_equal(mb_frame_decode(stream + frame_at[got], frame_len[got], &want),
                                 MB_OK);
                assert_int_equal(frame.type, want.type);
                assert_int_equal(frame.c, want.c);
                assert_int_equal(frame.a, want.a);
                assert_int_equal(frame.ci, want.ci);
                assert_int_equal(frame.data_len, want.data_len);
                if (want.data_len > 0) {
                    assert_memory_equal(frame.data, want.data, want.data_len);
                }
                got++;
            }
        } while (off < end);
    }
    assert_int_equal(frames, 76 + 20);
    assert_int_equal(got, frames);
    assert_int_equal(mb_rx_stats(&rx)->frames, frames);
    assert_int_equal(mb_rx_stats(&rx)->bad_checksum, 0);
}

int main(void)
{
    corpus_dir = mbt_corpus_dir();
    if (corpus_dir == NULL) {
        return 77; /* ctest's SKIP_RETURN_CODE */
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames),
        cmocka_unit_test(error_frames),
        cmocka_unit_test(unsupported_frames),
        cmocka_unit_test(whole_corpus_as_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
