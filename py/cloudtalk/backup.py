"""Restoring a backup: the app's own JSON export, of any schema the app has written, read back into calls.

A file is taken whole or not at all: every call is read before the history changes, and the first
thing wrong refuses the file with a reason a person can act on. A file is read a piece of text at
a time (`ExportReader`), so neither its text nor its calls need be held whole: the browser reads it
through once to check every call, and once more to merge them, a part at a time.

    reader = ExportReader()
    for piece in pieces:
        records = reader.feed(piece)   # the calls' records completed by this piece; raises RefusedError
        calls = reader.calls(records)  # as calls, migrated from the file's schema; raises RefusedError
    reader.end()                       # raises RefusedError if the document is cut short or not an export
    calls = read_export(text)          # the same, for a whole text
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import persist
from .calls import Call
from .exports import EXPORT_FORMAT

MAX_BYTES = 512 * 1024 * 1024  # a year of a busy agent's calls is ~40 MB; far past that is no backup of ours


class RefusedError(Exception):
    """The file is not a backup this version can restore; the message says why."""


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
LONGEST_RECORD = 1_000_000  # characters a single value may take before it is judged broken rather than unfinished


class ExportReader:
    """An export parsed as its text arrives, a piece at a time: the head's fields kept, each call's record handed on as
    soon as it is complete. Hand-written over `json.JSONDecoder.raw_decode` (each value is parsed by the standard
    library): no streaming JSON parser is in Pyodide's standard library, and the file's shape is one fixed object."""

    def __init__(self) -> None:
        self.head: dict[str, Any] = {}
        self._text = ""
        self._at = 0
        self._state = "start"
        self._seen_calls = False
        self._key = ""
        self._held: list[Any] = []  # records that came before the schema (held until it is known)
        self.count = 0  # calls' records read so far

    def feed(self, piece: str) -> list[Any]:
        """The records this piece completes (any held for want of the schema first); raises RefusedError."""
        self._text = self._text[self._at :] + piece
        self._at = 0
        records: list[Any] = []
        while self._step(records, final=False):
            pass
        if "schema" not in self.head:
            self._held.extend(records)
            return []
        records, self._held = self._held + records, []
        return records

    def end(self) -> list[Any]:
        """After the last piece: any records still held; raises RefusedError unless the whole document was read."""
        records: list[Any] = []
        while self._step(records, final=True):
            pass
        if self._state != "done" or not self._seen_calls or "schema" not in self.head:
            if self._state != "done":
                raise RefusedError("it is not a JSON file, or it was cut short (it ends before the history does)")
            raise RefusedError("it is JSON, but not a call history exported by this app (no schema and calls)")
        self._check_head()
        records, self._held = self._held + records, []
        return records

    def calls(self, records: list[Any]) -> list[Call]:
        """These records, the next of the file, as calls; raises RefusedError naming the first damaged one."""
        self._check_head()
        calls = read_calls(records, self.head["schema"], first_number=self.count - len(records) + 1)
        return calls

    def _check_head(self) -> None:
        head = self.head
        if head.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
            raise RefusedError(f"it is a {head['format']!r} file, not a call history export")
        schema = head["schema"]
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise RefusedError(f"its schema {schema!r} is not one this app has written")
        if schema > persist.SCHEMA_VERSION:
            newest = persist.SCHEMA_VERSION
            raise RefusedError(f"it was written by a newer version of the app (schema {schema}); this one reads up to {newest}")

    def _value(self, final: bool) -> tuple[bool, Any]:
        """(True, the JSON value at the cursor), or (False, None) when it may be unfinished and more text is to come."""
        try:
            value, end = _DECODER.raw_decode(self._text, self._at)
        except ValueError as error:
            if final or len(self._text) - self._at > LONGEST_RECORD:
                raise RefusedError(f"it is not a JSON file, or it was cut short ({error})") from None
            return False, None
        if end == len(self._text) and not final and not isinstance(value, (dict, list, str)):
            return False, None  # a number or a word at the very end may go on in the next piece
        self._at = end
        return True, value

    def _punctuation(self, final: bool) -> str | None:
        """The character after any spaces at the cursor (not consumed), or None at the end of the text so far."""
        self._at = _SPACE.match(self._text, self._at).end()  # type: ignore[union-attr] - it matches the empty string
        if self._at < len(self._text):
            return self._text[self._at]
        if final:
            raise RefusedError("it is not a JSON file, or it was cut short (it ends before the history does)")
        return None

    def _expect(self, char: str | None, allowed: str, what: str) -> None:
        if char not in allowed:
            if self._state == "start":
                raise RefusedError(f"it is not a JSON file, or not an object ({char!r} where {what} should be)")
            raise RefusedError(f"it is JSON, but not a call history exported by this app ({char!r} where {what} should be)")

    def _step(self, records: list[Any], final: bool) -> bool:
        """One token or value of the document; False when the text so far is used up (or the document ended)."""
        if self._state == "done":
            if _SPACE.match(self._text, self._at).end() != len(self._text):  # type: ignore[union-attr]
                raise RefusedError("it is not a JSON file: more follows the end of the document")
            return False
        char = self._punctuation(final)
        if char is None:
            return False
        if self._state in _MARKS:
            return self._mark(char)
        if self._state in ("key_or_close", "key"):
            return self._field_name(char, final)
        if self._state == "value":
            return self._field_value(char, final)
        return self._call(char, records, final)  # "call_or_end", "call"

    def _mark(self, char: str) -> bool:
        what, following = _MARKS[self._state]
        if self._state == "start" and char == "[":
            raise RefusedError("it is JSON, but not a call history exported by this app (no schema and calls)")
        self._expect(char, "".join(following), what)
        self._at += 1
        self._state = following[char]
        return True

    def _field_name(self, char: str, final: bool) -> bool:
        if char == "}" and self._state == "key_or_close":
            self._at += 1
            self._state = "done"
            return True
        self._expect(char, '"', "a field's name")
        ok, key = self._value(final)
        if ok:
            self._key, self._state = key, "colon"
        return ok

    def _field_value(self, char: str, final: bool) -> bool:
        if self._key == "calls":
            if char != "[":
                raise RefusedError("it is JSON, but not a call history exported by this app (no schema and calls)")
            if self._seen_calls:
                raise RefusedError("it is JSON, but not a call history exported by this app (two lists of calls)")
            self._seen_calls = True
            self._at += 1
            self._state = "call_or_end"
            return True
        ok, value = self._value(final)
        if ok:
            self.head[self._key] = value
            self._state = "comma_or_close"
        return ok

    def _call(self, char: str, records: list[Any], final: bool) -> bool:
        if char == "]" and self._state == "call_or_end":
            self._at += 1
            self._state = "comma_or_close"
            return True
        ok, record = self._value(final)
        if ok:
            records.append(record)
            self.count += 1
            self._state = "call_comma_or_end"
        return ok


# The states that read one punctuation mark: what belongs there, and the state each mark leads to.
_MARKS: dict[str, tuple[str, dict[str, str]]] = {
    "start": ("the document's opening brace", {"{": "key_or_close"}),
    "colon": ("a colon", {":": "value"}),
    "comma_or_close": ("a comma or the closing brace", {",": "key", "}": "done"}),
    "call_comma_or_end": ("a comma or the end of the calls", {",": "call", "]": "comma_or_close"}),
}


def read_document(text: str) -> tuple[int, list[Any]]:
    """The schema and the raw call records of a whole export; raises RefusedError."""
    if len(text) > MAX_BYTES:
        raise RefusedError(f"the file is {len(text) // 1_000_000} MB, more than any history export")
    reader = ExportReader()
    records = reader.feed(text)
    records += reader.end()
    return reader.head["schema"], records


def read_calls(records: list[Any], schema: int, start: int = 0, stop: int | None = None, first_number: int = 1) -> list[Call]:
    """Records [start:stop] as calls, migrated from `schema`; raises RefusedError naming the first damaged one (its
    number in the file: `first_number` is the number of records[0])."""
    calls = []
    for n, record in enumerate(records[start:stop], start + first_number - 1):
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
