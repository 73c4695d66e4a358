/*
 * Value information block (VIF and VIFEs, EN 13757-3): the tables of the primary VIF and of its
 * first (0xFB) and second (0xFD) extensions, and the combinable VIFEs that modify a record.
 *
 * Each table has one 3-byte entry per code (quantity, unit, decimal exponent), so a lookup is one
 * index: speed matters more here than the few hundred bytes a range-compressed table would save.
 * Durations are listed in the unit sent (minute, hour, day) and converted to seconds afterwards,
 * m3/min and m3/s likewise to m3/h, so that the tables stay plain data.
 */
#include "meterbus/records.h"

#include "internal.h"

typedef mb_internal_vif_entry_t vif_entry_t;

/* Heat cost allocator rating factors are sent in units of 2^-12 (EN 13757-3:2018). */
#define EXP_2POW_M12 MB_INTERNAL_EXP_2POW_M12

#define Q(q) ((uint8_t)MB_Q_##q)
#define U(u) ((uint8_t)MB_UNIT_##u)
#define E1(q, u, e)     \
    {                   \
        Q(q), U(u), (e) \
    }
#define E2(q, u, e)  E1(q, u, e), E1(q, u, (e) + 1)
#define E4(q, u, e)  E2(q, u, e), E2(q, u, (e) + 2)
#define E8(q, u, e)  E4(q, u, e), E4(q, u, (e) + 4)
#define E16(q, u, e) E8(q, u, e), E8(q, u, (e) + 8)
/* The same quantity in s, min, h, d (the low two bits of the code). */
#define T4(q) E1(q, S, 0), E1(q, MINUTE, 0), E1(q, HOUR, 0), E1(q, DAY, 0)
/* ... in h, d, months, years. */
#define H4(q) E1(q, HOUR, 0), E1(q, DAY, 0), E1(q, MONTH, 0), E1(q, YEAR, 0)
#define R1    E1(UNKNOWN, NONE, 0)
#define R2    R1, R1
#define R4    R2, R2
#define R8    R4, R4
#define N1(q) E1(q, NONE, 0)

/* Primary VIF, indexed by the VIF without its extension bit. */
const mb_internal_vif_entry_t mb_internal_vif_primary[128] = {
    E8(ENERGY, WH, -3),                     /* 00..07 10^(n-3) Wh */
    E8(ENERGY, J, 0),                       /* 08..0F 10^n J */
    E8(VOLUME, M3, -6),                     /* 10..17 10^(n-6) m3 */
    E8(MASS, KG, -3),                       /* 18..1F 10^(n-3) kg */
    T4(ON_TIME),                            /* 20..23 */
    T4(OPERATING_TIME),                     /* 24..27 */
    E8(POWER, W, -3),                       /* 28..2F 10^(n-3) W */
    E8(POWER, J_PER_H, 0),                  /* 30..37 10^n J/h */
    E8(VOLUME_FLOW, M3_PER_H, -6),          /* 38..3F 10^(n-6) m3/h */
    E8(VOLUME_FLOW, M3_PER_MIN, -7),        /* 40..47 10^(n-7) m3/min */
    E8(VOLUME_FLOW, M3_PER_S, -9),          /* 48..4F 10^(n-9) m3/s */
    E8(MASS_FLOW, KG_PER_H, -3),            /* 50..57 10^(n-3) kg/h */
    E4(FLOW_TEMPERATURE, CELSIUS, -3),      /* 58..5B */
    E4(RETURN_TEMPERATURE, CELSIUS, -3),    /* 5C..5F */
    E4(TEMPERATURE_DIFFERENCE, KELVIN, -3), /* 60..63 */
    E4(EXTERNAL_TEMPERATURE, CELSIUS, -3),  /* 64..67 */
    E4(PRESSURE, BAR, -3),                  /* 68..6B */
    N1(DATE),                               /* 6C type G */
    N1(DATE_TIME),                          /* 6D types F, I, J, M */
    N1(HCA_UNITS),                          /* 6E */
    R1,                                     /* 6F reserved */
    T4(AVERAGING_DURATION),                 /* 70..73 */
    T4(ACTUALITY_DURATION),                 /* 74..77 */
    N1(FABRICATION_NUMBER),                 /* 78 */
    N1(ENHANCED_IDENTIFICATION),            /* 79 */
    N1(BUS_ADDRESS),                        /* 7A */
    R1,                                     /* 7B: 0xFB extension needs the E bit */
    N1(PLAIN_TEXT),                         /* 7C */
    R1,                                     /* 7D: 0xFD extension needs the E bit */
    N1(ANY),                                /* 7E */
    N1(MANUFACTURER_SPECIFIC),              /* 7F */
};

