"""The call history as files: CSV for spreadsheets, JSON for backups (`cloudtalk.backup` reads it back).

Both are written in parts, so the browser can draw between them on a long history:

    for part in export_json_parts(log.newest_first(), exported_at=time.time()):
        chunks.append(part)
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


def export_csv_parts(calls: Iterable[Call], chunk: int = EXPORT_CHUNK) -> Iterator[str]:
    """The CSV export in parts of `chunk` calls (the header first)."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180 line ends, \r\n
    writer.writerow(CSV_COLUMNS)
    for n, call in enumerate(calls, 1):
        row = call_row(call)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
        if n % chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def export_json_parts(calls: Iterable[Call], exported_at: float, chunk: int = EXPORT_CHUNK) -> Iterator[str]:
    """The JSON export (one call a line) in parts of `chunk` calls. `cloudtalk.backup` reads it back."""
    head = {"format": EXPORT_FORMAT, "schema": persist.SCHEMA_VERSION, "exported_at": iso_utc(exported_at)}
    yield json.dumps(head)[:-1] + ', "calls": ['
    part: list[str] = []
    for n, call in enumerate(calls):
        line = json.dumps({**persist.to_record(call), "summary": call_row(call)}, ensure_ascii=False)
        part.append(("\n" if n == 0 else ",\n") + line)
        if len(part) == chunk:
            yield "".join(part)
            part = []
    yield "".join(part) + "\n]}\n"


EXPORT_FORMAT = "cloudtalk-calls"


def export_csv(calls: Iterable[Call]) -> str:
    return "".join(export_csv_parts(calls))


def export_json(calls: Iterable[Call], exported_at: float) -> str:
    return "".join(export_json_parts(calls, exported_at))
