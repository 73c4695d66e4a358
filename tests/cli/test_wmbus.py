#!/usr/bin/env python3
"""Black-box tests of 'meterbus wmbus' (src/cli/wmbus.c): wireless telegrams one per line.

    test_wmbus.py --tool PATH [--emulator "CMD ARGS"] [--no-text] [--case NAME ...] [--list]

The telegrams and keys are those of test_cli.py (OMS Vol.2 Annex N and the OMS profile-B
vectors); format A frames are built here with block CRCs computed by this script.
"""

import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import tty

import test_cli as base
from test_cli import D, V1, V1_KEY, V3, V3_KEY, V5, V5_KEY, check, equal, json_lines, run

# V5's meter: link address M = C5 14 (EFE), ID 04 43 05 43 sent least significant byte first.
V5_ID = "43054304"


def crc16_en13757(data):
    """CRC-16/EN-13757: polynomial 0x3D65, initial value 0, not reflected, final XOR 0xFFFF."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x3D65) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc ^ 0xFFFF


def format_a(frame_hex):
    """A frame without CRCs (L C M A CI ...) on the air in format A: the 10-byte first block and
    every 16 bytes after it followed by their CRC, most significant byte first; L unchanged."""
    frame = bytes.fromhex(frame_hex)
    blocks = [frame[:10]] + [frame[i:i + 16] for i in range(10, len(frame), 16)]
    return b"".join(b + crc16_en13757(b).to_bytes(2, "big") for b in blocks)


def rtl_line(frame_hex, crc_ok="1", three_of_six_ok="1"):
    return f"T1;{crc_ok};{three_of_six_ok};2019-01-01 00:00:00.000;97;;;0x{frame_hex.lower()}"


COUNTERS = ("telegrams", "decoded", "link", "no_key", "security", "other")


def counters(r):
    """The counters of the last line on standard error."""
    m = re.search(r"meterbus wmbus: telegrams ([0-9]+), decoded ([0-9]+), link/CRC errors "
                  r"([0-9]+), no key ([0-9]+), decryption/authentication errors ([0-9]+), other "
                  r"errors ([0-9]+)(?: \(interrupted\))?\n\Z", r.stderr)
    check(m is not None, f"no counters line at the end of standard error\n{r}")
    return dict(zip(COUNTERS, (int(v) for v in m.groups())))


def expect_counters(r, **expected):
    want = {name: expected.get(name, 0) for name in COUNTERS}
    equal(counters(r), want, f"counters\n{r}")


def wmbus(*args, stdin="", status=0):
    r = run("wmbus", *args, stdin=stdin.encode())
    equal(r.status, status, f"exit status\n{r}")
    return r


def check_v5(obj, what):
    """V5 decrypted: EFE 43054304, total energy 9341 kWh (04 06 7D240000: 0x247D at 10^3 Wh),
    volume 1348.631 m3 (04 13 17941400 at 10^-3), authenticated by its AFL MAC."""
    equal(obj["id"], V5_ID, f"{what} id")
    equal(obj["manufacturer"], "EFE", f"{what} manufacturer")
    equal(obj["security"]["authenticated"], True, f"{what} authenticated")
    values = {(r["dif"], r["vif"], r["storage"]): r["value"] for r in obj["records"]}
    equal(values[("04", "06", 0)], 9341000, f"{what} energy in Wh")
    equal(values[("04", "13", 0)], D("1348.631"), f"{what} volume")


# ---- cases -------------------------------------------------------------------------------------


def case_wmbus_format_a_by_hand():
    """The script's CRC: the check value of CRC-16/EN-13757, and V1 in format A has 47 + 2 * 4
    bytes (blocks of 10, 16, 16 and 5)."""
    equal(crc16_en13757(b"123456789"), 0xC2B7, "CRC of 123456789")
    equal(len(format_a(V1)), 47 + 8, "V1 in format A")


def case_wmbus_mode5_table():
    """Mode 5 with the right key, as a table: the meter line and the three values with units."""
    r = wmbus("--key", V1_KEY, stdin=V1 + "\n")
    expect_counters(r, telegrams=1, decoded=1)
    lines = r.stdout.splitlines()
    medium = "gas" if base.TEXT else r".*\b0x03"  # without text tables the code
    check(re.match(r"meter 12345678 +ELS +v51 +" + medium, lines[0]), f"meter line\n{r}")
    check(re.search(r"access 42\b", lines[0]) and re.search(r"mode 5\b", lines[0]),
          f"access number and mode in the meter line\n{r}")
    if not base.TEXT:
        check(re.search(r" 28504\.27 *$", r.stdout, re.M), f"volume\n{r}")
        return
    check(re.search(r"^ +0 +0 +0 +volume +28504\.27 m3$", r.stdout, re.M), f"volume\n{r}")
    check(re.search(r"^ +0 +0 +0 +date time +2008-05-31 23:50$", r.stdout, re.M), f"date\n{r}")
    check(re.search(r"^ +0 +0 +0 +error flags +0$", r.stdout, re.M), f"error flags\n{r}")


def case_wmbus_json_lines():
    """--json: one object per telegram, as 'meterbus decode' writes it; V1 with and without
    CRCs, V3 (mode 7, AFL) and V5 (format B) with a key file."""
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "keys")
        with open(keys, "w") as f:
            f.write(f"# meter key\n{V5_ID} {V5_KEY}\n\n12345678 {V3_KEY}\n")
        stdin = "\n".join([V3, format_a(V3).hex(), V5]) + "\n"
        r = wmbus("--keys", keys, "--json", stdin=stdin)
        objs = json_lines(r)
        equal(len(objs), 3, f"objects\n{r}")
        base.check_v1(objs[0], "V3")
        equal(objs[0]["format"], "none", "V3 format")
        equal(objs[0]["afl"]["counter"], 2739, "V3 AFL counter")
        base.check_v1(objs[1], "V3 in format A")
        equal(objs[1]["format"], "a", "V3 in format A: format")
        check_v5(objs[2], "V5")
        equal(objs[2]["format"], "b", "V5 format")
        expect_counters(r, telegrams=3, decoded=3)
        # The same objects as meterbus decode.
        d_out = run("decode", "--json", "--keys", keys, V3, V5)
        equal(d_out.status, 0, f"decode\n{d_out}")
        equal([objs[0], objs[2]], json_lines(d_out), "wmbus and decode objects")


def case_wmbus_wrong_key():
    """A key that is not the meter's: mode 5 fails its 2F 2F check, mode 7 its MAC; both count
    as decryption/authentication failures, exit status 1."""
    r = wmbus("--key", V3_KEY, "--json", stdin=V1 + "\n", status=1)
    [obj] = json_lines(r)
    base.check_error(obj, "sec_check", "V1 with V3's key")
    check("records" not in obj, f"records with a wrong key: {obj!r}")
    expect_counters(r, telegrams=1, security=1)
    r = wmbus("--key", V1_KEY, stdin=V3 + "\n", status=1)
    check(re.match(r"meter 12345678 ", r.stdout), f"the meter is named\n{r}")
    check("volume" not in r.stdout, f"no records with a wrong key\n{r}")
    expect_counters(r, telegrams=1, security=1)


def case_wmbus_no_key():
    r = wmbus("--json", stdin=V1 + "\n" + V5 + "\n", status=1)
    objs = json_lines(r)
    equal(len(objs), 2, f"objects\n{r}")
    base.check_error(objs[0], "sec_no_key", "V1 without key")
    equal(objs[0]["id"], "12345678", "V1 id")
    base.check_error(objs[1], "sec_no_key", "V5 without key")
    equal(objs[1]["id"], V5_ID, "V5 id")
    expect_counters(r, telegrams=2, no_key=2)


def case_wmbus_crc_errors():
    """Format A with one byte changed in its third block: a link/CRC failure; so is V5 (format
    B) with a byte changed in its second block."""
    good = format_a(V1)
    bad = bytearray(good)
    bad[30] ^= 0x10  # block 2 is bytes 28..45 (16 data bytes and the CRC)
    bad_b = V5[:300] + ("00" if V5[300:302] != "00" else "01") + V5[302:]
    stdin = "\n".join([good.hex(), bytes(bad).hex(), bad_b]) + "\n"
    r = wmbus("--key", V1_KEY, "--keys", os.devnull, "--json", stdin=stdin, status=1)
    objs = json_lines(r)
    equal(len(objs), 3, f"objects\n{r}")
    base.check_v1(objs[0], "V1 in format A")
    equal(objs[0]["format"], "a", "format")
    base.check_error(objs[1], "wl_crc", "changed byte in format A")
    base.check_error(objs[2], "wl_crc", "changed byte in format B")
    expect_counters(r, telegrams=3, decoded=1, link=2)
    # As a table: an error line in the telegram's place.
    r = wmbus("--key", V1_KEY, stdin=bytes(bad).hex() + "\n", status=1)
    check(re.fullmatch(r"line 1: error.*\n\n", r.stdout), f"error line\n{r}")
    expect_counters(r, telegrams=1, link=1)


def case_wmbus_rtl_wmbus_lines():
    """rtl-wmbus lines: the frame without CRCs in the last field; a frame the receiver flagged
    (CRC_OK or 3OF6_OK 0) is a link failure."""
    stdin = "\n".join([rtl_line(V1), rtl_line(V1, crc_ok="0"), rtl_line(V1, three_of_six_ok="0"),
                       "C1;1;1;2019-01-01 00:00:01.000;97;;;0x" + V5 + ";"]) + "\n"
    r = wmbus("--key", V1_KEY, "--json", stdin=stdin, status=1)
    objs = json_lines(r)
    equal(len(objs), 4, f"objects\n{r}")
    base.check_v1(objs[0], "rtl-wmbus V1")
    base.check_error(objs[1], "wl_crc", "CRC_OK 0")
    check(base.TEXT is False or objs[2]["error"]["code"] == "wl_3of6", f"3OF6_OK 0: {objs[2]}")
    base.check_error(objs[3], "sec_mac", "V5 with V1's key")  # read, as its MAC is checked
    expect_counters(r, telegrams=4, decoded=1, link=2, security=1)


def case_wmbus_mixed_summary():
    """Every kind of outcome in one run, comments and blank lines skipped, CRLF line ends; the
    counters on standard error and with --stats as the last JSON line."""
    bad_a = bytearray(format_a(V1))
    bad_a[12] ^= 0x01
    lines = ["# receiver started", V1,                       # decoded
             "", "   ", V3,                                  # mode 7 with V1's key: MAC
             V5,                                             # no key for EFE 43054304
             bytes(bad_a).hex().upper(),                     # CRC of block 1
             "zz", "12 3",                                   # not hex
             "0x" + " ".join(V1[i:i + 2] for i in range(0, len(V1), 2)),  # decoded
             rtl_line(V1),                                   # decoded
             V1[:40]]                                        # cut short: link
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "keys")
        with open(keys, "w") as f:
            f.write(f"12345678 {V1_KEY}\n")
        r = wmbus("--keys", keys, "--json", "--stats", stdin="\r\n".join(lines), status=1)
    objs = json_lines(r)
    equal(len(objs), 10, f"9 telegrams and the summary\n{r}")
    equal(objs[-1], {"summary": {"telegrams": 9, "decoded": 3, "link_errors": 2, "no_key": 1,
                                 "security_errors": 1, "other_errors": 2, "interrupted": False}},
          "summary object")
    check(all("summary" not in o for o in objs[:-1]), "only the last line is a summary")
    for i in (0, 6, 7):
        base.check_v1(objs[i], f"object {i}")
    base.check_error(objs[1], "sec_mac", "V3 with V1's key")
    base.check_error(objs[2], "sec_no_key", "V5")
    base.check_error(objs[3], "wl_crc", "format A")
    base.check_error(objs[4], "hex", "zz")
    base.check_error(objs[5], "hex", "12 3")
    check(objs[8]["error"]["code"] in ("wl_truncated", 40), f"cut short: {objs[8]}")
    expect_counters(r, telegrams=9, decoded=3, link=2, no_key=1, security=1, other=2)
    # Without --json, --stats ends the tables with the same counters.
    r = wmbus("--keys", os.devnull, "--key", V1_KEY, "--stats", stdin=V1 + "\nzz\n", status=1)
    check(r.stdout.endswith("summary: telegrams 2, decoded 1, link/CRC errors 0, no key 0, "
                            "decryption/authentication errors 0, other errors 1\n"),
          f"summary on standard output\n{r}")


def case_wmbus_empty_input():
    r = wmbus("--json", "--stats", stdin="# nothing\n\n")
    equal(json_lines(r), [{"summary": {"telegrams": 0, "decoded": 0, "link_errors": 0,
                                       "no_key": 0, "security_errors": 0, "other_errors": 0,
                                       "interrupted": False}}], "only the summary")
    expect_counters(r)
    r = wmbus(stdin="")
    equal(r.stdout, "", f"nothing printed\n{r}")


def case_wmbus_device_file():
    """--device with a file: read like standard input (no baud rate for a file)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "capture")
        with open(path, "w") as f:
            f.write(rtl_line(V1) + "\n" + V1)
        r = wmbus("--device", path, "--baud", "9600", "--key", V1_KEY, "--json")
        objs = json_lines(r)
        equal(len(objs), 2, f"objects\n{r}")
        for obj in objs:
            base.check_v1(obj, "from the file")
        expect_counters(r, telegrams=2, decoded=2)


