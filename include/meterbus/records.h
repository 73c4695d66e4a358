/**
 * @file records.h
 * @brief Application layer data records (EN 13757-3): decode and encode.
 *
 * A record is `DIF [DIFE...] VIF [VIFE...] data`. The iterator walks the application data of a
 * telegram (mb_tpl_t::apl) record by record without copying: each mb_record_t holds views into the
 * caller's buffer, valid as long as that buffer. Every numeric value comes out exact, as an int64
 * mantissa and a decimal exponent in the quantity's base unit, with every VIF and VIFE scaling
 * applied (10^n factors, x1000, additive offsets, minutes/hours/days to seconds, m3/min to m3/h).
 *
 * Unknown and reserved VIF and VIFE codes do not stop the iteration: the record comes out with
 * quantity MB_Q_UNKNOWN (or with MB_RECORD_UNKNOWN_VIFE set) and its raw bytes, and the next record
 * follows. Only bytes whose length cannot be known (a truncated record, a reserved DIF or LVAR)
 * end the iteration with an error, after every record before them was delivered.
 */
#ifndef MB_RECORDS_H
#define MB_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/config.h"
#include "meterbus/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_MAX_DIFE 10u /**< DIFEs per record (EN 13757-3) */
#define MB_MAX_VIFE 10u /**< VIFEs per record (EN 13757-3) */

/* ---- quantities and units ----------------------------------------------------------------- */

/**
 * What a record measures. The values are stable (new ones are appended); mb_quantity_name() gives
 * a stable snake_case name for each.
 */
