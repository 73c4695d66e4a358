/**
 * @file hal.h
 * @brief The transport HAL: how the master and slave state machines reach the line.
 *
 * The application supplies a `const` struct of callbacks (it may live in flash) and a context
 * pointer. Bytes received from the line are not read by the library: the application pushes them
 * in (mb_master_feed(), mb_slave_feed()) with the current time in milliseconds, from a UART
 * interrupt, a read loop or a socket, and calls the poll function from a timer so that timeouts
 * fire. Nothing in the core blocks or reads a clock.
 *
 * Every callback is called only from inside a call into the library that was given the same
 * context, never concurrently, and must not call back into the library.
 *
 * Received characters with a parity or framing error must not be pushed in (drop them, which
 * makes the frame incomplete): a frame's 8-bit checksum alone misses two bit errors that cancel
 * out, the even parity of each 11-bit character (8E1) catches them.
 */
#ifndef MB_HAL_H
#define MB_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Byte link to a bus segment (a UART with a level converter, a TCP gateway, a simulated bus). */
typedef struct mb_hal {
    /**
     * Start sending @p len bytes. Must not block. @return how many bytes were taken (0..len; the
     * library offers the rest again on its next poll), or a negative value on a line error, which
     * the library reports to its caller.
     */
    int (*write)(void *ctx, const uint8_t *p, size_t len);
    /**
     * Switch the line to @p baud Bd (300..38400 on a wired bus). NULL when the line has no baud
     * rate of its own (TCP). Called only between frames; bytes already handed to write() must
     * still go out at the old rate (wait until they have left, as tcdrain() does).
     * @return 0, or a negative value.
     */
    int (*set_baud)(void *ctx, uint32_t baud);
    /** Drop received bytes not yet pushed into the library. May be NULL. */
    void (*flush)(void *ctx);
} mb_hal_t;

#ifdef __cplusplus
}
#endif

#endif /* MB_HAL_H */
