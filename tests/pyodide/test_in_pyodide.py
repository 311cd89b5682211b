"""The core's tests inside Pyodide, as one pytest test: run_unit.mjs under Node.js must pass.

It runs in the pytest run rather than before it so that it takes a worker left idle at the end of the
end-to-end tests (tests/e2e/session.py hands it out first among the tests that start no browser)
instead of ~16 s of the run's wall time on its own.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests/pyodide/run_unit.mjs"


def test_the_core_tests_pass_inside_pyodide_restored_from_a_memory_snapshot() -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed to run the core's tests inside Pyodide (tests/run.sh installs the runtime with npm)"
    assert (ROOT / "vendor/pyodide").is_dir() and (ROOT / "vendor/test-wheels/.done").is_file(), \
        "the runtime and the test wheels are missing: run bash tests/run.sh, which fetches them"
    run = subprocess.run([node, str(RUNNER)], cwd=ROOT, capture_output=True, text=True, timeout=280)
    output = run.stdout + run.stderr
    print(output)  # shown by pytest when the test fails, and with -s
    assert run.returncode == 0, f"the core's tests failed inside Pyodide (exit {run.returncode}):\n{output[-6000:]}"
    assert " passed" in run.stdout and "restored from a memory snapshot" in run.stdout, output[-2000:]
