"""The stored record format: compact, readable, round-trips every field, refuses what it cannot read."""

from __future__ import annotations

import json

import pytest

from cloudtalk import persist
from cloudtalk.calls import step
from cloudtalk.persist import MemoryStorage, StorageFullError, decode, encode, from_record, to_record

from .messages import event


def answered_call():
    call = step(None, event("ringing", "r1", internal_number="+1 888 487 1675", contact={"name": "Zoë", "tags": ["VIP"]}), at=10.0)
    call = step(call, event("calling", "r1"), at=12.5)
    return step(call, event("ended", "r1"), at=70.0)


def test_a_record_is_compact_json_that_keeps_text_as_written():
    text = encode(answered_call())
    assert ": " not in text and ", " not in text
    assert "Zoë" in text


def test_every_field_round_trips_including_the_internal_number_and_the_contact():
    call = answered_call()
    record = json.loads(encode(call))
    assert record["internal_number"] == "+1 888 487 1675"
    assert record["contact"] == {"id": None, "name": "Zoë", "company": None, "contact_emails": [], "contact_numbers": [],
                                 "external_urls": [], "tags": ["VIP"]}
    assert from_record(to_record(call)) == call == decode(encode(call))


@pytest.mark.parametrize(
    ("text", "message"),
    [("[1, 2]", "^a record is a JSON object$"), ('{"uuid": "x", "state": "ended", "direction": "inbound", "steps": []}', "^a call has at least one step$")],
)
def test_unreadable_records_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        decode(text)


def test_the_memory_store_counts_its_quota_in_characters_of_keys_and_values():
    storage = MemoryStorage(quota_chars=10)
    storage.set("ab", "cdef")  # 6
    storage.set("gh", "ij")  # 10: exactly full
    storage.set("ab", "cdef")  # rewriting a key does not count it twice
    with pytest.raises(StorageFullError) as refused:
        storage.set("k", "")
    assert refused.value.args == ("k",)
    assert storage.writes == 3
    storage.delete("ab")
    storage.delete("missing")
    with pytest.raises(StorageFullError):
        storage.set("k", "123456")  # 4 used + 1 + 6 > 10
    storage.set("k", "12345")
    assert storage.items("") == [("gh", "ij"), ("k", "12345")]


def test_keys_carry_the_schema_version():
    assert persist.call_key("c1") == f"cloudtalk:v{persist.SCHEMA_VERSION}:call:c1"
    assert persist.call_prefix(7) == "cloudtalk:v7:call:"
