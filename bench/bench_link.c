/*
 * Link-layer benchmark: decoding single frames and receiving a byte stream.
 *
 *   meterbus-bench [iterations]        wall-clock medians of 15 runs, in ns per operation
 *   bench/run                          the same under callgrind: instructions per operation,
 *                                      repeatable on a busy machine
 *
 * Each workload is one non-inlined function (work_*), so that callgrind can count exactly the
 * instructions spent inside it with --toggle-collect.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "meterbus/link.h"

#include "bench_time.h"

#define NOINLINE __attribute__((noinline))

static uint8_t long_frame[MB_FRAME_MAX_LEN];
static size_t long_len;
static uint8_t short_frame[MB_FRAME_SHORT_LEN];
static uint8_t stream[64 * 1024];
static size_t stream_len;
static size_t stream_frames;
static volatile size_t sink;

static void setup(void)
{
    uint8_t data[MB_FRAME_DATA_MAX];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 37u + 11u);
    }
    long_len = (size_t)mb_encode_rsp_ud(long_frame, sizeof long_frame, 1, false, false, 0x72, data,
                                        sizeof data);
    (void)mb_encode_req_ud2(short_frame, sizeof short_frame, 1, true);
    /* A realistic mix: request, 120-byte reply, acknowledgement, over and over. */
    while (stream_len + 200 < sizeof stream) {
        int n = mb_encode_req_ud2(stream + stream_len, sizeof stream - stream_len, 1, true);
        stream_len += (size_t)n;
        n = mb_encode_rsp_ud(stream + stream_len, sizeof stream - stream_len, 1, false, false, 0x72,
                             data, 120);
        stream_len += (size_t)n;
        stream[stream_len++] = MB_BYTE_ACK;
        stream_frames += 3;
    }
}

NOINLINE static void work_decode_long(size_t iterations)
{
    mb_frame_t f;
    for (size_t i = 0; i < iterations; i++) {
        sink += (size_t)mb_frame_decode(long_frame, long_len, &f) + f.data_len;
    }
}

NOINLINE static void work_decode_short(size_t iterations)
{
    mb_frame_t f;
    for (size_t i = 0; i < iterations; i++) {
        sink += (size_t)mb_frame_decode(short_frame, sizeof short_frame, &f) + f.a;
    }
}

NOINLINE static void work_encode_long(size_t iterations)
{
    static uint8_t out[MB_FRAME_MAX_LEN];
    mb_frame_t f;
    (void)mb_frame_decode(long_frame, long_len, &f);
    for (size_t i = 0; i < iterations; i++) {
        sink += (size_t)mb_frame_encode(&f, out, sizeof out);
    }
}

/* The whole stream, fed in 64-byte chunks as a read() loop would. */
NOINLINE static void work_rx_stream(size_t iterations)
{
    mb_rx_t rx;
    mb_frame_t f;
    for (size_t it = 0; it < iterations; it++) {
        mb_rx_init(&rx, 100);
        size_t off = 0;
        while (off < stream_len) {
            size_t end = off + 64 < stream_len ? off + 64 : stream_len;
            do {
                off += mb_rx_feed(&rx, stream + off, end - off, 0);
                while (mb_rx_frame(&rx, &f)) {
                    sink += f.data_len;
                }
            } while (off < end);
        }
        if (mb_rx_stats(&rx)->frames != stream_frames) {
            fprintf(stderr, "receiver lost frames\n");
            exit(1);
        }
    }
}

static void report(const char *name, void (*work)(size_t), size_t iterations, double ops_per_it,
                   const char *unit)
{
    enum { RUNS = 15 };
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now_ns();
        work(iterations);
        t[r] = (bench_now_ns() - t0) / ((double)iterations * ops_per_it);
    }
    printf("%-34s %9.2f ns/%s (median of %d)\n", name, bench_median(t, RUNS), unit, RUNS);
}

int main(int argc, char **argv)
{
    size_t iterations = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 20000;
    const char *only = argc > 2 ? argv[2] : NULL;
    setup();
    if (only != NULL) { /* for callgrind: one workload, named */
        void (*work)(size_t) = NULL;
        work = only[0] == 'l'   ? work_decode_long
               : only[0] == 's' ? work_decode_short
               : only[0] == 'e' ? work_encode_long
                                : work_rx_stream;
        work(iterations);
        return 0;
    }
    printf("stream: %zu bytes, %zu frames\n", stream_len, stream_frames);
    report("decode long frame (261 bytes)", work_decode_long, iterations, 1, "frame");
    report("decode short frame", work_decode_short, iterations, 1, "frame");
    report("encode long frame (261 bytes)", work_encode_long, iterations, 1, "frame");
    report("receive stream, 64-byte chunks", work_rx_stream, iterations / 200 + 1,
           (double)stream_len, "byte");
    return 0;
}
