"""IndexedDB as the call log's CallStore: one record per call, one per note, indexes for what the app asks.

Written by hand against the raw API rather than through a wrapper library: the app asks six
things of it (open, put, get, page by key, count, clear), each a request that this module turns
into an awaitable in a few lines, and a library would add a download to the boot path for that.

Writes are synchronous to the core: every put of one task goes into one transaction that is
committed at the end of that task (a microtask), so the browser holds it before the page draws
what it changed, and a page killed after that loses nothing. A write the browser refuses (no
space) is kept in this page, reported, and tried again; nothing is ever deleted to make room.

    db = await CallsDB.open(on_problem=report)
    log = CallLog(db)
    calls, notes = await db.newest(200)
    log.load(calls, notes)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from .. import persist, search
from ..ports import CallEntry, CallerCursor, Cursor, NoteEntry, Replay, Stored
from ..search import Query, matches_words
from .dom import PageLeft, spawn
from .ffi import create_once_callable, create_proxy, js, jsnull, to_js

NAME = "cloudtalk"
VERSION = 3  # 2: the indexes of each caller's calls, of each outcome's calls, and of words; 3: the call-backs (_upgrade)
CALLS, NOTES, META, CALL_BACKS = "calls", "notes", "meta", "call_backs"
WRITTEN = (CALLS, NOTES, CALL_BACKS)  # the stores a write of the page may touch
CALLER_STARTED, OUTCOME_STARTED, WORDS = "caller_started", "outcome_started", "words"
BULK = 2000  # uuids beyond which get_many reads their range whole: in WebKit each request is a round trip to another process
QUIET_S = 2.0  # the longest a read waits for the page's writes to be committed
WORDS_DONE = "words"  # the meta record saying every call and note has its words (a version 1 store gets them later)
CALL_BACKS_DONE = "call_backs"  # the meta record saying the call-back list is kept (an older store has it built once)


def _object(entry: dict[str, Any]) -> Any:
    return to_js(entry)


def _settles(target: Any, ok: str, failed: str, result: Callable[[], Any], otherwise: str) -> asyncio.Future[Any]:
    """An IndexedDB request or transaction as something to await: `result()` on its `ok` event, its error raised on
    `failed`. Listening starts here, so call it before the target can finish."""
    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()

    def succeeded(_event: Any) -> None:
        if not future.done():
            future.set_result(result())

    def went_wrong(_event: Any) -> None:
        if not future.done():
            future.set_exception(_failure(target, otherwise))

    setattr(target, ok, create_once_callable(succeeded))
    setattr(target, failed, create_once_callable(went_wrong))
    return future


def done(request: Any) -> asyncio.Future[Any]:
    """An IDBRequest (or IDBOpenDBRequest): its result, or its error raised."""
    return _settles(request, "onsuccess", "onerror", lambda: request.result, "IndexedDB request failed")


def finished(transaction: Any) -> asyncio.Future[None]:
    """A transaction: None once committed, or its error raised."""
    return _settles(transaction, "oncomplete", "onabort", lambda: None, "the transaction was aborted")


LEFT = "cloudtalkLeft"  # set on a transaction CallsDB.leave ended: its failure is the page's leaving, not the browser's


def _failure(target: Any, otherwise: str) -> Exception:
    """What a failed request or transaction raises: PageLeft where CallsDB.leave ended its transaction."""
    transaction = target if hasattr(target, "objectStoreNames") else getattr(target, "transaction", None)
    if transaction is not None and getattr(transaction, LEFT, False):
        return PageLeft("the page was left")
    error = target.error
    return OSError(f"{error.name}: {error.message}" if error else otherwise)


def _upgrade(event: Any) -> None:
    """Each version's changes, in order; the records stay where they are (an index is built from them)."""
    db = event.target.result
    if event.oldVersion < 1:
        calls = db.createObjectStore(CALLS, _object({"keyPath": "uuid"}))
        calls.createIndex("started", "started")  # newest first: the timeline
        calls.createIndex("caller", "caller")  # a caller's calls
        calls.createIndex("outcome", "outcome")  # the outcome filter
        db.createObjectStore(NOTES, _object({"keyPath": "uuid"}))
    if event.oldVersion < 2:
        # Built by the browser from the records as they are: nothing is moved. A version 1 record has no words yet:
        # CallsDB.add_words gives them, in the background, and search scans the calls until it has.
        transaction = event.target.transaction
        calls = transaction.objectStore(CALLS)
        calls.createIndex(CALLER_STARTED, to_js(["caller", "started", "uuid"]))  # the card's count and latest calls
        calls.createIndex(OUTCOME_STARTED, to_js(["outcome", "started", "uuid"]))  # the outcome filter, newest first
        calls.createIndex(WORDS, WORDS, _object({"multiEntry": True}))  # search: names, companies, numbers' suffixes
        transaction.objectStore(NOTES).createIndex(WORDS, WORDS, _object({"multiEntry": True}))  # notes, dispositions
        meta = db.createObjectStore(META, _object({"keyPath": "key"}))
        if event.oldVersion < 1:
            meta.put(_object({"key": WORDS_DONE}))  # a new store: every record it will get has its words
    if event.oldVersion < 3:
        # Each caller waiting for a call back, by caller key: derived from the calls (callers.CallBacks keeps it), and
        # built once from an older store's calls, in the background.
        db.createObjectStore(CALL_BACKS, _object({"keyPath": "key"}))
        if event.oldVersion < 1:
            # a new store: the list is kept from the first call
            event.target.transaction.objectStore(META).put(_object({"key": CALL_BACKS_DONE}))


