"""What the views show, as plain data: a timeline item's look, search matching, durations.

The browser layer only writes these values into the page, so everything a user reads
about a call is decided here, and tested under CPython and Pyodide.

    look = item_look(call)
    assert look.outcome_badge == Badge("Missed", "badge outcome-missed")
    assert matches(call, "555 01", outcome="Missed") and duration(75) == "1:15"
"""

from __future__ import annotations

from typing import NamedTuple

from . import search
from .calls import Call, Direction
from .search import Query, parse_query

ARROWS = {Direction.INBOUND: "↙ Inbound", Direction.OUTBOUND: "↗ Outbound", Direction.UNKNOWN: "• Call"}

LIVE_FILTER = "live"  # the outcome filter's "In progress" choice


def duration(seconds: float | None) -> str:
    """m:ss, or h:mm:ss from an hour; an en dash when there is no duration."""
    if seconds is None:
        return "–"
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def matches(call: Call, query: str | Query | None, outcome: str) -> bool:
    """Whether a call passes the timeline's filters.

    `outcome` is an Outcome's value, LIVE_FILTER, or "" for all. `query` (the search box's text, or
    it parsed) finds the name, company, number, disposition or note by the beginnings of their words,
    ignoring case, and a number whatever its spacing ("555 01" finds "+1 (555) 0100"): see
    cloudtalk.search, which a store's index answers the same way.
    """
    if outcome == LIVE_FILTER and not call.is_live:
        return False
    if outcome and outcome != LIVE_FILTER and (call.outcome is None or call.outcome.value != outcome):
        return False
    parsed = parse_query(query) if isinstance(query, str) else query
    return parsed is None or search.matches(call, parsed)


class Badge(NamedTuple):
    text: str
    css: str  # class names


class ItemLook(NamedTuple):
    """Everything a timeline item shows for a call; the browser writes only the fields that changed."""

    state: tuple[str, str | None]  # the item's data-state and data-outcome
    direction: Badge
    name: str
    number: str
    state_badge: Badge | None  # while live; an ended or stale call shows its outcome instead
    outcome_badge: Badge | None
    hung_up: str | None
    ring: str
    talk: str
    steps: str  # the summary of the expandable list of steps


def item_look(call: Call) -> ItemLook:
    outcome = call.outcome
    steps = len(call.steps)
    return ItemLook(
        state=(call.state.value, outcome.value if outcome else None),
        direction=Badge(ARROWS[call.direction], f"direction dir-{call.direction.value}"),
        name=call.display_name,
        number=call.number,
        state_badge=Badge(call.state.label, f"badge state-{call.state.value}") if call.is_live else None,
        outcome_badge=Badge(outcome.value, f"badge outcome-{outcome.name.lower()}") if outcome else None,
        hung_up=f"{call.hung_up_by.value} hung up" if call.hung_up_by else None,
        ring=f"Ring {duration(call.ring_seconds)}",
        talk=f"Talk {duration(call.talk_seconds)}",
        steps=f"{steps} step{'s' if steps != 1 else ''}",
    )


def tel_href(number: str) -> str:
    """A tel: link for a number as displayed: its digits, and a leading + if it has one."""
    plus = "+" if number.strip().startswith("+") else ""
    return f"tel:{plus}{digits(number)}"


def caller_name(call: Call) -> str:
    """Who, in a sentence: the contact's name, else the number, else "unknown number"."""
    if call.contact and call.contact.name:
        return call.contact.name
    return call.number or "unknown number"


def day_word(ts: float, now: float, utc_offset_minutes: int) -> str | None:
    """"today" or "yesterday" for a time in the agent's own day, else None (show the date)."""
    offset = utc_offset_minutes * 60
    days_ago = int((now + offset) // 86_400 - (ts + offset) // 86_400)
    return {0: "today", 1: "yesterday"}.get(days_ago)


def history_line(count: int, last: Call | None, when: str) -> str:
    """The card's summary of a caller's earlier calls."""
    if count == 0 or last is None:
        return "First call from this caller"
    last_outcome = last.outcome.value if last.outcome else last.state.label
    return f"{count} earlier call{'s' if count != 1 else ''} · last: {last_outcome}, {when}"


def size(n_bytes: float) -> str:
    """Bytes as people read them: 950 B, 12.3 kB, 41.2 MB, 10.0 GB (decimal units, as browsers report quota)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes:.0f} B"


def storage_line(calls: int, persisted: bool | None, usage: float | None, quota: float | None) -> str:
    """Settings' line on the history store: what holds it, how many calls, the space used, whether it is persistent."""
    parts = [f"The browser's database (IndexedDB) holds {calls:,} call{'' if calls == 1 else 's'}"]
    if usage is not None and quota:
        parts.append(f"this site uses {size(usage)} of the {size(quota)} the browser allows it")
    parts.append({True: "storage is persistent: the browser will not remove it to free space",
                  False: "storage is not persistent: the browser may remove it under disk pressure",
                  None: "whether storage is persistent is not known in this browser"}[persisted])
    return "; ".join(parts) + "."
