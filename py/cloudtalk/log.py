"""The call log: every call by uuid, newest first, capped, persisted one call at a time.

    log = CallLog(MemoryStorage())
    change = log.apply(ringing_event, at=clock())
    assert log.active() is change.call
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import persist
from .callers import CallerIndex
from .calls import Call, annotate, mark_stale, step
from .events import PhoneEvent
from .persist import Storage, StorageFullError

DEFAULT_CAP = 5000


@dataclass(frozen=True)
class Change:
    """What one event did to the log."""

    call: Call
    previous: Call | None
    pruned: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.call is not self.previous


@dataclass
class LoadReport:
    loaded: int = 0
    migrated: int = 0
    set_aside: list[str] = field(default_factory=list)  # keys of unreadable records, now under backup
    pruned: int = 0

    @property
    def notice(self) -> str | None:
        parts = []
        if self.set_aside:
            parts.append(f"{len(self.set_aside)} unreadable stored call(s) were set aside under '{persist.BACKUP_PREFIX}'")
        if self.pruned:
            parts.append(f"{self.pruned} oldest call(s) pruned to keep the history within its cap")
        return "; ".join(parts) or None


class CallLog:
    """Calls keyed by uuid. Insertion order is start order, so newest-first is reversed()."""

    def __init__(self, storage: Storage, *, cap: int = DEFAULT_CAP) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.storage = storage
        self.cap = cap
        self._calls: dict[str, Call] = {}
        self._live: set[str] = set()
        self.callers = CallerIndex()
        self.touched: set[str] = set()  # caller keys whose calls changed since take_touched()
        self.pruned_total = 0

    # ------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._calls

    def get(self, uuid: str) -> Call | None:
        return self._calls.get(uuid)

    def newest_first(self) -> Iterator[Call]:
        return reversed(self._calls.values())

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
        if call is previous:
            return Change(call, previous)
        return Change(call, previous, self._put(call))

    def annotate(self, uuid: str, note: str | None = None, disposition: str | None = None) -> Change | None:
        """Save the agent's note and disposition on a call; None if the call is gone."""
        previous = self._calls.get(uuid)
        if previous is None:
            return None
        call = annotate(previous, note, disposition)
        if call is previous:
            return Change(call, previous)
        return Change(call, previous, self._put(call))

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
        """Remove every stored call, including ones another tab wrote."""
        for key, _ in list(self.storage.items(persist.call_prefix())):
            self.storage.delete(key)
        self.touched.update(self.callers.keys())
        self._calls.clear()
        self._live.clear()
        self.callers.clear()

    def absorb(self, key: str, text: str | None) -> tuple[str, Call | None] | None:
        """Take another tab's write (a storage event) into memory without writing back.

        Returns (uuid, call or None when deleted), or None when the key is not a call
        of this schema or the record is unreadable (the writer's copy stays as it is).
        """
        prefix = persist.call_prefix()
        if not key.startswith(prefix):
            return None
        uuid = key[len(prefix) :]
        if text is None:
            self._forget(uuid)
            return uuid, None
        try:
            call = persist.decode(text)
        except (ValueError, KeyError, TypeError, IndexError):
            return None
        self._remember(call)
        return call.uuid, call

    def _remember(self, call: Call) -> None:
        """Hold a new or changed call in memory, with every index kept from it."""
        self._calls[call.uuid] = call
        if call.is_live:
            self._live.add(call.uuid)
        else:
            self._live.discard(call.uuid)
        self.touched.update(key for key in self.callers.put(call) if key is not None)

    def _forget(self, uuid: str) -> None:
        self._calls.pop(uuid, None)
        self._live.discard(uuid)
        key = self.callers.remove(uuid)
        if key is not None:
            self.touched.add(key)

    def _put(self, call: Call) -> tuple[str, ...]:
        self._remember(call)
        pruned = self._prune(len(self._calls) - self.cap)
        pruned += self._save(call)
        return pruned

    def _save(self, call: Call) -> tuple[str, ...]:
        """Write one record; on a full store, drop the oldest calls until it fits."""
        text = persist.encode(call)
        pruned: tuple[str, ...] = ()
        while True:
            try:
                self.storage.set(persist.call_key(call.uuid), text)
                return pruned
            except StorageFullError:
                if len(self._calls) <= 1:
                    raise
                pruned += self._prune(max(1, len(self._calls) // 10), keep=call.uuid)

    def _prune(self, count: int, keep: str | None = None) -> tuple[str, ...]:
        if count <= 0:
            return ()
        victims = list(itertools.islice((u for u in self._calls if u != keep), count))
        for uuid in victims:
            self._forget(uuid)
            self.storage.delete(persist.call_key(uuid))
        self.pruned_total += len(victims)
        return tuple(victims)

    # ------------------------------------------------------------ loading

    def load(self) -> LoadReport:
        """Read every stored call, migrating older schemas and setting aside unreadable records."""
        report = LoadReport()
        found: list[Call] = []
        for version in range(1, persist.SCHEMA_VERSION + 1):
            for key, text in list(self.storage.items(persist.call_prefix(version))):
                try:
                    record = json.loads(text)
                    if version != persist.SCHEMA_VERSION:
                        record = persist.migrate(record, version)
                    call = persist.from_record(record)
                except (ValueError, KeyError, TypeError, IndexError):
                    self._set_aside(key, text, report)
                    continue
                if version != persist.SCHEMA_VERSION:
                    self.storage.delete(key)
                    self.storage.set(persist.call_key(call.uuid), persist.encode(call))
                    report.migrated += 1
                found.append(call)
        found.sort(key=lambda c: c.started_at)
        self._calls = {}
        self._live = set()
        self.callers.clear()
        for call in found:
            self._remember(call)
        report.loaded = len(self._calls)
        report.pruned = len(self._prune(len(self._calls) - self.cap))
        return report

    def _set_aside(self, key: str, text: str, report: LoadReport) -> None:
        backup = persist.BACKUP_PREFIX + key
        with contextlib.suppress(StorageFullError):  # better to lose the unreadable copy than to block the app
            self.storage.set(backup, text)
        self.storage.delete(key)
        report.set_aside.append(key)


# ---------------------------------------------------------------- exports

CSV_COLUMNS = (
    "started_at",
    "direction",
    "number",
    "name",
    "company",
    "state",
    "outcome",
    "hung_up_by",
    "ring_seconds",
    "talk_seconds",
    "disposition",
    "note",
    "call_uuid",
)


def iso_utc(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.UTC).isoformat(timespec="seconds")


# A cell made of these after its leading + or - is a phone number (or plain arithmetic at worst):
# no function, reference or DDE call can be spelled with them.
_NUMBER_LIKE = frozenset("0123456789 ()-./")


def _cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula; phone numbers like +44 20 3868 0167 stay as they are."""
    text = "" if value is None else str(value)
    if not text:
        return text
    if text[0] in "=@\t\r" or (text[0] in "+-" and not (text[1:] and set(text[1:]) <= _NUMBER_LIKE)):
        return "'" + text
    return text


def call_row(call: Call) -> dict[str, object]:
    outcome = call.outcome
    hung = call.hung_up_by
    return {
        "started_at": iso_utc(call.started_at),
        "direction": call.direction.value,
        "number": call.number,
        "name": call.contact.name if call.contact else None,
        "company": call.contact.company if call.contact else None,
        "state": call.state.label,
        "outcome": outcome.value if outcome else None,
        "hung_up_by": hung.value if hung else None,
        "ring_seconds": None if call.ring_seconds is None else round(float(call.ring_seconds), 1),
        "talk_seconds": None if call.talk_seconds is None else round(float(call.talk_seconds), 1),
        "disposition": call.disposition,
        "note": call.note,
        "call_uuid": call.uuid,
    }


def export_csv(calls: list[Call]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180 line ends, \r\n
    writer.writerow(CSV_COLUMNS)
    for call in calls:
        row = call_row(call)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def export_json(calls: list[Call], exported_at: float) -> str:
    document = {
        "schema": persist.SCHEMA_VERSION,
        "exported_at": iso_utc(exported_at),
        "calls": [{**persist.to_record(c), "summary": call_row(c)} for c in calls],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
