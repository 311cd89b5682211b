"""The ports the core writes and reads through, and their in-memory implementations.

The browser injects localStorage as `Storage` (settings, call-back marks) and IndexedDB as the call
store (cloudtalk.browser.calls_db); tests, the warm-up's throwaway log and a browser without a
database use the in-memory ones here.

    store = MemoryCallStore()
    log = CallLog(store)                      # the log puts entries; the store keeps them
    texts, notes = await store.newest(200)    # what a start reads back, newest first
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .search import Query, matches_words


class StorageFullError(Exception):
    """The backend refused a write for lack of space (QuotaExceededError)."""


class Storage(Protocol):
    """A small synchronous key-value store (the browser injects localStorage): settings, call-back marks."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...  # raises StorageFullError
    def delete(self, key: str) -> None: ...
    def items(self, prefix: str) -> Iterable[tuple[str, str]]: ...


class MemoryStorage:
    """A dict-backed Storage for tests, with an optional quota in characters."""

    def __init__(self, quota_chars: int | None = None) -> None:
        self.data: dict[str, str] = {}
        self.quota_chars = quota_chars
        self.writes = 0

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str) -> None:
        if self.quota_chars is not None:
            used = sum(len(k) + len(v) for k, v in self.data.items() if k != key)
            if used + len(key) + len(value) > self.quota_chars:
                raise StorageFullError(key)
        self.data[key] = value
        self.writes += 1

    def delete(self, key: str) -> None:
        self.data.pop(key, None)

    def items(self, prefix: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.data.items() if k.startswith(prefix)]


CallEntry = dict[str, Any]  # {"uuid", "started", "caller", "outcome", "words", "text"}: what the store's indexes read
NoteEntry = dict[str, Any]  # {"uuid", "words", "text"}: the agent's note, disposition and when they were saved
Stored = tuple[str, str | None]  # a call's text as stored, and its note's text if it has one
Cursor = tuple[float, str]  # (started, uuid): where a call stands in the history, newest first
CallerCursor = tuple[str, float, str]  # (caller, started, uuid): where a call stands in the caller index


def cursors_beyond(found: list[Cursor], edge: Cursor | None, size: int, *, older: bool) -> tuple[list[Cursor], bool]:
    """The next `size` cursors of a newest-first list beyond `edge` that way (older ones newest first, newer ones oldest
    first; None: from that end of the list), and whether they reach its end: a page of what a search found."""
    if older:
        start = 0 if edge is None else _leading(found, lambda at: at >= edge)
        return found[start : start + size], start + size >= len(found)
    stop = len(found) if edge is None else _leading(found, lambda at: at > edge)
    return found[max(0, stop - size) : stop][::-1], stop <= size


def _leading(found: list[Cursor], holds: Callable[[Cursor], bool]) -> int:
    """How many of the first cursors hold, where those that do all come first. A bisection by hand: the list is newest
    first, and bisect's `key` cannot turn a descending (started, uuid) order around."""
    low, high = 0, len(found)
    while low < high:
        middle = (low + high) // 2
        if holds(found[middle]):
            low = middle + 1
        else:
            high = middle
    return low


class Replay(Protocol):
    """The page's changes to a call it did not hold, made again on the store's copy inside the write (cloudtalk.log)."""

    def onto(self, stored: Stored | None) -> CallEntry | None: ...  # the entry to write over it (None: write nothing)
    def committed(self, text: str) -> None: ...  # the write of this text is the store's


class CallStore(Protocol):
    """Where the log puts calls and notes. Synchronous to the core: the browser's store queues each
    write in a transaction at once (durable by the end of the task) and does the waiting itself. A put
    with a `replay` reads the stored call in the same transaction and writes what `replay.onto` makes of it."""

    def put_call(self, entry: CallEntry, replay: Replay | None = None) -> None: ...
    def put_note(self, entry: NoteEntry) -> None: ...
    def put_call_back(self, key: str, text: str | None) -> None: ...  # a caller's call-back (None: nobody waits)
    def clear(self) -> None: ...


