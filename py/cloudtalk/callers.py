"""Who a call is with, across calls: caller keys, an index of each caller's calls, and call-backs.

Calls belong together by contact id when there is one, else by the normalized number. The card's
history and the call-back list are read from the store's index of each caller's calls, so neither
scans the history; the page's own index tells which callers an event touched.

    index = CallerIndex()
    before, now = index.put(call)  # whose call it was, and is: the callers an event touched
    history = await stored_history(store, call)  # the caller's earlier calls, from every stored call (the card)
    entry = await stored_call_back(store, key, done_at=None)  # whether the caller waits for a call back
    assert normalized_number("0044 20 3868 0167") == normalized_number("+44 (20) 3868-0167") == "+442038680167"
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import persist
from .calls import Call, Direction, Outcome
from .ports import CallerCursor, Storage, StorageFullError, StoredCalls

MIN_DIGITS = 3  # fewer is no number to call back or to recognise a caller by

# An outcome that leaves someone to call back, by the direction of the call.
NEEDS_CALL_BACK = {
    (Direction.INBOUND, Outcome.MISSED),
    (Direction.INBOUND, Outcome.DECLINED),
    (Direction.OUTBOUND, Outcome.NO_ANSWER),
}


def normalized_number(text: str | None) -> str | None:
    """A number as digits, with "+" for an international one ("+44 …" and "0044 …" alike), or None.

    A national number ("020 3868 0167") stays national: without knowing the country, it cannot
    be matched to its international form, so it never is.
    """
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit() and ch.isascii())
    international = text.lstrip().startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if len(digits) < MIN_DIGITS:
        return None
    return "+" + digits if international else digits


def caller_key(call: Call) -> str | None:
    """What groups a call with the caller's other calls: the contact id, else the normalized number."""
    contact_id = call.contact.id if call.contact else None
    if contact_id is not None and str(contact_id) != "":
        return f"contact:{contact_id}"
    number = normalized_number(call.number)
    return f"number:{number}" if number else None


@dataclass(frozen=True)
class History:
    """A caller's calls before this one: how many, and the latest few (newest first)."""

    count: int
    latest: tuple[Call, ...]

    @property
    def first_time(self) -> bool:
        return self.count == 0


KEPT = 5  # a call-back keeps its newest waiting calls, to draw and dial
MOST_READ = 500  # a caller's calls since the last answered one read at most: beyond, the attempts show as "500+"


@dataclass(frozen=True)
class CallBack:
    """Someone to call back: their unanswered calls since the last answered one (and since the agent last marked them
    done), the newest few kept and every one counted, up to MOST_READ."""

    key: str
    calls: tuple[Call, ...]  # the newest waiting calls (up to KEPT), oldest first; the newest is calls[-1]
    attempts: int  # the waiting calls among the newest MOST_READ since the last answered one
    more: bool = False  # more than MOST_READ calls since the last answered one: the attempts are a floor

    @property
    def latest(self) -> Call:
        return self.calls[-1]

    @property
    def number(self) -> str | None:
        """The number to dial: the newest call's, normalized; None when there is none to dial."""
        return next((n for c in reversed(self.calls) if (n := normalized_number(c.number))), None)


def call_back_text(entry: CallBack) -> str:
    """A call-back as the store keeps it (derived from the calls, kept so that the list is there at the start)."""
    return json.dumps({"key": entry.key, "attempts": entry.attempts, "more": entry.more,
                       "calls": [persist.encode_call(call) for call in entry.calls]}, separators=(",", ":"), ensure_ascii=False)


def decode_call_back(text: str) -> CallBack:
    """A stored call-back; raises ValueError/KeyError/TypeError if malformed."""
    record = json.loads(text)
    if not isinstance(record, dict) or not isinstance(record["key"], str) or not isinstance(record["attempts"], int):
        raise ValueError("a call-back record is a JSON object with a key and a count")
    calls = tuple(persist.decode(call) for call in record["calls"])
    if not calls:
        raise ValueError("a call-back has a call")
    return CallBack(record["key"], calls, record["attempts"], bool(record["more"]))


def ends_waiting(call: Call, done_at: float | None) -> bool:
    """Whether nothing before this call is waited for any more: it was answered (even while it goes on), or the agent
    marked the caller done at or after its start."""
    return call.answered_at is not None or (done_at is not None and call.started_at <= done_at)


def waits(call: Call) -> bool:
    return (call.direction, call.outcome) in NEEDS_CALL_BACK