/* First extension table, VIF 0xFB. */
const mb_internal_vif_entry_t mb_internal_vif_fb[128] = {
    E2(ENERGY, WH, 5),                  /* 00..01 10^(n-1) MWh */
    E2(REACTIVE_ENERGY, VARH, 3),       /* 02..03 10^n kvarh */
    E2(APPARENT_ENERGY, VAH, 3),        /* 04..05 10^n kVAh */
    R2,                                 /* 06..07 */
    E2(ENERGY, J, 8),                   /* 08..09 10^(n-1) GJ */
    R2,                                 /* 0A..0B */
    E4(ENERGY, CAL, 5),                 /* 0C..0F 10^(n-1) Mcal */
    E2(VOLUME, M3, 2),                  /* 10..11 10^(n+2) m3 */
    R2,                                 /* 12..13 */
    E4(REACTIVE_POWER, VAR, 0),         /* 14..17 10^(n-3) kvar */
    E2(MASS, KG, 5),                    /* 18..19 10^(n+2) t */
    E2(RELATIVE_HUMIDITY, PERCENT, -1), /* 1A..1B 10^(n-1) % */
    R4,                                 /* 1C..1F */
    E1(VOLUME, FT3, 0),                 /* 20 ft3 */
    E1(VOLUME, FT3, -1),                /* 21 0.1 ft3 */
    /* 22..26: US-unit codes of the older tables (reserved in 2018; no collision). */
    E1(VOLUME, US_GAL, -1),              /* 22 0.1 US gal */
    E1(VOLUME, US_GAL, 0),               /* 23 1 US gal */
    E1(VOLUME_FLOW, US_GAL_PER_MIN, -3), /* 24 0.001 US gal/min */
    E1(VOLUME_FLOW, US_GAL_PER_MIN, 0),  /* 25 1 US gal/min */
    E1(VOLUME_FLOW, US_GAL_PER_H, 0),    /* 26 1 US gal/h */
    R1,                                  /* 27 */
    E2(POWER, W, 5),                     /* 28..29 10^(n-1) MW */
    E1(PHASE_ANGLE_UU, DEGREE, -1),      /* 2A 0.1 degree */
    E1(PHASE_ANGLE_UI, DEGREE, -1),      /* 2B 0.1 degree */
    E4(FREQUENCY, HZ, -3),               /* 2C..2F 10^(n-3) Hz */
    E2(POWER, J_PER_H, 8),               /* 30..31 10^(n-1) GJ/h */
    R2,                                  /* 32..33 */
    E4(APPARENT_POWER, VA, 0),           /* 34..37 10^(n-3) kVA */
    R8, R8, R8, R8,                      /* 38..57 */
    /* 58..67, 70..73: degrees Fahrenheit of the older tables (reserved in 2018). */
    E4(FLOW_TEMPERATURE, FAHRENHEIT, -3),                  /* 58..5B */
    E4(RETURN_TEMPERATURE, FAHRENHEIT, -3),                /* 5C..5F */
    E4(TEMPERATURE_DIFFERENCE, FAHRENHEIT, -3),            /* 60..63 */
    E4(EXTERNAL_TEMPERATURE, FAHRENHEIT, -3),              /* 64..67 */
    E1(HCA_RATING_FACTOR_K, NONE, EXP_2POW_M12),           /* 68 */
    E1(HCA_RATING_FACTOR_KQ, NONE, EXP_2POW_M12),          /* 69 */
    E1(HCA_COUPLING_FACTOR_KC, NONE, EXP_2POW_M12),        /* 6A */
    E1(HCA_COUPLING_FACTOR_KCR, NONE, EXP_2POW_M12),       /* 6B */
    E1(HCA_COUPLING_FACTOR_KCH, NONE, EXP_2POW_M12),       /* 6C */
    E1(HCA_LOW_TEMPERATURE_FACTOR_KT, NONE, EXP_2POW_M12), /* 6D */
    E1(HCA_DISPLAY_SCALING_FACTOR_KD, NONE, EXP_2POW_M12), /* 6E */
    R1,                                                    /* 6F */
    E4(TEMPERATURE_LIMIT, FAHRENHEIT, -3),                 /* 70..73 */
    E4(TEMPERATURE_LIMIT, CELSIUS, -3),                    /* 74..77 */
    E8(MAX_POWER_COUNT, W, -3),                            /* 78..7F 10^(n-3) W */
};

