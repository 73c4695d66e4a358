"""meterbus.decode(): wired and wireless telegrams with their values, the same objects as
`meterbus decode --json`, and the errors."""

import unittest

from support import D, features_or_skip, library_or_skip, long_frame, tool_decode, tool_or_skip

import meterbus

# Telegram A: RSP_UD from address 5, CI 72; ID 12345678, KAM (0x2C2D), version 1, water,
# access 0x55; volume 12345.678 m3 (BCD 12345678 at 10^-3), 2029-03-15T13:45, error flags 4,
# energy 1000000 Wh in storage 3 tariff 1 subunit 1, maximum flow 1.234 m3/h, minimum flow
# temperature -0.5 degC, return temperature 40 degC in error state, date 2023-12-30 in storage 1,
# then DIF 1F (more records follow). Checksum DA worked out by hand.
TELEGRAM_A = ("68 38 38 68 08 05 72 78 56 34 12 2D 2C 01 07 55 00 00 00 0C 13 78 56 34 12 04 6D"
              " 2D 0D AF 33 02 FD 17 04 00 C4 51 06 E8 03 00 00 12 3B D2 04 22 5A FB FF 32 5E"
              " 90 01 42 6C FE 2C 1F DA 16")
# Telegram B: RSP_UD from address 1; ID 00000001, ABC (0x0443), version 16, heat (outlet),
# status 0x10; power 123456 W (6-digit BCD), energy 1234567890 Wh (12-digit BCD), model "ABC"
# (LVAR text, last character first), flow temperature -12.3 degC (BCD with F sign nibble), then
# manufacturer data 01 02 03.
TELEGRAM_B = long_frame(0x08, 0x01, 0x72,
                        "01000000 4304 10 04 00 10 0000 0B2B 563412 0E03 907856341200"
                        " 0DFD0C 03 434241 0A5A 23F1 0F 010203")
# The README's telegram: gas meter ELS 12345678 version 0x33, address 253, access 42; volume
# 28504.27 m3 (BCD 02850427 at 10^-2), 2008-05-31T23:50, error flags 0.
README = ("68 20 20 68 08 FD 72 78 56 34 12 93 15 33 03 2A 00 00 00 0C 14 27 04 85 02 04 6D 32"
          " 37 1F 15 02 FD 17 00 00 89 16")

# Wireless: the OMS Vol.2 Annex N examples and the OMS profile-B vectors with their keys.
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
# One MAC byte of V3 changed; one byte in the second CRC block of V5 changed.
V3_BAD_MAC = V3[:44] + ("00" if V3[44:46] != "00" else "01") + V3[46:]
V5_BAD_BLOCK = V5[:300] + ("00" if V5[300:302] != "00" else "01") + V5[302:]
# Telegram A's header, a volume, then a record whose 4 data bytes end after 2.
TRUNCATED = long_frame(0x08, 0x05, 0x72, "78563412 2D2C 01 07 55 00 0000 0C13 78563412 0413 0102")


def bad_checksum(hex_text):
    b = bytearray.fromhex(hex_text)
    b[-2] ^= 0x01
    return bytes(b)


def setUpModule():
    library_or_skip()
    features_or_skip("wired", "wireless", "security")


class Records(unittest.TestCase):
    """The values by name: needs the library's text tables (names of quantities and units)."""

    def setUp(self):
        features_or_skip("text")

    def check_record(self, rec, dif, vif, storage, tariff, subunit, function, quantity, unit,
                     value):
        self.assertEqual(
            (rec["dif"], rec["vif"], rec["storage"], rec["tariff"], rec["subunit"],
             rec["function"], rec["quantity"], rec["unit"]),
            (dif, vif, storage, tariff, subunit, function, quantity, unit))
        self.assertEqual(rec["value"], value)
        self.assertEqual(type(rec["value"]), type(value), f"type of {rec['value']!r}")

    def check_v1_values(self, obj):
        self.assertEqual(obj["frame"], "wireless")
        self.assertEqual((obj["c"], obj["id"], obj["manufacturer"], obj["version"],
                          obj["medium"]), ("44", "12345678", "ELS", 0x33, "gas"))
        self.assertEqual(obj["link"]["id"], "12345678")
        self.assertEqual(obj["security"]["verdict"], "ok")
        self.assertEqual([r["value"] for r in obj["records"]],
                         [D("28504.27"), "2008-05-31T23:50", 0])
        self.assertNotIn("error", obj)


