#!/usr/bin/env python3
"""Black-box tests of the command-line tool 'meterbus' (src/cli/meterbus.c).

    test_cli.py --tool PATH [--emulator "CMD ARGS"] [--no-text] [--case NAME ...] [--list]

Each case is a function named case_*; ctest runs one case per test (tests/CMakeLists.txt reads
the names from this file). The expected values are worked out by hand from EN 13757-2/-3 in the
comments next to each telegram, and the checksums are computed here, not taken from the tool.

--no-text is for builds with MB_ENABLE_TEXT=0: the library then writes numeric codes instead of
names (frame type, medium, function, quantity, error code) and empty units and messages; the
cases check the codes where EN 13757 or the public headers define them, and the type otherwise.

Only the Python standard library is used.
"""

import argparse
import datetime
import json
import re
import shlex
import subprocess
import sys
from decimal import Decimal

D = Decimal

TOOL = []  # the command that runs the tool: [emulator ...] path
TEXT = True  # the build has the text tables (MB_ENABLE_TEXT=1)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def equal(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


# ---- building telegrams ------------------------------------------------------------------------


def long_frame(c, a, ci, body_hex):
    """68 L L 68 C A CI data CS 16 (EN 13757-2): L counts C, A, CI and the data; CS is the sum of
    the same bytes modulo 256."""
    user = bytes([c, a, ci]) + bytes.fromhex(body_hex)
    length = len(user)
    assert 3 <= length <= 255
    return bytes([0x68, length, length, 0x68]) + user + bytes([sum(user) & 0xFF, 0x16])


def short_frame(c, a):
    """10 C A CS 16 (EN 13757-2)."""
    return bytes([0x10, c, a, (c + a) & 0xFF, 0x16])


def spaced(frame):
    return " ".join(f"{b:02X}" for b in frame)


def packed(frame):
    return frame.hex().upper()


# Telegram A: RSP_UD (C = 08) from primary address 5, CI 72 (long transport header).
#   header: ID 12345678 (BCD, least significant byte first: 78 56 34 12)
#           manufacturer "KAM": K=11, A=1, M=13 -> 11*1024 + 1*32 + 13 = 11309 = 0x2C2D -> 2D 2C
#           version 01, medium 07 (water), access number 0x55 = 85, status 00, signature 00 00
#   records:
#     0C 13 78 56 34 12   DIF 0C: 8-digit BCD, instantaneous, storage 0
#                         VIF 13: volume 10^(3-6) m3 -> 12345678 * 10^-3 = 12345.678 m3
#     04 6D 2D 0D AF 33   DIF 04: 32 bits; VIF 6D: date and time, type F
#                         minute 0x2D & 0x3F = 45, hour 0x0D & 0x1F = 13, day 0xAF & 0x1F = 15,
#                         month 0x33 & 0x0F = 3, year (0xAF >> 5) | (0x33 >> 4) << 3 = 5 | 3<<3
#                         = 29 -> 2029-03-15T13:45
#     02 FD 17 04 00      DIF 02: 16-bit integer; VIF FD + VIFE 17: error flags -> 4
#     C4 51 06 E8030000   DIF C4: 32-bit integer, storage LSB 1, DIFE follows
#                         DIFE 51: storage bits 1 (-> storage 1 | 1<<1 = 3), tariff 1, subunit 1
#                         VIF 06: energy 10^(6-3) Wh -> 1000 * 10^3 = 1000000 Wh
#     12 3B D2 04         DIF 12: 16-bit integer, function 01 (maximum)
#                         VIF 3B: volume flow 10^(3-6) m3/h -> 1234 * 10^-3 = 1.234 m3/h
#     22 5A FB FF         DIF 22: 16-bit integer, function 10 (minimum)
#                         VIF 5A: flow temperature 10^(2-3) degC -> -5 * 10^-1 = -0.5
#     32 5E 90 01         DIF 32: 16-bit integer, function 11 (value during error state)
#                         VIF 5E: return temperature 10^(2-3) degC -> 400 * 10^-1 = 40
#     42 6C FE 2C         DIF 42: 16-bit integer, storage 1; VIF 6C: date, type G
#                         day 0xFE & 0x1F = 30, month 0x2C & 0x0F = 12,
#                         year (0xFE >> 5) | (0x2C >> 4) << 3 = 7 | 2<<3 = 23 -> 2023-12-30
#     1F                  more records follow
TELEGRAM_A = long_frame(
    0x08, 0x05, 0x72,
    "78563412 2D2C 01 07 55 00 0000"
    "0C13 78563412"
    "046D 2D0DAF33"
    "02FD17 0400"
    "C45106 E8030000"
    "123B D204"
    "225A FBFF"
    "325E 9001"
    "426C FE2C"
    "1F")
# L = 3 + 12 + 41 = 56 = 0x38. CS: 08+05+72 = 7F; header 78+56+34+12+2D+2C+01+07+55 = 1E8 -> E8,
# 7F+E8 = 167 -> 67; records (0C+13+78+56+34+12 = 103) + (04+6D+2D+0D+AF+33 = 1BB)
# + (02+FD+17+04 = 11A) + (C4+51+06+E8+03 = 270) + (12+3B+D2+04 = 123) + (22+5A+FB+FF = 27E)
# + (32+5E+90+01 = 121) + (42+6C+FE+2C = 1D8) + 1F = 0xE73 -> 73; 67 + 73 = DA.
TELEGRAM_A_HEX = ("68 38 38 68 08 05 72 78 56 34 12 2D 2C 01 07 55 00 00 00 0C 13 78 56 34 12 04 6D"
                  " 2D 0D AF 33 02 FD 17 04 00 C4 51 06 E8 03 00 00 12 3B D2 04 22 5A FB FF 32 5E"
                  " 90 01 42 6C FE 2C 1F DA 16")

# Telegram B: RSP_UD from primary address 1, CI 72.
#   header: ID 00000001 (01 00 00 00); manufacturer "ABC": 1*1024 + 2*32 + 3 = 1091 = 0x0443
#           -> 43 04; version 0x10 = 16; medium 04 (heat, outlet); access 0; status 0x10 = 16
#   records:
#     0B 2B 56 34 12      DIF 0B: 6-digit BCD; VIF 2B: power 10^(3-3) W -> 123456 W
#     0E 03 90785634 1200 DIF 0E: 12-digit BCD; VIF 03: energy 10^(3-3) Wh -> 1234567890 Wh
#     0D FD 0C 03 434241  DIF 0D: variable length; VIF FD + VIFE 0C: model/version
#                         LVAR 03: 3 characters, last character first -> "ABC"
#     0A 5A 23 F1         DIF 0A: 4-digit BCD, top nibble F: negative -> -123
#                         VIF 5A: flow temperature 10^-1 degC -> -12.3
#     0F 01 02 03         DIF 0F: manufacturer-specific data follows -> "010203"
TELEGRAM_B = long_frame(
    0x08, 0x01, 0x72,
    "01000000 4304 10 04 00 10 0000"
    "0B2B 563412"
    "0E03 907856341200"
    "0DFD0C 03 434241"
    "0A5A 23F1"
    "0F 010203")

# The telegram of the README: gas meter ELS (5*1024 + 12*32 + 19 = 5523 = 0x1593), ID 12345678,
# version 0x33 = 51, medium 03 (gas), access 0x2A = 42;
# 0C 14 27 04 85 02: volume 10^(4-6) m3, BCD 02850427 -> 28504.27 m3;
# 04 6D 32 37 1F 15: minute 0x32 = 50, hour 0x37 & 0x1F = 23, day 0x1F = 31, month 0x15 & 0x0F = 5,
# year 0 | 1<<3 = 8 -> 2008-05-31T23:50; 02 FD 17 00 00: error flags 0.
README_ARGS = ("68 20 20 68 08 FD 72 78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32"
               " 37 1F 15 02 FD 17 00 00 89 16").split()

# Frame type codes of meterbus/link.h, written instead of names without text tables.
FRAME_CODES = {"ACK": 1, "NACK": 2, "short": 3, "control": 4, "long": 5}
# Error codes of meterbus/error.h (negated), written instead of names without text tables.
ERROR_CODES = {"frame_start": 11, "frame_truncated": 12, "frame_len_mismatch": 13,
               "frame_start2": 14, "frame_len": 15, "frame_stop": 17, "frame_checksum": 18,
               "frame_trailing": 19, "tpl_short": 20, "rec_data_truncated": 32, "wl_crc": 42,
               "sec_no_key": 51, "sec_check": 52, "sec_mac": 53}