/* Second extension table, VIF 0xFD. */
const mb_internal_vif_entry_t mb_internal_vif_fd[128] = {
    E4(CREDIT, CURRENCY, -3),               /* 00..03 */
    E4(DEBIT, CURRENCY, -3),                /* 04..07 */
    N1(ACCESS_NUMBER),                      /* 08 */
    N1(MEDIUM),                             /* 09 */
    N1(MANUFACTURER),                       /* 0A */
    N1(PARAMETER_SET_ID),                   /* 0B */
    N1(MODEL_VERSION),                      /* 0C */
    N1(HARDWARE_VERSION),                   /* 0D */
    N1(FIRMWARE_VERSION),                   /* 0E */
    N1(SOFTWARE_VERSION),                   /* 0F */
    N1(CUSTOMER_LOCATION),                  /* 10 */
    N1(CUSTOMER),                           /* 11 */
    N1(ACCESS_CODE_USER),                   /* 12 */
    N1(ACCESS_CODE_OPERATOR),               /* 13 */
    N1(ACCESS_CODE_SYSTEM_OPERATOR),        /* 14 */
    N1(ACCESS_CODE_DEVELOPER),              /* 15 */
    N1(PASSWORD),                           /* 16 */
    N1(ERROR_FLAGS),                        /* 17 */
    N1(ERROR_MASK),                         /* 18 */
    N1(SECURITY_KEY),                       /* 19 */
    N1(DIGITAL_OUTPUT),                     /* 1A */
    N1(DIGITAL_INPUT),                      /* 1B */
    E1(BAUD_RATE, BAUD, 0),                 /* 1C */
    E1(RESPONSE_DELAY, BIT_TIMES, 0),       /* 1D */
    N1(RETRY),                              /* 1E */
    N1(REMOTE_CONTROL),                     /* 1F */
    N1(FIRST_STORAGE_NUMBER),               /* 20 */
    N1(LAST_STORAGE_NUMBER),                /* 21 */
    N1(STORAGE_BLOCK_SIZE),                 /* 22 */
    N1(TARIFF_DESCRIPTOR),                  /* 23 */
    T4(STORAGE_INTERVAL),                   /* 24..27 */
    E1(STORAGE_INTERVAL, MONTH, 0),         /* 28 */
    E1(STORAGE_INTERVAL, YEAR, 0),          /* 29 */
    N1(OPERATOR_DATA),                      /* 2A */
    N1(TIME_POINT_SECOND),                  /* 2B */
    T4(DURATION_SINCE_READOUT),             /* 2C..2F */
    N1(TARIFF_START),                       /* 30 date/time */
    E1(TARIFF_DURATION, MINUTE, 0),         /* 31 */
    E1(TARIFF_DURATION, HOUR, 0),           /* 32 */
    E1(TARIFF_DURATION, DAY, 0),            /* 33 */
    T4(TARIFF_PERIOD),                      /* 34..37 */
    E1(TARIFF_PERIOD, MONTH, 0),            /* 38 */
    E1(TARIFF_PERIOD, YEAR, 0),             /* 39 */
    N1(DIMENSIONLESS),                      /* 3A */
    N1(WMBUS_CONTAINER),                    /* 3B */
    T4(TRANSMISSION_PERIOD),                /* 3C..3F */
    E16(VOLTAGE, V, -9),                    /* 40..4F 10^(n-9) V */
    E16(CURRENT, A, -12),                   /* 50..5F 10^(n-12) A */
    N1(RESET_COUNTER),                      /* 60 */
    N1(CUMULATION_COUNTER),                 /* 61 */
    N1(CONTROL_SIGNAL),                     /* 62 */
    N1(DAY_OF_WEEK),                        /* 63 */
    N1(WEEK_NUMBER),                        /* 64 */
    N1(DAY_CHANGE_TIME),                    /* 65 */
    N1(PARAMETER_ACTIVATION),               /* 66 */
    N1(SUPPLIER_INFO),                      /* 67 */
    H4(DURATION_SINCE_CUMULATION),          /* 68..6B */
    H4(BATTERY_OPERATING_TIME),             /* 6C..6F */
    N1(BATTERY_CHANGE_DATE),                /* 70 */
    E1(RF_LEVEL, DBM, 0),                   /* 71 */
    N1(DAYLIGHT_SAVING),                    /* 72 type K */
    N1(LISTENING_WINDOW),                   /* 73 type L */
    E1(REMAINING_BATTERY_LIFETIME, DAY, 0), /* 74 */
    N1(METER_STOPPED_COUNT),                /* 75 */
    N1(MANUFACTURER_CONTAINER),             /* 76 */
    R4,
    R2, /* 77..7C */
    R1, /* 7D: second level, handled in code */
    R2, /* 7E..7F */
};

