"""What the tests of the bindings share: the package from this source tree, the library and the
meterbus tool (MB_LIBRARY, MB_TOOL), skips when they are absent, and the simulator."""

import decimal
import json
import os
import re
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)  # bindings/python
# The package under test is the one of this tree unless MB_TEST_INSTALLED says to import the
# installed one.
if not os.environ.get("MB_TEST_INSTALLED") and SOURCE not in sys.path:
    sys.path.insert(0, SOURCE)

import meterbus  # noqa: E402
from meterbus import _lib  # noqa: E402

D = decimal.Decimal


def library_or_skip():
    """The loaded library; the test is skipped when none is found at all (a library that is
    found but cannot be used fails the test instead)."""
    if not _lib._candidates():
        raise unittest.SkipTest("no libmeterbus: set MB_LIBRARY to the path of libmeterbus.so")
    return _lib.load()


def features_or_skip(*names):
    """Skip unless the library was built with every feature named ("text", "wireless", ...)."""
    missing = set(names) - meterbus.features()
    if missing:
        raise unittest.SkipTest(f"libmeterbus built without {', '.join(sorted(missing))}")


TOOL = os.environ.get("MB_TOOL")


def tool_or_skip():
    if not TOOL:
        raise unittest.SkipTest("MB_TOOL (the path of the meterbus tool) is not set")
    return TOOL


def tool_decode(*args):
    """(exit status, the one JSON object) of `meterbus decode --json ARGS`."""
    proc = subprocess.run([tool_or_skip(), "decode", "--json", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    lines = proc.stdout.decode("utf-8").splitlines()
    if len(lines) != 1:
        raise AssertionError(f"meterbus decode: expected one JSON line, got {proc.stdout!r}")
    return proc.returncode, json.loads(lines[0], parse_float=decimal.Decimal)


def long_frame(c, a, ci, data_hex):
    """A long frame 68 L L 68 C A CI data CS 16, its checksum worked out here."""
    data = bytes.fromhex(data_hex.replace(" ", ""))
    body = bytes([c, a, ci]) + data
    return bytes([0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) & 0xFF, 0x16])


# Answer windows on the simulated bus get room for a loaded machine, as the tool's tests do.
EXTRA_MS = int(os.environ.get("MB_TEST_EXTRA_MS", "200"))
SIM_BAUD = 38400


class Sim:
    """A running `meterbus sim` (tcp or pty); use in a with statement. meters: what it lists,
    one dict per meter (address, id, manufacturer, version, medium, profile, telegrams,
    secondary); endpoint: HOST:PORT or the pty's path."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([tool_or_skip(), "sim", "--baud", str(SIM_BAUD), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.meters = []
        self.endpoint = None
        try:
            while self.endpoint is None:
                line = self.proc.stdout.readline().decode()
                if not line:
                    raise AssertionError(
                        f"meterbus sim ended: {self.proc.stderr.read().decode()!r}")
                m = re.fullmatch(r"meter (.*)\n", line)
                if m:
                    self.meters.append(dict(kv.split("=", 1) for kv in m.group(1).split()))
                    continue
                m = re.fullmatch(r"(?:listening on (\S+)|pty (\S+)) at ([0-9]+) Bd\n", line)
                if m is None:
                    raise AssertionError(f"unexpected line from meterbus sim: {line!r}")
                self.endpoint = m.group(1) or m.group(2)
                if int(m.group(3)) != SIM_BAUD:
                    raise AssertionError(f"meterbus sim runs at {m.group(3)} Bd")
        except BaseException:
            self.stop()
            raise

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
