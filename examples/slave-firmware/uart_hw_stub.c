/*
 * The UART's registers, for a fake peripheral: this is the file to replace with your
 * microcontroller's. Every register access of the firmware's UART is in these five functions.
 *
 * The fake peripheral is a struct in RAM shaped like a typical UART (status, data, rate divider,
 * control), so the firmware links and its size is real; nothing sets its receive flags, so the
 * stub never receives a character. On an STM32G0, for example, uart_hw_init() would program
 * USART1->BRR = core clock / baud, CR1 = M0 (9-bit word: 8 data + parity) | PCE (even parity) |
 * RXNEIE | TE | RE | UE; uart_hw_status() would map ISR.RXNE, PE/FE/ORE, TXE and TC; reading RDR
 * and writing TDR clear the flags, and PE/FE/ORE are cleared through ICR.
 */
#include "board.h"
#include "uart.h"

/* Bits of the fake control register. */
#define CTRL_ENABLE  0x01u
#define CTRL_RX_IRQ  0x02u
#define CTRL_TXE_IRQ 0x04u
#define CTRL_TC_IRQ  0x08u
#define CTRL_PARITY  0x10u /* even parity in a 9-bit word: 8E1 */

typedef struct fake_uart {
    volatile uint32_t status;   /* UART_HW_ flags */
    volatile uint32_t data;     /* received character on read, character to send on write */
    volatile uint32_t baud_div; /* core clock / baud */
    volatile uint32_t ctrl;     /* CTRL_ bits */
} fake_uart_t;

/* Stands in for the peripheral's address, e.g. (fake_uart_t *)0x40013800 (STM32G0 USART1). */
static fake_uart_t fake_uart;

void uart_hw_init(uint32_t baud)
{
    fake_uart.ctrl = 0u; /* the rate and format may change only while the UART is disabled */
    fake_uart.baud_div = (BOARD_CORE_HZ + baud / 2u) / baud;
    fake_uart.status = UART_HW_TX_EMPTY | UART_HW_TX_DONE;
    fake_uart.ctrl = CTRL_PARITY | CTRL_RX_IRQ | CTRL_ENABLE;
}

unsigned uart_hw_status(void) { return (unsigned)fake_uart.status; }

uint8_t uart_hw_read_byte(void)
{
    uint8_t b = (uint8_t)fake_uart.data;
    fake_uart.status &= ~(uint32_t)(UART_HW_RX_READY | UART_HW_RX_ERROR);
    return b;
}

void uart_hw_write_byte(uint8_t b)
{
    fake_uart.data = b;
    /* A real UART clears TX_EMPTY and TX_DONE here and sets them as the character leaves; the
       fake one sends instantly. */
}

void uart_hw_tx_irq(unsigned flags)
{
    uint32_t ctrl = fake_uart.ctrl & ~(uint32_t)(CTRL_TXE_IRQ | CTRL_TC_IRQ);
    if ((flags & UART_HW_TX_EMPTY) != 0u) {
        ctrl |= CTRL_TXE_IRQ;
    }
    if ((flags & UART_HW_TX_DONE) != 0u) {
        ctrl |= CTRL_TC_IRQ;
    }
    fake_uart.ctrl = ctrl;
}