class CallsDB:
    """The CallStore of the page: puts queued per task, committed at its end; reads awaited."""

    def __init__(self, db: Any, on_problem: Callable[[str], None], on_written: Callable[[list[str]], None]) -> None:
        self.db = db
        self.on_problem = on_problem  # a write was refused, or could be written again: a sentence for people
        self.on_written = on_written  # the uuids whose call or note was committed: for the other tabs
        self._batch: dict[tuple[str, str], dict[str, Any] | None] = {}  # (store, key) -> the record (None: delete it)
        self.unsaved: dict[tuple[str, str], dict[str, Any] | None] = {}  # refused by the browser, kept here, tried again
        self._flush_proxy = create_proxy(self._flush)
        self._waiting: list[Callable[[], None]] = []  # told once this task's writes are committed
        self.commits = 0
        self.words_ready = False  # every record has its words: search may ask the index
        self.call_backs_ready = False  # the call-back list is kept: it may be read as it is
        self._writes: set[asyncio.Future[Any]] = set()  # write transactions not yet committed
        self._replays: dict[str, Replay] = {}  # calls to write from their stored copy, until that write is committed
        # Transactions the page still has to make requests in (reads, a replay's write before its commit is asked): a
        # JS Set, each let go by its own end. What CallsDB.leave ends.
        self._unfinished = js.Set.new()
        self._let_go = create_proxy(lambda event: self._unfinished.delete(event.target))
        self.left = False  # the page is in the back-forward cache (leave): its writes wait for it to be shown again

    durable = True

    @classmethod
    async def open(cls, on_problem: Callable[[str], None], on_written: Callable[[list[str]], None]) -> CallsDB:
        request = js.indexedDB.open(NAME, VERSION)
        request.onupgradeneeded = create_once_callable(_upgrade)
        db = await done(request)
        db.onversionchange = create_once_callable(lambda _event: db.close())  # a newer version or a wipe wants it
        store = cls(db, on_problem, on_written)
        meta = db.transaction(META, "readonly").objectStore(META)
        words, call_backs = await asyncio.gather(done(meta.get(WORDS_DONE)), done(meta.get(CALL_BACKS_DONE)))
        store.words_ready, store.call_backs_ready = words is not None, call_backs is not None
        return store

    # ------------------------------------------------------------ the page left and shown again

    def _transaction(self, names: str | list[str], mode: str = "readonly") -> Any:
        """A transaction the page will make requests in from its events: ended by leave() should the page be left
        first."""
        transaction = self.db.transaction(names if isinstance(names, str) else to_js(names), mode)
        self._unfinished.add(transaction)
        transaction.addEventListener("complete", self._let_go)
        transaction.addEventListener("abort", self._let_go)
        return transaction

    def leave(self) -> None:
        """The page is being hidden, maybe into the back-forward cache (`pagehide`): end every transaction it still has
        to make requests in. A page kept in that cache runs nothing, so such a transaction would never end, and the
        next page of the app would wait behind it for good: measured in WebKit, a write waited behind a read the left
        page had begun. The reads fail with PageLeft; an ended write is kept in `unsaved` and made again by back().
        What is already committed, or asked to commit, is the browser's and needs the page no more."""
        self.left = True
        for transaction in js.Array.from_(self._unfinished):
            setattr(transaction, LEFT, True)
            with contextlib.suppress(Exception):  # it ended in the meantime: nothing to end
                transaction.abort()
        self._unfinished.clear()

    def back(self) -> None:
        """The page is shown again (`pageshow` from the back-forward cache): the writes ended by leave() are made."""
        self.left = False
        self.retry()

    # ------------------------------------------------------------ CallStore (synchronous to the core)

    def put_call(self, entry: CallEntry, replay: Replay | None = None) -> None:
        self._queue(CALLS, entry["uuid"], entry)
        if replay is not None:  # written from the stored copy, read in the same transaction (_replay)
            self._replays[entry["uuid"]] = replay

    def put_note(self, entry: NoteEntry) -> None:
        self._queue(NOTES, entry["uuid"], entry)

    def put_call_back(self, key: str, text: str | None) -> None:
        """A caller's call-back, in the same transaction as the calls it was worked out from (None: nobody waits)."""
        self._queue(CALL_BACKS, key, None if text is None else {"key": key, "text": text})

    def clear(self) -> None:
        self._batch.clear()
        self.unsaved.clear()
        transaction = self.db.transaction(to_js(list(WRITTEN)), "readwrite")
        for name in WRITTEN:
            transaction.objectStore(name).clear()
        _commit(transaction)

    def _queue(self, store: str, key: str, entry: dict[str, Any] | None) -> None:
        if not self._batch:
            js.queueMicrotask(self._flush_proxy)
        self._batch[(store, key)] = entry

    def _flush(self, *_args: Any) -> None:
        batch, self._batch = {**self.unsaved, **self._batch}, {}
        if not batch:
            return
        replays = {key: self._replays.pop(key) for name, key in batch if name == CALLS and key in self._replays}
        # A replay's put is made in its read's handler: until then the page has requests to make in it (leave)
        transaction = (self._transaction(list(WRITTEN), "readwrite") if replays
                       else self.db.transaction(to_js(list(WRITTEN)), "readwrite"))
        stores = {name: transaction.objectStore(name) for name in WRITTEN}
        for (name, key), entry in batch.items():
            if name == CALLS and key in replays:
                continue
            if entry is None:
                stores[name].delete(key)
            else:
                stores[name].put(_object(entry))
        made: list[tuple[Replay, str]] = []
        left = [len(replays)]  # replays whose read has not yet been answered: the commit is asked for after the last
        for uuid, replay in replays.items():  # after the notes of this batch: the stored copy is read with its new note
            self._replay(stores, uuid, replay, made, left, transaction)
        if replays:  # told in the commit's own event (a later write's read finds it too: see log.Replay)
            transaction.addEventListener("complete", create_once_callable(lambda _event: [r.committed(t) for r, t in made]))
        committed = finished(transaction)  # listening now: the commit may end before a spawned coroutine first runs
        self._writing(committed)
        if not replays:  # a replay's put is made in its read's handler: the commit is asked for there, after the last
            _commit(transaction)
        waiting, self._waiting = self._waiting, []
        spawn(self._settle(committed, batch, waiting, replays))

    def _replay(self, stores: dict[str, Any], uuid: str, replay: Replay, made: list[tuple[Replay, str]], left: list[int],
                transaction: Any) -> None:
        """Read the stored call and its note, and write what the page's changes make of them, in this transaction: no
        other write can come between the read and the write."""
        call_read, note_read = stores[CALLS].get(uuid), stores[NOTES].get(uuid)

        def read(_event: Any) -> None:
            record, note = call_read.result, note_read.result
            stored = None if record is None or record is jsnull else (
                str(record.text), None if note is None or note is jsnull else str(note.text))
            try:
                entry = replay.onto(stored)
            except Exception as error:  # noqa: BLE001 - not written: the page keeps its copy and the changes to make
                self.on_problem(f"A change to call {uuid} could not be made on its stored copy ({error}). It is kept in "
                                "this page and tried again with the next change.")
                entry = None
            if entry is not None:
                stores[CALLS].put(_object(entry))
                made.append((replay, entry["text"]))
            left[0] -= 1
            if not left[0]:  # the last read answered: every write of the batch is made, and committed at once (an
                _commit(transaction)  # auto-commit waits for the page's task to end, and the next batch queues behind)
                self._unfinished.delete(transaction)  # the browser's from here on

        note_read.onsuccess = create_once_callable(read)  # after the call's read: requests end in the order made

    def _writing(self, committed: asyncio.Future[Any]) -> None:
        self._writes.add(committed)
        committed.add_done_callback(self._writes.discard)

    async def quiet(self) -> None:
        """Wait until no write of this page is in flight. A long read (a search paging through the calls) asks first:
        in Chromium a write waits while reads keep coming (one of this store's writes waited over a minute behind a
        search asked again and again), and a write waiting is a call not yet safe."""
        if self._writes:  # bounded: a read is better late than never, should a commit never be told
            await asyncio.wait(list(self._writes), timeout=QUIET_S)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """`callback` once what this task wrote is committed (or refused), at once if it wrote nothing: the benchmark's
        per-event figure ends there."""
        if self._batch:
            self._waiting.append(callback)
        else:
            callback()

    async def _settle(self, committed: asyncio.Future[None], batch: dict[tuple[str, str], dict[str, Any] | None],
                      waiting: list[Callable[[], None]], replays: dict[str, Replay]) -> None:
        try:
            await self._settled(committed, batch, replays)
        finally:
            for told in waiting:
                told()

    async def _settled(self, committed: asyncio.Future[None], batch: dict[tuple[str, str], dict[str, Any] | None],
                       replays: dict[str, Replay]) -> None:
        try:
            await committed
        except (OSError, PageLeft) as error:
            for uuid, replay in replays.items():  # written from the stored copy again, with the retry
                self._replays.setdefault(uuid, replay)
            refused_before = len(self.unsaved)
            for key, entry in batch.items():
                self.unsaved.setdefault(key, entry)
            if isinstance(error, PageLeft):  # not refused: made again when the page is shown again (back)
                return
            if len(self.unsaved) != refused_before or not refused_before:
                self.on_problem(f"The browser refused to store {len(self.unsaved)} change(s) ({error}). They are kept in "
                                "this page: export the history now (Export JSON) and free some space; nothing was deleted.")
            return
        self.commits += 1
        had_unsaved = bool(self.unsaved)
        for key, entry in batch.items():
            if key in self.unsaved and self.unsaved[key] is entry:  # (a deletion's entry is None)
                del self.unsaved[key]
        if had_unsaved and not self.unsaved:
            self.on_problem("Every change is stored again.")
        self.on_written(sorted({uuid for name, uuid in batch if name != CALL_BACKS}))

    def retry(self) -> None:
        """Try the refused writes again (called now and then)."""
        if self.unsaved and not self._batch and not self.left:
            js.queueMicrotask(self._flush_proxy)

    async def settled(self) -> None:
        """Wait until what is queued now is committed (a restore's chunks, a migration)."""
        transaction = self._transaction(list(WRITTEN))  # queued after every earlier write
        transaction.objectStore(CALLS).count()
        await finished(transaction)

    # ------------------------------------------------------------ reading

    async def count(self, outcome: str | None = None) -> int:
        """How many calls are stored (with this outcome: "" for the live ones)."""
        calls = self._transaction(CALLS).objectStore(CALLS)
        if outcome is None:
            return int(await done(calls.count()))
        return int(await done(calls.index("outcome").count(js.IDBKeyRange.only(outcome))))

    async def newest_page(self, before: Cursor | None, limit: int, outcome: str | None = None) -> list[Stored]:
        """Up to `limit` calls (with this outcome) that stand before `before`, newest first: a cursor on the start
        index (or on the outcome's), whatever the history's size."""
        return await self._page(before, limit, outcome, older=True)

    async def oldest_page(self, after: Cursor | None, limit: int, outcome: str | None = None) -> list[Stored]:
        """Up to `limit` calls (with this outcome) that stand after `after`, oldest first: the timeline read upwards."""
        return await self._page(after, limit, outcome, older=False)

    async def _page(self, edge: Cursor | None, limit: int, outcome: str | None, *, older: bool) -> list[Stored]:
        self._flush()
        calls = self._transaction(CALLS).objectStore(CALLS)
        if outcome is None:
            # The start index orders calls that started at the same moment by uuid, as a Cursor does: the range holds
            # the edge's moment, and the walk leaves out the calls of that moment on the edge's side of it.
            index, skip = calls.index("started"), edge
            bound = None if edge is None else (js.IDBKeyRange.upperBound if older else js.IDBKeyRange.lowerBound)(edge[0])
        else:
            index, skip = calls.index(OUTCOME_STARTED), None
            low, high = to_js([outcome]), to_js([outcome, js.Infinity])
            if edge is not None:
                low, high = (low, to_js([outcome, *edge])) if older else (to_js([outcome, *edge]), high)
            bound = js.IDBKeyRange.bound(low, high, edge is not None and not older, edge is not None and older)
        records = await self._walk(index, bound, limit, skip, older=older)
        return await self._with_notes(records)

    async def _with_notes(self, records: list[Any]) -> list[Stored]:
        transaction = self._transaction(NOTES)
        notes = transaction.objectStore(NOTES)
        asked = [notes.get(record.uuid) for record in records]
        await finished(transaction)  # one wait for them all (a future per request cost ~0.14 ms each: 70 ms a page of 500)
        return [(str(record.text), _text(note.result)) for record, note in zip(records, asked, strict=True)]

    async def search(self, query: Query, outcome: str | None, most: int) -> list[Cursor] | None:
        """Where every call the query finds stands, newest first, read through the word indexes of calls and notes from
        the ranges of the query's rarest word (each word's entries counted first, a count a range); None when even
        that word's ranges hold more than `most` entries (too broad: the caller pages instead), or while a version 1
        store's records are still getting their words."""
        if not self.words_ready:
            return None
        self._flush()
        transaction = self._transaction([CALLS, NOTES])
        indexes = [transaction.objectStore(name).index(WORDS) for name in (CALLS, NOTES)]
        words = list(dict.fromkeys(query.words))
        counts = [asyncio.gather(*(done(index.count(js.IDBKeyRange.bound(low, high)))
                                   for low, high in query.ranges(word) for index in indexes)) for word in words]
        tallies = [(sum(int(n) for n in await counted), word) for counted, word in zip(counts, words, strict=True)]
        entries, rarest = min(tallies)
        if entries > most:  # even the rarest word begins too many: page through the calls instead
            return None
        transaction = self._transaction([CALLS, NOTES])
        indexes = [transaction.objectStore(name).index(WORDS) for name in (CALLS, NOTES)]
        asked = [done(index.getAllKeys(js.IDBKeyRange.bound(low, high)))
                 for low, high in query.ranges(rarest) for index in indexes]
        uuids: dict[str, None] = {}
        for keys in await asyncio.gather(*asked):
            uuids.update(dict.fromkeys(str(key) for key in keys))
        transaction = self._transaction([CALLS, NOTES])
        calls, notes = transaction.objectStore(CALLS), transaction.objectStore(NOTES)
        asked = [(calls.get(uuid), notes.get(uuid)) for uuid in uuids]
        await finished(transaction)  # one wait for them all: 760 futures took 105 ms of a 170 ms search
        found = []
        for call_read, note_read in asked:
            call, note = call_read.result, note_read.result
            if call is None or call is jsnull or (outcome is not None and str(call.outcome) != outcome):
                continue
            if note is jsnull:
                note = None
            held = [*(getattr(call, "words", None) or []), *((getattr(note, "words", None) or []) if note is not None else [])]
            if matches_words([str(word) for word in held], query):
                found.append((float(call.started), str(call.uuid)))
        return sorted(found, reverse=True)

    async def add_words(self, on_progress: Callable[[int], None], chunk: int = 500) -> None:
        """Give every record of a version 1 store its words, a chunk of records a transaction (see _add_words): the
        records' other fields are left as they are. Then search may ask the index."""
        if self.words_ready:
            return
        for name, words_of in ((CALLS, _call_words), (NOTES, _note_words)):
            after: str | None = None
            done_so_far = 0
            while True:
                after, seen = await self._add_words(name, words_of, after, chunk)
                done_so_far += seen
                on_progress(done_so_far)
                if after is None:
                    break
        transaction = self.db.transaction(META, "readwrite")
        transaction.objectStore(META).put(_object({"key": WORDS_DONE}))
        _commit(transaction)
        await finished(transaction)
        self.words_ready = True

    def _add_words(self, name: str, words_of: Callable[[str], list[str]], after: str | None,
                   chunk: int) -> asyncio.Future[tuple[str | None, int]]:
        """One chunk: its records read with one request, and those without words written back from that request's
        success handler, in the same transaction (no other write can come between). No cursor is kept open across
        events: Chromium stalled such a cursor for good once the page's reads queued behind its transaction."""
        future: asyncio.Future[tuple[str | None, int]] = asyncio.get_event_loop().create_future()
        transaction = self._transaction(name, "readwrite")  # its puts are made in its read's handler
        store = transaction.objectStore(name)
        request = store.getAll(None if after is None else js.IDBKeyRange.lowerBound(after, True), chunk)
        read: list[Any] = [0, None]  # records read, the last uuid

        def got(_event: Any) -> None:
            records = request.result
            read[0] = int(records.length)
            for record in records:
                read[1] = str(record.uuid)
                if getattr(record, "words", None) not in (None, jsnull):  # (a missing field is an AttributeError)
                    continue
                try:
                    record.words = to_js(words_of(str(record.text)))
                except (ValueError, KeyError, TypeError, IndexError):
                    continue  # unreadable: kept as it is (the start's load report names it); search will not find it
                store.put(record)

        def ended(_event: Any) -> None:
            if not future.done():
                future.set_result((read[1] if read[0] >= chunk else None, read[0]))

        def failed(_event: Any) -> None:
            if not future.done():
                future.set_exception(_failure(transaction, "adding words failed"))

        request.onsuccess = create_once_callable(got)
        transaction.oncomplete = create_once_callable(ended)
        transaction.onabort = create_once_callable(failed)
        self._writing(future)
        return future

    async def newest(self, limit: int) -> tuple[list[str], list[str]]:
        """The newest `limit` calls' texts (by start time) and their notes' texts."""
        records = await self._walk(self._transaction(CALLS).objectStore(CALLS).index("started"), None, limit)
        stored = await self._with_notes(records)
        return [text for text, _note in stored], [note for _text, note in stored if note is not None]

    async def page(self, after: str | None, limit: int) -> tuple[list[str], list[str], str | None]:
        """Up to `limit` calls in uuid order after `after`, the notes of the same uuids, and the last uuid (None: no more)."""
        above = None if after is None else js.IDBKeyRange.lowerBound(after, True)
        records = await done(self._transaction(CALLS).objectStore(CALLS).getAll(above, limit))
        texts = [str(record.text) for record in records]
        if not texts:
            return [], [], None
        last = str(records[len(texts) - 1].uuid)
        first = str(records[0].uuid)
        notes = await done(self._transaction(NOTES).objectStore(NOTES).getAll(js.IDBKeyRange.bound(first, last)))
        return texts, [str(note.text) for note in notes], (last if len(texts) == limit else None)

    async def caller_history(self, key: str, before: tuple[float, str], latest: int) -> tuple[int, list[Stored]]:
        """How many of the caller's calls started before `before` (start, uuid), and the latest `latest` of them, newest
        first, with their notes: a count and a short cursor on the caller's index, whatever the history's size."""
        self._flush()  # what this task wrote is read too: its transaction comes first
        started, uuid = before
        earlier = js.IDBKeyRange.bound(to_js([key]), to_js([key, started, uuid]), False, True)
        index = self._transaction(CALLS).objectStore(CALLS).index(CALLER_STARTED)
        count, records = await asyncio.gather(done(index.count(earlier)), self._walk(index, earlier, latest))
        return int(count), await self._with_notes(records)

    @staticmethod
    def _walk(index: Any, key_range: Any, limit: int, skip: Cursor | None = None, *, older: bool = True,
              ) -> asyncio.Future[list[Any]]:
        """Up to `limit` records of an index's range from its last, last first (from its first, first first, where not
        `older`), leaving out the records that stand at or beyond `skip` on the side the walk comes from (calls that
        started at its moment, at or after its uuid when older, at or before it when not). The cursor is asked for now,
        while the transaction is active (a coroutine would ask a task later, when it no longer is)."""
        records: list[Any] = []
        future: asyncio.Future[list[Any]] = asyncio.get_event_loop().create_future()
        if limit <= 0:
            future.set_result(records)
            return future
        request = index.openCursor(key_range, "prev" if older else "next")

        def step(_event: Any) -> None:
            cursor = request.result
            if cursor is not None and cursor is not jsnull:
                value = cursor.value
                at = (float(value.started), str(value.uuid))
                if skip is None or (at < skip if older else at > skip):
                    records.append(value)
            if cursor is None or cursor is jsnull or len(records) >= limit:
                proxy.destroy()
                if not future.done():
                    future.set_result(records)
                return
            cursor.continue_()

        def failed(_event: Any) -> None:
            proxy.destroy()
            if not future.done():
                future.set_exception(_failure(request, "IndexedDB cursor failed"))

        proxy = create_proxy(step)
        request.onsuccess = proxy
        request.onerror = create_once_callable(failed)
        return future

    async def by_caller(self, after: CallerCursor | None, limit: int) -> tuple[list[tuple[str, str]], CallerCursor | None]:
        """Up to `limit` calls that have a caller, in the caller index's order after `after`: each one's caller and text,
        and where the next page starts (None: no more). One request a page."""
        # A call with no caller is filed under "": every such entry stands before ["", Infinity] (numbers sort before
        # strings), and every caller's after it.
        self._flush()  # what this task wrote is read too: its transaction comes first
        lower = to_js(list(after) if after is not None else ["", js.Infinity])
        index = self._transaction(CALLS).objectStore(CALLS).index(CALLER_STARTED)
        records = await done(index.getAll(js.IDBKeyRange.lowerBound(lower, True), limit))
        rows = [(str(record.caller), str(record.text)) for record in records]
        if len(rows) < limit:
            return rows, None
        last = records[len(rows) - 1]
        return rows, (str(last.caller), float(last.started), str(last.uuid))

    async def call_backs(self) -> list[str]:
        """Every kept call-back's text: one request, as long as the list (not the history)."""
        records = await done(self._transaction(CALL_BACKS).objectStore(CALL_BACKS).getAll())
        return [str(record.text) for record in records]

    async def call_backs_built(self) -> None:
        """The list is kept from now on: said once the entries queued so far are committed."""
        self._flush()
        transaction = self.db.transaction(to_js([CALL_BACKS, META]), "readwrite")  # after the entries' transaction
        transaction.objectStore(META).put(_object({"key": CALL_BACKS_DONE}))
        _commit(transaction)
        await finished(transaction)
        self.call_backs_ready = True

    async def call_backs_outdated(self) -> None:
        """Calls are about to come in by a way that keeps no call-back list (an older version's move): the list is built
        again on the next load, and on every load after it until a build ends (call_backs_built)."""
        transaction = self.db.transaction(META, "readwrite")
        transaction.objectStore(META).delete(CALL_BACKS_DONE)
        _commit(transaction)
        await finished(transaction)
        self.call_backs_ready = False

    async def get_many(self, uuids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """Each call's text and its note's text as stored (another tab wrote them), by uuid; None where absent."""
        transaction = self._transaction([CALLS, NOTES])
        calls, notes = transaction.objectStore(CALLS), transaction.objectStore(NOTES)
        if len(uuids) > BULK:  # two requests for the records between the least and greatest uuid, not two per uuid
            bound = js.IDBKeyRange.bound(min(uuids), max(uuids))
            call_read, note_read = calls.getAll(bound), notes.getAll(bound)
            await finished(transaction)
            texts = {str(record.uuid): str(record.text) for record in call_read.result}
            note_texts = {str(record.uuid): str(record.text) for record in note_read.result}
            return {uuid: (texts.get(uuid), note_texts.get(uuid)) for uuid in uuids}
        asked = [(uuid, calls.get(uuid), notes.get(uuid)) for uuid in uuids]
        await finished(transaction)  # one wait for them all: every request has its result once the transaction is done
        return {uuid: (_text(call.result), _text(note.result)) for uuid, call, note in asked}


def _text(record: Any) -> str | None:
    """A record's text, or None where there is no such record (undefined)."""
    return None if record is None or record is jsnull else str(record.text)


def _call_words(text: str) -> list[str]:
    return search.call_words(persist.decode(text))


def _note_words(text: str) -> list[str]:
    _uuid, note = persist.decode_note(text)
    return search.annotation_words(note.disposition, note.note)


def _commit(transaction: Any) -> None:
    # Ask for the commit now rather than when the task ends: the writes are the browser's from here on, even should the
    # page be left before the task ends (a page in the back-forward cache would never end it: see CallsDB.leave).
    if hasattr(transaction, "commit"):
        transaction.commit()

