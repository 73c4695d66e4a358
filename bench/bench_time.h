/* What the benchmarks share: a monotonic clock in ns and the median of repeated timings. */
#ifndef MB_BENCH_TIME_H
#define MB_BENCH_TIME_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of @p n timings (n > 0); sorts them in place. */
static inline double bench_median(double *t, size_t n)
{
    qsort(t, n, sizeof t[0], bench_cmp_double);
    return t[n / 2];
}

#endif