typedef enum mb_quantity {
    MB_Q_UNKNOWN = 0, /**< reserved or unknown VIF: see the raw bytes */
    /* primary VIF table */
    MB_Q_ENERGY,                  /**< VIF 00..0F (Wh, J); FB 00..01, 08..09, 0C..0F */
    MB_Q_VOLUME,                  /**< VIF 10..17 (m3); FB 10..11, 20..23 */
    MB_Q_MASS,                    /**< VIF 18..1F; FB 18..19 (t), in kg */
    MB_Q_ON_TIME,                 /**< VIF 20..23, in s */
    MB_Q_OPERATING_TIME,          /**< VIF 24..27, in s */
    MB_Q_POWER,                   /**< VIF 28..37 (W, J/h); FB 28..29, 30..31 */
    MB_Q_VOLUME_FLOW,             /**< VIF 38..4F, in m3/h; FB 24..26 */
    MB_Q_MASS_FLOW,               /**< VIF 50..57, in kg/h */
    MB_Q_FLOW_TEMPERATURE,        /**< VIF 58..5B; FB 58..5B (Fahrenheit) */
    MB_Q_RETURN_TEMPERATURE,      /**< VIF 5C..5F; FB 5C..5F (Fahrenheit) */
    MB_Q_TEMPERATURE_DIFFERENCE,  /**< VIF 60..63 (K); FB 60..63 (Fahrenheit) */
    MB_Q_EXTERNAL_TEMPERATURE,    /**< VIF 64..67; FB 64..67 (Fahrenheit) */
    MB_Q_PRESSURE,                /**< VIF 68..6B, in bar */
    MB_Q_DATE,                    /**< VIF 6C: a date (type G) */
    MB_Q_DATE_TIME,               /**< VIF 6D: date and time (types F, I, J, M) */
    MB_Q_HCA_UNITS,               /**< VIF 6E: heat cost allocator units */
    MB_Q_AVERAGING_DURATION,      /**< VIF 70..73, in s */
    MB_Q_ACTUALITY_DURATION,      /**< VIF 74..77, in s */
    MB_Q_FABRICATION_NUMBER,      /**< VIF 78 */
    MB_Q_ENHANCED_IDENTIFICATION, /**< VIF 79 */
    MB_Q_BUS_ADDRESS,             /**< VIF 7A: primary address */
    MB_Q_PLAIN_TEXT,              /**< unit given as text in the record (mb_record_t::text_unit) */
    MB_Q_ANY,                     /**< VIF 0x7E: any quantity, in readout selections */
    MB_Q_MANUFACTURER_SPECIFIC,   /**< VIF 0x7F/0xFF */
    /* first extension table (VIF 0xFB) */
    MB_Q_REACTIVE_ENERGY,               /**< FB 02..03, in varh */
    MB_Q_APPARENT_ENERGY,               /**< FB 04..05, in VAh */
    MB_Q_REACTIVE_POWER,                /**< FB 14..17, in var */
    MB_Q_RELATIVE_HUMIDITY,             /**< FB 1A..1B, in % */
    MB_Q_PHASE_ANGLE_UU,                /**< phase angle voltage to voltage */
    MB_Q_PHASE_ANGLE_UI,                /**< phase angle voltage to current */
    MB_Q_FREQUENCY,                     /**< FB 2C..2F, in Hz */
    MB_Q_APPARENT_POWER,                /**< FB 34..37, in VA */
    MB_Q_HCA_RATING_FACTOR_K,           /**< FB 68 */
    MB_Q_HCA_RATING_FACTOR_KQ,          /**< FB 69 */
    MB_Q_HCA_COUPLING_FACTOR_KC,        /**< FB 6A */
    MB_Q_HCA_COUPLING_FACTOR_KCR,       /**< FB 6B */
    MB_Q_HCA_COUPLING_FACTOR_KCH,       /**< FB 6C */
    MB_Q_HCA_LOW_TEMPERATURE_FACTOR_KT, /**< FB 6D */
    MB_Q_HCA_DISPLAY_SCALING_FACTOR_KD, /**< FB 6E */
    MB_Q_TEMPERATURE_LIMIT,             /**< cold/warm temperature limit */
    MB_Q_MAX_POWER_COUNT,               /**< cumulative count of max power */
    /* second extension table (VIF 0xFD) */
    MB_Q_CREDIT,                      /**< FD 00..03, in currency units */
    MB_Q_DEBIT,                       /**< FD 04..07, in currency units */
    MB_Q_ACCESS_NUMBER,               /**< FD 08 */
    MB_Q_MEDIUM,                      /**< FD 09: device type */
    MB_Q_MANUFACTURER,                /**< FD 0A */
    MB_Q_PARAMETER_SET_ID,            /**< FD 0B */
    MB_Q_MODEL_VERSION,               /**< FD 0C */
    MB_Q_HARDWARE_VERSION,            /**< FD 0D */
    MB_Q_FIRMWARE_VERSION,            /**< FD 0E */
    MB_Q_SOFTWARE_VERSION,            /**< FD 0F */
    MB_Q_CUSTOMER_LOCATION,           /**< FD 10 */
    MB_Q_CUSTOMER,                    /**< FD 11 */
    MB_Q_ACCESS_CODE_USER,            /**< FD 12 */
    MB_Q_ACCESS_CODE_OPERATOR,        /**< FD 13 */
    MB_Q_ACCESS_CODE_SYSTEM_OPERATOR, /**< FD 14 */
    MB_Q_ACCESS_CODE_DEVELOPER,       /**< FD 15 */
    MB_Q_PASSWORD,                    /**< FD 16 */
    MB_Q_ERROR_FLAGS,                 /**< FD 17: device-specific error bits */
    MB_Q_ERROR_MASK,                  /**< FD 18 */
    MB_Q_SECURITY_KEY,                /**< FD 19 */
    MB_Q_DIGITAL_OUTPUT,              /**< FD 1A */
    MB_Q_DIGITAL_INPUT,               /**< FD 1B */
    MB_Q_BAUD_RATE,                   /**< FD 1C, in Bd */
    MB_Q_RESPONSE_DELAY,              /**< FD 1D, in bit times */
    MB_Q_RETRY,                       /**< FD 1E */
    MB_Q_REMOTE_CONTROL,              /**< FD 1F */
    MB_Q_FIRST_STORAGE_NUMBER,        /**< FD 20: first storage number (cyclic) */
    MB_Q_LAST_STORAGE_NUMBER,         /**< FD 21: last storage number (cyclic) */
    MB_Q_STORAGE_BLOCK_SIZE,          /**< FD 22 */
    MB_Q_TARIFF_DESCRIPTOR,           /**< FD 23 */
    MB_Q_STORAGE_INTERVAL,            /**< FD 24..29, in s (months, years kept) */
    MB_Q_OPERATOR_DATA,               /**< FD 2A */
    MB_Q_TIME_POINT_SECOND,           /**< FD 2B */
    MB_Q_DURATION_SINCE_READOUT,      /**< FD 2C..2F, in s */
    MB_Q_TARIFF_START,                /**< FD 30: date and time */
    MB_Q_TARIFF_DURATION,             /**< FD 31..33, in s */
    MB_Q_TARIFF_PERIOD,               /**< FD 34..39, in s (months, years kept) */
    MB_Q_DIMENSIONLESS,               /**< FD 3A: a number without unit */
    MB_Q_WMBUS_CONTAINER,             /**< FD 3B: container for wireless M-Bus data */
    MB_Q_TRANSMISSION_PERIOD,         /**< FD 3C..3F, in s */
    MB_Q_VOLTAGE,                     /**< FD 40..4F, in V */
    MB_Q_CURRENT,                     /**< FD 50..5F, in A */
    MB_Q_RESET_COUNTER,               /**< FD 60 */
    MB_Q_CUMULATION_COUNTER,          /**< FD 61 */
    MB_Q_CONTROL_SIGNAL,              /**< FD 62 */
    MB_Q_DAY_OF_WEEK,                 /**< FD 63 */
    MB_Q_WEEK_NUMBER,                 /**< FD 64 */
    MB_Q_DAY_CHANGE_TIME,             /**< FD 65 */
    MB_Q_PARAMETER_ACTIVATION,        /**< FD 66: state of parameter activation */
    MB_Q_SUPPLIER_INFO,               /**< FD 67 */
    MB_Q_DURATION_SINCE_CUMULATION,   /**< FD 68..6B, in s (months, years kept) */
    MB_Q_BATTERY_OPERATING_TIME,      /**< FD 6C..6F, in s (months, years kept) */
    MB_Q_BATTERY_CHANGE_DATE,         /**< FD 70: a date */
    MB_Q_RF_LEVEL,                    /**< FD 71, in dBm */
    MB_Q_DAYLIGHT_SAVING,             /**< FD 72: type K, kept as bytes */
    MB_Q_LISTENING_WINDOW,            /**< FD 73: type L, kept as bytes */
    MB_Q_REMAINING_BATTERY_LIFETIME,  /**< FD 74 (days); FD FD 02..03 */
    MB_Q_METER_STOPPED_COUNT,         /**< FD 75 */
    MB_Q_MANUFACTURER_CONTAINER,      /**< FD 76: manufacturer-specific container */
    MB_Q_SELECTED_APPLICATION,        /**< FD FD 00 */
    MB_Q_TEMPERATURE, /**< a temperature of no particular kind (legacy fixed structure) */
    MB_Q_COUNT_       /**< number of quantities; not a quantity */
} mb_quantity_t;