/* FD FD xx: second-level extension (EN 13757-3:2018). */
static vif_entry_t second_level(uint8_t code)
{
    static const vif_entry_t known[4] = {
        N1(SELECTED_APPLICATION),                 /* 00 */
        R1,                                       /* 01 */
        E1(REMAINING_BATTERY_LIFETIME, MONTH, 0), /* 02 */
        E1(REMAINING_BATTERY_LIFETIME, YEAR, 0),  /* 03 */
    };
    if (code < 4u) {
        return known[code];
    }
    return (vif_entry_t)R1;
}

/* The unit a duration VIFE's two low bits select (limit durations E101 ufnn, E110 0fnn). */
static uint8_t duration_unit(uint8_t nn)
{
    static const uint8_t units[4] = {U(S), U(MINUTE), U(HOUR), U(DAY)};
    return units[nn & 3u];
}

/* Combinable VIFEs 0x20..0x38: "per" units and products. */
static const uint8_t per_table[0x39 - 0x20] = {
    MB_PER_SECOND,
    MB_PER_MINUTE,
    MB_PER_HOUR,
    MB_PER_DAY,
    MB_PER_WEEK,
    MB_PER_MONTH,
    MB_PER_YEAR,
    MB_PER_REVOLUTION,
    MB_PER_INPUT_PULSE_0,
    MB_PER_INPUT_PULSE_1,
    MB_PER_OUTPUT_PULSE_0,
    MB_PER_OUTPUT_PULSE_1,
    MB_PER_LITRE,
    MB_PER_M3,
    MB_PER_KG,
    MB_PER_KELVIN,
    MB_PER_KWH,
    MB_PER_GJ,
    MB_PER_KW,
    MB_PER_KELVIN_LITRE,
    MB_PER_VOLT,
    MB_PER_AMPERE,
    MB_TIMES_SECOND,
    MB_TIMES_SECOND_PER_VOLT,
    MB_TIMES_SECOND_PER_AMPERE,
};

/* Limit VIFEs whose data is a date/time rather than a value of the VIF's quantity. */
static bool limit_is_date(uint8_t code)
{
    /* E100 uf1b (0x42, 43, 46, 47, 4A, 4B, 4E, 4F) and E110 1f1b (0x6A, 6B, 6E, 6F). */
    return ((code & 0xF2u) == 0x42u) || ((code & 0xFAu) == 0x6Au);
}

