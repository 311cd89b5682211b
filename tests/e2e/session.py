"""What one run of the suite shares across pytest-xdist's workers: the site, and the engines' faults.

tests/run.sh runs the engines side by side (`pytest -n 3`): Chromium's and Firefox's tests are one
unit of work each, for one worker, which starts that browser once; WebKit's, the longest, are a unit
a test file, taken by whichever worker is free (`pytest_xdist_make_scheduler` below); every other
test is a unit of its own. xdist's controller collects nothing, so it never loads tests/e2e/conftest.py;
this plugin is registered from tests/conftest.py instead, and runs in the controller and in every
worker alike.

- The site is served once a run. With workers, the controller serves it and tells them where
  (SITE_ENV); a run without workers serves it from conftest's `site` fixture.
- Engine faults (a test run again because its browser ended or crashed, or its driver lost a frame:
  conftest.py) are counted from the test reports, which reach the controller from every worker.
  Beyond ENGINE_FAULT_CAP in one run, the run fails: a fault that comes that often is no longer the
  engine's bad luck.
- Browsers started afresh between tests, and the engines that ran, come back in each worker's output
  and are listed at the end of the run.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import pytest

from .engines import ENGINES, OPTIMIZING_WASM
from .site import start_site, stop_server

SITE_ENV = "E2E_SITE"  # the shared site's base URL, for the workers
ENGINE_FAULT_CAP = 3
ENGINE_FAULTS: list[str] = []
RESTARTS: list[str] = []  # browsers started afresh between tests, and why
RAN_ENGINES: list[str] = []  # engines started this run
PROBLEMS: list[str] = []  # what went wrong with the run itself, outside any test

_SITE = pytest.StashKey[subprocess.Popen]()


def _worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _controller_of_workers(config: pytest.Config) -> bool:
    return not _worker(config) and bool(config.getoption("numprocesses", default=None))


def pytest_configure(config: pytest.Config) -> None:
    if not _controller_of_workers(config):
        return
    url, config.stash[_SITE] = start_site()
    os.environ[SITE_ENV] = url  # read by the workers, which xdist starts after this


def engine_of(nodeid: str) -> str | None:
    """The engine a test runs in, from its id (`test_x[webkit]`, `test_y[webkit-snapshot]`), or None.

    The parameters start at the test name's first "[": a parameter may hold brackets of its own."""
    params = nodeid.partition("::")[2].partition("[")[2] if nodeid.endswith("]") else ""
    return next((word for word in re.findall(r"[\w.]+", params) if word in ENGINES), None)


# Engines whose tests are a unit of work a test file rather than one unit. WebKit's worker ended the
# run last, alone on the machine for its last ~2 minutes; a WebKit started in another worker keeps
# its storage, caches and locks to itself (MiniBrowser's automation mode keeps its data in memory),
# so the workers that are done with Chromium and Firefox take WebKit's last files. Firefox stays
# whole: two Firefoxes would contend for Marionette's port.
BY_FILE = {"webkit"}


# WebKit's files that take it longest, handed out first, so that the units left for the end are short
# ones (a clean-clone run of 21b59d2, WebKit's tests by file: test_app.py ~170 s, test_snapshot.py ~100 s,
# test_simulator.py ~75 s, the others 60 s or less). A file missing here only moves down the queue.
LONG_FIRST = ("test_app.py", "test_snapshot.py", "test_simulator.py")


# The one long test that starts no browser: the core's tests inside Pyodide under Node.js (~16 s), first
# of the tests that fill the end, so that it runs beside WebKit's last files.
LONG_WITHOUT_BROWSER = "test_in_pyodide.py"


def run_order(nodeid: str) -> tuple[int, int]:
    """Where a test goes in the run, and so its unit in xdist's queue: Chromium's, Firefox's, WebKit's
    (its longest files first), then the tests that start no browser, quick units that fill the end
    (the core's run inside Pyodide first of them)."""
    engine = engine_of(nodeid)
    rank = list(ENGINES).index(engine) if engine else len(ENGINES)
    file = nodeid.partition("::")[0].rpartition("/")[2]
    if engine in BY_FILE and file in LONG_FIRST:
        return rank, LONG_FIRST.index(file)
    if engine is None and file == LONG_WITHOUT_BROWSER:
        return rank, -1
    return rank, len(LONG_FIRST)


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its engine, or its engine and file, or the test alone."""
    engine = engine_of(nodeid)
    if engine is None:
        return nodeid
    return f"{engine} {nodeid.partition('::')[0]}" if engine in BY_FILE else engine


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """For `-n N` (xdist's "load"): xdist's scope scheduler, with the scopes of `scope_of`.

    xdist's own way to group tests, `--dist loadgroup`, groups nothing under pytest 9.2: it renames
    the tests' ids, which pytest no longer reads back (pytest-dev/pytest-xdist#1386). A scope
    scheduler that draws its scopes from the engine in the id is the supported way to the same end:
    xdist's file and group schedulers are built the same way. It hands out the units in the order of
    the tests (`run_order`), and gives a worker its next unit when it has two tests left."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # the units in run_order, not by their number of tests

    class ByEngine(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return ByEngine(config, log)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A test whose browser ended reports a rerun for each phase that failed: one fault, once.
    fault = f"{report.nodeid}: its browser ended, its renderer or JavaScriptCore crashed, or its driver lost a frame; run again"
    if report.outcome == "rerun" and (not ENGINE_FAULTS or ENGINE_FAULTS[-1] != fault):
        ENGINE_FAULTS.append(fault)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist's controller: a worker finished; keep what it reports about its browsers."""
    output = getattr(node, "workeroutput", {}).get("e2e", {})
    RESTARTS.extend(output.get("restarts", []))
    RAN_ENGINES.extend(output.get("ran_engines", []))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _worker(config):
        config.workeroutput["e2e"] = {"restarts": RESTARTS, "ran_engines": RAN_ENGINES}
        return
    if _SITE in config.stash:
        os.environ.pop(SITE_ENV, None)
        if (code := stop_server(config.stash[_SITE])) != 0:
            PROBLEMS.append(f"the test site's server did not end cleanly (exit code {code})")
    if (len(ENGINE_FAULTS) > ENGINE_FAULT_CAP or PROBLEMS) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RAN_ENGINES:
        terminalreporter.write_line(
            "WebAssembly: every engine's tiers (E2E_OPTIMIZING_WASM=1)" if OPTIMIZING_WASM else
            "WebAssembly: baseline tiers in Chromium (Liftoff) and WebKit (no OMG), Firefox as shipped; "
            "E2E_OPTIMIZING_WASM=1 runs every tier")
    if ENGINE_FAULTS:
        over = len(ENGINE_FAULTS) > ENGINE_FAULT_CAP
        terminalreporter.write_line(
            f"engine faults, each tried once more: {len(ENGINE_FAULTS)} (at most {ENGINE_FAULT_CAP} a run"
            + ("; over it, so the run fails)" if over else ")"), red=over, yellow=not over)
        for fault in ENGINE_FAULTS:
            terminalreporter.write_line(f"  {fault[:300]}")
    for restart in RESTARTS:
        terminalreporter.write_line(f"browser started afresh between tests: {restart[:300]}", yellow=True)
    for problem in PROBLEMS:
        terminalreporter.write_line(problem, red=True)
