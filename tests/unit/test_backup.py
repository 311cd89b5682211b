"""Restoring a backup: the app's own exports of every schema are read back; anything else is refused whole, with a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtalk import backup
from cloudtalk.app import PhoneApp
from cloudtalk.backup import RefusedError, read_calls, read_document, read_export
from cloudtalk.exports import export_json
from cloudtalk.handlers import Registry
from cloudtalk.log import CallLog, restore_into
from cloudtalk.ports import MemoryCallStore

from .messages import message
from .test_persist import V1
from .test_ports import run
from .test_properties import contacts, names


def test_an_export_of_schema_1_and_2_as_older_versions_wrote_them_is_read_and_migrated():
    v1 = json.dumps({"schema": 1, "exported_at": "1970-01-01T00:00:00+00:00", "calls": [{**V1, "summary": {"name": "Old"}}]}, indent=2)
    v2 = json.dumps({"schema": 2, "exported_at": "x", "calls": [{**V1, "uuid": "two", "note": "kept", "disposition": "Interested"}]})
    (old,) = read_export(v1)
    (two,) = read_export(v2)
    assert (old.uuid, old.note, old.noted_at, old.contact.name) == ("old", "", None, "Old")
    assert (two.note, two.disposition, two.noted_at) == ("kept", "Interested", None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"schema": 3, "calls": [', "it is not a JSON file, or it was cut short"),
        ("hello", "it is not a JSON file"),
        ("[1, 2]", "it is JSON, but not a call history exported by this app (no schema and calls)"),
        ('{"calls": []}', "it is JSON, but not a call history exported by this app (no schema and calls)"),
        ('{"schema": 3, "calls": {}}', "it is JSON, but not a call history exported by this app (no schema and calls)"),
        ('{"format": "cloudtalk-recording", "schema": 1, "calls": []}', "it is a 'cloudtalk-recording' file, not a call history export"),
        ('{"schema": 0, "calls": []}', "its schema 0 is not one this app has written"),
        ('{"schema": "3", "calls": []}', "its schema '3' is not one this app has written"),
        ('{"schema": true, "calls": []}', "its schema True is not one this app has written"),
        ('{"schema": 4, "calls": []}', "it was written by a newer version of the app (schema 4); this one reads up to 3"),
    ],
)
def test_a_foreign_or_damaged_document_is_refused_with_its_reason(text, reason):
    with pytest.raises(RefusedError) as refused:
        read_export(text)
    assert str(refused.value).startswith(reason)


def test_the_first_damaged_call_refuses_the_whole_file_and_names_it():
    good = {**V1, "uuid": "good"}
    records = [good, good, {**V1, "uuid": "broken", "state": "sideways"}, "not even an object"]
    with pytest.raises(RefusedError, match=r"^call 3 \(broken\) is damaged: KeyError 'sideways'$"):
        read_calls(records, 1)
    with pytest.raises(RefusedError, match=r"^call 4 is damaged: TypeError not an object$"):
        read_calls(records, 1, start=3)
    assert [c.uuid for c in read_calls(records, 1, 0, 2)] == ["good", "good"]


def test_a_file_far_larger_than_any_export_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(backup, "MAX_BYTES", 2_000_000)
    with pytest.raises(RefusedError, match=r"^the file is 3 MB, more than any history export$"):
        read_document(" " * 3_500_000)
    read_document(" " * (2_000_000 - 23) + '{"schema":3,"calls":[]}')  # exactly at the limit: read


def test_the_summary_column_is_ignored_on_reading():
    text = json.dumps({"schema": 3, "calls": [{**V1, "note": "", "disposition": "", "noted_at": None, "summary": "anything"}]})
    assert read_export(text)[0].uuid == "old"


uuids = st.sampled_from([f"call-{i}" for i in range(6)])
histories = st.lists(st.tuples(names, uuids, contacts, st.floats(min_value=0, max_value=1e9)), max_size=30)
notes = st.lists(st.tuples(uuids, st.text(max_size=30), st.sampled_from(["", "Interested", "Follow up"])), max_size=6)


@settings(max_examples=100, deadline=None)
@given(histories, notes)
def test_an_export_restored_into_an_empty_browser_exports_the_same_again(history, typed):
    app = PhoneApp(CallLog(MemoryCallStore()), Registry(), clock=lambda: 0.0)
    for name, uuid, contact, at in history:
        app.clock = lambda at=at: at
        app.receive(message(name, uuid, contact=contact))
    for n, (uuid, note, disposition) in enumerate(typed):
        app.log.annotate(uuid, note=note, disposition=disposition, at=1e9 + n)
    first = export_json(list(app.log.newest_first()), exported_at=5.0)
    store = MemoryCallStore()
    empty = CallLog(store)
    result = run(restore_into(empty, store, read_export(first)))
    assert result.added == len(app.log)
    again = CallLog(MemoryCallStore())
    again.load(*store.texts())
    assert export_json(list(again.newest_first()), exported_at=5.0) == first, "what was written is what was restored"
