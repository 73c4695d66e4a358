#!/usr/bin/env python3
"""Write the seed corpora of the wired link-layer fuzz harnesses.

    python3 fuzz/make_seeds.py            # writes fuzz/corpus/frame/ and fuzz/corpus/rx/

Deterministic: the same files every run, so re-running it shows no diff. Files it does not name
(inputs the fuzzer found and someone added by hand) are left alone.

Input layouts are described at the top of fuzz_frame.c and fuzz_rx.c.
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


if __name__ == "__main__":
    main()
