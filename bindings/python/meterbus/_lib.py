"""Loading libmeterbus with ctypes: where it is found, the C declarations the bindings call, and
mirrors of the small structs they fill or read.

Large structs (mb_master_t, mb_scan_t, mb_readout_t, the format cache) stay opaque: they are
allocated with the size the loaded library reports (mb_struct_size()). The mirrored ones are
checked against that size when the library is loaded, so that a library built from other headers
fails loudly instead of corrupting memory.
"""

import ctypes
import ctypes.util
import glob
import os
import threading

from ctypes import (CFUNCTYPE, POINTER, Structure, c_bool, c_char_p, c_int, c_int16, c_size_t,
                    c_uint, c_uint8, c_uint16, c_uint32, c_void_p)

# ---- constants of the C headers ------------------------------------------------------------

# error.h
OK = 0
ERR_ARG = -1
ERR_NOSPACE = -2
ERR_FRAME_EMPTY = -10
ERR_FRAME_TRAILING = -19
ERR_SEC_NO_KEY = -51
ERR_WL_CRC = -42
ERR_MASTER_TIMEOUT = -66
ERR_MASTER_COLLISION = -67
ERR_MASTER_UNEXPECTED = -68
ERR_MASTER_LINE = -69

# version.h: feature bits and struct ids
FEATURE_WIRED = 0x01
FEATURE_WIRELESS = 0x02
FEATURE_SECURITY = 0x04
FEATURE_MASTER = 0x08
FEATURE_SLAVE = 0x10
FEATURE_TEXT = 0x20
FEATURE_REAL32 = 0x40
FEATURE_AES_TABLES = 0x80

STRUCT_RX = 1
STRUCT_FRAME = 2
STRUCT_SECONDARY = 3
STRUCT_HAL = 4
STRUCT_MASTER = 5
STRUCT_MASTER_CONFIG = 6
STRUCT_SCAN = 7
STRUCT_SCAN_FOUND = 8
STRUCT_READOUT = 9
STRUCT_SLAVE = 10
STRUCT_WFRAME = 11
STRUCT_WMSG = 12
STRUCT_KEYS = 13
STRUCT_KEY_REQUEST = 14
STRUCT_FORMAT = 15
STRUCT_FORMAT_CACHE = 16

# link.h, wlink.h, tpl.h, records.h, master.h, scan.h
ADDR_NETWORK = 253
WFORMAT_AUTO = 0
WFORMAT_NONE = 3
WFRAME_MIN_LEN = 11
WFRAME_MAX_LEN = 256
WFRAME_MAX_RAW_LEN = 290
CI_RECORDS = 1
RECORDS_TEXT_AFTER_VIF = 0x02
RECORDS_TEXT_2018 = 0x04
MASTER_PENDING = 1
SCAN_PENDING = 1
SCAN_ITEM = 2

# Room for the JSON of one telegram: what the meterbus tool gives itself.
JSON_CAP = 64 * 1024

# ---- struct mirrors ----------------------------------------------------------------------


class Secondary(Structure):
    """mb_secondary_t (link.h)."""
    _fields_ = [("id", c_uint32), ("manufacturer", c_uint16), ("version", c_uint8),
                ("medium", c_uint8)]


class Frame(Structure):
    """mb_frame_t (link.h); data points into the decoded buffer."""
    _fields_ = [("type", c_int), ("c", c_uint8), ("a", c_uint8), ("ci", c_uint8),
                ("data", c_void_p), ("data_len", c_size_t)]


HAL_WRITE = CFUNCTYPE(c_int, c_void_p, POINTER(c_uint8), c_size_t)
HAL_SET_BAUD = CFUNCTYPE(c_int, c_void_p, c_uint32)
HAL_FLUSH = CFUNCTYPE(None, c_void_p)


class Hal(Structure):
    """mb_hal_t (hal.h)."""
    _fields_ = [("write", HAL_WRITE), ("set_baud", HAL_SET_BAUD), ("flush", HAL_FLUSH)]


class MasterConfig(Structure):
    """mb_master_config_t (master.h)."""
    _fields_ = [("baud", c_uint32), ("extra_ms", c_uint32), ("retries", c_uint8)]