/**
 * Units. Values are converted to the first unit of each kind: energy Wh (or J, cal when sent so),
 * volume m3, mass kg, durations s, power W or J/h, flows m3/h and kg/h. Non-metric units sent by
 * meters (ft3, US gallons, degrees Fahrenheit) are kept, not converted. MB_UNIT_MINUTE, _HOUR and
 * _DAY appear only when converting a duration to seconds would overflow int64.
 */
typedef enum mb_unit {
    MB_UNIT_NONE = 0,       /**< dimensionless, counts, identifiers, texts */
    MB_UNIT_WH,             /**< watt hour */
    MB_UNIT_J,              /**< joule */
    MB_UNIT_M3,             /**< cubic metre */
    MB_UNIT_KG,             /**< kilogram */
    MB_UNIT_S,              /**< second */
    MB_UNIT_W,              /**< watt */
    MB_UNIT_J_PER_H,        /**< joule per hour */
    MB_UNIT_M3_PER_H,       /**< cubic metre per hour */
    MB_UNIT_KG_PER_H,       /**< kilogram per hour */
    MB_UNIT_CELSIUS,        /**< degree Celsius */
    MB_UNIT_KELVIN,         /**< kelvin (temperature differences) */
    MB_UNIT_BAR,            /**< bar */
    MB_UNIT_V,              /**< volt */
    MB_UNIT_A,              /**< ampere */
    MB_UNIT_HZ,             /**< hertz */
    MB_UNIT_VARH,           /**< var hour (reactive energy) */
    MB_UNIT_VAH,            /**< volt-ampere hour */
    MB_UNIT_VAR,            /**< var (reactive power) */
    MB_UNIT_VA,             /**< volt-ampere */
    MB_UNIT_PERCENT,        /**< percent */
    MB_UNIT_DEGREE,         /**< angle */
    MB_UNIT_CAL,            /**< calorie */
    MB_UNIT_FT3,            /**< cubic foot */
    MB_UNIT_US_GAL,         /**< US gallon */
    MB_UNIT_US_GAL_PER_MIN, /**< US gallon per minute */
    MB_UNIT_US_GAL_PER_H,   /**< US gallon per hour */
    MB_UNIT_FAHRENHEIT,     /**< degree Fahrenheit */
    MB_UNIT_DBM,            /**< decibel-milliwatt (radio level) */
    MB_UNIT_BAUD,           /**< baud */
    MB_UNIT_BIT_TIMES,      /**< bit times (response delay) */
    MB_UNIT_CURRENCY,       /**< local currency units */
    MB_UNIT_MONTH,          /**< month (not converted) */
    MB_UNIT_YEAR,           /**< year (not converted) */
    MB_UNIT_MINUTE,         /**< only when seconds would overflow */
    MB_UNIT_HOUR,           /**< only when seconds would overflow */
    MB_UNIT_DAY,            /**< only when seconds would overflow */
    MB_UNIT_M3_PER_MIN,     /**< only when conversion to m3/h would overflow */
    MB_UNIT_M3_PER_S,       /**< only when conversion to m3/h would overflow */
    MB_UNIT_COUNT_          /**< number of units; not a unit */
} mb_unit_t;