class Wired(Records):
    def test_telegram_a(self):
        obj = meterbus.decode(TELEGRAM_A)
        self.assertEqual((obj["frame"], obj["c"], obj["a"], obj["ci"]), ("long", "08", 5, "72"))
        self.assertEqual((obj["id"], obj["manufacturer"], obj["version"], obj["medium"],
                          obj["access"], obj["status"]), ("12345678", "KAM", 1, "water", 85, 0))
        self.assertIs(obj["more_records_follow"], True)
        recs = obj["records"]
        self.assertEqual(len(recs), 8)
        self.check_record(recs[0], "0c", "13", 0, 0, 0, "instantaneous", "volume", "m3",
                          D("12345.678"))
        self.check_record(recs[1], "04", "6d", 0, 0, 0, "instantaneous", "date_time", "",
                          "2029-03-15T13:45")
        self.check_record(recs[2], "02", "fd17", 0, 0, 0, "instantaneous", "error_flags", "", 4)
        self.check_record(recs[3], "c451", "06", 3, 1, 1, "instantaneous", "energy", "Wh",
                          1000000)
        self.check_record(recs[4], "12", "3b", 0, 0, 0, "maximum", "volume_flow", "m3/h",
                          D("1.234"))
        self.check_record(recs[5], "22", "5a", 0, 0, 0, "minimum", "flow_temperature",
                          "\u00b0C", D("-0.5"))
        self.check_record(recs[6], "32", "5e", 0, 0, 0, "error", "return_temperature",
                          "\u00b0C", D("40.0"))  # 400 at 10^-1
        self.check_record(recs[7], "42", "6c", 1, 0, 0, "instantaneous", "date", "",
                          "2023-12-30")
        self.assertNotIn("error", obj)

    def test_telegram_b(self):
        obj = meterbus.decode(TELEGRAM_B)
        self.assertEqual((obj["a"], obj["id"], obj["manufacturer"], obj["version"],
                          obj["medium"], obj["access"], obj["status"]),
                         (1, "00000001", "ABC", 16, "heat_outlet", 0, 16))
        self.assertIs(obj["more_records_follow"], False)
        recs = obj["records"]
        self.assertEqual(len(recs), 4)
        self.check_record(recs[0], "0b", "2b", 0, 0, 0, "instantaneous", "power", "W", 123456)
        self.check_record(recs[1], "0e", "03", 0, 0, 0, "instantaneous", "energy", "Wh",
                          1234567890)
        self.check_record(recs[2], "0d", "fd0c", 0, 0, 0, "instantaneous", "model_version", "",
                          "ABC")
        self.check_record(recs[3], "0a", "5a", 0, 0, 0, "instantaneous", "flow_temperature",
                          "\u00b0C", D("-12.3"))
        self.assertEqual(obj["manufacturer_data"], "010203")

    def test_readme_telegram(self):
        obj = meterbus.decode(README)
        self.assertEqual((obj["a"], obj["id"], obj["manufacturer"], obj["version"],
                          obj["medium"], obj["access"]), (253, "12345678", "ELS", 51, "gas", 42))
        recs = obj["records"]
        self.assertEqual(len(recs), 3)
        self.check_record(recs[0], "0c", "14", 0, 0, 0, "instantaneous", "volume", "m3",
                          D("28504.27"))
        self.check_record(recs[1], "04", "6d", 0, 0, 0, "instantaneous", "date_time", "",
                          "2008-05-31T23:50")
        self.check_record(recs[2], "02", "fd17", 0, 0, 0, "instantaneous", "error_flags", "", 0)

    def test_short_frames(self):
        self.assertEqual(meterbus.decode("E5"), {"frame": "ACK"})
        self.assertEqual(meterbus.decode("10 5B FE 59 16"),
                         {"frame": "short", "c": "5b", "a": 254})

    def test_input_forms(self):
        """bytes, bytearray, memoryview, hex spaced or packed, either case, tabs and newlines:
        one and the same telegram."""
        raw = bytes.fromhex(TELEGRAM_A)
        expected = meterbus.decode(raw)
        self.assertEqual(expected["records"][0]["value"], D("12345.678"))
        for form in (bytearray(raw), memoryview(raw), TELEGRAM_A, TELEGRAM_A.lower(), raw.hex(),
                     raw.hex().upper(), "\t".join(f"{b:02x}" for b in raw),
                     "  " + TELEGRAM_A + "\n"):
            self.assertEqual(meterbus.decode(form), expected, f"{form!r}")

    def test_bad_hex(self):
        for text in ("0 1", "68 3", "zz", "68 38 3 8"):
            with self.assertRaises(ValueError, msg=text):
                meterbus.decode(text)
        with self.assertRaises(TypeError):
            meterbus.decode(0x68)

    def test_checksum_error(self):
        with self.assertRaises(meterbus.Error) as cm:
            meterbus.decode(bad_checksum(TELEGRAM_A))
        e = cm.exception
        self.assertEqual((e.code, e.name), (-18, "frame_checksum"))
        self.assertEqual(e.message, "frame: checksum mismatch")
        self.assertIsNone(e.partial)
        self.assertIsInstance(e, Exception)

    def test_other_frame_errors(self):
        for data, code, name in ((b"", -10, "frame_empty"),
                                 (TELEGRAM_A + " 00", -19, "frame_trailing"),
                                 (TELEGRAM_A[:-6], -12, "frame_truncated"),
                                 ("42", -11, "frame_start")):
            with self.assertRaises(meterbus.Error, msg=repr(data)) as cm:
                meterbus.decode(data)
            self.assertEqual((cm.exception.code, cm.exception.name), (code, name), repr(data))

    def test_records_cut_short(self):
        """The records before the problem come with the error, as the tool prints them."""
        with self.assertRaises(meterbus.Error) as cm:
            meterbus.decode(TRUNCATED)
        e = cm.exception
        self.assertEqual((e.code, e.name), (-32, "rec_data_truncated"))
        self.assertEqual(e.partial["id"], "12345678")
        self.assertEqual([r["value"] for r in e.partial["records"]], [D("12345.678")])
        self.assertEqual(e.partial["error"]["code"], "rec_data_truncated")
        self.assertEqual(e.partial["error"]["offset"], 6)


