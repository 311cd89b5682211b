"""The per-call state machine: every outcome path, duplicates, out-of-order arrivals, staleness."""

from __future__ import annotations

import pytest

from cloudtalk.calls import Call, Direction, HungUpBy, Outcome, State, mark_stale, step

from .messages import event


def play(names: list[str], uuid: str = "call-1") -> Call:
    call = None
    for t, name in enumerate(names):
        call = step(call, event(name, uuid), at=100.0 + 10 * t)
    assert call is not None
    return call


@pytest.mark.parametrize(
    ("names", "state", "direction", "outcome", "hung_up_by"),
    [
        # the five outcomes of the guide's semantics
        (["ringing", "ended"], State.ENDED, Direction.INBOUND, Outcome.MISSED, None),
        (["ringing", "hangup", "ended"], State.ENDED, Direction.INBOUND, Outcome.DECLINED, None),
        (["ringing", "calling", "hangup", "ended"], State.ENDED, Direction.INBOUND, Outcome.ANSWERED, HungUpBy.YOU),
        (["ringing", "calling", "ended"], State.ENDED, Direction.INBOUND, Outcome.ANSWERED, HungUpBy.THEY),
        (["dialing", "calling", "ended"], State.ENDED, Direction.OUTBOUND, Outcome.ANSWERED, HungUpBy.THEY),
        (["dialing", "calling", "hangup", "ended"], State.ENDED, Direction.OUTBOUND, Outcome.ANSWERED, HungUpBy.YOU),
        (["dialing", "ended"], State.ENDED, Direction.OUTBOUND, Outcome.NO_ANSWER, None),
        (["dialing", "hangup", "ended"], State.ENDED, Direction.OUTBOUND, Outcome.CANCELLED, None),
        # contact data anywhere changes no outcome
        (["contact_info", "ringing", "contact_info", "calling", "ended"], State.ENDED, Direction.INBOUND, Outcome.ANSWERED, HungUpBy.THEY),
        # live states
        (["ringing"], State.RINGING, Direction.INBOUND, None, None),
        (["dialing"], State.DIALING, Direction.OUTBOUND, None, None),
        (["ringing", "calling"], State.ON_CALL, Direction.INBOUND, None, None),
        (["ringing", "calling", "hangup"], State.ENDING, Direction.INBOUND, None, None),
        (["contact_info"], State.PENDING, Direction.UNKNOWN, None, None),
        # duplicates are idempotent
        (["ringing", "ringing", "ringing", "ended", "ended"], State.ENDED, Direction.INBOUND, Outcome.MISSED, None),
        (["dialing", "hangup", "hangup", "ended"], State.ENDED, Direction.OUTBOUND, Outcome.CANCELLED, None),
        # ended is terminal
        (["ringing", "ended", "calling", "hangup"], State.ENDED, Direction.INBOUND, Outcome.MISSED, None),
        (["dialing", "ended", "ringing"], State.ENDED, Direction.OUTBOUND, Outcome.NO_ANSWER, None),
        # a late ringing or dialing after the end tells no direction: the outcome stays as it was
        (["ended", "ringing"], State.ENDED, Direction.UNKNOWN, Outcome.UNKNOWN, None),
        (["hangup", "ended", "dialing"], State.ENDED, Direction.UNKNOWN, Outcome.UNKNOWN, None),
        # first seen mid-way (e.g. after a reload)
        (["calling", "ended"], State.ENDED, Direction.UNKNOWN, Outcome.ANSWERED, HungUpBy.THEY),
        (["calling", "hangup", "ended"], State.ENDED, Direction.UNKNOWN, Outcome.ANSWERED, HungUpBy.YOU),
        (["calling"], State.ON_CALL, Direction.UNKNOWN, None, None),
        (["ended"], State.ENDED, Direction.UNKNOWN, Outcome.UNKNOWN, None),
        (["hangup", "ended"], State.ENDED, Direction.UNKNOWN, Outcome.UNKNOWN, None),
        # out of order: direction becomes known when ringing/dialing turns up late
        (["calling", "ringing", "ended"], State.ENDED, Direction.INBOUND, Outcome.ANSWERED, HungUpBy.THEY),
        (["calling", "dialing", "hangup", "ended"], State.ENDED, Direction.OUTBOUND, Outcome.ANSWERED, HungUpBy.YOU),
    ],
)
def test_event_sequences_reach_the_expected_state_and_outcome(names, state, direction, outcome, hung_up_by):
    call = play(names)
    assert call.state is state
    assert call.direction is direction
    assert call.outcome is outcome
    assert call.hung_up_by is hung_up_by


