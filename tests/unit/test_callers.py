"""Callers across calls: number normalization, caller keys, the index, history, and call-backs."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtalk import callers
from cloudtalk.callers import (
    DONE_PREFIX,
    NEEDS_CALL_BACK,
    CallBacks,
    CallerIndex,
    caller_key,
    normalized_number,
    stored_call_back,
    stored_history,
)
from cloudtalk.calls import Call, step
from cloudtalk.log import CallLog
from cloudtalk.ports import MemoryCallStore, MemoryStorage

from .messages import event
from .test_ports import run


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("+44 20 3868 0167", "+442038680167"),
        ("0044 20 3868 0167", "+442038680167"),
        ("+44 (20) 3868-0167", "+442038680167"),
        ("  +1-555-0100 ", "+15550100"),
        ("020 3868 0167", "02038680167"),  # national: cannot be matched to the international form
        ("00", None),
        ("12", None),
        ("123", "123"),
        ("", None),
        (None, None),
        ("ext. 4", None),
        ("+٤٤ 20 3868 0167", "+2038680167"),  # only ASCII digits count
    ],
)
def test_numbers_are_normalized_to_digits_with_one_international_prefix(text, normalized):
    assert normalized_number(text) == normalized


def call(uuid: str, names: list[str], at: float, **kw) -> Call:
    result = None
    for i, name in enumerate(names):
        result = step(result, event(name, uuid, **kw), at=at + i)
    assert result is not None
    return result


def test_a_call_is_keyed_by_contact_id_else_by_number_else_not_at_all():
    assert caller_key(call("a", ["ringing"], 0, contact={"id": 7, "name": "Ann"})) == "contact:7"
    assert caller_key(call("b", ["ringing"], 0, contact={"id": "crm-7"})) == "contact:crm-7"
    assert caller_key(call("c", ["ringing"], 0, contact={"id": ""})) == "number:+442038680167"
    assert caller_key(call("d", ["ringing"], 0, contact={"name": "No id"})) == "number:+442038680167"
    assert caller_key(call("e", ["ringing"], 0, external_number=None)) is None


def test_a_call_moves_to_its_contacts_group_when_the_contact_id_arrives():
    index = CallerIndex()
    known = call("k", ["ringing", "ended"], 10, contact={"id": 9})
    index.put(known)
    unknown = call("u", ["ringing"], 20)
    assert index.put(unknown) == (None, "number:+442038680167")
    identified = step(unknown, event("contact_info", "u", contact={"id": 9}), at=21)
    assert index.put(identified) == ("number:+442038680167", "contact:9")
    assert index.keys() == ["contact:9"]
    assert index.put(identified) == ("contact:9", "contact:9")  # nothing moved
    assert index.remove("k") == "contact:9"
    assert index.keys() == ["contact:9"], "u is still that contact's"


def test_removing_a_call_forgets_it_and_a_call_without_a_key_is_not_held():
    index = CallerIndex()
    a, b = call("a", ["ringing"], 1), call("b", ["ringing"], 2)
    index.put(a)
    index.put(b)
    assert index.remove("a") == "number:+442038680167"
    assert index.remove("a") is None
    assert index.keys() == ["number:+442038680167"], "b is still that number's"
    assert index.remove("b") == "number:+442038680167"
    assert index.keys() == []
    nameless = call("n", ["ringing"], 3, external_number=None)
    assert index.put(nameless) == (None, None)
    assert index.keys() == [] and index.remove("n") is None
    index.put(a)
    index.clear()
    assert index.keys() == []


def test_a_call_that_loses_its_number_is_nobodys_and_leaves_its_caller():
    index = CallerIndex()
    ringing = call("r", ["ringing"], 1)
    assert index.put(ringing) == (None, "number:+442038680167")
    assert index.put(step(ringing, event("ended", "r"), at=5)) == ("number:+442038680167", "number:+442038680167")
    assert index.put(call("r", ["ringing"], 1, external_number=None)) == ("number:+442038680167", None)
    assert index.keys() == [] and index.remove("r") is None


KEY = "number:+442038680167"


@pytest.mark.parametrize(
    ("calls", "waiting"),
    [
        ([("in-missed", ["ringing", "ended"])], ["in-missed"]),
        ([("in-declined", ["ringing", "hangup", "ended"])], ["in-declined"]),
        ([("out-no-answer", ["dialing", "ended"])], ["out-no-answer"]),
        ([("out-cancelled", ["dialing", "hangup", "ended"])], []),  # the agent hung up: nobody waits
        ([("answered", ["ringing", "calling", "ended"])], []),
        ([("m1", ["ringing", "ended"]), ("m2", ["ringing", "ended"])], ["m1", "m2"]),
        ([("m1", ["ringing", "ended"]), ("ok", ["dialing", "calling", "ended"])], []),  # called back and answered
        ([("ok", ["ringing", "calling", "ended"]), ("m1", ["ringing", "ended"])], ["m1"]),  # missed after an answer
        ([("m1", ["ringing", "ended"]), ("live", ["ringing"])], ["m1"]),  # ringing again: not answered yet
        ([("m1", ["ringing", "ended"]), ("talking", ["ringing", "calling"])], []),  # answered, still on the call
        ([("unknown", ["ended"])], []),
    ],
)
def test_call_backs_wait_from_the_first_unanswered_call_after_the_last_answered_one(calls, waiting):
    store = MemoryCallStore()
    log = CallLog(store)
    for i, (uuid, names) in enumerate(calls):
        for name in names:
            log.apply(event(name, uuid), at=100.0 * i)
    entry = run(stored_call_back(store, KEY, None))
    assert ([c.uuid for c in entry.calls] if entry else []) == waiting
    if entry:
        assert entry.attempts == len(waiting) and entry.latest.uuid == waiting[-1] and not entry.more
        assert entry.number == "+442038680167"


def stored(*calls: Call) -> MemoryCallStore:
    store = MemoryCallStore()
    CallLog(store).restore(calls)
    return store


def test_a_call_back_marked_done_counts_only_later_calls():
    store = stored(call("m1", ["ringing", "ended"], 100), call("m2", ["ringing", "ended"], 200))
    assert run(stored_call_back(store, KEY, done_at=150)).attempts == 1
    assert run(stored_call_back(store, KEY, done_at=250)) is None


def test_a_call_back_has_no_number_to_dial_when_none_is_known():
    store = stored(call("m", ["ringing", "ended"], 1, external_number=None, contact={"id": 4}))
    assert run(stored_call_back(store, "contact:4", None)).number is None


def test_the_call_back_list_follows_the_store_and_keeps_done_marks_in_storage():
    storage = MemoryStorage()
    store = MemoryCallStore()
    log = CallLog(store)
    callbacks = CallBacks(store, storage)
    for uuid, number, at in [("a", "+1 555 0100", 1), ("b", "+1 555 0199", 2)]:
        log.apply(event("ringing", uuid, external_number=number), at=at)
        log.apply(event("ended", uuid, external_number=number), at=at + 0.5)
    assert run(callbacks.refresh(log.take_touched())) is True
    assert [e.latest.uuid for e in callbacks.newest_first()] == ["b", "a"]
    assert log.take_touched() == set()
    run(callbacks.mark_done("number:+15550100", at=10))
    assert [e.latest.uuid for e in callbacks.newest_first()] == ["b"]
    assert storage.get(DONE_PREFIX + "number:+15550100") == "10"
    assert list(store.kept_call_backs) == ["number:+15550199"], "the store keeps the list"
    again = CallBacks(store, storage)  # a reload, or another tab: the list is read as stored
    assert run(again.load()) is True
    assert [e.latest.uuid for e in again.newest_first()] == ["b"]
    log.apply(event("dialing", "c", external_number="+1 555 0199"), at=20)
    log.apply(event("calling", "c", external_number="+1 555 0199"), at=21)
    run(callbacks.refresh(log.take_touched()))
    assert len(callbacks) == 0, "answered: nobody waits any more"
    assert store.kept_call_backs == {}


def test_another_tabs_done_mark_is_taken_in_and_clearing_forgets_every_mark():
    storage = MemoryStorage()
    store = MemoryCallStore()
    log = CallLog(store)
    callbacks = CallBacks(store, storage)
    log.apply(event("ringing", "a"), at=1)
    log.apply(event("ended", "a"), at=2)
    run(callbacks.refresh(log.take_touched()))
    assert callbacks.absorb(DONE_PREFIX + KEY, "5") == KEY
    run(callbacks.refresh([KEY]))
    assert len(callbacks) == 0
    assert callbacks.absorb("cloudtalk:settings", "{}") is None
    assert callbacks.absorb(DONE_PREFIX + KEY, "not a time") is None
    assert callbacks.absorb(DONE_PREFIX + KEY, None) == KEY
    run(callbacks.refresh([KEY]))
    assert len(callbacks) == 1
    run(callbacks.mark_done(KEY, 9))
    callbacks.clear()
    assert storage.items(DONE_PREFIX) == [] and callbacks.done == {} and len(callbacks) == 0


def test_unreadable_done_marks_are_ignored():
    storage = MemoryStorage()
    storage.set(DONE_PREFIX + KEY, "soon")
    storage.set(DONE_PREFIX + "number:+1555", "12.5")
    assert CallBacks(MemoryCallStore(), storage).done == {"number:+1555": 12.5}


def test_a_full_store_keeps_the_mark_for_this_page():
    storage = MemoryStorage(quota_chars=10)
    callbacks = CallBacks(MemoryCallStore(), storage)
    run(callbacks.mark_done(KEY, 3))
    assert callbacks.done == {KEY: 3}


def test_the_log_tells_which_callers_changed_through_every_path():
    store = MemoryCallStore()
    log = CallLog(store)
    log.apply(event("ringing", "a", external_number="+1 555 0100"), at=1)
    assert log.take_touched() == {"number:+15550100"}
    log.apply(event("ringing", "b", external_number="+1 555 0199"), at=2)
    log.apply(event("ringing", "c", external_number="+1 555 0111"), at=3)
    assert log.take_touched() == {"number:+15550199", "number:+15550111"}
    other = CallLog(MemoryCallStore())
    other.load(*store.texts())
    assert other.take_touched() == {"number:+15550100", "number:+15550199", "number:+15550111"}
    other.absorb("b", None)
    assert other.take_touched() == {"number:+15550199"}
    assert other.restore([log.get("a")]).callers == set(), "a copy already as known touches nobody"
    later = CallLog(MemoryCallStore())  # call c as another copy knows it: ended
    later.apply(event("ringing", "c", external_number="+1 555 0111"), at=3)
    later.apply(event("ended", "c", external_number="+1 555 0111"), at=4)
    held = other.restore([later.get("c")])  # held by the page, and changed
    fresh = CallLog(MemoryCallStore())
    assert fresh.restore([log.get("b")]).callers == {"number:+15550199"}, "a call restored to the store only, its caller too"
    assert (held.callers, other.take_touched(), fresh.take_touched()) == ({"number:+15550111"}, set(), set()), (
        "a restore's callers are its own: the page's events take the touched ones as they come")
    log.annotate("a", note="n", at=4)
    assert log.take_touched() == {"number:+15550100"}
    log.clear()
    assert log.take_touched() == {"number:+15550100", "number:+15550199", "number:+15550111"}


def test_history_counts_from_the_very_first_call_and_works_for_calls_not_yet_stored():
    calls = [call(f"c{i}", ["ringing", "ended"], 100.0 * i) for i in range(3)]
    store = stored(*calls)

    def history(of: Call) -> tuple[int, list[str]]:
        found = run(stored_history(store, of))
        return found.count, [c.uuid for c in found.latest]

    assert history(calls[2]) == (2, ["c1", "c0"])  # the oldest call is included
    assert history(call("new", ["ringing"], 1000)) == (3, ["c2", "c1", "c0"])  # a call not stored yet (same number)
    assert history(call("s", ["ringing"], 5, external_number="+1 555 0100")) == (0, [])  # a number not known
    assert history(call("n", ["ringing"], 3, external_number=None)) == (0, [])


def test_a_call_back_knows_its_caller_and_done_at_its_very_start_clears_it():
    store = stored(call("m1", ["ringing", "ended"], 100))
    assert run(stored_call_back(store, KEY, None)).key == KEY
    assert run(stored_call_back(store, KEY, done_at=100)) is None  # marked done at the moment it started: done


def test_another_tab_unmarking_a_caller_never_marked_here_changes_nothing():
    callbacks = CallBacks(MemoryCallStore(), MemoryStorage())
    assert callbacks.absorb(DONE_PREFIX + KEY, None) == KEY
    assert callbacks.done == {}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["put", "put", "put", "remove"]),
            st.integers(0, 4),  # which call
            st.sampled_from([None, "+1 555 0100", "0044 20 3868 0167", "+44 20 3868 0167"]),  # its number
            st.sampled_from([None, 1, 2]),  # its contact id
            st.sampled_from(["ringing", "dialing", "calling", "ended"]),  # what happens to it
        ),
        max_size=40,
    ),
)
def test_the_index_agrees_with_a_plain_scan_after_any_sequence_of_changes(changes):
    """The index must name exactly the callers that scanning every call held would."""
    index = CallerIndex()
    held: dict[str, Call] = {}
    for action, n, number, contact_id, name in changes:
        uuid = f"c{n}"
        if action == "remove":
            index.remove(uuid)
            held.pop(uuid, None)
            continue
        contact = {"id": contact_id} if contact_id is not None else None
        previous = held.get(uuid)
        updated = step(previous, event(name, uuid, external_number=number, contact=contact), at=float(n))
        index.put(updated)
        held[uuid] = updated
    assert sorted(index.keys()) == sorted({k for c in held.values() if (k := caller_key(c))})
    assert len(index) == sum(1 for c in held.values() if caller_key(c))


def waiting_by_plain_scan(calls: list[Call], done_at: float | None) -> tuple[list[Call], int, bool]:
    """The call-back rule read forwards over every call of one caller, oldest first: (the newest KEPT waiting calls,
    the waiting calls among the newest MOST_READ since the last answered one, whether there were more than that)."""
    since: list[Call] = []
    for c in calls:
        if c.answered_at is not None or (done_at is not None and c.started_at <= done_at):
            since = []
        else:
            since.append(c)
    waiting = [c for c in since[-callers.MOST_READ :] if (c.direction, c.outcome) in NEEDS_CALL_BACK]
    return waiting[-callers.KEPT :], len(waiting), len(since) > callers.MOST_READ


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),  # which call
            st.sampled_from([None, "+1 555 0100", "0044 20 3868 0167", "+44 20 3868 0167"]),  # its number
            st.sampled_from([None, 1, 2]),  # its contact id
            st.sampled_from(["ringing", "dialing", "calling", "ended", "ended"]),  # what happens to it
            st.integers(0, 5).map(float),  # when it starts (calls may start at the same moment)
        ),
        max_size=50,
    ),
    st.dictionaries(st.sampled_from(["contact:1", "contact:2", "number:+15550100", KEY]), st.integers(0, 5).map(float)),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_every_caller_waits_as_a_plain_scan_says_read_back_from_the_store_or_built_in_one_pass(changes, done, most, kept, first):
    """A caller's entry worked out from their newest stored calls (after an event), and the list built by one pass over
    the caller index (a store written before the list was kept), are both what reading every call forwards says; with
    the counting's and the keeping's limits made small enough to be reached."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(callers, "MOST_READ", most)
        patch.setattr(callers, "KEPT", kept)
        patch.setattr(callers, "FIRST_READ", first)
        store = MemoryCallStore()
        log = CallLog(store)
        for n, number, contact_id, name, at in changes:
            contact = {"id": contact_id} if contact_id is not None else None
            log.apply(event(name, f"c{n}", external_number=number, contact=contact), at=at)
        by_key: dict[str, list[Call]] = {}
        for c in sorted(log.oldest_first(), key=lambda c: (c.started_at, c.uuid)):
            if (key := caller_key(c)) is not None:
                by_key.setdefault(key, []).append(c)
        expected = {}
        for key, calls in by_key.items():
            waiting, attempts, more = waiting_by_plain_scan(calls, done.get(key))
            if waiting:
                expected[key] = (waiting, attempts, more)
        storage = MemoryStorage()
        for key, at in done.items():
            storage.set(DONE_PREFIX + key, repr(at))
        refreshed = CallBacks(store, storage)
        run(refreshed.refresh(by_key))
        built = CallBacks(store, storage)
        run(built.rebuild(chunk=3))
        for entries in (refreshed, built):
            assert {e.key: (list(e.calls), e.attempts, e.more) for e in entries.newest_first()} == expected
        again = CallBacks(store, storage)
        assert run(again.load()) and {e.key: e for e in again.newest_first()} == {e.key: e for e in built.newest_first()}
        rebuilt_alone = CallBacks(store, storage)  # on a store whose list the rebuild alone wrote
        store.kept_call_backs.clear()
        run(rebuilt_alone.rebuild(chunk=2))
        assert set(store.kept_call_backs) == set(expected)


