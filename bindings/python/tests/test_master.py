"""meterbus.Master against `meterbus sim` (MB_TOOL): scans and reads over TCP and over a
pseudo-terminal as a serial line, and the errors of an empty address or a lost line."""

import errno
import os
import unittest

from support import EXTRA_MS, SIM_BAUD, Sim, features_or_skip, library_or_skip, tool_or_skip

import meterbus


def setUpModule():
    library_or_skip()
    tool_or_skip()
    # The results are compared by name (media, frame types, error names).
    features_or_skip("wired", "master", "text")


def master(sim, **kwargs):
    how = {"device": sim.endpoint} if sim.endpoint.startswith("/") else {"tcp": sim.endpoint}
    return meterbus.Master(baud=SIM_BAUD, extra_ms=EXTRA_MS, **how, **kwargs)


class Identity(unittest.TestCase):
    def check_found(self, found, meter):
        self.assertEqual(found["id"], meter["id"])
        self.assertEqual(found["manufacturer"], meter["manufacturer"])
        self.assertEqual(found["version"], int(meter["version"]))
        self.assertEqual(found["medium"], meter["medium"])
        self.assertEqual(found["secondary"], meter["secondary"])

    def check_telegram(self, obj, meter):
        self.assertEqual(obj["frame"], "long")
        self.assertEqual(obj["id"], meter["id"])
        self.assertEqual(obj["manufacturer"], meter["manufacturer"])
        self.assertEqual(obj["version"], int(meter["version"]))


class Scans(Identity):
    def test_scan_primary(self):
        with Sim("--tcp", "127.0.0.1:0", "--meters", "3", "--seed", "11") as sim, \
                master(sim) as bus:
            self.assertEqual(len(sim.meters), 3)
            found = bus.scan_primary(first=0, last=5)
            self.assertEqual([f["address"] for f in found], [1, 2, 3])
            for f, meter in zip(found, sim.meters):
                self.check_found(f, meter)
                self.assertEqual(f["address"], int(meter["address"]))
            # 0, 4 and 5 are silent and tried twice (one retry, as the tool); 1..3 answer.
            self.assertEqual(bus.stats()["requests"], 3 + 3 * 2)
            self.assertEqual(bus.stats()["timeouts"], 3 * 2)
            found = bus.scan_primary(first=2, last=2)
            self.assertEqual(len(found), 1)
            self.check_found(found[0], sim.meters[1])

    def test_scan_secondary(self):
        with Sim("--tcp", "127.0.0.1:0", "--meters", "4", "--seed", "3") as sim, \
                master(sim) as bus:
            found = sorted(bus.scan_secondary(), key=lambda f: f["id"])
            meters = sorted(sim.meters, key=lambda m: m["id"])
            self.assertEqual([f["id"] for f in found], [m["id"] for m in meters])
            for f, meter in zip(found, meters):
                self.assertNotIn("address", f)
                self.check_found(f, meter)
            self.assertLess(bus.stats()["requests"], 200)


