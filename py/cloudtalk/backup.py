"""Restoring a backup: the app's own JSON export, of any schema the app has written, read back into calls.

A file is taken whole or not at all: every call is read before the log changes, and the first
thing wrong refuses the file with a reason a person can act on.

    calls = read_export(text)          # raises RefusedError("…why…")
    log.restore(calls)                 # merged by call id: see calls.merged
"""

from __future__ import annotations

import json
from typing import Any

from . import persist
from .calls import Call
from .exports import EXPORT_FORMAT

MAX_BYTES = 512 * 1024 * 1024  # a year of a busy agent's calls is ~40 MB; far past that is no backup of ours


class RefusedError(Exception):
    """The file is not a backup this version can restore; the message says why."""


def read_document(text: str) -> tuple[int, list[Any]]:
    """The schema and the raw call records of an export; raises RefusedError."""
    if len(text) > MAX_BYTES:
        raise RefusedError(f"the file is {len(text) // 1_000_000} MB, more than any history export")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise RefusedError(f"it is not a JSON file, or it was cut short ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("calls"), list) or "schema" not in document:
        raise RefusedError("it is JSON, but not a call history exported by this app (no schema and calls)")
    if document.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise RefusedError(f"it is a {document['format']!r} file, not a call history export")
    schema = document["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise RefusedError(f"its schema {schema!r} is not one this app has written")
    if schema > persist.SCHEMA_VERSION:
        newest = persist.SCHEMA_VERSION
        raise RefusedError(f"it was written by a newer version of the app (schema {schema}); this one reads up to {newest}")
    return schema, document["calls"]


def read_calls(records: list[Any], schema: int, start: int = 0, stop: int | None = None) -> list[Call]:
    """Records [start:stop] as calls, migrated from `schema`; raises RefusedError naming the first damaged one."""
    calls = []
    for n, record in enumerate(records[start:stop], start):
        try:
            if not isinstance(record, dict):
                raise TypeError("not an object")
            fields = {k: v for k, v in record.items() if k != "summary"}
            calls.append(persist.from_record(persist.migrate(fields, schema)))
        except (ValueError, KeyError, TypeError, IndexError) as error:
            which = record.get("uuid") if isinstance(record, dict) else None
            raise RefusedError(f"call {n + 1}{f' ({which})' if isinstance(which, str) else ''} is damaged: "
                          f"{type(error).__name__} {error}") from None
    return calls


def read_export(text: str) -> list[Call]:
    """Every call of an export, oldest first (as the log holds them; an export lists the newest first), or RefusedError."""
    schema, records = read_document(text)
    return read_calls(records[::-1], schema)
