"""Runs inside Pyodide (serve_tools/precompile.mjs): ship the app's runtime modules as bytecode.

In python_stdlib.zip and in each wheel, every module in `wanted` (pyproject.toml's
[tool.cloudtalk] precompiled-modules: what the app imports by the time it is ready) is replaced
by sourceless bytecode, compiled as `python -OO` would (no docstrings or asserts) and without
column tables (PYTHONNODEBUGRANGES), which keeps the download near the published size.
Unchecked-hash headers: the browser never recompiles or re-checks them. Every other module stays
source. Archives are rewritten deterministically; wheels get a new RECORD.

`wanted` and `wheels` are set by the runner; the vendored runtime is mounted at /vendor.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import marshal
import os
import zipfile
from typing import Any

WANTED: set[str] = set(wanted.to_py())  # type: ignore[name-defined]  # noqa: F821 - set by precompile.mjs
WHEELS: list[str] = wheels.to_py()  # type: ignore[name-defined]  # noqa: F821 - set by precompile.mjs
STAMP = (1980, 1, 1, 0, 0, 0)


def module_name(member: str) -> str:
    parts = member[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def bytecode(source: bytes, filename: str) -> bytes:
    code = compile(source, filename, "exec", dont_inherit=True, optimize=2)
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
    return header + marshal.dumps(code)


def record_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def rewrite(path: str, prefix: str, record: str | None = None) -> None:
    with zipfile.ZipFile(path) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    out: list[tuple[str, Any]] = []
    for name, data in members:
        if name.endswith(".py") and module_name(name) in WANTED:
            out.append((name[:-3] + ".pyc", bytecode(data, prefix + name)))
        elif name != record:
            out.append((name, data))
    if record:
        rows = [f"{n},sha256={record_digest(d)},{len(d)}" for n, d in out]
        out.append((record, ("\n".join([*rows, record + ",,"]) + "\n").encode()))
    with zipfile.ZipFile(path + ".new", "w") as archive:
        for name, data in sorted(out):
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    os.replace(path + ".new", path)  # a new file: the stock copy's hard link is left alone


rewrite("/vendor/python_stdlib.zip", "/lib/python314.zip/")
for name in WHEELS:
    with zipfile.ZipFile("/vendor/" + name) as wheel:
        record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
    rewrite("/vendor/" + name, "/lib/python3.14/site-packages/", record)