class Reads(Identity):
    def test_read(self):
        with Sim("--tcp", "127.0.0.1:0", "--profile", "multi,water,heat,e350", "--seed",
                 "7") as sim, master(sim) as bus:
            self.assertEqual([m["profile"] for m in sim.meters],
                             ["multi", "water", "heat", "e350"])
            meter = sim.meters[0]
            self.assertEqual(meter["telegrams"], "3")
            # The multi meter: now, then 12 month ends in storage 1..6 and 7..12.
            telegrams = bus.read(address=1)
            self.assertEqual(len(telegrams), 3)
            for obj in telegrams:
                self.check_telegram(obj, meter)
                self.assertEqual(obj["a"], 1)
            self.assertEqual([o["more_records_follow"] for o in telegrams], [True, True, False])
            self.assertEqual({r["storage"] for r in telegrams[0]["records"]}, {0})
            self.assertEqual(sorted({r["storage"] for r in telegrams[1]["records"]}),
                             list(range(1, 7)))
            self.assertEqual(sorted({r["storage"] for r in telegrams[2]["records"]}),
                             list(range(7, 13)))
            first = telegrams[0]["records"][0]
            self.assertEqual((first["dif"], first["vif"]), ("0c", "78"))  # fabrication number
            # Cut short, and then the next read starts at the first telegram again (SND_NKE).
            one = bus.read(address=1, max_telegrams=1)
            self.assertEqual(len(one), 1)
            self.assertNotEqual(one[0]["access"], telegrams[0]["access"])
            again = bus.read(address=1)
            self.assertEqual(len(again), 3)
            self.assertEqual({r["storage"] for r in again[0]["records"]}, {0})
            # By secondary address: 8 ID digits, the 16 hex digits of a scan, the int ID.
            other = sim.meters[1]
            for ident in (other["id"], other["secondary"], int(other["id"])):
                telegrams = bus.read(id=ident)
                self.assertEqual(len(telegrams), 1, repr(ident))
                self.check_telegram(telegrams[0], other)
                self.assertEqual(telegrams[0]["a"], 2)  # its primary address, answering 253

    def test_nobody_there(self):
        with Sim("--tcp", "127.0.0.1:0", "--meters", "2", "--seed", "5") as sim, \
                master(sim, retries=0) as bus:
            with self.assertRaises(meterbus.Error) as cm:
                bus.read(address=9)
            self.assertEqual((cm.exception.code, cm.exception.name), (-66, "master_timeout"))
            with self.assertRaises(meterbus.Error) as cm:
                bus.read(id="00000000")
            self.assertEqual(cm.exception.name, "master_timeout")
            # A wildcard both meters match: their answers collide (the E5s superimpose, the
            # telegrams do not).
            with self.assertRaises(meterbus.Error) as cm:
                bus.read(id="FFFFFFFF")
            self.assertIn(cm.exception.name, ("master_collision", "master_unexpected"))
            self.assertEqual(cm.exception.partial, [])
            self.assertEqual(bus.scan_primary(first=3, last=9), [])
            # The bus is still usable after the errors.
            self.check_telegram(bus.read(address=2)[0], sim.meters[1])

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            meterbus.Master(tcp="127.0.0.1:1", device="/dev/null")
        with self.assertRaises(ValueError):
            meterbus.Master()
        with self.assertRaises(ValueError):
            meterbus.Master(tcp="127.0.0.1:1", baud=1234)
        with self.assertRaises(ValueError):
            meterbus.Master(tcp="no-port")
        with self.assertRaises(OSError) as cm:
            meterbus.Master(device=os.devnull)
        self.assertEqual(cm.exception.errno, errno.ENOTTY)
        with Sim("--tcp", "127.0.0.1:0", "--meters", "1") as sim, master(sim) as bus:
            for kwargs in ({}, {"address": 1, "id": "12345678"}, {"address": 251},
                           {"id": "1234"}, {"address": 1, "max_telegrams": 0}):
                with self.assertRaises(ValueError, msg=repr(kwargs)):
                    bus.read(**kwargs)
            with self.assertRaises(ValueError):
                bus.scan_primary(first=5, last=4)


class Line(Identity):
    def test_serial_line(self):
        """A pseudo-terminal as the serial line (8E1 asked for, raw): scan, read, and
        set_address by primary and by secondary address."""
        with Sim("--pty", "--meters", "2", "--seed", "5") as sim, master(sim) as bus:
            found = bus.scan_primary(first=0, last=3)
            self.assertEqual([f["address"] for f in found], [1, 2])
            for f, meter in zip(found, sim.meters):
                self.check_found(f, meter)
            self.check_telegram(bus.read(address=2)[0], sim.meters[1])
            self.assertIs(bus.set_address(7, address=2), True)
            telegram = bus.read(address=7)[0]
            self.check_telegram(telegram, sim.meters[1])
            self.assertEqual(telegram["a"], 7)
            self.assertIs(bus.set_address(2, id=sim.meters[1]["id"]), True)
            self.assertEqual([f["address"] for f in bus.scan_primary(first=0, last=8)], [1, 2])

    def test_line_lost(self):
        with Sim("--tcp", "127.0.0.1:0", "--meters", "2") as sim, master(sim) as bus:
            self.assertEqual(len(bus.read(address=1)), 1)
            sim.stop()
            with self.assertRaises(meterbus.Error) as cm:
                bus.scan_primary(first=1, last=2)
            self.assertEqual((cm.exception.code, cm.exception.name), (-69, "master_line"))
            self.assertIsInstance(cm.exception.__cause__, OSError)


if __name__ == "__main__":
    unittest.main()
