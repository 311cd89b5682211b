#!/usr/bin/env python3
"""Set up, serve and build the CloudTalk phone app, with the standard library only.

    python3 serve.py                  # prepare vendor/ when needed, then serve on 127.0.0.1:8000
    python3 serve.py build DIR        # write a deployable static site to DIR

`vendor/` holds the self-hosted runtime (PyScript, Pyodide, MicroPython and the
Pyodide wheels of pydantic). It is fetched with `npm` and `pip`, checked against
the sha256 pins below, and never committed.
"""

from __future__ import annotations

import argparse
import email.utils
import errno
import gzip
import hashlib
import http.server
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent
VENDOR = ROOT / "vendor"
STAMP = VENDOR / "stamp.json"

# Bump when the layout of vendor/ changes, so that old folders are rebuilt.
LAYOUT_VERSION = 6


@dataclass(frozen=True)
class NpmPin:
    package: str
    version: str
    sha256: str
    folder: str  # where it lands under vendor/
    files: tuple[str, ...]  # paths inside the tarball's package/ folder; "dist/" copies a folder


@dataclass(frozen=True)
class WheelPin:
    requirement: str
    file_name: str
    sha256: str
    pyodide_platform: bool = False  # needs the Pyodide platform tag to be found


NPM_PINS = (
    NpmPin(
        "@pyscript/core",
        "0.7.31",
        "b2ca1a0c0956aebd990a7c8524cca1eb061444a8319a7264d2f31ef30bea276a",
        "pyscript",
        ("dist/",),
    ),
    NpmPin(
        "pyodide",
        "314.0.5",
        "8f8c8aef26dd7ac07658415fcefbc11c12a689196e7815d72e3775c1c764be4b",
        "pyodide",
        ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"),
    ),
    NpmPin(
        "@micropython/micropython-webassembly-pyscript",
        "1.27.0",
        "303919763c8ebfe5923b9da66226c20dce44ad72b604b225fb39338ea15367af",
        "micropython",
        ("micropython.mjs", "micropython.wasm"),
    ),
)

WHEEL_PINS = (
    WheelPin(
        "pydantic==2.14.3",
        "pydantic-2.14.3-py3-none-any.whl",
        "3f7b347782ab7e4cf4c798496ae3a82787d9f21ec12676a9c564355eeef8daa8",
    ),
    WheelPin(
        "pydantic-core==2.50.4",
        "pydantic_core-2.50.4-cp314-cp314-pyemscripten_2026_0_wasm32.whl",
        "e6da138a1ecc1341c8b788a5ee822670b03788e1f5decf7af9d461de6e508b8e",
        pyodide_platform=True,
    ),
    WheelPin(
        "typing-extensions==4.16.0",
        "typing_extensions-4.16.0-py3-none-any.whl",
        "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
    ),
    WheelPin(
        "typing-inspection==0.4.5",
        "typing_inspection-0.4.5-py3-none-any.whl",
        "bc210535442b39e1bf2805e0c7a17dfd6a4ace760c84c7f7d16245d23a6b1c39",
    ),
    WheelPin(
        "annotated-types==0.8.0",
        "annotated_types-0.8.0-py3-none-any.whl",
        "f072f4d804ea359e4eaf198b1af7a8b0943881a87f31bb764f8bf219bb9419e0",
    ),
)

PYODIDE_PLATFORM = ("pyemscripten_2026_0_wasm32", "3.14", "cp", "cp314")

# What a deployed site needs: the app's own files plus vendor/.
SITE_FILES = ("index.html", "pyscript.toml", "app.css", "boot.js")
SITE_FOLDERS = ("py", "runtime", "simulator", "vendor")


class SetupError(Exception):
    """A failure the user can act on; main() prints it and exits non-zero."""


