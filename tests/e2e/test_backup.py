"""Backup and restore through the page: a long history imported from the app's own export file, found again after a
reload, exported as the file had it; a damaged or foreign file refused whole."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from cloudtalk import persist
from cloudtalk.callers import CallBackFold, caller_key
from cloudtalk.calls import Call, Direction, State, Step
from cloudtalk.events import Contact
from cloudtalk.exports import export_json

from .conftest import ARTIFACTS, App
from .engines import WaitTimeoutError

# A year of a busy agent, or less where the driver carries every byte of the export back through WebDriver.
HISTORY = {"chromium": 50_000, "firefox": 5_000, "webkit": 5_000}
# The import's own wait: alone it takes 45 s in Chromium (50,000 calls, WebAssembly's baseline tier), under 10 in the others.
IMPORT_S = {"chromium": 200, "firefox": 120, "webkit": 120}
RETURNING = "+44 20 7946 0000"  # one caller who rang every 100th call
DAY = 86_400.0


def history(n: int) -> list[Call]:
    """n calls a minute apart, oldest first, ending a day ago: outbound no-answers, inbound answered and missed."""
    start = 1_700_000_000.0
    calls = []
    for i in range(n):
        at = start + 60 * i
        returning = i % 100 == 0
        inbound = i % 3 != 0
        answered = inbound and i % 2 == 0
        steps = [Step("ringing" if inbound else "dialing", at)]
        if answered:
            steps.append(Step("calling", at + 5))
        steps.append(Step("ended", at + 40))
        calls.append(Call(
            uuid=f"imp-{i:05}", state=State.ENDED, direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            external_number=RETURNING if returning else f"+1 555 {i:06}",
            contact=Contact(name=f"Customer {i:05}") if i % 7 == 0 else None,
            steps=tuple(steps), answered_at=at + 5 if answered else None, ended_at=at + 40,
            note="the oldest note, kept through it all" if i == 0 else "", noted_at=at + 50 if i == 0 else None,
        ))  # fmt: skip
    return calls


def imported_within(app: App, seconds: float) -> None:
    """Wait for the import's last sentence, watching the status line: a failure names each phase the import went
    through, and when (its speed is the benchmark's to measure; this says where a slow one spent its time)."""
    phases: list[str] = []
    start = time.monotonic()
    phase_of = "(status) => status.split(':')[0].replace('…', '')"
    while time.monotonic() - start < seconds:
        status = app.tab.text("#history-status")
        if status.startswith("Imported "):
            return
        phase = status.split(":")[0].replace("…", "")
        if not phases or not phases[-1].startswith(f"{phase} ("):
            phases.append(f"{phase} ({time.monotonic() - start:.1f} s: {status})")
        with contextlib.suppress(WaitTimeoutError):
            app.tab.wait(f"(phase) => ({phase_of})(document.getElementById('history-status').textContent) !== phase",
                         phase, timeout_ms=5_000)
    raise AssertionError(f"not imported within {seconds:.0f} s; its phases began: " + "; ".join(phases))


def write_backup(engine: str, n: int) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"backup-{engine}-{n}.json"
    if not path.exists():
        path.write_text(export_json(list(reversed(history(n))), exported_at=1_800_000_000.0))
    return path


def test_a_long_history_restored_from_a_file_is_all_there_after_a_reload_and_exports_the_same(app: App):
    n = HISTORY[app.engine.name]
    path = write_backup(app.engine.name, n)
    app.open("/#/calls")
    app.call("ringing", "live-1", external_number=RETURNING)  # a call of this browser, merged with the file's
    app.call("ended", "live-1", external_number=RETURNING)
    app.wait_stored("live-1", "ended")
    app.tab.set_files("#import-file", path)
    imported_within(app, IMPORT_S[app.engine.name])
    assert app.tab.text("#history-status").endswith(f": {n:,} new call(s), 0 updated, 0 already here.")
    app.reload()
    # The call-back list is the store's: whole on the first frame after ready (the rule read over the file's calls)
    fold = CallBackFold({})
    for call in sorted(history(n), key=lambda c: (caller_key(c) or "", c.started_at, c.uuid)):
        if (key := caller_key(call)) is not None:
            fold.add(key, call)
    waiting = set(fold.finish()) | {f"number:{RETURNING.replace(' ', '')}"}  # live-1 was missed: they wait
    assert app.tab.text("#callback-count") == str(len(waiting))
    app.tab.wait(f"document.getElementById('timeline-count').textContent === '{n + 1} calls'", timeout_ms=120_000)
    assert app.stored_count("imp-") == n
    oldest = app.stored("imp-00000")
    assert oldest["note"] == "the oldest note, kept through it all"
    # search and the outcome filter reach the oldest call
    app.tab.fill("#search", "Customer 00000")
    app.tab.wait(f"document.querySelector('{app.item('imp-00000')}') !== null")
    app.tab.fill("#search", "")
    app.tab.select("#outcome-filter", "No answer")
    app.tab.wait(f"document.getElementById('timeline-count').textContent === '{sum(1 for i in range(n) if i % 3 == 0)} matching'")
    app.tab.select("#outcome-filter", "")
    # the timeline goes to its oldest call by keyboard and back, drawing a window of the history, not all of it
    focused = "(uuid) => document.activeElement?.closest('li.call')?.dataset.uuid === uuid"
    app.tab.js(f"document.querySelector('{app.item('live-1')} button.call-open').focus()")
    for key, uuid in (("End", "imp-00000"), ("ArrowUp", "imp-00001"), ("Home", "live-1")):
        app.tab.press(key)
        app.tab.wait(focused, uuid)
        assert app.tab.count("li.call") <= 200, key
    # the returning caller's card counts every one of their calls
    app.tab.click(f"{app.item('live-1')} button.call-open")
    app.tab.wait("document.getElementById('history-line').textContent.includes('earlier call')")
    assert app.tab.text("#history-line").startswith(f"{n // 100} earlier calls")
    app.go("calls")
    _name, exported = app.tab.download("#export-json")
    calls = json.loads(exported)["calls"]
    assert len(calls) == n + 1 and calls[-1]["uuid"] == "imp-00000" and calls[0]["uuid"] == "live-1"
    # What the page exports of the file's calls is the file, call for call and field for field (steps, answered_at,
    # notes, the summary's columns): nothing the import read was dropped or changed on the way through the browser.
    imported = json.loads(path.read_text())["calls"]
    restored = [call for call in calls if call["uuid"] != "live-1"]
    assert [c["uuid"] for c in restored] == [c["uuid"] for c in imported]
    differing = next(((mine, theirs) for mine, theirs in zip(restored, imported, strict=True) if mine != theirs), None)
    assert differing is None, f"exported {differing[0]} where the file had {differing[1]}"


def one_damaged_call_among_good_ones() -> str:
    good = [persist.to_record(c) for c in reversed(history(30))]
    good[17] = {**good[17], "state": "sideways"}
    return json.dumps({"format": "cloudtalk-calls", "schema": 3, "exported_at": "x", "calls": good})


# Files refused whole, and the reason given for each.
REFUSED = [
    ('{"format": "cloudtalk-calls", "schema": 3, "calls": [{"uuid": "x"', "it is not a JSON file, or it was cut short"),
    ('{"format": "cloudtalk-recording", "version": 1, "messages": []}', "not a call history exported by this app"),
    (one_damaged_call_among_good_ones(), "call 18 (imp-00012) is damaged"),
]


def test_a_damaged_or_foreign_file_or_one_damaged_call_among_good_ones_is_refused_whole_and_nothing_changes(app: App):
    """The files in turn on one page: a refused file changes nothing, so each meets the same history."""
    app.open("/#/calls")
    app.call("ringing", "mine-1", contact={"name": "Mine"})
    app.call("ended", "mine-1")
    app.wait_stored("mine-1", "ended")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, (content, reason) in enumerate(REFUSED):
        path = ARTIFACTS / f"refused-{number}-{app.engine.name}.json"  # a new file each time: choosing the same one fires no change
        path.write_text(content)
        app.tab.set_files("#import-file", path)
        app.tab.wait("(reason) => document.getElementById('history-status').textContent.startsWith('Not imported: ')"
                     " && document.getElementById('history-status').textContent.includes(reason)", reason)
        assert app.tab.text("#history-status").endswith("Nothing was changed."), reason
        assert reason in app.tab.text("#notice-text")
        assert app.stored_count() == 1 and app.tab.count("li.call") == 1, reason
    app.check_accessibility("a refused import")
