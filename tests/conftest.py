"""Shared test set-up: put py/ on the path, and small builders for phone messages.

It also registers the end-to-end suite's run-wide plugin (e2e/session.py): pytest-xdist's controller
loads only this top-level conftest, and that plugin must run there too.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "py"))

# The core's tests inside Pyodide (tests/pyodide/) drive no browser, and the mutation workspace
# (tests/mutation/run.py) holds only the unit tests: the plugin is registered where the e2e suite is.
if sys.platform != "emscripten" and (HERE / "e2e").is_dir():
    pytest_plugins = ["e2e.session"]
