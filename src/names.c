/*
 * Names of codes, for logs, JSON and user interfaces: stable snake_case identifiers (never
 * translated, never changed once released) and unit symbols. With MB_ENABLE_TEXT 0 every function
 * here returns "" and the tables leave the build.
 */
#include "meterbus/records.h"
#include "meterbus/tpl.h"

#include "internal.h"

#if MB_ENABLE_TEXT
#define NAME_OF(table, i) \
    (((size_t)(i) < sizeof(table) / sizeof((table)[0]) && (table)[i] != NULL) ? (table)[i] : "")
#else
#define NAME_OF(table, i) ((void)(i), "")
#endif

#if MB_ENABLE_TEXT
/*
 * Quantities, units and functions are the names of every record. Each is listed once here, for a
 * block of text that holds them all (one struct of char arrays, each name with its NUL) and for
 * the index of each table: the name's offset in the block and its length, in 16 bits. The JSON
 * writer then finds a name with one load and copies it with a fixed-size copy, which may run past
 * the name's end but never past the block (MB_INTERNAL_NAME_SPARE bytes follow the last name).
 */
#define QUANTITY_NAMES(X)                                                  \
    X(MB_Q_UNKNOWN, "unknown")                                             \
    X(MB_Q_ENERGY, "energy")                                               \
    X(MB_Q_VOLUME, "volume")                                               \
    X(MB_Q_MASS, "mass")                                                   \
    X(MB_Q_ON_TIME, "on_time")                                             \
    X(MB_Q_OPERATING_TIME, "operating_time")                               \
    X(MB_Q_POWER, "power")                                                 \
    X(MB_Q_VOLUME_FLOW, "volume_flow")                                     \
    X(MB_Q_MASS_FLOW, "mass_flow")                                         \
    X(MB_Q_FLOW_TEMPERATURE, "flow_temperature")                           \
    X(MB_Q_RETURN_TEMPERATURE, "return_temperature")                       \
    X(MB_Q_TEMPERATURE_DIFFERENCE, "temperature_difference")               \
    X(MB_Q_EXTERNAL_TEMPERATURE, "external_temperature")                   \
    X(MB_Q_PRESSURE, "pressure")                                           \
    X(MB_Q_DATE, "date")                                                   \
    X(MB_Q_DATE_TIME, "date_time")                                         \
    X(MB_Q_HCA_UNITS, "hca_units")                                         \
    X(MB_Q_AVERAGING_DURATION, "averaging_duration")                       \
    X(MB_Q_ACTUALITY_DURATION, "actuality_duration")                       \
    X(MB_Q_FABRICATION_NUMBER, "fabrication_number")                       \
    X(MB_Q_ENHANCED_IDENTIFICATION, "enhanced_identification")             \
    X(MB_Q_BUS_ADDRESS, "bus_address")                                     \
    X(MB_Q_PLAIN_TEXT, "plain_text")                                       \
    X(MB_Q_ANY, "any")                                                     \
    X(MB_Q_MANUFACTURER_SPECIFIC, "manufacturer_specific")                 \
    X(MB_Q_REACTIVE_ENERGY, "reactive_energy")                             \
    X(MB_Q_APPARENT_ENERGY, "apparent_energy")                             \
    X(MB_Q_REACTIVE_POWER, "reactive_power")                               \
    X(MB_Q_RELATIVE_HUMIDITY, "relative_humidity")                         \
    X(MB_Q_PHASE_ANGLE_UU, "phase_angle_uu")                               \
    X(MB_Q_PHASE_ANGLE_UI, "phase_angle_ui")                               \
    X(MB_Q_FREQUENCY, "frequency")                                         \
    X(MB_Q_APPARENT_POWER, "apparent_power")                               \
    X(MB_Q_HCA_RATING_FACTOR_K, "hca_rating_factor_k")                     \
    X(MB_Q_HCA_RATING_FACTOR_KQ, "hca_rating_factor_kq")                   \
    X(MB_Q_HCA_COUPLING_FACTOR_KC, "hca_coupling_factor_kc")               \
    X(MB_Q_HCA_COUPLING_FACTOR_KCR, "hca_coupling_factor_kcr")             \
    X(MB_Q_HCA_COUPLING_FACTOR_KCH, "hca_coupling_factor_kch")             \
    X(MB_Q_HCA_LOW_TEMPERATURE_FACTOR_KT, "hca_low_temperature_factor_kt") \
    X(MB_Q_HCA_DISPLAY_SCALING_FACTOR_KD, "hca_display_scaling_factor_kd") \
    X(MB_Q_TEMPERATURE_LIMIT, "temperature_limit")                         \
    X(MB_Q_MAX_POWER_COUNT, "max_power_count")                             \
    X(MB_Q_CREDIT, "credit")                                               \
    X(MB_Q_DEBIT, "debit")                                                 \
    X(MB_Q_ACCESS_NUMBER, "access_number")                                 \
    X(MB_Q_MEDIUM, "medium")                                               \
    X(MB_Q_MANUFACTURER, "manufacturer")                                   \
    X(MB_Q_PARAMETER_SET_ID, "parameter_set_id")                           \
    X(MB_Q_MODEL_VERSION, "model_version")                                 \
    X(MB_Q_HARDWARE_VERSION, "hardware_version")                           \
    X(MB_Q_FIRMWARE_VERSION, "firmware_version")                           \
    X(MB_Q_SOFTWARE_VERSION, "software_version")                           \
    X(MB_Q_CUSTOMER_LOCATION, "customer_location")                         \
    X(MB_Q_CUSTOMER, "customer")                                           \
    X(MB_Q_ACCESS_CODE_USER, "access_code_user")                           \
    X(MB_Q_ACCESS_CODE_OPERATOR, "access_code_operator")                   \
    X(MB_Q_ACCESS_CODE_SYSTEM_OPERATOR, "access_code_system_operator")     \
    X(MB_Q_ACCESS_CODE_DEVELOPER, "access_code_developer")                 \
    X(MB_Q_PASSWORD, "password")                                           \
    X(MB_Q_ERROR_FLAGS, "error_flags")                                     \
    X(MB_Q_ERROR_MASK, "error_mask")                                       \
    X(MB_Q_SECURITY_KEY, "security_key")                                   \
    X(MB_Q_DIGITAL_OUTPUT, "digital_output")                               \
    X(MB_Q_DIGITAL_INPUT, "digital_input")                                 \
    X(MB_Q_BAUD_RATE, "baud_rate")                                         \
    X(MB_Q_RESPONSE_DELAY, "response_delay")                               \
    X(MB_Q_RETRY, "retry")                                                 \
    X(MB_Q_REMOTE_CONTROL, "remote_control")                               \
    X(MB_Q_FIRST_STORAGE_NUMBER, "first_storage_number")                   \
    X(MB_Q_LAST_STORAGE_NUMBER, "last_storage_number")                     \
    X(MB_Q_STORAGE_BLOCK_SIZE, "storage_block_size")                       \
    X(MB_Q_TARIFF_DESCRIPTOR, "tariff_descriptor")                         \
    X(MB_Q_STORAGE_INTERVAL, "storage_interval")                           \
    X(MB_Q_OPERATOR_DATA, "operator_data")                                 \
    X(MB_Q_TIME_POINT_SECOND, "time_point_second")                         \
    X(MB_Q_DURATION_SINCE_READOUT, "duration_since_readout")               \
    X(MB_Q_TARIFF_START, "tariff_start")                                   \
    X(MB_Q_TARIFF_DURATION, "tariff_duration")                             \
    X(MB_Q_TARIFF_PERIOD, "tariff_period")                                 \
    X(MB_Q_DIMENSIONLESS, "dimensionless")                                 \
    X(MB_Q_WMBUS_CONTAINER, "wmbus_container")                             \
    X(MB_Q_TRANSMISSION_PERIOD, "transmission_period")                     \
    X(MB_Q_VOLTAGE, "voltage")                                             \
    X(MB_Q_CURRENT, "current")                                             \
    X(MB_Q_RESET_COUNTER, "reset_counter")                                 \
    X(MB_Q_CUMULATION_COUNTER, "cumulation_counter")                       \
    X(MB_Q_CONTROL_SIGNAL, "control_signal")                               \
    X(MB_Q_DAY_OF_WEEK, "day_of_week")                                     \
    X(MB_Q_WEEK_NUMBER, "week_number")                                     \
    X(MB_Q_DAY_CHANGE_TIME, "day_change_time")                             \
    X(MB_Q_PARAMETER_ACTIVATION, "parameter_activation")                   \
    X(MB_Q_SUPPLIER_INFO, "supplier_info")                                 \
    X(MB_Q_DURATION_SINCE_CUMULATION, "duration_since_cumulation")         \
    X(MB_Q_BATTERY_OPERATING_TIME, "battery_operating_time")               \
    X(MB_Q_BATTERY_CHANGE_DATE, "battery_change_date")                     \
    X(MB_Q_RF_LEVEL, "rf_level")                                           \
    X(MB_Q_DAYLIGHT_SAVING, "daylight_saving")                             \
    X(MB_Q_LISTENING_WINDOW, "listening_window")                           \
    X(MB_Q_REMAINING_BATTERY_LIFETIME, "remaining_battery_lifetime")       \
    X(MB_Q_METER_STOPPED_COUNT, "meter_stopped_count")                     \
    X(MB_Q_MANUFACTURER_CONTAINER, "manufacturer_container")               \
    X(MB_Q_SELECTED_APPLICATION, "selected_application")                   \
    X(MB_Q_TEMPERATURE, "temperature")

