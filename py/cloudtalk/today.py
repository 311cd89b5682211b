"""Today at a glance: calls by outcome, total talk time, and calls per hour, in the agent's own day.

Only today's calls are read: the log is in start order, so reading stops at the first call
of an earlier day, however long the history is.

    summary = today(log.newest_first(), now=time.time(), utc_offset_minutes=60)
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


def today(newest_first: Iterable[Call], now: float, utc_offset_minutes: int) -> Today:
    start = local_day_start(now, utc_offset_minutes)
    offset = utc_offset_minutes * 60
    outcomes: Counter[Outcome] = Counter()
    hours = [0] * 24
    total = in_progress = 0
    talk = 0.0
    for call in newest_first:
        if call.started_at < start:
            break
        total += 1
        hours[int((call.started_at + offset) % DAY // 3600)] += 1
        if call.outcome is None:
            in_progress += 1
        else:
            outcomes[call.outcome] += 1
        talk += call.talk_seconds or 0.0
    by_outcome = {outcome: outcomes[outcome] for outcome in Outcome if outcomes[outcome]}
    return Today(total, by_outcome, in_progress, talk, tuple(hours))


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