class MasterStats(Structure):
    """mb_master_stats_t (master.h), returned by value."""
    _fields_ = [("requests", c_uint32), ("retries", c_uint32), ("timeouts", c_uint32),
                ("collisions", c_uint32), ("echoes", c_uint32)]


class ScanFound(Structure):
    """mb_scan_found_t (scan.h)."""
    _fields_ = [("address", c_uint8), ("has_secondary", c_bool), ("secondary", Secondary)]


class WFrame(Structure):
    """mb_wframe_t (wlink.h); the pointers point into the caller's output buffer."""
    _fields_ = [("frame", c_void_p), ("frame_len", c_size_t), ("payload", c_void_p),
                ("payload_len", c_size_t), ("l", c_uint8), ("c", c_uint8), ("ci", c_uint8),
                ("address", Secondary), ("format", c_int), ("raw_len", c_size_t),
                ("blocks", c_uint8), ("crc_errors", c_uint32), ("rssi_dbm", c_int16),
                ("has_rssi", c_bool)]


class KeyRequest(Structure):
    """mb_key_request_t (security.h)."""
    _fields_ = [("meter", Secondary), ("mode", c_uint8), ("key_id", c_uint8),
                ("key_version", c_uint8)]


KEY_LOOKUP = CFUNCTYPE(c_int, c_void_p, POINTER(KeyRequest), POINTER(c_uint8))


class Keys(Structure):
    """mb_keys_t (security.h)."""
    _fields_ = [("lookup", KEY_LOOKUP), ("ctx", c_void_p), ("aes_hook", c_void_p)]


class Ell(Structure):
    """mb_ell_t (security.h), part of WMsg."""
    _fields_ = [("ci", c_uint8), ("cc", c_uint8), ("access", c_uint8), ("has_receiver", c_bool),
                ("receiver", Secondary), ("has_session", c_bool), ("session", c_uint32),
                ("payload_crc", c_uint16), ("len", c_size_t)]


class Afl(Structure):
    """mb_afl_t (security.h), part of WMsg."""
    _fields_ = [("fcl", c_uint16), ("has_mcl", c_bool), ("mcl", c_uint8), ("has_ki", c_bool),
                ("ki", c_uint16), ("has_mcr", c_bool), ("mcr", c_uint32), ("mac", c_void_p),
                ("mac_len", c_uint8), ("has_ml", c_bool), ("ml", c_uint16), ("len", c_size_t)]


class CiInfo(Structure):
    """mb_ci_info_t (tpl.h): three enums."""
    _fields_ = [("header", c_int), ("content", c_int), ("direction", c_int)]


class Tpl(Structure):
    """mb_tpl_t (tpl.h), part of WMsg."""
    _fields_ = [("ci", c_uint8), ("info", CiInfo), ("has_address", c_bool),
                ("address", Secondary), ("access", c_uint8), ("status", c_uint8),
                ("config", c_uint16), ("config_ext", c_uint8), ("has_config_ext", c_bool),
                ("message_counter", c_uint32), ("has_message_counter", c_bool),
                ("key_version", c_uint8), ("has_key_version", c_bool), ("apl", c_void_p),
                ("apl_len", c_size_t)]


class WMsg(Structure):
    """mb_wmsg_t (security.h): read for the plaintext records that teach compact formats."""
    _fields_ = [("c", c_uint8), ("link", Secondary), ("has_ell", c_bool), ("ell", Ell),
                ("has_afl", c_bool), ("afl", Afl), ("has_tpl", c_bool), ("tpl", Tpl),
                ("ell_decrypted", c_bool), ("authenticated", c_bool),
                ("security_mode", c_uint8)]


# Each mirror against the size the library reports (0: that part is compiled out, not checked).
MIRRORS = ((Frame, STRUCT_FRAME), (Secondary, STRUCT_SECONDARY), (Hal, STRUCT_HAL),
           (MasterConfig, STRUCT_MASTER_CONFIG), (ScanFound, STRUCT_SCAN_FOUND),
           (WFrame, STRUCT_WFRAME), (KeyRequest, STRUCT_KEY_REQUEST), (Keys, STRUCT_KEYS),
           (WMsg, STRUCT_WMSG))

