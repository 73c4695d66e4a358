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
/* A name with its length, known at compile time: the JSON writer copies names without scanning. */
#define N(str)                           \
    {                                    \
        str, (uint8_t)(sizeof(str) - 1u) \
    }

static const mb_internal_name_t quantity_names[MB_Q_COUNT_] = {
    [MB_Q_UNKNOWN] = N("unknown"),
    [MB_Q_ENERGY] = N("energy"),
    [MB_Q_VOLUME] = N("volume"),
    [MB_Q_MASS] = N("mass"),
    [MB_Q_ON_TIME] = N("on_time"),
    [MB_Q_OPERATING_TIME] = N("operating_time"),
    [MB_Q_POWER] = N("power"),
    [MB_Q_VOLUME_FLOW] = N("volume_flow"),
    [MB_Q_MASS_FLOW] = N("mass_flow"),
    [MB_Q_FLOW_TEMPERATURE] = N("flow_temperature"),
    [MB_Q_RETURN_TEMPERATURE] = N("return_temperature"),
    [MB_Q_TEMPERATURE_DIFFERENCE] = N("temperature_difference"),
    [MB_Q_EXTERNAL_TEMPERATURE] = N("external_temperature"),
    [MB_Q_PRESSURE] = N("pressure"),
    [MB_Q_DATE] = N("date"),
    [MB_Q_DATE_TIME] = N("date_time"),
    [MB_Q_HCA_UNITS] = N("hca_units"),
    [MB_Q_AVERAGING_DURATION] = N("averaging_duration"),
    [MB_Q_ACTUALITY_DURATION] = N("actuality_duration"),
    [MB_Q_FABRICATION_NUMBER] = N("fabrication_number"),
    [MB_Q_ENHANCED_IDENTIFICATION] = N("enhanced_identification"),
    [MB_Q_BUS_ADDRESS] = N("bus_address"),
    [MB_Q_PLAIN_TEXT] = N("plain_text"),
    [MB_Q_ANY] = N("any"),
    [MB_Q_MANUFACTURER_SPECIFIC] = N("manufacturer_specific"),
    [MB_Q_REACTIVE_ENERGY] = N("reactive_energy"),
    [MB_Q_APPARENT_ENERGY] = N("apparent_energy"),
    [MB_Q_REACTIVE_POWER] = N("reactive_power"),
    [MB_Q_RELATIVE_HUMIDITY] = N("relative_humidity"),
    [MB_Q_PHASE_ANGLE_UU] = N("phase_angle_uu"),
    [MB_Q_PHASE_ANGLE_UI] = N("phase_angle_ui"),
    [MB_Q_FREQUENCY] = N("frequency"),
    [MB_Q_APPARENT_POWER] = N("apparent_power"),
    [MB_Q_HCA_RATING_FACTOR_K] = N("hca_rating_factor_k"),
    [MB_Q_HCA_RATING_FACTOR_KQ] = N("hca_rating_factor_kq"),
    [MB_Q_HCA_COUPLING_FACTOR_KC] = N("hca_coupling_factor_kc"),
    [MB_Q_HCA_COUPLING_FACTOR_KCR] = N("hca_coupling_factor_kcr"),
    [MB_Q_HCA_COUPLING_FACTOR_KCH] = N("hca_coupling_factor_kch"),
    [MB_Q_HCA_LOW_TEMPERATURE_FACTOR_KT] = N("hca_low_temperature_factor_kt"),
    [MB_Q_HCA_DISPLAY_SCALING_FACTOR_KD] = N("hca_display_scaling_factor_kd"),
    [MB_Q_TEMPERATURE_LIMIT] = N("temperature_limit"),
    [MB_Q_MAX_POWER_COUNT] = N("max_power_count"),
    [MB_Q_CREDIT] = N("credit"),
    [MB_Q_DEBIT] = N("debit"),
    [MB_Q_ACCESS_NUMBER] = N("access_number"),
    [MB_Q_MEDIUM] = N("medium"),
    [MB_Q_MANUFACTURER] = N("manufacturer"),
    [MB_Q_PARAMETER_SET_ID] = N("parameter_set_id"),
    [MB_Q_MODEL_VERSION] = N("model_version"),
    [MB_Q_HARDWARE_VERSION] = N("hardware_version"),
    [MB_Q_FIRMWARE_VERSION] = N("firmware_version"),
    [MB_Q_SOFTWARE_VERSION] = N("software_version"),
    [MB_Q_CUSTOMER_LOCATION] = N("customer_location"),
    [MB_Q_CUSTOMER] = N("customer"),
    [MB_Q_ACCESS_CODE_USER] = N("access_code_user"),
    [MB_Q_ACCESS_CODE_OPERATOR] = N("access_code_operator"),
    [MB_Q_ACCESS_CODE_SYSTEM_OPERATOR] = N("access_code_system_operator"),
    [MB_Q_ACCESS_CODE_DEVELOPER] = N("access_code_developer"),
    [MB_Q_PASSWORD] = N("password"),
    [MB_Q_ERROR_FLAGS] = N("error_flags"),
    [MB_Q_ERROR_MASK] = N("error_mask"),
    [MB_Q_SECURITY_KEY] = N("security_key"),
    [MB_Q_DIGITAL_OUTPUT] = N("digital_output"),
    [MB_Q_DIGITAL_INPUT] = N("digital_input"),
    [MB_Q_BAUD_RATE] = N("baud_rate"),
    [MB_Q_RESPONSE_DELAY] = N("response_delay"),
    [MB_Q_RETRY] = N("retry"),
    [MB_Q_REMOTE_CONTROL] = N("remote_control"),
    [MB_Q_FIRST_STORAGE_NUMBER] = N("first_storage_number"),
    [MB_Q_LAST_STORAGE_NUMBER] = N("last_storage_number"),
    [MB_Q_STORAGE_BLOCK_SIZE] = N("storage_block_size"),
    [MB_Q_TARIFF_DESCRIPTOR] = N("tariff_descriptor"),
    [MB_Q_STORAGE_INTERVAL] = N("storage_interval"),
    [MB_Q_OPERATOR_DATA] = N("operator_data"),
    [MB_Q_TIME_POINT_SECOND] = N("time_point_second"),
    [MB_Q_DURATION_SINCE_READOUT] = N("duration_since_readout"),
    [MB_Q_TARIFF_START] = N("tariff_start"),
    [MB_Q_TARIFF_DURATION] = N("tariff_duration"),
    [MB_Q_TARIFF_PERIOD] = N("tariff_period"),
    [MB_Q_DIMENSIONLESS] = N("dimensionless"),
    [MB_Q_WMBUS_CONTAINER] = N("wmbus_container"),
    [MB_Q_TRANSMISSION_PERIOD] = N("transmission_period"),
    [MB_Q_VOLTAGE] = N("voltage"),
    [MB_Q_CURRENT] = N("current"),
    [MB_Q_RESET_COUNTER] = N("reset_counter"),
    [MB_Q_CUMULATION_COUNTER] = N("cumulation_counter"),
    [MB_Q_CONTROL_SIGNAL] = N("control_signal"),
    [MB_Q_DAY_OF_WEEK] = N("day_of_week"),
    [MB_Q_WEEK_NUMBER] = N("week_number"),
    [MB_Q_DAY_CHANGE_TIME] = N("day_change_time"),
    [MB_Q_PARAMETER_ACTIVATION] = N("parameter_activation"),
    [MB_Q_SUPPLIER_INFO] = N("supplier_info"),
    [MB_Q_DURATION_SINCE_CUMULATION] = N("duration_since_cumulation"),
    [MB_Q_BATTERY_OPERATING_TIME] = N("battery_operating_time"),
    [MB_Q_BATTERY_CHANGE_DATE] = N("battery_change_date"),
    [MB_Q_RF_LEVEL] = N("rf_level"),
    [MB_Q_DAYLIGHT_SAVING] = N("daylight_saving"),
    [MB_Q_LISTENING_WINDOW] = N("listening_window"),
    [MB_Q_REMAINING_BATTERY_LIFETIME] = N("remaining_battery_lifetime"),
    [MB_Q_METER_STOPPED_COUNT] = N("meter_stopped_count"),
    [MB_Q_MANUFACTURER_CONTAINER] = N("manufacturer_container"),
    [MB_Q_SELECTED_APPLICATION] = N("selected_application"),
    [MB_Q_TEMPERATURE] = N("temperature"),
};

