"""The call log: the page's working set of calls, in start order, written through to a call store one call at a time.

The store holds every call; the page holds only a bounded working set: the live calls, the newest
KEEP, the call on the card, and any whose writes are not yet settled. A call the page did not hold
when an event for it came (new, never loaded, or let go) is written by replaying the page's changes
onto the store's copy inside the write (`Replay`), so a stored call is never overwritten by a
copy that knows less of it. Nothing leaves the store but by `clear()`, and a store that refuses
space loses nothing (the browser's store keeps what it could not write and says so).

    log = CallLog(MemoryCallStore())
    change = log.apply(ringing_event, at=clock())
    assert log.active() is change.call
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from . import persist
from .callers import CallerIndex, caller_key
from .calls import Call, annotate, mark_stale, merged, step
from .events import PhoneEvent
from .ports import CallEntry, CallStore, Stored, StoredCalls

KEEP = 500  # the newest calls the page holds (besides the live ones, the one on the card, and those not yet settled)
Op = Callable[[Call | None], Call | None]  # one change the page made to a call, to be made again on the stored copy


@dataclass(frozen=True)
class Change:
    """What one event did to the log."""

    call: Call
    previous: Call | None

    @property
    def changed(self) -> bool:
        return self.call is not self.previous

    @property
    def milestone(self) -> bool:
        """The call started or ended with this change (what the readiness check and the update offer follow)."""
        return self.changed and (self.previous is None or self.call.outcome is not None)


@dataclass
class LoadReport:
    loaded: int = 0
    unreadable: list[str] = field(default_factory=list)  # ids of stored records that could not be read (kept as they are)

    @property
    def notice(self) -> str | None:
        if not self.unreadable:
            return None
        return f"{len(self.unreadable)} stored call(s) could not be read; they are kept in the browser as they are"


@dataclass(frozen=True)
class Merged:
    """What a restore (or another tab's copies) did: calls new here, calls that changed, calls already as known, and the
    callers whose calls changed (their call-backs to work out again: the restore's own, not `CallLog.touched`, which the
    page's events drain as they come)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    callers: frozenset[str] = frozenset()


class Replay:
    """The page's changes to a call it did not hold when it made them, made again on the store's copy inside the write
    (ports.Replay): the store's copy, or none, is the base, so the write never loses what the store knew.

    Which changes a committed write made is told by the text it wrote, found again as the stored copy (by the next
    write's read) or named by the store once committed (`committed`): never by the order in which the browser tells
    of a commit and of a later transaction's read."""

    def __init__(self, log: CallLog, uuid: str) -> None:
        self.log = log
        self.uuid = uuid
        self.ops: list[Op] = []  # the changes not yet known to be in the store, in order
        self._writes: list[tuple[str, int]] = []  # (the text written, how many of `ops` it made): not known committed

    def onto(self, stored: Stored | None) -> CallEntry | None:
        """The entry to write over `stored` (the call's text and its note's, None where the store has no such call);
        None to write nothing: no change is left to make, or the stored record cannot be read by this version, and is
        kept as it is."""
        call: Call | None = None
        if stored is not None:
            self._confirmed(stored[0])
        if not self.ops:  # every change is in the store already (and the page may have written the call plainly since)
            return None
        if stored is not None:
            try:
                call = persist.decode_stored(*stored)
            except (ValueError, KeyError, TypeError, IndexError):
                self.log.kept_unreadable(self.uuid)
                return None
        for op in self.ops:
            call = op(call)
        if call is None:
            return None
        entry = self.log.entry(call)
        self._writes.append((entry["text"], len(self.ops)))
        self.log.corrected(call)
        return entry

    def committed(self, text: str) -> None:
        """The write of `text` is the store's: the changes it made are made; once none is left, the page's copy is the
        store's, and the call is written plainly again."""
        self._confirmed(text)

    def _confirmed(self, text: str) -> None:
        for i in range(len(self._writes) - 1, -1, -1):  # the latest write with this text: every one before it is in too
            written, made = self._writes[i]
            if written == text:
                del self.ops[:made]
                self._writes = [(later, n - made) for later, n in self._writes[i + 1 :]]
                break
        if not self.ops and not self._writes and self.log.replays.get(self.uuid) is self:
            del self.log.replays[self.uuid]


class CallLog:
    """The working set keyed by uuid. Insertion order is start order, so newest-first is reversed()."""

    def __init__(self, store: CallStore, keep: int = KEEP) -> None:
        self.store = store
        self.keep = keep
        self._calls: dict[str, Call] = {}
        self._live: set[str] = set()
        self.shown: str | None = None  # the call on the card: held whatever its age
        self.replays: dict[str, Replay] = {}  # calls with changes to make again on the stored copy
        self.callers = CallerIndex()
        self.touched: set[str] = set()  # caller keys whose calls changed since take_touched()
        self.on_corrected: list[Callable[[Call], None]] = []  # the store's copy of a call, with the page's changes, differs
        self.on_unreadable: list[Callable[[str], None]] = []  # a stored call this version cannot read was not written over

    # ------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._calls

    def get(self, uuid: str) -> Call | None:
        return self._calls.get(uuid)

    def newest_first(self) -> Iterator[Call]:
        return reversed(self._calls.values())

    def oldest_first(self) -> Iterator[Call]:
        return iter(self._calls.values())

    def active(self) -> Call | None:
        """The newest call still in progress."""
        live = [self._calls[u] for u in self._live]
        return max(live, key=lambda c: c.started_at, default=None)

    def latest_contact(self) -> Call | None:
        """The active call, else the newest call that has a contact."""
        active = self.active()
        if active is not None:
            return active
        return next((c for c in self.newest_first() if c.contact is not None), None)

    # ------------------------------------------------------------ changing

    def apply(self, event: PhoneEvent, at: float) -> Change:
        uuid = event.call_uuid
        previous = self._calls.get(uuid)
        call = step(previous, event, at)
        if call is previous:
            return Change(call, previous)
        if previous is None or uuid in self.replays:  # not held: the store's copy, if it has one, is the base
            self._replay(uuid, partial(_step, event=event, at=at))
        self._put(call)
        return Change(self._calls.get(uuid, call), previous)

    def hold(self, call: Call | None) -> Call | None:
        """Hold a call read from the store while it is on the card (its note may be written): the page's copy, if it
        has one, is the newer. None: no call is on the card."""
        self.shown = None if call is None else call.uuid
        if call is None:
            return None
        held = self._calls.get(call.uuid)
        if held is not None:
            return held
        self._insert([call])
        return call

    def corrected(self, call: Call) -> None:
        """The store's copy with the page's changes made again on it (Replay.onto): the page's copy from now on."""
        if self._calls.get(call.uuid) == call:
            return
        if call.uuid in self._calls:
            self._remember(call)
        else:
            self._insert([call])
        for told in self.on_corrected:
            told(call)

    def kept_unreadable(self, uuid: str) -> None:
        for told in self.on_unreadable:
            told(uuid)

    def entry(self, call: Call) -> CallEntry:
        return persist.call_entry(call, caller_key(call))

    def _replay(self, uuid: str, op: Op) -> None:
        replay = self.replays.get(uuid)
        if replay is None:
            replay = self.replays[uuid] = Replay(self, uuid)
        replay.ops.append(op)

    def annotate(self, uuid: str, note: str | None = None, disposition: str | None = None, *, at: float) -> Change | None:
        """Save the agent's note and disposition on a call; None if the call is gone."""
        previous = self._calls.get(uuid)
        if previous is None:
            return None
        call = annotate(previous, note, disposition, at=at)
        if call is not previous:
            self._remember(call)
            self.store.put_note(persist.note_entry(call))
        return Change(call, previous)

    def take_touched(self) -> set[str]:
        """The caller keys whose calls changed since the last call of this, to refresh what derives from them."""
        touched, self.touched = self.touched, set()
        return touched

    def sweep_stale(self, now: float, after_seconds: float) -> list[Call]:
        """Mark live calls with no event for `after_seconds` as Stale; returns them."""
        marked = []
        for uuid in list(self._live):
            call = self._calls[uuid]
            stale = mark_stale(call, now, after_seconds)
            if stale is not call:
                if uuid in self.replays:
                    self._replay(uuid, partial(_mark_stale, now=now, after_seconds=after_seconds))
                self._put(stale)
                marked.append(stale)
        return marked

    def clear(self) -> None:
        """Remove every stored call, including ones another tab wrote: the one way calls leave."""
        self.store.clear()
        self.touched.update(self.callers.keys())
        self._calls.clear()
        self._live.clear()
        self.replays.clear()
        self.callers.clear()

    def restore(self, calls: Iterable[Call], stored: dict[str, Call | None] | None = None) -> Merged:
        """Merge calls from a backup (or an older version's store) by uuid, writing what changed.

        `stored` holds the store's copies of these calls (None where it has none), read by the caller before: the
        page's own copy, where it holds one, is the newer. Where two copies meet, the one that knows more of the call
        wins and the newer note wins (calls.merged); a call already as known is not written again. The calls go to
        the store; the page holds only those it held already (its working set)."""
        stored = stored or {}
        added = updated = unchanged = 0
        merged_here: dict[str, Call] = {}  # a file may hold a call twice: the second meets the first
        callers: set[str] = set()
        for incoming in calls:
            uuid = incoming.uuid
            local = merged_here.get(uuid) or self._calls.get(uuid) or stored.get(uuid)
            call = incoming if local is None else merged(local, incoming)
            if call is local:
                unchanged += 1
                continue
            added += local is None
            updated += local is not None
            merged_here[uuid] = call
            if uuid in self._calls:
                callers.update(self._hold(call))
            else:  # not held: still, its caller's calls changed (their call-back is worked out again)
                callers.update(key for key in (caller_key(call), local and caller_key(local)) if key)
            self.store.put_call(self.entry(call))
            if persist.has_note(call):
                self.store.put_note(persist.note_entry(call))
        return Merged(added, updated, unchanged, frozenset(callers))

    def absorb(self, uuid: str, call: Call | None) -> None:
        """Take another tab's write into memory without writing back (None: the call is gone)."""
        if call is None:
            self._forget(uuid)
            return
        replay = self.replays.get(uuid)
        for op in replay.ops if replay is not None else ():  # this page's changes not yet written come after it
            call = op(call) or call
        if uuid in self._calls:
            self._remember(call)
        else:
            self._insert([call])

    def _remember(self, call: Call) -> None:
        """Hold a new or changed call in memory, with every index kept from it, its callers touched."""
        self.touched.update(self._hold(call))

    def _hold(self, call: Call) -> set[str]:
        """Hold a new or changed call in memory, with every index kept from it: the callers whose calls changed."""
        self._calls[call.uuid] = call
        if call.is_live:
            self._live.add(call.uuid)
        else:
            self._live.discard(call.uuid)
        return {key for key in self.callers.put(call) if key is not None}

    def _insert(self, calls: list[Call]) -> None:
        """Hold calls (in start order) that may have started before the newest: the order is made again once."""
        if not calls:
            return
        newest = next(reversed(self._calls.values()), None)
        for call in calls:
            self._remember(call)
        if newest is not None and calls[0].started_at < newest.started_at:
            self._calls = dict(sorted(self._calls.items(), key=lambda item: item[1].started_at))
        if len(self._calls) > 2 * self.keep:
            self._let_go()

    def _let_go(self) -> None:
        """Let go of the calls beyond the working set (every one of them is in the store, or queued for it): what the
        page holds stays bounded, whatever the history's size. Done at twice the size, so once per `keep` calls."""
        kept = {*list(self._calls)[-self.keep :], *self._live, *self.replays, self.shown}
        for uuid in [uuid for uuid in self._calls if uuid not in kept]:
            del self._calls[uuid]
            self.callers.remove(uuid)  # no caller's calls changed: nothing is touched

    def _forget(self, uuid: str) -> None:
        self._calls.pop(uuid, None)
        self._live.discard(uuid)
        key = self.callers.remove(uuid)
        if key is not None:
            self.touched.add(key)

    def _put(self, call: Call) -> None:
        if call.uuid in self._calls:
            self._remember(call)
        else:
            self._insert([call])  # a clock set back can start a new call before the newest: the order holds
        self.store.put_call(self.entry(call), self.replays.get(call.uuid))

    # ------------------------------------------------------------ loading

    def load(self, call_texts: Iterable[str], note_texts: Iterable[str] = ()) -> LoadReport:
        """Hold the stored calls (each call's text, each note's text): what was in memory goes.
        A record that cannot be read is reported and left in the store as it is."""
        self._calls = {}
        self._live = set()
        self.callers.clear()
        return self.add_stored(call_texts, note_texts)

    def add_stored(self, call_texts: Iterable[str], note_texts: Iterable[str] = ()) -> LoadReport:
        """Hold more stored calls (older ones, read later): a call already held is newer here and stays."""
        report = LoadReport()
        notes: dict[str, persist.Note] = {}
        for text in note_texts:
            try:
                uuid, note = persist.decode_note(text)
            except (ValueError, KeyError, TypeError):
                report.unreadable.append(_id_of(text))
                continue
            notes[uuid] = note
        found: list[Call] = []
        for text in call_texts:
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise ValueError("a record is a JSON object")
                note = notes.get(str(record.get("uuid")))
                call = persist.decode(text, note)
            except (ValueError, KeyError, TypeError, IndexError):
                report.unreadable.append(_id_of(text))
                continue
            if call.uuid not in self._calls:
                found.append(call)
        found.sort(key=lambda c: c.started_at)
        self._insert(found)
        report.loaded = len(found)
        return report


def _id_of(text: str) -> str:
    """What names an unreadable record in a report: its uuid if one can be read, else its first characters."""
    try:
        record = json.loads(text)
        if isinstance(record, dict) and isinstance(record.get("uuid"), str):
            return record["uuid"]
    except ValueError:
        pass
    return text[:40]


async def restore_into(log: CallLog, store: StoredCalls, calls: list[Call]) -> Merged:
    """Merge a part of a backup (calls in start order) with what the store holds of the same calls, through `log`.
    A call the store holds in a form this version cannot read is left as it is, not written over (counted unchanged)."""
    stored: dict[str, Call | None] = {}
    unreadable: set[str] = set()
    for uuid, (text, note) in (await store.get_many(list(dict.fromkeys(c.uuid for c in calls)))).items():
        try:
            stored[uuid] = None if text is None else persist.decode_stored(text, note)
        except (ValueError, KeyError, TypeError, IndexError):
            unreadable.add(uuid)
    result = log.restore([c for c in calls if c.uuid not in unreadable], stored)
    kept = sum(1 for c in calls if c.uuid in unreadable)
    return Merged(result.added, result.updated, result.unchanged + kept, result.callers)


def _step(call: Call | None, event: PhoneEvent, at: float) -> Call:
    return step(call, event, at)


def _mark_stale(call: Call | None, now: float, after_seconds: float) -> Call | None:
    return None if call is None else mark_stale(call, now, after_seconds)
