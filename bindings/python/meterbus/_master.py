"""A wired M-Bus master: the line in Python (TCP or a serial device), the protocol in the library
(mb_master_t and the scans of scan.h), driven the way `meterbus scan` and `meterbus read` drive
them."""

import ctypes
import errno
import re
import time

from . import _lib
from ._decode import Error, json_frame
from ._lib import load
from ._transport import SerialLink, TcpLink

# Longest wait for bytes before the state machines are polled again: answer windows are closed
# by a poll, not by arriving bytes.
WAIT_STEP = 0.010


def now_ms():
    """The library's clock: monotonic milliseconds, wrapping at 2^32."""
    return int(time.monotonic() * 1000.0) & 0xFFFFFFFF


def parse_secondary(text):
    """8 ID digits, or the 16 hex digits a scan prints (ID, manufacturer, version, medium); an F
    digit matches any. An int is taken as the 8 ID digits (12345678)."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = f"{text:08d}"
    if not isinstance(text, str) or not re.fullmatch(r"[0-9A-Fa-f]{8}([0-9A-Fa-f]{8})?", text):
        raise ValueError("meterbus: id wants 8 ID digits or 16 hex digits (ID, manufacturer, "
                         f"version, medium; F = any), not {text!r}")
    text = text.upper().ljust(16, "F")
    return _lib.Secondary(int(text[0:8], 16), int(text[8:12], 16), int(text[12:14], 16),
                          int(text[14:16], 16))


class Master:
    """A master on one line: Master(tcp="HOST:PORT") for a transparent M-Bus/TCP gateway, or
    Master(device="/dev/ttyUSB0") for a serial level converter.

    baud:     the line's rate (300..38400), also what the answer windows are computed for
    retries:  repeats after a timeout or collision; None: as the meterbus tool (1 for a primary
              scan, 0 for a secondary scan, 2 for the rest)
    extra_ms: added to every answer window; None: 100 behind TCP, 0 on a serial line
    timeout:  seconds to connect to a gateway

    Use it in a with statement, or call close(). Not for several threads at once."""

    def __init__(self, tcp=None, device=None, baud=2400, retries=None, extra_ms=None,
                 timeout=5.0):
        self._lib = load()
        if not self._lib.has(_lib.FEATURE_MASTER | _lib.FEATURE_WIRED):
            raise RuntimeError("meterbus: this build of the library has no master "
                               "(MB_ENABLE_MASTER=0)")
        if (tcp is None) == (device is None):
            raise ValueError("meterbus: give one of tcp=HOST:PORT and device=PATH")
        if baud not in (300, 600, 1200, 2400, 4800, 9600, 19200, 38400):
            raise ValueError(f"meterbus: baud rate {baud} is not one of 300, 600, ... 38400")
        if retries is not None and not 0 <= retries <= 10:
            raise ValueError("meterbus: retries wants 0..10")
        if extra_ms is None:
            extra_ms = 100 if tcp is not None else 0
        if not 0 <= extra_ms <= 60000:
            raise ValueError("meterbus: extra_ms wants 0..60000")
        self._link = TcpLink(tcp, timeout) if tcp is not None else SerialLink(device, baud)
        self.baud = baud
        self.extra_ms = extra_ms
        self.retries = retries
        self._line_error = None
        # The HAL: callbacks into Python, kept referenced for as long as the master lives.
        self._hal = _lib.Hal(_lib.HAL_WRITE(self._hal_write),
                             _lib.HAL_SET_BAUD(self._hal_set_baud) if self._link.has_baud
                             else _lib.HAL_SET_BAUD(),
                             _lib.HAL_FLUSH(self._hal_flush))
        self._m = ctypes.create_string_buffer(self._lib.sizes[_lib.STRUCT_MASTER])
        self._retries_now = None
        self._init(2 if retries is None else retries)

    # ---- the HAL, called from inside the library ---------------------------------------------

    def _hal_write(self, ctx, p, n):
        try:
            return self._link.write(ctypes.string_at(p, n))
        except Exception as e:  # noqa: BLE001 - nothing may cross back into C
            self._line_error = e
            return -errno.EIO

    def _hal_set_baud(self, ctx, baud):
        try:
            self._link.set_baud(baud)
            self.baud = baud
            return 0
        except Exception as e:  # noqa: BLE001
            self._line_error = e
            return -errno.EIO

    def _hal_flush(self, ctx):
        try:
            self._link.flush()
        except Exception as e:  # noqa: BLE001
            self._line_error = e

    # ---- driving the state machines ----------------------------------------------------------

    def _init(self, retries):
        """(Re)start the master with @p retries; like a new run of the tool (the frame count
        bits start afresh)."""
        if retries == self._retries_now:
            return
        cfg = _lib.MasterConfig(self.baud, self.extra_ms, retries)
        self._lib.mb_master_init(self._m, ctypes.byref(self._hal), None, ctypes.byref(cfg))
        self._retries_now = retries

    def _retries(self, default):
        self._init(default if self.retries is None else self.retries)

    def _line_failed(self, partial=None):
        cause = self._line_error
        self._line_error = None
        err = Error(_lib.ERR_MASTER_LINE, partial=partial, detail=f"the line failed: {cause}")
        return err, cause

    def _wait(self, seconds=WAIT_STEP):
        """What mb_port_wait() does: poll (writes what the line did not take), read what arrives
        within @p seconds, feed it, poll again."""
        lib = self._lib
        lib.mb_master_poll(self._m, now_ms())
        if self._link is None:
            raise ValueError("meterbus: the master is closed")
        try:
            data = self._link.read(seconds)
        except OSError as e:
            self._line_error = e
            return
        if data:
            buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
            lib.mb_master_feed(self._m, buf, len(data), now_ms())
        lib.mb_master_poll(self._m, now_ms())

    def _raise_if_line_failed(self, partial=None):
        if self._line_error is not None:
            err, cause = self._line_failed(partial)
            raise err from cause

    def _transact(self, started, what=None):
        """Run the transaction just started (mb_master_*() returned @p started) to its end."""
        if started != _lib.OK:
            self._raise_if_line_failed()
            raise Error(started, detail=what)
        while True:
            r = self._lib.mb_master_poll(self._m, now_ms())
            if r != _lib.MASTER_PENDING:
                break
            self._wait()
            self._raise_if_line_failed()
        self._raise_if_line_failed()
        if r != _lib.OK:
            raise Error(r, detail=what)

    def _select(self, ident):
        mask = parse_secondary(ident)
        self._transact(self._lib.mb_master_select(self._m, ctypes.byref(mask), None, now_ms()),
                       f"selecting {ident}")

    def _deselect(self):
        # SND_NKE to 253: the selected meter leaves the selection, silently.
        try:
            self._transact(self._lib.mb_master_snd_nke(self._m, _lib.ADDR_NETWORK, now_ms()))
        except Error:
            pass

    def _found(self, f, primary):
        lib = self._lib
        item = {"address": f.address} if primary else {}
        if f.has_secondary:
            s = f.secondary
            ident = ctypes.create_string_buffer(9)
            man = ctypes.create_string_buffer(4)
            lib.mb_id_text(s.id, ident)
            lib.mb_manufacturer_text(s.manufacturer, man)
            medium = lib.mb_medium_name(s.medium).decode()
            item.update({
                "id": ident.value.decode(),
                "manufacturer": man.value.decode(),
                "version": s.version,
                "medium": medium if medium else s.medium,
                "secondary": f"{s.id:08X}{s.manufacturer:04X}{s.version:02X}{s.medium:02X}",
            })
        return item

    def _scan(self, started, scan, primary):
        lib = self._lib
        found = []
        if started != _lib.OK:
            self._raise_if_line_failed()
            raise Error(started)
        try:
            while True:
                f = _lib.ScanFound()
                r = lib.mb_scan_poll(scan, now_ms(), ctypes.byref(f))
                if r == _lib.SCAN_ITEM:
                    found.append(self._found(f, primary))
                    continue
                if r != _lib.SCAN_PENDING:
                    break
                self._wait()
                self._raise_if_line_failed(found)
        except KeyboardInterrupt:
            # As the tool on Ctrl-C: end after the current transaction, keep what was found.
            lib.mb_scan_abort(scan)
            while r == _lib.SCAN_PENDING or r == _lib.SCAN_ITEM:
                f = _lib.ScanFound()
                r = lib.mb_scan_poll(scan, now_ms(), ctypes.byref(f))
                if r == _lib.SCAN_ITEM:
                    found.append(self._found(f, primary))
                elif r == _lib.SCAN_PENDING:
                    self._wait()
            raise
        self._raise_if_line_failed(found)
        if r < 0:
            raise Error(r, partial=found)
        return found

    # ---- public ------------------------------------------------------------------------------

    def scan_primary(self, first=0, last=250):
        """Ask each primary address first..last (0..250) with REQ_UD2. @return a list of
        {"address", and from the meter's long header "id", "manufacturer", "version", "medium",
        "secondary"} as `meterbus scan --primary --json` lists them."""
        if not 0 <= first <= last <= 250:
            raise ValueError("meterbus: scan_primary wants 0 <= first <= last <= 250")
        self._retries(1)
        scan = ctypes.create_string_buffer(self._lib.sizes[_lib.STRUCT_SCAN])
        return self._scan(self._lib.mb_scan_primary(scan, self._m, first, last, now_ms()), scan,
                          True)

    def scan_secondary(self, hex_ids=False):
        """Find the meters by secondary address with wildcards. @return a list of {"id",
        "manufacturer", "version", "medium", "secondary"} as `meterbus scan --secondary --json`.
        hex_ids also tries ID digits A..F (slow: a handful of meters at most)."""
        # Silence is the usual answer to a selection: a retry after each would double the time.
        self._retries(0)
        scan = ctypes.create_string_buffer(self._lib.sizes[_lib.STRUCT_SCAN])
        return self._scan(self._lib.mb_scan_secondary(scan, self._m, bool(hex_ids), now_ms()),
                          scan, False)

    def read(self, address=None, id=None, max_telegrams=16):  # noqa: A002 - the tool's name
        """Read every telegram of one meter, as `meterbus read --json`: by primary address
        (0..250, or 254 for the only meter on the line; SND_NKE first, so that the meter starts
        its readout at the first telegram), or by secondary address @p id (8 ID digits or the
        16 hex digits a scan prints, F = any; selected, read through 253, deselected). REQ_UD2
        is repeated while a telegram says more records follow, up to @p max_telegrams.

        @return the telegrams as meterbus.decode() gives them; one whose records cannot be read
        to the end keeps its "error" member instead of raising. Raises meterbus.Error for a bus
        error (its partial holds the telegrams read before it)."""
        if (address is None) == (id is None):
            raise ValueError("meterbus: give one of address and id")
        if address is not None and not (0 <= address <= 250 or address == 254):
            raise ValueError("meterbus: address wants 0..250 or 254")
        if not 1 <= max_telegrams <= 1000:
            raise ValueError("meterbus: max_telegrams wants 1..1000")
        lib = self._lib
        self._retries(2)
        if id is not None:
            self._select(id)
            addr = _lib.ADDR_NETWORK
        else:
            addr = address
            self._transact(lib.mb_master_snd_nke(self._m, addr, now_ms()),
                           f"link reset of address {addr}")
        telegrams = []
        try:
            ro = ctypes.create_string_buffer(lib.sizes[_lib.STRUCT_READOUT])
            r = lib.mb_readout_start(ro, self._m, addr, max_telegrams, now_ms())
            while r >= 0:
                frame = _lib.Frame()
                r = lib.mb_readout_poll(ro, now_ms(), ctypes.byref(frame))
                if r == _lib.SCAN_ITEM:
                    telegrams.append(json_frame(lib, frame)[0])
                elif r == _lib.SCAN_PENDING:
                    self._wait()
                    self._raise_if_line_failed(telegrams)
                else:
                    break
            if r < 0:
                self._raise_if_line_failed(telegrams)
                raise Error(r, partial=telegrams, detail=f"telegram {len(telegrams) + 1}")
        finally:
            if id is not None:
                self._deselect()
        return telegrams

    def set_address(self, new_address, address=None, id=None):  # noqa: A002
        """Give the meter at primary @p address, or with secondary address @p id, the primary
        address @p new_address (0..250), then check that it answers there, as
        `meterbus set-address` does. @return True when it does, False when it acknowledged but
        does not answer as @p new_address. Raises meterbus.Error when it does not acknowledge."""
        if (address is None) == (id is None):
            raise ValueError("meterbus: give one of address and id")
        if not 0 <= new_address <= 250:
            raise ValueError("meterbus: new_address wants 0..250")
        if address is not None and not 0 <= address <= 250:
            raise ValueError("meterbus: address wants 0..250")
        lib = self._lib
        self._retries(2)
        if id is not None:
            self._select(id)
        try:
            addr = _lib.ADDR_NETWORK if id is not None else address
            self._transact(lib.mb_master_set_address(self._m, addr, new_address, now_ms()))
            # Ask under the new address: a meter that took it answers there (a selected one
            # answers through 253 with its new address in the A field).
            try:
                if id is not None:
                    self._transact(lib.mb_master_req_ud2(self._m, addr, now_ms()))
                    reply = _lib.Frame()
                    return bool(lib.mb_master_reply(self._m, ctypes.byref(reply))
                                and reply.a == new_address)
                self._transact(lib.mb_master_snd_nke(self._m, new_address, now_ms()))
                return True
            except Error as e:
                if e.code == _lib.ERR_MASTER_LINE:
                    raise
                return False
        finally:
            if id is not None:
                self._deselect()

    def stats(self):
        """What the master has done since it was (re)started: {"requests", "retries",
        "timeouts", "collisions", "echoes"}."""
        s = self._lib.mb_master_stats(self._m)
        return {name: getattr(s, name) for name, _ in _lib.MasterStats._fields_}

    def close(self):
        if self._link is not None:
            self._link.close()
            self._link = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        link = getattr(self, "_link", None)
        if link is not None:
            try:
                link.close()
            except OSError:
                pass
