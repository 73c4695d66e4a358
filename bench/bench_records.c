/*
 * Application-layer benchmark: whole telegrams from bytes to values.
 *
 *   (a) decode: link frame, transport header and every record to quantity, unit and exact value
 *   (b) json:   the same, written as the JSON of 'meterbus decode'
 *
 * The telegram set is the libmbus corpus (the .hex files of test-frames under the folder named by
 * the first argument, 76 real telegrams) when present, else the project's own telegrams below.
 *
 *   meterbus-bench-records [CORPUS_DIR [ITERATIONS [decode|json]]]
 *   bench/run                  runs it under callgrind too: instructions per telegram
 */
#define _POSIX_C_SOURCE   200809L
#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "meterbus/meterbus.h"

#include "bench_time.h"

#define NOINLINE      __attribute__((noinline))
#define MAX_TELEGRAMS 256

static uint8_t telegrams[MAX_TELEGRAMS][MB_FRAME_MAX_LEN];
static size_t telegram_len[MAX_TELEGRAMS];
static size_t n_telegrams;
static volatile int64_t sink;

/* The project's own telegrams: a heat meter, the OMS Vol.2 Annex N.2.2 gas meter, an error. */
static const char *const own[] = {
    "68 29 29 68 08 05 72 67 45 23 71 2D 2C 1B 04 2C 00 00 00 04 06 39 30 00 00 04 13 87 D6 12 "
    "00 02 59 1A 1B 02 5D C4 0D 04 6D 1E 0A 56 3B 46 16",
    "68 20 20 68 08 FD 72 78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32 37 1F "
    "15 02 FD 17 00 00 89 16",
    "68 04 04 68 08 05 70 08 85 16",
};

static size_t parse_hex(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    unsigned byte;
    int used;
    while (n < cap && sscanf(text, " %2x%n", &byte, &used) == 1) {
        out[n++] = (uint8_t)byte;
        text += used;
    }
    return n;
}

static void add(const char *text)
{
    if (n_telegrams < MAX_TELEGRAMS) {
        telegram_len[n_telegrams] = parse_hex(text, telegrams[n_telegrams], MB_FRAME_MAX_LEN);
        n_telegrams++;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_corpus(const char *dir_name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/test-frames", dir_name);
    DIR *dir = opendir(path);
    if (dir == NULL) {
        return;
    }
    char *names[MAX_TELEGRAMS];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n < MAX_TELEGRAMS) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".hex") == 0) {
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(dir);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        char text[4096];
        snprintf(path, sizeof path, "%s/test-frames/%s", dir_name, names[i]);
        FILE *f = fopen(path, "rb");
        if (f != NULL) {
            size_t k = fread(text, 1, sizeof text - 1, f);
            text[k] = '\0';
            fclose(f);
            add(text);
        }
        free(names[i]);
    }
}

/* (a): every value of every telegram, as an application would use them. */
NOINLINE static void work_decode(size_t iterations)
{
    for (size_t it = 0; it < iterations; it++) {
        for (size_t t = 0; t < n_telegrams; t++) {
            mb_frame_t frame;
            mb_tpl_t tpl;
            mb_records_t recs;
            mb_record_t rec;
            if (mb_frame_decode(telegrams[t], telegram_len[t], &frame) != MB_OK ||
                mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl) != MB_OK) {
                continue;
            }
            mb_records_init(&recs, tpl.apl, tpl.apl_len, 0);
            int64_t sum = 0; /* what a reader does with the values, without a store per record */
            while (mb_records_next(&recs, &rec) == 1) {
                sum += rec.value.mantissa + rec.value.exponent + (int64_t)rec.quantity +
                       (int64_t)rec.unit;
            }
            sink += sum;
        }
    }
}

/* (b): the JSON of every telegram. */
NOINLINE static void work_json(size_t iterations)
{
    static char json[64 * 1024];
    for (size_t it = 0; it < iterations; it++) {
        for (size_t t = 0; t < n_telegrams; t++) {
            mb_frame_t frame;
            int err;
            if (mb_frame_decode(telegrams[t], telegram_len[t], &frame) == MB_OK) {
                sink += mb_json_frame(&frame, 0, json, sizeof json, &err);
            }
        }
    }
}

static void report(const char *name, void (*work)(size_t), size_t iterations)
{
    enum { RUNS = 15 };
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now_ns();
        work(iterations);
        t[r] = (bench_now_ns() - t0) / ((double)iterations * (double)n_telegrams);
    }
    printf("%-44s %9.1f ns/telegram (median of %d)\n", name, bench_median(t, RUNS), RUNS);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        load_corpus(argv[1]);
    }
    const char *set = "libmbus test-frames";
    if (n_telegrams == 0) {
        set = "the project's own telegrams";
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
            add(own[i]);
        }
    }
    size_t iterations = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 2000;
    if (argc > 3) { /* one workload, for callgrind */
        (strcmp(argv[3], "json") == 0 ? work_json : work_decode)(iterations);
        return 0;
    }
    size_t bytes = 0, records = 0;
    for (size_t t = 0; t < n_telegrams; t++) {
        bytes += telegram_len[t];
        mb_frame_t frame;
        mb_tpl_t tpl;
        mb_records_t recs;
        mb_record_t rec;
        if (mb_frame_decode(telegrams[t], telegram_len[t], &frame) == MB_OK &&
            mb_tpl_decode(frame.ci, frame.data, frame.data_len, &tpl) == MB_OK) {
            mb_records_init(&recs, tpl.apl, tpl.apl_len, 0);
            while (mb_records_next(&recs, &rec) == 1) {
                records++;
            }
        }
    }
    printf("%s: %zu telegrams, %.1f bytes and %.1f records on average\n", set, n_telegrams,
           (double)bytes / (double)n_telegrams, (double)records / (double)n_telegrams);
    report("(a) link + header + records to values", work_decode, iterations);
    report("(b) the same written as JSON", work_json, iterations);
    return 0;
}
