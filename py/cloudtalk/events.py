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
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    Strict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

MAX_MESSAGE_BYTES = 64 * 1024
# pydantic-core's JSON reader refuses deeper nesting. A safety limit worth keeping: Python's own
# json module, given 20,000 levels in Pyodide, overflows the browser's stack and kills the runtime.
MAX_DEPTH = 200
EXCERPT_CHARS = 200

EVENT_NAMES: tuple[str, ...] = ("ringing", "dialing", "calling", "hangup", "ended", "contact_info")

# Caps. The 64 KiB message cap bounds everything anyway; these keep one message's worth of
# contact to at most 110 short list items, so the card, the timeline and each stored record
# stay small whatever the phone sends.
CALL_ID_CHARS = 200
TEXT_CHARS = 200  # names, companies, tags, external systems, text ids
NUMBER_CHARS = 64  # phone numbers
EMAIL_CHARS = 254  # the longest address SMTP allows
URL_CHARS = 2048  # a longer URL is dropped, not cut: a cut URL leads nowhere
EMAILS, NUMBERS, URLS, TAGS = 20, 20, 20, 50  # list items kept
SHOWN_CHARS = 40  # of a value quoted in a correction


# ---------------------------------------------------------------- corrections


@dataclass(frozen=True)
class Correction:
    """One field the edge corrected: where, what was done, and the rule (repeats are counted by it)."""

    path: str  # properties.contact.tags[0]
    change: str  # object → "VIP"
    rule: str  # tag object → its name

    def __str__(self) -> str:
        return f"{self.path}: {self.change}"


class _Trail:
    """The validation context of one parse(): the corrections so far, and the list item being read."""

    def __init__(self) -> None:
        self.notes: list[Correction] = []
        self.item: str | None = None  # path of the list item a list's item-by-item pass is reading


_DROPPED = None  # what a correction returns for a value that cannot be read: absent


