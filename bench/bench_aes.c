/*
 * AES benchmark: the operations the security layer is built from, with the library's software
 * AES (byte-oriented, or 32-bit tables when the library is built with MB_ENABLE_AES_TABLES=1).
 *
 *   (a) init:    key schedule, mb_aes_init()
 *   (b) encrypt: one block
 *   (c) decrypt: one block
 *   (d) cbc64:   CBC decryption of 64 bytes (an OMS mode-5 telegram of four blocks)
 *   (e) cmac64:  AES-CMAC of 64 bytes, one shot
 *
 *   meterbus-bench-aes [ITERATIONS [init|encrypt|decrypt|cbc64|cmac64]]
 *
 * With a workload named, only that runs (ITERATIONS times), for callgrind:
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=work_encrypt \
 *       meterbus-bench-aes 10000 encrypt
 * and the instructions collected divided by ITERATIONS are the cost of one operation.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "meterbus/meterbus.h"

#include "bench_time.h"

#define NOINLINE __attribute__((noinline))

#if MB_ENABLE_SECURITY

static const uint8_t key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static mb_aes_t aes;
static uint8_t block[16];
static uint8_t msg[64];
static volatile uint8_t sink;

NOINLINE static void work_init(size_t iterations)
{
    for (size_t i = 0; i < iterations; i++) {
        mb_aes_init(&aes, key, NULL);
    }
}

NOINLINE static void work_encrypt(size_t iterations)
{
    for (size_t i = 0; i < iterations; i++) {
        (void)mb_aes_encrypt(&aes, block, block); /* chained: each block depends on the last */
    }
    sink ^= block[0];
}

NOINLINE static void work_decrypt(size_t iterations)
{
    for (size_t i = 0; i < iterations; i++) {
        (void)mb_aes_decrypt(&aes, block, block);
    }
    sink ^= block[0];
}

NOINLINE static void work_cbc64(size_t iterations)
{
    for (size_t i = 0; i < iterations; i++) {
        (void)mb_aes_cbc_decrypt(&aes, block, msg, sizeof msg); /* in place: new data each time */
    }
    sink ^= msg[0];
}

NOINLINE static void work_cmac64(size_t iterations)
{
    for (size_t i = 0; i < iterations; i++) {
        (void)mb_aes_cmac(&aes, msg, sizeof msg, block);
        msg[0] ^= block[0];
    }
    sink ^= msg[0];
}

static void report(const char *name, void (*work)(size_t), size_t iterations)
{
    enum { RUNS = 15 };
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now_ns();
        work(iterations);
        t[r] = (bench_now_ns() - t0) / (double)iterations;
    }
    printf("%-36s %9.1f ns (median of %d)\n", name, bench_median(t, RUNS), RUNS);
}

static const struct {
    const char *name;
    const char *label;
    void (*work)(size_t);
} workloads[] = {
    {"init", "(a) key init (mb_aes_init)", work_init},
    {"encrypt", "(b) encrypt one block", work_encrypt},
    {"decrypt", "(c) decrypt one block", work_decrypt},
    {"cbc64", "(d) CBC decrypt, 64 bytes", work_cbc64},
    {"cmac64", "(e) CMAC, 64 bytes", work_cmac64},
};

int main(int argc, char **argv)
{
    size_t iterations = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
    for (size_t i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)(i * 7u);
    }
    mb_aes_init(&aes, key, NULL);
    if (argc > 2) { /* one workload, for callgrind */
        for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
            if (strcmp(argv[2], workloads[i].name) == 0) {
                workloads[i].work(iterations);
                return 0;
            }
        }
        fprintf(stderr, "unknown workload %s\n", argv[2]);
        return 2;
    }
    printf("software AES-128, %s\n",
           MB_ENABLE_AES_TABLES ? "32-bit tables (MB_ENABLE_AES_TABLES=1)" : "byte-oriented");
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        report(workloads[i].label, workloads[i].work, iterations);
    }
    return 0;
}

#else /* !MB_ENABLE_SECURITY */

int main(void)
{
    printf("MB_ENABLE_SECURITY is 0: no AES to measure\n");
    return 0;
}

#endif
