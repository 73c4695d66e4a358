/*
 * The portable part of the UART driver: rings, interrupt handler, HAL. Nothing here touches a
 * register; see uart_hw_stub.c for that.
 */
#include "uart.h"

#include "cortex_m.h"

/* Enable exactly the transmit interrupts that the state of @p u needs, and switch the rate once
   the line has drained. Runs in the interrupt, or in the main loop with interrupts masked (the
   control register is read-modify-written by both). */
static void tx_update(uart_t *u)
{
    if (u->tx_head != u->tx_tail) {
        uart_hw_tx_irq(UART_HW_TX_EMPTY);
    } else if (u->new_baud == 0u) {
        uart_hw_tx_irq(0u);
    } else if ((uart_hw_status() & UART_HW_TX_DONE) != 0u) {
        /* The E5 that acknowledged the switch has left at the old rate (hal.h asks for that). */
        uart_hw_init(u->new_baud);
        u->new_baud = 0u;
        uart_hw_tx_irq(0u);
    } else {
        uart_hw_tx_irq(UART_HW_TX_DONE);
    }
}

static void tx_update_masked(uart_t *u)
{
    cpu_irq_disable();
    tx_update(u);
    cpu_irq_enable();
}

void uart_init(uart_t *u, uint32_t baud)
{
    u->rx_head = 0u;
    u->rx_tail = 0u;
    u->tx_head = 0u;
    u->tx_tail = 0u;
    u->new_baud = 0u;
    u->rx_errors = 0u;
    u->rx_overflow = 0u;
    uart_hw_init(baud);
}

size_t uart_read(uart_t *u, uint8_t *out, size_t cap)
{
    uint32_t tail = u->rx_tail;
    uint32_t head = u->rx_head; /* read once: later characters wait for the next call */
    size_t n = 0;
    while (tail != head && n < cap) {
        out[n++] = u->rx_buf[tail % UART_RX_CAP];
        tail++;
    }
    u->rx_tail = tail; /* hands the slots back to the interrupt only after they were read */
    return n;
}

bool uart_rx_pending(const uart_t *u) { return u->rx_head != u->rx_tail; }

bool uart_tx_busy(const uart_t *u)
{
    return u->tx_head != u->tx_tail || u->new_baud != 0u ||
           (uart_hw_status() & UART_HW_TX_DONE) == 0u;
}

void uart_irq(uart_t *u)
{
    unsigned status = uart_hw_status();
    if ((status & UART_HW_RX_READY) != 0u) {
        uint8_t b = uart_hw_read_byte();
        uint32_t head = u->rx_head;
        if ((status & UART_HW_RX_ERROR) != 0u) {
            /* A character with a bad parity bit is dropped, never fed (hal.h): the frame is then
               incomplete and the slave ignores it, where its checksum alone might not. */
            u->rx_errors++;
        } else if (head - u->rx_tail >= UART_RX_CAP) {
            u->rx_overflow++;
        } else {
            u->rx_buf[head % UART_RX_CAP] = b;
            u->rx_head = head + 1u; /* publishes the character written just above */
        }
    }
    if ((status & UART_HW_TX_EMPTY) != 0u && u->tx_head != u->tx_tail) {
        uint32_t tail = u->tx_tail;
        uart_hw_write_byte(u->tx_buf[tail % UART_TX_CAP]);
        u->tx_tail = tail + 1u;
    }
    tx_update(u);
}

/* ---- the HAL ------------------------------------------------------------------------------ */

/* Queue what fits; the slave offers the rest again from mb_slave_poll() as the ring drains. */
static int hal_write(void *ctx, const uint8_t *p, size_t len)
{
    uart_t *u = ctx;
    uint32_t head = u->tx_head;
    size_t n = 0;
    while (n < len && head - u->tx_tail < UART_TX_CAP) {
        u->tx_buf[head % UART_TX_CAP] = p[n++];
        head++;
    }
    u->tx_head = head;
    if (n > 0u) {
        tx_update_masked(u);
    }
    return (int)n; /* n <= UART_TX_CAP */
}

/* Never waits: the switch is made by the interrupt once the bytes queued so far have left (the
   master sends its next request at the new rate only after it has received them). */
static int hal_set_baud(void *ctx, uint32_t baud)
{
    uart_t *u = ctx;
    if (baud < 300u || baud > 38400u) {
        return -1;
    }
    u->new_baud = baud;
    tx_update_masked(u);
    return 0;
}

/* Only the main loop moves rx_tail, so dropping what is queued needs no lock. */
static void hal_flush(void *ctx)
{
    uart_t *u = ctx;
    u->rx_tail = u->rx_head;
}

const mb_hal_t uart_hal = {hal_write, hal_set_baud, hal_flush};
