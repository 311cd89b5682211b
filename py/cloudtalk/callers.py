"""Who a call is with, across calls: caller keys, an index of each caller's calls, and call-backs.

Calls belong together by contact id when there is one, else by the normalized number. The index
is kept up to date call by call, so the card's history and the call-back list never scan the log.

    index = CallerIndex()
    index.put(call)
    history = index.history(call)  # the caller's earlier calls in memory, newest first
    history = await stored_history(store, call)  # the same, from every stored call (the card)
    assert normalized_number("0044 20 3868 0167") == normalized_number("+44 (20) 3868-0167") == "+442038680167"
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass

from . import persist
from .calls import Call, Direction, Outcome
from .ports import Storage, StorageFullError, StoredCalls

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


@dataclass(frozen=True)
class CallBack:
    """Someone to call back: their calls since the last answered one, unanswered."""

    key: str
    calls: tuple[Call, ...]  # oldest first; the newest is calls[-1]

    @property
    def latest(self) -> Call:
        return self.calls[-1]

    @property
    def attempts(self) -> int:
        return len(self.calls)

    @property
    def number(self) -> str | None:
        """The number to dial: the newest call's, normalized; None when there is none to dial."""
        return next((n for c in reversed(self.calls) if (n := normalized_number(c.number))), None)


async def stored_history(store: StoredCalls, call: Call, latest: int = 5) -> History:
    """The caller's calls before this one as the store holds them, read through its caller index: every one of them,
    whether or not the page has loaded them (what the card shows)."""
    key = caller_key(call)
    if key is None:
        return History(0, ())
    count, stored = await store.caller_history(key, (call.started_at, call.uuid), latest)
    return History(count, tuple(persist.decode_readable(stored)))  # an unreadable one is counted, not listed


class CallerIndex:
    """Each caller's calls in start order, kept up to date one call at a time."""

    def __init__(self) -> None:
        self._order: dict[str, list[tuple[float, str]]] = {}  # key -> [(started_at, uuid)], sorted
        self._calls: dict[str, Call] = {}  # uuid -> the call as it is now
        self._key_of: dict[str, str] = {}  # uuid -> its key

    def put(self, call: Call) -> tuple[str | None, str | None]:
        """Index a new or changed call. Returns (its key before, its key now)."""
        old = self._key_of.get(call.uuid)
        new = caller_key(call)
        if old != new:
            if old is not None:
                self._unlink(old, call)
            if new is not None:
                bisect.insort(self._order.setdefault(new, []), (call.started_at, call.uuid))
                self._key_of[call.uuid] = new
        if new is not None:  # a call with no key is nobody's: not held
            self._calls[call.uuid] = call
        return old, new

    def remove(self, uuid: str) -> str | None:
        """Forget a call (pruned or deleted). Returns the key it had."""
        key = self._key_of.get(uuid)
        if key is not None:
            self._unlink(key, self._calls[uuid])
        return key

    def clear(self) -> None:
        self._order.clear()
        self._calls.clear()
        self._key_of.clear()

    def _unlink(self, key: str, call: Call) -> None:
        # Every indexed call is in its key's list, at its (start, uuid): no search can miss.
        entries = self._order[key]
        del entries[bisect.bisect_left(entries, (call.started_at, call.uuid))]
        if not entries:
            del self._order[key]
        del self._key_of[call.uuid]
        del self._calls[call.uuid]

    def calls_of(self, key: str) -> list[Call]:
        """The caller's calls, oldest first."""
        return [self._calls[uuid] for _, uuid in self._order.get(key, [])]

    def history(self, call: Call, latest: int = 5) -> History:
        """The calls of the same caller that started before this one."""
        key = caller_key(call)  # the call as it is now: indexed or not yet
        if key is None:
            return History(0, ())
        entries = self._order.get(key, [])
        before = bisect.bisect_left(entries, (call.started_at, call.uuid))
        recent = tuple(self._calls[uuid] for _, uuid in reversed(entries[max(0, before - latest) : before]))
        return History(before, recent)

    def call_back(self, key: str, done_at: float | None = None) -> CallBack | None:
        """Whether the caller waits for a call back: unanswered calls after the last answered one
        (and after the agent last marked them done), or None.

        Read from the newest call back to the last answered one, so a caller with a long history
        costs no more than their latest few calls.
        """
        waiting: list[Call] = []
        for _, uuid in reversed(self._order.get(key, [])):
            call = self._calls[uuid]
            if call.answered_at is not None or (done_at is not None and call.started_at <= done_at):
                break  # answered (even while the call goes on), or already marked done
            if (call.direction, call.outcome) in NEEDS_CALL_BACK:
                waiting.append(call)
        waiting.reverse()
        return CallBack(key, tuple(waiting)) if waiting else None

    def keys(self) -> list[str]:
        return list(self._order)


DONE_PREFIX = "cloudtalk:call-back-done:"


class CallBacks:
    """The "To call back" list: who waits for a call back, newest first, and the agent's "done" marks.

    A mark is when the agent said an entry was done; only unanswered calls after it count. Marks are
    stored (one key per caller), so a second tab and a reload agree.

        callbacks = CallBacks(log.callers, storage)
        callbacks.refresh(log.take_touched())
        callbacks.mark_done("number:+442038680167", at=now)
    """

    def __init__(self, index: CallerIndex, storage: Storage) -> None:
        self.index = index
        self.storage = storage
        self.done: dict[str, float] = {}
        for key, text in storage.items(DONE_PREFIX):
            try:
                self.done[key[len(DONE_PREFIX) :]] = float(text)
            except ValueError:
                continue  # an unreadable mark: as if never marked
        self._entries: dict[str, CallBack] = {}

    def refresh(self, keys: set[str] | list[str]) -> bool:
        """Recompute the entries of these callers (the ones whose calls changed). True if the list changed."""
        changed = False
        for key in keys:
            entry = self.index.call_back(key, self.done.get(key))
            if entry != self._entries.get(key):
                changed = True
                if entry is None:
                    del self._entries[key]
                else:
                    self._entries[key] = entry
        return changed

    def rebuild(self) -> None:
        self._entries.clear()
        self.refresh(self.index.keys())

    def mark_done(self, key: str, at: float) -> None:
        self.done[key] = at
        with contextlib.suppress(StorageFullError):  # kept for this page at least: a full store must not stop the agent
            self.storage.set(DONE_PREFIX + key, repr(at))
        self.refresh([key])

    def absorb(self, storage_key: str, text: str | None) -> str | None:
        """Another tab's mark (a storage event). Returns the caller key it was for, or None."""
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
        self.refresh([key])
        return key

    def clear(self) -> None:
        """Forget every mark (the call history was cleared)."""
        for key, _ in list(self.storage.items(DONE_PREFIX)):
            self.storage.delete(key)
        self.done.clear()
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def newest_first(self) -> list[CallBack]:
        return sorted(self._entries.values(), key=lambda entry: entry.latest.started_at, reverse=True)
