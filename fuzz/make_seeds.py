#!/usr/bin/env python3
"""Write the seed corpora of the fuzz harnesses.

    python3 fuzz/make_seeds.py   # writes fuzz/corpus/{frame,rx,records,tpl}/

Deterministic: the same files every run, so re-running it shows no diff. Files it does not name
(inputs the fuzzer found and someone added by hand) are left alone.

Input layouts are described at the top of fuzz_frame.c, fuzz_rx.c, fuzz_records.c and
fuzz_tpl.c.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def sum8(data):
    return sum(data) & 0xFF


def short(c, a):
    return bytes([0x10, c, a, sum8([c, a]), 0x16])


def long_frame(c, a, ci, data=b""):
    body = bytes([c, a, ci]) + bytes(data)
    n = len(body)
    return bytes([0x68, n, n, 0x68]) + body + bytes([sum8(body), 0x16])


ACK = b"\xe5"
NACK = b"\xa2"

# A typical RSP_UD: fixed data header (ID 12345678, manufacturer, version, medium, access number,
# status, signature) and a few records (energy, volume, flow temperature).
RSP_DATA = bytes.fromhex("78563412" "2d2c" "01" "04" "2a" "00" "0000"
                         "0c0634120000" "0c1423010000" "0a5a5102")

SELECT_DATA = bytes.fromhex("78563412" "ffff" "ff" "ff")
SELECT_ENH_DATA = SELECT_DATA + bytes.fromhex("0c78" "21436587")

VALID = {
    "ack": ACK,
    "nack": NACK,
    "short_snd_nke": short(0x40, 0x05),
    "short_snd_nke_network": short(0x40, 0xFD),
    "short_req_ud2": short(0x5B, 0x01),
    "short_req_ud2_fcb_broadcast": short(0x7B, 0xFE),
    "short_req_ud1_fcb": short(0x7A, 0xFA),
    "control_app_reset": long_frame(0x53, 0x01, 0x50),
    "control_set_baud_2400": long_frame(0x73, 0x01, 0xBB),
    "control_rsp_ud": long_frame(0x08, 0x01, 0x72),
    "long_app_reset_subcode": long_frame(0x53, 0x01, 0x50, b"\x10"),
    "long_set_address": long_frame(0x53, 0x00, 0x51, b"\x01\x7a\x05"),
    "long_select": long_frame(0x73, 0xFD, 0x52, SELECT_DATA),
    "long_select_enhanced": long_frame(0x53, 0xFD, 0x52, SELECT_ENH_DATA),
    "long_snd_ud2": long_frame(0x43, 0x05, 0x5B, b"\x01\x02\x03"),
    "long_rsp_ud": long_frame(0x08, 0x05, 0x72, RSP_DATA),
    "long_rsp_ud_acd_dfc": long_frame(0x38, 0x05, 0x72, RSP_DATA),
    "long_rsp_ud_max": long_frame(0x08, 0x05, 0x72, bytes((i * 37 + 11) & 0xFF for i in range(252))),
}


def with_byte(frame, index, value):
    b = bytearray(frame)
    b[index] = value
    return bytes(b)


LONG = VALID["long_rsp_ud"]
SHORT = VALID["short_req_ud2"]
MAXF = VALID["long_rsp_ud_max"]

NEAR_MISSES = {
    "empty": b"",
    "bad_start": b"\x00\x10\x40\x05\x45\x16",
    "short_bad_checksum": with_byte(SHORT, 3, SHORT[3] ^ 1),
    "short_bad_stop": with_byte(SHORT, 4, 0x17),
    "short_bad_cfield": short(0x41, 0x01),
    "short_truncated": SHORT[:4],
    "short_trailing": SHORT + ACK,
    "long_bad_checksum": with_byte(LONG, len(LONG) - 2, LONG[-2] ^ 0x80),
    "long_bad_stop": with_byte(LONG, len(LONG) - 1, 0x00),
    "long_len_mismatch": with_byte(LONG, 2, LONG[2] + 1),
    "long_bad_start2": with_byte(LONG, 3, 0x10),
    "long_l_below_3": bytes([0x68, 0x02, 0x02, 0x68, 0x53, 0x01, 0x55, 0x16]),
    "long_bad_cfield": long_frame(0x40, 0x01, 0x72, b"\x00"),
    "long_truncated": LONG[:-2],
    "long_header_only": LONG[:4],
    "long_truncated_after_l": LONG[:2],
    "long_truncated_before_start2": LONG[:3],
    "long_trailing": LONG + SHORT,
    "long_max_bad_checksum": with_byte(MAXF, len(MAXF) - 2, MAXF[-2] ^ 0xFF),
    "short_rsp_cfield": short(0x08, 0x01),
    "control_snd_ud2_cfield": long_frame(0x43, 0x07, 0x51),  # SND_UD2 carries data: long only
}

# Builder plans for fuzz_frame.c (part 3): builder, flags, address, CI, new address, subcode,
# subcode mode, baud selector, mask (id, manufacturer, version, medium), fabrication number,
# data length, capacity mode, arbitrary capacity, then data bytes.
BUILDERS = [
    "snd_nke", "req_ud2", "req_ud1", "snd_ud", "snd_ud2", "app_reset", "set_baud",
    "set_address", "select", "select_enhanced", "ack", "nack", "rsp_ud",
]


def builder_plan(index, data_len, cap_mode, flags=0x01, sub_mode=0x00, baud_sel=3, new_addr=10):
    plan = bytes([index, flags, 0x05, 0x72, new_addr, 0x10, sub_mode, baud_sel])
    plan += struct.pack("<IHBBI", 0x12345678, 0x2C2D, 0x01, 0x04, 0x87654321)
    plan += struct.pack("<H", data_len) + bytes([cap_mode, 0x40])
    return plan + bytes((i * 13 + 5) & 0xFF for i in range(data_len))


BUILDER_SEEDS = {}
for i, name in enumerate(BUILDERS):
    BUILDER_SEEDS["builder_%s" % name] = builder_plan(i, 6, 0)
BUILDER_SEEDS["builder_snd_ud_control_cap_short"] = builder_plan(3, 0, 1)
BUILDER_SEEDS["builder_rsp_ud_max"] = builder_plan(12, 252, 2, flags=0x06)
BUILDER_SEEDS["builder_rsp_ud_too_long"] = builder_plan(12, 253, 2)
BUILDER_SEEDS["builder_app_reset_no_subcode"] = builder_plan(5, 0, 2, sub_mode=200)
BUILDER_SEEDS["builder_set_baud_bad_rate"] = builder_plan(6, 0, 2, baud_sel=200)
BUILDER_SEEDS["builder_rsp_ud_cap_arbitrary"] = builder_plan(12, 20, 3, flags=0x02)
BUILDER_SEEDS["builder_set_address_251"] = builder_plan(7, 0, 2, new_addr=251)
BUILDER_SEEDS["builder_snd_ud2_no_data"] = builder_plan(4, 0, 2)
BUILDER_SEEDS["builder_app_reset_bad_subcode"] = builder_plan(5, 0, 2, sub_mode=240)
BUILDER_SEEDS["builder_select_null_mask"] = builder_plan(8, 0, 2, flags=0xF0)

# Frame structs for fuzz_frame.c (part 2), after one byte that part 2 skips: type (bit 7: data
# NULL), C, A, CI, data length (2 bytes), data bytes, capacity mode, arbitrary capacity.
def struct_plan(sel, c, data_len, cap_mode=0, cap_arb=0x20):
    plan = bytes([0x0A, sel, c, 0x05, 0x72]) + struct.pack("<H", data_len)
    return plan + bytes((i * 3 + 1) & 0xFF for i in range(data_len)) + bytes([cap_mode, cap_arb])


STRUCT_SEEDS = {
    "struct_ack": struct_plan(1, 0x00, 0),
    "struct_short_bad_c": struct_plan(3, 0x08, 0),
    "struct_control_with_data": struct_plan(4, 0x53, 3),
    "struct_long": struct_plan(5, 0x08, 10),
    "struct_long_cap_short": struct_plan(5, 0x08, 10, cap_mode=1),
    "struct_long_cap_arbitrary": struct_plan(5, 0x43, 10, cap_mode=3),
    "struct_long_null_data": struct_plan(0x85, 0x08, 10),
    "struct_long_too_long": struct_plan(5, 0x08, 253),
    "struct_long_bad_c_and_len": struct_plan(5, 0x40, 0),
    "struct_no_type": struct_plan(6, 0x08, 0),
}

# fuzz_rx.c inputs: gap_ms, flags, seed (2 bytes), stream.
HDR_BYTEWISE = bytes([0, 0x00, 0x01, 0x00])  # no timeout, one byte per call
HDR_SMALL = bytes([50, 0x31, 0x22, 0x11])  # chunks up to 8, polls
HDR_LARGE = bytes([100, 0x70, 0x34, 0x12])  # chunks up to 128
HDR_CHAOS = bytes([20, 0x5F, 0x57, 0x9A])  # polls, resets, time jumps, gap changes; clock wraps

DIALOGUE = (VALID["short_snd_nke"] + ACK + VALID["short_req_ud2"] + LONG +
            VALID["long_select"] + ACK + VALID["control_set_baud_2400"] + ACK +
            VALID["long_snd_ud2"] + NACK + VALID["short_req_ud1_fcb"] + VALID["control_rsp_ud"])

NOISE = bytes([0x00, 0xFF, 0x55, 0x16, 0x68, 0x10])

RX = {
    "ack": HDR_BYTEWISE + ACK,
    "answer_bytewise": HDR_BYTEWISE + VALID["short_req_ud2"] + LONG,
    "dialogue_bytewise": HDR_BYTEWISE + DIALOGUE,
    "dialogue_chunks": HDR_SMALL + DIALOGUE,
    "dialogue_large_chunks": HDR_LARGE + DIALOGUE,
    "dialogue_chaos": HDR_CHAOS + DIALOGUE,
    "noise_then_frame": HDR_SMALL + NOISE + LONG,
    "noise_between_frames": HDR_BYTEWISE + SHORT + NOISE + LONG + NOISE + ACK,
    # A corrupted long frame hides an E5 inside: it must be dropped whole.
    "bad_checksum_hiding_ack": HDR_BYTEWISE + long_frame(0x08, 0x05, 0x72, ACK * 4)[:-2] +
    b"\x00\x16" + SHORT,
    "bad_stop_then_ack": HDR_SMALL + NEAR_MISSES["long_bad_stop"] + ACK,
    "false_long_start": HDR_BYTEWISE + bytes([0x68, 0x05, 0x06]) + SHORT,
    "false_short_start": HDR_BYTEWISE + b"\x10" + VALID["short_snd_nke"],
    "repeated_starts": HDR_SMALL + b"\x68" * 8 + VALID["control_app_reset"],
    "l_below_3_then_frame": HDR_BYTEWISE + bytes([0x68, 0x02, 0x02, 0x68]) + SHORT,
    "bad_cfield_then_frame": HDR_BYTEWISE + NEAR_MISSES["long_bad_cfield"] + ACK,
    "partial_at_end": HDR_SMALL + SHORT + LONG[:20],
    "partial_at_end_chaos": HDR_CHAOS + LONG + LONG[:30],
    "max_frame_after_noise": HDR_LARGE + NOISE + MAXF + ACK,
    "max_frame_bad_checksum_then_frame": HDR_LARGE + NEAR_MISSES["long_max_bad_checksum"] + LONG,
    "gap_split_frame": bytes([10, 0x14, 0x03, 0x00]) + LONG + LONG + LONG,
    "no_gap_jumps": bytes([0, 0x25, 0x05, 0x00]) + DIALOGUE,
    "short_bad_stop_then_ack": HDR_BYTEWISE + NEAR_MISSES["short_bad_stop"] + ACK,
    # Chunks of 1..2 bytes over a long stream, so that the rare resets and gap changes happen.
    "long_stream_resets": bytes([30, 0x1F, 0x42, 0x00]) + (NOISE + DIALOGUE) * 3,
}


# ---- application layer: fuzz_records.c (options byte + application data) -----------------------

TO_METER = 0x01
TEXT_AFTER_VIF = 0x02
TEXT_2018 = 0x04


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


def text_rev(s):
    """A plain-text unit or LVAR text: the characters are sent last one first."""
    return bytes(reversed(s.encode("latin-1")))


def lvar_text(s):
    return bytes([len(s)]) + text_rev(s)


def counting(n, start=1):
    return bytes((start + i * 7) & 0xFF for i in range(n))


# The OMS Vol.2 Annex N.2.2 RSP_UD: long header, then three records.
OMS_N22_DATA = h("78563412 9315 33 03 2A 00 0000" "0C 14 27048502" "04 6D 32371F15" "02 FD 17 0000")
OMS_N22_FRAME = long_frame(0x08, 0xFD, 0x72, OMS_N22_DATA)
assert OMS_N22_FRAME == h("68 20 20 68 08 FD 72 78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85"
                          "02 04 6D 32 37 1F 15 02 FD 17 00 00 89 16")
OMS_N22_APL = OMS_N22_DATA[12:]
# Plaintexts of the OMS Annex N vectors: V1 (mode 5) and V2 (partial encryption).
OMS_V1_PLAIN = h("2F2F0C1427048502046D32371F1502FD1700002F2F2F2F2F2F2F2F2F2F2F2F2F")
OMS_V2_PLAIN = h("2F2F0B6E341200426CFE044B6E563402" "0CFD1078563412")
# Sensostar (V5): the start of the plaintext and the unencrypted tail.
SENSOSTAR_APL = h("2F2F046D3A2A283C04067D240000041317941400" "03FD0C05010002FD0B2111")

# Application data of real wired telegrams (libmbus test frames, after the 12-byte long header).
ELVACO_CMA10_APL = h("01FD1B02 02FC034852257422 15 22FC034852257424 0D 12FC034852257 4C31C"
                     "02652E08 22655C05 1265A20B 017218 42652C08 8201651F08 0C7861150124"
                     "03FD0F0000 04 1F".replace(" ", ""))
EMU_375_APL = h("0C7829260300 84100354050000 842003000000008490400 3AE1E0000 84A040030000"
                "0000 04ABFF01FEFFFFFF 04ABFF0200000000 042BFEFFFFFF 8480 40ABFF010E000000"
                "02FDC8FF01D108 22FDC8FF015207 12FDC8FF016A09 03FDD9FF01BEFFFF 03FD59BEFFFF"
                "01FFE1FF010D 02FF52F401 02FD603800 01FD1700".replace(" ", ""))
ABB_DELTA_APL = h("0E840000000000008E1084000000000000008E2084000000000000008EB000840000000000"
                  "00008E8010840000000000000001FF9300000CFF920000000001 07FD970000000000000000"
                  "0001FF9800 001F".replace(" ", ""))
EASTRON_APL = h("0BFD47563412 0BFD59563412 0B2A563412 0BFD3A563412 0AFD3A0005 0AFD3A5000"
                .replace(" ", ""))
SENSOSTAR2_APL = h("0478917B6F01 046D172ECC13 041500000000 4415000000008401150000000004060000"
                   "0000 84100600000000 C4100600000000 42 6CBF1C 026CDF1C 043B00000000"
                   "143B19000000 025B1600 025F1500 04610900000002230C0201FD1700 0490280B000000"
                   .replace(" ", ""))

RECORDS = {}


def rec(name, data, options=0):
    assert name not in RECORDS, name
    RECORDS[name] = bytes([options]) + bytes(data)


# Every data field with an energy VIF (0x03 = Wh) or a volume VIF (0x13 = l).
rec("df0_no_data", h("00 03"))
rec("df1_int8_negative", h("01 03 FE"))
rec("df2_int16", h("02 03 3412"))
rec("df3_int24", h("03 13 563412"))
rec("df4_int32", h("04 13 78563412"))
rec("df5_real", h("05 13 0000C03F"))
rec("df5_real_nan", h("05 2B 0100C0FF"))
rec("df6_int48", h("06 03 010203040506"))
rec("df7_int64", h("07 03 0102030405060708"))
rec("df7_int64_min", h("07 13 0000000000000080"))
rec("df8_readout", h("08 13"))
rec("df9_bcd2", h("09 13 42"))
rec("dfA_bcd4", h("0A 5A 5102"))
rec("dfB_bcd6", h("0B 13 563412"))
rec("dfC_bcd8", h("0C 13 78563412"))
rec("dfC_bcd8_negative", h("0C 13 785634F2"))
rec("dfC_bcd8_hex_digit", h("0C 13 7856A412"))
rec("dfC_bcd8_negative_zero", h("0C 13 000000F0"))
rec("dfE_bcd12", h("0E 03 785634129078"))
rec("dfE_bcd12_negative", h("0E 03 7856341290F8"))
rec("unsigned_64bit_overflow", h("07 78 FFFFFFFFFFFFFFFF"))
rec("fabrication_number_bcd", h("0C 78 44332211"))
rec("bus_address", h("01 7A 05"))
# Functions, storage numbers, tariffs and subunits in DIF and DIFEs.
rec("functions", h("14 13 01000000 24 13 02000000 34 13 03000000"))
rec("storage_dif_bit", h("44 13 05000000"))
rec("difes_storage_tariff_subunit", h("C4 D5 7A 13 01020304"))
rec("difes_zero", h("84 80 00 13 01020304"))
rec("difes_ten", h("84 FF FF FF FF FF FF FF FF FF 7F 13 01020304"))
rec("difes_eleven", h("84 FF FF FF FF FF FF FF FF FF FF 01 13 01020304"))
# Variable length data: text, BCD, binary, reserved.
rec("lvar_text", h("0D FD 11") + lvar_text("Customer 42"))
rec("lvar_text_empty", h("0D FD 11 00"))
rec("lvar_text_max", h("0D FD 10 BF") + bytes(0x41 + i % 26 for i in range(0xBF)))
rec("lvar_bcd_positive", h("0D 13 C3 563412"))
rec("lvar_bcd_negative", h("0D 13 D2 3412"))
rec("lvar_bcd_empty", h("0D 13 C0"))
rec("lvar_bcd_nine", h("0D 03 C9 112233445566778899"))
rec("lvar_binary_short", h("0D 13 E3 010203"))
rec("lvar_binary_8", h("0D 13 E8 0102030405060708"))
rec("lvar_binary_15", h("0D FD 3B EF") + counting(15))
rec("lvar_binary_16", h("0D FD 3B F0") + counting(16))
rec("lvar_binary_32", h("0D FD 76 F4") + counting(32))
rec("lvar_binary_48", h("0D FD 76 F5") + counting(48))
rec("lvar_binary_64", h("0D FD 76 F6") + counting(64))
rec("lvar_binary_empty", h("0D 13 E0"))
rec("lvar_reserved_ca", h("0D 13 CA 01"))
rec("lvar_reserved_f7", h("0D 13 F7 01"))
rec("lvar_truncated", h("0D 13"))
# Dates and times: G, F, I, J, M, the invalid and periodic markers, the century bits.
rec("date_g", h("02 6C 7F 15"))
rec("date_g_invalid", h("02 6C FFFF"))
rec("date_g_every_day", h("02 6C 60 1F"))
rec("date_g_1999", h("02 6C 3F C1"))
rec("datetime_f", OMS_N22_APL[6:12])
rec("datetime_f_summer_2150", h("04 6D 1E CD 1F 55"))
rec("datetime_f_invalid", h("04 6D 80 00 00 00"))
rec("datetime_f_every_minute", h("04 6D 3F 1F 21 01"))
rec("datetime_i", h("06 6D 1E 2D 6F 3F 1F 00"))
rec("datetime_i_summer_invalid", h("06 6D 5E AD 6F 3F 1F 00"))
rec("time_j", h("03 6D 1E 2D 0C"))
rec("time_j_every", h("03 6D 3F 3F 1F"))
rec("datetime_m_lvar", h("0D 6D 04 01020304"))
rec("date_int8_is_number", h("01 6C 05"))
rec("date_int64_is_number", h("07 6D 0102030405060708"))
rec("date_real", h("05 6D 0000803F"))
rec("date_bcd", h("0A 6C 1234"))
rec("tariff_start_date", h("04 FD 30 1E 0D 1F 15"))
rec("battery_change_date", h("02 FD 70 7F 15"))
rec("daylight_saving_type_k", h("04 FD 72 01020304"))
rec("listening_window_type_l", h("0D FD 73 0A") + counting(10))
rec("start_date_vife", h("02 93 39 7F 15"))
# Plain-text units: after the last VIFE (2018), after the VIF (older meters), with VIF 7C.
rec("text_unit_7c", h("02 7C") + lvar_text("kWh") + h("3412"))
rec("text_unit_7c_empty", h("02 7C 00 3412"))
rec("text_unit_2018", h("04 FC 74") + lvar_text("kWh") + h("01020304"))
rec("text_unit_2018_forced", h("04 FC 74") + lvar_text("kWh") + h("01020304"), TEXT_2018)
rec("text_unit_after_vif_auto", h("04 FC") + lvar_text("kWh") + h("74 01020304"))
rec("text_unit_after_vif_forced", h("04 FC") + lvar_text("kWh") + h("74 01020304"),
    TEXT_AFTER_VIF)
rec("text_unit_after_vif_two_vifes", h("02 FC") + lvar_text("%RH") + h("F4 3E 2201"))
rec("text_unit_truncated", h("02 7C 05 41"))
rec("text_unit_long", h("02 FC 74 FF") + bytes(0x61 + i % 26 for i in range(255)) + h("3412"))
rec("text_unit_long_7c", h("02 7C FF") + bytes(0x61 + i % 26 for i in range(255)) + h("3412"))
# Combinable VIFEs: errors, actions (to a meter), per units, limits, multipliers, offsets.
rec("vife_error_no_data", h("04 93 15 00000000"))
rec("vife_error_code_5", h("04 93 05 00000000"))
rec("vife_action_write", h("04 93 00 01000000"), TO_METER)
rec("vife_action_clear", h("04 93 07 00000000"), TO_METER)
rec("vife_per_hour", h("04 93 22 10000000"))
rec("vife_times_second_per_ampere", h("04 AB 38 10000000"))
rec("vife_accumulation_flags", h("04 93 BB BC BD BE 3F 01000000"))
rec("vife_average_deviation", h("04 93 92 93 94 9D 9E 1F 01000000"))
rec("vife_limit_lower_value", h("04 93 40 01000000"))
rec("vife_limit_upper_count", h("02 93 49 0300"))
rec("vife_limit_duration_hours", h("02 93 56 0500"))
rec("vife_limit_duration_days_overflow", h("07 93 63 FFFFFFFFFFFFFF7F"))
rec("vife_limit_first_begin_date", h("04 93 42 1E 0D 1F 15"))
rec("vife_limit_last_end_date_g", h("02 93 6F 7F 15"))
rec("vife_limit_reserved_44", h("04 93 44 01000000"))
rec("vife_multiplier", h("04 93 F5 7D 01000000"))
rec("vife_multiplier_min", h("04 90 70 01000000"))
rec("vife_offset", h("04 93 78 01000000"))
rec("vife_offset_bcd", h("0C 93 7B 99999999"))
rec("vife_offset_and_multiplier", h("04 83 F0 79 01000000"))
rec("vife_future_leakage_overflow", h("04 93 E9 ED 7E 01000000"))
rec("vife_manufacturer", h("04 93 FF 92 12 01020304"))
rec("vife_phase_l1", h("04 83 FC 01 01020304"))
rec("vife_quadrant_q4", h("04 FB 82 FC 0B 01020304"))
rec("vife_type_c_unsigned", h("04 83 FC 11 FFFFFFFF"))
rec("vife_type_d_bits", h("02 93 FC 12 FFFF"))
rec("vife_direction", h("04 83 FC 14 01020304 04 83 FC 15 01020304"))
rec("vife_delta_import_export", h("04 83 FC 0C 01020304"))
rec("vife_ext_reserved", h("04 83 FC 7F 01020304"))
rec("vife_ten", h("04 83 FD FD FD FD FD FD FD FD FD 3D 01000000"))
rec("vife_eleven", h("04 83 FD FD FD FD FD FD FD FD FD FD 3D 01000000"))
rec("vife_unknown", h("04 93 10 01000000"))
rec("vife_truncated", h("04 93"))
# Primary VIFs with scaling by unit: durations, flows per minute and second.
rec("on_time_hours", h("04 22 10000000"))
rec("operating_time_days", h("04 27 10000000"))
rec("operating_time_days_overflow", h("07 27 FFFFFFFFFFFFFF3F"))
rec("averaging_duration_minutes", h("02 71 0500"))
rec("actuality_duration_seconds", h("02 74 0500"))
rec("volume_flow_per_minute", h("04 43 10000000"))
rec("volume_flow_per_second", h("04 4F 10000000"))
rec("temperatures", h("02 5B 1600 02 5F 1500 02 62 0100 02 67 FEFF 02 6B 0A00"))
rec("hca_units", h("02 6E 3412"))
rec("vif_reserved_6f", h("02 6F 3412"))
rec("vif_any_readout", h("08 7E"), TO_METER)
rec("vif_manufacturer_7f", h("02 7F 3412"))
rec("vif_manufacturer_ff_vifes", h("02 FF 81 02 3412"))
rec("vif_7b_reserved", h("02 7B 3412"))
rec("vif_7d_reserved", h("02 7D 3412"))
# First extension table (0xFB).
rec("fb_energy_mwh", h("04 FB 01 10000000"))
rec("fb_reactive_energy", h("04 FB 02 10000000"))
rec("fb_energy_gj", h("04 FB 09 10000000"))
rec("fb_energy_mcal", h("04 FB 0F 10000000"))
rec("fb_volume_100m3", h("04 FB 11 10000000"))
rec("fb_relative_humidity", h("02 FB 1A 2002"))
rec("fb_volume_ft3", h("04 FB 21 10000000"))
rec("fb_us_gallons_per_minute", h("04 FB 24 10000000"))
rec("fb_phase_angle", h("02 FB 2B 0807"))
rec("fb_frequency", h("02 FB 2E F401"))
rec("fb_apparent_power", h("04 FB 37 10000000"))
rec("fb_fahrenheit", h("02 FB 5B 1600"))
rec("fb_hca_factor_k", h("04 FB 68 00100000"))
rec("fb_hca_factor_kd_negative", h("04 FB 6E 00F0FFFF"))
rec("fb_temperature_limit", h("02 FB 77 1600"))
rec("fb_max_power_count", h("02 FB 7F 0100"))
rec("fb_reserved", h("02 FB 38 0100"))
rec("fb_truncated", h("02 FB"))
# Second extension table (0xFD) and its second level (FD FD).
rec("fd_credit_debit", h("04 FD 02 10000000 04 FD 07 10000000"))
rec("fd_access_number", h("01 FD 08 2A"))
rec("fd_medium_manufacturer", h("01 FD 09 07 02 FD 0A 9315"))
rec("fd_versions", h("01 FD 0C 01 01 FD 0D 02 01 FD 0E 03 0D FD 0F") + lvar_text("1.2.3"))
rec("fd_customer_location", h("0C FD 10 78563412"))
rec("fd_error_flags", OMS_N22_APL[12:])
rec("fd_error_mask_digital_io", h("02 FD 18 FF00 01 FD 1A 05 01 FD 1B 0A"))
rec("fd_baud_rate", h("02 FD 1C 6009"))
rec("fd_storage_interval", h("02 FD 26 0100 01 FD 28 01 01 FD 29 01"))
rec("fd_duration_since_readout", h("02 FD 2F 0100"))
rec("fd_tariff_duration_period", h("02 FD 31 0100 02 FD 39 0100"))
rec("fd_dimensionless", h("0A FD 3A 0005"))
rec("fd_voltage", h("04 FD 47 56341200"))
rec("fd_current", h("04 FD 59 56341200"))
rec("fd_counters", h("02 FD 60 3800 02 FD 61 0100 01 FD 63 03 01 FD 64 35"))
rec("fd_battery", h("02 FD 6F 0100 02 FD 74 6D01"))
rec("fd_rf_level", h("01 FD 71 C4"))
rec("fd_reserved_77", h("02 FD 77 0100"))
rec("fd_second_level", h("01 FD FD 00 01 02 FD FD 02 0C00 02 FD FD 03 0100"))
rec("fd_second_level_reserved", h("02 FD FD 7F 0100"))
rec("fd_7d_without_second_level", h("02 FD 7D 0100"))
rec("fd_truncated_second_level", h("02 FD FD"))
rec("fd_security_key_lvar", h("0D FD 19 E0"))
# Special DIFs: manufacturer data, more records follow, fillers, global readout, reserved.
rec("dif_0f_manufacturer_data", h("04 13 01000000 0F 01020304"))
rec("dif_0f_only", h("0F"))
rec("dif_1f_more_records", h("04 13 01000000 1F"))
rec("dif_1f_with_data", h("1F AABB"))
rec("fillers", h("2F 2F 04 13 01000000 2F 2F 2F"))
rec("fillers_only", h("2F 2F 2F 2F"))
rec("global_readout", h("7F"), TO_METER)
rec("global_readout_then_record", h("7F 08 13 7F"), TO_METER)
rec("dif_reserved_3f", h("04 13 01000000 3F 00"))
rec("dif_reserved_8f", h("8F 00"))
rec("dif_truncated", h("84"))
rec("data_truncated", h("04 13 0100"))
rec("empty", b"")
# Whole application data of telegrams.
rec("oms_n22_apl", OMS_N22_APL)
rec("oms_v1_plaintext", OMS_V1_PLAIN)
rec("oms_v2_plaintext", OMS_V2_PLAIN)
rec("sensostar_plaintext", SENSOSTAR_APL)
rec("rsp_ud_records", RSP_DATA[12:])
rec("elvaco_cma10", ELVACO_CMA10_APL)
rec("elvaco_cma10_forced_2018", ELVACO_CMA10_APL, TEXT_2018)
rec("emu_375", EMU_375_APL)
rec("abb_delta", ABB_DELTA_APL)
rec("eastron_sdm630", EASTRON_APL)
rec("sensostar2", SENSOSTAR2_APL)
rec("set_address_command", h("01 7A 0A"), TO_METER)
rec("enhanced_selection_records", h("0C 78 44332211"), TO_METER)

# ---- application layer: fuzz_tpl.c (CI + the bytes after it) ------------------------------------

LONG_HDR = h("78563412 9315 33 03 2A 00")  # ID, manufacturer ELS, version, gas, ACC, status
TPL = {}


def tpl(name, ci, data):
    assert name not in TPL, name
    TPL[name] = bytes([ci]) + bytes(data)


tpl("rsp_ud_oms_n22", 0x72, OMS_N22_DATA)
tpl("rsp_ud_typical", 0x72, RSP_DATA)
tpl("rsp_ud_long_header_only", 0x72, OMS_N22_DATA[:12])
tpl("rsp_ud_header_truncated", 0x72, OMS_N22_DATA[:11])
tpl("rsp_ud_header_truncated_short_part", 0x72, OMS_N22_DATA[:9])
tpl("rsp_ud_empty", 0x72, b"")
tpl("rsp_ud_elvaco", 0x72, h("61150124 9615 16 00 3F 00 0000") + ELVACO_CMA10_APL)
tpl("rsp_ud_emu", 0x72, h("29260300 B515 10 02 02 00 0000") + EMU_375_APL)
tpl("rsp_ud_abb", 0x72, h("12345678 4204 02 02 45 00 0000") + ABB_DELTA_APL)
tpl("rsp_ud_sensostar2", 0x72, h("45330824 C514 00 04 66 27 0000") + SENSOSTAR2_APL)
tpl("no_header_records", 0x78, OMS_V1_PLAIN)
tpl("short_header_records", 0x7A, h("2A 00 0000") + OMS_N22_APL)
tpl("short_header_mode5_ciphertext", 0x7A,
    h("2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3"))
tpl("short_header_truncated", 0x7A, h("2A 00 00"))
tpl("long_header_mode5_partial", 0x72,
    h("88776655934455080004100500DFE2A782146D1513581CD2F83F39040CFD1078563412"))
tpl("short_header_mode7_cfe_kdf", 0x7A, h("75 00 2007 10") + h("9058475F4BC91DF8"))
tpl("short_header_mode7_counter_key_version", 0x7A, h("01 00 2027 50 78563412 05") + OMS_N22_APL)
tpl("short_header_mode7_truncated_cfe", 0x7A, h("01 00 2007"))
tpl("short_header_mode7_truncated_counter", 0x7A, h("01 00 2027 10 7856"))
tpl("short_header_mode7_truncated_key_version", 0x7A, h("01 00 2007 40"))
tpl("long_header_mode13", 0x72, LONG_HDR + h("100D 03") + h("2F2F"))
tpl("long_header_status_bits", 0x72, h("78563412 9315 33 03 2A FF 0000") + OMS_N22_APL)
tpl("long_header_bad_manufacturer", 0x72, h("78563412 0000 33 FF 2A 00 0000"))
tpl("long_header_manufacturer_bit15", 0x72, h("7856AB12 9395 33 40 2A 00 0000 2F"))
tpl("command_to_meter", 0x51, h("01 7A 0A"))
tpl("command_to_meter_actions", 0x51, h("04 93 00 01000000 04 93 07 00000000"))
tpl("command_short_header", 0x5A, h("01 00 0000 01 FD 1C 06"))
tpl("command_long_header", 0x5B, LONG_HDR + h("0000 0C 78 44332211"))
tpl("global_readout", 0x51, h("7F"))
tpl("selection", 0x52, SELECT_ENH_DATA)
tpl("app_reset_subcode", 0x50, h("10"))
tpl("app_reset_long", 0x53, LONG_HDR + h("0000 10"))
tpl("app_error_busy", 0x70, h("01"))
tpl("app_error_short", 0x6E, h("2A 00 0000 02"))
tpl("alarm", 0x71, h("05"))
tpl("alarm_long", 0x75, LONG_HDR + h("0000 01"))
tpl("fixed_bcd", 0x73, h("78563412 2A 00 0589 00000000 12345600"))
tpl("fixed_binary_historic", 0x73, h("78563412 2A C0 40FE 01000000 02000000"))
tpl("fixed_units_temperature_hca", 0x73, h("78563412 2A 00 78F9 12345678 000000AB"))
tpl("fixed_15_bytes_compact", 0x73, h("78563412 2A 00 0589 00000000 123456"))
tpl("fixed_17_bytes_compact", 0x73, h("78563412 2A 00 0589 00000000 1234560078"))
tpl("compact_short_header", 0x7B, h("2A 00 0000 1234 ABCD 01020304"))
tpl("format_frame", 0x69, h("0C 14 04 6D"))
tpl("baud_9600", 0xBD, b"")
tpl("manufacturer_ci", 0xB2, h("0102030405"))
tpl("ell_short", 0x8C, h("20 75 7A 2A 00 0000"))
tpl("afl", 0x90, h("0F 002C 25 B30A0000 21924D4F2FB66E01"))
tpl("time_sync", 0x6C, LONG_HDR + h("0000 00 1E0D1F15 00"))
tpl("image_transfer", 0xC1, h("2A 00 0000 01"))
tpl("dlms_long", 0x7C, LONG_HDR + h("0000 C0"))
tpl("reserved_ci", 0x20, h("01 02 03"))
tpl("reserved_ci_ff", 0xFF, b"")


def write_dir(name, seeds):
    path = os.path.join(HERE, "corpus", name)
    os.makedirs(path, exist_ok=True)
    for file_name, data in sorted(seeds.items()):
        with open(os.path.join(path, file_name), "wb") as f:
            f.write(data)
    print("%s: %d seeds" % (path, len(seeds)))


def main():
    frame_seeds = {}
    for table in (VALID, NEAR_MISSES, BUILDER_SEEDS, STRUCT_SEEDS):
        for key, value in table.items():
            assert key not in frame_seeds, key
            frame_seeds[key] = value
    assert len(MAXF) == 261
    write_dir("frame", frame_seeds)
    write_dir("rx", RX)
    write_dir("records", RECORDS)
    write_dir("tpl", TPL)


if __name__ == "__main__":
    main()


# ---- json: fuzz_json.c -------------------------------------------------------------------------
# A mode byte (bit 7: writer program, bits 2..0: record options), two capacity bytes, the payload.
# Frames: every valid frame above, every transport-layer seed in a long frame, and every third
# record seed behind CI 0x78 (no header). Programs: a few documents written call by call.
JSON = {}


def json_seed(name, mode, cap, payload):
    assert name not in JSON, name
    JSON[name] = bytes([mode, cap & 0xFF, cap >> 8]) + bytes(payload)


for _name, _frame in sorted(VALID.items()):
    json_seed("frame_" + _name, 0, 0xFFFF, _frame)
for _name, _data in sorted(TPL.items()):
    if 1 <= len(_data) - 1 <= 252:
        json_seed("tpl_" + _name, 0, 0x1234, long_frame(0x08, 0x01, _data[0], _data[1:]))
for _i, (_name, _data) in enumerate(sorted(RECORDS.items())):
    if _i % 3 == 0 and 1 <= len(_data) - 1 <= 252:
        json_seed("rec_" + _name, _data[0] & 7, 0x0100 + _i, long_frame(0x08, 0x02, 0x78, _data[1:]))
json_seed("frame_bad_checksum", 0, 7, b"\x10\x5b\x01\x00\x16")


def json_program(*ops):
    out = bytearray()
    for op in ops:
        out += bytes(op) if isinstance(op, (bytes, bytearray, list)) else bytes([op])
    return bytes(out)


def _s(op, text):
    data = text.encode("latin-1")
    return bytes([op, len(data)]) + data


json_seed("prog_object", 0x80, 40, json_program(
    0, _s(4, "a"), 2, 7, struct.pack("<q", -5), 8, struct.pack("<Q", 2**64 - 1), 12, 3,
    _s(4, "b\"\\"), _s(5, "x\x01\x7f"), _s(4, "h"), 6, 3, b"\x0c\x14\xff",
    _s(4, "d"), 9, struct.pack("<q", 2850427), 0xFE, _s(4, "t"), 11, 1, 1))
json_seed("prog_records", 0x80, 100, json_program(
    2, 13, 12, h("0C 14 27 04 85 02 04 6D 32 17 1F 15"), 13, 6, h("0D FD 11 02 E4 41"), 3))
json_seed("prog_deep", 0x80, 3, json_program(*([2] * 16 + [12] + [3] * 16)))
json_seed("prog_too_deep", 0x80, 3, json_program(*([2] * 17 + [3] * 17)))
json_seed("prog_misuse", 0x80, 9, json_program(0, 12, 1))
json_seed("prog_huge", 0x80, 9, json_program(2, 10, struct.pack("<q", 7), 0, 10,
                                             struct.pack("<q", 7), 4, 3))

if __name__ == "__main__":
    write_dir("json", JSON)


# ---- profiles: fuzz_profiles.c -----------------------------------------------------------------
# Header: kind, seed (4 bytes), address, wall clock at elapsed 0 (4 bytes); then operations.
PROFILES = {}
PROFILE_KINDS = ("e350", "m1pro", "heat", "water", "multi")


def p_header(kind, seed, address, clock):
    return bytes([kind]) + struct.pack("<I", seed) + bytes([address]) + struct.pack("<I", clock)


def p_time(step_ms, unix=None, known=True):
    """set_time: the clock of the header (known), none (not known) or @p unix."""
    if unix is not None:
        return bytes([0x08]) + struct.pack("<II", step_ms, unix)
    return bytes([0x04 if known else 0x00]) + struct.pack("<I", step_ms)


def p_respond(telegram=0, cap=None, req_class=2):
    o = 0x01 | (0x04 if req_class == 2 else 0x00)
    if cap is None:
        return bytes([o | 0x20, telegram])
    return bytes([o, telegram, cap])


def p_receive(data, ci=0x51):
    if ci == 0x51:
        return bytes([0x06, len(data)]) + bytes(data)
    return bytes([0x02, ci, len(data)]) + bytes(data)


for _kind, _kname in enumerate(PROFILE_KINDS):
    PROFILES[_kname + "_readout"] = (
        p_header(_kind, 1000 + _kind, 5, 1767225600) + p_respond(0) +
        p_time(60000) + p_respond(0) + p_respond(1) + p_respond(2) + p_receive(b"\x7f") +
        p_respond(0, req_class=1, cap=0) + p_respond(0, cap=20) + p_respond(0))
    PROFILES[_kname + "_clock_wrap"] = (
        p_header(_kind, 0xDEADBEEF + _kind, 251, 0) + p_time(3600000, unix=1709208000) +
        p_respond(0) + p_respond(1) + p_time(10000, known=False) + p_respond(0) +
        p_time(0xFFFFFF00, unix=1713500000) + p_respond(2) + p_receive(b"\x01\xfd\x1a\x00", 0x50) +
        p_receive(b"") + p_respond(0, cap=253))
PROFILES["e350_breaker"] = (
    p_header(0, 42, 1, 1767225600) + p_time(7 * 3600000) + p_respond(0) +
    p_receive(b"\x01\xfd\x1a\x00") + p_respond(0) + p_time(3600000) + p_respond(0) +
    p_receive(b"\x01\xfd\x1a\x01") + p_time(3600000) + p_respond(0) +
    p_receive(b"\x01\xfd\x1a\x02") + p_receive(b"\x01\xfd\x1a\x00\x00") + p_respond(0))

if __name__ == "__main__":
    write_dir("profiles", PROFILES)