class CallBackFold:
    """The call-back rule read forwards: a caller's calls given oldest first (callers one after another, as the store's
    caller index lists them), each caller's entry built as their calls go by, in memory bounded by MOST_READ."""

    def __init__(self, done: dict[str, float]) -> None:
        self.done = done
        self.found: dict[str, CallBack] = {}
        self._key: str | None = None
        self._since: deque[Call] = deque(maxlen=MOST_READ)  # the caller's calls since the last that ended waiting
        self._over = False  # more than MOST_READ of them

    def add(self, key: str, call: Call) -> None:
        if key != self._key:
            self._close()
            self._key = key
        if ends_waiting(call, self.done.get(key)):
            self._since.clear()
            self._over = False
            return
        self._over = self._over or len(self._since) == MOST_READ
        self._since.append(call)

    def finish(self) -> dict[str, CallBack]:
        self._close()
        return self.found

    def _close(self) -> None:
        if self._key is not None:
            waiting = [c for c in self._since if waits(c)]
            if waiting:
                self.found[self._key] = CallBack(self._key, tuple(waiting[-KEPT:]), len(waiting), self._over)
        self._key, self._over = None, False
        self._since.clear()


def call_back_of(key: str, newest_first: list[Call], done_at: float | None) -> CallBack | None:
    """The rule read backwards, as the store answers for one caller. `newest_first` are the caller's newest calls: all
    of them, or up to one that ended the waiting, or more than MOST_READ."""
    since: list[Call] = []
    for call in newest_first:
        if ends_waiting(call, done_at):
            break
        since.append(call)
    waiting = [c for c in reversed(since[:MOST_READ]) if waits(c)]
    return CallBack(key, tuple(waiting[-KEPT:]), len(waiting), len(since) > MOST_READ) if waiting else None


RebuildProgress = Callable[[int, int, int], None]  # calls read, entries written, entries to write
WRITE_BATCH = 500  # call-backs written a task at a time when the whole list is built again
NEWEST: tuple[float, str] = (math.inf, "")  # stands after every call: a caller's history "before" it is all of it
FIRST_READ = 8  # a caller's newest calls read first: most callers' last answered call is among them


async def stored_call_back(store: StoredCalls, key: str, done_at: float | None) -> CallBack | None:
    """Whether the caller waits for a call back, read from the store's caller index: their newest few calls, then, only
    if none of them ended the waiting, up to MOST_READ."""
    for latest in (FIRST_READ, MOST_READ + 1):
        count, stored = await store.caller_history(key, NEWEST, latest)
        calls = list(persist.decode_readable(stored))  # an unreadable call cannot be judged: passed over
        if count <= latest or any(ends_waiting(c, done_at) for c in calls):
            break
    return call_back_of(key, calls, done_at)


async def stored_history(store: StoredCalls, call: Call, latest: int = 5) -> History:
    """The caller's calls before this one as the store holds them, read through its caller index: every one of them,
    whether or not the page has loaded them (what the card shows)."""
    key = caller_key(call)
    if key is None:
        return History(0, ())
    count, stored = await store.caller_history(key, (call.started_at, call.uuid), latest)
    return History(count, tuple(persist.decode_readable(stored)))  # an unreadable one is counted, not listed


class CallerIndex:
    """Whose each call the page holds is: which callers an event touched (their call-backs are worked out again from
    the store). The calls themselves, and each caller's history, are the store's (stored_history)."""

    def __init__(self) -> None:
        self._key_of: dict[str, str] = {}  # uuid -> its caller's key
        self._members: dict[str, set[str]] = {}  # key -> the uuids held under it

    def put(self, call: Call) -> tuple[str | None, str | None]:
        """Index a new or changed call. Returns (its key before, its key now)."""
        old, new = self._key_of.get(call.uuid), caller_key(call)
        if old != new:
            if old is not None:
                self._unlink(old, call.uuid)
            if new is not None:  # a call with no key is nobody's: not held
                self._members.setdefault(new, set()).add(call.uuid)
                self._key_of[call.uuid] = new
        return old, new

    def remove(self, uuid: str) -> str | None:
        """Forget a call (pruned or deleted). Returns the key it had."""
        key = self._key_of.get(uuid)
        if key is not None:
            self._unlink(key, uuid)
        return key

    def clear(self) -> None:
        self._key_of.clear()
        self._members.clear()

    def _unlink(self, key: str, uuid: str) -> None:
        members = self._members[key]
        members.remove(uuid)
        if not members:
            del self._members[key]
        del self._key_of[uuid]

    def keys(self) -> list[str]:
        """The callers of the calls held."""
        return list(self._members)

    def __len__(self) -> int:
        """How many calls are held under a caller."""
        return len(self._key_of)


DONE_PREFIX = "cloudtalk:call-back-done:"