FUNCTION_CODES = {"instantaneous": 0, "maximum": 1, "minimum": 2, "error": 3}


# ---- running the tool --------------------------------------------------------------------------


class Run:
    def __init__(self, args, proc):
        self.args = args
        self.status = proc.returncode
        self.stdout = proc.stdout.decode("utf-8")
        self.stderr = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return (f"meterbus {' '.join(self.args)}: status {self.status}\n"
                f"stdout: {self.stdout!r}\nstderr: {self.stderr!r}")


def run(*args, stdin=b""):
    proc = subprocess.run(TOOL + list(args), input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    return Run(args, proc)


def json_lines(r):
    """stdout as one complete JSON object per line, nothing else."""
    check(r.stdout == "" or r.stdout.endswith("\n"), f"output does not end a line\n{r}")
    objects = []
    for line in r.stdout.split("\n")[:-1]:
        try:
            obj = json.loads(line, parse_float=Decimal)
        except ValueError as e:
            raise Failure(f"not a JSON line ({e}): {line!r}\n{r}")
        check(isinstance(obj, dict), f"not a JSON object: {line!r}")
        # Numbers are exact decimal text: no exponent, no NaN/Infinity.
        bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)  # strings out of the way
        check(not re.search(r"NaN|Infinity", bare), f"NaN or Infinity in {line!r}")
        for number in re.findall(r"-?[0-9][0-9.eE+-]*", bare):
            check(re.fullmatch(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?", number),
                  f"number {number!r} is not plain decimal text in {line!r}")
        objects.append(obj)
    return objects


def decode(*args, stdin=b"", status=0, count=None):
    r = run("decode", "--json", *args, stdin=stdin)
    equal(r.status, status, f"exit status\n{r}")
    equal(r.stderr, "", f"standard error\n{r}")
    objects = json_lines(r)
    if count is not None:
        equal(len(objects), count, f"number of JSON lines\n{r}")
    return objects


def check_name(actual, text_name, code, what):
    """A library name, or without text tables its code (checked when known, else its type)."""
    if TEXT:
        equal(actual, text_name, what)
    elif code is not None:
        equal(actual, code, what)
    else:
        check(isinstance(actual, int) and not isinstance(actual, bool),
              f"{what}: expected a numeric code without text tables, got {actual!r}")


def check_error(obj, code, what):
    check("error" in obj, f"{what}: no \"error\" in {obj!r}")
    err = obj["error"]
    check(isinstance(err, dict), f"{what}: \"error\" is not an object: {err!r}")
    check("code" in err and "message" in err, f"{what}: error without code or message: {err!r}")
    check(isinstance(err["message"], str), f"{what}: message is not a string: {err!r}")
    if code == "hex" or TEXT:
        equal(err["code"], code, f"{what}: error code")
        check(err["message"] != "", f"{what}: empty error message")
    else:
        equal(err["code"], ERROR_CODES[code], f"{what}: numeric error code")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


RECORD_KEYS = ("dif", "vif", "storage", "tariff", "subunit", "function", "quantity", "unit",
               "value")


def check_record(rec, dif, vif, storage, tariff, subunit, function, quantity, unit, value, what):
    for key in RECORD_KEYS:
        check(key in rec, f"{what}: no {key!r} in {rec!r}")
    equal(rec["dif"], dif, f"{what} dif")
    equal(rec["vif"], vif, f"{what} vif")
    for key, expected in (("storage", storage), ("tariff", tariff), ("subunit", subunit)):
        check(is_int(rec[key]), f"{what} {key}: not an integer: {rec[key]!r}")
        equal(rec[key], expected, f"{what} {key}")
    check_name(rec["function"], function, FUNCTION_CODES[function], f"{what} function")
    check_name(rec["quantity"], quantity, None, f"{what} quantity")
    equal(rec["unit"], unit if TEXT else "", f"{what} unit")
    if isinstance(value, str):  # a date, a text, hex
        equal(rec["value"], value, f"{what} value")
    else:
        check(isinstance(rec["value"], (int, Decimal)) and not isinstance(rec["value"], bool),
              f"{what} value: not a number: {rec['value']!r}")
        equal(Decimal(rec["value"]), Decimal(value), f"{what} value")


def check_header(obj, c, a, ci, ident, manufacturer, version, medium_name, medium_code, access,
                 status, more, what):
    for key in ("frame", "c", "a", "ci", "id", "manufacturer", "version", "medium", "access",
                "status", "more_records_follow", "records"):
        check(key in obj, f"{what}: no {key!r} in {obj!r}")
    check_name(obj["frame"], "long", FRAME_CODES["long"], f"{what} frame")
    equal(obj["c"], c, f"{what} c")
    equal(obj["a"], a, f"{what} a")
    equal(obj["ci"], ci, f"{what} ci")
    check(isinstance(obj["id"], str) and re.fullmatch(r"[0-9]{8}", obj["id"]),
          f"{what}: id is not an 8-digit string: {obj['id']!r}")
    equal(obj["id"], ident, f"{what} id")
    check(isinstance(obj["manufacturer"], str) and re.fullmatch(r"[A-Z]{3}", obj["manufacturer"]),
          f"{what}: manufacturer is not 3 letters: {obj['manufacturer']!r}")
    equal(obj["manufacturer"], manufacturer, f"{what} manufacturer")
    for key, expected in (("version", version), ("access", access), ("status", status)):
        check(is_int(obj[key]), f"{what} {key}: not an integer: {obj[key]!r}")
        equal(obj[key], expected, f"{what} {key}")
    check_name(obj["medium"], medium_name, medium_code, f"{what} medium")
    check(obj["more_records_follow"] is more, f"{what} more_records_follow: {obj!r}")
    check(isinstance(obj["records"], list), f"{what}: records is not a list")
    check("error" not in obj, f"{what}: unexpected error {obj.get('error')!r}")


def check_telegram_a(obj, what="telegram A"):
    check_header(obj, "08", 5, "72", "12345678", "KAM", 1, "water", 7, 85, 0, True, what)
    recs = obj["records"]
    equal(len(recs), 8, f"{what}: number of records")
    check_record(recs[0], "0c", "13", 0, 0, 0, "instantaneous", "volume", "m3", D("12345.678"),
                 f"{what} record 0")
    check_record(recs[1], "04", "6d", 0, 0, 0, "instantaneous", "date_time", "",
                 "2029-03-15T13:45", f"{what} record 1")
    check_record(recs[2], "02", "fd17", 0, 0, 0, "instantaneous", "error_flags", "", D("4"),
                 f"{what} record 2")
    check_record(recs[3], "c451", "06", 3, 1, 1, "instantaneous", "energy", "Wh", D("1000000"),
                 f"{what} record 3")
    check_record(recs[4], "12", "3b", 0, 0, 0, "maximum", "volume_flow", "m3/h", D("1.234"),
                 f"{what} record 4")
    check_record(recs[5], "22", "5a", 0, 0, 0, "minimum", "flow_temperature", "\u00b0C", D("-0.5"),
                 f"{what} record 5")
    check_record(recs[6], "32", "5e", 0, 0, 0, "error", "return_temperature", "\u00b0C", D("40"),
                 f"{what} record 6")
    check_record(recs[7], "42", "6c", 1, 0, 0, "instantaneous", "date", "", "2023-12-30",
                 f"{what} record 7")


def check_telegram_b(obj, what="telegram B"):
    check_header(obj, "08", 1, "72", "00000001", "ABC", 16, "heat_outlet", 4, 0, 16, False, what)
    recs = obj["records"]
    equal(len(recs), 4, f"{what}: number of records")
    check_record(recs[0], "0b", "2b", 0, 0, 0, "instantaneous", "power", "W", D("123456"),
                 f"{what} record 0")
    check_record(recs[1], "0e", "03", 0, 0, 0, "instantaneous", "energy", "Wh", D("1234567890"),
                 f"{what} record 1")
    check_record(recs[2], "0d", "fd0c", 0, 0, 0, "instantaneous", "model_version", "", "ABC",
                 f"{what} record 2")
    check_record(recs[3], "0a", "5a", 0, 0, 0, "instantaneous", "flow_temperature", "\u00b0C",
                 D("-12.3"), f"{what} record 3")
    equal(obj.get("manufacturer_data"), "010203", f"{what} manufacturer_data")


def check_readme(obj, what="README telegram"):
    check_header(obj, "08", 253, "72", "12345678", "ELS", 51, "gas", 3, 42, 0, False, what)
    recs = obj["records"]
    equal(len(recs), 3, f"{what}: number of records")
    check_record(recs[0], "0c", "14", 0, 0, 0, "instantaneous", "volume", "m3", D("28504.27"),
                 f"{what} record 0")
    check_record(recs[1], "04", "6d", 0, 0, 0, "instantaneous", "date_time", "",
                 "2008-05-31T23:50", f"{what} record 1")
    check_record(recs[2], "02", "fd17", 0, 0, 0, "instantaneous", "error_flags", "", D("0"),
                 f"{what} record 2")


def check_short(obj, c, a, what):
    check_name(obj.get("frame"), "short", FRAME_CODES["short"], f"{what} frame")
    equal(obj.get("c"), c, f"{what} c")
    equal(obj.get("a"), a, f"{what} a")
    check("ci" not in obj and "records" not in obj and "error" not in obj,
          f"{what}: unexpected members in {obj!r}")


def check_ack(obj, what):
    check_name(obj.get("frame"), "ACK", FRAME_CODES["ACK"], f"{what} frame")
    equal(sorted(obj), ["frame"], f"{what}: members")


# ---- cases -------------------------------------------------------------------------------------


def case_checksums_by_hand():
    """The test's own frame builder agrees with the checksum worked out by hand above."""
    equal(spaced(TELEGRAM_A), TELEGRAM_A_HEX, "telegram A as built")
    equal(short_frame(0x5B, 0xFE).hex(), "105bfe5916", "REQ_UD2 to 254")


def case_readme_example():
    """The README's command, one byte per argument, gives one object."""
    (obj,) = decode(*README_ARGS, count=1)
    check_readme(obj)


def case_telegram_a_fields():
    (obj,) = decode(spaced(TELEGRAM_A), count=1)
    check_telegram_a(obj)


def case_telegram_b_fields():
    (obj,) = decode(spaced(TELEGRAM_B), count=1)
    check_telegram_b(obj)


def case_hex_forms():
    """With spaces, without, lower case, tabs, one byte per argument: the same output."""
    forms = [
        [spaced(TELEGRAM_A)],
        [packed(TELEGRAM_A)],
        [TELEGRAM_A.hex()],
        [spaced(TELEGRAM_A).lower()],
        ["\t".join(f"{b:02x}" for b in TELEGRAM_A)],
        ["  " + spaced(TELEGRAM_A) + "  "],
        [f"{b:02X}" for b in TELEGRAM_A],
        [packed(TELEGRAM_A[:10]), packed(TELEGRAM_A[10:30]), spaced(TELEGRAM_A[30:])],
    ]
    outputs = []
    for form in forms:
        r = run("decode", "--json", *form)
        equal(r.status, 0, f"exit status\n{r}")
        (obj,) = json_lines(r)
        check_telegram_a(obj, f"telegram A given as {form!r}")
        outputs.append(r.stdout)
    equal(len(set(outputs)), 1, "the forms give different text")


def case_decode_table():
    """Without --json: a table per telegram, a blank line between them, every value exactly as
    sent with its unit; errors as a line of text."""
    r = run("decode", spaced(TELEGRAM_A), spaced(TELEGRAM_B), "68 05")
    equal(r.status, 1, f"exit status (the last one is cut short)\n{r}")
    tables = r.stdout.split("\n\n")
    equal(len(tables), 3, f"three telegrams\n{r}")
    a = tables[0].splitlines()
    check(re.fullmatch(r"meter 12345678  KAM  v1  (water|medium 0x07)  access 85  status 00  "
                       r"address 5", a[0]), f"header line\n{r}")
    want_a = [("0", "0", "0", "12345.678", "m3"), ("0", "0", "0", "2029-03-15 13:45", ""),
              ("0", "0", "0", "4", ""), ("3", "1", "1", "1000000", "Wh"),
              ("0", "0", "0", "1.234", "m3/h"), ("0", "0", "0", "-0.5", "\u00b0C"),
              ("0", "0", "0", "40.0", "\u00b0C"), ("1", "0", "0", "2023-12-30", "")]
    rows = a[2:2 + len(want_a)]
    for (st, tf, su, number, unit), row in zip(want_a, rows):
        f = row.split()
        equal((f[0], f[1], f[2]), (st, tf, su), f"storage, tariff, subunit of {row!r}")
        value = number + (" " + unit if unit and TEXT else "")  # no units without text tables
        check(row.endswith(" " + value), f"value {value!r} in {row!r}")
    if TEXT:
        check(" volume " in rows[0] and " volume flow, maximum " in rows[4] and
              " flow temperature, minimum " in rows[5] and " return temperature, error " in rows[6],
              f"what each record measures\n{r}")
    check("more records follow" in a[-1], f"the 1F at the end is said\n{r}")
    b = tables[1].splitlines()
    check(b[0].startswith("meter 00000001  ABC  v16"), f"telegram B header\n{r}")
    unit = (lambda u: " " + u) if TEXT else (lambda u: "")
    check(any(row.endswith(" 123456" + unit("W")) for row in b), f"power\n{r}")
    check(any(row.endswith(" 1234567890" + unit("Wh")) for row in b), f"12-digit energy\n{r}")
    check(any(row.endswith(" ABC") for row in b), f"text value, last character first\n{r}")
    check(any(row.endswith(" -12.3" + unit("\u00b0C")) for row in b), f"negative BCD\n{r}")
    check("manufacturer data: 010203" in tables[1], f"manufacturer data\n{r}")
    check(tables[2].startswith("error: "), f"an error line for the cut frame\n{r}")


def crc_en13757(data):
    """CRC-16/EN-13757: polynomial 0x3D65, initial 0, not reflected, result inverted."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x3D65 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc ^ 0xFFFF


def case_decode_compact_frames():
    """A full wireless frame teaches its format; a compact frame (CI 79) with that format's
    signature is expanded to the same records, in the table and in JSON."""
    records = bytes.fromhex("02FF20 0000 0413 803C0700 4413 9F380700".replace(" ", ""))
    fmt = bytes.fromhex("02FF20 0413 4413".replace(" ", ""))
    sig, full_crc = crc_en13757(fmt), crc_en13757(records)
    link = bytes.fromhex("44 2D2C 78563412 01 07".replace(" ", ""))
    full = link + b"\x78" + records
    compact = (link + b"\x79" + sig.to_bytes(2, "little") + full_crc.to_bytes(2, "little") +
               bytes.fromhex("0000 803C0700 9F380700".replace(" ", "")))
    full, compact = bytes([len(full)]) + full, bytes([len(compact)]) + compact
    r = run("decode", full.hex(), compact.hex())
    equal(r.status, 0, f"exit status\n{r}")
    tables = r.stdout.split("\n\n")
    equal(len(tables), 2, f"two telegrams\n{r}")
    check(f"compact frame, format {sig:04X}\n" in tables[1], f"the format is named\n{r}")
    for table in tables:
        table += "\n"
        m3 = " m3" if TEXT else ""
        check(f" 474.240{m3}\n" in table and f" 473.247{m3}\n" in table, f"volumes\n{r}")
    objs = decode(full.hex(), compact.hex(), count=2)
    equal(objs[1]["compact"]["crc_ok"], True, "CRC of the full records")
    equal([rec["value"] for rec in objs[1]["records"]][1:], [D("474.240"), D("473.247")],
          "expanded values")
    # Without the full frame first, the format is unknown: said, exit 1.
    r = run("decode", compact.hex())
    equal(r.status, 1, f"unknown format\n{r}")
    check(f"compact frame, format {sig:04X}: " in r.stdout, f"message\n{r}")


def case_several_arguments():
    """Several telegrams as arguments: one object each, in order."""
    objs = decode(spaced(TELEGRAM_A), packed(TELEGRAM_B), "E5", *README_ARGS,
                  spaced(short_frame(0x5B, 0xFE)), "e5", count=6)
    check_telegram_a(objs[0])
    check_telegram_b(objs[1])
    check_ack(objs[2], "E5")
    check_readme(objs[3])
    check_short(objs[4], "5b", 254, "REQ_UD2")
    check_ack(objs[5], "e5")


def case_stdin_lines():
    """Standard input, one telegram per line: blank lines, CRLF, indentation, '#' comments."""
    text = ("# two meters and an acknowledgement\r\n"
            + spaced(TELEGRAM_A) + "\r\n"
            + "\r\n"
            + "   \t\n"
            + "  " + packed(TELEGRAM_B).lower() + "  \n"
            + "\n"
            + "E5\n"
            + spaced(short_frame(0x40, 0x01)))  # no newline at the end
    for args in ([], ["-"]):
        objs = decode(*args, stdin=text.encode(), count=4)
        check_telegram_a(objs[0])
        check_telegram_b(objs[1])
        check_ack(objs[2], "E5 on standard input")
        check_short(objs[3], "40", 1, "SND_NKE")


def case_stdin_dash_between_arguments():
    """'-' reads standard input at its place among the arguments."""
    stdin = (packed(TELEGRAM_B) + "\n" + spaced(short_frame(0x7B, 0x05)) + "\n").encode()
    objs = decode(spaced(TELEGRAM_A), "-", "E5", stdin=stdin, count=4)
    check_telegram_a(objs[0])
    check_telegram_b(objs[1])
    check_short(objs[2], "7b", 5, "REQ_UD2 FCB")
    check_ack(objs[3], "E5 after '-'")


def case_empty_input():
    decode(stdin=b"", count=0)
    decode("-", stdin=b"\n\r\n# nothing\n", count=0)


def case_short_frames():
    """E5, and short frames 10 C A CS 16: SND_NKE 40, REQ_UD2 5B/7B (FCB), to 253 and 254."""
    (obj,) = decode("E5", count=1)
    check_ack(obj, "E5")
    for c, a in ((0x40, 0x00), (0x40, 0xFD), (0x5B, 0xFE), (0x7B, 0x05), (0x5B, 0xFF)):
        (obj,) = decode(spaced(short_frame(c, a)), count=1)
        check_short(obj, f"{c:02x}", a, f"short frame {c:02X} {a:02X}")


def case_control_frame_without_data():
    """68 03 03 68 08 01 72 CS 16: a control frame decodes, but CI 72 needs a header: error after
    the link fields."""
    frame = long_frame(0x08, 0x01, 0x72, "")
    equal(spaced(frame), "68 03 03 68 08 01 72 7B 16", "control frame as built")
    (obj,) = decode(spaced(frame), status=1, count=1)
    check_name(obj.get("frame"), "control", FRAME_CODES["control"], "frame")
    equal((obj.get("c"), obj.get("a"), obj.get("ci")), ("08", 1, "72"), "link fields")
    check_error(obj, "tpl_short", "control frame, CI 72")


def case_frame_errors():
    """Telegrams that do not decode at link level: one error object each, exit status 1."""
    good = bytearray(TELEGRAM_A)
    bad_checksum = bytearray(good)
    bad_checksum[-2] ^= 0x01
    bad_stop = bytearray(good)
    bad_stop[-1] = 0x17
    len_mismatch = bytearray(good)
    len_mismatch[2] = 0x37
    bad_start2 = bytearray(good)
    bad_start2[3] = 0x67
    cases = [
        (bytes(bad_checksum), "frame_checksum"),
        (bytes(bad_stop), "frame_stop"),
        (bytes(len_mismatch), "frame_len_mismatch"),
        (bytes(bad_start2), "frame_start2"),
        (bytes(good[:-1]), "frame_truncated"),
        (bytes(good[:20]), "frame_truncated"),
        (bytes(good) + b"\xE5", "frame_trailing"),
        (bytes.fromhex("105BFE5A16"), "frame_checksum"),
        (bytes.fromhex("105BFE59"), "frame_truncated"),
        (bytes.fromhex("12345678"), "frame_start"),
        (bytes.fromhex("E5E5"), "frame_trailing"),
    ]
    for frame, code in cases:
        for args, stdin in (([spaced(frame)], b""), ([], (packed(frame) + "\n").encode())):
            (obj,) = decode(*args, stdin=stdin, status=1, count=1)
            check_error(obj, code, f"{spaced(frame)}")
            equal(sorted(obj), ["error"], f"{spaced(frame)}: members")


def case_hex_errors():
    """Text that is not a telegram in hex: code "hex", exit status 1, nothing else printed."""
    for text in ("68 zz", "E5 1", "E", "0x10", "10 5B FE 59 1", "1 05B", "E5;", "+E5",
                 "E5" * 300):
        for args, stdin in (([text], b""), ([], (text + "\n").encode())):
            (obj,) = decode(*args, stdin=stdin, status=1, count=1)
            check_error(obj, "hex", repr(text))
            equal(sorted(obj), ["error"], f"{text!r}: members")


def case_line_too_long():
    """A line far longer than any telegram: one error, and the next line is still read."""
    stdin = ("E5 " * 5000 + "\nE5\n").encode()
    objs = decode(stdin=stdin, status=1, count=2)
    check_error(objs[0], "hex", "long line")
    check_ack(objs[1], "line after the long one")


def case_mixed_good_and_bad_lines():
    """Good and bad telegrams mixed: one object per telegram, in order, exit status 1."""
    bad = bytearray(TELEGRAM_B)
    bad[-2] ^= 0xFF
    lines = [spaced(TELEGRAM_A), "not hex", spaced(bytes(bad)), "E5", packed(TELEGRAM_B)]
    objs = decode(stdin=("\n".join(lines) + "\n").encode(), status=1, count=5)
    check_telegram_a(objs[0])
    check_error(objs[1], "hex", "line 2")
    check_error(objs[2], "frame_checksum", "line 3")
    check_ack(objs[3], "line 4")
    check_telegram_b(objs[4])


def case_mixed_good_and_bad_arguments():
    objs = decode("E5", "zz", spaced(TELEGRAM_A), "10 5B FE 00 16", packed(TELEGRAM_B),
                  "68 38 38 68 08", status=1, count=6)
    check_ack(objs[0], "argument 1")
    check_error(objs[1], "hex", "argument 2")
    check_telegram_a(objs[2])
    check_error(objs[3], "frame_checksum", "argument 4")
    check_telegram_b(objs[4])
    check_error(objs[5], "frame_truncated", "argument 6 (a frame cut short at the end)")


def case_record_error_keeps_fields():
    """Records that end inside a value: the fields and records before the problem, then "error";
    a whole object on one line, exit status 1."""
    # 02 FD 17 04 00 is whole (error flags 4); 0C 13 78 56 needs 4 data bytes and has 2.
    frame = long_frame(0x08, 0x05, 0x72, "78563412 2D2C 01 07 55 00 0000 02FD17 0400 0C13 7856")
    (obj,) = decode(spaced(frame), status=1, count=1)
    equal(obj.get("id"), "12345678", "id")
    equal(obj.get("manufacturer"), "KAM", "manufacturer")
    equal(len(obj.get("records", [])), 1, "records before the problem")
    check_record(obj["records"][0], "02", "fd17", 0, 0, 0, "instantaneous", "error_flags", "",
                 D("4"), "record 0")
    check_error(obj, "rec_data_truncated", "record cut short")


def case_text_unit_options():
    """--text-after-vif and --text-2018: VIF FC with a VIFE and the text right after the VIF.
    02 FC 02 41 42 20 0A 00: older order: text of 2 characters "BA" (last first), VIFE 20 (per
    second), value 10. In the 2018 order 02 would be the VIFE and 41 (65) the text length, past
    the data; the default then takes the older order."""
    frame = long_frame(0x08, 0x05, 0x72, "78563412 2D2C 01 07 55 00 0000 02FC024142200A00")
    default = decode(spaced(frame), count=1)
    older = decode("--text-after-vif", spaced(frame), count=1)
    equal(default, older, "default and --text-after-vif")
    rec = older[0]["records"][0]
    equal(Decimal(rec["value"]), Decimal(10), "value")
    equal(rec.get("text_unit"), "BA", "text unit")
    equal(rec["vif"], "fc02414220", "vif")
    (obj,) = decode(spaced(frame), "--text-2018", status=1, count=1)
    check(obj["records"] == [] and "error" in obj, f"--text-2018 reads past the data: {obj!r}")


# Wireless telegrams: the OMS Vol.2 Annex N examples and the OMS profile-B vectors, with the keys
# and values published with them.
V1_KEY = "0102030405060708090A0B0C0D0E0F11"
V1 = ("2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69"
      "EBF3")
V3_KEY = "000102030405060708090A0B0C0D0E0F"
V3 = ("434493157856341233038C2075900F002C25B30A000021924D4F2FB66E017A75002007109058475F4BC91DF878"
      "B80A1B0F98B629024AAC727942BFC549233C0140829B93")
V5_KEY = "622b9656991ff0c1574c0950cf9278d1"
V5 = ("C244C5140443054300048C200E900F002C25895E02003B0877D31DA840B17A0E009007100F8FAD4C4E61400DA4F3"
      "B1F7E273CC4C5C07F93CD20B237345DB39F9A98F8415E1C4B7A25C86E4C22D05C3352FA7E2E5627031F1464306"
      "3F1DC8FE2C32459B6F02E4234B447B18E4BFDA8C4DA9B1EDE6CF29D0B2122A3E8B9DEEBEE3E6DBE6617B4E709E"
      "C6B595179CB01C2C0BDE6723A345B708652880C114A58DA07C73AD9EB8ACB17FA0A88F19BC84CB1FC56672DE8A"
      "9603FD0C05010002FD0B2111F60B")


def check_v1(obj, what):
    """V1 decrypted: gas meter ELS 12345678 version 0x33, volume 28504.27 m3 (BCD 02850427 at
    10^-2), 2008-05-31 23:50, error flags 0."""
    equal(obj["frame"], "wireless", f"{what} frame")
    equal(obj["c"], "44", f"{what} c")
    equal(obj["id"], "12345678", f"{what} id")
    equal(obj["manufacturer"], "ELS", f"{what} manufacturer")
    equal(obj["version"], 0x33, f"{what} version")
    check_name(obj["medium"], "gas", 3, f"{what} medium")
    equal(obj["link"]["id"], "12345678", f"{what} link id")
    equal(obj["security"]["verdict"], "ok" if TEXT else 0, f"{what} verdict")
    records = obj["records"]
    equal(len(records), 3, f"{what} records")
    equal(records[0]["value"], D("28504.27"), f"{what} volume")
    equal(records[1]["value"], "2008-05-31T23:50", f"{what} date")
    equal(records[2]["value"], 0, f"{what} error flags")


def case_wireless_mode5_key():
    """Mode 5, short header, without block CRCs (length L + 1): decrypted with --key."""
    for args in (["--key", V1_KEY, V1], [f"--key={V1_KEY.lower()}", V1], [V1, "--key", V1_KEY]):
        [obj] = decode(*args, count=1)
        check_v1(obj, "V1")
        equal(obj["format"], "none", "V1 format")
        equal(obj["security"]["mode"], 5, "V1 mode")


def case_wireless_without_key():
    """Encrypted and no key: the link and transport fields, the verdict, an error, exit 1."""
    [obj] = decode(V1, status=1, count=1)
    equal(obj["id"], "12345678", "id")
    check_error(obj, "sec_no_key", "no key")
    check("records" not in obj, f"records without a key: {obj!r}")
    # A wrong key fails the 2F 2F check.
    [obj] = decode("--key", V3_KEY, V1, status=1, count=1)
    check_error(obj, "sec_check", "wrong key")


def case_wireless_mode7_afl():
    """OMS profile B: ELL, AFL with counter 2739 and MAC, mode 7 with KDF-A; V1's values."""
    [obj] = decode("--key", V3_KEY, V3, count=1)
    check_v1(obj, "V3")
    equal(obj["afl"]["counter"], 2739, "counter")
    equal(obj["afl"]["mac"], "21924d4f2fb66e01", "MAC")
    equal(obj["ell"]["access"], 0x75, "ELL access")
    equal(obj["security"]["authenticated"], True, "authenticated")
    # One MAC byte changed: refused.
    bad = V3[:44] + ("00" if V3[44:46] != "00" else "01") + V3[46:]
    [obj] = decode("--key", V3_KEY, bad, status=1, count=1)
    check_error(obj, "sec_mac", "MAC changed")


def case_wireless_format_b_crcs():
    """Format B with both block CRCs (bytes 126..127 and the end), ELL, AFL, mode 7: total
    energy 9341 kWh (04 06 7D240000: 0x247D at 10^3 Wh), volume 1348.631 m3 (04 13 17941400)."""
    [obj] = decode("--key", V5_KEY, V5, count=1)
    equal(obj["format"], "b", "format")
    equal(obj["security"]["authenticated"], True, "authenticated")
    values = {(r["dif"], r["vif"]): r["value"] for r in obj["records"]}
    equal(values[("04", "06")], 9341000, "energy in Wh")
    equal(values[("04", "13")], D("1348.631"), "volume")
    # A changed byte in the second block: its CRC fails, said as such.
    bad = V5[:300] + ("00" if V5[300:302] != "00" else "01") + V5[302:]
    [obj] = decode("--key", V5_KEY, bad, status=1, count=1)
    check_error(obj, "wl_crc", "CRC")


def case_wireless_key_file(tmp=None):
    """--keys: one key per meter ID; comments and blank lines; a malformed line is a usage
    error."""
    import tempfile, os
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "keys")
        with open(path, "w") as f:
            f.write(f"# meters\n\n12345678 {V1_KEY}\n87654321 {V3_KEY}\n")
        [obj] = decode("--keys", path, V1, count=1)
        check_v1(obj, "V1 by key file")
        with open(path, "w") as f:
            f.write(f"1234567 {V1_KEY}\n")
        r = run("decode", "--keys", path, V1)
        equal(r.status, 2, f"malformed key file\n{r}")
        check(path in r.stderr, f"the file is named\n{r}")
    for args in (["--key", "0011"], ["--key"], ["--keys", "/nonexistent/keys"]):
        r = run("decode", *args, V1)
        equal(r.status, 2, f"bad key option\n{r}")
        equal(r.stdout, "", f"nothing decoded\n{r}")