# ---- prototypes ----------------------------------------------------------------------------

_u8p = POINTER(c_uint8)

# name: (restype, argtypes, feature bits it needs)
PROTOTYPES = {
    "mb_version": (c_char_p, [], 0),
    "mb_version_number": (c_uint32, [], 0),
    "mb_features": (c_uint32, [], 0),
    "mb_struct_size": (c_size_t, [c_int], 0),
    "mb_strerror": (c_char_p, [c_int], 0),
    "mb_error_name": (c_char_p, [c_int], 0),
    "mb_id_text": (None, [c_uint32, ctypes.c_char_p], 0),
    "mb_manufacturer_text": (c_bool, [c_uint16, ctypes.c_char_p], 0),
    "mb_medium_name": (c_char_p, [c_uint8], 0),
    "mb_json_error": (c_int, [c_int, c_void_p, c_size_t], 0),
    "mb_frame_decode": (c_int, [_u8p, c_size_t, POINTER(Frame)], FEATURE_WIRED),
    "mb_frame_encode": (c_int, [POINTER(Frame), _u8p, c_size_t], FEATURE_WIRED),
    "mb_json_frame": (c_int, [POINTER(Frame), c_uint, c_void_p, c_size_t, POINTER(c_int)],
                      FEATURE_WIRED),
    "mb_wframe_decode": (c_int, [_u8p, c_size_t, c_int, _u8p, c_size_t, POINTER(WFrame)],
                         FEATURE_WIRELESS),
    "mb_format_cache_init": (None, [c_void_p, c_void_p, c_size_t], FEATURE_WIRELESS),
    "mb_format_cache_put": (c_int, [c_void_p, c_void_p], FEATURE_WIRELESS),
    "mb_format_learn": (c_int, [c_void_p, c_size_t, c_void_p], FEATURE_WIRELESS),
    "mb_wmsg_open": (c_int, [c_void_p, c_size_t, POINTER(Keys), c_void_p, c_size_t,
                             POINTER(WMsg)], FEATURE_WIRELESS | FEATURE_SECURITY),
    "mb_json_wmsg": (c_int, [POINTER(WFrame), POINTER(WMsg), c_int, c_void_p, c_uint, c_void_p,
                             c_size_t, POINTER(c_int)], FEATURE_WIRELESS | FEATURE_SECURITY),
    "mb_master_init": (None, [c_void_p, POINTER(Hal), c_void_p, POINTER(MasterConfig)],
                       FEATURE_MASTER),
    "mb_master_feed": (c_size_t, [c_void_p, _u8p, c_size_t, c_uint32], FEATURE_MASTER),
    "mb_master_poll": (c_int, [c_void_p, c_uint32], FEATURE_MASTER),
    "mb_master_reply": (c_bool, [c_void_p, POINTER(Frame)], FEATURE_MASTER),
    "mb_master_stats": (MasterStats, [c_void_p], FEATURE_MASTER),
    "mb_master_snd_nke": (c_int, [c_void_p, c_uint8, c_uint32], FEATURE_MASTER),
    "mb_master_req_ud2": (c_int, [c_void_p, c_uint8, c_uint32], FEATURE_MASTER),
    "mb_master_select": (c_int, [c_void_p, POINTER(Secondary), POINTER(c_uint32), c_uint32],
                         FEATURE_MASTER),
    "mb_master_set_address": (c_int, [c_void_p, c_uint8, c_uint8, c_uint32], FEATURE_MASTER),
    "mb_scan_primary": (c_int, [c_void_p, c_void_p, c_uint8, c_uint8, c_uint32],
                        FEATURE_MASTER),
    "mb_scan_secondary": (c_int, [c_void_p, c_void_p, c_bool, c_uint32], FEATURE_MASTER),
    "mb_scan_poll": (c_int, [c_void_p, c_uint32, POINTER(ScanFound)], FEATURE_MASTER),
    "mb_scan_abort": (None, [c_void_p], FEATURE_MASTER),
    "mb_readout_start": (c_int, [c_void_p, c_void_p, c_uint8, c_uint, c_uint32],
                         FEATURE_MASTER),
    "mb_readout_poll": (c_int, [c_void_p, c_uint32, POINTER(Frame)], FEATURE_MASTER),
}