#define UNIT_NAMES(X)                       \
    X(MB_UNIT_NONE, "")                     \
    X(MB_UNIT_WH, "Wh")                     \
    X(MB_UNIT_J, "J")                       \
    X(MB_UNIT_M3, "m3")                     \
    X(MB_UNIT_KG, "kg")                     \
    X(MB_UNIT_S, "s")                       \
    X(MB_UNIT_W, "W")                       \
    X(MB_UNIT_J_PER_H, "J/h")               \
    X(MB_UNIT_M3_PER_H, "m3/h")             \
    X(MB_UNIT_KG_PER_H, "kg/h")             \
    X(MB_UNIT_CELSIUS, "\xC2\xB0"           \
                       "C")                 \
    X(MB_UNIT_KELVIN, "K")                  \
    X(MB_UNIT_BAR, "bar")                   \
    X(MB_UNIT_V, "V")                       \
    X(MB_UNIT_A, "A")                       \
    X(MB_UNIT_HZ, "Hz")                     \
    X(MB_UNIT_VARH, "varh")                 \
    X(MB_UNIT_VAH, "VAh")                   \
    X(MB_UNIT_VAR, "var")                   \
    X(MB_UNIT_VA, "VA")                     \
    X(MB_UNIT_PERCENT, "%")                 \
    X(MB_UNIT_DEGREE, "\xC2\xB0")           \
    X(MB_UNIT_CAL, "cal")                   \
    X(MB_UNIT_FT3, "ft3")                   \
    X(MB_UNIT_US_GAL, "US gal")             \
    X(MB_UNIT_US_GAL_PER_MIN, "US gal/min") \
    X(MB_UNIT_US_GAL_PER_H, "US gal/h")     \
    X(MB_UNIT_FAHRENHEIT, "\xC2\xB0"        \
                          "F")              \
    X(MB_UNIT_DBM, "dBm")                   \
    X(MB_UNIT_BAUD, "Bd")                   \
    X(MB_UNIT_BIT_TIMES, "bit times")       \
    X(MB_UNIT_CURRENCY, "currency units")   \
    X(MB_UNIT_MONTH, "month")               \
    X(MB_UNIT_YEAR, "year")                 \
    X(MB_UNIT_MINUTE, "min")                \
    X(MB_UNIT_HOUR, "h")                    \
    X(MB_UNIT_DAY, "d")                     \
    X(MB_UNIT_M3_PER_MIN, "m3/min")         \
    X(MB_UNIT_M3_PER_S, "m3/s")