/* One combinable VIFE (extension bit cleared) that follows a true VIF. */
static void combinable(uint8_t v, unsigned options, mb_record_t *rec, mb_vib_t *vib)
{
    if (v <= 0x0Fu) {
        if ((options & MB_RECORDS_TO_METER) != 0u) {
            rec->action = v;
            rec->flags |= MB_RECORD_ACTION;
        } else {
            rec->error = v;
            rec->flags |= MB_RECORD_ERROR;
        }
        return;
    }
    if (v >= 0x15u && v <= 0x1Cu && (options & MB_RECORDS_TO_METER) == 0u) {
        rec->error = v; /* 0x19..0x1B are reserved error codes: still errors */
        rec->flags |= MB_RECORD_ERROR;
        return;
    }
    switch (v) {
    case 0x12: rec->vife_flags |= MB_VIFE_AVERAGE; return;
    case 0x13: rec->vife_flags |= MB_VIFE_INVERSE_COMPACT_PROFILE; return;
    case 0x14: rec->vife_flags |= MB_VIFE_RELATIVE_DEVIATION; return;
    case 0x1D: rec->vife_flags |= MB_VIFE_STANDARD_CONFORM; return;
    case 0x1E: rec->vife_flags |= MB_VIFE_COMPACT_PROFILE_REGISTERS; return;
    case 0x1F: rec->vife_flags |= MB_VIFE_COMPACT_PROFILE; return;
    case 0x39:
        rec->vife_flags |= MB_VIFE_START_DATE;
        vib->is_date = true;
        return;
    case 0x3A: rec->vife_flags |= MB_VIFE_UNCORRECTED; return;
    case 0x3B: rec->vife_flags |= MB_VIFE_ACCUMULATION_POSITIVE; return;
    case 0x3C: rec->vife_flags |= MB_VIFE_ACCUMULATION_NEGATIVE; return;
    case 0x3D: rec->vife_flags |= MB_VIFE_NON_METRIC; return;
    case 0x3E: rec->vife_flags |= MB_VIFE_BASE_CONDITIONS; return;
    case 0x3F: rec->vife_flags |= MB_VIFE_OBIS; return;
    case 0x69: rec->vife_flags |= MB_VIFE_LEAKAGE; return;
    case 0x6D: rec->vife_flags |= MB_VIFE_OVERFLOW_VALUES; return;
    case 0x7D:
        rec->vife_flags |= MB_VIFE_MULTIPLIED;
        vib->exponent = (int8_t)(vib->exponent + 3); /* x 1000 */
        return;
    case 0x7E: rec->vife_flags |= MB_VIFE_FUTURE_VALUE; return;
    default: break;
    }
    if (v >= 0x20u && v <= 0x38u) {
        rec->per = (mb_per_t)per_table[v - 0x20u];
        return;
    }
    if (v >= 0x70u && v <= 0x77u) { /* multiplicative correction factor 10^(nnn-6) */
        rec->vife_flags |= MB_VIFE_MULTIPLIED;
        vib->exponent = (int8_t)(vib->exponent + (int8_t)(v & 7u) - 6);
        return;
    }
    if (v >= 0x78u && v <= 0x7Bu) { /* additive correction constant 10^(nn-3) in the VIF's unit */
        rec->vife_flags |= MB_VIFE_OFFSET;
        vib->has_offset = true;
        vib->offset_exponent = (int8_t)((int8_t)(v & 3u) - 3);
        return;
    }
    if (v >= 0x40u && v <= 0x6Fu && v != 0x44u && v != 0x45u && v != 0x4Cu && v != 0x4Du &&
        v != 0x69u && v != 0x6Du) {
        rec->limit = v;
        if (limit_is_date(v)) {
            vib->is_date = true;
        } else if (v == 0x41u || v == 0x49u) { /* number of exceeds: a count */
            vib->is_count = true;
        } else if (v >= 0x50u && v <= 0x67u) { /* duration of an exceed */
            vib->duration_unit = duration_unit(v);
        }
        return;
    }
    rec->flags |= MB_RECORD_UNKNOWN_VIFE;
}

/* A VIFE of the combinable extension table (after VIFE 0x7C/0xFC). */
static void combinable_ext(uint8_t v, mb_record_t *rec)
{
    if (v >= 0x01u && v <= 0x0Bu) {
        rec->phase = (mb_phase_t)v;
        return;
    }
    switch (v) {
    case 0x0C: rec->vife_flags |= MB_VIFE_DELTA_IMPORT_EXPORT; return;
    case 0x10: rec->vife_flags |= MB_VIFE_ACCUMULATION_ABSOLUTE; return;
    case 0x11: rec->vife_flags |= MB_VIFE_TYPE_C; return;
    case 0x12: rec->vife_flags |= MB_VIFE_TYPE_D; return;
    case 0x14: rec->vife_flags |= MB_VIFE_TO_METER; return;
    case 0x15: rec->vife_flags |= MB_VIFE_FROM_METER; return;
    default: rec->flags |= MB_RECORD_UNKNOWN_VIFE; return;
    }
}