static const mb_internal_name_t unit_names[MB_UNIT_COUNT_] = {
    [MB_UNIT_NONE] = N(""),
    [MB_UNIT_WH] = N("Wh"),
    [MB_UNIT_J] = N("J"),
    [MB_UNIT_M3] = N("m3"),
    [MB_UNIT_KG] = N("kg"),
    [MB_UNIT_S] = N("s"),
    [MB_UNIT_W] = N("W"),
    [MB_UNIT_J_PER_H] = N("J/h"),
    [MB_UNIT_M3_PER_H] = N("m3/h"),
    [MB_UNIT_KG_PER_H] = N("kg/h"),
    [MB_UNIT_CELSIUS] = N("\xC2\xB0"
                          "C"),
    [MB_UNIT_KELVIN] = N("K"),
    [MB_UNIT_BAR] = N("bar"),
    [MB_UNIT_V] = N("V"),
    [MB_UNIT_A] = N("A"),
    [MB_UNIT_HZ] = N("Hz"),
    [MB_UNIT_VARH] = N("varh"),
    [MB_UNIT_VAH] = N("VAh"),
    [MB_UNIT_VAR] = N("var"),
    [MB_UNIT_VA] = N("VA"),
    [MB_UNIT_PERCENT] = N("%"),
    [MB_UNIT_DEGREE] = N("\xC2\xB0"),
    [MB_UNIT_CAL] = N("cal"),
    [MB_UNIT_FT3] = N("ft3"),
    [MB_UNIT_US_GAL] = N("US gal"),
    [MB_UNIT_US_GAL_PER_MIN] = N("US gal/min"),
    [MB_UNIT_US_GAL_PER_H] = N("US gal/h"),
    [MB_UNIT_FAHRENHEIT] = N("\xC2\xB0"
                             "F"),
    [MB_UNIT_DBM] = N("dBm"),
    [MB_UNIT_BAUD] = N("Bd"),
    [MB_UNIT_BIT_TIMES] = N("bit times"),
    [MB_UNIT_CURRENCY] = N("currency units"),
    [MB_UNIT_MONTH] = N("month"),
    [MB_UNIT_YEAR] = N("year"),
    [MB_UNIT_MINUTE] = N("min"),
    [MB_UNIT_HOUR] = N("h"),
    [MB_UNIT_DAY] = N("d"),
    [MB_UNIT_M3_PER_MIN] = N("m3/min"),
    [MB_UNIT_M3_PER_S] = N("m3/s"),
};

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

