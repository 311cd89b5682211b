"""The forgiving fields of the phone's messages: each field's cap, and what is done to a value its strict type refuses.

A well-formed value never leaves pydantic-core. Only a value its strict type refuses reaches a
rule here, in Python, which corrects it (cut, converted, dropped) and notes a `Correction` on the
parse under way, so the message is still accepted and Diagnostics can say what was changed:

    class Contact(BaseModel):
        name: Text | None = None      # a number becomes its text, over-long text is cut
        tags: Tags = []               # a tag object becomes its name, a lone tag a list of one
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Union

from pydantic import AfterValidator, Field, PlainValidator, Strict, TypeAdapter, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

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



@dataclass(frozen=True)
class Correction:
    """One field the edge corrected: where, what was done, and the rule (repeats are counted by it)."""

    path: str  # properties.contact.tags[0]
    change: str  # object → "VIP"
    rule: str  # tag object → its name

    def __str__(self) -> str:
        return f"{self.path}: {self.change}"


class Trail:
    """The validation context of one parse(): the corrections so far, and the list item being read."""

    def __init__(self) -> None:
        self.notes: list[Correction] = []
        self.item: str | None = None  # path of the list item a list's item-by-item pass is reading


_DROPPED = None  # what a correction returns for a value that cannot be read: absent


def json_kind(value: object) -> str:
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
    return _DROPPED, f"{json_kind(value)} → dropped", f"{json_kind(value)} dropped"


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


def ignored(value: Any) -> tuple[Any, str, str]:
    return _DROPPED, f"{json_kind(value)} → ignored", f"{json_kind(value)} ignored"


# Where each model (by class name, which pydantic gives validators as the config's title) sits
# in a message, for the paths of its corrections. A model that is a list item has no fixed
# place: its list's item-by-item pass says which item it is.
_PLACE: dict[str, str | None] = {"Properties": "properties", "Contact": "properties.contact", "ExternalUrl": None}


class _NeedsIndexError(Exception):
    pass


def _path(info: ValidationInfo, trail: Trail) -> str:
    if info.field_name is None:  # a list item, read by its list's item-by-item pass
        return str(trail.item)
    place = _PLACE[(info.config or {})["title"]]
    if place is None:
        if trail.item is None:
            raise _NeedsIndexError
        place = trail.item
    return f"{place}.{info.field_name}"


def _trail(info: ValidationInfo) -> Trail:
    """The parse() under way; models validated directly correct the same way, into a trail nobody reads."""
    return info.context if isinstance(info.context, Trail) else Trail()


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
        kind = json_kind(value)
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
            kind = refused if isinstance(raw, dict) else json_kind(raw)
            trail.notes.append(Correction(trail.item, f"{kind} → dropped", f"{kind} item dropped"))
            continue
        if read is not _DROPPED:
            kept.append(read)
    return kept


# pragma: no mutate start
# These build the annotated types once, at import. mutmut swaps in a mutant when a function is
# called, and these are called only before any test runs, so it cannot test them; the types they
# build are tested through every model test.
def forgiving(strict: Any, rule: Rule, absent: Any = None) -> Any:
    """`strict`, checked by pydantic-core; only a value it refuses reaches `rule`, in Python.

    Well-formed messages and stored records therefore never leave pydantic-core, and the
    Python side runs only for the odd field, where it corrects and notes what it did.
    A null means absent: it reads as `absent`, and is no correction.
    """
    correct = PlainValidator(partial(_correct, rule=rule, absent=absent))
    return Annotated[Union[strict, Annotated[Any, correct]], Field(union_mode="left_to_right")]


def forgiving_list(strict_item: Any, cap: int, forgiving_item: Any = None, refused: str = "unreadable object") -> Any:
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


Text = forgiving(_within(TEXT_CHARS), partial(_text, cap=TEXT_CHARS))
System = forgiving(_within(TEXT_CHARS), partial(_text, cap=TEXT_CHARS), absent="")
Number = forgiving(_within(NUMBER_CHARS), partial(_text, cap=NUMBER_CHARS))
Emails = forgiving_list(_within(EMAIL_CHARS), EMAILS, forgiving(_within(EMAIL_CHARS), partial(_text, cap=EMAIL_CHARS)))
Numbers = forgiving_list(_within(NUMBER_CHARS), NUMBERS, Number)
Tags = forgiving_list(_within(TEXT_CHARS), TAGS, forgiving(_within(TEXT_CHARS), _tag))
Url = Annotated[str, Strict(), Field(min_length=1, max_length=URL_CHARS, pattern=r"\S")]
Id = forgiving(Union[Annotated[int, Strict()], _within(TEXT_CHARS)], partial(_text, cap=TEXT_CHARS))
CallId = Union[
    Annotated[str, Strict(), Field(min_length=1, max_length=CALL_ID_CHARS, pattern=r"\S")],
    Annotated[int, Strict(), Field(ge=-(2**63), lt=2**63), AfterValidator(str)],
]
