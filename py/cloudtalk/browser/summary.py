"""Today at a glance, above the timeline: calls by outcome, talk time, and a calls-per-hour chart.

The chart is inline SVG drawn from Python (a handful of rects: no chart library on the boot
path), with its numbers as a text alternative. Redrawn at most once a second, off the message handler.

    panel = TodayPanel(log, clock=time.time)
    panel.changed()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..log import CallLog
from ..present import duration
from ..today import chart, describe, today
from .dom import Later, by_id, clear, el, utc_offset_minutes
from .ffi import js

SVG = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT, LABELS = 300, 64, 12
REDRAW_MS = 1000  # viewBox units; the bottom LABELS units hold the hour labels


def _svg(tag: str, text: str | None = None, **attrs: object) -> Any:
    node = js.document.createElementNS(SVG, tag)
    for name, value in attrs.items():
        node.setAttribute(name.rstrip("_").replace("_", "-"), str(value))
    if text is not None:
        node.textContent = text
    return node


class TodayPanel:
    def __init__(self, log: CallLog, clock: Callable[[], float]) -> None:
        self.log = log
        self.clock = clock
        self.counts = by_id("today-counts")
        self.svg = by_id("today-chart")
        self.text = by_id("today-chart-text")
        # Call after any change of the log. A summary of the day need not follow each event: at most
        # one redraw a second, however many calls change (it reads all of today's calls).
        self.changed = Later(self.render, after_ms=REDRAW_MS)

    def render(self) -> None:
        summary = today(self.log.newest_first(), now=self.clock(), utc_offset_minutes=utc_offset_minutes())
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
