/*
 * Interrupt-driven UART for the M-Bus line: two single-producer single-consumer rings between the
 * UART interrupt and the main loop, and the mb_hal_t the slave writes through.
 *
 *   receive:  UART interrupt -> rx ring -> uart_read() in the main loop -> mb_slave_feed()
 *   transmit: mb_slave_feed()/poll() -> uart_hal.write -> tx ring -> UART interrupt -> line
 *
 * Each ring index has one writer: the interrupt advances rx.head and tx.tail, the main loop rx.tail
 * and tx.head. Indices run freely and are reduced modulo the (power-of-two) capacity when used;
 * 32-bit loads and stores are single instructions on Cortex-M, so no lock is needed.
 *
 * The registers of the UART are touched only by the uart_hw_ functions at the end, implemented in
 * uart_hw_stub.c for a fake peripheral: a port to a real microcontroller replaces that file.
 */
#ifndef UART_H
#define UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/hal.h"

/* Ring capacities, powers of two. The main loop empties rx every millisecond (4 characters at
   38400 Bd); tx holds 110 ms of reply at 9600 Bd, and the slave offers the rest as it drains. */
#define UART_RX_CAP 64u
#define UART_TX_CAP 128u

typedef struct uart {
    volatile uint8_t rx_buf[UART_RX_CAP];
    volatile uint32_t rx_head; /* written by the interrupt */
    volatile uint32_t rx_tail; /* written by the main loop */
    volatile uint8_t tx_buf[UART_TX_CAP];
    volatile uint32_t tx_head;     /* written by the main loop */
    volatile uint32_t tx_tail;     /* written by the interrupt */
    volatile uint32_t new_baud;    /* rate to switch to once tx has drained, 0 = none */
    volatile uint32_t rx_errors;   /* characters dropped for a parity or framing error */
    volatile uint32_t rx_overflow; /* characters dropped because rx was full */
} uart_t;

/* The HAL for mb_slave_init(); its context is the uart_t. */
extern const mb_hal_t uart_hal;

/* Set up @p u and the peripheral at @p baud, 8E1, receive interrupt on. */
void uart_init(uart_t *u, uint32_t baud);

/* Move up to @p cap received characters into @p out. @return how many. Main loop only. */
size_t uart_read(uart_t *u, uint8_t *out, size_t cap);

/* @return true when received characters wait in the rx ring. */
bool uart_rx_pending(const uart_t *u);

/* @return true while characters are queued or a rate switch waits for the line to drain. */
bool uart_tx_busy(const uart_t *u);

/* The UART interrupt handler's body; the vector table's entry calls it with the board's uart_t. */
void uart_irq(uart_t *u);

/* ---- the peripheral: replace these with your microcontroller's registers ------------------- */

#define UART_HW_RX_READY 0x1u /* a character was received (with or without error) */
#define UART_HW_RX_ERROR 0x2u /* ... and it has a parity, framing or overrun error */
#define UART_HW_TX_EMPTY 0x4u /* the transmit data register takes a character */
#define UART_HW_TX_DONE  0x8u /* the last character has left the shift register */

/* Configure 8 data bits, even parity, 1 stop bit at @p baud; enable the receiver, the
   transmitter and the receive interrupt. Also called to change the rate (line idle). */
void uart_hw_init(uint32_t baud);

/* @return the UART_HW_ flags that are set now. */
unsigned uart_hw_status(void);

/* @return the received character, clearing UART_HW_RX_READY and UART_HW_RX_ERROR. */
uint8_t uart_hw_read_byte(void);

/* Put @p b into the transmit data register (UART_HW_TX_EMPTY was set). */
void uart_hw_write_byte(uint8_t b);

/* Raise the interrupt for UART_HW_TX_EMPTY and/or UART_HW_TX_DONE (the receive interrupt stays
   on); 0 turns both off. */
void uart_hw_tx_irq(unsigned flags);

#endif /* UART_H */
