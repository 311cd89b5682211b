"""The call log: ordering, active call, persistence per call, cap, migration, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cloudtalk import persist
from cloudtalk.calls import Outcome, State
from cloudtalk.log import CallLog, export_csv, export_json
from cloudtalk.persist import MemoryStorage

from .messages import event


def test_calls_are_kept_newest_first_and_the_active_call_is_the_newest_live_one():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a"), at=1)
    log.apply(event("ended", "a"), at=2)
    log.apply(event("dialing", "b"), at=3)
    log.apply(event("ringing", "c"), at=4)
    assert [c.uuid for c in log.newest_first()] == ["c", "b", "a"]
    assert log.active().uuid == "c"
    log.apply(event("ended", "c"), at=5)
    assert log.active().uuid == "b"
    log.apply(event("ended", "b"), at=6)
    assert log.active() is None


def test_latest_contact_prefers_the_active_call_then_the_newest_with_a_contact():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a", contact={"name": "Ann"}), at=1)
    log.apply(event("ended", "a"), at=2)
    log.apply(event("ringing", "b"), at=3)
    assert log.latest_contact().uuid == "b"
    log.apply(event("ended", "b"), at=4)
    assert log.latest_contact().uuid == "a"


def test_saving_an_event_writes_exactly_one_record():
    storage = MemoryStorage()
    log = CallLog(storage)
    for i in range(50):
        log.apply(event("ringing", f"c{i}"), at=i)
    before = storage.writes
    log.apply(event("ended", "c7"), at=100)
    assert storage.writes == before + 1
    assert persist.decode(storage.get(persist.call_key("c7"))).state is State.ENDED


def test_a_duplicate_event_writes_nothing():
    storage = MemoryStorage()
    log = CallLog(storage)
    log.apply(event("ringing"), at=1)
    before = storage.writes
    change = log.apply(event("ringing"), at=2)
    assert not change.changed and storage.writes == before


def test_the_log_reloads_from_storage_in_start_order():
    storage = MemoryStorage()
    log = CallLog(storage)
    for i, uuid in enumerate(["x", "y", "z"]):
        log.apply(event("ringing", uuid, contact={"name": uuid.upper(), "tags": ["t"]}), at=10 + i)
    log.apply(event("calling", "y"), at=20)
    again = CallLog(storage)
    report = again.load()
    assert report.loaded == 3 and report.notice is None
    assert [c.uuid for c in again.newest_first()] == ["z", "y", "x"]
    assert again.get("y") == log.get("y")
    assert again.active().uuid == "z"


def test_history_is_capped_and_pruning_is_reported():
    storage = MemoryStorage()
    log = CallLog(storage, cap=3)
    pruned = []
    for i in range(5):
        pruned += log.apply(event("ringing", f"c{i}"), at=i).pruned
    assert pruned == ["c0", "c1"]
    assert [c.uuid for c in log.newest_first()] == ["c4", "c3", "c2"]
    assert storage.get(persist.call_key("c0")) is None
    assert log.pruned_total == 2


def test_loading_more_stored_calls_than_the_cap_keeps_the_newest_and_deletes_the_rest():
    storage = MemoryStorage()
    writer = CallLog(storage, cap=10)
    for i in range(5):
        writer.apply(event("ringing", f"c{i}"), at=100 + i)
    smaller = CallLog(storage, cap=3)
    report = smaller.load()
    assert [c.uuid for c in smaller.newest_first()] == ["c4", "c3", "c2"]
    assert (report.loaded, report.pruned) == (5, 2)
    assert "2 oldest call(s) pruned" in report.notice
    assert storage.get(persist.call_key("c0")) is None and storage.get(persist.call_key("c1")) is None
    assert storage.get(persist.call_key("c2")) is not None


def test_a_full_store_prunes_the_oldest_calls_instead_of_failing():
    storage = MemoryStorage(quota_chars=3000)
    log = CallLog(storage)
    pruned = []
    for i in range(40):
        pruned += log.apply(event("ringing", f"call-{i:03}"), at=i).pruned
    assert pruned, "the quota should have forced pruning"
    assert log.get("call-039") is not None
    assert all(storage.get(persist.call_key(c.uuid)) for c in log.newest_first())
    reloaded = CallLog(storage)
    reloaded.load()
    assert len(reloaded) == len(log)


def test_unreadable_records_are_set_aside_under_a_backup_key_and_the_rest_load():
    storage = MemoryStorage()
    log = CallLog(storage)
    log.apply(event("ringing", "good"), at=1)
    storage.set(persist.call_key("bad1"), "{not json")
    storage.set(persist.call_key("bad2"), json.dumps({"uuid": "bad2", "state": "weird", "steps": [["ringing", 1]]}))
    storage.set(persist.call_key("bad3"), json.dumps([1, 2]))
    again = CallLog(storage)
    report = again.load()
    assert [c.uuid for c in again.newest_first()] == ["good"]
    assert len(report.set_aside) == 3
    assert storage.get(persist.BACKUP_PREFIX + persist.call_key("bad1")) == "{not json"
    assert storage.get(persist.call_key("bad1")) is None
    assert "set aside" in report.notice


V1_RECORD = {
    "uuid": "old", "state": "ended", "direction": "inbound", "external_number": "+1 555 0100", "internal_number": None,
    "contact": {"id": 3, "name": "Old", "company": None, "contact_emails": [], "contact_numbers": [], "external_urls": [], "tags": []},
    "steps": [["ringing", 10.0], ["ended", 20.0]], "answered_at": None, "hangup_at": None, "ended_at": 20.0,
}  # fmt: skip


def test_schema_1_records_are_migrated_to_schema_2_with_an_empty_note_and_disposition():
    storage = MemoryStorage()
    storage.set(persist.call_key("old", version=1), json.dumps(V1_RECORD))
    log = CallLog(storage)
    report = log.load()
    assert (report.loaded, report.migrated, report.set_aside) == (1, 1, [])
    call = log.get("old")
    assert (call.note, call.disposition, call.outcome, call.contact.name) == ("", "", Outcome.MISSED, "Old")
    assert storage.get(persist.call_key("old", version=1)) is None
    assert json.loads(storage.get(persist.call_key("old", version=2)))["note"] == ""


def test_every_older_record_is_migrated_and_counted():
    storage = MemoryStorage()
    for uuid in ["a", "b"]:
        storage.set(persist.call_key(uuid, version=1), json.dumps({**V1_RECORD, "uuid": uuid}))
    assert CallLog(storage).load().migrated == 2


def test_an_unreadable_schema_1_record_is_set_aside_not_migrated():
    storage = MemoryStorage()
    storage.set(persist.call_key("bad", version=1), json.dumps({**V1_RECORD, "uuid": "bad", "state": "from-the-future"}))
    report = CallLog(storage).load()
    assert report.set_aside == [persist.call_key("bad", version=1)] and report.migrated == 0


def test_notes_and_dispositions_are_saved_with_the_call_capped_and_read_back():
    storage = MemoryStorage()
    log = CallLog(storage)
    log.apply(event("ringing", "n"), at=1)
    change = log.annotate("n", note="Call back Monday " + "x" * 3000, disposition="  Follow up  ")
    assert change is not None and change.changed
    call = log.get("n")
    assert len(call.note) == 2000 and call.note.startswith("Call back Monday") and call.disposition == "Follow up"
    again = CallLog(storage)
    again.load()
    assert again.get("n") == call
    assert not log.annotate("n", disposition="Follow up").changed, "the same again changes nothing"
    assert log.annotate("n", note="").call.note == "" and log.get("n").disposition == "Follow up"
    assert log.annotate("gone", note="x") is None


def test_an_event_after_a_note_keeps_the_note():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "n"), at=1)
    log.annotate("n", note="VIP, be nice", disposition="Interested")
    log.apply(event("ended", "n"), at=2)
    assert (log.get("n").note, log.get("n").disposition) == ("VIP, be nice", "Interested")


def test_exports_carry_the_note_and_disposition():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "n"), at=1)
    log.annotate("n", note="=cmd|' /C calc'!A0", disposition="Interested")
    row = next(csv.DictReader(io.StringIO(export_csv(list(log.newest_first())))))
    assert (row["disposition"], row["note"]) == ("Interested", "'=cmd|' /C calc'!A0")
    document = json.loads(export_json(list(log.newest_first()), exported_at=0))
    assert document["schema"] == 2 and document["calls"][0]["note"] == "=cmd|' /C calc'!A0"


def test_stale_sweep_marks_quiet_live_calls_and_persists_them():
    storage = MemoryStorage()
    log = CallLog(storage)
    log.apply(event("ringing", "a"), at=0)
    log.apply(event("ringing", "b"), at=100)
    marked = log.sweep_stale(now=130, after_seconds=60)
    assert [c.uuid for c in marked] == ["a"]
    assert log.get("a").outcome is Outcome.STALE
    assert persist.decode(storage.get(persist.call_key("a"))).state is State.STALE
    assert log.active().uuid == "b"


def test_clear_removes_every_stored_call():
    storage = MemoryStorage()
    log = CallLog(storage)
    log.apply(event("ringing", "a"), at=0)
    storage.set("cloudtalk:settings", "{}")
    log.clear()
    assert len(log) == 0 and list(storage.data) == ["cloudtalk:settings"]


def test_csv_export_has_one_row_per_call_and_defuses_formulas():
    log = CallLog(MemoryStorage())
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
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a", contact={"name": name}), at=0)
    (row,) = list(csv.reader(io.StringIO(export_csv(list(log.newest_first())))))[1:]
    assert row[3] == cell


def test_json_export_carries_the_schema_and_every_record():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a"), at=0)
    document = json.loads(export_json(list(log.newest_first()), exported_at=10))
    assert document["schema"] == persist.SCHEMA_VERSION
    assert document["calls"][0]["uuid"] == "a"
    assert persist.from_record(document["calls"][0]) == log.get("a")


def test_cap_must_be_positive():
    with pytest.raises(ValueError):
        CallLog(MemoryStorage(), cap=0)


def test_two_logs_on_one_store_take_each_others_writes_and_lose_nothing():
    storage = MemoryStorage()
    tab_a, tab_b = CallLog(storage), CallLog(storage)
    tab_a.apply(event("ringing", "from-a"), at=1)
    key = persist.call_key("from-a")
    assert tab_b.absorb(key, storage.get(key))[0] == "from-a"
    tab_b.apply(event("dialing", "from-b"), at=2)
    tab_a.absorb(persist.call_key("from-b"), storage.get(persist.call_key("from-b")))
    tab_b.apply(event("ended", "from-a"), at=3)  # B ends A's call: A learns it too
    tab_a.absorb(key, storage.get(key))
    assert tab_a.get("from-a").state is State.ENDED
    assert [c.uuid for c in tab_a.newest_first()] == [c.uuid for c in tab_b.newest_first()] == ["from-b", "from-a"]
    assert tab_a.active().uuid == "from-b"
    assert tab_a.absorb(key, None) == ("from-a", None) and tab_a.get("from-a") is None
    assert tab_a.absorb("cloudtalk:settings", "{}") is None
    assert tab_a.absorb(persist.call_key("junk"), "{not json") is None


def test_clear_also_removes_calls_another_tab_wrote():
    storage = MemoryStorage()
    tab_a, tab_b = CallLog(storage), CallLog(storage)
    tab_b.apply(event("ringing", "b-only"), at=1)
    tab_a.clear()
    assert storage.items(persist.call_prefix()) == []


def test_a_cap_of_one_is_allowed_and_zero_is_refused_with_a_reason():
    assert CallLog(MemoryStorage(), cap=1).cap == 1
    with pytest.raises(ValueError, match=r"^cap must be at least 1$"):
        CallLog(MemoryStorage(), cap=0)


def test_latest_contact_is_none_when_no_call_has_a_contact():
    log = CallLog(MemoryStorage())
    assert log.latest_contact() is None
    log.apply(event("ringing", "a"), at=1)
    log.apply(event("ended", "a"), at=2)
    assert log.latest_contact() is None


def test_a_change_knows_the_call_before_and_after():
    log = CallLog(MemoryStorage())
    first = log.apply(event("ringing", "a"), at=1)
    second = log.apply(event("calling", "a"), at=2)
    assert first.previous is None and first.changed
    assert second.previous is first.call and second.call.state is State.ON_CALL


def test_another_tabs_end_or_deletion_of_a_call_leaves_no_active_call_behind():
    storage = MemoryStorage()
    mine, theirs = CallLog(storage), CallLog(storage)
    mine.apply(event("ringing", "a"), at=1)
    key = persist.call_key("a")
    theirs.absorb(key, storage.get(key))
    theirs.apply(event("ended", "a"), at=2)
    mine.absorb(key, storage.get(key))
    assert mine.active() is None
    mine.apply(event("ringing", "b"), at=3)
    assert mine.absorb(persist.call_key("b"), None) == ("b", None)
    assert mine.active() is None and "b" not in mine


def test_pruning_for_the_cap_also_forgets_a_live_call():
    log = CallLog(MemoryStorage(), cap=1)
    log.apply(event("ringing", "a"), at=1)
    log.apply(event("ended", "b"), at=2)
    assert log.active() is None, "the pruned live call is no longer active"


class QuotaStorage(MemoryStorage):
    """Refuses any write that would hold more than `room` calls."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def set(self, key: str, value: str) -> None:
        calls = {k for k in self.data if k.startswith(persist.call_prefix())}
        if key.startswith(persist.call_prefix()) and key not in calls and len(calls) >= self.room:
            raise persist.StorageFullError(key)
        super().set(key, value)


