"""The in-memory call store answers the page's reads as the browser's database does: newest first, a page at a time."""

from __future__ import annotations

from cloudtalk.log import CallLog
from cloudtalk.ports import MemoryCallStore

from .messages import event


def run(coroutine):
    """The value of one of the store's reads. The page awaits them; in memory none waits on anything, so one step
    finishes it (no event loop needed, under CPython or inside Pyodide, whose loop is the browser's)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the in-memory store waited on something")


def stored(n: int) -> tuple[MemoryCallStore, CallLog]:
    store = MemoryCallStore()
    log = CallLog(store)
    for i in range(n):  # started a second apart, the oldest first; every third with a note
        log.apply(event("ringing", f"c{i:02}"), at=100.0 + i)
        if i % 3 == 0:
            log.annotate(f"c{i:02}", note=f"note {i}", at=200.0 + i)
    return store, log


def test_count_and_the_newest_page_come_newest_first_with_their_notes():
    store, _log = stored(7)
    assert run(store.count()) == 7
    calls, notes = run(store.newest(3))
    reread = CallLog(MemoryCallStore())
    reread.load(calls, notes)
    assert [c.uuid for c in reread.newest_first()] == ["c06", "c05", "c04"]
    assert reread.get("c06").note == "note 6" and reread.get("c05").note == ""


def test_pages_walk_every_call_once_in_uuid_order_and_say_when_there_are_no_more():
    store, _log = stored(7)
    seen, after = [], None
    while True:
        calls, notes, after = run(store.page(after, 3))
        seen.append((len(calls), len(notes)))
        if after is None:
            break
    assert seen == [(3, 1), (3, 1), (1, 1)]  # c00 c01 c02 | c03 c04 c05 | c06, with the notes of c00, c03 and c06
    everything = CallLog(MemoryCallStore())
    everything.load(*run(store.newest(100)))
    assert len(everything) == 7


def test_get_many_answers_each_uuid_and_none_where_absent():
    store, _log = stored(4)
    found = run(store.get_many(["c00", "c01", "nope"]))
    assert found["nope"] == (None, None)
    assert found["c01"][0] is not None and found["c01"][1] is None
    assert found["c00"][1] is not None and '"note 0"' in found["c00"][1]


def test_a_memory_store_is_not_durable_commits_at_once_and_refuses_nothing():
    store, _log = stored(1)
    told: list[str] = []
    store.after_commit(lambda: told.append("committed"))
    store.retry()
    run(store.settled())
    assert told == ["committed"] and store.durable is False