def _say(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- verification


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        raise SetupError(
            f"hash mismatch for {path.name}: expected sha256 {expected}, got {actual}. "
            "The download differs from the pinned file; refusing to use it."
        )


def pins_fingerprint() -> str:
    pins = {
        "layout": LAYOUT_VERSION,
        "npm": [p.__dict__ for p in NPM_PINS],
        "wheels": [p.__dict__ for p in WHEEL_PINS],
        "precompiled": precompiled_modules(),
    }
    return hashlib.sha256(json.dumps(pins, sort_keys=True).encode()).hexdigest()


def vendor_is_current(vendor: Path = VENDOR) -> bool:
    try:
        stamp = json.loads((vendor / "stamp.json").read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("pins") == pins_fingerprint()


# ---------------------------------------------------------------- pyodide-lock


def canonical_name(name: str) -> str:
    """PEP 503 normalisation, which is how Pyodide's lock keys its packages."""
    out = []
    for ch in name.lower():
        out.append("-" if ch in "._-" else ch)
    text = "".join(out)
    while "--" in text:
        text = text.replace("--", "-")
    return text


@dataclass(frozen=True)
class WheelInfo:
    file_name: str
    name: str
    version: str
    sha256: str
    depends: tuple[str, ...]
    imports: tuple[str, ...]


def read_wheel(path: Path) -> WheelInfo:
    """Name, version, dependencies and top-level imports, read from the wheel itself."""
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        metadata_name = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(metadata_name).decode("utf-8")
    fields: dict[str, list[str]] = {}
    for line in metadata.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            fields.setdefault(key, []).append(value.strip())
    depends = []
    for requirement in fields.get("Requires-Dist", []):
        spec, _, marker = requirement.partition(";")
        if "extra" in marker:  # optional extras are never installed in the browser
            continue
        bare = spec.strip()
        for stop in "<>=!~[( ":
            bare = bare.split(stop, 1)[0]
        depends.append(canonical_name(bare))
    top_level = sorted(
        {
            n.split("/", 1)[0].removesuffix(".py")
            for n in names
            if ".dist-info" not in n.split("/", 1)[0] and (n.endswith(".py") or "/" in n)
        }
    )
    return WheelInfo(
        file_name=path.name,
        name=canonical_name(fields["Name"][0]),
        version=fields["Version"][0],
        sha256=sha256_of(path),
        depends=tuple(depends),
        imports=tuple(top_level),
    )


def vendored_lock(lock: dict, wheels: list[WheelInfo]) -> dict:
    """Pyodide's lock, cut down to exactly the vendored wheels and describing them.

    Hand-written on purpose: the `pyodide-lock` library cannot do this yet
    (0.1.x cannot read Pyodide 314's lock; 0.2.x needs Python >= 3.12 and rejects
    `pyemscripten_*` wheel tags). Replace this function once it can.
    """
    vendored = {w.name for w in wheels}
    packages = {}
    for wheel in wheels:
        missing = [d for d in wheel.depends if d not in vendored]
        if missing:
            raise SetupError(f"{wheel.file_name} depends on {', '.join(missing)}, which is not vendored")
        base = dict(lock.get("packages", {}).get(wheel.name, {}))
        base.update(
            name=wheel.name,
            version=wheel.version,
            file_name=wheel.file_name,
            sha256=wheel.sha256,
            depends=list(wheel.depends),
            imports=list(base.get("imports") or wheel.imports),
            install_dir="site",
            package_type="package",
            unvendored_tests=False,
        )
        packages[wheel.name] = base
    return {"info": dict(lock["info"]), "packages": packages}


# ---------------------------------------------------------------- fetching


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise SetupError(f"`{command[0]}` was not found; it is needed to {what}. Install it and run again.") from None
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SetupError(f"could not {what}: `{' '.join(command)}` failed:\n  " + "\n  ".join(tail))


def fetch_npm(pin: NpmPin, into: Path) -> Path:
    if shutil.which("npm") is None:
        raise SetupError("`npm` was not found; it is needed to fetch the PyScript and Pyodide runtime. Install Node.js and npm.")
    _say(f"fetching {pin.package}@{pin.version} with npm")
    _run(["npm", "pack", "--silent", f"{pin.package}@{pin.version}", "--pack-destination", str(into)], f"fetch {pin.package}")
    name = pin.package.lstrip("@").replace("/", "-") + f"-{pin.version}.tgz"
    tarball = into / name
    verify(tarball, pin.sha256)
    return tarball


def fetch_wheel(pin: WheelPin, into: Path) -> Path:
    _say(f"fetching {pin.requirement} with pip")
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--dest", str(into)]
    if pin.pyodide_platform:
        platform, version, implementation, abi = PYODIDE_PLATFORM
        command += ["--platform", platform, "--python-version", version, "--implementation", implementation, "--abi", abi]
    _run([*command, pin.requirement], f"fetch {pin.requirement}")
    wheel = into / pin.file_name
    if not wheel.exists():
        raise SetupError(f"pip did not produce {pin.file_name} for {pin.requirement}")
    verify(wheel, pin.sha256)
    return wheel


def unpack_npm(tarball: Path, pin: NpmPin, dest: Path) -> None:
    target = dest / pin.folder
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as archive:
        archive.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        for item in pin.files:
            source = package / item
            if item.endswith("/"):
                for path in sorted(source.iterdir()):
                    if path.is_file() and not path.name.endswith(".map"):
                        shutil.copy2(path, target / path.name)
            else:
                shutil.copy2(source, target / Path(item).name)


RUNTIME_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

# Runs in Node.js with the vendored Pyodide, so Pyodide's own Python 3.14 compiles and the
# bytecode matches the interpreter that loads it. In python_stdlib.zip and in each wheel, every
# module listed in pyproject.toml's [tool.cloudtalk] precompiled-modules (what the app imports by
# the time it is ready) is replaced by sourceless bytecode: compiled as `python -OO` would (no
# docstrings or asserts) and without column tables (PYTHONNODEBUGRANGES), which keeps the download
# near the published size. Unchecked-hash headers: the browser never recompiles or re-checks them.
# Every other module stays source. Archives are rewritten deterministically; wheels get a new RECORD.
PRECOMPILE_JS = r"""
const [dir, modulesFile, ...names] = process.argv.slice(1);
const { loadPyodide } = await import(dir + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: dir + "/", env: { HOME: "/home/pyodide", PYTHONNODEBUGRANGES: "1" } });
py.FS.mkdirTree("/vendor");
py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, "/vendor");
py.FS.mkdirTree("/modules");
py.FS.writeFile("/modules/list.json", (await import("node:fs")).readFileSync(modulesFile));
py.globals.set("names", names);
py.runPython(`
import base64, hashlib, importlib.util, json, marshal, os, zipfile

WANTED = set(json.load(open("/modules/list.json")))
STAMP = (1980, 1, 1, 0, 0, 0)

def module_name(member):
    parts = member[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

def bytecode(source, filename):
    code = compile(source, filename, "exec", dont_inherit=True, optimize=2)
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
    return header + marshal.dumps(code)

def rewrite(path, prefix, record=None):
    with zipfile.ZipFile(path) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    out = []
    for name, data in members:
        if name.endswith(".py") and module_name(name) in WANTED:
            out.append((name[:-3] + ".pyc", bytecode(data, prefix + name)))
        elif name != record:
            out.append((name, data))
    if record:
        digest = lambda d: base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode()
        rows = [f"{n},sha256={digest(d)},{len(d)}" for n, d in out]
        out.append((record, ("\\n".join([*rows, record + ",,"]) + "\\n").encode()))
    with zipfile.ZipFile(path + ".new", "w") as archive:
        for name, data in sorted(out):
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    os.replace(path + ".new", path)  # a new file: the stock copy's hard link is left alone

rewrite("/vendor/python_stdlib.zip", "/lib/python314.zip/")
for name in names.to_py():
    with zipfile.ZipFile("/vendor/" + name) as wheel:
        record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
    rewrite("/vendor/" + name, "/lib/python3.14/site-packages/", record)
`);
"""


def precompiled_modules(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The runtime modules to ship as bytecode: [tool.cloudtalk] precompiled-modules."""
    return sorted(tomllib.loads(pyproject.read_text())["tool"]["cloudtalk"]["precompiled-modules"])


def precompile_runtime(pyodide_dir: Path, names: list[str]) -> None:
    if shutil.which("node") is None:
        raise SetupError("`node` was not found; it is needed to precompile the runtime. Install Node.js.")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as modules:
        json.dump(precompiled_modules(), modules)
        modules.flush()
        _run(["node", "--input-type=module", "-e", PRECOMPILE_JS, str(pyodide_dir.resolve()), modules.name, *names],
             "precompile the runtime")


NATIVE_SITE = "/lib/python3.14/site-packages/"


def split_native_module(pyodide_dir: Path, wheel_name: str) -> dict[str, str]:
    """Take pydantic-core's native module out of its wheel into a file of its own.

    runtime/engine.mjs links it at start-up, compiled while it streams in (browsers cache the
    compiled code of a streamed .wasm), at the same point of every start-up, which memory
    snapshots need. The wheel keeps everything else; its RECORD is rewritten to match.
    """
    wheel = pyodide_dir / wheel_name
    with zipfile.ZipFile(wheel) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        natives = [i.filename for i in infos if i.filename.endswith(".so")]
        if len(natives) != 1:
            raise SetupError(f"{wheel_name} holds {len(natives)} native modules; the start-up linker expects exactly one")
        native = natives[0]
        record = next(i.filename for i in infos if i.filename.endswith(".dist-info/RECORD"))
        kept = [(i, archive.read(i)) for i in infos if i.filename not in (native, record)]
        rows = archive.read(record).decode().splitlines()
        code = archive.read(native)
    file_name = Path(native).name + ".wasm"
    (pyodide_dir / file_name).write_bytes(code)
    rows = [row for row in rows if not row.startswith(native + ",")]
    staged = wheel.with_suffix(".new")
    with zipfile.ZipFile(staged, "w") as archive:
        for info, data in [*kept, (next(i for i in infos if i.filename == record), ("\n".join(rows) + "\n").encode())]:
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    os.replace(staged, wheel)
    return {"file": file_name, "path": NATIVE_SITE + native}


def make_stock_copy(pyodide_dir: Path, stock_dir: Path, lock: dict, wheels: list[WheelInfo]) -> None:
    """The runtime exactly as published (wheels not precompiled): the benchmark's floor. Never deployed."""
    stock_dir.mkdir()
    for name in RUNTIME_CORE:  # never rewritten, so a hard link saves 12 MB of disk
        try:
            os.link(pyodide_dir / name, stock_dir / name)
        except OSError:
            shutil.copy2(pyodide_dir / name, stock_dir / name)
    for wheel in wheels:  # copies: the originals in pyodide_dir are rewritten next
        shutil.copy2(pyodide_dir / wheel.file_name, stock_dir / wheel.file_name)
    (stock_dir / "pyodide-lock.json").write_text(json.dumps(vendored_lock(lock, wheels), indent=1, sort_keys=True))


def prepare(vendor: Path = VENDOR, *, force: bool = False) -> None:
    """Fetch, verify and assemble vendor/, unless it already matches the pins."""
    if not force and vendor_is_current(vendor):
        return
    _say(f"preparing {vendor.relative_to(ROOT) if vendor.is_relative_to(ROOT) else vendor} (first run, or the pins changed)")
    staging = vendor.with_name(vendor.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as downloads:
        downloads_path = Path(downloads)
        for pin in NPM_PINS:
            unpack_npm(fetch_npm(pin, downloads_path), pin, staging)
        wheels = []
        for pin in WHEEL_PINS:
            wheel = fetch_wheel(pin, downloads_path)
            shutil.copy2(wheel, staging / "pyodide" / wheel.name)
            wheels.append(read_wheel(staging / "pyodide" / wheel.name))
    lock_path = staging / "pyodide" / "pyodide-lock.json"
    original_lock = json.loads(lock_path.read_text())
    make_stock_copy(staging / "pyodide", staging / "pyodide-stock", original_lock, wheels)
    _say("precompiling the modules the app imports with Pyodide's own Python (saves compiling on every page load)")
    precompile_runtime(staging / "pyodide", [w.file_name for w in wheels])
    native = split_native_module(staging / "pyodide", next(w.file_name for w in wheels if w.name == "pydantic-core"))
    wheels = [read_wheel(staging / "pyodide" / w.file_name) for w in wheels]
    (staging / "pyodide" / "runtime.json").write_text(json.dumps({"fingerprint": pins_fingerprint(), "native": native}, indent=1))
    lock = vendored_lock(original_lock, wheels)
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True))
    (staging / "stamp.json").write_text(json.dumps({"pins": pins_fingerprint()}))
    shutil.rmtree(vendor, ignore_errors=True)
    staging.rename(vendor)
    _say("runtime ready: every file matched its pinned sha256")


# ---------------------------------------------------------------- serving

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".toml": "text/plain; charset=utf-8",
    ".py": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}
# Already-compressed formats gain nothing from gzip.
INCOMPRESSIBLE = {".zip", ".whl", ".png", ".ico"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with exact MIME types, gzip for compressible assets, and revalidation."""

    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    _gzip_cache: ClassVar[dict[tuple[str, float], bytes]] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if os.environ.get("SERVE_QUIET") != "1":
            super().log_message(format, *args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        suffix = path.suffix.lower()
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or not accepts_gzip or suffix in INCOMPRESSIBLE:
            return super().send_head()
        stat = path.stat()
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if int(stat.st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.end_headers()
                    return None
            except (TypeError, ValueError):
                pass
        key = (str(path), stat.st_mtime)
        body = self._gzip_cache.get(key)
        if body is None:
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self._gzip_cache[key] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


def serve(host: str, port: int, directory: Path = ROOT) -> None:
    handler = lambda *a, **kw: SiteHandler(*a, directory=str(directory), **kw)  # noqa: E731
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SetupError(f"port {port} on {host} is already in use; pass --port to choose another") from None
        raise SetupError(f"cannot listen on {host}:{port}: {error.strerror}") from None

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"Serving the CloudTalk phone app at http://{shown}:{server.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    finally:
        server.server_close()


# ---------------------------------------------------------------- building


def build(dest: Path) -> None:
    """Copy the deployable site (app files plus vendor/) into dest."""
    if dest.resolve() == ROOT or ROOT.is_relative_to(dest.resolve()):
        raise SetupError(f"refusing to build into {dest}: it contains the project")
    prepare()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "stamp.json", "test-wheels", "pyodide-stock")
    for name in SITE_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    for name in SITE_FOLDERS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    (dest / ".nojekyll").write_text("")  # GitHub Pages: serve folders that start with _ too
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    print(f"Built a static site in {dest} ({size / 1e6:.1f} MB). Serve it with any static server.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("serve", "build", "prepare"), default="serve")
    parser.add_argument("dest", nargs="?", help="output folder for `build`")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--force", action="store_true", help="re-fetch the runtime even if it is current")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            if not args.dest:
                parser.error("build needs a destination folder: python3 serve.py build DIR")
            build(Path(args.dest))
        elif args.command == "prepare":
            prepare(force=args.force)
        else:
            prepare(force=args.force)
            serve(args.host, args.port)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
