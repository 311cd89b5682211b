"""Restoring a backup: the app's own exports of every schema are read back; anything else is refused whole, with a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtalk import backup
from cloudtalk.app import PhoneApp
from cloudtalk.backup import ExportReader, RefusedError, read_calls, read_document, read_export
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


def read_in_pieces(text: str, cuts: list[int]) -> tuple[ExportReader, list]:
    reader = ExportReader()
    records: list = []
    at = 0
    for cut in sorted(cuts):
        records += reader.feed(text[at:cut])
        at = cut
    records += reader.feed(text[at:])
    records += reader.end()
    return reader, records


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(names, st.sampled_from(["a", "b", "c", "d"]), contacts), max_size=8),
    st.lists(st.integers(0, 10_000), max_size=12),
    st.sampled_from(["as exported", "indented", "calls first", "compact"]),
)
def test_an_export_read_a_piece_at_a_time_is_read_as_the_whole_text_is(history, cuts, shape):
    app = PhoneApp(CallLog(MemoryCallStore()), Registry(), clock=lambda: 0.0)
    for name, uuid, contact in history:
        app.receive(message(name, uuid, contact=contact))
    text = export_json(list(app.log.newest_first()), exported_at=5.0)
    document = json.loads(text)
    if shape == "indented":
        text = json.dumps(document, indent=2, ensure_ascii=False)
    elif shape == "calls first":
        text = json.dumps({"calls": document["calls"], **{k: v for k, v in document.items() if k != "calls"}})
    elif shape == "compact":
        text = json.dumps(document, separators=(",", ":"))
    reader, records = read_in_pieces(text, [c % (len(text) + 1) for c in cuts])
    assert records == document["calls"] and reader.count == len(records)
    assert reader.calls(records) == read_calls(document["calls"], document["schema"])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.integers(0, 10_000), max_size=5))
def test_an_export_cut_short_anywhere_is_refused_however_it_arrives(cut, cuts):
    log = CallLog(MemoryCallStore())
    app = PhoneApp(log, Registry(), clock=lambda: 0.0)
    for uuid in ("a", "b", "c"):
        app.receive(message("ringing", uuid))
    text = export_json(list(log.newest_first()), exported_at=5.0).rstrip()
    short = text[: cut % len(text)]
    with pytest.raises(RefusedError, match=r"^it is"):
        read_in_pieces(short, [c % (len(short) + 1) for c in cuts])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"schema": 3, "calls": []} {}', "it is not a JSON file: more follows the end of the document"),
        ('{"schema": 3, "calls": [], "calls": []}', "it is JSON, but not a call history exported by this app (two lists"),
        ('{"schema": 3 "calls": []}', "it is JSON, but not a call history exported by this app ('\"' where a comma"),
        ('{"schema": 3, "calls": [{} {}]}', "it is JSON, but not a call history exported by this app ('{' where a comma"),
        ('{"schema": 3, "calls": [' + '"' + "x" * 1_000_100, "it is not a JSON file, or it was cut short"),
        (" { } ", "it is JSON, but not a call history exported by this app (no schema and calls)"),
        ('{"schema": 3}', "it is JSON, but not a call history exported by this app (no schema and calls)"),
        ('{"calls": []}', "it is JSON, but not a call history exported by this app (no schema and calls)"),
    ],
)
def test_what_a_reader_of_pieces_refuses_beyond_a_whole_text(text, reason):
    with pytest.raises(RefusedError) as refused:
        read_in_pieces(text, [len(text) // 2])
    assert str(refused.value).startswith(reason)


def test_a_damaged_call_is_named_by_its_number_in_the_file_when_read_a_piece_at_a_time():
    good = json.dumps({**V1, "uuid": "good"})
    text = '{"schema": 1, "calls": [' + ",".join([good] * 3 + [json.dumps({**V1, "uuid": "bad", "state": "x"})]) + "]}"
    reader = ExportReader()
    assert [c.uuid for c in reader.calls(reader.feed(text[: len(good) * 2 + 30]))] == ["good", "good"]
    with pytest.raises(RefusedError, match=r"^call 4 \(bad\) is damaged"):
        reader.calls(reader.feed(text[len(good) * 2 + 30 :]))
