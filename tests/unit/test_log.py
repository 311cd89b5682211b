"""The call log: ordering, active call, write-through per call and per note, loading, restore, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtalk import persist
from cloudtalk.calls import Outcome, State
from cloudtalk.exports import export_csv, export_csv_parts, export_json, export_json_parts
from cloudtalk.log import CallLog, Merged, restore_into
from cloudtalk.ports import MemoryCallStore

from .messages import event
from .test_ports import run


def reloaded(store: MemoryCallStore) -> CallLog:
    log = CallLog(MemoryCallStore())
    log.load(*store.texts())
    return log


def test_calls_are_kept_newest_first_and_the_active_call_is_the_newest_live_one():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a"), at=1)
    log.apply(event("ended", "a"), at=2)
    log.apply(event("dialing", "b"), at=3)
    log.apply(event("ringing", "c"), at=4)
    assert [c.uuid for c in log.newest_first()] == ["c", "b", "a"]
    assert [c.uuid for c in log.oldest_first()] == ["a", "b", "c"]
    assert log.active().uuid == "c"
    log.apply(event("ended", "c"), at=5)
    assert log.active().uuid == "b"
    log.apply(event("ended", "b"), at=6)
    assert log.active() is None


def test_latest_contact_prefers_the_active_call_then_the_newest_with_a_contact():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": "Ann"}), at=1)
    log.apply(event("ended", "a"), at=2)
    log.apply(event("ringing", "b"), at=3)
    assert log.latest_contact().uuid == "b"
    log.apply(event("ended", "b"), at=4)
    assert log.latest_contact().uuid == "a"


def test_saving_an_event_writes_exactly_one_call_entry_with_what_the_indexes_read():
    store = MemoryCallStore()
    log = CallLog(store)
    for i in range(50):
        log.apply(event("ringing", f"c{i}", external_number="+44 20 3868 0167"), at=i)
    before = store.writes
    log.apply(event("ended", "c7"), at=100)
    assert store.writes == before + 1
    entry = store.calls["c7"]
    assert (entry["uuid"], entry["started"], entry["caller"], entry["outcome"]) == ("c7", 7, "number:+442038680167", "Missed")
    assert persist.decode(entry["text"]).state is State.ENDED
    assert store.calls["c8"]["outcome"] == "", "a live call has no outcome yet"
    assert "note" not in json.loads(entry["text"]), "a phone event never carries the note: it cannot write over one"


def test_a_call_with_no_caller_key_is_stored_under_an_empty_caller():
    store = MemoryCallStore()
    CallLog(store).apply(event("ringing", "x", external_number=None, contact=None), at=1)
    assert store.calls["x"]["caller"] == ""


def test_a_duplicate_event_writes_nothing():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing"), at=1)
    before = store.writes
    change = log.apply(event("ringing"), at=2)
    assert not change.changed and store.writes == before


def test_the_log_reloads_from_the_store_in_start_order():
    store = MemoryCallStore()
    log = CallLog(store)
    for i, uuid in enumerate(["x", "y", "z"]):
        log.apply(event("ringing", uuid, contact={"name": uuid.upper(), "tags": ["t"]}), at=10 + i)
    log.apply(event("calling", "y"), at=20)
    log.annotate("y", note="a note", at=21)
    calls, notes = store.texts()
    again = CallLog(MemoryCallStore())
    report = again.load(reversed(calls), notes)
    assert report.loaded == 3 and report.notice is None
    assert [c.uuid for c in again.newest_first()] == ["z", "y", "x"]
    assert again.get("y") == log.get("y")
    assert again.active().uuid == "z"


def test_the_store_keeps_every_call_and_the_page_holds_a_bounded_working_set():
    store = MemoryCallStore()
    log = CallLog(store, keep=100)
    log.apply(event("ringing", "live"), at=0)
    for i in range(1000):
        log.apply(event("ringing", f"c{i}"), at=1 + i)
        log.apply(event("ended", f"c{i}"), at=1 + i + 0.5)
    assert len(store.calls) == 1001
    assert 100 < len(log) <= 201, "the newest hundred, the live one, and at most a hundred more before letting go"
    assert log.get("c0") is None and log.get("c999") is not None
    assert log.active().uuid == "live", "a live call is held whatever its age"
    assert log.replays == {}, "every new call's write settled: the store had no copy of any"
    assert sorted(log.callers.keys()) == ["number:+442038680167"]
    assert len(log.callers) == len(log), "the caller index holds the working set, no more"


def test_an_event_for_a_call_the_page_let_go_is_made_on_the_stored_copy():
    store = MemoryCallStore()
    log = CallLog(store, keep=10)
    log.apply(event("ringing", "old", contact={"name": "Old Caller"}), at=1)
    log.apply(event("calling", "old"), at=2)
    log.apply(event("ended", "old"), at=3)
    log.annotate("old", note="kept", at=4)
    for i in range(30):
        log.apply(event("ringing", f"c{i}"), at=10 + i)
    assert log.get("old") is None
    corrected = []
    log.on_corrected.append(corrected.append)
    log.apply(event("contact_info", "old", contact={"name": "Old Caller", "company": "Acme"}), at=50)
    call = reloaded(store).get("old")
    assert [s.event for s in call.steps] == ["ringing", "calling", "ended", "contact_info"], "made on the stored call"
    assert (call.contact.company, call.note, call.answered_at) == ("Acme", "kept", 2)
    assert log.get("old") == call and corrected == [call], "the page holds the store's copy with the change made on it"
    assert log.replays == {}


def test_a_stored_call_this_version_cannot_read_is_not_written_over_by_an_event():
    store = MemoryCallStore()
    store.put_call({"uuid": "future", "started": 1.0, "caller": "", "outcome": "", "words": [], "text": '{"state": "x"}'})
    log = CallLog(store)
    told = []
    log.on_unreadable.append(told.append)
    change = log.apply(event("ended", "future"), at=5)
    assert store.calls["future"]["text"] == '{"state": "x"}' and told == ["future"]
    assert change.call.uuid == "future" and "future" in log.replays, "the page keeps its copy, and the change to make"


def test_the_call_on_the_card_is_held_and_its_note_is_saved_whatever_its_age():
    store = MemoryCallStore()
    log = CallLog(store, keep=5)
    for i in range(20):
        log.apply(event("ringing", f"c{i}"), at=i)
        log.apply(event("ended", f"c{i}"), at=i + 0.5)
    old = reloaded(store).get("c0")
    assert log.get("c0") is None and log.hold(old) is old
    for i in range(20, 40):
        log.apply(event("ringing", f"c{i}"), at=i)
    assert log.get("c0") is old, "held while on the card"
    assert log.annotate("c0", note="called back", at=99) is not None
    assert reloaded(store).get("c0").note == "called back"
    assert log.hold(log.get("c39")) is log.get("c39"), "the page's own copy is the newer"


def test_unreadable_records_are_reported_and_left_in_the_store_and_the_rest_load():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "good"), at=1)
    store.calls["bad1"] = {"uuid": "bad1", "text": "{not json"}
    store.calls["bad2"] = {"uuid": "bad2", "text": json.dumps({"uuid": "bad2", "state": "weird", "steps": [["ringing", 1]]})}
    store.calls["bad3"] = {"uuid": "bad3", "text": json.dumps([1, 2])}
    store.notes["bad4"] = {"uuid": "bad4", "text": "[]"}
    again = CallLog(MemoryCallStore())
    report = again.load(*store.texts())
    assert [c.uuid for c in again.newest_first()] == ["good"]
    assert sorted(report.unreadable) == ["[1, 2]", "[]", "bad2", "{not json"]
    assert report.notice == "4 stored call(s) could not be read; they are kept in the browser as they are"
    assert set(store.calls) == {"good", "bad1", "bad2", "bad3"}, "nothing is deleted"


def test_older_stored_calls_added_later_go_behind_the_newer_ones_and_never_replace_a_held_call():
    store = MemoryCallStore()
    writer = CallLog(store)
    for i in range(10):
        writer.apply(event("ringing", f"c{i}"), at=100 + i)
    calls = {json.loads(t)["uuid"]: t for t in store.texts()[0]}
    log = CallLog(MemoryCallStore())
    log.load([calls[f"c{i}"] for i in (7, 8, 9)])
    log.apply(event("ended", "c9"), at=200)
    report = log.add_stored([calls[f"c{i}"] for i in range(10)])
    assert report.loaded == 7
    assert [c.uuid for c in log.newest_first()] == [f"c{i}" for i in range(9, -1, -1)]
    assert log.get("c9").state is State.ENDED, "the newer copy held here stays"


def test_notes_and_dispositions_are_saved_in_their_own_entry_capped_and_read_back():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "n"), at=1)
    calls_before = dict(store.calls)
    change = log.annotate("n", note="Call back Monday " + "x" * 3000, disposition="  Follow up  ", at=5)
    assert change is not None and change.changed
    assert store.calls == calls_before, "a note writes no call entry"
    call = log.get("n")
    assert len(call.note) == 2000 and call.note.startswith("Call back Monday") and call.disposition == "Follow up"
    assert call.noted_at == 5
    assert reloaded(store).get("n") == call
    assert not log.annotate("n", disposition="Follow up", at=6).changed, "the same again changes nothing"
    assert log.get("n").noted_at == 5
    assert log.annotate("n", note="", at=7).call.note == "" and log.get("n").disposition == "Follow up"
    assert log.annotate("gone", note="x", at=8) is None


def test_an_event_after_a_note_keeps_the_note():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "n"), at=1)
    log.annotate("n", note="VIP, be nice", disposition="Interested", at=1.5)
    log.apply(event("ended", "n"), at=2)
    assert (log.get("n").note, log.get("n").disposition) == ("VIP, be nice", "Interested")


def test_exports_carry_the_note_and_disposition():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "n"), at=1)
    log.annotate("n", note="=cmd|' /C calc'!A0", disposition="Interested", at=2)
    row = next(csv.DictReader(io.StringIO(export_csv(list(log.newest_first())))))
    assert (row["disposition"], row["note"]) == ("Interested", "'=cmd|' /C calc'!A0")
    document = json.loads(export_json(list(log.newest_first()), exported_at=0))
    assert document["schema"] == 3 and document["calls"][0]["note"] == "=cmd|' /C calc'!A0"
    assert document["calls"][0]["noted_at"] == 2 and document["format"] == "cloudtalk-calls"


def test_stale_sweep_marks_quiet_live_calls_and_persists_them():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "a"), at=0)
    log.apply(event("ringing", "b"), at=100)
    marked = log.sweep_stale(now=130, after_seconds=60)
    assert [c.uuid for c in marked] == ["a"]
    assert log.get("a").outcome is Outcome.STALE
    assert persist.decode(store.calls["a"]["text"]).state is State.STALE
    assert log.active().uuid == "b"


def test_clear_empties_the_store_and_the_log():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "a"), at=0)
    log.annotate("a", note="x", at=1)
    log.clear()
    assert len(log) == 0 and store.calls == {} and store.notes == {} and log.active() is None


def test_csv_export_has_one_row_per_call_and_defuses_formulas():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": "=HYPERLINK(\"x\")", "company": "Co"}), at=0)
    log.apply(event("calling", "a"), at=5)
    log.apply(event("ended", "a"), at=65)
    log.apply(event("dialing", "b"), at=100)
    rows = list(csv.DictReader(io.StringIO(export_csv(list(log.newest_first())))))
    assert [r["call_uuid"] for r in rows] == ["b", "a"]
    a = rows[1]
    assert a["name"] == "'=HYPERLINK(\"x\")"
    assert a["number"] == "+44 20 3868 0167"
    assert (a["outcome"], a["hung_up_by"], a["ring_seconds"], a["talk_seconds"]) == ("Answered", "they", "5.0", "60.0")
    assert a["started_at"] == "1970-01-01T00:00:00+00:00"
    assert rows[0]["state"] == "Dialing" and rows[0]["outcome"] == ""

@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-", "'-"),
        ("+44 20 3868 0167", "+44 20 3868 0167"),
        ("+44 (20) 3868-0167", "+44 (20) 3868-0167"),
        ("-5", "-5"),
        ("+ 1", "+ 1"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_defused_and_numbers_are_not(name, cell):
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": name}), at=0)
    (row,) = list(csv.reader(io.StringIO(export_csv(list(log.newest_first())))))[1:]
    assert row[3] == cell

def test_json_export_carries_the_schema_and_every_record():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a"), at=0)
    document = json.loads(export_json(list(log.newest_first()), exported_at=10))
    assert document["schema"] == persist.SCHEMA_VERSION
    assert document["calls"][0]["uuid"] == "a"
    assert persist.from_record(document["calls"][0]) == log.get("a")

def test_latest_contact_is_none_when_no_call_has_a_contact():
    log = CallLog(MemoryCallStore())
    assert log.latest_contact() is None
    log.apply(event("ringing", "a"), at=1)
    log.apply(event("ended", "a"), at=2)
    assert log.latest_contact() is None

def test_a_change_knows_the_call_before_and_after():
    log = CallLog(MemoryCallStore())
    first = log.apply(event("ringing", "a"), at=1)
    second = log.apply(event("calling", "a"), at=2)
    assert first.previous is None and first.changed
    assert second.previous is first.call and second.call.state is State.ON_CALL

def test_the_csv_has_a_row_per_call_with_windows_line_ends_and_rounded_durations():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": "Ann", "company": "Acme"}), at=0)
    log.apply(event("calling", "a"), at=5.25)
    log.apply(event("ended", "a"), at=65.5)
    text = export_csv(list(log.newest_first()))
    assert text.count("\r\n") == 2 and text.endswith("\r\n")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["company"], row["ring_seconds"], row["talk_seconds"]) == ("Acme", "5.2", "60.2")


@pytest.mark.parametrize("name", ["Xavier", "+0123456789 ()-./", "+1 (555) 0100"])
def test_csv_cells_that_cannot_run_stay_as_they_are(name):
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": name}), at=0)
    (row,) = list(csv.reader(io.StringIO(export_csv(list(log.newest_first())))))[1:]
    assert row[3] == name

def test_csv_defuses_a_plus_followed_by_letters_after_a_digit():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": "+a1"}), at=0)
    (row,) = list(csv.reader(io.StringIO(export_csv(list(log.newest_first())))))[1:]
    assert row[3] == "'+a1"


def test_the_json_export_is_one_call_a_line_unicode_text_with_a_summary_per_call():
    log = CallLog(MemoryCallStore())
    log.apply(event("ringing", "a", contact={"name": "Zoë"}), at=0)
    log.apply(event("ringing", "b"), at=1)
    text = export_json(list(log.newest_first()), exported_at=86400)
    assert text.startswith('{"format": "cloudtalk-calls", "schema": 3, ') and "Zoë" in text
    assert text.count("\n") == 4 and text.endswith("\n]}\n")
    document = json.loads(text)
    assert document["exported_at"] == "1970-01-02T00:00:00+00:00"
    assert document["calls"][1]["summary"]["name"] == "Zoë"


def test_an_empty_export_is_still_a_valid_document():
    assert json.loads(export_json([], exported_at=0))["calls"] == []
    assert export_csv([]).startswith("started_at,")


def test_exports_come_in_parts_of_a_chunk_of_calls_that_join_into_the_whole():
    log = CallLog(MemoryCallStore())
    for i in range(7):
        log.apply(event("ringing", f"c{i}"), at=i)
    calls = list(log.newest_first())
    json_parts = list(export_json_parts(calls, exported_at=0, chunk=3))
    csv_parts = list(export_csv_parts(calls, chunk=3))
    assert len(json_parts) == len(csv_parts) == 1 + 3, "the head, then each part of three calls or fewer"
    assert "".join(json_parts) == export_json(calls, exported_at=0)
    assert "".join(csv_parts) == export_csv(calls)
    assert csv_parts[0].count("\r\n") == 1 and [p.count("\r\n") for p in csv_parts[1:]] == [3, 3, 1]
    assert json.loads("".join(json_parts))["calls"][6]["uuid"] == "c0"


# ---------------------------------------------------------------- restore: merging by call id


def ended_call(log: CallLog, uuid: str, at: float, *, answered: bool = False) -> None:
    log.apply(event("ringing", uuid, contact={"name": "Ann"}), at=at)
    if answered:
        log.apply(event("calling", uuid), at=at + 1)
    log.apply(event("ended", uuid), at=at + 2)


def restore(log: CallLog, calls) -> Merged:
    return run(restore_into(log, log.store, list(calls)))


def test_a_restore_adds_new_calls_and_writes_them_with_their_notes():
    source = CallLog(MemoryCallStore())
    for i in (5, 1, 3):
        ended_call(source, f"c{i}", at=i * 10)
    source.annotate("c1", note="old note", at=99)
    store = MemoryCallStore()
    log = CallLog(store)
    ended_call(log, "c2", at=20)
    result = restore(log, source.oldest_first())
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    assert [c.uuid for c in reloaded(store).newest_first()] == ["c5", "c3", "c2", "c1"]
    assert set(store.calls) == {"c1", "c2", "c3", "c5"} and set(store.notes) == {"c1"}
    assert reloaded(store).get("c1").note == "old note"
    assert restore(log, source.oldest_first()) == type(result)(0, 0, 3), "the same backup again changes nothing"


def test_a_restore_takes_the_copy_that_knows_more_of_the_call():
    ringing = CallLog(MemoryCallStore())
    ringing.apply(event("ringing", "a"), at=1)
    finished = CallLog(MemoryCallStore())
    ended_call(finished, "a", at=1, answered=True)
    store = MemoryCallStore()
    log = CallLog(store)
    restore(log, ringing.newest_first())
    assert restore(log, finished.newest_first()).updated == 1
    assert reloaded(store).get("a").outcome is Outcome.ANSWERED
    assert restore(log, ringing.newest_first()).unchanged == 1, "an older copy changes nothing"
    assert reloaded(store).get("a").outcome is Outcome.ANSWERED and log.active() is None


def test_a_restore_never_overwrites_a_local_note_with_an_older_or_undated_one():
    backup = CallLog(MemoryCallStore())
    ended_call(backup, "a", at=1)
    backup.annotate("a", note="from the backup", at=50)
    log = CallLog(MemoryCallStore())
    ended_call(log, "a", at=1)
    log.annotate("a", note="typed here later", at=60)
    assert restore(log, backup.newest_first()).unchanged == 1
    assert log.get("a").note == "typed here later"
    backup.annotate("a", note="typed there even later", disposition="Follow up", at=70)
    restore(log, backup.newest_first())
    assert (log.get("a").note, log.get("a").disposition, log.get("a").noted_at) == ("typed there even later", "Follow up", 70)


def test_a_restore_fills_in_a_note_where_the_local_copy_has_none_but_not_where_it_was_cleared_since():
    from dataclasses import replace

    backup = CallLog(MemoryCallStore())
    ended_call(backup, "a", at=1)
    ended_call(backup, "b", at=5)
    undated = replace(backup.get("a"), note="from an older version", noted_at=None)
    log = CallLog(MemoryCallStore())
    ended_call(log, "a", at=1)
    ended_call(log, "b", at=5)
    log.annotate("b", note="x", at=10)
    log.annotate("b", note="", at=11)  # the agent cleared it
    restore(log, [undated, replace(backup.get("b"), note="stale", noted_at=9)])
    assert log.get("a").note == "from an older version"
    assert log.get("b").note == "" and log.get("b").noted_at == 11


def test_a_restore_of_the_same_call_twice_in_one_file_holds_it_once():
    source = CallLog(MemoryCallStore())
    source.apply(event("ringing", "a"), at=1)
    first = source.get("a")
    source.apply(event("ended", "a"), at=2)
    store = MemoryCallStore()
    log = CallLog(store)
    result = restore(log, [first, source.get("a")])
    assert (result.added, result.updated) == (1, 1) and len(store.calls) == 1
    assert reloaded(store).get("a").state is State.ENDED


def test_absorbing_another_tabs_copy_updates_inserts_or_forgets_without_writing():
    store = MemoryCallStore()
    log = CallLog(store)
    ended_call(log, "b", at=10)
    writes = store.writes
    other = CallLog(MemoryCallStore())
    ended_call(other, "a", at=1)
    other.apply(event("ringing", "c"), at=20)
    log.absorb("a", other.get("a"))
    log.absorb("c", other.get("c"))
    assert [c.uuid for c in log.newest_first()] == ["c", "b", "a"] and log.active().uuid == "c"
    other.apply(event("ended", "c"), at=21)
    log.absorb("c", other.get("c"))
    assert log.active() is None
    log.absorb("b", None)
    log.absorb("never-seen", None)
    assert [c.uuid for c in log.newest_first()] == ["c", "a"] and store.writes == writes


def test_an_unreadable_note_does_not_stop_the_notes_after_it_from_loading():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "a"), at=1)
    log.annotate("a", note="kept", at=2)
    calls, notes = store.texts()
    again = CallLog(MemoryCallStore())
    report = again.load(calls, ["{broken", *notes])
    assert again.get("a").note == "kept" and report.unreadable == ["{broken"]


def test_an_unreadable_record_is_named_by_its_uuid_or_its_first_forty_characters():
    again = CallLog(MemoryCallStore())
    long_junk = "x" * 100
    report = again.load([long_junk, json.dumps({"uuid": "named", "state": "?"})])
    assert report.unreadable == ["x" * 40, "named"]


def test_a_restore_counts_every_update():
    source = CallLog(MemoryCallStore())
    for uuid in ("a", "b", "c"):
        source.apply(event("ringing", uuid), at=ord(uuid))
    log = CallLog(MemoryCallStore())
    restore(log, source.oldest_first())
    for uuid in ("a", "b", "c"):
        source.apply(event("ended", uuid), at=200 + ord(uuid))
    log.take_touched()
    assert restore(log, source.oldest_first()) == Merged(0, 3, 0, frozenset({"number:+442038680167"}))
    assert log.take_touched() == set(), "a restore's callers are its result's, not the page's events'"


def test_a_restore_leaves_a_stored_call_this_version_cannot_read_as_it_is():
    store = MemoryCallStore()
    store.put_call({"uuid": "a", "started": 1.0, "caller": "", "outcome": "", "words": [], "text": '{"state": "x"}'})
    source = CallLog(MemoryCallStore())
    ended_call(source, "a", at=1)
    ended_call(source, "b", at=2)
    assert restore(CallLog(store), source.oldest_first()) == Merged(1, 0, 1, frozenset({"number:+442038680167"}))
    assert store.calls["a"]["text"] == '{"state": "x"}'


def test_the_whole_csv_export_joins_its_parts_past_one_chunk():
    log = CallLog(MemoryCallStore())
    for i in range(501):
        log.apply(event("ringing", f"c{i}"), at=i)
    calls = list(log.newest_first())
    assert export_csv(calls) == "".join(export_csv_parts(calls)) and export_csv(calls).count("\r\n") == 502


def test_a_live_call_another_tab_no_longer_has_is_no_longer_the_active_one():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "live"), at=1)
    log.absorb("live", None)
    assert log.active() is None and "live" not in log


def test_saving_a_note_writes_exactly_one_note_entry():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "n"), at=1)
    before = store.writes
    log.annotate("n", note="one", at=2)
    assert store.writes == before + 1 and list(store.notes) == ["n"]


def test_a_milestone_is_a_call_starting_or_ending_not_a_step_between():
    log = CallLog(MemoryCallStore())
    started = log.apply(event("ringing", "m1"), at=1.0)
    answered = log.apply(event("calling", "m1"), at=2.0)
    repeated = log.apply(event("calling", "m1"), at=2.5)
    ended = log.apply(event("ended", "m1"), at=3.0)
    assert [c.milestone for c in (started, answered, repeated, ended)] == [True, False, False, True]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),  # which call
            st.sampled_from(["ringing", "dialing", "calling", "hangup", "ended", "contact_info", "note", "sweep"]),
            st.integers(0, 30).map(float),  # when (events of calls interleave, and clocks go back)
        ),
        max_size=60,
    ),
    st.integers(1, 3),
)
def test_a_working_set_of_any_size_stores_what_holding_every_call_would(changes, keep):
    """Letting calls go changes nothing the store keeps: any events, notes and sweeps give the same stored calls and
    notes with a working set of one call as with one that holds every call."""
    stores = [MemoryCallStore(), MemoryCallStore()]
    logs = [CallLog(stores[0], keep=keep), CallLog(stores[1], keep=10_000)]
    for n, name, at in changes:
        uuid = f"c{n}"
        for log in logs:
            if name == "note":
                held = log.get(uuid) or reloaded(log.store).get(uuid)
                if held is not None:
                    log.hold(held)
                    log.annotate(uuid, note=f"note at {at}", at=at)
            elif name == "sweep":
                log.sweep_stale(now=at + 100, after_seconds=60)
            else:
                log.apply(event(name, uuid, contact={"name": f"Name {n}"} if name == "contact_info" else None), at=at)
    small, whole = (reloaded(store) for store in stores)
    assert list(small.oldest_first()) == list(whole.oldest_first())
    assert stores[0].notes == stores[1].notes
    assert len(logs[0]) <= 2 * keep + 12, "the live calls, the one on the card, and twice the working set at most"


class SlowStore(MemoryCallStore):
    """A store whose writes are made in order when the test says, and whose replayed writes' commits are told later
    still."""

    def __init__(self) -> None:
        super().__init__()
        self.queued: list = []
        self.untold: list = []

    def put_call(self, entry, replay=None) -> None:
        self.queued.append(entry if replay is None else replay)

    def write(self) -> None:
        replay = self.queued.pop(0)
        if isinstance(replay, dict):
            super().put_call(replay)
            return
        held = self.calls.get(replay.uuid)
        entry = replay.onto(None if held is None else self._stored(held))
        if entry is not None:
            self.calls[entry["uuid"]] = entry
            self.untold.append((replay, entry["text"]))

    def tell(self, which: int = 0) -> None:
        replay, text = self.untold.pop(which)
        replay.committed(text)


def test_a_write_found_in_the_store_confirms_its_changes_however_late_the_browser_tells_of_its_commit():
    store = SlowStore()
    log = CallLog(store)
    log.apply(event("ringing", "x"), at=1)
    log.apply(event("calling", "x"), at=2)
    store.write()  # both changes written in one transaction (the second put was in the same batch); not yet told
    store.queued.clear()
    log.apply(event("ended", "x"), at=3)
    replay = log.replays["x"]
    assert len(replay.ops) == 3
    store.write()  # its read finds the first write's text: only the change after it is made again
    assert len(replay.ops) == 1
    stored = reloaded(store).get("x")
    assert [s.event for s in stored.steps] == ["ringing", "calling", "ended"] and stored.state is State.ENDED
    store.tell(1)  # told out of order: the later write first
    assert log.replays == {}, "every change is in the store: the call is written plainly from now on"
    store.tell(0)
    log.apply(event("contact_info", "x", contact={"name": "Plain"}), at=4)
    assert [type(q) for q in store.queued] == [dict], "written plainly"
    store.write()
    assert reloaded(store).get("x").contact.name == "Plain"


def test_a_replayed_write_with_nothing_left_to_make_writes_nothing_and_never_takes_the_page_back():
    # Seen in WebKit: the first write's commit confirmed every change; the next event was written plainly; then the
    # read of a write queued before it ran, with no change left, and put the page's copy back to its stored state.
    store = SlowStore()
    log = CallLog(store)
    log.apply(event("dialing", "x"), at=1)
    log.apply(event("hangup", "x"), at=2)  # a second write queued with the same replay
    store.write()
    store.tell()
    assert log.replays == {}
    log.apply(event("ended", "x"), at=3)  # written plainly, after the queued one
    store.write()  # the queued one: nothing to make
    assert log.get("x").outcome is not None, "the page's copy is not taken back"
    store.write()
    assert store.calls["x"]["outcome"] == "Cancelled" and store.queued == []


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("event"), st.integers(0, 1),
                      st.sampled_from(["ringing", "dialing", "calling", "hangup", "ended", "contact_info"]),
                      st.integers(0, 20).map(float)),
            st.tuples(st.just("write"), st.just(0), st.just(""), st.just(0.0)),
            st.tuples(st.just("tell"), st.integers(0, 3), st.just(""), st.just(0.0)),
        ),
        max_size=60,
    ),
    st.integers(1, 3),
)
def test_writes_made_and_told_in_any_order_store_what_the_page_shows(actions, keep):
    """Whatever the order in which writes are made and their commits told (the browser's, under load), the store ends
    with what a page holding every call with a store of its own stores, and the page shows what the store holds."""
    store, whole = SlowStore(), MemoryCallStore()
    log, reference = CallLog(store, keep=keep), CallLog(whole, keep=10_000)
    for action, n, name, at in actions:
        if action == "event":
            ev = event(name, f"c{n}", contact={"name": f"Name {n}"} if name == "contact_info" else None)
            log.apply(ev, at=at)
            reference.apply(ev, at=at)
        elif action == "write" and store.queued:
            store.write()
        elif action == "tell" and store.untold:
            store.tell(n % len(store.untold))
    while store.queued:
        store.write()
    while store.untold:
        store.tell()
    assert list(reloaded(store).oldest_first()) == list(reloaded(whole).oldest_first())
    stored = reloaded(store)
    for call in log.oldest_first():
        assert call == stored.get(call.uuid), "the page shows what the store holds"


def settle(store: SlowStore) -> None:
    """Every queued write made, and every commit told."""
    while store.queued:
        store.write()
    while store.untold:
        store.tell()


def let_go_of_a(store: SlowStore) -> CallLog:
    """A page holding one call (keep=1) that has let go of call "a" (ringing, ended, with a note) for newer ones."""
    log = CallLog(store, keep=1)
    ended_call(log, "a", at=1)
    log.annotate("a", note="kept", at=4)
    settle(store)
    for i, uuid in enumerate(("b", "c", "d")):
        ended_call(log, uuid, at=10 + 10 * i)
        settle(store)
    assert log.get("a") is None
    return log


def test_a_live_call_another_tab_wrote_is_swept_on_its_stored_copy():
    store = SlowStore()
    other_tab = CallLog(store)
    other_tab.apply(event("ringing", "a", contact={"name": "Ann"}), at=1)
    settle(store)
    log = CallLog(store)  # this page never held it: the store's copy is the base of its changes
    change = log.apply(event("calling", "a"), at=2)
    assert change.call is log.get("a") and change.call.is_live, "the change is the page's call"
    (stale,) = log.sweep_stale(now=2 + 3600, after_seconds=60)
    assert stale.state is State.STALE
    settle(store)
    call = reloaded(store).get("a")
    assert (call.state, call.contact.name, [s.event for s in call.steps]) == (State.STALE, "Ann", ["ringing", "calling"])


def test_another_tabs_copy_of_a_call_takes_the_changes_this_page_has_not_yet_written():
    store = SlowStore()
    log = let_go_of_a(store)
    log.apply(event("contact_info", "a", contact={"name": "Ann", "company": "Acme"}), at=50)  # queued: not yet written
    theirs = reloaded(store).get("a")
    log.absorb("a", theirs)
    assert log.get("a").contact.company == "Acme" and log.get("a").note == "kept"


def test_hold_keeps_the_pages_newer_copy_and_corrected_tells_only_of_a_change():
    log = CallLog(MemoryCallStore())
    older = CallLog(MemoryCallStore())
    older.apply(event("ringing", "a"), at=1)
    ended_call(log, "a", at=1)
    assert log.hold(older.get("a")) is log.get("a") and log.get("a").state is State.ENDED
    told: list = []
    log.on_corrected.append(told.append)
    log.corrected(log.get("a"))
    assert told == [], "the same call: nothing to tell"


def test_a_page_lets_go_at_twice_its_working_set_and_keeps_the_newest_in_start_order():
    log = CallLog(MemoryCallStore(), keep=2)
    for i in range(4):
        ended_call(log, f"c{i}", at=10 * i)
    assert len(log) == 4, "held until twice the working set"
    ended_call(log, "c4", at=40)
    assert [c.uuid for c in log.oldest_first()] == ["c3", "c4"]
    older = CallLog(MemoryCallStore())
    ended_call(older, "c0", at=0)
    log.corrected(older.get("c0"))  # an older call held again: in start order
    assert [c.uuid for c in log.oldest_first()] == ["c0", "c3", "c4"]