def case_wmbus_device_pty():
    """A receiver on a serial line, played by a pseudo-terminal: telegrams come as they are
    written, and SIGINT ends the run with its counters (exit 0 when all decoded)."""
    controller, device = pty.openpty()
    tty.setraw(device)  # kept open here too, so that lines written before the tool opens it stay
    proc = subprocess.Popen(base.TOOL + ["wmbus", "--device", os.ttyname(device), "--baud",
                                         "115200", "--key", V1_KEY, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out = b""
        deadline = time.monotonic() + 60
        os.write(controller, b"# receiver ready\r\n")
        for line in (V1, rtl_line(V1)):
            os.write(controller, line.encode() + b"\r\n")
            while out.count(b"\n") < (1 if line == V1 else 2):
                left = deadline - time.monotonic()
                check(left > 0, f"no output for {line!r}: {out!r}")
                ready, _, _ = select.select([proc.stdout], [], [], left)
                if ready:
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    check(chunk != b"", f"meterbus wmbus ended early: {out!r}")
                    out += chunk
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(device)
        os.close(controller)
    r = base.Run(["wmbus", "--device"], subprocess.CompletedProcess([], proc.returncode,
                                                                     out + rest, err))
    equal(r.status, 0, f"exit status after SIGINT\n{r}")
    objs = json_lines(r)
    equal(len(objs), 2, f"objects\n{r}")
    for obj in objs:
        base.check_v1(obj, "over the pty")
    check(r.stderr.endswith(" (interrupted)\n"), f"interrupted\n{r}")
    expect_counters(r, telegrams=2, decoded=2)


def case_wmbus_help():
    for args in (["wmbus", "--help"], ["wmbus", "-h"], ["wmbus", "--key", V1_KEY, "--help"]):
        r = run(*args)
        equal(r.status, 0, f"exit status\n{r}")
        check(r.stdout.startswith("usage: meterbus wmbus"), f"usage on standard output\n{r}")
        for option in ("--device", "--baud", "--key", "--keys", "--json", "--stats"):
            check(option in r.stdout, f"{option} in the usage\n{r}")
        equal(r.stderr, "", f"standard error\n{r}")


def case_wmbus_usage_errors():
    with tempfile.TemporaryDirectory() as d:
        bad_keys = os.path.join(d, "keys")
        with open(bad_keys, "w") as f:
            f.write(f"12345678 {V1_KEY[:-2]}\n")
        for args, said in ((["--frob"], "unknown option --frob"),
                           (["--key"], "--key needs a value"),
                           (["--key", "0011"], "32 hex digits"),
                           (["--keys", bad_keys], bad_keys + ":1"),
                           (["--keys", "/nonexistent/keys"], "cannot open key file"),
                           (["--baud", "9600"], "--baud is for --device"),
                           (["--device", "/dev/null", "--baud", "12345"], "12345"),
                           ([V1], "unexpected argument")):
            r = run("wmbus", *args, stdin=(V1 + "\n").encode())
            equal(r.status, 2, f"exit status\n{r}")
            equal(r.stdout, "", f"standard output\n{r}")
            check(said in r.stderr, f"{said!r} on standard error\n{r}")
    r = run("wmbus", "--device", "/nonexistent/ttyUSB0")
    equal(r.status, 4, f"exit status for a device that cannot be opened\n{r}")
    check("cannot open /nonexistent/ttyUSB0" in r.stderr, f"message\n{r}")


def case_wmbus_long_line():
    """A line longer than any telegram: one failure, and the next line is still read."""
    r = wmbus("--key", V1_KEY, "--json", stdin="E5" * 5000 + "\n" + V1 + "\n", status=1)
    objs = json_lines(r)
    equal(len(objs), 2, f"objects\n{r}")
    base.check_error(objs[0], "hex", "long line")
    base.check_v1(objs[1], "after the long line")
    expect_counters(r, telegrams=2, decoded=1, other=1)


if __name__ == "__main__":
    sys.exit(base.main(globals()))