def test_a_full_store_drops_a_tenth_of_the_oldest_calls_and_never_the_one_being_saved():
    storage = QuotaStorage(room=20)
    log = CallLog(storage)
    for i in range(20):
        log.apply(event("ringing", f"c{i:02}"), at=i)
    change = log.apply(event("ringing", "new"), at=99)
    assert change.pruned == ("c00", "c01")  # 21 calls in memory: a tenth is 2
    assert log.get("new") is not None and storage.get(persist.call_key("new")) is not None


def test_a_store_too_full_for_even_one_call_raises_instead_of_looping():
    log = CallLog(QuotaStorage(room=0))
    with pytest.raises(persist.StorageFullError):
        log.apply(event("ringing", "only"), at=1)


def test_records_of_a_newer_schema_are_left_alone_for_the_newer_app_that_wrote_them():
    storage = MemoryStorage()
    future = persist.call_key("future", version=persist.SCHEMA_VERSION + 1)
    storage.set(future, json.dumps({"uuid": "future", "anything": "new"}))
    log = CallLog(storage)
    report = log.load()
    assert len(log) == 0 and report.set_aside == [] and storage.get(future) is not None


def test_an_unreadable_record_is_removed_even_when_there_is_no_room_for_its_backup():
    class NoRoomForBackups(MemoryStorage):
        def set(self, key: str, value: str) -> None:
            if key.startswith(persist.BACKUP_PREFIX):
                raise persist.StorageFullError(key)
            super().set(key, value)

    storage = NoRoomForBackups()
    storage.set(persist.call_key("bad"), "{broken")
    report = CallLog(storage).load()
    assert report.set_aside == [persist.call_key("bad")]
    assert storage.data == {}


