"""Small DOM helpers, and the page's background work. Payload text only ever enters the DOM as text, never as HTML.

    item = el("li", "John Doe", class_="call")
    by_id("timeline").prepend(item)
    spawn(archive.export("csv"))        # a failure is reported, never lost in the console
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from ..present import day_word
from .ffi import by_id, js, keep, show_notice, to_js

__all__ = ["Later", "PageLeft", "by_id", "clear", "download", "download_blob", "el", "every", "keep", "listen", "local_clock",
           "local_time", "noticed", "safe_url", "show_notice", "spawn", "stamp", "utc_offset_minutes", "when"]

SAFE_SCHEMES = ("http:", "https:")

def el(tag: str, text: str | None = None, *children: Any, class_: str | None = None, **attrs: str) -> Any:
    """An element with text set through textContent and attributes set one by one."""
    node = js.document.createElement(tag)
    if class_:
        node.className = class_
    if text is not None:
        node.textContent = text
    for name, value in attrs.items():
        node.setAttribute(name.rstrip("_").replace("_", "-"), value)
    for child in children:
        if child is not None:
            node.append(child)
    return node


def clear(node: Any) -> None:
    node.replaceChildren()


class PageLeft(Exception):  # noqa: N818 - an event, not a failure: the name says what happened
    """Work cut short because the page was left: the store ended its unfinished reads as the page went into the
    browser's back-forward cache (CallsDB.leave). Not a failure: nothing is reported, and the page reads again if it
    is shown once more."""


_TASKS: set[asyncio.Future[Any]] = set()
# Told of every background task that failed, with a sentence (main.py: Diagnostics, for the agent).
background_failed: list[Callable[[str], None]] = []


def noticed(report: Callable[[str], None]) -> Callable[[str], None]:
    """`report`, and the same sentence shown in the page's notice (a problem the agent must see: storage)."""

    def both(text: str) -> None:
        report(text)
        show_notice(text)

    return both


def spawn(work: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
    """Run a coroutine in the background, held until it ends.

    A failure is not left in the console: it is reported to the browser as an uncaught error
    (`reportError`, which fires the window's `error` event: what the test suite's watcher and any
    error tracker of the host read), and to `background_failed` (Diagnostics)."""
    task = asyncio.ensure_future(work)
    _TASKS.add(task)
    task.add_done_callback(_ended)
    return task


def _ended(done: asyncio.Future[Any]) -> None:
    _TASKS.discard(done)
    if done.cancelled() or done.exception() is None or isinstance(done.exception(), PageLeft):
        return
    error = done.exception()
    text = f"Background work failed: {type(error).__name__}: {error}"
    for tell in background_failed:
        with contextlib.suppress(Exception):  # the report must not hide the failure it reports
            tell(text)
    js.reportError(js.Error.new(text))


def every(ms: int, run: Callable[[], None]) -> None:
    """Run `run` every `ms` milliseconds for the page's life."""
    js.window.setInterval(keep(lambda *_: run()), ms)


def listen(target: Any, event: str, handler: Any) -> Any:
    proxy = keep(handler)
    target.addEventListener(event, proxy)
    return proxy


def download(filename: str, text: str, mime: str) -> None:
    """Save text as a file through a temporary blob link."""
    download_blob(filename, js.Blob.new(to_js([text]), to_js({"type": mime})))


def download_blob(filename: str, blob: Any) -> None:
    url = js.URL.createObjectURL(blob)
    link = el("a", None, href=url, download=filename)
    js.document.body.append(link)
    link.click()
    link.remove()
    js.setTimeout(js.URL.revokeObjectURL.bind(js.URL, url), 10_000)


def stamp() -> str:
    """Now, for a file name: 2026-12-07T09-30-00."""
    return str(js.Date.new().toISOString())[:19].replace(":", "-")


def safe_url(url: str) -> str | None:
    """The URL if the browser parses it as http(s), else None (no javascript:, data:, vbscript:)."""
    if not url:
        return None
    try:
        parsed = js.URL.new(url)
    except Exception:  # noqa: BLE001 - an unparsable URL is simply not linked
        return None
    return str(parsed.href) if parsed.protocol in SAFE_SCHEMES else None


class _Formatter:
    """An Intl.DateTimeFormat made on first use, then kept.

    Kept: Date.toLocaleString() builds a new formatter on every call (measured: the costliest part
    of rendering a call). On first use, not at import: this module is imported into the memory
    snapshot, which is made in a worker and may hold no browser object (runtime/engine.mjs).
    """

    def __init__(self, **parts: str) -> None:
        self.parts = parts
        self._made: Any = None

    def format(self, ms: float) -> str:
        if self._made is None:
            self._made = js.Intl.DateTimeFormat.new(js.undefined, to_js(self.parts))
        return str(self._made.format(ms))


_DATE_TIME = _Formatter(year="numeric", month="numeric", day="numeric", hour="numeric", minute="2-digit", second="2-digit")
_CLOCK = _Formatter(hour="numeric", minute="2-digit", second="2-digit")


def local_time(ts: float) -> str:
    """Date and time in the browser's locale and time zone, as Date.toLocaleString() gives."""
    return str(_DATE_TIME.format(ts * 1000))


def local_clock(ts: float) -> str:
    """Time of day in the browser's locale, as Date.toLocaleTimeString() gives."""
    return str(_CLOCK.format(ts * 1000))


_HOUR_MINUTE = _Formatter(hour="numeric", minute="2-digit")
_SHORT_DATE = _Formatter(month="short", day="numeric")


def utc_offset_minutes() -> int:
    """How far the browser's clock is ahead of UTC now, in minutes (for the agent's own "today")."""
    return -int(js.Date.new().getTimezoneOffset())


def when(ts: float, now: float) -> str:
    """"today 16:05", "yesterday 16:05" or "12 Nov 16:05", in the browser's locale."""
    day = day_word(ts, now, utc_offset_minutes()) or str(_SHORT_DATE.format(ts * 1000))
    return f"{day} {_HOUR_MINUTE.format(ts * 1000)}"


class Later:
    """Runs a function once on the next tick, however many times it is asked for before then.

    For views derived from many calls (today's summary, the call-back list): a burst of
    events costs one redraw, and none of it inside the message handler.
    """

    def __init__(self, run: Callable[[], None], after_ms: int = 0) -> None:
        self.run = run
        self.after_ms = after_ms
        self.due = False
        self._tick = keep(self._fire)

    def __call__(self) -> None:
        if not self.due:
            self.due = True
            js.window.setTimeout(self._tick, self.after_ms)

    def _fire(self, *_: Any) -> None:
        self.due = False
        self.run()
