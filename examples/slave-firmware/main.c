/*
 * A single-phase electricity meter on a wired M-Bus, as bare-metal firmware: the M1PRO meter
 * profile answers as an M-Bus slave through an interrupt-driven UART, with a 1 ms SysTick clock,
 * sleeping between interrupts. See README.md for the build and for porting it to a board.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "cortex_m.h"
#include "meterbus/slave.h"
#include "profiles/profiles.h"
#include "uart.h"

/* What the meter keeps across a power cycle: what the master may change over the bus. */
typedef struct settings {
    uint8_t address; /* primary address 0..250 */
    uint32_t baud;   /* line rate */
} settings_t;

/* Factory state: unconfigured (primary address 0), 2400 Bd, the usual M-Bus default. */
static const settings_t factory_settings = {0u, 2400u};

typedef struct firmware {
    mb_slave_t slave;
    mb_profile_meter_t meter;
    uart_t uart;
    settings_t settings;
    bool settings_dirty; /* changed over the bus, not yet stored */
} firmware_t;

/* The one instance: its interrupt handlers have no other way to reach it. */
static firmware_t fw;

/* Milliseconds since reset, advanced by SysTick; wraps after 49 days, which the slave handles. */
static volatile uint32_t now_ms;

/* Stands in for a flash page or EEPROM holding the settings. */
static settings_t nv_store;

/* Load the settings. On a board, read them from the flash page or EEPROM here, check their CRC and
   ranges (address 0..250, a rate of 300..38400 that the profile accepts), and keep the factory
   settings when they fail. */
static void settings_load(settings_t *s) { *s = factory_settings; }

/* Store the settings. On a board, erase the page and program it (or write the EEPROM). Flash
   erasure stalls the core for tens of ms, so this runs from the main loop while the line is
   quiet, never from inside the slave's callbacks. */
static void settings_save(const settings_t *s) { nv_store = *s; }

/* A number unique to this device, from which the profile derives the meter's ID (its serial
   number) and fabrication number. On an STM32G0, fold the 96-bit unique ID at 0x1FFF7590. */
static uint32_t board_serial(void) { return 0x4D31u; }

/* ---- the slave's application: the profile meter, plus persistence ------------------------- */

static int app_respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                       bool *more)
{
    firmware_t *f = ctx;
    return mb_profile_app.respond(&f->meter, req_class, telegram, out, cap, more);
}

static int app_receive(void *ctx, uint8_t ci, const uint8_t *data, size_t len)
{
    firmware_t *f = ctx;
    if (mb_profile_app.receive == NULL) {
        return 0;
    }
    return mb_profile_app.receive(&f->meter, ci, data, len);
}

static void app_event(void *ctx, int event, int32_t value)
{
    firmware_t *f = ctx;
    if (event == MB_SLAVE_EV_ADDRESS) {
        f->settings.address = (uint8_t)value;
        f->settings_dirty = true;
    } else if (event == MB_SLAVE_EV_BAUD) {
        f->settings.baud = (uint32_t)value;
        f->settings_dirty = true;
    }
    if (mb_profile_app.event != NULL) {
        mb_profile_app.event(&f->meter, event, value);
    }
}

static const mb_slave_app_t app = {app_respond, app_receive, app_event};

/* ---- interrupts ---------------------------------------------------------------------------- */

void SysTick_Handler(void) { now_ms++; }

void UART_IRQHandler(void) { uart_irq(&fw.uart); }

/* ---- main ---------------------------------------------------------------------------------- */

int main(void)
{
    firmware_t *f = &fw;
    settings_load(&f->settings);

    mb_profile_init(&f->meter, MB_PROFILE_M1PRO, board_serial(), f->settings.address);
    mb_slave_config_t cfg;
    mb_profile_slave_config(&f->meter, &cfg);
    cfg.baud = f->settings.baud;
    /* A real line: hold each reply back the 11 bit times EN 13757-2 asks for (4.6 ms at
       2400 Bd); mb_slave_poll() sends it, and the main loop polls every millisecond. */
    cfg.answer_delay_bits = 11u;

    uart_init(&f->uart, cfg.baud);
    mb_slave_init(&f->slave, &uart_hal, &f->uart, &app, f, &cfg);
    systick_start(BOARD_CORE_HZ, 1000u);
    nvic_enable(BOARD_UART_IRQ);

    for (;;) {
        uint32_t now = now_ms;
        uint8_t chunk[16];
        size_t n;
        /* No real-time clock: the meter dates its readings from 2026-01-01 plus uptime. */
        mb_profile_set_time(&f->meter, now, 0u);
        while ((n = uart_read(&f->uart, chunk, sizeof chunk)) > 0u) {
            (void)mb_slave_feed(&f->slave, chunk, n, now);
        }
        mb_slave_poll(&f->slave, now);

        if (f->settings_dirty && mb_slave_tx_pending(&f->slave) == 0u && !uart_tx_busy(&f->uart)) {
            settings_save(&f->settings);
            f->settings_dirty = false;
        }

        /* Sleep until the next interrupt (SysTick at the latest). Masked, so that a character
           arriving after the check still ends the sleep: WFI wakes for a pending interrupt. */
        cpu_irq_disable();
        if (!uart_rx_pending(&f->uart)) {
            cpu_wfi();
        }
        cpu_irq_enable();
    }
}
