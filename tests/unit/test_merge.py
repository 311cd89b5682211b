"""Two copies of one call made one (a restore, an older version's store): the copy that knows more of the call,
and the newer note. Checked rule by rule, ties included."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cloudtalk.calls import Call, annotate, knows_more, merged, step

from .messages import event


def ringing() -> Call:
    return step(None, event("ringing", "m"), at=1.0)


def answered() -> Call:
    return step(step(ringing(), event("calling", "m"), at=2.0), event("ended", "m"), at=9.0)


def test_more_events_know_more_and_an_ended_call_knows_more_than_a_live_one_with_as_many():
    assert knows_more(answered(), ringing()) and not knows_more(ringing(), answered())
    live = step(ringing(), event("calling", "m"), at=2.0)
    ended = step(ringing(), event("ended", "m"), at=2.0)
    assert knows_more(ended, live) and not knows_more(live, ended)
    assert not knows_more(ended, ended) and not knows_more(live, live), "a tie is not more"


def test_on_a_tie_the_local_copy_stays():
    local = answered()
    other = replace(answered(), external_number="+1 555 0199")  # as many events, both ended, something else differs
    assert merged(local, other) is local


def test_the_copy_that_knows_more_gives_the_call_and_the_local_note_stays():
    local = annotate(ringing(), note="typed while it rang", at=1.5)
    result = merged(local, answered())
    assert result.answered_at == 2.0 and result.note == "typed while it rang" and result.noted_at == 1.5


@pytest.mark.parametrize(
    ("local", "incoming", "wins"),
    [
        (("", "", None), ("", "", None), "local"),  # nobody wrote anything
        (("", "", None), ("note", "", None), "incoming"),  # fills in, whatever its age
        (("", "", None), ("", "Interested", None), "incoming"),  # a disposition alone is written too
        (("", "", None), ("", "", 5.0), "incoming"),  # cleared there, never written here
        (("", "", 6.0), ("note", "", 5.0), "local"),  # cleared here after that note was written
        (("", "", 5.0), ("note", "", 6.0), "incoming"),  # written there after it was cleared here
        (("", "", 5.0), ("note", "", 5.0), "local"),  # a tie
        (("", "", 5.0), ("note", "", None), "local"),  # of unknown age: never over the agent's word
        (("mine", "", None), ("theirs", "", None), "local"),
        (("mine", "", None), ("theirs", "", 1.0), "incoming"),
        (("mine", "", 5.0), ("theirs", "", None), "local"),
        (("mine", "", 5.0), ("theirs", "", 4.0), "local"),
        (("mine", "", 5.0), ("theirs", "", 5.0), "local"),  # a tie
        (("mine", "", 5.0), ("theirs", "", 6.0), "incoming"),
        (("", "Follow up", 5.0), ("theirs", "", 4.0), "local"),  # a disposition alone is the agent's word too
        (("mine", "", 5.0), ("", "", None), "local"),
    ],
)
def test_the_newer_note_wins_and_one_of_unknown_age_only_fills_in(local, incoming, wins):
    def with_note(call: Call, note: tuple) -> Call:
        return replace(call, note=note[0], disposition=note[1], noted_at=note[2])

    mine, theirs = with_note(answered(), local), with_note(answered(), incoming)
    result = merged(mine, theirs)
    expected = mine if wins == "local" else theirs
    assert (result.note, result.disposition, result.noted_at) == (expected.note, expected.disposition, expected.noted_at)
    if wins == "local":
        assert result is mine, "nothing changed: the local copy itself"


def test_annotating_without_a_time_leaves_when_the_note_was_written_as_it_was():
    call = annotate(ringing(), note="first", at=3.0)
    assert annotate(call, note="second").noted_at == 3.0
    assert annotate(ringing(), note="x").noted_at is None