COMMANDS = ("decode", "wmbus", "scan", "read", "set-address", "set-baud", "reset", "send", "sim",
            "demo", "version")


def case_help_and_usage():
    """meterbus --help lists every command; COMMAND --help gives that command's usage on
    standard output with exit 0; no command is a usage error on standard error."""
    for args in (["--help"], ["help"], ["-h"]):
        r = run(*args)
        equal(r.status, 0, f"exit status\n{r}")
        check(r.stdout.startswith("usage: meterbus COMMAND"), f"usage on standard output\n{r}")
        for command in COMMANDS:
            check(f"\n  {command} " in r.stdout, f"{command} listed\n{r}")
        equal(r.stderr, "", f"standard error\n{r}")
    for command in COMMANDS:
        for flag in ("--help", "-h"):
            r = run(command, flag)
            equal(r.status, 0, f"{command} {flag}: exit status\n{r}")
            check(r.stdout.startswith(f"usage: meterbus {command}"), f"{command} usage\n{r}")
            check("Exit status" in r.stdout, f"{command}: exit statuses documented\n{r}")
            equal(r.stderr, "", f"{command}: standard error\n{r}")
    r = run("decode", "--help")
    check("--key" in r.stdout and "--text-2018" in r.stdout and "--json" in r.stdout,
          f"decode options in usage\n{r}")
    r = run()
    equal(r.status, 2, f"exit status without arguments\n{r}")
    equal(r.stdout, "", f"standard output\n{r}")
    check(r.stderr.startswith("usage: meterbus COMMAND"), f"usage on standard error\n{r}")