class StoredCalls(CallStore, Protocol):
    """A call store the page can also read back, a page at a time (the browser's database, or memory)."""

    durable: bool  # outlives the page
    words_ready: bool  # every record has its words: search may ask the index
    call_backs_ready: bool  # the call-back list is kept: it may be read as it is

    async def count(self, outcome: str | None = None) -> int: ...
    async def newest(self, limit: int) -> tuple[list[str], list[str]]: ...
    async def newest_page(self, before: Cursor | None, limit: int, outcome: str | None = None) -> list[Stored]: ...
    async def oldest_page(self, after: Cursor | None, limit: int, outcome: str | None = None) -> list[Stored]: ...
    async def search(self, query: Query, outcome: str | None, most: int) -> list[Cursor] | None: ...
    async def add_words(self, on_progress: Callable[[int], None]) -> None: ...
    async def quiet(self) -> None: ...
    async def page(self, after: str | None, limit: int) -> tuple[list[str], list[str], str | None]: ...
    async def get_many(self, uuids: list[str]) -> dict[str, tuple[str | None, str | None]]: ...
    async def caller_history(self, key: str, before: tuple[float, str], latest: int) -> tuple[int, list[Stored]]: ...
    async def by_caller(self, after: CallerCursor | None, limit: int) -> tuple[list[tuple[str, str]], CallerCursor | None]: ...
    async def call_backs(self) -> list[str]: ...
    async def call_backs_built(self) -> None: ...
    async def call_backs_outdated(self) -> None: ...
    async def settled(self) -> None: ...
    def retry(self) -> None: ...
    def after_commit(self, callback: Callable[[], None]) -> None: ...
    def leave(self) -> None: ...  # the page is hidden, maybe kept frozen by the browser: end what waits on it
    def back(self) -> None: ...  # the page is shown again after leave()


