"""The stored form of a call (a versioned JSON schema) and its migrations.

Calls live in the browser's IndexedDB (cloudtalk.browser.calls_db), one record per call with the
fields its indexes need, and the agent's note in a record of its own, so that a phone event never
writes over a note and a note never writes over the call. Older versions kept each call in
localStorage under a versioned key; `legacy_calls` reads those for the one-time move.

    text = encode(call)
    assert decode(text) == call
    record = migrate(json.loads(old_text), from_version=1)   # an older version's record, read as today's
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import search
from .calls import DISPOSITION_CHARS, NOTE_CHARS, Call, Direction, State, Step
from .events import Contact
from .ports import CallEntry, NoteEntry, Storage

SCHEMA_VERSION = 3
NAMESPACE = "cloudtalk"
LEGACY_VERSIONS = (1, 2)  # the schemas that were kept in localStorage


def call_prefix(version: int) -> str:
    """The localStorage key prefix of a legacy schema's call records."""
    return f"{NAMESPACE}:v{version}:call:"


def call_key(uuid: str, version: int) -> str:
    return call_prefix(version) + uuid


def call_entry(call: Call, caller: str | None) -> CallEntry:
    """The store's record of a call (no note): its text, and the fields the indexes read."""
    outcome = call.outcome
    return {
        "uuid": call.uuid,
        "started": call.started_at,
        "caller": caller or "",
        "outcome": outcome.value if outcome else "",
        "words": search.call_words(call),
        "text": encode_call(call),
    }


def note_entry(call: Call) -> NoteEntry:
    return {
        "uuid": call.uuid,
        "words": search.note_words(call),
        "text": json.dumps(
            {"uuid": call.uuid, "note": call.note, "disposition": call.disposition, "noted_at": call.noted_at},
            separators=(",", ":"),
            ensure_ascii=False,
        ),
    }


def has_note(call: Call) -> bool:
    return bool(call.note or call.disposition or call.noted_at is not None)


@dataclass(frozen=True)
class Note:
    note: str
    disposition: str
    noted_at: float | None


def decode_note(text: str) -> tuple[str, Note]:
    """(uuid, note) from a note entry's text; raises ValueError/KeyError/TypeError if malformed."""
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError("a note record is a JSON object")
    at = record.get("noted_at")
    return str(record["uuid"]), Note(
        _text(record["note"], NOTE_CHARS), _text(record["disposition"], DISPOSITION_CHARS), None if at is None else float(at)
    )


def to_record(call: Call) -> dict[str, Any]:
    """The current schema's record of a call: plain JSON types, stable field names."""
    return {
        "uuid": call.uuid,
        "state": call.state.value,
        "direction": call.direction.value,
        "external_number": call.external_number,
        "internal_number": call.internal_number,
        "contact": call.contact.model_dump(mode="json") if call.contact else None,
        "steps": [[s.event, s.at] for s in call.steps],
        "answered_at": call.answered_at,
        "hangup_at": call.hangup_at,
        "ended_at": call.ended_at,
        "note": call.note,
        "disposition": call.disposition,
        "noted_at": call.noted_at,
    }


_STATES = {s.value: s for s in State}
_DIRECTIONS = {d.value: d for d in Direction}


def from_record(record: dict[str, Any]) -> Call:
    """The call a current-schema record describes; raises ValueError/KeyError/TypeError if malformed."""
    steps = tuple(Step(str(event), float(at)) for event, at in record["steps"])
    if not steps:
        raise ValueError("a call has at least one step")
    contact = record.get("contact")

    def number(name: str) -> float | None:
        value = record.get(name)
        return None if value is None else float(value)

    return Call(
        uuid=str(record["uuid"]),
        state=_STATES[record["state"]],
        direction=_DIRECTIONS[record["direction"]],
        external_number=record.get("external_number"),
        internal_number=record.get("internal_number"),
        contact=Contact.model_validate(contact) if contact is not None else None,
        steps=steps,
        answered_at=number("answered_at"),
        hangup_at=number("hangup_at"),
        ended_at=number("ended_at"),
        note=_text(record["note"], NOTE_CHARS),
        disposition=_text(record["disposition"], DISPOSITION_CHARS),
        noted_at=number("noted_at"),
    )


def _text(value: Any, cap: int) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value[:cap]


def encode(call: Call) -> str:
    return json.dumps(to_record(call), separators=(",", ":"), ensure_ascii=False)


def encode_call(call: Call) -> str:
    """The record without the agent's note: what a phone event writes (the note has a record of its own)."""
    record = to_record(call)
    del record["note"], record["disposition"], record["noted_at"]
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def decode(text: str, note: Note | None = None) -> Call:
    """A call from its stored text (with or without note fields), with its note record if it has one."""
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError("a record is a JSON object")
    if note is not None:
        record = {**record, "note": note.note, "disposition": note.disposition, "noted_at": note.noted_at}
    else:
        record.setdefault("note", "")
        record.setdefault("disposition", "")
    return from_record(record)


def decode_stored(text: str, note_text: str | None) -> Call:
    """A call as the store holds it: its record's text and, if it has one, its note record's text."""
    return decode(text, decode_note(note_text)[1] if note_text is not None else None)


def decode_readable(stored: Iterable[tuple[str, str | None]]) -> list[Call]:
    """The calls of these stored texts (each with its note's text), leaving out any that cannot be read: a start's load
    report names those, and the store keeps them as they are."""
    calls = []
    for text, note_text in stored:
        try:
            calls.append(decode_stored(text, note_text))
        except (ValueError, KeyError, TypeError, IndexError):
            continue
    return calls


def _v1_to_v2(record: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 adds the agent's note and disposition to each call."""
    return {**record, "note": "", "disposition": ""}


def _v2_to_v3(record: dict[str, Any]) -> dict[str, Any]:
    """Schema 3 says when the note was saved; for older records that is unknown."""
    return {**record, "noted_at": None}


# MIGRATIONS[n] turns a schema-n record into a schema-(n+1) record.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(record: dict[str, Any], from_version: int) -> dict[str, Any]:
    for version in range(from_version, SCHEMA_VERSION):
        record = MIGRATIONS[version](record)
    return record


@dataclass
class Legacy:
    """What the localStorage of an older version holds: its calls, the keys they came from, the unreadable keys."""

    calls: list[Call] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def legacy_calls(storage: Storage) -> Legacy:
    """Every call an older version kept in localStorage, migrated to the current schema. Nothing is
    deleted here: the browser removes the keys only once the new store holds every call."""
    found = Legacy()
    for version in LEGACY_VERSIONS:
        for key, text in list(storage.items(call_prefix(version))):
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise ValueError("a record is a JSON object")
                found.calls.append(from_record(migrate(record, version)))
                found.keys.append(key)
            except (ValueError, KeyError, TypeError, IndexError):
                found.unreadable.append(key)
    return found


BACKUP_PREFIX = f"{NAMESPACE}:backup:"
