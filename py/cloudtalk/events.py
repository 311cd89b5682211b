"""The CloudTalk phone's postMessage protocol: pydantic models and `parse()`.

Strict where safety needs it, forgiving everywhere else. A message is rejected only
when it is not a JSON object, is over 64 KiB (or nested over 200 levels), names no known
event, has no usable call id, or its `properties` is not an object. Every other field degrades on its own, and
each correction is noted on the event, so an odd field never costs the call:

    event = parse('{"event": "ringing", "properties": {"call_uuid": 7, "contact": {"tags": [{"id": 1, "name": "VIP"}]}}}')
    assert event.call_uuid == "7" and event.properties.contact.tags == ["VIP"]
    assert [str(c) for c in event.corrections] == ['properties.contact.tags[0]: object → "VIP"']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError, model_validator

from .corrections import (
    CALL_ID_CHARS,
    URLS,
    CallId,
    Correction,
    Emails,
    Id,
    Number,
    Numbers,
    System,
    Tags,
    Text,
    Trail,
    Url,
    forgiving,
    forgiving_list,
    ignored,
    json_kind,
)

MAX_MESSAGE_BYTES = 64 * 1024
# pydantic-core's JSON reader refuses deeper nesting. A safety limit worth keeping: Python's own
# json module, given 20,000 levels in Pyodide, overflows the browser's stack and kills the runtime.
MAX_DEPTH = 200
EXCERPT_CHARS = 200

EVENT_NAMES: tuple[str, ...] = ("ringing", "dialing", "calling", "hangup", "ended", "contact_info")

# ---------------------------------------------------------------- the models


class _Open(BaseModel):
    """Unknown extra fields are kept: CloudTalk may add fields at any time."""

    model_config = ConfigDict(extra="allow", frozen=True)


class ExternalUrl(_Open):
    external_system: System = ""
    external_url: Url  # an item without a usable URL is dropped from the list


class Contact(_Open):
    id: Id | None = None
    name: Text | None = None
    company: Text | None = None
    contact_emails: Emails = []
    contact_numbers: Numbers = []
    external_urls: forgiving_list(ExternalUrl, URLS, refused="object without a usable URL") = []  # type: ignore[valid-type]
    tags: Tags = []

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        # A null is no correction, and a later contact_info's null overrides nothing in a merge.
        if isinstance(data, dict) and None in data.values():
            return {key: value for key, value in data.items() if value is not None}
        return data

    def merged_with(self, update: Contact) -> Contact:
        """This contact with every field that `update` actually carries laid over it."""
        changes = {name: value for name in update.model_fields_set if (value := getattr(update, name)) is not None}
        if update.model_extra:
            changes.update(update.model_extra)
        return self.model_copy(update=changes)


class Properties(_Open):
    call_uuid: CallId
    external_number: Number | None = None
    internal_number: Number | None = None
    contact: forgiving(Contact, ignored) | None = None  # type: ignore[valid-type]


class _Event(_Open):
    name: ClassVar[str]
    event: str
    properties: Properties
    _corrections: tuple[Correction, ...] = PrivateAttr(default=())

    @property
    def call_uuid(self) -> str:
        return self.properties.call_uuid

    @property
    def corrections(self) -> tuple[Correction, ...]:
        """What the edge corrected in this message to accept it (empty for a well-formed one)."""
        return self._corrections

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)


class Ringing(_Event):
    """An incoming call starts ringing."""

    name = "ringing"
    event: Literal["ringing"]


class Dialing(_Event):
    """The agent starts an outbound call."""

    name = "dialing"
    event: Literal["dialing"]


class Calling(_Event):
    """The other party answered."""

    name = "calling"
    event: Literal["calling"]


class Hangup(_Event):
    """The agent clicked the red button."""

    name = "hangup"
    event: Literal["hangup"]


class Ended(_Event):
    """The call session is fully over, with or without a hangup before it."""

    name = "ended"
    event: Literal["ended"]


class ContactInfo(_Event):
    """Contact data for the call became available or changed."""

    name = "contact_info"
    event: Literal["contact_info"]


PhoneEvent = Annotated[
    Union[Ringing, Dialing, Calling, Hangup, Ended, ContactInfo],
    Field(discriminator="event"),
]
EVENT_TYPES: dict[str, type[_Event]] = {cls.name: cls for cls in (Ringing, Dialing, Calling, Hangup, Ended, ContactInfo)}

_ADAPTER: TypeAdapter[PhoneEvent] = TypeAdapter(PhoneEvent)


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Rejection:
    """A message that was not accepted, with a reason a person can read."""

    reason: str
    excerpt: str


def excerpt(raw: str) -> str:
    return raw if len(raw) <= EXCERPT_CHARS else raw[:EXCERPT_CHARS] + f"… ({len(raw)} chars)"


def _call_id_problem(error: dict[str, Any]) -> str:
    """What is wrong with a call id, from the first error pydantic reported for it."""
    value = error.get("input")
    if error["type"] == "missing":
        return "missing"
    if isinstance(value, str):
        return "blank" if not value.strip() else f"over {CALL_ID_CHARS} characters"
    if isinstance(value, int) and not isinstance(value, bool):
        return "an integer out of range"
    if isinstance(value, float):
        return f"{value!r}, not an integer"
    return f"{json_kind(value)}, not text or an integer"


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    kind, loc = first["type"], first["loc"]
    if kind == "json_invalid":
        detail = str(first["ctx"]["error"]).split(" at line")[0]
        if detail == "recursion limit exceeded":
            return f"nested too deeply (the limit is {MAX_DEPTH} levels)"
        return f"not JSON ({detail})" if detail else "not JSON"
    if kind == "union_tag_invalid":
        return f"unknown event {first['ctx']['tag']!r}"
    if kind == "union_tag_not_found":
        return "no 'event' field"
    if not loc:
        return "not a JSON object"
    fields = [part for part in loc if isinstance(part, str) and part not in EVENT_TYPES]
    if fields == ["properties"]:
        if kind == "missing":
            return "no 'properties' object"
        return f"'properties' is {json_kind(first.get('input'))}, not an object"
    if fields[:2] == ["properties", "call_uuid"]:
        return f"no usable call id: properties.call_uuid is {_call_id_problem(first)}"
    # A safety net: every other field is forgiving, so the models refuse nothing else today.
    return f"{'.'.join(fields)}: {first['msg'][:1].lower()}{first['msg'][1:]}"


# A JSON string escape, scanned left to right so that an escaped backslash is never read as the
# start of the next escape: an escaped backslash, a surrogate pair, or a lone surrogate.
_SURROGATE_ESCAPES = re.compile(
    r"\\\\"  # an escaped backslash
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a surrogate pair
    r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"  # a lone surrogate
)
_REPLACEMENT_ESCAPE = "\\ufffd"  # U+FFFD, the replacement character


def _mend_escaped(text: str) -> tuple[str, int]:
    """Text with each escaped lone surrogate (half an emoji, as JSON.stringify writes it when a
    string was cut in the middle of one) replaced by U+FFFD, and how many there were."""
    mended = 0

    def mend(match: re.Match[str]) -> str:
        nonlocal mended
        if len(match.group()) != len(_REPLACEMENT_ESCAPE):
            return match.group()  # an escaped backslash or a whole pair: as it was
        mended += 1
        return _REPLACEMENT_ESCAPE

    return _SURROGATE_ESCAPES.sub(mend, text), mended


def _broken_characters(count: int, form: str) -> Correction:
    return Correction("message", f"{count} {form} → replaced with U+FFFD", f"{form} replaced")


def parse(raw: object) -> PhoneEvent | Rejection:
    """Turn one raw message into a typed event or a Rejection; never raises on input.

    Strings are validated as JSON. Anything else (an object posted as a raw value) is
    serialised first, so every message passes the same validator. The event's
    `corrections` say what was corrected to accept it.
    """
    if not isinstance(raw, str):
        try:
            raw = json.dumps(raw)
        except (TypeError, ValueError, RecursionError):
            return Rejection("not JSON-serialisable", excerpt(repr(raw)))
    trail = Trail()
    try:
        data = raw.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, which a JS string may hold: UTF-8 cannot
        mended = raw.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        trail.notes.append(_broken_characters(sum(ch == "\ufffd" for ch in mended) - raw.count("\ufffd"), "lone surrogate(s)"))
        data = mended.encode("utf-8")
    if len(data) > MAX_MESSAGE_BYTES:
        return Rejection(f"too large ({len(data)} bytes; the limit is {MAX_MESSAGE_BYTES})", excerpt(raw))
    if not data.strip():
        return Rejection("empty message", "")
    try:
        event = _validate(data, trail)
    except ValidationError as error:
        return Rejection(_describe(error), excerpt(raw))
    except (ValueError, RecursionError) as error:  # a safety net: pydantic-core reports bad input as ValidationError
        return Rejection(f"not valid: {error}"[:120], excerpt(raw))
    if trail.notes:
        event._corrections = tuple(trail.notes)
    return event


def _validate(data: bytes, trail: Trail) -> PhoneEvent:
    try:
        return _ADAPTER.validate_json(data, context=trail)
    except ValidationError:
        text, mended = _mend_escaped(data.decode("utf-8"))  # only rejected messages pay for this scan
        if not mended:
            raise
        trail.notes.append(_broken_characters(mended, "escaped lone surrogate(s)"))
        return _ADAPTER.validate_json(text, context=trail)
