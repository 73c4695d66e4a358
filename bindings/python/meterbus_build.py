"""A PEP 517 build backend for the meterbus bindings, with the standard library only: pip can
build and install them without fetching setuptools, hence without a network.

Builds a wheel (the package meterbus/ and a .dist-info with METADATA, WHEEL and RECORD), an
editable wheel (a .pth file naming this folder), and an sdist.

A libmeterbus.so can be bundled into the wheel, which the package then loads when MB_LIBRARY is
not set at run time: name it with the config setting `library` (pip -C library=PATH) or, when
that is absent, with the environment variable MB_LIBRARY at build time. A wheel with the library
is tagged for this platform (py3-none-linux_x86_64...), one without it is py3-none-any.
"""

import base64
import gzip
import hashlib
import io
import os
import re
import sysconfig
import tarfile
import time
import zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "meterbus"
# Files of the source tree that go into the sdist besides the package.
SDIST_FILES = ("pyproject.toml", "meterbus_build.py", "README.md")


# ---- metadata --------------------------------------------------------------------------------


def _project():
    """The [project] table of pyproject.toml (tomllib where there is one, else the simple
    `key = "value"` lines this file uses)."""
    path = os.path.join(ROOT, "pyproject.toml")
    try:
        import tomllib
    except ImportError:
        tomllib = None
    if tomllib is not None:
        with open(path, "rb") as f:
            return tomllib.load(f)["project"]
    project = {}
    table = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = re.fullmatch(r"\[([A-Za-z0-9_.-]+)\]", line)
            if m:
                table = m.group(1)
                continue
            m = re.fullmatch(r'([A-Za-z0-9_-]+)\s*=\s*"([^"]*)"', line)
            if table == "project" and m:
                project[m.group(1)] = m.group(2)
            m = re.fullmatch(r'license\s*=\s*\{\s*text\s*=\s*"([^"]*)"\s*\}', line)
            if table == "project" and m:
                project["license"] = {"text": m.group(1)}
    return project


def _names():
    p = _project()
    name = p["name"]
    version = p["version"]
    # Wheel and sdist file names: runs of -_. become one underscore (normalised distribution).
    return name, version, re.sub(r"[-_.]+", "_", name).lower()


def _metadata():
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}"]
    if "description" in p:
        lines.append(f"Summary: {p['description']}")
    if isinstance(p.get("license"), dict) and "text" in p["license"]:
        lines.append(f"License: {p['license']['text']}")
    if "requires-python" in p:
        lines.append(f"Requires-Python: {p['requires-python']}")
    body = ""
    readme = p.get("readme")
    if readme:
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, readme), encoding="utf-8") as f:
            body = f.read()
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


def _wheel_file(tag, purelib):
    return (f"Wheel-Version: 1.0\nGenerator: meterbus_build\n"
            f"Root-Is-Purelib: {'true' if purelib else 'false'}\nTag: {tag}\n").encode()


def _bundled_library(config_settings):
    settings = config_settings or {}
    # An empty setting (-C library=) bundles nothing, whatever MB_LIBRARY says.
    path = settings["library"] if "library" in settings else os.environ.get("MB_LIBRARY")
    if not path:
        return None
    path = os.path.realpath(path)  # libmeterbus.so is a symbolic link to the versioned file
    if not os.path.isfile(path):
        raise FileNotFoundError(f"meterbus_build: the library to bundle does not exist: {path}")
    return path


def _platform_tag():
    return re.sub(r"[^A-Za-z0-9]+", "_", sysconfig.get_platform())


# ---- archives --------------------------------------------------------------------------------


def _timestamp():
    # Reproducible archives: SOURCE_DATE_EPOCH when set, else the earliest date zip can hold.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return max(int(epoch), 315532800)
    return 315532800  # 1980-01-01


def _package_files():
    """(path in the archive, path on disk) of the package's Python files, sorted."""
    files = []
    base = os.path.join(ROOT, PACKAGE)
    for name in sorted(os.listdir(base)):
        if name.endswith(".py"):
            files.append((f"{PACKAGE}/{name}", os.path.join(base, name)))
    return files


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory, entries, tag, purelib):
    """entries: (arcname, bytes, executable). Adds the .dist-info and returns the file name."""
    name, version, dist = _names()
    info = f"{dist}-{version}.dist-info"
    entries = list(entries) + [
        (f"{info}/METADATA", _metadata(), False),
        (f"{info}/WHEEL", _wheel_file(tag, purelib), False),
    ]
    record = [_record_line(arc, data) for arc, data, _ in entries]
    record.append(f"{info}/RECORD,,")
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode(), False))
    filename = f"{dist}-{version}-{tag}.whl"
    stamp = time.gmtime(_timestamp())[:6]
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for arc, data, executable in entries:
            zi = zipfile.ZipInfo(arc, stamp)
            zi.external_attr = (0o755 if executable else 0o644) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return filename


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# ---- PEP 517 hooks -------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version, dist = _names()
    info = f"{dist}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    library = _bundled_library(config_settings)
    tag = f"py3-none-{_platform_tag()}" if library else "py3-none-any"
    with open(os.path.join(metadata_directory, info, "METADATA"), "wb") as f:
        f.write(_metadata())
    with open(os.path.join(metadata_directory, info, "WHEEL"), "wb") as f:
        f.write(_wheel_file(tag, library is None))
    return info


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    # An editable install never bundles the library: the package is the source folder's.
    name, version, dist = _names()
    info = f"{dist}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "wb") as f:
        f.write(_metadata())
    with open(os.path.join(metadata_directory, info, "WHEEL"), "wb") as f:
        f.write(_wheel_file("py3-none-any", True))
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    entries = [(arc, _read(path), False) for arc, path in _package_files()]
    library = _bundled_library(config_settings)
    if library is None:
        return _write_wheel(wheel_directory, entries, "py3-none-any", True)
    entries.append((f"{PACKAGE}/libmeterbus.so", _read(library), True))
    return _write_wheel(wheel_directory, entries, f"py3-none-{_platform_tag()}", False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # The package stays where it is: a .pth file puts this folder on sys.path.
    pth = (ROOT + "\n").encode()
    return _write_wheel(wheel_directory, [(f"{PACKAGE}_editable.pth", pth, False)],
                        "py3-none-any", True)


def build_sdist(sdist_directory, config_settings=None):
    name, version, dist = _names()
    top = f"{dist}-{version}"
    files = [(f"{top}/{rel}", os.path.join(ROOT, rel)) for rel in SDIST_FILES]
    files += [(f"{top}/{arc}", path) for arc, path in _package_files()]
    tests = os.path.join(ROOT, "tests")
    if os.path.isdir(tests):
        files += [(f"{top}/tests/{n}", os.path.join(tests, n))
                  for n in sorted(os.listdir(tests)) if n.endswith(".py")]
    filename = f"{top}.tar.gz"
    os.makedirs(sdist_directory, exist_ok=True)
    stamp = _timestamp()
    with open(os.path.join(sdist_directory, filename), "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=stamp) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add(arcname, data):
            ti = tarfile.TarInfo(arcname)
            ti.size = len(data)
            ti.mtime = stamp
            ti.mode = 0o644
            tar.addfile(ti, io.BytesIO(data))
        add(f"{top}/PKG-INFO", _metadata())
        for arc, path in files:
            add(arc, _read(path))
    return filename
