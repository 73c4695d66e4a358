"""Decoding telegrams to the JSON objects of `meterbus decode --json`."""

import ctypes
import decimal
import json
import re

from . import _lib
from ._lib import load


class Error(Exception):
    """A library error: `code` (the negative mb_err number), `name` (mb_error_name(), e.g.
    "frame_checksum"), `message` (mb_strerror()); both "" in a library built without text
    tables (MB_ENABLE_TEXT=0). And `partial`: what was read before the problem
    (a telegram's object with its "error" member, or the telegrams read before a bus error), or
    None."""

    def __init__(self, code, partial=None, detail=None):
        lib = load()
        self.code = code
        self.name = lib.error_name(code)
        self.message = lib.strerror(code)
        self.partial = partial
        text = f"{self.message} ({self.name})" if self.name else f"error {code}"
        if detail:
            text = f"{detail}: {text}"
        super().__init__(text)


def parse_json(text):
    """The library's JSON as Python objects; numbers with a fraction become decimal.Decimal, so
    that 28504.27 stays exactly that."""
    return json.loads(text, parse_float=decimal.Decimal)


def json_frame(lib, frame, options=0):
    """(object, decode error) of a decoded wired frame (mb_json_frame())."""
    out = ctypes.create_string_buffer(_lib.JSON_CAP)
    err = ctypes.c_int(0)
    n = lib.mb_json_frame(ctypes.byref(frame), options, out, _lib.JSON_CAP, ctypes.byref(err))
    if n < 0:
        raise Error(n)
    return parse_json(out.raw[:n].decode("utf-8")), err.value


_HEX_SPACE = re.compile(r"[ \t\r\n]+")


def telegram_bytes(data):
    """bytes, bytearray, memoryview, or hex text (white space between bytes allowed)."""
    if isinstance(data, str):
        text = data.strip()
        for part in _HEX_SPACE.split(text):
            if len(part) % 2:
                raise ValueError("meterbus: odd number of hex digits, or white space inside a "
                                 f"byte: {data!r}")
        try:
            return bytes.fromhex(_HEX_SPACE.sub("", text))
        except ValueError:
            raise ValueError(f"meterbus: not a hex telegram: {data!r}") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"meterbus: a telegram is bytes or hex text, not {type(data).__name__}")


def _key_bytes(key):
    if isinstance(key, str):
        if not re.fullmatch(r"[0-9A-Fa-f]{32}", key):
            raise ValueError("meterbus: a key is 32 hex digits (AES-128)")
        return bytes.fromhex(key)
    if isinstance(key, (bytes, bytearray, memoryview)) and len(key) == 16:
        return bytes(key)
    raise ValueError("meterbus: a key is 16 bytes or 32 hex digits (AES-128)")


def _meter_id(ident):
    """A meter ID as the library prints it: 8 digits ("12345678"; A..F allowed, as some meters
    send), from that text or from the int those digits make (12345678)."""
    if isinstance(ident, int) and not isinstance(ident, bool):
        if not 0 <= ident <= 99999999:
            raise ValueError(f"meterbus: a meter ID has 8 digits, not {ident}")
        return f"{ident:08d}"
    if isinstance(ident, str) and re.fullmatch(r"[0-9A-Fa-f]{8}", ident):
        return ident.upper()
    raise ValueError(f"meterbus: a meter ID is 8 digits (\"12345678\" or 12345678), not {ident!r}")


