"""Today at a glance: only today's calls, in the agent's own day, by outcome, talk time and hour."""

from __future__ import annotations

from cloudtalk.calls import Outcome, step
from cloudtalk.log import CallLog
from cloudtalk.ports import MemoryCallStore
from cloudtalk.today import Bar, DayFold, chart, describe, local_day_start, today

from .messages import event

DAY = 86_400
NOON = 20_000 * DAY + 12 * 3600  # a UTC noon


def test_the_day_starts_at_local_midnight():
    assert local_day_start(NOON, 0) == NOON - 12 * 3600
    assert local_day_start(NOON, 120) == NOON - 14 * 3600  # 14:00 local at UTC+2
    assert local_day_start(NOON, -13 * 60) == NOON - 23 * 3600  # 23:00 the day before at UTC-13


def log_with(calls: list[tuple[str, list[str], float]]) -> CallLog:
    log = CallLog(MemoryCallStore())
    for uuid, names, at in calls:
        for i, name in enumerate(names):
            log.apply(event(name, uuid), at=at + 60 * i)
    return log


def test_only_todays_calls_count_by_outcome_talk_time_and_hour():
    log = log_with([
        ("yesterday", ["ringing", "ended"], NOON - DAY),
        ("morning", ["ringing", "calling", "ended"], NOON - 3 * 3600),  # 09:00, answered, 60 s talk
        ("late-morning", ["dialing", "ended"], NOON - 3600),  # 11:00, no answer
        ("now", ["ringing"], NOON),  # 12:00, in progress
        ("noon-missed", ["ringing", "ended"], NOON + 10),
    ])
    summary = today(log.newest_first(), now=NOON + 3600, utc_offset_minutes=0)
    assert summary.total == 4
    assert summary.by_outcome == {Outcome.ANSWERED: 1, Outcome.MISSED: 1, Outcome.NO_ANSWER: 1}
    assert list(summary.by_outcome) == [Outcome.ANSWERED, Outcome.MISSED, Outcome.NO_ANSWER], "in Outcome's order"
    assert summary.in_progress == 1
    assert summary.talk_seconds == 60
    assert summary.per_hour[9] == 1 and summary.per_hour[11] == 1 and summary.per_hour[12] == 2
    assert sum(summary.per_hour) == 4
    assert summary.busiest_hour == 12


def test_hours_are_local_and_reading_stops_at_the_first_call_of_an_earlier_day():
    log = log_with([("late", ["ringing", "ended"], NOON + 11 * 3600)])  # 23:00 UTC, 01:00 at UTC+2
    summary = today(log.newest_first(), now=NOON + 11.5 * 3600, utc_offset_minutes=120)
    assert summary.per_hour[1] == 1

    class Endless:
        def __iter__(self):
            yield step(None, event("ringing", "old"), at=NOON - DAY)
            raise AssertionError("read past the first call of an earlier day")

    assert today(Endless(), now=NOON, utc_offset_minutes=0).total == 0


def test_an_empty_day_has_no_busiest_hour_and_says_so():
    summary = today([], now=NOON, utc_offset_minutes=0)
    assert (summary.total, summary.busiest_hour, summary.talk_seconds) == (0, None, 0)
    assert describe(summary) == "No calls today yet."


def test_the_chart_shows_the_working_day_widened_to_every_busy_hour():
    log = log_with([("early", ["ringing", "ended"], NOON - 7 * 3600), ("a", ["ringing"], NOON), ("b", ["ringing"], NOON + 60)])
    summary = today(log.newest_first(), now=NOON + 120, utc_offset_minutes=0)
    bars = chart(summary)
    assert [b.hour for b in bars] == list(range(5, 20))
    assert bars[0] == Bar(5, 1, 0.5) and Bar(12, 2, 1.0) in bars
    assert describe(summary) == "Calls per hour today: 05:00 1, 12:00 2."
    assert [b.hour for b in chart(today([], now=NOON, utc_offset_minutes=0))] == list(range(7, 20))


def test_every_call_counts_once_and_the_day_starts_at_its_first_second():
    start = NOON - 12 * 3600
    log = log_with([
        ("at-midnight", ["ringing", "ended"], start),  # exactly at the start of the day: today
        ("m2", ["ringing", "ended"], start + 3600),
        ("a1", ["ringing", "calling", "ended"], start + 7200),  # 60 s talk
        ("a2", ["ringing", "calling", "ended"], start + 9000),  # 60 s talk
        ("live1", ["ringing"], start + 10_000),
        ("live2", ["dialing"], start + 10_100),
    ])
    summary = today(log.newest_first(), now=NOON, utc_offset_minutes=0)
    assert summary.total == 6 and len(summary.per_hour) == 24
    assert summary.by_outcome == {Outcome.ANSWERED: 2, Outcome.MISSED: 2}
    assert (summary.in_progress, summary.talk_seconds) == (2, 120)
    assert summary.per_hour[0] == 1


def test_the_hour_is_the_local_one_to_the_second():
    log = log_with([("late", ["ringing", "ended"], NOON + 11 * 3600 + 59 * 60 + 30)])  # 23:59:30 UTC = 01:59:30 at UTC+2
    summary = today(log.newest_first(), now=NOON + 12 * 3600 - 1, utc_offset_minutes=120)
    assert summary.per_hour[1] == 1 and summary.per_hour[2] == 0


def test_a_day_added_up_a_page_at_a_time_is_the_day_added_up_at_once():
    log = log_with([(f"c{i}", ["ringing", "calling", "ended"] if i % 2 else ["dialing", "ended"], NOON - 3 * 3600 + 600 * i)
                    for i in range(12)] + [("yesterday", ["ringing", "ended"], NOON - DAY)])
    calls = list(log.newest_first())
    fold = DayFold(now=NOON + 3600, utc_offset_minutes=0)
    pages = [calls[i : i + 5] for i in range(0, len(calls), 5)]
    assert [all(fold.add(call) for call in page) for page in pages] == [True, True, False]
    summary = fold.finish()
    assert summary == today(calls, now=NOON + 3600, utc_offset_minutes=0)
    assert summary.total == 12 and fold.total == 12, "the earlier day's call is not counted"