def case_unknown_command_and_option():
    for args, said in ((["frobnicate"], "unknown command frobnicate"),
                       (["Decode", "E5"], "unknown command Decode"),
                       (["decode", "--frob", "E5"], "unknown option --frob"),
                       (["decode", "E5", "-x"], "unknown option -x")):
        r = run(*args, stdin=b"E5\n")
        equal(r.status, 2, f"exit status\n{r}")
        equal(r.stdout, "", f"standard output\n{r}")
        check(said in r.stderr and "usage:" in r.stderr, f"standard error\n{r}")


def case_end_of_options():
    """After "--" everything is a telegram, even text starting with '-'."""
    objs = decode("--", "E5", "--text-2018", status=1, count=2)
    check_ack(objs[0], "E5 after --")
    check_error(objs[1], "hex", "--text-2018 after --")


def case_version():
    r = run("version")
    equal(r.status, 0, f"exit status\n{r}")
    m = re.fullmatch(r"meterbus ([0-9]+\.[0-9]+\.[0-9]+\S*)\n", r.stdout)
    check(m is not None, f"version\n{r}")
    r = run("version", "--json")
    equal(r.status, 0, f"exit status\n{r}")
    equal(json.loads(r.stdout), {"version": m.group(1)}, "version --json")


# ---- the bus commands against the simulator ------------------------------------------------
#
# 'meterbus sim' lists its meters on standard output before it serves them; the scans and reads
# below must find exactly those over the wire. 38400 Bd keeps the simulated bus quick.

