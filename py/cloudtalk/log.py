"""The call log: every call by uuid, in start order, written through to a call store one call at a time.

Nothing leaves the log but by `clear()`: no cap, and a store that refuses space loses nothing here
(the browser's store keeps what it could not write and says so).

    log = CallLog(MemoryCallStore())
    change = log.apply(ringing_event, at=clock())
    assert log.active() is change.call
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from . import persist
from .callers import CallerIndex, caller_key
from .calls import Call, annotate, mark_stale, merged, step
from .events import PhoneEvent
from .ports import CallEntry, CallStore


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
    """What a restore (or another tab's copies) did: calls new here, calls that changed, calls already as known."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


class CallLog:
    """Calls keyed by uuid. Insertion order is start order, so newest-first is reversed()."""

    def __init__(self, store: CallStore) -> None:
        self.store = store
        self._calls: dict[str, Call] = {}
        self._live: set[str] = set()
        self.callers = CallerIndex()
        self.touched: set[str] = set()  # caller keys whose calls changed since take_touched()

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
        previous = self._calls.get(event.call_uuid)
        call = step(previous, event, at)
        if call is not previous:
            self._put(call)
        return Change(call, previous)

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
                self._put(stale)
                marked.append(stale)
        return marked

    def clear(self) -> None:
        """Remove every stored call, including ones another tab wrote: the one way calls leave."""
        self.store.clear()
        self.touched.update(self.callers.keys())
        self._calls.clear()
        self._live.clear()
        self.callers.clear()

    def restore(self, calls: Iterable[Call]) -> Merged:
        """Merge calls from a backup (or an older version's store) by uuid, writing what changed.

        Where both hold a call, the copy that knows more of it wins and the newer note wins
        (calls.merged); a call already as known is not written again. Calls that started at the
        same moment keep the order given (give them oldest first)."""
        added = updated = unchanged = 0
        fresh: dict[str, Call] = {}
        for incoming in calls:
            local = self._calls.get(incoming.uuid) or fresh.get(incoming.uuid)
            call = incoming if local is None else merged(local, incoming)
            if call is local:
                unchanged += 1
                continue
            if incoming.uuid in self._calls:
                updated += 1
                self._remember(call)
            else:
                added += local is None
                updated += local is not None
                fresh[call.uuid] = call
            self.store.put_call(self._entry(call))
            if persist.has_note(call):
                self.store.put_note(persist.note_entry(call))
        self._insert(sorted(fresh.values(), key=lambda c: c.started_at))
        return Merged(added, updated, unchanged)

    def absorb(self, uuid: str, call: Call | None) -> None:
        """Take another tab's write into memory without writing back (None: the call is gone)."""
        if call is None:
            self._forget(uuid)
        elif uuid in self._calls:
            self._remember(call)
        else:
            self._insert([call])

    def _entry(self, call: Call) -> CallEntry:
        return persist.call_entry(call, caller_key(call))

    def _remember(self, call: Call) -> None:
        """Hold a new or changed call in memory, with every index kept from it."""
        self._calls[call.uuid] = call
        if call.is_live:
            self._live.add(call.uuid)
        else:
            self._live.discard(call.uuid)
        self.touched.update(key for key in self.callers.put(call) if key is not None)

    def _insert(self, calls: list[Call]) -> None:
        """Hold calls (in start order) that may have started before the newest: the order is made again once."""
        if not calls:
            return
        newest = next(reversed(self._calls.values()), None)
        for call in calls:
            self._remember(call)
        if newest is not None and calls[0].started_at < newest.started_at:
            self._calls = dict(sorted(self._calls.items(), key=lambda item: item[1].started_at))

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
        self.store.put_call(self._entry(call))

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
