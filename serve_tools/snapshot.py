"""What memory snapshots need from the vendored runtime (runtime/engine.mjs makes and restores them
in the browser): pydantic-core's native module as a file of its own, and runtime.json, which names
it and fingerprints the pins so that a snapshot is never restored into another runtime."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from . import SetupError
from .pins import pins_fingerprint

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


def write_runtime_info(pyodide_dir: Path, native: dict[str, str]) -> None:
    """runtime.json, read by runtime/pyodide.mjs: the native module and the pins' fingerprint (part of the snapshot key)."""
    (pyodide_dir / "runtime.json").write_text(json.dumps({"fingerprint": pins_fingerprint(), "native": native}, indent=1))