def test_each_step_is_timed_and_durations_derive_from_them():
    call = play(["ringing", "calling", "hangup", "ended"])  # at 100, 110, 120, 130
    assert [(s.event, s.at) for s in call.steps] == [("ringing", 100), ("calling", 110), ("hangup", 120), ("ended", 130)]
    assert call.ring_seconds == 10
    assert call.talk_seconds == 10  # talk ends at the agent's hangup


def test_talk_time_runs_to_ended_when_they_hang_up():
    call = play(["dialing", "calling", "ended"])  # 100, 110, 120
    assert (call.ring_seconds, call.talk_seconds) == (10, 10)


def test_a_missed_call_rang_until_it_ended_and_had_no_talk():
    call = play(["ringing", "ended"])
    assert (call.ring_seconds, call.talk_seconds) == (10, None)


def test_durations_are_never_negative_when_the_clock_steps_back():
    call = step(None, event("ringing"), at=100.0)
    call = step(call, event("calling"), at=90.0)
    call = step(call, event("ended"), at=80.0)
    assert call.ring_seconds == 0.0 and call.talk_seconds == 0.0


def test_a_duplicate_returns_the_same_call_object():
    call = play(["ringing"])
    assert step(call, event("ringing"), at=500.0) is call


def test_contact_info_merges_into_the_calls_contact_and_is_a_step():
    call = step(None, event("ringing", contact={"name": "John", "company": "Co", "tags": ["VIP"]}), at=1.0)
    call = step(call, event("contact_info", contact={"name": "John Doe", "tags": ["VIP", "Europe"]}), at=2.0)
    assert call.contact.name == "John Doe"
    assert call.contact.company == "Co"
    assert call.contact.tags == ["VIP", "Europe"]
    assert call.state is State.RINGING
    assert [s.event for s in call.steps] == ["ringing", "contact_info"]


def test_contact_info_after_ended_still_updates_the_contact():
    call = play(["ringing", "ended"])
    late = step(call, event("contact_info", contact={"name": "Late"}), at=999.0)
    assert late.contact.name == "Late" and late.state is State.ENDED


def test_a_quiet_live_call_goes_stale_and_a_late_ended_still_closes_it():
    call = play(["ringing", "calling"])  # last event at 110
    assert mark_stale(call, now=150.0, after_seconds=60) is call
    stale = mark_stale(call, now=170.0, after_seconds=60)
    assert stale.state is State.STALE and stale.outcome is Outcome.STALE
    closed = step(stale, event("ended"), at=200.0)
    assert closed.state is State.ENDED and closed.outcome is Outcome.ANSWERED


def test_ended_calls_never_go_stale():
    call = play(["ringing", "ended"])
    assert mark_stale(call, now=1e9, after_seconds=1) is call


def test_numbers_are_taken_from_the_first_message_that_has_them():
    call = step(None, event("contact_info", external_number=None), at=1.0)
    assert call.external_number is None
    call = step(call, event("ringing", external_number="+1 555"), at=2.0)
    assert call.number == "+1 555"
    call = step(call, event("calling", external_number="+9 999"), at=3.0)
    assert call.number == "+1 555"


def test_unknown_caller_has_a_display_name():
    assert play(["ringing"]).display_name == "Unknown caller"


def test_a_repeated_event_that_brings_the_internal_number_is_a_change():
    call = step(None, event("ringing", internal_number=None), at=1.0)
    again = step(call, event("ringing", internal_number="+1 888 487 1675"), at=2.0)
    assert again is not call and again.internal_number == "+1 888 487 1675"
    assert [s.event for s in again.steps] == ["ringing", "ringing"]
    later = step(again, event("calling", internal_number="+9 999"), at=3.0)
    assert later.internal_number == "+1 888 487 1675", "the first number seen stays"


def test_a_late_calling_after_the_hangup_only_updates_the_contact():
    call = step(None, event("hangup"), at=1.0)
    call = step(call, event("calling", contact={"name": "Late"}), at=2.0)
    call = step(call, event("ended"), at=3.0)
    assert call.contact.name == "Late"
    assert call.answered_at is None and call.outcome is Outcome.UNKNOWN