/** @return a stable snake_case name ("energy", "flow_temperature"); "" without MB_ENABLE_TEXT. */
const char *mb_quantity_name(mb_quantity_t q);

/** @return the unit's symbol ("Wh", "m3", "°C" in UTF-8, "" for none); "" without text. */
const char *mb_unit_name(mb_unit_t u);

/* ---- values ------------------------------------------------------------------------------- */

/** What a record's value is, and so which members of mb_value_t hold it. */
typedef enum mb_value_kind {
    MB_VALUE_NONE = 0, /**< no data: DIF data field 0 or 8 */
    MB_VALUE_NUMBER,   /**< exact: mantissa * 10^exponent */
    MB_VALUE_REAL,     /**< 32-bit float (data field 5): real * 10^exponent */
    MB_VALUE_DATE,     /**< a date and/or time, see mb_datetime_t */
    MB_VALUE_TEXT,     /**< characters at bytes/len, transmitted last character first */
    MB_VALUE_BINARY,   /**< bytes at bytes/len as sent: bit fields, binary LVAR, opaque types */
} mb_value_kind_t;

#define MB_VALUE_INVALID 0x01u /**< BCD digit A..E, or a date with its invalid bit set */
#define MB_VALUE_BCD_HEX 0x02u /**< BCD with hex digits: bytes/len hold the digits as sent */
#define MB_VALUE_OPAQUE  0x04u /**< date types K, L, M: layout not decoded, see bytes */
/**
 * The exact value does not fit int64: an unsigned 64-bit integer above INT64_MAX, or a scaling
 * (2^-12, an additive offset) that would overflow. mantissa/exponent are then not the value: see
 * bytes.
 */
#define MB_VALUE_OVERFLOW 0x08u
/** A date with an "every" wildcard (datetime.flags has MB_DT_PERIODIC). */
#define MB_VALUE_PERIODIC 0x10u

#define MB_DT_HAS_DATE    0x01u /**< year, month, day are set */
#define MB_DT_HAS_TIME    0x02u /**< hour and minute are set */
#define MB_DT_HAS_SECOND  0x04u /**< second is set */
#define MB_DT_INVALID     0x08u /**< the date/time invalid bit is set */
#define MB_DT_SUMMER_TIME 0x10u /**< summer (daylight saving) time */
#define MB_DT_PERIODIC    0x20u /**< a field holds the "every" wildcard (day 0, month 15, ...) */
/**
 * The year is the "every year" wildcard (year code 127, with MB_DT_PERIODIC). @c year then holds
 * what the code would read as a year (2027, plus 100 per type F hundred-year bit), so that the
 * encoder can write the same bits back.
 */
