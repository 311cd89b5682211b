"""The call history as files: CSV for spreadsheets, JSON for backups (`cloudtalk.backup` reads it back).

Both are written in parts, so the browser can draw between them on a long history, and read a
page of the store for each:

    for part in export_json_parts(calls, exported_at=time.time()):
        chunks.append(part)
    export = JsonExport(exported_at=time.time())
    chunks = [export.head(), *(export.part(page) for page in pages), export.tail()]
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator

from . import persist
from .calls import Call

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


EXPORT_CHUNK = 500  # calls per part: each part is a short piece of work, and the page can draw between parts


class CsvExport:
    """The CSV export written a part at a time (the header first): `part(calls)` for each part, in order."""

    def head(self) -> str:
        return self._rows([CSV_COLUMNS])

    def part(self, calls: Iterable[Call]) -> str:
        rows = []
        for call in calls:
            row = call_row(call)
            rows.append([_cell(row[c]) for c in CSV_COLUMNS])
        return self._rows(rows)

    def tail(self) -> str:
        return ""

    @staticmethod
    def _rows(rows: Iterable[Iterable[object]]) -> str:
        out = io.StringIO()
        csv.writer(out).writerows(rows)  # RFC 4180 line ends, \r\n
        return out.getvalue()


class JsonExport:
    """The JSON export (one call a line) written a part at a time. `cloudtalk.backup` reads it back."""

    def __init__(self, exported_at: float) -> None:
        self.exported_at = exported_at
        self._first = True

    def head(self) -> str:
        head = {"format": EXPORT_FORMAT, "schema": persist.SCHEMA_VERSION, "exported_at": iso_utc(self.exported_at)}
        return json.dumps(head)[:-1] + ', "calls": ['

    def part(self, calls: Iterable[Call]) -> str:
        lines = []
        for call in calls:
            line = json.dumps({**persist.to_record(call), "summary": call_row(call)}, ensure_ascii=False)
            lines.append(("\n" if self._first else ",\n") + line)
            self._first = False
        return "".join(lines)

    def tail(self) -> str:
        return "\n]}\n"


def _parts(export: CsvExport | JsonExport, calls: Iterable[Call], chunk: int) -> Iterator[str]:
    yield export.head()
    part: list[Call] = []
    for call in calls:
        part.append(call)
        if len(part) == chunk:
            yield export.part(part)
            part = []
    yield export.part(part) + export.tail()


def export_csv_parts(calls: Iterable[Call], chunk: int = EXPORT_CHUNK) -> Iterator[str]:
    """The CSV export in parts of `chunk` calls (the header first)."""
    return _parts(CsvExport(), calls, chunk)


def export_json_parts(calls: Iterable[Call], exported_at: float, chunk: int = EXPORT_CHUNK) -> Iterator[str]:
    """The JSON export (one call a line) in parts of `chunk` calls. `cloudtalk.backup` reads it back."""
    return _parts(JsonExport(exported_at), calls, chunk)


EXPORT_FORMAT = "cloudtalk-calls"


def export_csv(calls: Iterable[Call]) -> str:
    return "".join(export_csv_parts(calls))


def export_json(calls: Iterable[Call], exported_at: float) -> str:
    return "".join(export_json_parts(calls, exported_at))
