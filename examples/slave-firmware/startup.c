/*
 * Reset and the vector table of a Cortex-M0+/M4: set up .data and .bss, then main(). The symbols
 * come from meter.ld.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

void Reset_Handler(void);
void Default_Handler(void);

void Reset_Handler(void)
{
    const uint32_t *src = _sidata;
    for (uint32_t *dst = _sdata; dst < _edata; dst++) {
        *dst = *src++;
    }
    for (uint32_t *dst = _sbss; dst < _ebss; dst++) {
        *dst = 0u;
    }
    (void)main();
    for (;;) {
    }
}

/* Faults and unexpected interrupts stop here, where a debugger finds them. */
void Default_Handler(void)
{
    for (;;) {
    }
}

typedef void (*handler_t)(void);

typedef struct vector_table {
    uint32_t *initial_sp;
    handler_t exceptions[15]; /* Reset .. SysTick */
    handler_t irqs[32];       /* the vendor's interrupts */
} vector_table_t;

#define IRQ(n) ((n) == BOARD_UART_IRQ ? UART_IRQHandler : Default_Handler)
#define IRQ8(n) \
    IRQ(n), IRQ(n + 1), IRQ(n + 2), IRQ(n + 3), IRQ(n + 4), IRQ(n + 5), IRQ(n + 6), IRQ(n + 7)

/* The core reads it at address 0 (flash is mapped there at boot): stack top, then handlers. */
__attribute__((section(".isr_vector"), used)) const vector_table_t vector_table = {
    _estack,
    {
        Reset_Handler,
        Default_Handler, /* NMI */
        Default_Handler, /* HardFault */
        Default_Handler, /* MemManage (M3/M4) */
        Default_Handler, /* BusFault (M3/M4) */
        Default_Handler, /* UsageFault (M3/M4) */
        0,               /* reserved */
        0,               /* reserved */
        0,               /* reserved */
        0,               /* reserved */
        Default_Handler, /* SVCall */
        Default_Handler, /* DebugMonitor (M3/M4) */
        0,               /* reserved */
        Default_Handler, /* PendSV */
        SysTick_Handler,
    },
    {IRQ8(0u), IRQ8(8u), IRQ8(16u), IRQ8(24u)},
};
