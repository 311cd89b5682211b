"""Small DOM helpers. Payload text only ever enters the DOM as text, never as HTML.

    item = el("li", "John Doe", class_="call")
    by_id("timeline").prepend(item)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import js
from pyodide.ffi import create_proxy

from ..present import day_word

SAFE_SCHEMES = ("http:", "https:")

# Proxies handed to the browser for the page's lifetime; kept so they are never collected.
_KEPT: list[Any] = []


def by_id(element_id: str) -> Any:
    return js.document.getElementById(element_id)


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


def keep(handler: Any) -> Any:
    """A proxy of handler that lives as long as the page (set up once, never per message)."""
    proxy = create_proxy(handler)
    _KEPT.append(proxy)
    return proxy


_TASKS: set[asyncio.Future[Any]] = set()


def spawn(work: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
    """Run a coroutine in the background, held until it ends; a failure is written to the console, not lost."""
    task = asyncio.ensure_future(work)
    _TASKS.add(task)

    def ended(done: asyncio.Future[Any]) -> None:
        _TASKS.discard(done)
        if not done.cancelled() and done.exception() is not None:
            js.console.error(f"background work failed: {done.exception()!r}")

    task.add_done_callback(ended)
    return task


def listen(target: Any, event: str, handler: Any) -> Any:
    proxy = keep(handler)
    target.addEventListener(event, proxy)
    return proxy


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
            options = js.Object.new()
            for name, value in self.parts.items():
                setattr(options, name, value)
            self._made = js.Intl.DateTimeFormat.new(js.undefined, options)
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
