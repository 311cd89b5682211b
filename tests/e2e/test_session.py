"""The run's own rules (session.py), on a small suite of their own run by pytest with two workers.

No browser is started here: the planted tests stand in for end-to-end tests whose engine failed once.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from .conftest import FRAME_LOST, LOCK_OUTLIVED
from .engines import FrameLostError, LockOutlivedPageError, WaitTimeoutError, _WebDriverScope, message_of
from .session import engine_of, run_order, scope_of
from .test_tabs import LOCKS, phone_handed_over

HERE = Path(__file__).resolve().parent

# Each `test_fails_once` fails once as a test whose browser ended does (conftest.BROWSER_ENDED), then
# passes: one engine fault each. The tests named for an engine, as end-to-end tests are, must all run
# on one worker (they are in one file); the others go wherever a worker is free.
PLANTED = """
from pathlib import Path

import pytest
from e2e import session


@pytest.mark.flaky(reruns=1, only_rerun=["BrowserEndedError"])
@pytest.mark.parametrize("name", [{names}])
def test_fails_once(name):
    flag = Path(__file__).parent / f"ran-{{name}}"
    if not flag.exists():
        flag.write_text("")
        raise RuntimeError("BrowserEndedError: planted")


@pytest.mark.parametrize("name", [f"webkit-{{n}}" for n in range(8)])
def test_passes(name):
    if name == "webkit-0":  # as the engine fixture does when it ends: the controller must list it
        session.RESTARTS.append("webkit: planted")
"""


def run(tmp_path: Path, faults: int) -> tuple[subprocess.CompletedProcess[str], dict[str, set[str]]]:
    """The planted suite with two workers: the run, and the workers each test ran on (or failed on once)."""
    names = ", ".join(repr(f"webkit-{n}" if n < 2 else str(n)) for n in range(faults))
    (tmp_path / "test_planted.py").write_text(PLANTED.format(names=names))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "e2e.session", "-n", "2", "-v", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env={"PYTHONPATH": str(HERE.parent), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120,
    )
    workers: dict[str, set[str]] = {}
    for worker, test in re.findall(r"^\[(gw\d)\] .*? (?:PASSED|RERUN) (\S+)", result.stdout, re.MULTILINE):
        workers.setdefault(test.split("::")[-1], set()).add(worker)
    return result, workers


def on_one_worker(workers: dict[str, set[str]], engine: str) -> bool:
    ran = [w for test, w in workers.items() if f"[{engine}-" in test]
    return len(ran) >= 8 and len(set().union(*ran)) == 1


def test_faults_up_to_the_cap_are_listed_and_the_run_passes(tmp_path: Path):
    result, workers = run(tmp_path, 3)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "engine faults, each tried once more: 3 (at most 3 a run)" in result.stdout
    assert "11 passed, 3 rerun" in result.stdout
    assert on_one_worker(workers, "webkit"), workers
    assert "browser started afresh between tests: webkit: planted" in result.stdout, "a worker's restarts reach the summary"


def test_one_fault_over_the_cap_across_the_workers_fails_the_run(tmp_path: Path):
    result, workers = run(tmp_path, 4)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "12 passed, 4 rerun" in result.stdout, "every test passed: only the run's own rule fails it"
    assert "engine faults, each tried once more: 4 (at most 3 a run; over it, so the run fails)" in result.stdout
    faulted = set().union(*(w for test, w in workers.items() if test.startswith("test_fails_once")))
    assert faulted == {"gw0", "gw1"}, f"the faults came from both workers: {workers}"
    assert on_one_worker(workers, "webkit"), workers


def test_the_engine_is_read_from_the_first_parameter_whatever_the_others_hold():
    # A parameter with brackets of its own once sent one Firefox test to a second worker, whose second Firefox failed to start.
    base = "tests/e2e/test_backup.py::test_refused"
    assert engine_of(f'{base}[firefox-{{"messages": []}}-not a call history]') == "firefox"
    assert engine_of(f"{base}[webkit-corrupt-it is corrupted (its SHA-256 does not match)]") == "webkit"
    assert engine_of(f"{base}[chromium]") == "chromium"
    assert engine_of("tests/unit/test_log.py::test_order[a-b]") is None
    assert engine_of("tests/unit/test_log.py::test_order") is None


def test_chromium_and_firefox_are_one_unit_of_work_each_and_webkit_one_a_file():
    app, tabs = "tests/e2e/test_app.py", "tests/e2e/test_tabs.py"
    for engine in ("chromium", "firefox"):
        assert scope_of(f"{app}::test_a[{engine}]") == scope_of(f"{tabs}::test_b[{engine}-x]") == engine
    assert scope_of(f"{app}::test_a[webkit]") == scope_of(f"{app}::test_c[webkit-x]")
    assert scope_of(f"{app}::test_a[webkit]") != scope_of(f"{tabs}::test_a[webkit]")
    assert scope_of("tests/unit/test_log.py::test_order") == "tests/unit/test_log.py::test_order"


def test_the_units_go_out_longest_engine_work_first_and_quick_tests_last():
    ids = ["tests/unit/test_log.py::test_order", "tests/e2e/test_tabs.py::test_b[webkit]", "tests/e2e/test_tabs.py::test_b[firefox]",
           "tests/e2e/test_snapshot.py::test_c[webkit]", "tests/e2e/test_tabs.py::test_b[chromium]", "tests/e2e/test_app.py::test_a[webkit]"]
    assert sorted(ids, key=run_order) == [ids[4], ids[2], ids[5], ids[3], ids[1], ids[0]]


def test_the_core_run_inside_pyodide_is_the_first_test_after_every_engines():
    ids = ["tests/unit/test_log.py::test_order", "tests/pyodide/test_in_pyodide.py::test_core",
           "tests/e2e/test_tabs.py::test_b[webkit]", "tests/tools/test_serve.py::test_s"]
    assert sorted(ids, key=run_order) == [ids[2], ids[1], ids[0], ids[3]]


class NoSuchWindowException(Exception):  # noqa: N818 - the drivers' name, which engines.py matches
    """Shaped as Selenium's (text in `msg`) or, with `message=`, as Marionette's (text in `message`, `msg` None)."""

    def __init__(self, msg: str, message: str | None = None) -> None:
        super().__init__(msg)
        self.msg = msg if message is None else None
        if message is not None:
            self.message = message

    def __str__(self) -> str:  # as Selenium's reads, never empty
        return f"Message: {self.msg}\n" if self.msg is not None else self.message


class NoSuchFrameException(NoSuchWindowException):
    """WebKitWebDriver's other empty answer for a frame it had just entered."""