#define MB_DT_EVERY_YEAR 0x40u

/** Date and time of types F (CP32), G (CP16), I (CP48) and J (CP24, time only). */
typedef struct mb_datetime {
    uint16_t year;   /**< 1900..2327 (type F's hundred-year bits); 0 when not set */
    uint8_t month;   /**< 1..12 (15 = every month, with MB_DT_PERIODIC) */
    uint8_t day;     /**< 1..31 (0 = every day) */
    uint8_t hour;    /**< 0..23 (31 = every hour) */
    uint8_t minute;  /**< 0..59 (63 = every minute) */
    uint8_t second;  /**< 0..59 (63 = every second), with MB_DT_HAS_SECOND */
    uint8_t weekday; /**< type I: 1 = Monday .. 7, 0 = not given */
    uint8_t type;    /**< 'F', 'G', 'I' or 'J' */
    uint8_t flags;   /**< MB_DT_* */
} mb_datetime_t;

/** A record's value. Which members are set depends on @c kind. */
typedef struct mb_value {
    mb_value_kind_t kind; /**< what the value is: says which members below are set */
    uint8_t flags;        /**< MB_VALUE_* */
    int8_t exponent;      /**< NUMBER and REAL: decimal exponent */
    int64_t mantissa;     /**< NUMBER */
#if MB_ENABLE_REAL32
    float real; /**< REAL: value = real * 10^exponent */
#endif
    mb_datetime_t datetime; /**< DATE */
    const uint8_t *bytes;   /**< TEXT, BINARY, and flagged values: a view into the record */
    size_t len;             /**< bytes at @c bytes */
} mb_value_t;

/* ---- records ------------------------------------------------------------------------------ */

/** The function field of a DIF (bits 5..4): which kind of value a record holds. */
typedef enum mb_function {
    MB_FN_INSTANTANEOUS = 0, /**< instantaneous value */
    MB_FN_MAXIMUM = 1,       /**< maximum value */
    MB_FN_MINIMUM = 2,       /**< minimum value */
    MB_FN_ERROR = 3,         /**< value during error state */
} mb_function_t;

/** "Per" units of combinable VIFEs 0x20..0x38: the quantity is divided (or multiplied) by it. */
typedef enum mb_per {
    MB_PER_NONE = 0,            /**< no "per" unit */
    MB_PER_SECOND,              /**< 0x20: per second */
    MB_PER_MINUTE,              /**< 0x21: per minute */
    MB_PER_HOUR,                /**< 0x22: per hour */
    MB_PER_DAY,                 /**< 0x23: per day */
    MB_PER_WEEK,                /**< 0x24: per week */
    MB_PER_MONTH,               /**< 0x25: per month */
    MB_PER_YEAR,                /**< 0x26: per year */
    MB_PER_REVOLUTION,          /**< per revolution / measurement */
    MB_PER_INPUT_PULSE_0,       /**< 0x28: per input pulse on channel 0 */
    MB_PER_INPUT_PULSE_1,       /**< 0x29: per input pulse on channel 1 */
    MB_PER_OUTPUT_PULSE_0,      /**< 0x2A: per output pulse on channel 0 */
    MB_PER_OUTPUT_PULSE_1,      /**< 0x2B: per output pulse on channel 1 */
    MB_PER_LITRE,               /**< 0x2C: per litre */
    MB_PER_M3,                  /**< 0x2D: per m3 */
    MB_PER_KG,                  /**< 0x2E: per kg */
    MB_PER_KELVIN,              /**< 0x2F: per K */
    MB_PER_KWH,                 /**< 0x30: per kWh */
    MB_PER_GJ,                  /**< 0x31: per GJ */
    MB_PER_KW,                  /**< 0x32: per kW */
    MB_PER_KELVIN_LITRE,        /**< 0x33: per (K * l) */
    MB_PER_VOLT,                /**< 0x34: per V */
    MB_PER_AMPERE,              /**< 0x35: per A */
    MB_TIMES_SECOND,            /**< multiplied by s */
    MB_TIMES_SECOND_PER_VOLT,   /**< multiplied by s/V */
    MB_TIMES_SECOND_PER_AMPERE, /**< 0x38: multiplied by s/A */
    MB_PER_COUNT_               /**< number of "per" units; not one */
} mb_per_t;

