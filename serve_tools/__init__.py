"""The tools behind serve.py, one module a job, all standard library:

    pins        what the runtime is made of (npm packages, wheels, sha256, precompiled modules)
    fetch       npm and pip downloads, checked against the pins
    lock        Pyodide's lock file cut down to the vendored wheels
    precompile  bytecode compiled by Pyodide's own Python (precompile.mjs runs precompile_job.py)
    snapshot    what memory snapshots need from the runtime (runtime/engine.mjs does the rest)
    prepare     vendor/ assembled from the above, rebuilt when the pins change
    server      the development server
    build       the deployable static site
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "vendor"


class SetupError(Exception):
    """A failure the user can act on; serve.py prints it and exits non-zero."""


def say(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)