#define FUNCTION_NAMES(X)                   \
    X(MB_FN_INSTANTANEOUS, "instantaneous") \
    X(MB_FN_MAXIMUM, "maximum")             \
    X(MB_FN_MINIMUM, "minimum")             \
    X(MB_FN_ERROR, "error")

#define NAME_FIELD(code, str) char n_##code[sizeof(str)];
#define NAME_INIT(code, str)  str,

struct mb_internal_name_text {
    char none[1]; /* "": codes without a name */
    QUANTITY_NAMES(NAME_FIELD)
    UNIT_NAMES(NAME_FIELD)
    FUNCTION_NAMES(NAME_FIELD)
    char spare[MB_INTERNAL_NAME_SPARE];
};

const struct mb_internal_name_text mb_internal_name_text = {
    "", QUANTITY_NAMES(NAME_INIT) UNIT_NAMES(NAME_INIT) FUNCTION_NAMES(NAME_INIT) ""};

/* Offsets fit in 11 bits, lengths in 5 (a compile error otherwise). */
#define NAME_CHECK(code, str) char n_##code[sizeof(str) <= 32u ? 1 : -1];
struct name_length_check {
    QUANTITY_NAMES(NAME_CHECK)
    UNIT_NAMES(NAME_CHECK)
    FUNCTION_NAMES(NAME_CHECK)
};
typedef char name_text_check[sizeof(struct mb_internal_name_text) <= 2048u ? 1 : -1];

