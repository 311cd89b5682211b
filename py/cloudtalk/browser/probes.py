"""Hooks for the benchmark (bench/run.py) and the end-to-end tests, and nothing else.

Each is off unless the page was opened to be measured or probed: `window.cloudtalkTimings` (set by
the benchmark before the app starts) and `sessionStorage.cloudtalkProbe` (set by a test). Off, a
message costs nothing more than without them.

    receive = timed(app.receive, boot, archive.store)      # the benchmark's per-event figure
    install_test_probe()
    unless_held("background", archive.start_background)       # a test may see the first frames without it
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..ports import StoredCalls
from .dom import keep, spawn
from .ffi import create_once_callable, js, runtime_api, to_js


def timed(receive: Callable[[Any], Any], boot: Any, store: StoredCalls) -> Callable[[Any], Any]:
    """`receive`, or, while the benchmark measures, `receive` timed from the message's arrival (boot.receivedAt) to two
    ends: the message handled (validated, its write queued, the page updated: `cloudtalkHandled`), and its call
    committed to the store with the views that redraw a task later redrawn (`cloudtalkTimings`)."""
    timings = getattr(js.window, "cloudtalkTimings", None)
    if timings is None:
        return receive
    handled = getattr(js.window, "cloudtalkHandled", None)
    if handled is None:  # (an empty JS array is falsy in Python: tested for None, not truth)
        handled = js.window.cloudtalkHandled = to_js([])
    api = runtime_api()
    js.window.cloudtalkWasmBytes = keep(lambda: api._module.HEAP8.length)  # for bench/run.py's memory figure

    def measured(raw: Any) -> None:
        received = boot.receivedAt
        receive(raw)
        handled.push(js.performance.now() - received)

        def committed() -> None:
            # The derived views (call-backs, Today) redraw in a task queued during the message: this one runs after them.
            js.setTimeout(create_once_callable(lambda *_: timings.push(js.performance.now() - received)), 0)

        store.after_commit(committed)

    return measured


def _probing() -> bool:
    try:
        return bool(js.window.sessionStorage.getItem("cloudtalkProbe"))
    except Exception:  # noqa: BLE001 - storage blocked: no probe
        return False


def unless_held(what: str, start: Callable[[], None]) -> None:
    """Start background work, unless a test holds it back (`sessionStorage.cloudtalkHold` lists `what`): to see what
    the page shows on its first frames, before the work has done anything (test_storage: an older store's words)."""
    if _probing() and what in str(js.window.sessionStorage.getItem("cloudtalkHold") or "").split(","):
        return
    start()


def install_test_probe() -> None:
    """window.cloudtalkProbe, where a test asked for it: which runtime modules the app imported (test_boot), and a
    background task made to fail (test_harness: a failure must reach the suite and Diagnostics)."""
    if not _probing():
        return

    def modules() -> Any:
        # name -> [file, loader] of every module imported from the runtime (stdlib and wheels)
        return to_js({
            name: [module.__file__, type(module.__loader__).__name__] for name, module in list(sys.modules.items())
            if (getattr(module, "__file__", None) or "").startswith("/lib/")
        })

    async def fail(text: str) -> None:
        raise RuntimeError(text)

    def fail_in_background(text: Any) -> None:
        spawn(fail(str(text)))

    js.window.cloudtalkProbe = to_js({})
    js.window.cloudtalkProbe.modules = keep(modules)
    js.window.cloudtalkProbe.failInBackground = keep(fail_in_background)