def test_a_stored_call_back_reads_back_as_it_was_written_and_a_malformed_one_is_refused():
    calls = (call("m1", ["ringing", "ended"], 100, contact={"id": 7, "name": "Zoë Ångström"}),)
    entry = callers.CallBack("contact:7", calls, 501, more=True)
    assert callers.decode_call_back(callers.call_back_text(entry)) == entry
    record = json.loads(callers.call_back_text(entry))
    for broken in ([], {**record, "key": 7}, {**record, "attempts": "501"}, {**record, "calls": []}):
        with pytest.raises(ValueError, match="call-back"):
            callers.decode_call_back(json.dumps(broken))


class CountingStore(MemoryCallStore):
    """Counts the caller index's reads."""

    reads: int = 0

    async def caller_history(self, key, before, latest):
        self.reads += 1
        return await super().caller_history(key, before, latest)


@pytest.mark.parametrize(("names", "done_at", "reads", "attempts"), [
    ([["ringing", "calling", "ended"], *[["ringing", "ended"]] * 3], None, 1, 3),  # answered among the newest: one read
    ([["ringing", "ended"]] * 8, None, 1, 8),  # no more calls than the first read asks for: one read
    ([["ringing", "ended"]] * 9, 150.0, 1, 6),  # marked done at the third call (started at 140): one read
    ([["ringing", "ended"]] * 9, None, 2, 9),  # none of the newest answered: the second read counts them all
    ([["ringing", "ended"]] * 502, None, 2, 500),  # past MOST_READ: counted to it, "500+"
])  # fmt: skip
def test_a_callers_entry_is_read_once_unless_none_of_their_newest_calls_ends_the_waiting(names, done_at, reads, attempts):
    store = CountingStore()
    CallLog(store).restore([call(f"m{i:03}", steps, 100.0 + 20 * i) for i, steps in enumerate(names)])
    entry = run(stored_call_back(store, KEY, done_at))
    assert (store.reads, entry.attempts, entry.more) == (reads, attempts, len(names) > callers.MOST_READ)


