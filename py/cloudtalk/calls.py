"""One call's life: a declarative transition table, outcomes and durations.

State changes are a reduction over events; rendering only reads the result.

    call = step(None, ringing_event, at=10.0)
    call = step(call, ended_event, at=25.0)
    assert call.outcome is Outcome.MISSED and call.ring_seconds == 15.0
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from .events import Contact, PhoneEvent


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    UNKNOWN = "unknown"


class State(StrEnum):
    PENDING = "pending"  # only contact data seen so far
    RINGING = "ringing"
    DIALING = "dialing"
    ON_CALL = "on_call"
    ENDING = "ending"  # the agent hung up; the session is being torn down
    STALE = "stale"  # no event for too long while not ended
    ENDED = "ended"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.PENDING: "Pending",
    State.RINGING: "Ringing",
    State.DIALING: "Dialing",
    State.ON_CALL: "On call",
    State.ENDING: "Ending",
    State.STALE: "Stale",
    State.ENDED: "Ended",
}

LIVE_STATES = frozenset({State.PENDING, State.RINGING, State.DIALING, State.ON_CALL, State.ENDING})


class Outcome(StrEnum):
    ANSWERED = "Answered"
    MISSED = "Missed"
    DECLINED = "Declined"
    NO_ANSWER = "No answer"
    CANCELLED = "Cancelled"
    STALE = "Stale"
    UNKNOWN = "Unknown"  # first seen at its very end: direction and answer unknown


class HungUpBy(StrEnum):
    YOU = "you"
    THEY = "they"


# (state, event) -> next state. A pair not listed leaves the state as it is:
# that is how duplicates, late arrivals and anything after `ended` are absorbed.
_NEW = None
TRANSITIONS: dict[tuple[State | None, str], State] = {
    (_NEW, "contact_info"): State.PENDING,
    (_NEW, "ringing"): State.RINGING,
    (_NEW, "dialing"): State.DIALING,
    (_NEW, "calling"): State.ON_CALL,
    (_NEW, "hangup"): State.ENDING,
    (_NEW, "ended"): State.ENDED,
    (State.PENDING, "ringing"): State.RINGING,
    (State.PENDING, "dialing"): State.DIALING,
    (State.PENDING, "calling"): State.ON_CALL,
    (State.PENDING, "hangup"): State.ENDING,
    (State.PENDING, "ended"): State.ENDED,
    (State.RINGING, "calling"): State.ON_CALL,
    (State.RINGING, "hangup"): State.ENDING,
    (State.RINGING, "ended"): State.ENDED,
    (State.DIALING, "calling"): State.ON_CALL,
    (State.DIALING, "hangup"): State.ENDING,
    (State.DIALING, "ended"): State.ENDED,
    (State.ON_CALL, "hangup"): State.ENDING,
    (State.ON_CALL, "ended"): State.ENDED,
    (State.ENDING, "ended"): State.ENDED,
    (State.STALE, "calling"): State.ON_CALL,
    (State.STALE, "hangup"): State.ENDING,
    (State.STALE, "ended"): State.ENDED,
}

# The first ringing or dialing tells the direction, whenever it arrives.
DIRECTION_OF = {"ringing": Direction.INBOUND, "dialing": Direction.OUTBOUND}

# (direction, answered, the agent hung up before the end) -> outcome of an ended call.
OUTCOMES: dict[tuple[Direction, bool, bool], Outcome] = {
    (Direction.INBOUND, False, False): Outcome.MISSED,
    (Direction.INBOUND, False, True): Outcome.DECLINED,
    (Direction.OUTBOUND, False, False): Outcome.NO_ANSWER,
    (Direction.OUTBOUND, False, True): Outcome.CANCELLED,
    (Direction.UNKNOWN, False, False): Outcome.UNKNOWN,
    (Direction.UNKNOWN, False, True): Outcome.UNKNOWN,
    **{(d, True, hung): Outcome.ANSWERED for d in Direction for hung in (False, True)},
}


# The moment a transition by this event happens is kept on the call, once.
TIMESTAMPS = {"calling": "answered_at", "hangup": "hangup_at", "ended": "ended_at"}


class Step(NamedTuple):
    """One event of a call and when it arrived (a tuple: thousands are built at boot)."""

    event: str
    at: float


@dataclass(frozen=True)
class Call:
    """Everything known about one call; replaced, never mutated."""

    uuid: str
    state: State
    direction: Direction = Direction.UNKNOWN
    external_number: str | None = None
    internal_number: str | None = None
    contact: Contact | None = None
    steps: tuple[Step, ...] = ()
    answered_at: float | None = None
    hangup_at: float | None = None
    ended_at: float | None = None
    note: str = ""  # typed by the agent, plain text
    disposition: str = ""  # chosen by the agent from Settings' list
    noted_at: float | None = None  # when the note or disposition was last saved; None: never, or unknown (older records)

    @property
    def started_at(self) -> float:
        return self.steps[0].at

    @property
    def last_event_at(self) -> float:
        return self.steps[-1].at

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def outcome(self) -> Outcome | None:
        if self.state is State.STALE:
            return Outcome.STALE
        if self.state is not State.ENDED:
            return None
        agent_hung_up = self.hangup_at is not None
        return OUTCOMES[(self.direction, self.answered_at is not None, agent_hung_up)]

    @property
    def hung_up_by(self) -> HungUpBy | None:
        if self.state is not State.ENDED or self.answered_at is None:
            return None
        return HungUpBy.YOU if self.hangup_at is not None else HungUpBy.THEY

    @property
    def ring_seconds(self) -> float | None:
        """From the first event until answered, or until the end if never answered."""
        until = self.answered_at if self.answered_at is not None else self._end_at
        return None if until is None else max(0.0, until - self.started_at)

    @property
    def talk_seconds(self) -> float | None:
        if self.answered_at is None or self._end_at is None:
            return None
        return max(0.0, self._end_at - self.answered_at)

    @property
    def _end_at(self) -> float | None:
        ends = [t for t in (self.hangup_at, self.ended_at) if t is not None]
        return min(ends) if ends else None

    @property
    def display_name(self) -> str:
        if self.contact and self.contact.name:
            return self.contact.name
        return "Unknown caller"

    @property
    def number(self) -> str:
        return self.external_number or (self.contact.contact_numbers[0] if self.contact and self.contact.contact_numbers else "")


def _first(old: str | None, new: str | None) -> str | None:
    return old or new or None


def step(call: Call | None, event: PhoneEvent, at: float) -> Call:
    """The call after `event`. Duplicates and events after `ended` change nothing."""
    state = call.state if call else None
    name = event.name
    props = event.properties
    next_state = TRANSITIONS.get((state, name), state)
    base = call or Call(uuid=props.call_uuid, state=State.PENDING)  # a new call always moves: its state is set below

    contact = base.contact
    if props.contact is not None:
        contact = props.contact if contact is None else contact.merged_with(props.contact)
    direction = base.direction
    if direction is Direction.UNKNOWN and name in DIRECTION_OF and state is not State.ENDED:
        direction = DIRECTION_OF[name]

    moved = next_state != state
    changed = (
        moved
        or contact != base.contact
        or direction != base.direction
        or (props.external_number and not base.external_number)
        or (props.internal_number and not base.internal_number)
    )
    if not changed:
        return base
    stamp = TIMESTAMPS.get(name) if moved else None
    stamps = {stamp: at} if stamp and getattr(base, stamp) is None else {}
    return replace(
        base,
        state=next_state or State.PENDING,
        direction=direction,
        external_number=_first(base.external_number, props.external_number),
        internal_number=_first(base.internal_number, props.internal_number),
        contact=contact,
        steps=(*base.steps, Step(name, at)),
        **stamps,
    )


NOTE_CHARS = 2000
DISPOSITION_CHARS = 40


def annotate(call: Call, note: str | None = None, disposition: str | None = None, *, at: float | None = None) -> Call:
    """The call with the agent's note and disposition (each capped; None leaves it as it is), saved `at`."""
    changes: dict[str, object] = {}
    if note is not None:
        changes["note"] = note[:NOTE_CHARS]
    if disposition is not None:
        changes["disposition"] = disposition.strip()[:DISPOSITION_CHARS]
    updated = replace(call, **changes)
    if updated == call:
        return call
    return replace(updated, noted_at=at) if at is not None else updated


