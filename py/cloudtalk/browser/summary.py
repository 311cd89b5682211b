"""Today at a glance, above the timeline: calls by outcome, talk time, and a calls-per-hour chart.

The chart is inline SVG drawn from Python (a handful of rects: no chart library on the boot
path), with its numbers as a text alternative. Redrawn at most once a second, off the message handler.

    panel = TodayPanel(log, store, clock=time.time)
    panel.changed()

Today's calls are read from the store, newest first, back to the day's start (a range of its start
index): every one of them, whether or not the page has loaded them, added up a page at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..log import CallLog
from ..persist import decode_readable
from ..ports import StoredCalls
from ..present import duration
from ..today import DayFold, Today, chart, describe
from .dom import Later, by_id, clear, el, spawn, utc_offset_minutes
from .ffi import js

SVG = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT, LABELS = 300, 64, 12  # viewBox units; the bottom LABELS units hold the hour labels
REDRAW_MS = 1000  # the soonest redraw after a change
BUSY_SHARE = 10  # after a redraw that took t, the next waits 10 t at least: a day of very many calls takes a tenth of the time


def _svg(tag: str, text: str | None = None, **attrs: object) -> Any:
    node = js.document.createElementNS(SVG, tag)
    for name, value in attrs.items():
        node.setAttribute(name.rstrip("_").replace("_", "-"), str(value))
    if text is not None:
        node.textContent = text
    return node


DAY_PAGE = 200  # today's calls read a page at a time


class TodayPanel:
    def __init__(self, log: CallLog, store: StoredCalls, clock: Callable[[], float]) -> None:
        self.log = log
        self.store = store
        self.clock = clock
        self.asked = 0  # each render asked for: an answer to an earlier one is not drawn
        self.counts = by_id("today-counts")
        self.svg = by_id("today-chart")
        self.text = by_id("today-chart-text")
        # Call after any change of the log. A summary of the day need not follow each event: at most one redraw a
        # second, however many calls change, and fewer on a day of very many calls (it reads all of them: BUSY_SHARE).
        self.changed = Later(self.render, after_ms=REDRAW_MS)

    def render(self) -> None:
        self.asked += 1
        spawn(self._render(self.asked))

    async def _render(self, asked: int) -> None:
        began = float(js.performance.now())
        fold = DayFold(self.clock(), utc_offset_minutes())
        before = None
        while asked == self.asked:
            page = decode_readable(await self.store.newest_page(before, DAY_PAGE))
            # Added up as read, not kept: WebAssembly's memory never shrinks, and a day can hold many thousands of calls.
            if not all(fold.add(self.log.get(call.uuid) or call) for call in page) or len(page) < DAY_PAGE:
                break
            before = (page[-1].started_at, page[-1].uuid)
        if asked == self.asked:
            self._draw(fold.finish())
        self.changed.after_ms = max(REDRAW_MS, int(BUSY_SHARE * (float(js.performance.now()) - began)))

    def _draw(self, summary: Today) -> None:
        clear(self.counts)
        self.counts.append(el("li", None, el("strong", str(summary.total)), el("span", " calls")))
        for outcome, count in summary.by_outcome.items():
            item = el("li", None, el("strong", str(count)), el("span", f" {outcome.value}"))
            item.className = f"today-{outcome.name.lower()}"
            self.counts.append(item)
        if summary.in_progress:
            self.counts.append(el("li", None, el("strong", str(summary.in_progress)), el("span", " in progress")))
        self.counts.append(el("li", None, el("strong", duration(summary.talk_seconds)), el("span", " talk time")))

        bars = chart(summary)
        slot = WIDTH / len(bars)
        clear(self.svg)
        for index, bar in enumerate(bars):
            x = index * slot
            height = bar.height * (HEIGHT - LABELS - 2)
            if bar.count:
                rect = _svg("rect", x=f"{x + slot * 0.15:.1f}", y=f"{HEIGHT - LABELS - height:.1f}",
                            width=f"{slot * 0.7:.1f}", height=f"{height:.1f}", rx="1.5", class_="bar")
                rect.append(_svg("title", f"{bar.hour:02}:00 – {bar.count} call{'s' if bar.count != 1 else ''}"))
                self.svg.append(rect)
            if bar.hour % 3 == 0:
                self.svg.append(_svg("text", f"{bar.hour:02}", x=f"{x + slot / 2:.1f}", y=HEIGHT - 2, class_="hour"))
        self.svg.append(_svg("line", x1=0, x2=WIDTH, y1=HEIGHT - LABELS, y2=HEIGHT - LABELS, class_="axis"))
        self.text.textContent = describe(summary)
