"""Shipping the modules the app imports as bytecode, compiled by Pyodide's own Python in Node.js
(precompile.mjs runs precompile_job.py): no page load compiles them again."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from . import SetupError
from .fetch import run
from .pins import precompiled_modules

HERE = Path(__file__).resolve().parent


def precompile_runtime(pyodide_dir: Path, names: list[str]) -> None:
    if shutil.which("node") is None:
        raise SetupError("`node` was not found; it is needed to precompile the runtime. Install Node.js.")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as modules:
        json.dump(precompiled_modules(), modules)
        modules.flush()
        run(["node", str(HERE / "precompile.mjs"), str(pyodide_dir.resolve()), modules.name, *names], "precompile the runtime")

