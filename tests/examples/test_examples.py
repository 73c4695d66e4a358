#!/usr/bin/env python3
"""Black-box tests of the examples examples/gateway and examples/wmbus-receiver.

    test_examples.py [--gateway PATH --tool PATH] [--receiver PATH] [--case NAME ...] [--list]

Each case is a function named case_*; ctest runs one case per test (examples/CMakeLists.txt).
The gateway reads the meters of 'meterbus sim' (--tool), whose list of meters gives the expected
identities. The receiver is fed radio packets built here: a published OMS telegram with its block
CRCs computed and its 3-of-6 chips encoded by this script, from EN 13757-4's code table, not by
the library. Only the Python standard library is used.
"""

import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

D = Decimal

# The tool's test script holds the helpers and the simulator wrapper both scripts use.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import test_cli as cli  # noqa: E402
from test_cli import Failure, check, crc_en13757, equal  # noqa: E402

GATEWAY = None
TOOL = None
RECEIVER = None
SIM_BAUD = "9600"


def run(cmd, status=0, stdin=None, timeout=60):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    check(r.returncode == status,
          f"{cmd}: exit status {r.returncode}, expected {status}\n"
          f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
    return r


# ---- gateway ---------------------------------------------------------------------------------


def sim(meters):
    """'meterbus sim' on 127.0.0.1 with @meters meters, use in a with statement; its list of
    meters keyed by primary address."""
    running = cli.Sim("--tcp", "127.0.0.1:0", "--meters", str(meters), baud=SIM_BAUD)
    running.meters = {int(m["address"]): m for m in running.meters}
    return running


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def parse_lines(text):
    lines = []
    for line in text.splitlines():
        try:
            obj = json.loads(line, parse_float=Decimal)
        except ValueError as e:
            raise Failure(f"not a JSON line ({e}): {line!r}")
        check(isinstance(obj, dict), f"not a JSON object: {line!r}")
        when = datetime.datetime.strptime(obj["time"], "%Y-%m-%dT%H:%M:%SZ")
        age = utcnow() - when
        check(abs(age.total_seconds()) < 120, f"time far from now: {line!r}")
        lines.append(obj)
    return lines


# Units the library gives each quantity in (records.h: values in the first unit of their kind).
UNITS = {"energy": {"Wh", "J"}, "volume": {"m3"}, "mass": {"kg"}, "power": {"W"},
         "volume_flow": {"m3/h"}, "flow_temperature": {"°C"}, "return_temperature": {"°C"},
         "external_temperature": {"°C"}, "temperature_difference": {"K"}, "voltage": {"V"},
         "current": {"A"}, "frequency": {"Hz"}}
COUNTERS = ("energy", "volume", "mass")


def check_reading(obj, what):
    """Plausible values, whatever kind of meter: units, ranges, the meter's clock near ours.
    @return {record key: value} of its counters."""
    now = utcnow()
    counters = {}
    check(obj["records"], f"{what}: no records")
    for r in obj["records"]:
        q, value = r["quantity"], r["value"]
        if q in UNITS:
            check(r["unit"] in UNITS[q], f"{what}: {q} in {r['unit']!r}")
        if q in COUNTERS:
            check(isinstance(value, (int, Decimal)) and 0 <= value < 10**12,
                  f"{what}: {q} {value!r}")
            counters[(q, r["dif"], r["vif"], r["tariff"])] = value
        elif q.endswith("temperature"):
            check(-40 <= value <= 150, f"{what}: {q} {value!r}")
        elif q == "date_time" and r["storage"] == 0:
            stamp = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M")
            check(abs((now - stamp).total_seconds()) < 86400, f"{what}: meter clock {value}")
        elif q == "date":
            check(value <= now.strftime("%Y-%m-%d"), f"{what}: {q} {value!r} in the future")
        elif q == "error_flags":
            equal(value, 0, f"{what}: error flags")
    return counters


def case_gateway():
    """Two rounds over meters of 'meterbus sim' (one of them answering in several telegrams) and
    the absent address 9: one line per telegram, the identities the simulator lists, plausible
    values, counters that do not run backwards; an error line for 9."""
    with sim(5) as segment:
        addresses = [1, 2, 4, 5]
        check(any(int(segment.meters[a]["telegrams"]) > 1 for a in addresses),
              f"no meter with several telegrams among {segment.meters}")
        r = run([GATEWAY, "--tcp", segment.endpoint, "--baud", SIM_BAUD, "--count", "2",
                 "--interval", "1"] + [str(a) for a in addresses] + ["9"])
        lines = parse_lines(r.stdout)
        one_round = [(a, t + 1) for a in addresses for t in range(int(segment.meters[a]["telegrams"]))]
        expected = (one_round + [(9, None)]) * 2
        equal([(o["address"], o.get("telegram")) for o in lines], expected, "lines")
        counters = {}
        for n, obj in enumerate(lines):
            address = obj["address"]
            what = f"round {n // (len(one_round) + 1) + 1}, address {address}"
            if address == 9:
                equal(obj["error"]["code"], "master_timeout", f"{what}: error")
                check("records" not in obj, f"{what}: records without an answer")
                continue
            meter = segment.meters[address]
            equal(obj["id"], meter["id"], f"{what}: id")
            equal(obj["manufacturer"], meter["manufacturer"], f"{what}: manufacturer")
            equal(obj["medium"], meter["medium"], f"{what}: medium")
            found = check_reading(obj, f"{what}, telegram {obj['telegram']}")
            if obj["telegram"] == 1:
                check(found, f"{what}: no energy or volume in the first telegram")
            for key, value in found.items():
                key = (address, obj["telegram"]) + key
                check(value >= counters.get(key, 0), f"{what}: {key} went back to {value}")
                counters[key] = value

        # Without --count it runs until a signal, which ends it cleanly after the meter it reads.
        for sig in (signal.SIGINT, signal.SIGTERM):
            proc = subprocess.Popen([GATEWAY, "--tcp", segment.endpoint, "--baud", SIM_BAUD, "1"],
                                    stdout=subprocess.PIPE, text=True)
            first = proc.stdout.readline()
            proc.send_signal(sig)
            try:
                rest, _ = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise Failure(f"gateway did not stop on signal {sig}")
            equal(proc.returncode, 0, f"exit status after signal {sig}")
            lines = parse_lines(first + rest)
            equal([(o["address"], o.get("telegram")) for o in lines], [(1, 1)], f"lines, {sig}")


# ---- wmbus-receiver --------------------------------------------------------------------------

# EN 13757-4 3-of-6 code of each nibble.
CODE_3OF6 = [0x16, 0x0D, 0x0E, 0x0B, 0x1C, 0x19, 0x1A, 0x13,
             0x2C, 0x25, 0x26, 0x23, 0x34, 0x31, 0x32, 0x29]


def format_a(frame):
    """Block CRCs of format A after the first 10 bytes and after every 16 more (MSB first)."""
    out = bytearray()
    for start in [0] + list(range(10, len(frame), 16)):
        block = frame[start:start + (10 if start == 0 else 16)]
        out += block + crc_en13757(block).to_bytes(2, "big")
    return bytes(out)


def chips_3of6(data, bad_symbol=None):
    """12 chips per byte, high nibble first, most significant chip first; the last byte filled
    with alternating chips. @bad_symbol: that symbol is sent as 000000, no 3-of-6 code."""
    bits = ""
    for i, byte in enumerate(data):
        for k, nibble in enumerate((byte >> 4, byte & 15)):
            code = 0 if 2 * i + k == bad_symbol else CODE_3OF6[nibble]
            bits += f"{code:06b}"
    bits += "01010101"[: (8 - len(bits) % 8) % 8]
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def hex_line(chips):
    return " ".join(f"{b:02x}" for b in chips)


def packets(text):
    """The receiver's output, one list of lines per packet."""
    out = []
    for line in text.splitlines():
        if line.startswith("packet "):
            out.append([line])
        elif out:
            out[-1].append(line)
    return out


def records(lines):
    """(quantity, value, unit, storage) of the record lines of one packet."""
    found = []
    for line in lines[1:]:
        if re.match(r"  (link|meter|error): ", line) or re.match(r"  meter ", line):
            continue
        m = re.fullmatch(r"  (\w+) +(\S+)(?: (\S+))?(?:  \(storage ([0-9]+)\))?", line)
        check(m is not None, f"not a record line: {line!r}")
        found.append((m.group(1), m.group(2), m.group(3), int(m.group(4) or 0)))
    return found


# OMS Vol.2 Annex N.2.1: mode 5, short header, two encrypted blocks, L = 0x2E (no CRCs); a gas
# meter ELS 12345678 version 0x33, volume 28504.27 m3 (BCD 02850427 at 10^-2 m3), date and time
# 2008-05-31 23:50, error flags 0.
V1_KEY = "0102030405060708090A0B0C0D0E0F11"
V1 = bytes.fromhex("2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520E"
                   "DFF0EA6DEFC99D6D69EBF3")
V1_RECORDS = [("volume", "28504.27", "m3", 0), ("date_time", "2008-05-31T23:50", None, 0),
              ("error_flags", "0", None, 0)]


def case_wmbus_receiver_file():
    """Radio packets from a file: the OMS telegram, then the same with a bad 3-of-6 symbol, with
    a byte changed after its CRC was computed, cut short, and trailed by noise."""
    air = format_a(V1)
    equal(len(air), 47 + 2 * 4, "on-air length")  # header block + 3 blocks of 16, 16, 5
    good = chips_3of6(air)
    changed = bytearray(air)
    changed[30] ^= 0x01  # on-air byte 30: block 2 (0..9 header, 12..27 block 1, 30..45 block 2)
    lines = [
        "# OMS Vol.2 Annex N.2.1 in mode T1",
        hex_line(good),
        hex_line(chips_3of6(air, bad_symbol=21)),
        hex_line(chips_3of6(bytes(changed))),
        "",
        hex_line(good[:40]),
        hex_line(good + bytes([0x55, 0xA3, 0x00, 0xFF])).upper() + "  # RSSI and noise after it",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "packets.hex")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = run([RECEIVER, "--key", V1_KEY, path], status=1)
    got = packets(r.stdout)
    equal(len(got), 5, "packets")
    for n in (0, 4):
        p = got[n]
        equal(p[0], f"packet {n + 1}: {len(good) + 4 * (n == 4)} chip bytes", "packet line")
        equal(p[1], "  link: 55 bytes on air, 4 CRC blocks ok", "link line")
        equal(p[2], "  meter 12345678 ELS gas, security mode 5: ok", "meter line")
        equal(records(p), V1_RECORDS, f"packet {n + 1} records")
    check(got[1][1].startswith("  error: radio: invalid 3-of-6 symbol (symbol 21)"),
          f"bad symbol: {got[1]}")
    check(re.fullmatch(r"  error: .*CRC.* \(blocks 0x00004\)", got[2][1]) is not None,
          f"changed byte: {got[2]}")
    check("ended inside the frame" in got[3][1], f"cut short: {got[3]}")
    for n in (1, 2, 3):
        equal(records(got[n]), [], f"packet {n + 1} records")

    # stdin, the good packet alone: exit status 0. Without a key: no records, status 1.
    r = run([RECEIVER, "--key", V1_KEY.lower(), "-"], stdin=hex_line(good) + "\n")
    equal(records(packets(r.stdout)[0]), V1_RECORDS, "from stdin")
    r = run([RECEIVER, "-"], stdin=hex_line(good) + "\n", status=1)
    check("no key" in packets(r.stdout)[0][2], f"without a key: {r.stdout}")
    # A wrong key fails the 2F 2F check.
    r = run([RECEIVER, "--key", "000102030405060708090A0B0C0D0E0F", "-"],
            stdin=hex_line(good) + "\n", status=1)
    check("wrong key" in r.stdout and records(packets(r.stdout)[0]) == [], f"wrong key: {r}")


def case_wmbus_receiver_sample():
    """The built-in sample: what examples/wmbus-receiver/main.c seals (water meter ABC 20261130,
    volume 123456 l, flow 850 l/h, 120000 l in storage 1, 2026-11-30 12:00 type F, no errors)."""
    r = run([RECEIVER])
    # 10 header bytes + CI, access, status, 2 configuration bytes + 2 blocks of 16 = 47 bytes;
    # on air 4 CRCs more (blocks of 10, 16, 16, 5); 12 chips a byte: 55 * 1.5 = 82.5, so 83.
    check(r.stdout.startswith("meter: 47 bytes of telegram, sent as 83 chip bytes"), r.stdout)
    (p,) = packets(r.stdout)
    equal(p[0], "packet 1: 83 chip bytes", "packet line")
    equal(p[1], "  link: 55 bytes on air, 4 CRC blocks ok", "link line")
    equal(p[2], "  meter 20261130 ABC water, security mode 5: ok", "meter line")
    equal(records(p), [("volume", "123.456", "m3", 0), ("volume_flow", "0.850", "m3/h", 0),
                       ("volume", "120.000", "m3", 1), ("date_time", "2026-11-30T12:00", None, 0),
                       ("error_flags", "0", None, 0)], "records")
    # The receiver with another key than the meter's.
    r = run([RECEIVER, "--key", V1_KEY], status=1)
    (p,) = packets(r.stdout)
    check("wrong key" in p[2] and records(p) == [], f"wrong key: {p}")


def cases():
    return {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    global GATEWAY, TOOL, RECEIVER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", help="path of the gateway example")
    parser.add_argument("--tool", help="path of the meterbus executable (for its simulator)")
    parser.add_argument("--receiver", help="path of the wmbus-receiver example")
    parser.add_argument("--case", action="append", help="run only this case (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the cases")
    opts = parser.parse_args()
    all_cases = cases()
    if opts.list:
        print("\n".join(all_cases))
        return 0
    GATEWAY, TOOL, RECEIVER = opts.gateway, opts.tool, opts.receiver
    cli.TOOL = [TOOL] if TOOL else []
    failed = 0
    for case in opts.case or list(all_cases):
        if case not in all_cases:
            print(f"no such case: {case}", file=sys.stderr)
            return 2
        needs = (GATEWAY and TOOL) if case == "gateway" else RECEIVER
        if not needs:
            print(f"FAIL {case}: the paths of its programs were not given")
            failed += 1
            continue
        try:
            start = time.monotonic()
            all_cases[case]()
            print(f"ok   {case} ({time.monotonic() - start:.1f} s)")
        except Failure as e:
            failed += 1
            print(f"FAIL {case}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