class LibraryError(OSError):
    """libmeterbus could not be found or loaded, or does not match these bindings."""


def _candidates():
    """Where the library is looked for, in order: (how it was found, path or name)."""
    env = os.environ.get("MB_LIBRARY")
    if env:
        return [("MB_LIBRARY", env)]
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    # Inside the installed package (a wheel built with a bundled library): the plain name first.
    for path in sorted(glob.glob(os.path.join(here, "libmeterbus.so*")), key=len):
        found.append(("package", path))
    for path in sorted(glob.glob(os.path.join(here, "libmeterbus*.dylib")), key=len):
        found.append(("package", path))
    name = ctypes.util.find_library("meterbus")
    if name:
        found.append(("system", name))
    return found


SANITIZER_HINT = ("a library built with sanitizers: run python with their runtime preloaded, "
                  "e.g. LD_PRELOAD=\"$(gcc -print-file-name=libasan.so) $(gcc -print-file-name="
                  "libubsan.so)\" ASAN_OPTIONS=detect_leaks=0, or use a build without sanitizers")


def _needs_absent_asan(path):
    """True when @p path is built with AddressSanitizer and this process has no ASan runtime:
    loading it would end the process (the runtime must come first), not raise."""
    try:
        with open(os.path.realpath(path), "rb") as f:
            if b"__asan_init" not in f.read():
                return False
    except OSError:
        return False  # a bare name for the loader to find, or unreadable: let CDLL say
    return not hasattr(ctypes.CDLL(None), "__asan_init")


class Library:
    """The loaded library: ctypes functions as attributes, plus what the bindings need to know."""

    def __init__(self, path, how):
        if _needs_absent_asan(path):
            raise LibraryError(f"meterbus: cannot load {path} (found by {how}): {SANITIZER_HINT}")
        try:
            self.dll = ctypes.CDLL(path)
        except OSError as e:
            hint = f" ({SANITIZER_HINT})" if "san" in str(e) else ""
            raise LibraryError(f"meterbus: cannot load {path} (found by {how}): {e}{hint}") from e
        self.path = path
        self.how = how
        for name in ("mb_features", "mb_struct_size"):
            if not hasattr(self.dll, name):
                raise LibraryError(f"meterbus: {path} has no {name}(): a library older than "
                                   "these bindings")
        self.dll.mb_features.restype = c_uint32
        self.dll.mb_features.argtypes = []
        self.features = self.dll.mb_features()
        for name, (restype, argtypes, needs) in PROTOTYPES.items():
            if needs and (self.features & needs) != needs:
                continue
            fn = getattr(self.dll, name)
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)
        self.sizes = {}
        for sid in range(STRUCT_RX, STRUCT_FORMAT_CACHE + 1):
            self.sizes[sid] = self.mb_struct_size(sid)
        for mirror, sid in MIRRORS:
            size = self.sizes[sid]
            if size != 0 and size != ctypes.sizeof(mirror):
                raise LibraryError(
                    f"meterbus: {path}: {mirror.__name__} is {size} bytes in the library, "
                    f"{ctypes.sizeof(mirror)} in these bindings: they do not match")
        self.version = self.mb_version().decode()

    def has(self, bits):
        return (self.features & bits) == bits

    def error_name(self, code):
        return self.mb_error_name(code).decode()

    def strerror(self, code):
        return self.mb_strerror(code).decode()


_lock = threading.Lock()
_loaded = None


def load():
    """The library, loaded on first use. Raises LibraryError when it cannot be found or used."""
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        candidates = _candidates()
        if not candidates:
            raise LibraryError(
                "meterbus: libmeterbus not found: set MB_LIBRARY to the path of libmeterbus.so "
                "(built by CMake with MB_BUILD_SHARED=ON), install it where the system finds "
                "shared libraries, or install a wheel built with one bundled")
        how, path = candidates[0]
        _loaded = Library(path, how)
        return _loaded