class Decoder:
    """Decodes telegrams one after another with the same keys, remembering the record formats of
    full wireless frames so that later compact frames of those meters can be expanded, as
    `meterbus decode` does within one run. Not for use by several threads at once."""

    FORMATS = 32  # formats remembered, as the tool does

    def __init__(self, key=None, keys=None, text_after_vif=False, text_2018=False):
        self._lib = load()
        self._default = _key_bytes(key) if key is not None else None
        self._keys = {_meter_id(i): _key_bytes(k) for i, k in (keys or {}).items()}
        self._options = ((_lib.RECORDS_TEXT_AFTER_VIF if text_after_vif else 0)
                         | (_lib.RECORDS_TEXT_2018 if text_2018 else 0))
        self._cache = None
        if self._lib.has(_lib.FEATURE_WIRELESS | _lib.FEATURE_SECURITY):
            self._slots = ctypes.create_string_buffer(
                self.FORMATS * self._lib.sizes[_lib.STRUCT_FORMAT])
            self._cache = ctypes.create_string_buffer(self._lib.sizes[_lib.STRUCT_FORMAT_CACHE])
            self._lib.mb_format_cache_init(self._cache, self._slots, self.FORMATS)
            self._lookup = _lib.KEY_LOOKUP(self._key_lookup)

    def _key_lookup(self, ctx, req, key):
        # Called from C: never let an exception through (ctypes would print and return 0).
        try:
            ident = f"{req.contents.meter.id:08X}"
            found = self._keys.get(ident, self._default)
            if found is None:
                return _lib.ERR_SEC_NO_KEY
            ctypes.memmove(key, found, 16)
            return _lib.OK
        except Exception:  # noqa: BLE001 - see above
            return _lib.ERR_SEC_NO_KEY

    def decode(self, data):
        """The object `meterbus decode --json` prints for telegram @p data; raises Error when it
        does not decode completely (Error.partial holds the object with what was read)."""
        raw = telegram_bytes(data)
        lib = self._lib
        n = len(raw)
        if n == 0:
            raise Error(_lib.ERR_FRAME_EMPTY)
        buf = (ctypes.c_uint8 * n).from_buffer_copy(raw)
        err = _lib.ERR_ARG
        frame = _lib.Frame()
        if lib.has(_lib.FEATURE_WIRED):
            err = lib.mb_frame_decode(buf, n, ctypes.byref(frame))
            if err == _lib.OK:
                obj, err = json_frame(lib, frame, self._options)
                if err != _lib.OK:
                    raise Error(err, partial=obj)
                return obj
        if not lib.has(_lib.FEATURE_WIRELESS | _lib.FEATURE_SECURITY):
            raise Error(err)
        return self._decode_wireless(raw, buf, err)

    def _wireless_frame(self, buf, n, out, wf):
        """cli_wireless_frame() of the tool: with CRCs (A or B, told apart by them), else without
        CRCs when the telegram is exactly L + 1 bytes long, unless some block CRC of format B
        holds (a format-B frame with a damaged block, reported as such)."""
        lib = self._lib
        cap = _lib.WFRAME_MAX_LEN
        r = lib.mb_wframe_decode(buf, n, _lib.WFORMAT_AUTO, out, cap, ctypes.byref(wf))
        some_block_holds = (r == _lib.ERR_WL_CRC and wf.blocks > 1
                            and wf.crc_errors != (1 << wf.blocks) - 1)
        if r < 0 and not some_block_holds and n == buf[0] + 1:
            none_frame = _lib.WFrame()
            none = lib.mb_wframe_decode(buf, n, _lib.WFORMAT_NONE, out, cap,
                                        ctypes.byref(none_frame))
            if none >= 0:
                ctypes.memmove(ctypes.byref(wf), ctypes.byref(none_frame), ctypes.sizeof(wf))
                return none
            r = lib.mb_wframe_decode(buf, n, _lib.WFORMAT_AUTO, out, cap, ctypes.byref(wf))
        return r

    def _decode_wireless(self, raw, buf, wired_err):
        lib = self._lib
        n = len(raw)
        out = (ctypes.c_uint8 * _lib.WFRAME_MAX_LEN)()
        wf = _lib.WFrame()
        r = self._wireless_frame(buf, n, out, wf)
        if r < 0:
            # One that starts like a wired frame, or is too short for a wireless one, gets the
            # wired reason.
            wired_start = raw[0] in (0x68, 0x10, 0xE5, 0xA2)
            raise Error(wired_err if wired_start or n < _lib.WFRAME_MIN_LEN else r)
        if r < n:
            raise Error(_lib.ERR_FRAME_TRAILING)
        keys = _lib.Keys(self._lookup, None, None)
        msg = _lib.WMsg()
        status = lib.mb_wmsg_open(wf.frame, wf.frame_len, ctypes.byref(keys), out,
                                  ctypes.sizeof(out), ctypes.byref(msg))
        if status == _lib.OK and msg.has_tpl and msg.tpl.info.content == _lib.CI_RECORDS:
            # Full frames teach the formats of compact ones; an empty format is refused by put.
            fmt = ctypes.create_string_buffer(lib.sizes[_lib.STRUCT_FORMAT])
            if lib.mb_format_learn(msg.tpl.apl, msg.tpl.apl_len, fmt) == _lib.OK:
                lib.mb_format_cache_put(self._cache, fmt)
        text = ctypes.create_string_buffer(_lib.JSON_CAP)
        err = ctypes.c_int(0)
        length = lib.mb_json_wmsg(ctypes.byref(wf), ctypes.byref(msg), status, self._cache,
                                  self._options, text, _lib.JSON_CAP, ctypes.byref(err))
        if length < 0:
            raise Error(length)
        obj = parse_json(text.raw[:length].decode("utf-8"))
        if err.value != _lib.OK:
            raise Error(err.value, partial=obj)
        return obj


def decode(data, key=None, keys=None, text_after_vif=False, text_2018=False):
    """Decode one wired or wireless telegram (bytes, or hex text with or without spaces) to the
    object `meterbus decode --json` prints for it.

    key:  the AES-128 key of every encrypted meter (16 bytes or 32 hex digits)
    keys: {meter ID: key}, the ID as printed ("12345678", or the int 12345678); wins over key
    text_after_vif, text_2018: where plain-text units sit (as the tool's options)

    Numbers with a fraction are decimal.Decimal (exact, as the library writes them). Raises
    meterbus.Error when the telegram does not decode completely."""
    return Decoder(key=key, keys=keys, text_after_vif=text_after_vif,
                   text_2018=text_2018).decode(data)