class AnsweringDriver:
    """A driver whose every script inside a frame gets this error; at the top level it answers whether the frame is
    still in the page (`in_page`), and it may load a page from the phone's host meanwhile (`reloads`)."""

    def __init__(self, error: Exception, in_page: bool = True, reloads: bool = False, loads: dict | None = None,
                 page_silent: int = 0) -> None:
        self.error = error
        self.in_page = in_page
        self.page_silent = page_silent  # the page's own answers that are the same error first
        self.reloads = reloads
        self.loads = loads if loads is not None else {"phone.cloudtalk.io": ["u"]}
        self.frames: list[Any] = []

    def find(self, css: str) -> str:
        return css

    def enter_frame(self, element: Any) -> None:
        self.frames.append(element)

    def run_async(self, script: str, args: list[Any], timeout_s: float) -> Any:
        if self.frames and self.frames[-1] is None:
            if self.page_silent:
                self.page_silent -= 1
                raise self.error
            return {"ok": self.in_page}
        if self.reloads:
            self.loads["phone.cloudtalk.io"].append("u2")
        raise self.error


def scope(driver: AnsweringDriver, frame: str | None, engine: str = "webkit") -> _WebDriverScope:
    tab: Any = SimpleNamespace(_focus=lambda: driver, engine=SimpleNamespace(name=engine, proxy=SimpleNamespace(loads=driver.loads)))
    return _WebDriverScope(tab, frame)


