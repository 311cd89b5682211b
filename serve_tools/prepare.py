"""Assembling vendor/: fetch and verify every pin, vendor the lock, precompile, split out the native
module for snapshots, and keep a stock copy as the benchmark's reference floor. Rebuilt only when
the pins change (stamp.json)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from . import ROOT, VENDOR, say
from .fetch import fetch_npm, fetch_wheel, unpack_npm
from .lock import WheelInfo, read_wheel, vendored_lock
from .pins import NPM_PINS, WHEEL_PINS, pins_fingerprint
from .precompile import precompile_runtime
from .snapshot import split_native_module, write_runtime_info

RUNTIME_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")


def vendor_is_current(vendor: Path | None = None) -> bool:
    vendor = vendor or VENDOR
    try:
        stamp = json.loads((vendor / "stamp.json").read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("pins") == pins_fingerprint()


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


def prepare(vendor: Path | None = None, *, force: bool = False) -> None:
    """Fetch, verify and assemble vendor/, unless it already matches the pins."""
    vendor = vendor or VENDOR  # read when called, so a test can point it elsewhere
    if not force and vendor_is_current(vendor):
        return
    say(f"preparing {vendor.relative_to(ROOT) if vendor.is_relative_to(ROOT) else vendor} (first run, or the pins changed)")
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
    say("precompiling the modules the app imports with Pyodide's own Python (saves compiling on every page load)")
    precompile_runtime(staging / "pyodide", [w.file_name for w in wheels])
    native = split_native_module(staging / "pyodide", next(w.file_name for w in wheels if w.name == "pydantic-core"))
    wheels = [read_wheel(staging / "pyodide" / w.file_name) for w in wheels]
    write_runtime_info(staging / "pyodide", native)
    lock = vendored_lock(original_lock, wheels)
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True))
    (staging / "stamp.json").write_text(json.dumps({"pins": pins_fingerprint()}))
    shutil.rmtree(vendor, ignore_errors=True)
    staging.rename(vendor)
    say("runtime ready: every file matched its pinned sha256")