#define NAME_INDEX(code, str) \
    [code] = (uint16_t)(offsetof(struct mb_internal_name_text, n_##code) << 5 | (sizeof(str) - 1u)),

const uint16_t mb_internal_quantity_index[MB_Q_COUNT_] = {QUANTITY_NAMES(NAME_INDEX)};
const uint16_t mb_internal_unit_index[MB_UNIT_COUNT_] = {UNIT_NAMES(NAME_INDEX)};
const uint16_t mb_internal_function_index[4] = {FUNCTION_NAMES(NAME_INDEX)};

static const char *const per_names[MB_PER_COUNT_] = {
    [MB_PER_SECOND] = "per_second",
    [MB_PER_MINUTE] = "per_minute",
    [MB_PER_HOUR] = "per_hour",
    [MB_PER_DAY] = "per_day",
    [MB_PER_WEEK] = "per_week",
    [MB_PER_MONTH] = "per_month",
    [MB_PER_YEAR] = "per_year",
    [MB_PER_REVOLUTION] = "per_revolution",
    [MB_PER_INPUT_PULSE_0] = "per_input_pulse_0",
    [MB_PER_INPUT_PULSE_1] = "per_input_pulse_1",
    [MB_PER_OUTPUT_PULSE_0] = "per_output_pulse_0",
    [MB_PER_OUTPUT_PULSE_1] = "per_output_pulse_1",
    [MB_PER_LITRE] = "per_litre",
    [MB_PER_M3] = "per_m3",
    [MB_PER_KG] = "per_kg",
    [MB_PER_KELVIN] = "per_kelvin",
    [MB_PER_KWH] = "per_kwh",
    [MB_PER_GJ] = "per_gj",
    [MB_PER_KW] = "per_kw",
    [MB_PER_KELVIN_LITRE] = "per_kelvin_litre",
    [MB_PER_VOLT] = "per_volt",
    [MB_PER_AMPERE] = "per_ampere",
    [MB_TIMES_SECOND] = "times_second",
    [MB_TIMES_SECOND_PER_VOLT] = "times_second_per_volt",
    [MB_TIMES_SECOND_PER_AMPERE] = "times_second_per_ampere",
};
#endif

const char *mb_quantity_name(mb_quantity_t q) { return mb_internal_quantity_name(q).s; }

const char *mb_unit_name(mb_unit_t u) { return mb_internal_unit_name(u).s; }

const char *mb_function_name(mb_function_t fn) { return mb_internal_function_name(fn).s; }

const char *mb_per_name(mb_per_t per) { return NAME_OF(per_names, per); }

#if MB_ENABLE_TEXT
static const char *const phase_names[12] = {"",      "L1",    "L2", "L3", "N",  "L1-L2",
                                            "L2-L3", "L3-L1", "Q1", "Q2", "Q3", "Q4"};

/* Combinable VIFEs E100 uxxx, E101 ufnn, E110 xxxx (0x40..0x6F). */
static const char *const limit_names[0x30] = {
    [0x00] = "lower_limit_value",
    [0x01] = "lower_limit_exceed_count",
    [0x02] = "first_lower_limit_exceed_begin",
    [0x03] = "first_lower_limit_exceed_end",
    [0x06] = "last_lower_limit_exceed_begin",
    [0x07] = "last_lower_limit_exceed_end",
    [0x08] = "upper_limit_value",
    [0x09] = "upper_limit_exceed_count",
    [0x0A] = "first_upper_limit_exceed_begin",
    [0x0B] = "first_upper_limit_exceed_end",
    [0x0E] = "last_upper_limit_exceed_begin",
    [0x0F] = "last_upper_limit_exceed_end",
    [0x10] = "first_lower_limit_exceed_duration",
    [0x11] = "first_lower_limit_exceed_duration",
    [0x12] = "first_lower_limit_exceed_duration",
    [0x13] = "first_lower_limit_exceed_duration",
    [0x14] = "last_lower_limit_exceed_duration",
    [0x15] = "last_lower_limit_exceed_duration",
    [0x16] = "last_lower_limit_exceed_duration",
    [0x17] = "last_lower_limit_exceed_duration",
    [0x18] = "first_upper_limit_exceed_duration",
    [0x19] = "first_upper_limit_exceed_duration",
    [0x1A] = "first_upper_limit_exceed_duration",
    [0x1B] = "first_upper_limit_exceed_duration",
    [0x1C] = "last_upper_limit_exceed_duration",
    [0x1D] = "last_upper_limit_exceed_duration",
    [0x1E] = "last_upper_limit_exceed_duration",
    [0x1F] = "last_upper_limit_exceed_duration",
    [0x20] = "first_limit_exceed_duration",
    [0x21] = "first_limit_exceed_duration",
    [0x22] = "first_limit_exceed_duration",
    [0x23] = "first_limit_exceed_duration",
    [0x24] = "last_limit_exceed_duration",
    [0x25] = "last_limit_exceed_duration",
    [0x26] = "last_limit_exceed_duration",
    [0x27] = "last_limit_exceed_duration",
    [0x28] = "value_during_lower_limit_exceed",
    [0x2A] = "first_limit_exceed_begin",
    [0x2B] = "first_limit_exceed_end",
    [0x2C] = "value_during_upper_limit_exceed",
    [0x2E] = "last_limit_exceed_begin",
    [0x2F] = "last_limit_exceed_end",
};

/* Record errors (VIFE 0x00..0x1C from a meter). */
static const char *const record_error_names[0x1D] = {
    [0x00] = "none",
    [0x01] = "too_many_difes",
    [0x02] = "storage_number_not_implemented",
    [0x03] = "unit_number_not_implemented",
    [0x04] = "tariff_number_not_implemented",
    [0x05] = "function_not_implemented",
    [0x06] = "data_class_not_implemented",
    [0x07] = "data_size_not_implemented",
    [0x0B] = "too_many_vifes",
    [0x0C] = "illegal_vif_group",
    [0x0D] = "illegal_vif_exponent",
    [0x0E] = "vif_dif_mismatch",
    [0x0F] = "unimplemented_action",
    [0x15] = "no_data",
    [0x16] = "data_overflow",
    [0x17] = "data_underflow",
    [0x18] = "data_error",
    [0x1C] = "premature_end_of_record",
};

/* Object actions (VIFE 0x00..0x0F to a meter). */
static const char *const action_names[0x10] = {
    "write",
    "add",
    "subtract",
    "or",
    "and",
    "xor",
    "and_not",
    "clear",
    "add_entry",
    "delete_entry",
    "delayed_action",
    "freeze",
    "add_to_readout_list",
    "delete_from_readout_list",
    NULL,
    NULL,
};

/* Device type (medium) of the transport header, EN 13757-7; with lengths for the JSON writer. */
#define MEDIUM_NAMES(X)                 \
    X(0x00, "other")                    \
    X(0x01, "oil")                      \
    X(0x02, "electricity")              \
    X(0x03, "gas")                      \
    X(0x04, "heat_outlet")              \
    X(0x05, "steam")                    \
    X(0x06, "warm_water")               \
    X(0x07, "water")                    \
    X(0x08, "heat_cost_allocator")      \
    X(0x09, "compressed_air")           \
    X(0x0A, "cooling_outlet")           \
    X(0x0B, "cooling_inlet")            \
    X(0x0C, "heat_inlet")               \
    X(0x0D, "heat_cooling")             \
    X(0x0E, "bus_system_component")     \
    X(0x0F, "unknown_medium")           \
    X(0x10, "irrigation_water")         \
    X(0x11, "water_data_logger")        \
    X(0x12, "gas_data_logger")          \
    X(0x13, "gas_converter")            \
    X(0x14, "calorific_value")          \
    X(0x15, "hot_water")                \
    X(0x16, "cold_water")               \
    X(0x17, "dual_register_water")      \
    X(0x18, "pressure")                 \
    X(0x19, "ad_converter")             \
    X(0x1A, "smoke_detector")           \
    X(0x1B, "room_sensor")              \
    X(0x1C, "gas_detector")             \
    X(0x20, "breaker")                  \
    X(0x21, "valve")                    \
    X(0x25, "customer_unit")            \
    X(0x28, "waste_water")              \
    X(0x29, "garbage")                  \
    X(0x2A, "carbon_dioxide")           \
    X(0x30, "service_unit")             \
    X(0x31, "communication_controller") \
    X(0x32, "unidirectional_repeater")  \
    X(0x33, "bidirectional_repeater")   \
    X(0x36, "radio_converter_system")   \
    X(0x37, "radio_converter_meter")    \
    X(0x38, "wired_converter_meter")

#define MEDIUM_NAME(code, str) [code] = str,
#define MEDIUM_LEN(code, str)  [code] = (uint8_t)(sizeof(str) - 1u),
static const char *const medium_names[0x39] = {MEDIUM_NAMES(MEDIUM_NAME)};
static const uint8_t medium_lengths[0x39] = {MEDIUM_NAMES(MEDIUM_LEN)};

/* Application errors, CI 0x70. */
static const char *const app_error_names[10] = {
    "unspecified",   "unimplemented_ci",  "buffer_too_long", "too_many_records",
    "premature_end", "too_many_difes",    "too_many_vifes",  "reserved",
    "busy",          "too_many_readouts",
};

/* Medium codes of the legacy fixed data structure. */
static const char *const fixed_medium_names[16] = {
    "other",
    "oil",
    "electricity",
    "gas",
    "heat",
    "steam",
    "hot_water",
    "water",
    "heat_cost_allocator",
    "reserved",
    "gas_mode_2",
    "heat_mode_2",
    "hot_water_mode_2",
    "water_mode_2",
    "heat_cost_allocator_mode_2",
    "reserved",
};

static const char *const ci_content_names[] = {
    [MB_CI_RESERVED] = "reserved",
    [MB_CI_RECORDS] = "records",
    [MB_CI_COMPACT] = "compact",
    [MB_CI_FORMAT] = "format",
    [MB_CI_APP_ERROR] = "app_error",
    [MB_CI_ALARM] = "alarm",
    [MB_CI_APP_RESET] = "app_reset",
    [MB_CI_SELECTION] = "selection",
    [MB_CI_SELECTED_APP] = "selected_application",
    [MB_CI_SYNC] = "sync",
    [MB_CI_TIME_SYNC] = "time_sync",
    [MB_CI_BAUD] = "baud",
    [MB_CI_DLMS] = "dlms",
    [MB_CI_MANUFACTURER] = "manufacturer",
    [MB_CI_FIXED] = "fixed",
    [MB_CI_TPL_ONLY] = "tpl_only",
    [MB_CI_NETWORK_MANAGEMENT] = "network_management",
    [MB_CI_IMAGE_TRANSFER] = "image_transfer",
    [MB_CI_SECURITY_TRANSFER] = "security_transfer",
    [MB_CI_ELL] = "ell",
    [MB_CI_AFL] = "afl",
    [MB_CI_NETWORK_LAYER] = "network_layer",
};
#endif

const char *mb_phase_name(mb_phase_t phase) { return NAME_OF(phase_names, phase); }

const char *mb_limit_name(uint8_t limit)
{
    return limit < 0x40u ? "" : NAME_OF(limit_names, limit - 0x40u);
}

const char *mb_record_error_name(uint8_t error) { return NAME_OF(record_error_names, error); }

const char *mb_action_name(uint8_t action) { return NAME_OF(action_names, action); }

mb_internal_name_t mb_internal_medium_name(uint8_t medium)
{
#if MB_ENABLE_TEXT
    if (medium < sizeof medium_names / sizeof medium_names[0] && medium_names[medium] != NULL) {
        mb_internal_name_t name = {medium_names[medium], medium_lengths[medium]};
        return name;
    }
    mb_internal_name_t reserved = {"reserved", 8};
    return reserved;
#else
    (void)medium;
    mb_internal_name_t none = {"", 0};
    return none;
#endif
}

const char *mb_medium_name(uint8_t medium) { return mb_internal_medium_name(medium).s; }

const char *mb_app_error_name(uint8_t code) { return NAME_OF(app_error_names, code); }

const char *mb_fixed_medium_name(uint8_t medium) { return NAME_OF(fixed_medium_names, medium); }

const char *mb_ci_content_name(mb_ci_content_t content)
{
    return NAME_OF(ci_content_names, content);
}