def test_the_csv_has_a_row_per_call_with_windows_line_ends_and_rounded_durations():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a", contact={"name": "Ann", "company": "Acme"}), at=0)
    log.apply(event("calling", "a"), at=5.25)
    log.apply(event("ended", "a"), at=65.5)
    text = export_csv(list(log.newest_first()))
    assert text.count("\r\n") == 2 and text.endswith("\r\n")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["company"], row["ring_seconds"], row["talk_seconds"]) == ("Acme", "5.2", "60.2")


@pytest.mark.parametrize("name", ["Xavier", "+0123456789 ()-./", "+1 (555) 0100"])
def test_csv_cells_that_cannot_run_stay_as_they_are(name):
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a", contact={"name": name}), at=0)
    (row,) = list(csv.reader(io.StringIO(export_csv(list(log.newest_first())))))[1:]
    assert row[3] == name


def test_csv_defuses_a_plus_followed_by_letters_after_a_digit():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a", contact={"name": "+a1"}), at=0)
    (row,) = list(csv.reader(io.StringIO(export_csv(list(log.newest_first())))))[1:]
    assert row[3] == "'+a1"


def test_the_json_export_is_indented_unicode_text_with_a_summary_per_call():
    log = CallLog(MemoryStorage())
    log.apply(event("ringing", "a", contact={"name": "Zoë"}), at=0)
    text = export_json(list(log.newest_first()), exported_at=86400)
    assert text.startswith('{\n  "schema": ') and "Zoë" in text
    document = json.loads(text)
    assert document["exported_at"] == "1970-01-02T00:00:00+00:00"
    assert document["calls"][0]["summary"]["name"] == "Zoë"