class Wireless(Records):
    def test_mode5_key_forms(self):
        for kwargs in ({"key": V1_KEY}, {"key": V1_KEY.lower()}, {"key": bytes.fromhex(V1_KEY)},
                       {"keys": {"12345678": V1_KEY}}, {"keys": {12345678: V1_KEY}},
                       {"keys": {"87654321": V3_KEY, "12345678": bytes.fromhex(V1_KEY)}},
                       {"key": V3_KEY, "keys": {"12345678": V1_KEY}}):
            obj = meterbus.decode(V1, **kwargs)
            self.check_v1_values(obj)
            self.assertEqual(obj["format"], "none")
            self.assertEqual(obj["security"]["mode"], 5)

    def test_no_key(self):
        for kwargs in ({}, {"keys": {"87654321": V1_KEY}}):
            with self.assertRaises(meterbus.Error) as cm:
                meterbus.decode(V1, **kwargs)
            e = cm.exception
            self.assertEqual((e.code, e.name), (-51, "sec_no_key"))
            self.assertEqual(e.partial["id"], "12345678")
            self.assertEqual(e.partial["error"]["code"], "sec_no_key")
            self.assertNotIn("records", e.partial)

    def test_wrong_key(self):
        with self.assertRaises(meterbus.Error) as cm:
            meterbus.decode(V1, key=V3_KEY)
        self.assertEqual((cm.exception.code, cm.exception.name), (-52, "sec_check"))
        self.assertEqual(cm.exception.partial["security"]["verdict"], "sec_check")

    def test_bad_keys(self):
        for kwargs in ({"key": "0011"}, {"key": b"short"}, {"keys": {"1234567": V1_KEY}},
                       {"keys": {123456789: V1_KEY}}):
            with self.assertRaises(ValueError, msg=repr(kwargs)):
                meterbus.decode(V1, **kwargs)

    def test_mode7_afl(self):
        obj = meterbus.decode(V3, key=V3_KEY)
        self.check_v1_values(obj)
        self.assertEqual(obj["afl"]["counter"], 2739)
        self.assertEqual(obj["afl"]["mac"], "21924d4f2fb66e01")
        self.assertEqual(obj["ell"]["access"], 0x75)
        self.assertIs(obj["security"]["authenticated"], True)
        with self.assertRaises(meterbus.Error) as cm:
            meterbus.decode(V3_BAD_MAC, key=V3_KEY)
        self.assertEqual((cm.exception.code, cm.exception.name), (-53, "sec_mac"))

    def test_format_b_with_crcs(self):
        obj = meterbus.decode(V5, key=V5_KEY)
        self.assertEqual(obj["format"], "b")
        self.assertIs(obj["security"]["authenticated"], True)
        values = {(r["dif"], r["vif"]): r["value"] for r in obj["records"]}
        self.assertEqual(values[("04", "06")], 9341000)  # 0x247D kWh in Wh
        self.assertEqual(values[("04", "13")], D("1348.631"))
        with self.assertRaises(meterbus.Error) as cm:
            meterbus.decode(V5_BAD_BLOCK, key=V5_KEY)
        self.assertEqual((cm.exception.code, cm.exception.name), (-42, "wl_crc"))
        self.assertIsNone(cm.exception.partial)

    def test_decoder_keeps_keys(self):
        d = meterbus.Decoder(keys={"12345678": V1_KEY})
        for _ in range(3):
            self.check_v1_values(d.decode(V1))
        self.check_v1_values(meterbus.Decoder(key=V3_KEY).decode(V3))


    def test_decoder_expands_compact_frames(self):
        # A wireless KAM water meter without CRCs: a full frame (CI 78) with three records, then
        # a compact frame (CI 79) of the same format: signature and full-records CRC (both
        # CRC-16/EN-13757, worked out here), then the data alone.
        records = bytes.fromhex("02FF20 0000 0413 803C0700 4413 9F380700".replace(" ", ""))
        signature = crc_en13757(bytes.fromhex("02FF2004134413"))
        link = bytes.fromhex("442D2C785634120107")
        full = link + b"\x78" + records
        compact = (link + b"\x79" + signature.to_bytes(2, "little")
                   + crc_en13757(records).to_bytes(2, "little")
                   + bytes.fromhex("0000803C07009F380700"))
        full, compact = bytes([len(full)]) + full, bytes([len(compact)]) + compact
        d = meterbus.Decoder()
        with self.assertRaises(meterbus.Error):  # the format is not known yet
            d.decode(compact)
        d.decode(full)
        obj = d.decode(compact)
        self.assertEqual(obj["compact"], {"signature": signature, "crc_ok": True})
        self.assertEqual([r["value"] for r in obj["records"]][1:], [D("474.240"), D("473.247")])
        self.assertEqual([r["storage"] for r in obj["records"]], [0, 0, 1])


