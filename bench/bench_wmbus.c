/*
 * Wireless benchmark: whole telegrams from on-air bytes (block CRCs included) to values.
 *
 *   plain   format A, short header, no encryption, 4 records
 *   mode5   format A, the OMS Annex N.2.1 gas meter: AES-CBC mode 5, 2 blocks
 *   ellctr  format A, the Kamstrup ELL II telegram: AES-CTR with its payload CRC
 *   mode7   format B, the sensostar telegram: ELL, AFL MAC (KDF-A, CMAC), AES-CBC mode 7, 9 blocks
 *
 * Each step: mb_wframe_decode() (CRCs checked and removed), mb_wmsg_open() (key lookup, MAC,
 * decryption), then every record to quantity, unit and value.
 *
 *   meterbus-bench-wmbus [ITERATIONS [plain|mode5|ellctr|mode7]]
 *   bench/run               runs it under callgrind too: instructions per telegram
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "meterbus/meterbus.h"

#include "bench_time.h"
#include "meterbus/wlink.h"

#define NOINLINE __attribute__((noinline))

typedef struct workload {
    const char *name;
    const char *label;
    const char *frame_hex; /* without CRCs (format A ones get them here), or with (format B) */
    mb_wformat_t format;
    const char *key_hex;
    uint8_t raw[MB_WFRAME_MAX_RAW_LEN];
    size_t raw_len;
    uint8_t key[16];
} workload_t;

static workload_t workloads[] = {
    {"plain",
     "plain, format A, 4 records",
     "1E44AE4C785634120107 7A01000000 0C1378563412 0259C40D 025DE803 046D32371F15",
     MB_WFORMAT_A,
     NULL,
     {0},
     0,
     {0}},
    {"mode5",
     "mode 5 (AES-CBC), format A",
     "2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69"
     "EBF3",
     MB_WFORMAT_A,
     "0102030405060708090A0B0C0D0E0F11",
     {0},
     0,
     {0}},
    {"ellctr",
     "ELL AES-CTR, format A",
     "24442D2C692845631B168D3050209CD621B006B1140AEF4953AE5B86FAFC0B00E70705B846",
     MB_WFORMAT_A,
     "4E5508544202058100DFEFA06B0934A5",
     {0},
     0,
     {0}},
    {"mode7",
     "mode 7 + AFL MAC + ELL, format B",
     "C244C5140443054300048C200E900F002C25895E02003B0877D31DA840B17A0E009007100F8FAD4C4E61400DA4F3"
     "B1F7E273CC4C5C07F93CD20B237345DB39F9A98F8415E1C4B7A25C86E4C22D05C3352FA7E2E5627031F1464306"
     "3F1DC8FE2C32459B6F02E4234B447B18E4BFDA8C4DA9B1EDE6CF29D0B2122A3E8B9DEEBEE3E6DBE6617B4E709E"
     "C6B595179CB01C2C0BDE6723A345B708652880C114A58DA07C73AD9EB8ACB17FA0A88F19BC84CB1FC56672DE8A"
     "9603FD0C05010002FD0B2111F60B",
     MB_WFORMAT_B,
     "622b9656991ff0c1574c0950cf9278d1",
     {0},
     0,
     {0}},
};
#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

static volatile int64_t sink;

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

static int lookup(void *ctx, const mb_key_request_t *req, uint8_t key[16])
{
    (void)req;
    const workload_t *w = ctx;
    if (w->key_hex == NULL) {
        return MB_ERR_SEC_NO_KEY;
    }
    memcpy(key, w->key, 16);
    return MB_OK;
}

/* Format A workloads are given without CRCs: the encoder adds them, as a transmitter would. */
static void prepare(workload_t *w)
{
    uint8_t frame[MB_WFRAME_MAX_RAW_LEN];
    size_t n = parse_hex(w->frame_hex, frame, sizeof frame);
    if (w->format == MB_WFORMAT_A) {
        frame[0] = (uint8_t)(n - 1u);
        int r = mb_wframe_encode(frame, n, MB_WFORMAT_A, w->raw, sizeof w->raw);
        if (r < 0) {
            fprintf(stderr, "%s: encode: %s\n", w->name, mb_strerror(r));
            exit(1);
        }
        w->raw_len = (size_t)r;
    } else {
        memcpy(w->raw, frame, n);
        w->raw_len = n;
    }
    if (w->key_hex != NULL) {
        parse_hex(w->key_hex, w->key, sizeof w->key);
    }
}

/* One telegram from the air to values; returns the number of records (checked once in main). */
static int one(workload_t *w)
{
    uint8_t frame[MB_WFRAME_MAX_LEN];
    mb_wframe_t wf;
    mb_wmsg_t msg;
    mb_keys_t keys = {lookup, w, NULL};
    if (mb_wframe_decode(w->raw, w->raw_len, w->format, frame, sizeof frame, &wf) < 0 ||
        mb_wmsg_open(wf.frame, wf.frame_len, &keys, frame, sizeof frame, &msg) != MB_OK) {
        return -1;
    }
    mb_records_t it;
    mb_record_t rec;
    int64_t sum = 0;
    int records = 0;
    mb_records_init(&it, msg.tpl.apl, msg.tpl.apl_len, 0);
    while (mb_records_next(&it, &rec) == 1) {
        sum += rec.value.mantissa + rec.value.exponent + (int64_t)rec.quantity + (int64_t)rec.unit;
        records++;
    }
    sink += sum;
    return records;
}

NOINLINE static void work(workload_t *w, size_t iterations)
{
    for (size_t i = 0; i < iterations; i++) {
        (void)one(w);
    }
}

int main(int argc, char **argv)
{
    size_t iterations = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 20000;
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        prepare(&workloads[i]);
        if (one(&workloads[i]) <= 0) {
            fprintf(stderr, "%s: does not decode\n", workloads[i].name);
            return 1;
        }
    }
    if (argc > 2) { /* one workload, for callgrind */
        for (size_t i = 0; i < N_WORKLOADS; i++) {
            if (strcmp(argv[2], workloads[i].name) == 0) {
                work(&workloads[i], iterations);
                return 0;
            }
        }
        fprintf(stderr, "unknown workload %s\n", argv[2]);
        return 1;
    }
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        enum { RUNS = 15 };
        double t[RUNS];
        for (int r = 0; r < RUNS; r++) {
            double t0 = bench_now_ns();
            work(&workloads[i], iterations);
            t[r] = (bench_now_ns() - t0) / (double)iterations;
        }
        printf("%-8s %-36s %3zu bytes on air %9.0f ns/telegram (median of %d)\n", workloads[i].name,
               workloads[i].label, workloads[i].raw_len, bench_median(t, RUNS), RUNS);
    }
    return 0;
}