def knows_more(a: Call, b: Call) -> bool:
    """Whether `a` has seen more of the call than `b`: more events, or the same number and ended where `b` is not."""
    return (len(a.steps), not a.is_live) > (len(b.steps), not b.is_live)


def merged(local: Call, incoming: Call) -> Call:
    """One call from two copies of it (a restore, another tab): the copy that knows more of the call
    gives the call's data, and the newer note wins. A note whose age is unknown (written by an older
    version) never replaces one the agent has; it only fills in where there is none."""
    base = incoming if knows_more(incoming, local) else local
    notes = incoming if _note_wins(incoming, local) else local
    result = replace(base, note=notes.note, disposition=notes.disposition, noted_at=notes.noted_at)
    return local if result == local else result


def _note_wins(incoming: Call, local: Call) -> bool:
    if not (incoming.note or incoming.disposition) and incoming.noted_at is None:
        return False  # nothing written on the incoming copy
    if not (local.note or local.disposition):
        return local.noted_at is None or (incoming.noted_at is not None and incoming.noted_at > local.noted_at)
    return incoming.noted_at is not None and (local.noted_at is None or incoming.noted_at > local.noted_at)


def mark_stale(call: Call, now: float, after_seconds: float) -> Call:
    """The call marked Stale when it is live and has had no event for `after_seconds`."""
    if call.is_live and now - call.last_event_at >= after_seconds:
        return replace(call, state=State.STALE)
    return call
