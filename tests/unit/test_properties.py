"""Property tests: arbitrary event sequences and junk never raise, and the invariants hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtalk.app import PhoneApp
from cloudtalk.calls import State, step
from cloudtalk.events import EVENT_NAMES, Rejection, parse
from cloudtalk.handlers import Registry
from cloudtalk.log import CallLog
from cloudtalk.persist import MemoryStorage, decode, encode

from .messages import message

uuids = st.sampled_from(["a", "b", "c"])
names = st.sampled_from(EVENT_NAMES)
contacts = st.none() | st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=20),
        "company": st.text(max_size=10),
        "tags": st.lists(st.text(max_size=5), max_size=3),
        "contact_numbers": st.lists(st.text(max_size=8), max_size=2),
    },
)
valid_messages = st.builds(lambda n, u, c: message(n, u, contact=c), names, uuids, contacts)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
junk = st.text(max_size=200) | json_values | json_values.map(json.dumps) | st.builds(
    lambda n, props: json.dumps({"event": n, "properties": props}), st.text(max_size=12) | names, json_values
)
inputs = st.lists(st.one_of(valid_messages, junk), max_size=40)
times = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=40, max_size=40)


@settings(max_examples=150, deadline=None)
@given(inputs, times)
def test_any_sequence_of_messages_and_junk_never_raises_and_keeps_invariants(raws, clock_values):
    ticks = iter(clock_values + [0.0] * len(raws))
    storage = MemoryStorage()
    app = PhoneApp(CallLog(storage), Registry(), clock=lambda: next(ticks))
    ended_before: set[str] = set()
    for raw in raws:
        app.receive(raw)
        for call in app.log.newest_first():
            if call.uuid in ended_before:
                assert call.state is State.ENDED, "ended must stay terminal"
            if call.state is State.ENDED:
                ended_before.add(call.uuid)
    calls = list(app.log.newest_first())
    assert len({c.uuid for c in calls}) == len(calls) == len(app.log)
    for call in calls:
        for duration in (call.ring_seconds, call.talk_seconds):
            assert duration is None or duration >= 0
        assert decode(encode(call)) == call
    reloaded = CallLog(storage)
    reloaded.load()
    assert sorted(c.uuid for c in reloaded.newest_first()) == sorted(c.uuid for c in calls)


@settings(max_examples=200, deadline=None)
@given(junk)
def test_parse_returns_an_event_or_a_rejection_for_anything(raw):
    result = parse(raw)
    assert isinstance(result, Rejection) or result.name in EVENT_NAMES


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(names, st.floats(min_value=0, max_value=1e6)), min_size=1, max_size=12))
def test_a_call_never_leaves_ended_and_its_durations_are_never_negative(sequence):
    from .messages import event

    call = None
    ended = False
    for name, at in sequence:
        call = step(call, event(name), at=at)
        if ended:
            assert call.state is State.ENDED
        ended = call.state is State.ENDED
        assert (call.ring_seconds or 0) >= 0 and (call.talk_seconds or 0) >= 0
