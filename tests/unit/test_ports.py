"""The in-memory call store answers the page's reads as the browser's database does: newest first, a page at a time."""

from __future__ import annotations

from cloudtalk import persist
from cloudtalk.log import CallLog
from cloudtalk.ports import MemoryCallStore, cursors_beyond

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


# ---------------------------------------------------------------- the timeline's reads (a property over any history)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cloudtalk.calls import Call  # noqa: E402
from cloudtalk.present import matches  # noqa: E402
from cloudtalk.search import call_words, note_words, parse_query  # noqa: E402

NAMES = ["Ann Lee", "Anna", "Bob", "Dana Smith", None]
NUMBERS = ["+44 20 3868 0167", "+1 555 0100", "020 3868", None]


def outcome_key(call: Call) -> str:
    return call.outcome.value if call.outcome else ""


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["ringing", "dialing", "calling", "ended", "note"]),
                       st.integers(0, 4).map(float), st.sampled_from(NAMES), st.sampled_from(NUMBERS)), max_size=30),
    st.sampled_from(["ann", "an", "smith", "0167", "3868 0", "bob 555", "renewal", "zz"]),
    st.sampled_from([None, "", "Missed", "Answered", "No answer"]),
    st.integers(1, 4),
    st.integers(1, 12),
)
def test_the_stores_pages_and_search_answer_as_the_calls_in_memory(changes, typed, outcome, page, most):
    store = MemoryCallStore()
    log = CallLog(store)
    for n, name, at, contact_name, number in changes:
        uuid = f"c{n}"
        if name == "note":
            log.annotate(uuid, note="renewal due", at=at)
            continue
        contact = {"name": contact_name} if contact_name else None
        log.apply(event(name, uuid, external_number=number, contact=contact), at=at)
    held = sorted(log.newest_first(), key=lambda c: (c.started_at, c.uuid), reverse=True)
    wanted = [c for c in held if outcome is None or outcome_key(c) == outcome]
    # Paging from the newest, `page` calls at a time, reaches every call once, in order.
    seen: list[str] = []
    before = None
    while True:
        stored = run(store.newest_page(before, page, outcome))
        calls = [persist.decode_stored(text, note) for text, note in stored]
        seen += [c.uuid for c in calls]
        if len(calls) < page:
            break
        before = (calls[-1].started_at, calls[-1].uuid)
    assert seen == [c.uuid for c in wanted]
    # And upwards from the oldest, `page` calls at a time, the same calls the other way.
    risen: list[str] = []
    after = None
    while True:
        calls = [persist.decode_stored(text, note) for text, note in run(store.oldest_page(after, page, outcome))]
        risen += [c.uuid for c in calls]
        if len(calls) < page:
            break
        after = (calls[-1].started_at, calls[-1].uuid)
    assert risen == [c.uuid for c in reversed(wanted)]
    first = [persist.decode_stored(text, note) for text, note in run(store.newest_page(None, len(held) + 1, outcome))]
    assert first == wanted, "each call as the log holds it, its note too"
    assert run(store.count(outcome)) == len(wanted)
    # Search answers as matching each call in memory, or says it is too broad for an index.
    query = parse_query(typed)
    assert query is not None
    found = run(store.search(query, outcome, most))
    expected = [(c.started_at, c.uuid) for c in wanted if matches(c, query, "")]
    if found is None:
        reached = [c for c in held if any(low <= word <= high for word in [*call_words(c), *note_words(c)]
                                          for low, high in query.ranges())]
        assert len(reached) > most, "too broad only where the query's range holds a word of more than `most` calls"
    else:
        assert found == expected
    assert run(store.search(query, outcome, 1000)) == expected


def test_the_stores_search_finds_a_call_by_its_notes_words_and_by_its_own():
    store, log = stored(6)
    log.annotate("c01", note="Wants a renewal quote", disposition="Follow up", at=500.0)
    for typed, uuids in (("renewal", ["c01"]), ("follow", ["c01"]), ("quote wants", ["c01"]), ("unknown", [f"c{i:02}" for i in range(6)][::-1])):
        query = parse_query(typed)
        assert query is not None
        assert [uuid for _started, uuid in run(store.search(query, None, 100))] == uuids, typed
    noted = [persist.decode_stored(text, note) for text, note in run(store.newest_page(None, 10)) if note is not None]
    assert [(c.uuid, c.note, c.disposition) for c in noted] == [
        ("c03", "note 3", ""), ("c01", "Wants a renewal quote", "Follow up"), ("c00", "note 0", "")]


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.tuples(st.integers(0, 6).map(float), st.sampled_from("abcde")), max_size=25),
    st.one_of(st.none(), st.tuples(st.integers(-1, 7).map(float), st.sampled_from("abcdef"))),
    st.integers(1, 6),
    st.booleans(),
)
def test_a_page_of_what_a_search_found_is_the_next_cursors_beyond_the_edge_that_way(cursors, edge, size, older):
    found = sorted(cursors, reverse=True)  # newest first, as a search gives them
    page, ended = cursors_beyond(found, edge, size, older=older)
    beyond = [c for c in found if edge is None or (c < edge if older else c > edge)]
    wanted = beyond[:size] if older else beyond[::-1][:size]
    assert page == wanted
    assert ended == (len(beyond) <= size)
    # Walked page by page from one end, the pages hold every cursor once, in order.
    walked, at = [], None
    while True:
        page, ended = cursors_beyond(found, at, size, older=older)
        walked += page
        if ended:
            break
        at = page[-1]
    assert walked == (found if older else found[::-1])


def test_the_memory_stores_call_back_put_and_taken_back_and_none_for_a_caller_who_never_waited():
    store = MemoryCallStore()
    store.put_call_back("contact:1", "waiting")
    store.put_call_back("contact:2", None)  # nobody waited: nothing to take back, and no error
    assert run(store.call_backs()) == ["waiting"]
    store.put_call_back("contact:1", None)
    assert run(store.call_backs()) == []
