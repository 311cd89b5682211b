"""The CloudTalk phone's postMessage protocol: pydantic models and `parse()`.

Every raw message becomes either a typed event or a `Rejection` with a reason;
nothing past this module sees a dict.

    event = parse('{"event": "ringing", "properties": {"call_uuid": "c1"}}')
    assert isinstance(event, Ringing) and event.call_uuid == "c1"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MAX_MESSAGE_BYTES = 64 * 1024
EXCERPT_CHARS = 200

EVENT_NAMES: tuple[str, ...] = ("ringing", "dialing", "calling", "hangup", "ended", "contact_info")

_Text = Annotated[str, Field(max_length=2000)]
_Items = Annotated[list[_Text], Field(max_length=200)]


class _Open(BaseModel):
    """Unknown extra fields are kept: CloudTalk may add fields at any time."""

    model_config = ConfigDict(extra="allow", frozen=True)


class ExternalUrl(_Open):
    external_system: _Text = ""
    external_url: _Text = ""


class Contact(_Open):
    id: int | _Text | None = None
    name: _Text | None = None
    company: _Text | None = None
    contact_emails: _Items = []
    contact_numbers: _Items = []
    external_urls: Annotated[list[ExternalUrl], Field(max_length=200)] = []
    tags: _Items = []

    def merged_with(self, update: Contact) -> Contact:
        """This contact with every field that `update` actually carries laid over it."""
        changes = {name: getattr(update, name) for name in update.model_fields_set}
        if update.model_extra:
            changes.update(update.model_extra)
        return self.model_copy(update=changes)


class Properties(_Open):
    call_uuid: Annotated[str, Field(min_length=1, max_length=200)]
    external_number: _Text | None = None
    internal_number: _Text | None = None
    contact: Contact | None = None


class _Event(_Open):
    name: ClassVar[str]
    event: str
    properties: Properties

    @property
    def call_uuid(self) -> str:
        return self.properties.call_uuid

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


@dataclass(frozen=True)
class Rejection:
    """A message that was not accepted, with a reason a person can read."""

    reason: str
    excerpt: str


def excerpt(raw: str) -> str:
    return raw if len(raw) <= EXCERPT_CHARS else raw[:EXCERPT_CHARS] + f"… ({len(raw)} chars)"


# Union branches pydantic names in an error's location; they mean nothing to a reader.
_UNION_BRANCHES = frozenset({"int", "str", "float", "bool", "none", "list", "dict"})


def _describe(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    kind = first["type"]
    where = ".".join(str(p) for p in first["loc"] if p not in EVENT_TYPES and p not in _UNION_BRANCHES)
    if kind == "json_invalid":
        detail = str(first.get("ctx", {}).get("error", "")).split(" at line")[0]
        return f"not JSON ({detail})" if detail else "not JSON"
    if kind == "union_tag_invalid":
        return f"unknown event {first.get('ctx', {}).get('tag', '?')!r}"
    if kind == "union_tag_not_found":
        return "no 'event' field"
    if kind in ("model_type", "model_attributes_type", "dict_type") and not where:
        return "not a JSON object"
    message = first["msg"][:1].lower() + first["msg"][1:]
    if kind == "missing":
        message = "field required"
    more = error.error_count() - 1
    return f"{where or 'message'}: {message}" + (f" (+{more} more)" if more else "")


SAMPLE_UUID = "cloudtalk-app-sample"


def samples() -> list[str]:
    """One message of every event with every contact field filled, then one that is rejected."""
    contact = {
        "id": 1, "name": "Sample", "company": "Sample Ltd", "contact_emails": ["a@example.com"],
        "contact_numbers": ["+1"], "tags": ["t"], "external_urls": [{"external_system": "x", "external_url": "https://example.com"}],
    }  # fmt: skip
    properties = {"call_uuid": SAMPLE_UUID, "external_number": "+1", "internal_number": "+2", "contact": contact}
    return [*(json.dumps({"event": name, "properties": properties}) for name in EVENT_NAMES), '{"event": "sample"}']


def parse(raw: object) -> PhoneEvent | Rejection:
    """Turn one raw message into a typed event or a Rejection; never raises on input.

    Strings are validated as JSON. Anything else (an object posted as a raw value)
    is serialised first, so every message passes the same validator.
    """
    if not isinstance(raw, str):
        try:
            raw = json.dumps(raw)
        except (TypeError, ValueError, RecursionError):
            return Rejection("not JSON-serialisable", excerpt(repr(raw)[:EXCERPT_CHARS]))
    size = len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_MESSAGE_BYTES:
        return Rejection(f"too large ({size} bytes; the limit is {MAX_MESSAGE_BYTES})", excerpt(raw))
    if not raw.strip():
        return Rejection("empty message", "")
    try:
        return _ADAPTER.validate_json(raw)
    except ValidationError as error:
        return Rejection(_describe(error), excerpt(raw))
    except (ValueError, RecursionError) as error:  # e.g. nesting deeper than the JSON parser allows
        return Rejection(f"not valid: {error}"[:120], excerpt(raw))

