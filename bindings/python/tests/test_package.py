"""The package around the bindings: the build backend's wheel and sdist, where the library is
looked for, the struct mirrors, and the serial line's parity-mark decoding."""

import base64
import ctypes
import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

from support import SOURCE, library_or_skip

import meterbus
from meterbus import _lib
from meterbus._transport import split_endpoint, unmark

sys.path.insert(0, SOURCE)
meterbus_build = importlib.import_module("meterbus_build")


def pyproject_version():
    with open(os.path.join(SOURCE, "pyproject.toml"), encoding="utf-8") as f:
        return re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)


class Backend(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def check_record(self, z):
        """RECORD lists every other file with its sha256 and size, and itself without."""
        names = z.namelist()
        record = [n for n in names if n.endswith(".dist-info/RECORD")]
        self.assertEqual(len(record), 1)
        lines = z.read(record[0]).decode().splitlines()
        listed = {}
        for line in lines:
            path, digest, size = line.rsplit(",", 2)
            listed[path] = (digest, size)
        self.assertEqual(sorted(listed), sorted(names))
        self.assertEqual(listed[record[0]], ("", ""))
        for name in names:
            if name == record[0]:
                continue
            data = z.read(name)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            self.assertEqual(listed[name], ("sha256=" + digest.decode(), str(len(data))), name)

    def test_pure_wheel(self):
        name = meterbus_build.build_wheel(self.tmp, {"library": ""})
        version = pyproject_version()
        self.assertEqual(name, f"meterbus-{version}-py3-none-any.whl")
        with zipfile.ZipFile(os.path.join(self.tmp, name)) as z:
            self.check_record(z)
            names = set(z.namelist())
            for module in ("__init__", "_decode", "_lib", "_master", "_transport"):
                self.assertIn(f"meterbus/{module}.py", names)
            self.assertFalse([n for n in names if "libmeterbus" in n or "__pycache__" in n])
            info = f"meterbus-{version}.dist-info"
            wheel = z.read(f"{info}/WHEEL").decode()
            self.assertIn("Root-Is-Purelib: true\n", wheel)
            self.assertIn("Tag: py3-none-any\n", wheel)
            metadata = z.read(f"{info}/METADATA").decode()
            self.assertTrue(metadata.startswith(
                f"Metadata-Version: 2.1\nName: meterbus\nVersion: {version}\n"))
            self.assertIn("Requires-Python: >=3.8\n", metadata)
            self.assertIn("# meterbus for Python", metadata)  # the README as description

    def test_wheel_with_library(self):
        lib = os.path.join(self.tmp, "libmeterbus.so.9")
        with open(lib, "wb") as f:
            f.write(b"\x7fELF not really")
        os.symlink(lib, os.path.join(self.tmp, "libmeterbus.so"))
        out = os.path.join(self.tmp, "out")
        name = meterbus_build.build_wheel(out, {"library": os.path.join(self.tmp,
                                                                        "libmeterbus.so")})
        self.assertRegex(name, r"^meterbus-[0-9.]+-py3-none-[a-z0-9_]+\.whl$")
        self.assertNotIn("-any.", name)
        with zipfile.ZipFile(os.path.join(out, name)) as z:
            self.check_record(z)
            self.assertEqual(z.read("meterbus/libmeterbus.so"), b"\x7fELF not really")
            info = z.getinfo("meterbus/libmeterbus.so")
            self.assertEqual(info.external_attr >> 16, 0o755)
            wheel = [n for n in z.namelist() if n.endswith("/WHEEL")][0]
            self.assertIn("Root-Is-Purelib: false\n", z.read(wheel).decode())
        with self.assertRaises(FileNotFoundError):
            meterbus_build.build_wheel(out, {"library": os.path.join(self.tmp, "missing.so")})

    def test_sdist(self):
        name = meterbus_build.build_sdist(self.tmp)
        version = pyproject_version()
        self.assertEqual(name, f"meterbus-{version}.tar.gz")
        with tarfile.open(os.path.join(self.tmp, name)) as tar:
            names = set(tar.getnames())
        top = f"meterbus-{version}"
        for member in ("PKG-INFO", "pyproject.toml", "meterbus_build.py", "README.md",
                       "meterbus/__init__.py", "meterbus/_master.py", "tests/test_decode.py"):
            self.assertIn(f"{top}/{member}", names)
        # The sdist builds the same wheel again.
        self.assertEqual(meterbus_build.get_requires_for_build_wheel(), [])

    def test_editable(self):
        name = meterbus_build.build_editable(self.tmp)
        with zipfile.ZipFile(os.path.join(self.tmp, name)) as z:
            self.check_record(z)
            self.assertEqual(z.read("meterbus_editable.pth").decode().strip(), SOURCE)

    def test_versions_agree(self):
        """The package's version is the distribution's, and the C library's of this tree."""
        self.assertEqual(meterbus.__version__, pyproject_version())
        header = os.path.join(SOURCE, "..", "..", "include", "meterbus", "version.h")
        if not os.path.exists(header):
            self.skipTest("not in the source tree")
        with open(header, encoding="utf-8") as f:
            text = f.read()
        parts = [re.search(rf"#define MB_VERSION_{p} ([0-9]+)", text).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.assertEqual(pyproject_version(), ".".join(parts))


def run_python(code, env):
    proc = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, timeout=60)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


class Lookup(unittest.TestCase):
    def env(self, **changes):
        env = {k: v for k, v in os.environ.items() if k != "MB_LIBRARY"}
        env.update(changes)
        return env

    def test_missing_library_named(self):
        code = (f"import sys; sys.path.insert(0, {SOURCE!r}); import meterbus\n"
                "try:\n    meterbus.decode('E5')\n"
                "except meterbus.LibraryError as e:\n    print('LibraryError', e)\n")
        status, out, err = run_python(code, self.env(MB_LIBRARY="/nonexistent/libmeterbus.so"))
        self.assertEqual((status, err), (0, ""))
        self.assertIn("LibraryError meterbus: cannot load /nonexistent/libmeterbus.so", out)
        self.assertIn("MB_LIBRARY", out)

    def test_library_inside_the_package(self):
        lib = library_or_skip()
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(SOURCE, "meterbus"), os.path.join(tmp, "meterbus"),
                            ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(os.path.realpath(lib.path), os.path.join(tmp, "meterbus",
                                                                 "libmeterbus.so"))
            code = (f"import sys; sys.path.insert(0, {tmp!r}); import meterbus\n"
                    "print(meterbus.decode('10 5B FE 59 16'), meterbus.library())\n")
            status, out, err = run_python(code, self.env())
            self.assertEqual((status, err), (0, ""))
            self.assertEqual(out, f"{meterbus.decode('10 5B FE 59 16')} " +
                             os.path.join(tmp, "meterbus", "libmeterbus.so") + "\n")
            self.assertIn("'a': 254", out)


class Mirrors(unittest.TestCase):
    def test_sizes(self):
        lib = library_or_skip()
        for mirror, sid in _lib.MIRRORS:
            self.assertEqual(lib.sizes[sid], ctypes.sizeof(mirror), mirror.__name__)
        for sid in (_lib.STRUCT_MASTER, _lib.STRUCT_SCAN, _lib.STRUCT_READOUT,
                    _lib.STRUCT_FORMAT, _lib.STRUCT_FORMAT_CACHE):
            self.assertGreater(lib.sizes[sid], 0)
        self.assertEqual(meterbus.version(), pyproject_version())
        self.assertLessEqual({"wired", "wireless", "security", "master"}, meterbus.features())


class ParityMarks(unittest.TestCase):
    """PARMRK: FF FF is a data FF, FF 00 x a character with a parity or framing error (dropped),
    FF 00 00 a break (dropped); escapes may be split across reads."""

    def test_unmark(self):
        self.assertEqual(unmark(b"\x68\x03\x03\x68", 0), (b"\x68\x03\x03\x68", 0))
        self.assertEqual(unmark(b"\x10\xff\xff\x16", 0), (b"\x10\xff\x16", 0))
        self.assertEqual(unmark(b"\x10\xff\x00\x5b\x16", 0), (b"\x10\x16", 0))
        self.assertEqual(unmark(b"\xff\x00\x00\xe5", 0), (b"\xe5", 0))
        self.assertEqual(unmark(b"\xff\x42", 0), (b"\x42", 0))  # a lone FF: dropped

    def test_split_escapes(self):
        data = b"\x10\xff\xff\x5b\xff\x00\x77\x16"
        for cut in range(len(data) + 1):
            first, state = unmark(data[:cut], 0)
            rest, state = unmark(data[cut:], state)
            self.assertEqual((first + rest, state), (b"\x10\xff\x5b\x16", 0), f"cut at {cut}")


class Endpoints(unittest.TestCase):
    def test_split(self):
        self.assertEqual(split_endpoint("127.0.0.1:10001"), ("127.0.0.1", 10001))
        self.assertEqual(split_endpoint("[::1]:8000"), ("::1", 8000))
        self.assertEqual(split_endpoint("gateway.local:5"), ("gateway.local", 5))
        for bad in ("nohost", ":5", "host:", "host:port", "[::1]8000"):
            with self.assertRaises(ValueError, msg=bad):
                split_endpoint(bad)


if __name__ == "__main__":
    unittest.main()