class CallBacks:
    """The "To call back" list: who waits for a call back, newest first, and the agent's "done" marks.

    The list is the store's (its call-backs, kept with the calls): read at the start whatever the history's size, and
    each caller's entry worked out again from their newest stored calls when their calls change. A store written
    before it kept the list has it built once, by one pass over its caller index. A mark is when the agent said an
    entry was done; only unanswered calls after it count. Marks are kept in `storage` (one key per caller), so a
    second tab and a reload agree.

        callbacks = CallBacks(store, storage)
        await callbacks.load()                          # the stored list (built first, once, if the store has none)
        await callbacks.refresh(log.take_touched())     # after calls changed
        await callbacks.mark_done("number:+442038680167", at=now)
    """

    def __init__(self, store: StoredCalls, storage: Storage) -> None:
        self.store = store
        self.storage = storage
        self.done: dict[str, float] = {}
        for key, text in storage.items(DONE_PREFIX):
            try:
                self.done[key[len(DONE_PREFIX) :]] = float(text)
            except ValueError:
                continue  # an unreadable mark: as if never marked
        self._entries: dict[str, CallBack] = {}
        self._one_at_a_time = asyncio.Lock()  # a refresh never reads while a rebuild writes, nor the other way round

    async def load(self) -> bool:
        """The stored list. False if the store has none yet (written before it kept one): `rebuild` it."""
        if not self.store.call_backs_ready:
            return False
        entries = {}
        for text in await self.store.call_backs():
            try:
                entry = decode_call_back(text)
            except (ValueError, KeyError, TypeError, IndexError):
                continue  # derived data, worked out again when the caller's calls next change
            entries[entry.key] = entry
        self._entries = entries
        return True

    async def refresh(self, keys: Iterable[str]) -> bool:
        """Work out these callers' entries again (their calls changed) and store the ones that changed. True if the
        list changed."""
        changed = False
        async with self._one_at_a_time:
            for key in keys:
                await self.store.quiet()  # the page's writes first: a read asked while they wait can hold them back
                entry = await stored_call_back(self.store, key, self.done.get(key))
                if entry != self._entries.get(key):
                    changed = True
                    self._put(key, entry)
        return changed

    def _put(self, key: str, entry: CallBack | None) -> None:
        if entry is None:
            self._entries.pop(key, None)
        else:
            self._entries[key] = entry
        self.store.put_call_back(key, None if entry is None else call_back_text(entry))

    async def rebuild(self, on_progress: RebuildProgress = lambda _read, _written, _changed: None, chunk: int = 500) -> None:
        """Work out every entry again, from one pass over the store's caller index, and store the entries that changed.
        `on_progress(calls read, entries written, entries to write)` after each page read and each batch written."""
        async with self._one_at_a_time:
            fold = CallBackFold(self.done)
            after: CallerCursor | None = None
            read = 0
            while True:
                rows, after = await self.store.by_caller(after, chunk)
                for key, text in rows:
                    with contextlib.suppress(ValueError, KeyError, TypeError, IndexError):  # unreadable: not judged
                        fold.add(key, persist.decode(text))
                read += len(rows)
                on_progress(read, 0, 0)
                if after is None:
                    break
            found = fold.finish()
            changed = [key for key in set(self._entries) | set(found) if found.get(key) != self._entries.get(key)]
            for start in range(0, len(changed), WRITE_BATCH):
                if start:
                    await asyncio.sleep(0)  # a short task each: the page draws and takes calls between them
                for key in changed[start : start + WRITE_BATCH]:
                    self._put(key, found.get(key))
                on_progress(read, min(start + WRITE_BATCH, len(changed)), len(changed))
            await self.store.call_backs_built()

    async def mark_done(self, key: str, at: float) -> None:
        self.done[key] = at
        with contextlib.suppress(StorageFullError):  # kept for this page at least: a full store must not stop the agent
            self.storage.set(DONE_PREFIX + key, repr(at))
        await self.refresh([key])

    def absorb(self, storage_key: str, text: str | None) -> str | None:
        """Another tab's mark (a storage event). Returns the caller key it was for (to `refresh`), or None."""
        if not storage_key.startswith(DONE_PREFIX):
            return None
        key = storage_key[len(DONE_PREFIX) :]
        try:
            if text is None:
                self.done.pop(key, None)
            else:
                self.done[key] = float(text)
        except ValueError:
            return None
        return key

    def clear(self) -> None:
        """Forget every mark and entry (the call history was cleared, the store's list with it)."""
        for key, _ in list(self.storage.items(DONE_PREFIX)):
            self.storage.delete(key)
        self.done.clear()
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def newest_first(self) -> list[CallBack]:
        return sorted(self._entries.values(), key=lambda entry: entry.latest.started_at, reverse=True)