/* Entry @p i of a table of mb_internal_name_t; the empty name outside it or without text. */
#if MB_ENABLE_TEXT
#define NAMED(table, i)                                                                      \
    (((size_t)(i) < sizeof(table) / sizeof((table)[0]) && (table)[i].s != NULL) ? (table)[i] \
                                                                                : empty_name)
static const mb_internal_name_t empty_name = {"", 0};
#else
#define NAMED(table, i) ((void)(i), (mb_internal_name_t){"", 0})
#endif

mb_internal_name_t mb_internal_quantity_name(mb_quantity_t q) { return NAMED(quantity_names, q); }

mb_internal_name_t mb_internal_unit_name(mb_unit_t u) { return NAMED(unit_names, u); }

const char *mb_quantity_name(mb_quantity_t q) { return mb_internal_quantity_name(q).s; }

const char *mb_unit_name(mb_unit_t u) { return mb_internal_unit_name(u).s; }

const char *mb_per_name(mb_per_t per) { return NAME_OF(per_names, per); }

#if MB_ENABLE_TEXT
static const mb_internal_name_t function_names[4] = {N("instantaneous"), N("maximum"), N("minimum"),
                                                     N("error")};

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

/* Device type (medium) of the transport header, EN 13757-7. */
static const char *const medium_names[0x39] = {
    [0x00] = "other",
    [0x01] = "oil",
    [0x02] = "electricity",
    [0x03] = "gas",
    [0x04] = "heat_outlet",
    [0x05] = "steam",
    [0x06] = "warm_water",
    [0x07] = "water",
    [0x08] = "heat_cost_allocator",
    [0x09] = "compressed_air",
    [0x0A] = "cooling_outlet",
    [0x0B] = "cooling_inlet",
    [0x0C] = "heat_inlet",
    [0x0D] = "heat_cooling",
    [0x0E] = "bus_system_component",
    [0x0F] = "unknown_medium",
    [0x10] = "irrigation_water",
    [0x11] = "water_data_logger",
    [0x12] = "gas_data_logger",
    [0x13] = "gas_converter",
    [0x14] = "calorific_value",
    [0x15] = "hot_water",
    [0x16] = "cold_water",
    [0x17] = "dual_register_water",
    [0x18] = "pressure",
    [0x19] = "ad_converter",
    [0x1A] = "smoke_detector",
    [0x1B] = "room_sensor",
    [0x1C] = "gas_detector",
    [0x20] = "breaker",
    [0x21] = "valve",
    [0x25] = "customer_unit",
    [0x28] = "waste_water",
    [0x29] = "garbage",
    [0x2A] = "carbon_dioxide",
    [0x30] = "service_unit",
    [0x31] = "communication_controller",
    [0x32] = "unidirectional_repeater",
    [0x33] = "bidirectional_repeater",
    [0x36] = "radio_converter_system",
    [0x37] = "radio_converter_meter",
    [0x38] = "wired_converter_meter",
};

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

mb_internal_name_t mb_internal_function_name(mb_function_t fn) { return NAMED(function_names, fn); }

const char *mb_function_name(mb_function_t fn) { return mb_internal_function_name(fn).s; }

const char *mb_phase_name(mb_phase_t phase) { return NAME_OF(phase_names, phase); }

const char *mb_limit_name(uint8_t limit)
{
    return limit < 0x40u ? "" : NAME_OF(limit_names, limit - 0x40u);
}

const char *mb_record_error_name(uint8_t error) { return NAME_OF(record_error_names, error); }

const char *mb_action_name(uint8_t action) { return NAME_OF(action_names, action); }

const char *mb_medium_name(uint8_t medium)
{
    const char *name = NAME_OF(medium_names, medium);
#if MB_ENABLE_TEXT
    if (name[0] == '\0') {
        name = "reserved";
    }
#endif
    return name;
}

const char *mb_app_error_name(uint8_t code) { return NAME_OF(app_error_names, code); }

const char *mb_fixed_medium_name(uint8_t medium) { return NAME_OF(fixed_medium_names, medium); }

const char *mb_ci_content_name(mb_ci_content_t content)
{
    return NAME_OF(ci_content_names, content);
}
