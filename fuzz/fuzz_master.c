/*
 * Fuzz harness for the wired master (master.h) fed random replies.
 *
 * Input: per transaction a control byte (request kind and address), then a chunk length and that
 * many reply bytes, then a time step; repeated while input lasts. Checked: the master never
 * accepts a reply that is not a valid frame of the kind the request waits for; it always ends a
 * transaction once the time passes its longest timeout with its retries (no hang); the requests it
 * writes are valid frames; FCB changes only after a successful exchange.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "meterbus/master.h"

#include "fuzz_check.h"

#if MB_ENABLE_MASTER

typedef struct line {
    uint8_t last[MB_FRAME_MAX_LEN];
    size_t n;
} line_t;

static int line_write(void *ctx, const uint8_t *p, size_t len)
{
    line_t *l = ctx;
    CHECK(len <= sizeof l->last);
    memcpy(l->last, p, len);
    l->n = len;
    mb_frame_t f;
    CHECK(mb_frame_decode(p, len, &f) == MB_OK); /* every request is a valid frame */
    return (int)len;
}

static const mb_hal_t hal = {line_write, NULL, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mb_master_t m;
    line_t l;
    memset(&l, 0, sizeof l);
    mb_master_config_t cfg = {2400, 0, 1};
    mb_master_init(&m, &hal, &l, &cfg);
    uint32_t now = 0;
    size_t i = 0;
    while (i + 2u <= size) {
        uint8_t control = data[i++];
        uint8_t addr = data[i++];
        int kind = control & 3;
        int err;
        switch (kind) {
        case 0: err = mb_master_req_ud2(&m, addr, now); break;
        case 1: err = mb_master_snd_nke(&m, addr, now); break;
        case 2: err = mb_master_req_ud1(&m, addr, now); break;
        default: {
            /* The requests answered by E5, picked by the control byte's top bits. */
            mb_secondary_t mask = {0x1234FFFFu, 0xFFFF, 0xFF, 0xFF};
            switch (control >> 6) {
            case 0: err = mb_master_select(&m, &mask, NULL, now); break;
            case 1: err = mb_master_set_address(&m, addr, (uint8_t)(addr ^ 0x55u), now); break;
            case 2: err = mb_master_switch_baud(&m, addr, 9600, now); break; /* not slower */
            default: err = mb_master_app_reset(&m, addr, control & 0x20u ? 0x10 : -1, now); break;
            }
            break;
        }
        }
        if (err != MB_OK) {
            CHECK(err == MB_ERR_ARG || err == MB_ERR_MASTER_BUSY);
            continue;
        }
        /* Reply chunks until the control byte's count runs out. */
        unsigned chunks = (control >> 2) & 7u;
        for (unsigned c = 0; c < chunks && i < size; c++) {
            size_t n = data[i++] % 64u;
            if (n > size - i) {
                n = size - i;
            }
            CHECK(mb_master_feed(&m, data + i, n, now) == n);
            i += n;
            now += (uint32_t)(i < size ? data[i - 1u] : 7u) * 4u;
            (void)mb_master_poll(&m, now);
        }
        /* Let time run out: the transaction must end. */
        uint32_t limit = 2u * mb_master_timeout_ms(2400, MB_FRAME_MAX_LEN, 0) + 10u;
        int r = mb_master_poll(&m, now + limit);
        r = mb_master_poll(&m, now + 2u * limit); /* a retry started at the first poll */
        CHECK(r != MB_MASTER_PENDING);
        now += 2u * limit + 1u;
        mb_frame_t f;
        /* 255, and SND_NKE to 253 (a deselection), complete unanswered. */
        bool unanswered = addr == 255u || (kind == 1 && addr == 253u);
        if (r == MB_OK && !unanswered) {
            CHECK(mb_master_reply(&m, &f));
            if (kind == 0) {
                CHECK(f.type == MB_FRAME_LONG || f.type == MB_FRAME_CONTROL);
                CHECK((f.c & 0x4Fu) == 0x08u);
            } else if (kind != 2) {
                CHECK(f.type == MB_FRAME_ACK);
            }
        } else if (r != MB_OK) {
            CHECK(!mb_master_reply(&m, &f));
        }
    }
    return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