/** @name Combinable VIFE flags (mb_record_t::vife_flags).
 * @{ */
#define MB_VIFE_AVERAGE                   (1ul << 0)  /**< 0x12 average value */
#define MB_VIFE_INVERSE_COMPACT_PROFILE   (1ul << 1)  /**< 0x13 */
#define MB_VIFE_RELATIVE_DEVIATION        (1ul << 2)  /**< 0x14 */
#define MB_VIFE_STANDARD_CONFORM          (1ul << 3)  /**< 0x1D standard-conform data content */
#define MB_VIFE_COMPACT_PROFILE_REGISTERS (1ul << 4)  /**< 0x1E */
#define MB_VIFE_COMPACT_PROFILE           (1ul << 5)  /**< 0x1F */
#define MB_VIFE_START_DATE                (1ul << 6)  /**< 0x39 start date(/time) of ... */
#define MB_VIFE_UNCORRECTED               (1ul << 7)  /**< 0x3A value at metering conditions */
#define MB_VIFE_ACCUMULATION_POSITIVE     (1ul << 8)  /**< 0x3B forward flow only */
#define MB_VIFE_ACCUMULATION_NEGATIVE     (1ul << 9)  /**< 0x3C backward flow only */
#define MB_VIFE_NON_METRIC                (1ul << 10) /**< 0x3D alternate non-metric unit system */
#define MB_VIFE_BASE_CONDITIONS           (1ul << 11) /**< 0x3E value at base conditions */
#define MB_VIFE_OBIS                      (1ul << 12) /**< 0x3F OBIS declaration */
#define MB_VIFE_LEAKAGE                   (1ul << 13) /**< 0x69 leakage values */
#define MB_VIFE_OVERFLOW_VALUES           (1ul << 14) /**< 0x6D overflow values */
#define MB_VIFE_FUTURE_VALUE              (1ul << 15) /**< 0x7E future value */
#define MB_VIFE_MANUFACTURER              (1ul << 16) /**< 0x7F: further VIFEs manufacturer specific */
#define MB_VIFE_ACCUMULATION_ABSOLUTE     (1ul << 17) /**< FC 10: absolute value, both directions */
#define MB_VIFE_TYPE_C                    (1ul << 18) /**< FC 11: data presented unsigned */
#define MB_VIFE_TYPE_D                    (1ul << 19) /**< FC 12: data presented as bit field */
#define MB_VIFE_TO_METER                  (1ul << 20) /**< FC 14: direction partner to meter */
#define MB_VIFE_FROM_METER                (1ul << 21) /**< FC 15: direction meter to partner */
#define MB_VIFE_DELTA_IMPORT_EXPORT       (1ul << 22) /**< FC 0C: delta between import and export */
#define MB_VIFE_MULTIPLIED                (1ul << 23) /**< 0x70..0x77 or 0x7D scaled the value */
#define MB_VIFE_OFFSET                    (1ul << 24) /**< 0x78..0x7B added an offset */
/** @} */

/** Phase or quadrant of the combinable extension (VIFE 0x7C/0xFC then 0x01..0x0B). */
typedef enum mb_phase {
    MB_PHASE_NONE = 0,   /**< no phase or quadrant */
    MB_PHASE_L1 = 1,     /**< phase L1 */
    MB_PHASE_L2 = 2,     /**< phase L2 */
    MB_PHASE_L3 = 3,     /**< phase L3 */
    MB_PHASE_N = 4,      /**< neutral */
    MB_PHASE_L1_L2 = 5,  /**< between L1 and L2 */
    MB_PHASE_L2_L3 = 6,  /**< between L2 and L3 */
    MB_PHASE_L3_L1 = 7,  /**< between L3 and L1 */
    MB_QUADRANT_Q1 = 8,  /**< quadrant Q1 */
    MB_QUADRANT_Q2 = 9,  /**< quadrant Q2 */
    MB_QUADRANT_Q3 = 10, /**< quadrant Q3 */
    MB_QUADRANT_Q4 = 11, /**< quadrant Q4 */
} mb_phase_t;