def test_refreshing_call_backs_says_whether_the_list_changed():
    storage = MemoryStorage()
    store = MemoryCallStore()
    log = CallLog(store)
    callbacks = CallBacks(store, storage)
    log.apply(event("ringing", "m"), at=1)
    assert run(callbacks.refresh(log.take_touched())) is False  # still ringing: nobody to call back yet
    log.apply(event("ended", "m"), at=2)
    assert run(callbacks.refresh(log.take_touched())) is True
    assert run(callbacks.refresh([KEY])) is False  # the same again
    log.apply(event("ringing", "ok"), at=3)
    log.apply(event("calling", "ok"), at=4)
    assert run(callbacks.refresh(log.take_touched())) is True and len(callbacks) == 0


def test_a_store_without_a_kept_list_has_it_built_once_and_unreadable_entries_are_passed_over():
    store = stored(call("m1", ["ringing", "ended"], 100), call("m2", ["ringing", "ended"], 200))
    readable = json.loads(store.calls["m1"]["text"])
    for n, text in enumerate(("{not json", json.dumps({**readable, "state": None, "steps": 5}),
                              json.dumps({k: v for k, v in readable.items() if k != "state"}))):  # each error a reader raises
        store.put_call({"uuid": f"bad{n}", "started": 150.0, "caller": KEY, "outcome": "", "words": [], "text": text})
    store.call_backs_ready = False
    callbacks = CallBacks(store, MemoryStorage())
    assert run(callbacks.load()) is False, "an older version's store: nothing to read yet"
    progress: list[tuple[int, int, int]] = []
    run(callbacks.rebuild(lambda *seen: progress.append(seen), chunk=1))
    assert progress == [*((n, 0, 0) for n in range(1, 6)), (5, 0, 0), (5, 1, 1)] and store.call_backs_ready
    (entry,) = callbacks.newest_first()
    assert (entry.attempts, entry.latest.uuid) == (2, "m2")
    store.kept_call_backs["number:+1555"] = "{not json"
    store.kept_call_backs["number:+1556"] = '{"key": "number:+1556", "attempts": 1, "more": false, "calls": []}'
    again = CallBacks(store, MemoryStorage())
    assert run(again.load()) and [e.key for e in again.newest_first()] == [KEY]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),  # which call
            st.sampled_from([None, "+1 555 0100", "0044 20 3868 0167", "+44 20 3868 0167"]),  # its number
            st.sampled_from([None, 1, 2]),  # its contact id
            st.sampled_from(["ringing", "dialing", "calling", "ended", "note"]),  # what happens to it
            st.integers(0, 3).map(float),  # when it starts (calls may start at the same moment)
        ),
        max_size=30,
    ),
    st.integers(0, 6),
)
def test_the_stores_caller_history_answers_as_a_plain_scan_for_any_history(changes, latest):
    """What the card reads from the store (its caller index) is what reading every call the page holds says."""
    store = MemoryCallStore()
    log = CallLog(store)
    for n, number, contact_id, name, at in changes:
        uuid = f"c{n}"
        if name == "note":
            log.annotate(uuid, note=f"note on {uuid}", at=at)
            continue
        contact = {"id": contact_id} if contact_id is not None else None
        log.apply(event(name, uuid, external_number=number, contact=contact), at=at)
    # every call (the log lets none go at this size), newest first as the store's index orders them
    held = sorted(log.newest_first(), key=lambda c: (c.started_at, c.uuid), reverse=True)
    for shown in held:
        key = caller_key(shown)
        earlier = [c for c in held if key and caller_key(c) == key and (c.started_at, c.uuid) < (shown.started_at, shown.uuid)]
        got = run(stored_history(store, shown, latest))
        assert got.count == len(earlier)
        assert got.latest == tuple(earlier[:latest]), "the same calls, newest first, with their notes"


def test_the_card_lists_the_latest_five_earlier_calls_by_default():
    store = MemoryCallStore()
    log = CallLog(store)
    for i in range(8):
        log.apply(event("ringing", f"c{i}"), at=float(i))
    latest = log.get("c7")
    assert latest is not None
    history = run(stored_history(store, latest))
    assert history.count == 7 and [c.uuid for c in history.latest] == ["c6", "c5", "c4", "c3", "c2"]


def test_an_unreadable_stored_call_back_is_passed_over_and_the_rest_are_loaded():
    good = callers.call_back_text(callers.CallBack(KEY, (call("m1", ["ringing", "ended"], 100),), 1))
    store = MemoryCallStore(kept_call_backs={"number:+15550100": "{not json", KEY: good, "number:+15550199": '{"key": 1}'})
    callbacks = CallBacks(store, MemoryStorage())
    assert run(callbacks.load()) is True
    assert [entry.key for entry in callbacks.newest_first()] == [KEY]