def crc_en13757(data):
    """CRC-16/EN-13757: polynomial 0x3D65, initial 0, not reflected, result inverted."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x3D65 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc ^ 0xFFFF


class SameAsTool(unittest.TestCase):
    """decode() gives exactly the object `meterbus decode --json` prints, errors included."""

    CASES = (
        ([], TELEGRAM_A), ([], TELEGRAM_B.hex()), ([], README), ([], "E5"),
        ([], "10 5B FE 59 16"), ([], bad_checksum(TELEGRAM_A).hex()), ([], TRUNCATED.hex()),
        ([], TELEGRAM_A + " 00"), (["--key", V1_KEY], V1), ([], V1), (["--key", V3_KEY], V1),
        (["--key", V3_KEY], V3), (["--key", V3_KEY], V3_BAD_MAC), (["--key", V5_KEY], V5),
        (["--key", V5_KEY], V5_BAD_BLOCK), ([], "42"),
    )

    def setUp(self):
        tool_or_skip()

    def test_same_objects(self):
        for options, telegram in self.CASES:
            with self.subTest(telegram=telegram[:40], options=options):
                status, expected = tool_decode(*options, telegram)
                key = options[1] if options else None
                try:
                    got = meterbus.decode(telegram, key=key)
                except meterbus.Error as e:
                    self.assertEqual(status, 1)
                    # The name, or without text tables the number (negated) and no message.
                    code = expected["error"]["code"]
                    self.assertEqual(code, e.name if isinstance(code, str) else -e.code)
                    self.assertEqual(expected["error"]["message"], e.message)
                    if e.partial is None:
                        self.assertEqual(list(expected), ["error"])
                        continue
                    got = e.partial
                else:
                    self.assertEqual(status, 0)
                self.assertEqual(got, expected)
                self.assertEqual(repr(got), repr(expected))  # Decimal for Decimal, int for int


if __name__ == "__main__":
    unittest.main()
