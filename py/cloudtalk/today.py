"""Today at a glance: calls by outcome, total talk time, and calls per hour, in the agent's own day.

Only today's calls are read: the log is in start order, so reading stops at the first call
of an earlier day, however long the history is.

    summary = today(log.newest_first(), now=time.time(), utc_offset_minutes=60)
    fold = DayFold(now=time.time(), utc_offset_minutes=60)      # the same, a page at a time:
    all(fold.add(call) for call in page)                        # False at the first call of an earlier day
    summary = fold.finish()
    assert summary.total == sum(summary.by_outcome.values()) + summary.in_progress
    bars = chart(summary)  # the bars of the calls-per-hour chart
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .calls import Call, Outcome

DAY = 86_400


@dataclass(frozen=True)
class Today:
    total: int
    by_outcome: dict[Outcome, int]  # in Outcome order, only outcomes that occurred
    in_progress: int
    talk_seconds: float
    per_hour: tuple[int, ...]  # 24 counts, by the hour each call started, in local time

    @property
    def busiest_hour(self) -> int | None:
        peak = max(self.per_hour)
        return self.per_hour.index(peak) if peak else None


def local_day_start(now: float, utc_offset_minutes: int) -> float:
    """When today began, in seconds since the epoch, for a clock this many minutes ahead of UTC."""
    offset = utc_offset_minutes * 60
    return (now + offset) // DAY * DAY - offset


class DayFold:
    """Today's summary, added up a call at a time, newest first, holding no call: the page reads the day from the store
    a page at a time, and a day of many calls costs no more memory than one page of them."""

    def __init__(self, now: float, utc_offset_minutes: int) -> None:
        self.start = local_day_start(now, utc_offset_minutes)
        self.offset = utc_offset_minutes * 60
        self.outcomes: Counter[Outcome] = Counter()
        self.hours = [0] * 24
        self.total = self.in_progress = 0
        self.talk = 0.0

    def add(self, call: Call) -> bool:
        """Count a call of today; False, counting nothing, for a call of an earlier day (the newest first: the end)."""
        if call.started_at < self.start:
            return False
        self.total += 1
        self.hours[int((call.started_at + self.offset) % DAY // 3600)] += 1
        if call.outcome is None:
            self.in_progress += 1
        else:
            self.outcomes[call.outcome] += 1
        self.talk += call.talk_seconds or 0.0
        return True

    def finish(self) -> Today:
        by_outcome = {outcome: self.outcomes[outcome] for outcome in Outcome if self.outcomes[outcome]}
        return Today(self.total, by_outcome, self.in_progress, self.talk, tuple(self.hours))


def today(newest_first: Iterable[Call], now: float, utc_offset_minutes: int) -> Today:
    fold = DayFold(now, utc_offset_minutes)
    for call in newest_first:
        if not fold.add(call):
            break
    return fold.finish()


@dataclass(frozen=True)
class Bar:
    hour: int
    count: int
    height: float  # 0..1 of the chart's height


def chart(summary: Today, first_hour: int = 7, last_hour: int = 19) -> list[Bar]:
    """The hours to draw: the working day, widened to every hour that had a call."""
    busy = [hour for hour, count in enumerate(summary.per_hour) if count]
    low = min([first_hour, *busy])
    high = max([last_hour, *busy])
    peak = max(summary.per_hour) or 1
    return [Bar(hour, summary.per_hour[hour], summary.per_hour[hour] / peak) for hour in range(low, high + 1)]


def describe(summary: Today) -> str:
    """The chart's text alternative: the numbers it shows, as a sentence."""
    if not summary.total:
        return "No calls today yet."
    busy = ", ".join(f"{hour:02}:00 {count}" for hour, count in enumerate(summary.per_hour) if count)
    return f"Calls per hour today: {busy}."
