/*
 * The few Cortex-M core registers and instructions the firmware uses (a subset of what CMSIS
 * provides, so that the example needs nothing but the compiler). SysTick and the NVIC exist on
 * every Cortex-M0, M0+, M3, M4 and M7 at the same addresses.
 *
 * Off ARM (a host syntax check), the registers and instructions compile to nothing.
 */
#ifndef CORTEX_M_H
#define CORTEX_M_H

#include <stdint.h>

#if defined(__arm__)
#define CORE_REG(addr) (*(volatile uint32_t *)(addr))

#define SYST_CSR  CORE_REG(0xE000E010u) /* SysTick control and status */
#define SYST_RVR  CORE_REG(0xE000E014u) /* SysTick reload value */
#define SYST_CVR  CORE_REG(0xE000E018u) /* SysTick current value */
#define NVIC_ISER CORE_REG(0xE000E100u) /* interrupt set-enable, IRQs 0..31 */

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* count the core clock, not the external reference */

/* Sleep until an interrupt is pending; also wakes for one masked by PRIMASK. */
static inline void cpu_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cpu_irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void cpu_irq_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }

/* Interrupt every 1/tick_hz s from the core clock; SysTick_Handler runs then. */
static inline void systick_start(uint32_t core_hz, uint32_t tick_hz)
{
    SYST_RVR = core_hz / tick_hz - 1u; /* 24-bit counter: 16 MHz / 1 kHz = 16000 fits */
    SYST_CVR = 0u;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

static inline void nvic_enable(unsigned irq) { NVIC_ISER = 1u << irq; }
#else
static inline void cpu_wfi(void) {}
static inline void cpu_irq_disable(void) {}
static inline void cpu_irq_enable(void) {}
static inline void systick_start(uint32_t core_hz, uint32_t tick_hz)
{
    (void)core_hz;
    (void)tick_hz;
}
static inline void nvic_enable(unsigned irq) { (void)irq; }
#endif

#endif /* CORTEX_M_H */