#define MB_RECORD_UNKNOWN_VIFE   0x01u /**< a VIFE was reserved or unknown: see vib */
#define MB_RECORD_TEXT_UNIT      0x02u /**< text_unit holds a plain-text unit */
#define MB_RECORD_READOUT        0x04u /**< DIF data field 8: selection for readout (no data) */
#define MB_RECORD_GLOBAL_READOUT 0x08u /**< DIF 0x7F: global readout request */
#define MB_RECORD_ERROR          0x10u /**< @c error holds a record error code (from a meter) */
#define MB_RECORD_ACTION         0x20u /**< @c action holds an object action (to a meter) */

/**
 * One data record. The decoder fills every member; the encoder reads the members marked (enc).
 * Views (dib, vib, data, text_unit, value.bytes) point into the decoded buffer.
 */
typedef struct mb_record {
    const uint8_t *dib;  /**< DIF and DIFEs as sent */
    const uint8_t *vib;  /**< (enc) VIF and VIFEs as sent */
    const uint8_t *data; /**< data bytes as sent (after the LVAR byte for variable length) */
    uint64_t storage;    /**< (enc) storage number, up to 41 bits */
    uint32_t tariff;     /**< (enc) up to 20 bits */
    uint16_t subunit;    /**< (enc) up to 10 bits */
    uint16_t vib_len;    /**< (enc) 1..11 VIF and VIFE bytes, plus a plain-text unit: up to 267 */
    uint16_t data_len;   /**< 0..191 (LVAR text) */
    uint8_t dib_len;     /**< 1..11 */
    uint8_t data_field;  /**< (enc) DIF bits 3..0: the coding of the data */
    mb_function_t function; /**< (enc) */
    mb_quantity_t quantity; /**< what the record measures (from the VIF) */
    /**
     * (enc) The value's unit. For the encoder, MB_UNIT_NONE means the unit the decoder gives for
     * the VIF (seconds for durations, m3/h for flows); a unit sent as is (MB_UNIT_HOUR after an
     * overflow) says the value was not converted.
     */
    mb_unit_t unit;

    /* The members from here on are 0 (or NULL) unless the record has what they describe. */
    uint8_t lvar;   /**< (enc) variable length: the LVAR byte; else 0 */
    uint8_t flags;  /**< MB_RECORD_* */
    uint8_t error;  /**< with MB_RECORD_ERROR: VIFE 0x00..0x0F or 0x15..0x1C */
    uint8_t action; /**< with MB_RECORD_ACTION: object action VIFE 0x00..0x0F */
    /**
     * Limit VIFE 0x40..0x6F (see mb_limit_name()), 0 = none. The quantity stays the VIF's; the
     * value is then a limit or a value of that quantity, a date (begin/end of an exceed), a
     * duration in seconds (duration of an exceed) or a plain count (number of exceeds).
     */
    uint8_t limit;
    uint8_t text_unit_len;    /**< bytes at @c text_unit */
    mb_per_t per;             /**< "per" unit of a VIFE, MB_PER_NONE = none */
    mb_phase_t phase;         /**< phase or quadrant, MB_PHASE_NONE = none */
    uint32_t vife_flags;      /**< MB_VIFE_* */
    const uint8_t *text_unit; /**< plain-text VIF: the unit text, last character first */

    mb_value_t value; /**< (enc) */
} mb_record_t;

/* ---- iterator ----------------------------------------------------------------------------- */

/** Options of mb_records_init(). */
#define MB_RECORDS_TO_METER 0x01u /**< records sent to a meter: VIFE 0x00..0x0F are actions */
/**
 * Where a plain-text unit (VIF 0xFC followed by VIFEs) stands. EN 13757-3:2018 puts it after the
 * last VIFE; older meters (and libmbus, jMBus) put it right after the VIF. By default the 2018
 * order is read, and the older order is taken instead only when the 2018 reading runs past the
 * data or gives unprintable text while the older one gives printable text. These options force
 * one order. The two agree for VIF 0x7C, which has no VIFEs.
 */
#define MB_RECORDS_TEXT_AFTER_VIF 0x02u /**< always the older order (wins over the next) */
#define MB_RECORDS_TEXT_2018      0x04u /**< always the 2018 order */