/* Read a plain-text unit (length byte, then the characters) at p[*pos]. */
static int read_text_unit(const uint8_t *p, size_t len, size_t *pos, mb_record_t *rec)
{
    if (*pos >= len) {
        return MB_ERR_REC_VIF_TRUNCATED;
    }
    size_t n = p[*pos];
    if (len - *pos - 1u < n) {
        return MB_ERR_REC_VIF_TRUNCATED;
    }
    rec->text_unit = p + *pos + 1u;
    rec->text_unit_len = (uint8_t)n;
    rec->flags |= MB_RECORD_TEXT_UNIT;
    *pos += n + 1u;
    return MB_OK;
}

/* Parse the VIB with the plain-text unit read after the VIF (legacy) or after the last VIFE. */
int mb_internal_vib_parse_full(const uint8_t *p, size_t len, unsigned options, mb_record_t *rec,
                               mb_vib_t *vib)
{
    size_t pos = 0;
    vif_entry_t entry;
    bool text_unit = false;

    *vib = (mb_vib_t){0, 0, false, false, false, false, 0};
    if (len == 0u) {
        return MB_ERR_REC_VIF_TRUNCATED;
    }
    uint8_t vif = p[pos++];
    uint8_t last = vif;
    size_t vifes = 0;

    if (vif == 0xFBu || vif == 0xFDu) {
        if (pos >= len) {
            return MB_ERR_REC_VIF_TRUNCATED;
        }
        uint8_t code = p[pos++];
        vifes++;
        last = code;
        if (vif == 0xFBu) {
            entry = mb_internal_vif_fb[code & 0x7Fu];
        } else if ((code & 0x7Fu) != 0x7Du) {
            entry = mb_internal_vif_fd[code & 0x7Fu];
        } else if ((code & 0x80u) == 0u) {
            entry = (vif_entry_t)R1; /* second level announced, but no byte may follow */
        } else {                     /* FD FD xx: second-level extension */
            if (pos >= len) {
                return MB_ERR_REC_VIF_TRUNCATED;
            }
            code = p[pos++];
            vifes++;
            last = code;
            entry = second_level(code & 0x7Fu);
        }
    } else {
        entry = mb_internal_vif_primary[vif & 0x7Fu];
        if ((vif & 0x7Fu) == 0x7Cu) {
            text_unit = true;
            if ((options & MB_RECORDS_TEXT_AFTER_VIF) != 0u) {
                int err = read_text_unit(p, len, &pos, rec);
                if (err != MB_OK) {
                    return err;
                }
                text_unit = false;
            }
        }
    }
    rec->quantity = (mb_quantity_t)entry.quantity;
    rec->unit = (mb_unit_t)entry.unit;
    if (entry.exponent == EXP_2POW_M12) {
        vib->hca_scale = true;
        vib->exponent = -12;
    } else {
        vib->exponent = entry.exponent;
    }
    vib->is_date = mb_internal_quantity_is_date(rec->quantity);

    /* VIFEs: combinable unless the VIF or a VIFE 0x7F made the rest manufacturer specific. */
    bool manufacturer = (vif & 0x7Fu) == 0x7Fu;
    bool extension = false;
    while ((last & 0x80u) != 0u) {
        if (pos >= len) {
            return MB_ERR_REC_VIF_TRUNCATED;
        }
        if (vifes == MB_MAX_VIFE) {
            return MB_ERR_REC_TOO_MANY_VIFE;
        }
        last = p[pos++];
        vifes++;
        uint8_t v = (uint8_t)(last & 0x7Fu);
        if (manufacturer) {
            continue;
        }
        if (extension) {
            combinable_ext(v, rec);
            extension = false;
        } else if (v == 0x7Cu) {
            extension = true;
        } else if (v == 0x7Fu) {
            rec->vife_flags |= MB_VIFE_MANUFACTURER;
            manufacturer = true;
        } else {
            combinable(v, options, rec, vib);
        }
    }
    if (text_unit) { /* EN 13757-3:2018: the text follows the last VIFE */
        int err = read_text_unit(p, len, &pos, rec);
        if (err != MB_OK) {
            return err;
        }
    }
    return (int)pos;
}

int mb_internal_vib_parse(const uint8_t *p, size_t len, unsigned options, mb_record_t *rec,
                          mb_vib_t *vib)
{
    int n = mb_internal_vib_simple(p, len, rec, vib);
    return n > 0 ? n : mb_internal_vib_parse_full(p, len, options, rec, vib);
}