def _json_kind(value: object) -> str:
    """The JSON name of a value's type, as a reader of the payload would say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return "array" if isinstance(value, list) else "object"


def _shown(text: str) -> str:
    short = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
    return json.dumps(short, ensure_ascii=False)


def _cut(text: str, cap: int) -> str:
    return text if len(text) <= cap else text[: cap - 1] + "…"


# A rule turns a value the strict type refused into (value or _DROPPED, what was done, rule name).
Rule = Callable[[Any], tuple[Any, str, str]]


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() and abs(value) < 1e16 else str(value)


def _text(value: Any, cap: int) -> tuple[Any, str, str]:
    """Text: cut to `cap` with an ellipsis, a number as its text; anything else is dropped."""
    if isinstance(value, str):
        return _cut(value, cap), f"{len(value)} characters → cut to {cap}", "text cut"
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
        return _cut(text, cap), f"number → {_shown(text)}", "number → text"
    return _DROPPED, f"{_json_kind(value)} → dropped", f"{_json_kind(value)} dropped"


def _tag(value: Any) -> tuple[Any, str, str]:
    """A tag: read as any text, except that a tag object ({"id": 1, "name": "VIP"}) becomes its name."""
    if not isinstance(value, dict):
        return _text(value, TEXT_CHARS)
    name = value.get("name")
    if isinstance(name, int | float) and not isinstance(name, bool):
        name = _number_text(name)
    if isinstance(name, str) and name.strip():
        name = _cut(name, TEXT_CHARS)
        return name, f"object → {_shown(name)}", "tag object → its name"
    return _DROPPED, "object without a name → dropped", "tag object without a name dropped"


def _ignored(value: Any) -> tuple[Any, str, str]:
    return _DROPPED, f"{_json_kind(value)} → ignored", f"{_json_kind(value)} ignored"


# Where each model (by class name, which pydantic gives validators as the config's title) sits
# in a message, for the paths of its corrections. A model that is a list item has no fixed
# place: its list's item-by-item pass says which item it is.
_PLACE: dict[str, str | None] = {"Properties": "properties", "Contact": "properties.contact", "ExternalUrl": None}


class _NeedsIndexError(Exception):
    pass


def _path(info: ValidationInfo, trail: _Trail) -> str:
    if info.field_name is None:  # a list item, read by its list's item-by-item pass
        return str(trail.item)
    place = _PLACE[(info.config or {})["title"]]
    if place is None:
        if trail.item is None:
            raise _NeedsIndexError
        place = trail.item
    return f"{place}.{info.field_name}"


def _trail(info: ValidationInfo) -> _Trail:
    """The parse() under way; models validated directly correct the same way, into a trail nobody reads."""
    return info.context if isinstance(info.context, _Trail) else _Trail()


def _correct(value: Any, info: ValidationInfo, *, rule: Rule, absent: Any) -> Any:
    """The Python side of a forgiving field: a value its strict type refused."""
    if value is None and info.field_name is not None:
        return absent
    trail = _trail(info)
    try:
        path = _path(info, trail)
    except _NeedsIndexError:
        # A field of a list item corrects only where its index is known: refusing here
        # sends the list to its item-by-item pass, which names the item.
        raise PydanticCustomError("needs_index", "corrected item by item") from None
    fixed, change, rule_name = rule(value)
    trail.notes.append(Correction(path, change, rule_name))
    return fixed


def _correct_list(value: Any, info: ValidationInfo, *, read_item: TypeAdapter[Any], cap: int, refused: str) -> list[Any]:
    """The Python side of a forgiving list: a list its strict type refused, read item by item."""
    if value is None:
        return []
    trail = _trail(info)
    where = _path(info, trail)
    if not isinstance(value, list):
        kind = _json_kind(value)
        trail.notes.append(Correction(where, f"{kind} → list of one", f"{kind} → list of one"))
        value = [value]
    if len(value) > cap:
        trail.notes.append(Correction(where, f"{len(value)} items → cut to {cap}", "list cut"))
        value = value[:cap]
    kept = []
    for index, raw in enumerate(value):
        trail.item = f"{where}[{index}]"
        try:
            read = read_item.validate_python(raw, context=trail)
        except ValidationError:
            kind = refused if isinstance(raw, dict) else _json_kind(raw)
            trail.notes.append(Correction(trail.item, f"{kind} → dropped", f"{kind} item dropped"))
            continue
        if read is not _DROPPED:
            kept.append(read)
    return kept


# pragma: no mutate start
# These build the annotated types once, at import. mutmut swaps in a mutant when a function is
# called, and these are called only before any test runs, so it cannot test them; the types they
# build are tested through every model test.
def _forgiving(strict: Any, rule: Rule, absent: Any = None) -> Any:
    """`strict`, checked by pydantic-core; only a value it refuses reaches `rule`, in Python.

    Well-formed messages and stored records therefore never leave pydantic-core, and the
    Python side runs only for the odd field, where it corrects and notes what it did.
    A null means absent: it reads as `absent`, and is no correction.
    """
    correct = PlainValidator(partial(_correct, rule=rule, absent=absent))
    return Annotated[Union[strict, Annotated[Any, correct]], Field(union_mode="left_to_right")]


def _forgiving_list(strict_item: Any, cap: int, forgiving_item: Any = None, refused: str = "unreadable object") -> Any:
    """A list: a single value becomes a list of one, items past `cap` are cut, and items that
    cannot be read are dropped. Checked by pydantic-core first, with `strict_item`; only a list
    it refuses is read item by item, with `forgiving_item`, which knows each item's index.
    `refused` says why an object item that the item type refuses is dropped."""
    read_item = TypeAdapter(forgiving_item if forgiving_item is not None else strict_item)
    correct = PlainValidator(partial(_correct_list, read_item=read_item, cap=cap, refused=refused))
    return Annotated[
        Union[Annotated[list[strict_item], Field(max_length=cap)], Annotated[Any, correct]],
        Field(union_mode="left_to_right"),
    ]


def _within(cap: int) -> Any:
    return Annotated[str, Strict(), Field(max_length=cap)]


# pragma: no mutate end


_Text = _forgiving(_within(TEXT_CHARS), partial(_text, cap=TEXT_CHARS))
_System = _forgiving(_within(TEXT_CHARS), partial(_text, cap=TEXT_CHARS), absent="")
_Number = _forgiving(_within(NUMBER_CHARS), partial(_text, cap=NUMBER_CHARS))
_Emails = _forgiving_list(_within(EMAIL_CHARS), EMAILS, _forgiving(_within(EMAIL_CHARS), partial(_text, cap=EMAIL_CHARS)))
_Numbers = _forgiving_list(_within(NUMBER_CHARS), NUMBERS, _Number)
_Tags = _forgiving_list(_within(TEXT_CHARS), TAGS, _forgiving(_within(TEXT_CHARS), _tag))
_Url = Annotated[str, Strict(), Field(min_length=1, max_length=URL_CHARS, pattern=r"\S")]
_Id = _forgiving(Union[Annotated[int, Strict()], _within(TEXT_CHARS)], partial(_text, cap=TEXT_CHARS))
_CallId = Union[
    Annotated[str, Strict(), Field(min_length=1, max_length=CALL_ID_CHARS, pattern=r"\S")],
    Annotated[int, Strict(), Field(ge=-(2**63), lt=2**63), AfterValidator(str)],
]


# ---------------------------------------------------------------- the models


class _Open(BaseModel):
    """Unknown extra fields are kept: CloudTalk may add fields at any time."""

    model_config = ConfigDict(extra="allow", frozen=True)


class ExternalUrl(_Open):
    external_system: _System = ""
    external_url: _Url  # an item without a usable URL is dropped from the list


class Contact(_Open):
    id: _Id | None = None
    name: _Text | None = None
    company: _Text | None = None
    contact_emails: _Emails = []
    contact_numbers: _Numbers = []
    external_urls: _forgiving_list(ExternalUrl, URLS, refused="object without a usable URL") = []  # type: ignore[valid-type]
    tags: _Tags = []

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
    call_uuid: _CallId
    external_number: _Number | None = None
    internal_number: _Number | None = None
    contact: _forgiving(Contact, _ignored) | None = None  # type: ignore[valid-type]


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
    return f"{_json_kind(value)}, not text or an integer"


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
        return f"'properties' is {_json_kind(first.get('input'))}, not an object"
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
    trail = _Trail()
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


def _validate(data: bytes, trail: _Trail) -> PhoneEvent:
    try:
        return _ADAPTER.validate_json(data, context=trail)
    except ValidationError:
        text, mended = _mend_escaped(data.decode("utf-8"))  # only rejected messages pay for this scan
        if not mended:
            raise
        trail.notes.append(_broken_characters(mended, "escaped lone surrogate(s)"))
        return _ADAPTER.validate_json(text, context=trail)


SAMPLE_UUID = "cloudtalk-app-sample"
_SAMPLE_CONTACT = {
    "id": 1, "name": "Sample", "company": "Sample Ltd", "contact_emails": ["a@example.com"],
    "contact_numbers": ["+1"], "tags": ["t"], "external_urls": [{"external_system": "x", "external_url": "https://example.com"}],
}  # fmt: skip
# The same contact as the phone might send it oddly: it reads back the same, so the sample call
# is unchanged, but it takes the correcting path.
_SAMPLE_ODDLY = {
    **_SAMPLE_CONTACT, "tags": [{"id": 1, "name": "t"}], "contact_numbers": "+1",
    "external_urls": [{"external_url": None}, *_SAMPLE_CONTACT["external_urls"]],
}  # fmt: skip


_SAMPLE_PROPERTIES = {"call_uuid": SAMPLE_UUID, "external_number": "+1", "internal_number": "+2", "contact": _SAMPLE_CONTACT}


def samples() -> list[str]:
    """One message of every event with every field filled, one that needs corrections, then one that is rejected."""
    return [
        *(json.dumps({"event": name, "properties": _SAMPLE_PROPERTIES}) for name in EVENT_NAMES),
        json.dumps({"event": "contact_info", "properties": {**_SAMPLE_PROPERTIES, "contact": _SAMPLE_ODDLY}}),
        '{"event": "sample"}',
    ]