def test_absorbing_the_deletion_of_a_call_this_tab_never_had_is_harmless():
    log = CallLog(MemoryStorage())
    assert log.absorb(persist.call_key("never-seen"), None) == ("never-seen", None)


def test_a_full_store_prunes_round_after_round_until_the_call_fits():
    storage = QuotaStorage(room=5)
    log = CallLog(storage)
    for i in range(5):
        log.apply(event("ringing", f"c{i}"), at=i)
    storage.room = 3  # someone else's data took the room
    change = log.apply(event("ringing", "new"), at=9)
    assert change.pruned == ("c0", "c1", "c2")
    assert [c.uuid for c in log.newest_first()] == ["new", "c4", "c3"]


def test_a_full_store_never_prunes_the_call_being_saved_even_when_it_is_the_oldest():
    storage = QuotaStorage(room=2)
    log = CallLog(storage)
    log.apply(event("ringing", "old"), at=1)
    log.apply(event("ringing", "mid"), at=2)
    storage.room = 1
    log.apply(event("ringing", "new"), at=3)  # prunes "old", then "mid", to make room
    assert [c.uuid for c in log.newest_first()] == ["new"]
    storage.data.clear()
    storage.room = 0
    with pytest.raises(persist.StorageFullError):
        log.apply(event("ended", "new"), at=4)  # alone and still no room: the error is not swallowed


