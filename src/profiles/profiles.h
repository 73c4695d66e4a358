/*
 * Meter profiles: the application side of simulated and example meters, modelled on devices in
 * the field. Each profile builds the RSP_UD telegrams of one kind of meter from a few counters
 * that advance with time, and takes the SND_UD commands that kind of meter accepts. The same code
 * runs in `meterbus sim` (many meters on a simulated segment), in the demonstration and in the
 * bare-metal slave example (examples/slave-firmware), so it is written like the core: C99,
 * freestanding (no libc calls), no heap, no static mutable state, no floating point.
 *
 * A profile meter plugs into the slave state machine (slave.h) as its application:
 *
 *     mb_profile_meter_t meter;
 *     mb_slave_config_t cfg;
 *     mb_profile_init(&meter, MB_PROFILE_M1PRO, seed, 1);
 *     mb_profile_slave_config(&meter, &cfg);                  // address, secondary, rates
 *     mb_slave_init(&slave, &hal, hal_ctx, &mb_profile_app, &meter, &cfg);
 *     ...
 *     mb_profile_set_time(&meter, now_ms, unix_seconds);      // before feeding bytes
 *     mb_slave_feed(&slave, bytes, n, now_ms);
 *
 * Not a public header of the library: the profiles are a test and demonstration aid. Names keep
 * the mb_profile_ prefix so that they never clash with a user's.
 */
#ifndef MB_PROFILES_H
#define MB_PROFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/link.h"
#include "meterbus/slave.h"

/* The kinds of meter. */
typedef enum mb_profile_kind {
    /* 4-tariff three-phase electricity meter with an M-Bus module (like a Landis+Gyr E350 with a
       CMi1020 module): active energy import per tariff and total, export, the rate input, a
       breaker (disconnector) set through SND_UD; 300 and 2400 Bd. The breaker command is SND_UD
       CI 51 with exactly the record `01 FD 1A vv` (digital output, 8 bits): vv 0 opens the
       breaker (supply off), 1 closes it (supply on); the telegram reports the same record,
       1 = closed. While it is open the power is 0 and the energy counters stand still. */
    MB_PROFILE_E350 = 0,
    /* Single-phase MID meter (like an M1PRO 40 M-Bus): import and export active energy, active
       power, voltage, current, frequency, power factor; 300..9600 Bd; the serial number is the ID.
     */
    MB_PROFILE_M1PRO = 1,
    /* Heat meter: energy, volume, flow and return temperature, their difference, power, flow,
       operating time, the last month-end values. */
    MB_PROFILE_HEAT = 2,
    /* Cold water meter: volume, flow, the last month-end volume, date and time, error flags. */
    MB_PROFILE_WATER = 3,
    /* A meter that answers in several telegrams: current values, then its month-end history. */
    MB_PROFILE_MULTI = 4,
    MB_PROFILE_COUNT = 5
} mb_profile_kind_t;

/* Measuring cycle: values are computed for the start of the current cycle, so two telegrams read
   within one cycle carry the same readings (only the access number differs). */
#define MB_PROFILE_CYCLE_MS 10000u

/* Telegrams of MB_PROFILE_MULTI per readout; 1 for every other profile. */
#define MB_PROFILE_MULTI_TELEGRAMS 3u

/*
 * One meter's state. The caller owns it; mb_profile_init() fills it. Members are private except
 * where noted (read-only for the caller).
 */
typedef struct mb_profile_meter {
    mb_profile_kind_t kind;    /* read-only */
    mb_secondary_t secondary;  /* read-only: ID (serial number), manufacturer, version, medium */
    uint32_t fabrication;      /* read-only: fabrication number, 8 BCD digits as nibbles */
    uint8_t address;           /* read-only: primary address the meter starts with */
    uint8_t baud_rates;        /* read-only: rates it accepts, as mb_slave_config_t::baud_rates */
    uint8_t access;            /* private: access number, one more per telegram */
    bool breaker_open;         /* read-only: E350 disconnector state (false: closed, on) */
    uint32_t seed;             /* private */
    uint32_t start[6];         /* private: counter readings at cycle base_cycle */
    uint32_t rate[6];          /* private: counter increase per hour */
    uint32_t cycle;            /* private: number of the current measuring cycle */
    uint32_t last_ms;          /* private: elapsed_ms of the last mb_profile_set_time() */
    uint32_t ms_in_cycle;      /* private: ms since the start of the current cycle */
    uint32_t base_cycle;       /* private: cycle of start[] (0, or the last breaker command) */
    uint32_t unix_s;           /* private: wall clock of the current cycle, Unix seconds */
    uint32_t breaker_commands; /* read-only: breaker commands accepted */
} mb_profile_meter_t;

/* Short name of a kind ("e350", "m1pro", "heat", "water", "multi"); "" for an unknown kind. */
const char *mb_profile_name(mb_profile_kind_t kind);

/* The kind named @p name (as mb_profile_name() gives it, ASCII case ignored) in its first @p len
   bytes. @return the kind, or -1 for none. */
int mb_profile_find(const char *name, size_t len);

/*
 * Make a meter of @p kind. @p seed picks its ID, fabrication number, version and its readings
 * (the same seed gives the same meter); @p address is its primary address 0..250.
 */
void mb_profile_init(mb_profile_meter_t *m, mb_profile_kind_t kind, uint32_t seed, uint8_t address);

/* Fill @p cfg (zeroed first) for mb_slave_init(): address, secondary address, fabrication
   number, supported baud rates; baud 2400, no answer delay. */
void mb_profile_slave_config(const mb_profile_meter_t *m, mb_slave_config_t *cfg);

/*
 * Tell the meter the time: @p elapsed_ms on any millisecond clock that only moves forward (it
 * drives the counters; its wrap after 49.7 days is handled when calls come at least that often)
 * and @p unix_s, the wall clock for the date records and the electricity
 * meters' time-of-day tariffs (0 when unknown: the meter then reports 2026-01-01 00:00 plus
 * elapsed time). Both are taken back to the start of the measuring cycle. The tariff counters
 * advance consistently only when @p unix_s advances with @p elapsed_ms. Call it before feeding
 * the slave the bytes of a request.
 */
void mb_profile_set_time(mb_profile_meter_t *m, uint32_t elapsed_ms, uint32_t unix_s);

/* The slave application of every profile meter: ctx is the mb_profile_meter_t. */
extern const mb_slave_app_t mb_profile_app;

#endif /* MB_PROFILES_H */
