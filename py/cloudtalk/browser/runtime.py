"""How the runtime started (runtime/pyodide.mjs): from a memory snapshot or normally, and why.

Both are listed in Diagnostics under "Start-up" (information, never a badge). After a normal
start the app, once live and with no call in progress, asks for a snapshot to be made for the
next start, off the main thread, and lists the outcome too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..diagnostics import Diagnostics
from .ffi import create_once_callable, js

SAVE_AFTER_MS = 2000  # once the app is live and the first rendering is done
RETRY_MS = 5000  # while a call is in progress, the worker waits: it shares the machine's cores


def _runtime() -> Any:
    return getattr(js.window, "cloudtalkRuntime", None)


def report_start(diagnostics: Diagnostics, clock: Callable[[], float]) -> None:
    runtime = _runtime()
    if runtime is None:
        return
    if str(runtime.path) == "snapshot":
        diagnostics.add("startup", f"Started from a memory snapshot ({int(runtime.bytes) / 1e6:.1f} MB)", at=clock())
    else:
        diagnostics.add("startup", f"Started without a memory snapshot: {runtime.reason}", at=clock())


def save_snapshot_later(
    diagnostics: Diagnostics, clock: Callable[[], float], busy: Callable[[], bool], then: Callable[[], None] = lambda: None,
) -> None:
    """After a normal start: have a snapshot made for the next start, between calls, and list how it went.

    `then` runs once that is over (or SAVE_AFTER_MS after going live when there is nothing to save):
    the next background work waits for it rather than compete for the machine's cores."""
    runtime = _runtime()
    if runtime is None or str(runtime.path) != "normal":
        js.setTimeout(_kept(then), SAVE_AFTER_MS)
        return

    def listed(outcome: str) -> None:
        if outcome == "saved":
            diagnostics.add("startup", "Saved a memory snapshot: the next start is faster", at=clock())
        elif outcome.startswith("failed"):
            diagnostics.add("startup", f"Could not save a memory snapshot ({outcome.removeprefix('failed: ')}); "
                            "the app starts normally", at=clock())

    def start() -> None:
        if busy():
            js.setTimeout(_kept(start), RETRY_MS)
            return
        runtime.save().then(lambda outcome: (listed(str(outcome)), then()))

    js.setTimeout(_kept(start), SAVE_AFTER_MS)


def _kept(function: Callable[[], None]) -> Any:

    return create_once_callable(function)
