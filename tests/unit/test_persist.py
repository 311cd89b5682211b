"""The stored record format: compact, readable, round-trips every field, refuses what it cannot read."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from cloudtalk import persist, search
from cloudtalk.calls import step
from cloudtalk.persist import decode, encode, from_record, to_record
from cloudtalk.ports import MemoryStorage, StorageFullError

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


def test_legacy_keys_carry_the_schema_version():
    assert persist.call_key("c1", 2) == "cloudtalk:v2:call:c1"
    assert persist.call_prefix(7) == "cloudtalk:v7:call:"


def test_a_call_entry_carries_what_the_indexes_read_and_the_call_without_its_note():
    call = answered_call()
    entry = persist.call_entry(call, "contact:9")
    assert {k: v for k, v in entry.items() if k not in ("text", "words")} == {"uuid": "r1", "started": 10.0, "caller": "contact:9",
                                                                          "outcome": "Answered"}
    assert entry["words"] == search.call_words(call), "what search's index reads"
    assert set(json.loads(entry["text"])) == {"uuid", "state", "direction", "external_number", "internal_number", "contact", "steps",
                                              "answered_at", "hangup_at", "ended_at"}
    assert decode(entry["text"]) == call, "no note fields: an empty note"


def test_a_note_entry_round_trips_and_is_applied_when_decoding_its_call():
    call = replace(answered_call(), note="Zoë asked for a quote", disposition="Interested", noted_at=80.5)
    entry = persist.note_entry(call)
    uuid, note = persist.decode_note(entry["text"])
    assert (entry["uuid"], uuid) == ("r1", "r1")
    assert entry["words"] == ["interested", "zoë", "asked", "for", "a", "quote"]
    assert note == persist.Note("Zoë asked for a quote", "Interested", 80.5)
    assert decode(persist.call_entry(call, None)["text"], note) == call
    assert persist.has_note(call) and not persist.has_note(answered_call())
    assert persist.has_note(replace(answered_call(), noted_at=1.0)), "a cleared note is still the agent's word"


@pytest.mark.parametrize("text", ["[]", '{"uuid": "a"}', '{"uuid": "a", "note": 5, "disposition": ""}'])
def test_an_unreadable_note_entry_raises(text):
    with pytest.raises((ValueError, KeyError, TypeError)):
        persist.decode_note(text)


V1 = {
    "uuid": "old", "state": "ended", "direction": "inbound", "external_number": "+1 555 0100", "internal_number": None,
    "contact": {"id": 3, "name": "Old", "company": None, "contact_emails": [], "contact_numbers": [], "external_urls": [], "tags": []},
    "steps": [["ringing", 10.0], ["ended", 20.0]], "answered_at": None, "hangup_at": None, "ended_at": 20.0,
}  # fmt: skip


def test_an_older_versions_local_storage_is_read_migrated_and_left_in_place():
    storage = MemoryStorage()
    storage.set(persist.call_key("old", 1), json.dumps(V1))
    storage.set(persist.call_key("two", 2), json.dumps({**V1, "uuid": "two", "note": "n", "disposition": "Follow up"}))
    storage.set(persist.call_key("bad", 2), "{broken")
    storage.set(persist.call_key("list", 1), "[1]")
    storage.set("cloudtalk:settings", "{}")
    legacy = persist.legacy_calls(storage)
    assert [c.uuid for c in legacy.calls] == ["old", "two"]
    assert legacy.keys == ["cloudtalk:v1:call:old", "cloudtalk:v2:call:two"]
    assert sorted(legacy.unreadable) == ["cloudtalk:v1:call:list", "cloudtalk:v2:call:bad"]
    old, two = legacy.calls
    assert (old.note, old.disposition, old.noted_at, old.contact.name) == ("", "", None, "Old")
    assert (two.note, two.disposition, two.noted_at) == ("n", "Follow up", None)
    assert len(storage.data) == 5, "nothing is deleted by reading"


def test_migrations_run_in_order_from_any_older_schema():
    assert persist.migrate(dict(V1), 1) == {**V1, "note": "", "disposition": "", "noted_at": None}
    assert persist.migrate({**V1, "note": "x", "disposition": ""}, 2)["note"] == "x"
    assert persist.migrate({"a": 1}, persist.SCHEMA_VERSION) == {"a": 1}


def test_a_note_alone_or_a_disposition_alone_is_the_agents_word():
    assert persist.has_note(replace(answered_call(), note="only a note"))
    assert persist.has_note(replace(answered_call(), disposition="Interested"))


def test_note_texts_and_call_texts_are_compact_and_keep_text_as_written():
    call = replace(answered_call(), note="Zoë: ok", disposition="Interested", noted_at=5.0)
    for text in (persist.note_entry(call)["text"], persist.call_entry(call, None)["text"]):
        assert ": " not in text.replace("Zoë: ok", "") and ", " not in text
        assert "Zoë" in text


def test_stored_notes_are_capped_on_reading_and_an_unknown_age_stays_unknown():
    text = json.dumps({"uuid": "n", "note": "y" * 2500, "disposition": "z" * 60, "noted_at": None})
    _uuid, note = persist.decode_note(text)
    assert (len(note.note), len(note.disposition), note.noted_at) == (2000, 40, None)
    record = {**to_record(answered_call()), "note": "y" * 2500, "disposition": "z" * 60}
    call = from_record(record)
    assert (len(call.note), len(call.disposition)) == (2000, 40)


def test_a_stored_call_is_read_with_its_note_record_or_without_one():
    call = replace(answered_call(), note="n", disposition="Interested", noted_at=3.0)
    text, note = persist.call_entry(call, None)["text"], persist.note_entry(call)["text"]
    assert persist.decode_stored(text, note) == call
    assert persist.decode_stored(text, None) == answered_call()


def test_decoding_stored_calls_leaves_out_an_unreadable_one_and_goes_on():
    call = answered_call()
    good = persist.call_entry(call, None)["text"]
    calls = persist.decode_readable([(good, None), ("{broken", None), (good, persist.note_entry(call)["text"])])
    assert calls == [call, call], "the ones after an unreadable record are read too"
