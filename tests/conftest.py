"""Shared test set-up: put py/ on the path, and small builders for phone messages.

It also registers the end-to-end suite's run-wide plugin (e2e/session.py): pytest-xdist's controller
loads only this top-level conftest, and that plugin must run there too.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "py"))

if sys.platform != "emscripten":  # the core's tests inside Pyodide (tests/pyodide/) drive no browser
    pytest_plugins = ["e2e.session"]