def test_saving_an_update_to_the_oldest_call_in_a_full_store_keeps_it():
    storage = QuotaStorage(room=3)
    log = CallLog(storage)
    for uuid in ["a", "b", "c"]:
        log.apply(event("ringing", uuid), at=ord(uuid))
    storage.data.pop(persist.call_key("a"))  # its record went missing, so writing it needs room again,
    storage.data[persist.call_key("other-tab")] = "{}"  # and another tab's call took that room
    change = log.apply(event("ended", "a"), at=200)
    assert change.pruned == ("b",)
    assert log.get("a").state is State.ENDED and storage.get(persist.call_key("a")) is not None


def test_a_note_change_reports_the_call_before_it_and_stored_notes_are_capped_on_reading():
    storage = MemoryStorage()
    log = CallLog(storage)
    log.apply(event("ringing", "n"), at=1)
    before = log.get("n")
    change = log.annotate("n", note="hello")
    assert change.previous is before and change.pruned == ()
    record = json.loads(storage.get(persist.call_key("n")))
    record.update(note="y" * 2500, disposition="z" * 60)  # written by hand, or by an older build with other caps
    storage.set(persist.call_key("n"), json.dumps(record))
    again = CallLog(storage)
    again.load()
    assert (len(again.get("n").note), len(again.get("n").disposition)) == (2000, 40)
