"""Property tests: arbitrary event sequences and junk never raise, and the invariants hold."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cloudtalk.app import PhoneApp
from cloudtalk.calls import State, step
from cloudtalk.corrections import EMAIL_CHARS, EMAILS, NUMBER_CHARS, NUMBERS, TAGS, TEXT_CHARS, URLS
from cloudtalk.events import (
    EVENT_NAMES,
    MAX_MESSAGE_BYTES,
    Rejection,
    parse,
)
from cloudtalk.handlers import Registry
from cloudtalk.log import CallLog
from cloudtalk.persist import decode, encode
from cloudtalk.ports import MemoryCallStore

from .messages import message, sample_text

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
    store = MemoryCallStore()
    app = PhoneApp(CallLog(store), Registry(), clock=lambda: next(ticks))
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
    reloaded = CallLog(MemoryCallStore())
    reloaded.load(*store.texts())
    assert list(reloaded.newest_first()) == calls


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


# ---------------------------------------------------------------- the forgiving edge

SAMPLE = json.loads(sample_text())
SAMPLE_UUID = SAMPLE["properties"]["call_uuid"]
REQUIRED = {("event",), ("properties",), ("properties", "call_uuid")}


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


OPTIONAL_PATHS = [path for path in _paths(SAMPLE) if path and path not in REQUIRED]


def _nested(depth: int, leaf: Any, as_object: bool) -> Any:
    for _ in range(depth):
        leaf = {"x": leaf} if as_object else [leaf]
    return leaf


any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=300),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6),
    max_leaves=40,
)
deeply_nested = st.builds(_nested, st.integers(min_value=1, max_value=150), any_json, st.booleans())


def _replaced(path: tuple, value: Any) -> dict:
    message = copy.deepcopy(SAMPLE)
    target = message
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return message


def _assert_bounded(event: Any) -> None:
    contact = event.properties.contact
    for text in (event.properties.external_number, event.properties.internal_number):
        assert text is None or (isinstance(text, str) and len(text) <= NUMBER_CHARS)
    if contact is None:
        return
    for text in (contact.name, contact.company, *contact.tags, *(u.external_system for u in contact.external_urls)):
        assert text is None or (isinstance(text, str) and len(text) <= TEXT_CHARS)
    assert all(isinstance(n, str) and len(n) <= NUMBER_CHARS for n in contact.contact_numbers)
    assert all(isinstance(e, str) and len(e) <= EMAIL_CHARS for e in contact.contact_emails)
    assert len(contact.tags) <= TAGS and len(contact.contact_numbers) <= NUMBERS and len(contact.contact_emails) <= EMAILS
    assert len(contact.external_urls) <= URLS


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(OPTIONAL_PATHS), any_json | deeply_nested)
def test_any_json_value_at_any_optional_path_of_the_sample_still_gives_the_call(path, value):
    raw = json.dumps(_replaced(path, value))
    assume(len(raw.encode("utf-8", "surrogatepass")) <= MAX_MESSAGE_BYTES)
    event = parse(raw)
    assert not isinstance(event, Rejection), (path, event)
    assert (event.name, event.call_uuid) == ("ringing", SAMPLE_UUID)
    _assert_bounded(event)
    for correction in event.corrections:
        assert correction.path.startswith("properties.")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(OPTIONAL_PATHS), any_json), min_size=2, max_size=6))
def test_several_odd_fields_at_once_still_give_the_call(replacements):
    message = copy.deepcopy(SAMPLE)
    for path, value in replacements:
        target = message
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement took this path's parent away
    event = parse(json.dumps(message))
    assert not isinstance(event, Rejection), event
    assert event.call_uuid == SAMPLE_UUID
    _assert_bounded(event)