/** Iterator state; owned by the caller, members private. */
typedef struct mb_records {
    const uint8_t *p;                 /**< private */
    size_t len;                       /**< private */
    size_t pos;                       /**< private */
    unsigned options;                 /**< private */
    int status;                       /**< private: 0 running, 1 ended, < 0 error */
    const uint8_t *manufacturer_data; /**< after DIF 0x0F/0x1F: the rest of the data, else NULL */
    size_t manufacturer_len;          /**< bytes at @c manufacturer_data */
    bool more_records_follow;         /**< the data ended with DIF 0x1F */
} mb_records_t;

/**
 * Start iterating over application data @p apl of @p len bytes (mb_tpl_t::apl).
 * @param it      the iterator, owned by the caller
 * @param apl     the data; must stay unchanged while @p it and the records it gives are used; may
 *                be NULL when @p len is 0
 * @param len     bytes at @p apl
 * @param options MB_RECORDS_* or 0
 */
void mb_records_init(mb_records_t *it, const uint8_t *apl, size_t len, unsigned options);

/**
 * Decode the next record. Fillers (DIF 0x2F) are skipped. At DIF 0x0F or 0x1F the iteration ends
 * and it->manufacturer_data, manufacturer_len and more_records_follow are set.
 * @return 1 with @p rec filled; 0 at the end; a negative MB_ERR_REC_* when the data cannot be
 *         read further (the same error again on later calls)
 */
int mb_records_next(mb_records_t *it, mb_record_t *rec);

/**
 * @return the offset in the application data where the iteration stands: after the last record
 *         delivered, at the record that could not be read, or at the end of the data once DIF
 *         0x0F/0x1F ended the records.
 */
size_t mb_records_offset(const mb_records_t *it);

/* ---- encoder ------------------------------------------------------------------------------ */

/**
 * Encode one record into @p out: DIF and DIFEs from data_field, function, storage, tariff and
 * subunit; the VIF bytes from vib/vib_len as given; the data from value, converted back through
 * the VIF's scaling into the coding of data_field (integer, BCD, real, date, text, binary). A value
 * that the VIF and data field cannot represent exactly is refused (MB_ERR_REC_INEXACT), one that
 * does not fit is refused (MB_ERR_REC_RANGE), one the coding cannot carry (a number where the VIF
 * makes a date, a text in an integer field) is refused (MB_ERR_REC_KIND): what is encoded is
 * decoded again and compared, so decode(encode(r)) gives r's value back. Dates keep what
 * mb_datetime_t holds; type I's week and daylight-saving deviation are written as 0. The value
 * may be given in any decimal representation (30 x 10^1 s is 300 s).
 *
 * A plain-text unit after VIF 0xFC is kept in the order the record was decoded in (told by where
 * text_unit stands in vib), else the 2018 order when it reads the whole VIB, else the older
 * order; the record decodes back with that order forced. The automatic order of the iterator
 * may read the older order otherwise: a receiver of such records should force it.
 * @return bytes written; MB_ERR_NOSPACE (nothing written), MB_ERR_ARG, MB_ERR_REC_* (the contents
 *         of @p out are then unspecified)
 */
int mb_record_encode(const mb_record_t *rec, uint8_t *out, size_t cap);

/* ---- names -------------------------------------------------------------------------------- */

/** @return "instantaneous", "maximum", "minimum" or "error". */
const char *mb_function_name(mb_function_t fn);

/** @return a snake_case name of a "per" unit ("per_hour", "times_second"), "" for none. */
const char *mb_per_name(mb_per_t per);

/** @return "L1", "L2", "L3", "N", "L1-L2", "L2-L3", "L3-L1", "Q1".."Q4", "" for none. */
const char *mb_phase_name(mb_phase_t phase);

/** @return a snake_case name of a limit VIFE 0x40..0x6F ("upper_limit_value", ...). */
const char *mb_limit_name(uint8_t limit);

/** @return a snake_case name of a record error code ("no_data", "data_overflow", ...). */
const char *mb_record_error_name(uint8_t error);

/** @return a snake_case name of an object action ("write", "add", "clear", ...). */
const char *mb_action_name(uint8_t action);

#ifdef __cplusplus
}
#endif

#endif /* MB_RECORDS_H */
