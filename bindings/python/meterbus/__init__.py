"""meterbus: wired and wireless M-Bus (EN 13757) for Python, over the C library libmeterbus.

    import meterbus
    meterbus.decode("68 20 20 68 08 FD 72 ...")          # a telegram as the tool's decode --json
    with meterbus.Master(tcp="gateway:10001") as m:       # a wired bus behind a TCP gateway
        for meter in m.scan_primary():
            print(meter["id"], m.read(address=meter["address"]))

The library is found through the MB_LIBRARY environment variable (a path), else a libmeterbus.so*
inside this package, else the system's search path; see library().
"""

from ._decode import Decoder, Error, decode
from ._lib import LibraryError
from ._master import Master

__all__ = ["decode", "Decoder", "Master", "Error", "LibraryError", "library", "version",
           "features"]
__version__ = "0.1.0"


def library():
    """The path of the loaded libmeterbus (loading it on first use; raises LibraryError)."""
    from ._lib import load
    return load().path


def version():
    """The version of the loaded libmeterbus ("0.1.0")."""
    from ._lib import load
    return load().version


def features():
    """The MB_ENABLE_* switches the loaded libmeterbus was built with, as a set of names:
    {"wired", "wireless", "security", "master", "slave", "text", "real32", "aes_tables"}."""
    from . import _lib
    bits = _lib.load().features
    names = ("wired", "wireless", "security", "master", "slave", "text", "real32", "aes_tables")
    return {name for i, name in enumerate(names) if bits & (1 << i)}
