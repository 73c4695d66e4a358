/*
 * What the firmware assumes about its board. The figures are those of an STM32G031K8 after reset
 * (Cortex-M0+, 64 KB flash, 8 KB RAM, 16 MHz internal oscillator, USART1 on IRQ 27); change them
 * with the linker script and uart_hw_stub.c when porting.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#define BOARD_CORE_HZ  16000000u /* core clock, which SysTick and the UART count */
#define BOARD_UART_IRQ 27u       /* the M-Bus UART's interrupt number (0..31) */

/* The handlers startup.c puts into the vector table. */
void SysTick_Handler(void);
void UART_IRQHandler(void);

/* Called by Reset_Handler once .data and .bss are set up. */
int main(void);

#endif /* BOARD_H */