SIM_BAUD = "38400"
# The simulator keeps the bus in step with the clock from a process of its own; on a loaded
# machine (sanitizers, parallel tests) it may answer late, so the answer windows get room.
EXTRA_MS = "300"


class Sim:
    """A running 'meterbus sim'; use in a with statement."""

    def __init__(self, *args, baud=None):
        baud = baud or SIM_BAUD
        self.proc = subprocess.Popen(TOOL + ["sim", "--baud", baud] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.meters = []
        self.endpoint = None
        while self.endpoint is None:
            line = self.proc.stdout.readline().decode()
            if not line:
                self.stop()
                raise Failure(f"meterbus sim ended: {self.proc.stderr.read().decode()!r}")
            m = re.fullmatch(r"meter (.*)\n", line)
            if m:
                self.meters.append(dict(kv.split("=", 1) for kv in m.group(1).split()))
                continue
            m = re.fullmatch(r"(?:listening on (\S+)|pty (\S+)) at ([0-9]+) Bd\n", line)
            check(m is not None, f"unexpected line from meterbus sim: {line!r}")
            self.endpoint = m.group(1) or m.group(2)
            equal(m.group(3), baud, "baud rate of the simulator")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def transactions(r):
    m = re.search(r"([0-9]+) meters? found with ([0-9]+) bus transactions", r.stderr)
    check(m is not None, f"no transaction count\n{r}")
    return int(m.group(1)), int(m.group(2))


def json_list(r):
    try:
        found = json.loads(r.stdout)
    except ValueError as e:
        raise Failure(f"not JSON ({e})\n{r}")
    check(isinstance(found, list), f"not a JSON list\n{r}")
    return found


def check_found(found, meter, what):
    equal(found["id"], meter["id"], f"{what}: id")
    equal(found["manufacturer"], meter["manufacturer"], f"{what}: manufacturer")
    equal(found["version"], int(meter["version"]), f"{what}: version")
    if TEXT:
        equal(found["medium"], meter["medium"], f"{what}: medium")
    equal(found["secondary"], meter["secondary"], f"{what}: secondary")


def case_sim_scan_primary_tcp():
    with Sim("--tcp", "127.0.0.1:0", "--meters", "3", "--seed", "11") as sim:
        equal(len(sim.meters), 3, "meters listed")
        r = run("scan", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                "--primary", "--first", "0", "--last", "5", "--json")
        equal(r.status, 0, f"exit status\n{r}")
        found = json_list(r)
        equal([f["address"] for f in found], [1, 2, 3], "addresses found")
        for f, meter in zip(found, sim.meters):
            check_found(f, meter, f"address {f['address']}")
        # 0, 4 and 5 are silent: each is tried twice (one retry); 1..3 answer at once.
        equal(transactions(r), (3, 3 + 3 * 2), "meters and bus transactions")
        # The text form: one line per meter.
        r = run("scan", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                "--primary", "--first", "2", "--last", "2")
        equal(r.status, 0, f"exit status\n{r}")
        check(re.fullmatch(r"address +2 +id " + sim.meters[1]["id"] + r" .*secondary " +
                           sim.meters[1]["secondary"] + r"\n", r.stdout), f"text line\n{r}")


def case_sim_scan_secondary_tcp():
    with Sim("--tcp", "127.0.0.1:0", "--meters", "4", "--seed", "3") as sim:
        r = run("scan", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                "--secondary", "--json", "--retries", "0")
        equal(r.status, 0, f"exit status\n{r}")
        found = sorted(json_list(r), key=lambda f: f["id"])
        meters = sorted(sim.meters, key=lambda m: m["id"])
        equal([f["id"] for f in found], [m["id"] for m in meters], "IDs found")
        for f, meter in zip(found, meters):
            check("address" not in f, f"a secondary scan reports no primary address: {f}")
            check_found(f, meter, f"meter {meter['id']}")
        n, count = transactions(r)
        equal(n, 4, "meters counted")
        check(count < 200, f"{count} bus transactions for 4 meters\n{r}")


def read_meter(sim, *how, status=0):
    form = () if "--hex" in how else ("--json",)
    r = run("read", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS, *how, *form)
    equal(r.status, status, f"exit status\n{r}")
    return r


def check_sim_telegram(obj, meter, what):
    equal(obj["frame"], "long" if TEXT else obj["frame"], f"{what}: frame type")
    equal(obj["id"], meter["id"], f"{what}: id")
    equal(obj["manufacturer"], meter["manufacturer"], f"{what}: manufacturer")
    equal(obj["version"], int(meter["version"]), f"{what}: version")


def case_sim_read_tcp():
    with Sim("--tcp", "127.0.0.1:0", "--profile", "multi,water,heat,e350", "--seed", "7") as sim:
        equal([m["profile"] for m in sim.meters], ["multi", "water", "heat", "e350"], "profiles")
        # The multi meter answers in three telegrams: now, then 12 month ends in storage 1..12.
        meter = sim.meters[0]
        equal(meter["telegrams"], "3", "telegrams of meter 1")
        objs = json_lines(read_meter(sim, "--address", "1"))
        equal(len(objs), 3, "telegrams read")
        for i, obj in enumerate(objs):
            check_sim_telegram(obj, meter, f"telegram {i + 1}")
        equal([o["more_records_follow"] for o in objs], [True, True, False], "more follow")
        check(all(rec["storage"] == 0 for rec in objs[0]["records"]), "telegram 1: storage 0")
        for i, storages in ((1, range(1, 7)), (2, range(7, 13))):
            got = sorted({rec["storage"] for rec in objs[i]["records"]})
            equal(got, list(storages), f"telegram {i + 1}: storage numbers")
        # Every telegram of now starts with the fabrication number and carries the date and
        # time of the simulator's clock (UTC).
        first = objs[0]["records"][0]
        equal((first["dif"], first["vif"]), ("0c", "78"), "fabrication number record")
        dates = [rec["value"] for rec in objs[0]["records"] if rec["vif"] == "6d"]
        equal(len(dates), 1, "date and time records")
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        sent = datetime.datetime.strptime(dates[0], "%Y-%m-%dT%H:%M")
        check(abs((now - sent).total_seconds()) < 180, f"meter time {sent} is not now ({now})")
        # The access number counts the meter's telegrams: a second read is a new telegram.
        again = json_lines(read_meter(sim, "--address", "1", "--max-telegrams", "1"))
        equal(len(again), 1, "--max-telegrams 1")
        check(again[0]["access"] != objs[0]["access"], "the access number moved on")
        # A readout cut short does not leave the next read in the middle (SND_NKE first): it
        # starts at the first telegram again.
        objs = json_lines(read_meter(sim, "--address", "1"))
        equal(len(objs), 3, "telegrams read after a readout cut short")
        check(all(rec["storage"] == 0 for rec in objs[0]["records"]), "starting with telegram 1")
        # Two reads in a row are two new telegrams, not a repeat of the last one from the meter's
        # memory (which a master restarting with the same frame count bit would get).
        first = json_lines(read_meter(sim, "--address", "2"))[0]
        second = json_lines(read_meter(sim, "--address", "2"))[0]
        equal(second["access"], (first["access"] + 1) % 256, "access numbers of two reads")
        # By secondary address: the 16 hex digits a scan prints, and the 8 ID digits.
        for key in (sim.meters[1]["secondary"], sim.meters[1]["id"]):
            objs = json_lines(read_meter(sim, "--id", key))
            equal(len(objs), 1, f"telegrams of {key}")
            check_sim_telegram(objs[0], sim.meters[1], f"--id {key}")
        # --hex: the raw telegram, which decode reads back.
        r = read_meter(sim, "--address", "2", "--hex")
        check(re.fullmatch(r"68 ([0-9A-F]{2} )+16\n", r.stdout), f"--hex\n{r}")
        check_sim_telegram(decode(r.stdout.strip(), count=1)[0], sim.meters[1], "decoded --hex")
        # The table: the meter's header line and its readings.
        r = run("read", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                "--address", "2")
        equal(r.status, 0, f"exit status\n{r}")
        check(r.stdout.startswith(f"meter {sim.meters[1]['id']}  {sim.meters[1]['manufacturer']}"),
              f"table header\n{r}")
        check(re.search(r" [0-9]+(\.[0-9]+)?" + (" m3" if TEXT else "") + "\n", r.stdout),
              f"a volume in the table\n{r}")
        # Nobody: no answer at an address, no meter with an ID.
        r = read_meter(sim, "--address", "9", "--retries", "0", status=3)
        check("no answer" in r.stderr, f"message\n{r}")
        r = read_meter(sim, "--id", "00000000", "--retries", "0", status=3)
        check("no meter has that secondary address" in r.stderr, f"message\n{r}")
        # A wildcard that two or more meters match: their answers collide.
        r = read_meter(sim, "--id", "FFFFFFFF", "--retries", "0", status=1)
        check("more than one meter matches" in r.stderr, f"message\n{r}")


def case_sim_json():
    """sim --json lists the same meters as JSON lines, then where it serves them."""
    with Sim("--tcp", "127.0.0.1:0", "--seed", "9") as sim:
        text_meters = sim.meters
    proc = subprocess.Popen(TOOL + ["sim", "--baud", SIM_BAUD, "--tcp", "127.0.0.1:0", "--seed",
                                    "9", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = [json.loads(proc.stdout.readline()) for _ in range(len(text_meters) + 1)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    for obj, meter in zip(lines, text_meters):
        m = obj["meter"]
        got = {k: str(m[k]) for k in ("address", "id", "manufacturer", "version", "profile",
                                       "telegrams", "secondary")}
        want = {k: meter[k] for k in got}
        equal(got, want, "the JSON meter is the listed one")
        equal(m["medium"], meter["medium"] if TEXT else int(meter["secondary"][14:], 16),
              "medium")
    check(re.fullmatch(r"127\.0\.0\.1:[0-9]+", lines[-1]["listening"]), f"endpoint {lines[-1]}")
    equal(lines[-1]["baud"], int(SIM_BAUD), "baud")


def records_of(obj):
    """(storage, tariff, quantity, vif) -> value of a decoded telegram's records."""
    return {(r["storage"], r["tariff"], r.get("quantity"), r["vif"]): r["value"]
            for r in obj["records"]}


def case_sim_profiles():
    """Each profile's telegram has the readings of the device it is modelled on."""
    with Sim("--tcp", "127.0.0.1:0", "--seed", "3") as sim:
        equal([m["profile"] for m in sim.meters], ["e350", "m1pro", "heat", "water", "multi"],
              "one meter of each profile by default")
        t = [json_lines(read_meter(sim, "--address", str(i + 1), "--max-telegrams", "1"))[0]
             for i in range(5)]
        for obj, meter in zip(t, sim.meters):
            check_sim_telegram(obj, meter, meter["profile"])
        # e350: import per tariff 1..4 adds up to the total; export; the breaker is closed (1).
        recs = t[0]["records"]
        energy = [r for r in recs if r["vif"] == "03" and r["storage"] == 0]
        total = [r["value"] for r in energy if r["tariff"] == 0]
        tariffs = {r["tariff"]: r["value"] for r in energy if r["tariff"] != 0}
        equal(sorted(tariffs), [1, 2, 3, 4], "e350 tariffs")
        equal(len(total), 1, "e350 total import")
        equal(sum(tariffs.values()), total[0], "e350: the tariffs add up to the total")
        check(any(r["vif"] == "833c" for r in recs), f"e350 export record: {recs}")
        breaker = [r["value"] for r in recs if r["vif"] == "fd1a"]
        equal(breaker, [1], "e350 breaker closed")
        # m1pro: the electrical values of a single-phase meter, plausibly.
        vals = {r["vif"]: r["value"] for r in t[1]["records"]}
        check(200 <= vals["fd48"] <= 260, f"m1pro voltage {vals}")
        check(0 <= vals["fd5a"] <= 100, f"m1pro current {vals}")
        check(49 <= vals["fb2d"] <= 51, f"m1pro frequency {vals}")
        check(0 < vals["fdba73"] <= 1, f"m1pro power factor {vals}")
        # heat: flow above return, their difference sent too; month-end values below today's.
        vals = {(r["storage"], r["vif"]): r["value"] for r in t[2]["records"]}
        check(vals[(0, "59")] > vals[(0, "5d")], f"heat: flow above return {vals}")
        equal(vals[(0, "61")], vals[(0, "59")] - vals[(0, "5d")], "heat: temperature difference")
        check(0 < vals[(1, "06")] <= vals[(0, "06")], f"heat: month-end energy {vals}")
        # water: volume and the month-end volume, not above it.
        vals = {(r["storage"], r["vif"]): r["value"] for r in t[3]["records"]}
        check(0 < vals[(1, "13")] <= vals[(0, "13")], f"water: month-end volume {vals}")
        # The breaker command through SND_UD (CI 51, digital output 0): acknowledged, then the
        # meter reports the breaker open and no power.
        r = run("send", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                spaced(long_frame(0x53, 0x01, 0x51, "01FD1A00")))
        equal(r.status, 0, f"breaker command\n{r}")
        check(r.stdout.startswith("acknowledge (E5)"), f"E5\n{r}")
        obj = json_lines(read_meter(sim, "--address", "1", "--max-telegrams", "1"))[0]
        vals = {r["vif"]: r["value"] for r in obj["records"] if r["storage"] == 0}
        equal(vals["fd1a"], 0, "breaker open")
        equal(vals["2b"], 0, "no power through an open breaker")
        # A malformed one (value 2) is not acknowledged.
        r = run("send", "--tcp", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                spaced(long_frame(0x73, 0x01, 0x51, "01FD1A02")))
        equal(r.status, 3, f"a breaker value of 2\n{r}")


def sim_line(sim):
    how = "--device" if sim.endpoint.startswith("/") else "--tcp"
    return [how, sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS]


def case_set_address_and_reset():
    with Sim("--tcp", "127.0.0.1:0", "--profile", "m1pro,water,heat", "--seed", "4") as sim:
        line = sim_line(sim)
        r = run("set-address", *line, "--address", "1", "--to", "42")
        equal(r.status, 0, f"set-address\n{r}")
        equal(r.stdout, "meter 1 now has primary address 42\n", "message")
        obj = json_lines(run("read", *line, "--address", "42", "--json"))[0]
        check_sim_telegram(obj, sim.meters[0], "read at the new address")
        equal(obj["a"] if "a" in obj else 42, 42, "A field of the answer")
        r = run("read", *line, "--address", "1", "--retries", "0")
        equal(r.status, 3, f"nobody at the old address\n{r}")
        # By secondary address, with JSON output.
        r = run("set-address", *line, "--id", sim.meters[2]["secondary"], "--to", "43", "--json")
        equal(r.status, 0, f"set-address --id\n{r}")
        obj = json.loads(r.stdout)
        equal((obj["command"], obj["to"], obj["ok"], obj["checked"]), ("set-address", 43, True, True),
              "JSON result")
        obj = json_lines(run("read", *line, "--address", "43", "--json"))[0]
        check_sim_telegram(obj, sim.meters[2], "read at the address set by --id")
        # Errors: an address above 250, nobody there.
        r = run("set-address", *line, "--address", "2", "--to", "251")
        equal(r.status, 2, f"--to 251\n{r}")
        r = run("set-address", *line, "--address", "9", "--to", "10", "--retries", "0")
        equal(r.status, 3, f"nobody at 9\n{r}")
        # Application reset and link reset.
        r = run("reset", *line, "--address", "2")
        equal((r.status, r.stdout), (0, "meter 2 acknowledged the application reset\n"),
              f"reset\n{r}")
        r = run("reset", *line, "--address", "2", "--link", "--json")
        equal(r.status, 0, f"reset --link\n{r}")
        equal(json.loads(r.stdout)["kind"], "link", "JSON kind")
        r = run("reset", *line, "--address", "2", "--subcode", "16")
        equal(r.status, 0, f"reset --subcode\n{r}")
        r = run("reset", *line, "--address", "9", "--retries", "0")
        equal(r.status, 3, f"reset nobody\n{r}")


def case_set_baud_over_a_pty():
    """Over a serial line (the pty) the master follows the meter to its new rate; a rate the
    meter does not support is not acknowledged."""
    with Sim("--pty", "--profile", "m1pro,e350", "--seed", "2") as sim:
        line = sim_line(sim)
        r = run("set-baud", *line, "--address", "1", "--to", "9600")
        equal(r.status, 0, f"set-baud\n{r}")
        equal(r.stdout, "meter 1 now talks at 9600 Bd\n", "message")
        fast = [a if a != SIM_BAUD else "9600" for a in line]
        obj = json_lines(run("read", *fast, "--address", "1", "--json"))[0]
        check_sim_telegram(obj, sim.meters[0], "read at 9600 Bd")
        r = run("read", *line, "--address", "1", "--retries", "0")
        equal(r.status, 3, f"no answer at the old rate\n{r}")
        # The e350 has 300 and 2400 Bd only.
        r = run("set-baud", *line, "--address", "2", "--to", "9600", "--retries", "0")
        equal(r.status, 3, f"e350 to 9600\n{r}")
        obj = json_lines(run("read", *line, "--address", "2", "--json"))[0]
        check_sim_telegram(obj, sim.meters[1], "e350 still at the old rate")
        r = run("set-baud", *line, "--address", "2", "--to", "1234")
        equal(r.status, 2, f"not a rate\n{r}")


def case_set_baud_over_tcp():
    """A TCP gateway keeps its own rate: the meter acknowledges, then is out of reach."""
    with Sim("--tcp", "127.0.0.1:0", "--profile", "m1pro", "--seed", "2") as sim:
        line = sim_line(sim)
        r = run("set-baud", *line, "--address", "1", "--to", "4800", "--retries", "0")
        equal(r.status, 1, f"set-baud over TCP\n{r}")
        check("set the gateway to that rate too" in r.stderr, f"message\n{r}")
        r = run("set-baud", *line, "--address", "1", "--to", "2400", "--no-verify",
                "--retries", "0")
        equal(r.status, 3, f"the meter is at 4800 now\n{r}")


def case_send_raw_frames():
    with Sim("--tcp", "127.0.0.1:0", "--profile", "water", "--seed", "6") as sim:
        line = sim_line(sim)
        r = run("send", *line, "10 40 01 41 16")  # SND_NKE to 1
        equal((r.status, r.stdout), (0, "acknowledge (E5)\n"), f"SND_NKE\n{r}")
        r = run("send", *line, "10", "5B", "01", "5C", "16", "--json")  # REQ_UD2, FCB 1
        equal(r.status, 0, f"REQ_UD2\n{r}")
        check_sim_telegram(json_lines(r)[0], sim.meters[0], "answer to REQ_UD2")
        r = run("send", *line, "--hex", "107B017C16")  # REQ_UD2, FCB 0
        check(re.fullmatch(r"68 ([0-9A-F]{2} )+16\n", r.stdout), f"--hex\n{r}")
        r = run("send", *line, "10 40 FF 3F 16")  # to 255: nobody answers, none awaited
        equal(r.status, 0, f"to 255\n{r}")
        equal(r.stdout, "", "nothing printed for 255")
        r = run("send", *line, "10 40 07 47 16")  # nobody at 7
        equal(r.status, 3, f"nobody\n{r}")
        r = run("send", *line, "10 40 01 42 16")  # bad checksum
        equal(r.status, 2, f"bad checksum\n{r}")
        check("does not decode" in r.stderr, f"message\n{r}")
        r = run("send", *line, "10 4")
        equal(r.status, 2, f"not hex bytes\n{r}")


def case_sim_pty():
    with Sim("--pty", "--meters", "2", "--seed", "5") as sim:
        for attempt in range(2):  # a serial port is opened again and again
            r = run("read", "--device", sim.endpoint, "--baud", SIM_BAUD, "--extra-ms", EXTRA_MS,
                    "--address", "2", "--json")
            equal(r.status, 0, f"exit status\n{r}")
            objs = json_lines(r)
            equal(len(objs), 1, "telegrams")
            check_sim_telegram(objs[0], sim.meters[1], "over the pty")


def case_bus_usage_errors():
    for args in (["scan", "--primary"],                                   # no line
                 ["scan", "--tcp", "127.0.0.1:1"],                        # neither kind
                 ["scan", "--tcp", "localhost", "--primary"],             # no port
                 ["scan", "--tcp", "h:1", "--device", "/dev/x", "--primary"],
                 ["read", "--tcp", "127.0.0.1:1"],                        # no meter
                 ["read", "--tcp", "127.0.0.1:1", "--address", "251"],
                 ["read", "--tcp", "127.0.0.1:1", "--id", "1234567"],
                 ["read", "--tcp", "127.0.0.1:1", "--address", "1", "--baud", "1200000"],
                 ["sim", "--meters", "2"],                                # nowhere to serve
                 ["sim", "--pty", "--meters", "251"],
                 ["sim", "--pty", "--profile", "e350,nope"],
                 ["set-address", "--tcp", "127.0.0.1:1", "--address", "1"],  # no --to
                 ["set-address", "--tcp", "127.0.0.1:1", "--to", "5"],       # no meter
                 ["set-baud", "--tcp", "127.0.0.1:1", "--address", "1", "--to", "1234"],
                 ["reset", "--tcp", "127.0.0.1:1"],
                 ["reset", "--tcp", "127.0.0.1:1", "--address", "1", "--link", "--subcode", "1"],
                 ["send", "--tcp", "127.0.0.1:1"],                            # no frame
                 ["demo", "--frob"]):
        r = run(*args)
        equal(r.status, 2, f"exit status\n{r}")
        check("usage" in r.stderr, f"usage message\n{r}")
    r = run("scan", "--tcp", "127.0.0.1:1", "--primary")  # nobody listens on port 1
    equal(r.status, 4, f"exit status\n{r}")
    check("cannot open" in r.stderr, f"message\n{r}")


# ---- driver ------------------------------------------------------------------------------------


def cases(namespace=None):
    return {n[len("case_"):]: f for n, f in (namespace or globals()).items()
            if n.startswith("case_") and callable(f)}


def main(namespace=None):
    """Run the cases of this script, or those in @namespace (another script's globals())."""
    global TOOL, TEXT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", help="path of the meterbus executable")
    parser.add_argument("--emulator", default="", help="command that runs a cross-built tool")
    parser.add_argument("--no-text", action="store_true", help="built with MB_ENABLE_TEXT=0")
    parser.add_argument("--case", action="append", help="run only this case (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the cases")
    opts = parser.parse_args()
    all_cases = cases(namespace)
    if opts.list:
        print("\n".join(all_cases))
        return 0
    if not opts.tool:
        parser.error("--tool is required")
    TOOL = shlex.split(opts.emulator) + [opts.tool]
    TEXT = not opts.no_text
    selected = opts.case or list(all_cases)
    failed = 0
    for case in selected:
        if case not in all_cases:
            print(f"no such case: {case}", file=sys.stderr)
            return 2
        try:
            all_cases[case]()
            print(f"ok   {case}")
        except Failure as e:
            failed += 1
            print(f"FAIL {case}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
