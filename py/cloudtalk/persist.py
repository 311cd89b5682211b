"""The stored form of a call (a versioned JSON schema) and the storage interface.

Each call is one record under its own key, so saving an event writes one small
value no matter how long the history is.

    storage = MemoryStorage()
    storage.set(call_key("c1"), encode(call))
    assert decode(storage.get(call_key("c1"))) == call
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from .calls import DISPOSITION_CHARS, NOTE_CHARS, Call, Direction, State, Step
from .events import Contact

SCHEMA_VERSION = 2
NAMESPACE = "cloudtalk"


def call_prefix(version: int | None = None) -> str:
    # The version is part of the key, so records of two schemas never mix.
    return f"{NAMESPACE}:v{version or SCHEMA_VERSION}:call:"


def call_key(uuid: str, version: int | None = None) -> str:
    return call_prefix(version) + uuid


BACKUP_PREFIX = f"{NAMESPACE}:backup:"


class StorageFullError(Exception):
    """The backend refused a write for lack of space (QuotaExceededError)."""


class Storage(Protocol):
    """What the call log needs from a key-value store; the browser injects localStorage."""

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


def to_record(call: Call) -> dict[str, Any]:
    """The schema-2 record of a call: plain JSON types, stable field names."""
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
    }


_STATES = {s.value: s for s in State}
_DIRECTIONS = {d.value: d for d in Direction}


def from_record(record: dict[str, Any]) -> Call:
    """The call a schema-2 record describes; raises ValueError/KeyError/TypeError if malformed."""
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
    )


def _text(value: Any, cap: int) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value[:cap]


def encode(call: Call) -> str:
    return json.dumps(to_record(call), separators=(",", ":"), ensure_ascii=False)


def decode(text: str) -> Call:
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError("a record is a JSON object")
    return from_record(record)


def _v1_to_v2(record: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 adds the agent's note and disposition to each call."""
    return {**record, "note": "", "disposition": ""}


# MIGRATIONS[n] turns a schema-n record into a schema-(n+1) record; the log moves records to the
# current schema's keys as it loads them.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(record: dict[str, Any], from_version: int) -> dict[str, Any]:
    for version in range(from_version, SCHEMA_VERSION):
        record = MIGRATIONS[version](record)
    return record