@dataclass
class MemoryCallStore:
    """A CallStore in two dicts, for tests and for the warm-up's throwaway log."""

    calls: dict[str, CallEntry] = field(default_factory=dict)
    notes: dict[str, NoteEntry] = field(default_factory=dict)
    kept_call_backs: dict[str, str] = field(default_factory=dict)  # caller key -> the call-back's text
    writes: int = 0
    call_backs_ready: bool = True  # a store an older version wrote has none yet (tests set this False)

    def put_call(self, entry: CallEntry, replay: Replay | None = None) -> None:
        if replay is not None:
            held = self.calls.get(entry["uuid"])
            made = replay.onto(None if held is None else self._stored(held))
            if made is None:
                return
            entry = made
        self.calls[entry["uuid"]] = entry
        self.writes += 1
        if replay is not None:
            replay.committed(entry["text"])

    def put_note(self, entry: NoteEntry) -> None:
        self.notes[entry["uuid"]] = entry
        self.writes += 1

    def put_call_back(self, key: str, text: str | None) -> None:
        if text is None:
            self.kept_call_backs.pop(key, None)
        else:
            self.kept_call_backs[key] = text

    def clear(self) -> None:
        self.calls.clear()
        self.notes.clear()
        self.kept_call_backs.clear()

    def texts(self) -> tuple[list[str], list[str]]:
        """What a store hands the log to load: the calls' texts and the notes' texts."""
        return [e["text"] for e in self.calls.values()], [e["text"] for e in self.notes.values()]

    # ------------------------------------------------------------ reading (the async side of the browser's store)

    durable = False  # nothing here outlives the page: an older version's stored calls are not moved into it
    words_ready = True  # every entry is put with its words

    async def count(self, outcome: str | None = None) -> int:
        """How many calls are stored (with this outcome: "" for the live ones)."""
        return len(self.calls) if outcome is None else sum(1 for e in self.calls.values() if e["outcome"] == outcome)

    def _stored(self, entry: CallEntry) -> Stored:
        return entry["text"], (self.notes.get(entry["uuid"]) or {}).get("text")

    async def newest_page(self, before: Cursor | None, limit: int, outcome: str | None = None) -> list[Stored]:
        """Up to `limit` calls (with this outcome) that stand before `before`, newest first: the timeline's pages."""
        entries = sorted((e for e in self.calls.values() if (outcome is None or e["outcome"] == outcome)
                          and (before is None or (e["started"], e["uuid"]) < before)),
                         key=lambda e: (e["started"], e["uuid"]), reverse=True)
        return [self._stored(e) for e in entries[:limit]]

    async def oldest_page(self, after: Cursor | None, limit: int, outcome: str | None = None) -> list[Stored]:
        """Up to `limit` calls (with this outcome) that stand after `after`, oldest first: the timeline read upwards."""
        entries = sorted((e for e in self.calls.values() if (outcome is None or e["outcome"] == outcome)
                          and (after is None or (e["started"], e["uuid"]) > after)),
                         key=lambda e: (e["started"], e["uuid"]))
        return [self._stored(e) for e in entries[:limit]]

    async def search(self, query: Query, outcome: str | None, most: int) -> list[Cursor] | None:
        """Where every call the query finds stands, newest first, read from the calls that have a word in the ranges of
        the query's rarest word; None when even that word begins a word of more than `most` calls (too broad for an
        index: the caller pages through the calls instead)."""
        candidates = min(([e for e in self.calls.values()
                           if any(low <= w <= high for w in self._words(e) for low, high in query.ranges(word))]
                          for word in query.words), key=len)
        if len(candidates) > most:
            return None
        found = [(e["started"], e["uuid"]) for e in candidates
                 if (outcome is None or e["outcome"] == outcome) and matches_words(self._words(e), query)]
        return sorted(found, reverse=True)

    async def add_words(self, on_progress: Callable[[int], None]) -> None:
        """Every entry here was put with its words."""

    async def quiet(self) -> None:
        """No write is ever in flight here."""

    def _words(self, entry: CallEntry) -> list[str]:
        return [*entry.get("words", ()), *(self.notes.get(entry["uuid"]) or {}).get("words", ())]

    async def newest(self, limit: int) -> tuple[list[str], list[str]]:
        """The newest `limit` calls' texts by start time, and their notes' texts."""
        entries = sorted(self.calls.values(), key=lambda e: e["started"], reverse=True)[:limit]
        return [e["text"] for e in entries], [self.notes[e["uuid"]]["text"] for e in entries if e["uuid"] in self.notes]

    async def page(self, after: str | None, limit: int) -> tuple[list[str], list[str], str | None]:
        """Up to `limit` calls in uuid order after `after`, their notes, and the last uuid (None: no more)."""
        uuids = sorted(u for u in self.calls if after is None or u > after)[:limit]
        texts = [self.calls[u]["text"] for u in uuids]
        notes = [self.notes[u]["text"] for u in uuids if u in self.notes]
        return texts, notes, (uuids[-1] if len(uuids) == limit else None)

    async def get_many(self, uuids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        return {u: (self.calls[u]["text"] if u in self.calls else None, self.notes[u]["text"] if u in self.notes else None)
                for u in uuids}

    async def caller_history(self, key: str, before: tuple[float, str], latest: int) -> tuple[int, list[Stored]]:
        """How many of the caller's calls started before `before` (start, uuid), and the latest of them, newest first:
        what the browser's store answers from its [caller, started, uuid] index."""
        earlier = sorted((e for e in self.calls.values() if e["caller"] == key and (e["started"], e["uuid"]) < before),
                         key=lambda e: (e["started"], e["uuid"]), reverse=True)
        note = self.notes.get
        return len(earlier), [(e["text"], (note(e["uuid"]) or {}).get("text")) for e in earlier[:latest]]

    async def by_caller(self, after: CallerCursor | None, limit: int) -> tuple[list[tuple[str, str]], CallerCursor | None]:
        """Up to `limit` calls that have a caller, in the caller index's order (caller, started, uuid) after `after`: each
        one's caller and text, and where the next page starts (None: no more)."""
        entries = sorted((e for e in self.calls.values() if e["caller"]
                          and (after is None or (e["caller"], e["started"], e["uuid"]) > after)),
                         key=lambda e: (e["caller"], e["started"], e["uuid"]))[:limit]
        following = None if len(entries) < limit else (entries[-1]["caller"], entries[-1]["started"], entries[-1]["uuid"])
        return [(e["caller"], e["text"]) for e in entries], following

    async def call_backs(self) -> list[str]:
        return list(self.kept_call_backs.values())

    async def call_backs_built(self) -> None:
        self.call_backs_ready = True

    async def call_backs_outdated(self) -> None:
        self.call_backs_ready = False

    async def settled(self) -> None:
        """Every write is in the dicts already."""

    def retry(self) -> None:
        """Nothing is ever refused here."""

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Every write is committed as it is made."""
        callback()

    def leave(self) -> None:
        """Nothing here waits on the page."""

    def back(self) -> None:
        """Nothing was ended by leave()."""