@pytest.mark.parametrize("page_silent", [0, 2])
@pytest.mark.parametrize("answer", [NoSuchWindowException, NoSuchFrameException])
def test_a_frame_webkits_driver_found_no_window_for_is_an_engine_fault_and_the_test_runs_again(answer: type[Exception],
                                                                                              page_silent: int):
    # page_silent: the page itself gave the same empty answer twice before answering that the frame is still there
    driver = AnsweringDriver(answer(""), page_silent=page_silent)
    with pytest.raises(FrameLostError, match=rf"#phone: {answer.__name__}, no message.*'phone.cloudtalk.io': 1"):
        scope(driver, "#phone").js("() => 1")
    assert driver.frames[0] == "#phone" and driver.frames[-1] is None, "the frame was left again"
    assert re.search(FRAME_LOST, f"{FrameLostError.__module__}.{FrameLostError.__name__}: x"), "conftest reruns it"


@pytest.mark.parametrize("case", ["firefox discarded the frame", "firefox, no message", "the phone was loaded again",
                                  "the frame left the page", "a message", "the page itself", "the page never answers"])
def test_a_lost_frame_the_app_may_have_caused_fails_the_test(case: str):
    # Firefox's "Browsing context has been discarded" is what it says when the page removes or replaces the phone's
    # frame (its text is in `message`, as Marionette's exceptions keep it): the app's fault, never rerun. Nor is
    # WebKit's empty answer when the phone's page was loaded again or its frame is gone, nor an error with a message
    # (the frame unloaded while the script ran), nor one in the page itself.
    engine, frame, driver = "webkit", "#phone", AnsweringDriver(NoSuchWindowException(""))
    if case == "firefox discarded the frame":
        engine, driver = "firefox", AnsweringDriver(NoSuchWindowException("", message="Browsing context has been discarded"))
    elif case == "firefox, no message":
        engine = "firefox"
    elif case == "the phone was loaded again":
        driver.reloads = True
    elif case == "the frame left the page":
        driver.in_page = False
    elif case == "the page never answers":
        driver.page_silent = 3
    elif case == "a message":
        driver = AnsweringDriver(NoSuchWindowException("Callback was not called before the unload event."))
    else:
        frame = None
    with pytest.raises(NoSuchWindowException):
        scope(driver, frame, engine).js("() => 1")


def test_a_drivers_message_is_read_where_each_driver_keeps_it():
    assert message_of(NoSuchWindowException("", message="Browsing context has been discarded")) == \
        "Browsing context has been discarded"
    assert message_of(NoSuchWindowException("gone")) == "gone"
    assert message_of(NoSuchWindowException("")) == ""


class _WaitingTab:
    """A tab left after the phone's tab closed, as the hand-over check reads it."""

    def __init__(self, locks: dict, answer: str) -> None:
        self.answers = {LOCKS: locks, "() => cloudtalkLock.answer": answer}

    def wait_for(self, css: str) -> None:
        raise WaitTimeoutError(f"not true within 30000 ms: {css}")

    def js(self, script: str) -> object:
        return self.answers[script]


WAITING = {"held": ["cloudtalk-phone"], "pending": ["cloudtalk-phone"]}


@pytest.mark.parametrize(("engine", "locks", "answer", "fault"), [
    ("webkit", WAITING, "elsewhere", True),  # held by no open page, the tab left in line: WebKitGTK kept the lock
    ("webkit", {"held": [], "pending": []}, "elsewhere", False),  # the lock is free and the tab did not take the phone
    ("webkit", {"held": ["cloudtalk-phone"], "pending": []}, "held", False),  # the tab holds it: no phone all the same
    ("firefox", WAITING, "elsewhere", False),  # never seen outside WebKitGTK: the test fails
])  # fmt: skip
def test_a_closed_tabs_lock_kept_by_webkit_is_an_engine_fault_and_anything_else_fails(engine, locks, answer, fault):
    other = SimpleNamespace(tab=_WaitingTab(locks, answer), engine=SimpleNamespace(name=engine))
    with pytest.raises(LockOutlivedPageError if fault else WaitTimeoutError):
        phone_handed_over(other)
    assert re.search(LOCK_OUTLIVED, f"{LockOutlivedPageError.__module__}.{LockOutlivedPageError.__name__}: x"), "rerun"
