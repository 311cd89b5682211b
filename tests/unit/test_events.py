"""The protocol models: the guide's sample, every event, and readable rejections."""

from __future__ import annotations

import json

import pytest

from cloudtalk.events import (
    EVENT_NAMES,
    MAX_MESSAGE_BYTES,
    Contact,
    ContactInfo,
    Rejection,
    Ringing,
    parse,
    samples,
)

from .messages import message, sample_text


def test_the_guides_sample_payload_parses_into_a_typed_ringing_event():
    event = parse(sample_text())
    assert isinstance(event, Ringing)
    assert event.call_uuid == "12345678-1234-1234-123a-012345a6789b"
    assert event.properties.external_number == "+44 20 3868 0167"
    contact = event.properties.contact
    assert contact is not None
    assert (contact.id, contact.name, contact.company) == (1234, "John Doe", "Company Inc.")
    assert contact.tags == ["VIP", "Europe"]
    assert contact.external_urls[0].external_system == "mycrm"
    assert contact.external_urls[0].external_url == "https://mycrm.io/contact/123"


def test_a_plain_object_is_accepted_like_a_json_string():
    event = parse(json.loads(sample_text()))
    assert isinstance(event, Ringing)
    assert event == parse(sample_text())


@pytest.mark.parametrize("name", EVENT_NAMES)
def test_every_event_name_has_its_own_type(name):
    event = parse(message(name))
    assert not isinstance(event, Rejection)
    assert event.name == name == event.event


def test_missing_contact_and_empty_lists_are_normal():
    event = parse(message("contact_info", contact={"name": "A", "tags": [], "contact_emails": []}))
    assert isinstance(event, ContactInfo)
    assert event.properties.contact == Contact(name="A")
    assert parse(message("ringing")).properties.contact is None


def test_unknown_fields_are_kept_not_fatal():
    text = json.dumps({"event": "ringing", "version": 2, "properties": {"call_uuid": "x", "queue": "sales", "contact": {"name": "A", "vip_level": 3}}})
    event = parse(text)
    assert isinstance(event, Ringing)
    assert event.model_extra == {"version": 2}
    assert event.properties.model_extra == {"queue": "sales"}
    assert event.properties.contact.model_extra == {"vip_level": 3}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json at all", "not JSON"),
        ("", "empty message"),
        ("   ", "empty message"),
        ("[1, 2]", "not a JSON object"),
        ("42", "not a JSON object"),
        ("null", "not a JSON object"),
        (None, "not a JSON object"),
        (7, "not a JSON object"),
        ('{"properties": {"call_uuid": "a"}}', "no 'event' field"),
        ('{"event": "x", "properties": {"call_uuid": "a"}}', "unknown event 'x'"),
        ('{"event": "ringing", "properties": {}}', "properties.call_uuid: field required"),
        ('{"event": "ringing"}', "properties: field required"),
        ('{"event": "ringing", "properties": {"call_uuid": ""}}', "properties.call_uuid: string should have at least 1 character"),
        ('{"event": "ringing", "properties": {"call_uuid": "a", "contact": {"tags": "VIP"}}}', "properties.contact.tags: input should be a valid array"),
    ],
)
def test_bad_input_becomes_a_rejection_with_a_readable_reason(raw, reason):
    result = parse(raw)
    assert isinstance(result, Rejection)
    assert result.reason.startswith(reason), result.reason


def test_oversized_input_is_rejected_without_parsing_and_excerpted():
    raw = message("ringing", name="x" * MAX_MESSAGE_BYTES)
    result = parse(raw)
    assert isinstance(result, Rejection)
    assert result.reason.startswith("too large")
    assert len(result.excerpt) < 300


def test_deep_nesting_is_a_rejection_not_a_crash():
    result = parse("[" * 30_000 + "]" * 30_000)
    assert isinstance(result, Rejection)
    assert result.reason.startswith("not JSON")


def test_unserialisable_objects_are_rejected():
    loop: list = []
    loop.append(loop)
    assert isinstance(parse(loop), Rejection)
    assert isinstance(parse({1j: 2}), Rejection)


def test_contact_merge_keeps_old_fields_and_lays_new_ones_over():
    old = Contact(name="John", company="Co", tags=["VIP"])
    new = Contact.model_validate({"name": "John Doe", "tags": ["VIP", "Europe"]})
    merged = old.merged_with(new)
    assert (merged.name, merged.company, merged.tags) == ("John Doe", "Co", ["VIP", "Europe"])


def test_samples_cover_every_event_with_a_full_contact_and_one_rejection():
    results = [parse(raw) for raw in samples()]
    accepted = [r for r in results if not isinstance(r, Rejection)]
    assert [e.name for e in accepted] == list(EVENT_NAMES)
    assert all(e.properties.contact is not None and e.properties.contact.external_urls for e in accepted), "the full contact shape"
    assert [r.reason for r in results if isinstance(r, Rejection)] == ["unknown event 'sample'"]
