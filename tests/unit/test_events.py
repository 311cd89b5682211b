"""The protocol edge: the guide's sample, what alone rejects a message, and how every other field degrades."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudtalk.corrections import CALL_ID_CHARS, EMAIL_CHARS, EMAILS, NUMBER_CHARS, NUMBERS, TAGS, TEXT_CHARS, URL_CHARS, URLS
from cloudtalk.events import (
    EVENT_NAMES,
    MAX_DEPTH,
    MAX_MESSAGE_BYTES,
    Contact,
    ContactInfo,
    Rejection,
    Ringing,
    parse,
)
from cloudtalk.samples import samples

from .messages import message, sample_text


def ringing(**properties: Any) -> str:
    return json.dumps({"event": "ringing", "properties": {"call_uuid": "c1", **properties}})


def accepted(raw: str):
    result = parse(raw)
    assert not isinstance(result, Rejection), result
    return result


def notes(event) -> list[str]:
    return [str(c) for c in event.corrections]


# ---------------------------------------------------------------- the well-formed message


def test_the_guides_sample_payload_parses_into_a_typed_ringing_event_with_nothing_corrected():
    event = parse(sample_text())
    assert isinstance(event, Ringing)
    assert event.call_uuid == "12345678-1234-1234-123a-012345a6789b"
    assert event.properties.external_number == "+44 20 3868 0167"
    contact = event.properties.contact
    assert contact is not None
    assert (contact.id, contact.name, contact.company) == (1234, "John Doe", "Company Inc.")
    assert contact.tags == ["VIP", "Europe"]
    assert contact.contact_numbers == ["+44 20 3868 0167", "+44123123123"]
    assert contact.external_urls[0].external_system == "mycrm"
    assert contact.external_urls[0].external_url == "https://mycrm.io/contact/123"
    assert event.corrections == ()


def test_a_plain_object_is_accepted_like_a_json_string():
    event = parse(json.loads(sample_text()))
    assert isinstance(event, Ringing)
    assert event == parse(sample_text())


@pytest.mark.parametrize("name", EVENT_NAMES)
def test_every_event_name_has_its_own_type(name):
    event = parse(message(name))
    assert not isinstance(event, Rejection)
    assert event.name == name == event.event


def test_missing_contact_and_empty_lists_are_normal():
    event = parse(message("contact_info", contact={"name": "A", "tags": [], "contact_emails": []}))
    assert isinstance(event, ContactInfo)
    assert event.properties.contact == Contact(name="A")
    assert event.corrections == ()
    assert parse(message("ringing")).properties.contact is None


def test_unknown_fields_are_kept_not_fatal():
    text = json.dumps({"event": "ringing", "version": 2, "properties": {"call_uuid": "x", "queue": "sales", "contact": {"name": "A", "vip_level": 3}}})
    event = parse(text)
    assert isinstance(event, Ringing)
    assert event.model_extra == {"version": 2}
    assert event.properties.model_extra == {"queue": "sales"}
    assert event.properties.contact.model_extra == {"vip_level": 3}
    assert event.corrections == ()


# ---------------------------------------------------------------- what alone rejects a message


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json at all", "not JSON"),
        ("", "empty message"),
        ("   ", "empty message"),
        ("[1, 2]", "not a JSON object"),
        ("42", "not a JSON object"),
        ('"ringing"', "not a JSON object"),
        ("null", "not a JSON object"),
        (None, "not a JSON object"),
        (7, "not a JSON object"),
        ([1, 2], "not a JSON object"),
        ('{"properties": {"call_uuid": "a"}}', "no 'event' field"),
        ('{"event": "idle", "properties": {"call_uuid": "a"}}', "unknown event 'idle'"),
        ('{"event": "RINGING", "properties": {"call_uuid": "a"}}', "unknown event 'RINGING'"),
        ('{"event": 5, "properties": {"call_uuid": "a"}}', "unknown event '5'"),
        ('{"event": "ringing"}', "no 'properties' object"),
        ('{"event": "ringing", "properties": null}', "'properties' is null, not an object"),
        ('{"event": "ringing", "properties": "x"}', "'properties' is text, not an object"),
        ('{"event": "ringing", "properties": [{"call_uuid": "a"}]}', "'properties' is array, not an object"),
        ('{"event": "ringing", "properties": {}}', "no usable call id: properties.call_uuid is missing"),
        ('{"event": "ringing", "properties": {"call_uuid": null}}', "no usable call id: properties.call_uuid is null, not text or an integer"),
        ('{"event": "ringing", "properties": {"call_uuid": ""}}', "no usable call id: properties.call_uuid is blank"),
        ('{"event": "ringing", "properties": {"call_uuid": " \\t "}}', "no usable call id: properties.call_uuid is blank"),
        ('{"event": "ringing", "properties": {"call_uuid": true}}', "no usable call id: properties.call_uuid is boolean, not text or an integer"),
        ('{"event": "ringing", "properties": {"call_uuid": 1.5}}', "no usable call id: properties.call_uuid is 1.5, not an integer"),
        ('{"event": "ringing", "properties": {"call_uuid": {"id": 1}}}', "no usable call id: properties.call_uuid is object, not text or an integer"),
        ('{"event": "ringing", "properties": {"call_uuid": ["a"]}}', "no usable call id: properties.call_uuid is array, not text or an integer"),
        ('{"event": "ringing", "properties": {"call_uuid": 99999999999999999999}}', "no usable call id: properties.call_uuid is an integer out of range"),
        (json.dumps({"event": "ringing", "properties": {"call_uuid": "x" * (CALL_ID_CHARS + 1)}}), "no usable call id: properties.call_uuid is over 200 characters"),
    ],
)
def test_only_these_reject_a_message_each_with_a_readable_reason(raw, reason):
    result = parse(raw)
    assert isinstance(result, Rejection)
    assert result.reason.startswith(reason), result.reason


@pytest.mark.parametrize(("call_uuid", "expected"), [(42, "42"), (-7, "-7"), (0, "0"), ("  spaced  ", "  spaced  "), ("x" * CALL_ID_CHARS, "x" * CALL_ID_CHARS)])
def test_a_call_id_may_be_text_or_an_integer_which_becomes_its_decimal_string(call_uuid, expected):
    event = accepted(json.dumps({"event": "ended", "properties": {"call_uuid": call_uuid}}))
    assert event.call_uuid == expected
    assert event.corrections == ()


def test_the_size_cap_counts_utf8_bytes_not_characters():
    padding = '{"event": "ringing", "properties": {"call_uuid": "c", "note": ""}}'
    room = MAX_MESSAGE_BYTES - len(padding)
    at_the_limit = padding.replace('"note": ""', '"note": "' + "é" * (room // 2) + "a" * (room % 2) + '"')
    assert len(at_the_limit.encode()) == MAX_MESSAGE_BYTES
    assert not isinstance(parse(at_the_limit), Rejection)
    over = at_the_limit.replace("a\"", "é\"") if room % 2 else at_the_limit.replace("é\"", "éa\"")
    assert len(over) < MAX_MESSAGE_BYTES < len(over.encode())
    result = parse(over)
    assert isinstance(result, Rejection)
    assert result.reason == f"too large ({len(over.encode())} bytes; the limit is {MAX_MESSAGE_BYTES})"


def test_oversized_input_is_rejected_without_parsing_and_excerpted():
    raw = message("ringing", name="x" * MAX_MESSAGE_BYTES)
    result = parse(raw)
    assert isinstance(result, Rejection)
    assert result.reason.startswith("too large")
    assert len(result.excerpt) < 300


def nested_contact(levels: int) -> str:
    return '{"event": "ringing", "properties": {"call_uuid": "c", "contact": ' + "[" * levels + "]" * levels + "}}"


def test_nesting_up_to_the_readers_limit_is_read_and_deeper_is_a_rejection_not_a_crash():
    assert parse(nested_contact(150)).properties.contact is None
    for raw in (nested_contact(MAX_DEPTH), "[" * 30_000 + "]" * 30_000):
        result = parse(raw)
        assert isinstance(result, Rejection)
        assert result.reason == f"nested too deeply (the limit is {MAX_DEPTH} levels)"


def test_unserialisable_objects_are_rejected():
    loop: list = []
    loop.append(loop)
    assert isinstance(parse(loop), Rejection)
    assert isinstance(parse({1j: 2}), Rejection)


# ---------------------------------------------------------------- every other field degrades on its own

CUT = "…"


@pytest.mark.parametrize(
    ("properties", "read", "expected", "corrections"),
    [
        # null means absent, and is no correction
        ({"contact": {"tags": None, "name": None, "contact_emails": None}}, lambda p: (p.contact.tags, p.contact.name, p.contact.contact_emails), ([], None, []), []),
        ({"external_number": None, "contact": None}, lambda p: (p.external_number, p.contact), (None, None), []),
        ({"contact": {"external_urls": [{"external_system": None, "external_url": "https://a"}]}}, lambda p: p.contact.external_urls[0].external_system, "", []),
        # numbers in text fields become text
        ({"contact": {"contact_numbers": [442038680167, "+1"]}}, lambda p: p.contact.contact_numbers, ["442038680167", "+1"],
         ['properties.contact.contact_numbers[0]: number → "442038680167"']),
        ({"external_number": 442038680167}, lambda p: p.external_number, "442038680167", ['properties.external_number: number → "442038680167"']),
        ({"internal_number": 1.5}, lambda p: p.internal_number, "1.5", ['properties.internal_number: number → "1.5"']),
        ({"internal_number": 4.0}, lambda p: p.internal_number, "4", ['properties.internal_number: number → "4"']),
        ({"contact": {"name": 42}}, lambda p: p.contact.name, "42", ['properties.contact.name: number → "42"']),
        ({"contact": {"id": 12.5}}, lambda p: p.contact.id, "12.5", ['properties.contact.id: number → "12.5"']),
        ({"contact": {"id": "crm-12"}}, lambda p: p.contact.id, "crm-12", []),
        ({"contact": {"id": 1234}}, lambda p: p.contact.id, 1234, []),
        # a single value where a list is expected becomes a list of one
        ({"contact": {"tags": "VIP"}}, lambda p: p.contact.tags, ["VIP"], ["properties.contact.tags: text → list of one"]),
        ({"contact": {"contact_emails": "a@b.example"}}, lambda p: p.contact.contact_emails, ["a@b.example"],
         ["properties.contact.contact_emails: text → list of one"]),
        ({"contact": {"contact_numbers": 5}}, lambda p: p.contact.contact_numbers, ["5"],
         ["properties.contact.contact_numbers: number → list of one", 'properties.contact.contact_numbers[0]: number → "5"']),
        ({"contact": {"external_urls": {"external_system": "a", "external_url": "https://a"}}}, lambda p: [u.external_url for u in p.contact.external_urls],
         ["https://a"], ["properties.contact.external_urls: object → list of one"]),
        # items that cannot be read are dropped; the others stay, in order
        ({"contact": {"tags": ["a", None, [1], True, "b"]}}, lambda p: p.contact.tags, ["a", "b"],
         ["properties.contact.tags[1]: null → dropped", "properties.contact.tags[2]: array → dropped", "properties.contact.tags[3]: boolean → dropped"]),
        ({"contact": {"contact_emails": [{"address": "x"}, "ok@example.com"]}}, lambda p: p.contact.contact_emails, ["ok@example.com"],
         ["properties.contact.contact_emails[0]: object → dropped"]),
        # a tag object becomes its name
        ({"contact": {"tags": [{"id": 1, "name": "VIP"}, "Europe"]}}, lambda p: p.contact.tags, ["VIP", "Europe"], ['properties.contact.tags[0]: object → "VIP"']),
        ({"contact": {"tags": [{"id": 1, "name": 7}]}}, lambda p: p.contact.tags, ["7"], ['properties.contact.tags[0]: object → "7"']),
        ({"contact": {"tags": [{"id": 1}, {"name": " "}, "x"]}}, lambda p: p.contact.tags, ["x"],
         ["properties.contact.tags[0]: object without a name → dropped", "properties.contact.tags[1]: object without a name → dropped"]),
        # an external URL item with no usable URL is dropped
        ({"contact": {"external_urls": [{"external_system": "crm", "external_url": None}, {"external_system": "ok", "external_url": "https://ok"}]}},
         lambda p: [u.external_system for u in p.contact.external_urls], ["ok"],
         ["properties.contact.external_urls[0]: object without a usable URL → dropped"]),
        ({"contact": {"external_urls": [{"external_url": ""}, {"external_url": "  "}, {"external_url": 5}, {"external_system": "x"}, "https://bare"]}},
         lambda p: p.contact.external_urls, [],
         [f"properties.contact.external_urls[{i}]: object without a usable URL → dropped" for i in range(4)]
         + ["properties.contact.external_urls[4]: text → dropped"]),
        ({"contact": {"external_urls": [{"external_url": "https://x/" + "a" * URL_CHARS}]}}, lambda p: p.contact.external_urls, [],
         ["properties.contact.external_urls[0]: object without a usable URL → dropped"]),
        ({"contact": {"external_urls": [{"external_system": "ok", "external_url": "https://a"}, {"external_system": 5, "external_url": "https://b"}]}},
         lambda p: [u.external_system for u in p.contact.external_urls], ["ok", "5"],
         ['properties.contact.external_urls[1].external_system: number → "5"']),
        # over-long text is cut, with an ellipsis
        ({"contact": {"company": "x" * 3000}}, lambda p: p.contact.company, "x" * (TEXT_CHARS - 1) + CUT,
         [f"properties.contact.company: 3000 characters → cut to {TEXT_CHARS}"]),
        ({"external_number": "1" * 100}, lambda p: p.external_number, "1" * (NUMBER_CHARS - 1) + CUT, [f"properties.external_number: 100 characters → cut to {NUMBER_CHARS}"]),
        ({"contact": {"contact_emails": ["e" * 300]}}, lambda p: p.contact.contact_emails, ["e" * (EMAIL_CHARS - 1) + CUT],
         [f"properties.contact.contact_emails[0]: 300 characters → cut to {EMAIL_CHARS}"]),
        ({"contact": {"tags": ["t" * 300, "VIP"]}}, lambda p: p.contact.tags, ["t" * (TEXT_CHARS - 1) + CUT, "VIP"],
         [f"properties.contact.tags[0]: 300 characters → cut to {TEXT_CHARS}"]),
        ({"contact": {"name": "n" * TEXT_CHARS}}, lambda p: p.contact.name, "n" * TEXT_CHARS, []),
        # over-long lists are cut
        ({"contact": {"tags": [f"t{i}" for i in range(TAGS + 30)]}}, lambda p: p.contact.tags, [f"t{i}" for i in range(TAGS)],
         [f"properties.contact.tags: {TAGS + 30} items → cut to {TAGS}"]),
        ({"contact": {"contact_numbers": ["1"] * (NUMBERS + 1), "contact_emails": ["a@b"] * (EMAILS + 2)}},
         lambda p: (len(p.contact.contact_numbers), len(p.contact.contact_emails)), (NUMBERS, EMAILS),
         [f"properties.contact.contact_emails: {EMAILS + 2} items → cut to {EMAILS}", f"properties.contact.contact_numbers: {NUMBERS + 1} items → cut to {NUMBERS}"]),
        ({"contact": {"external_urls": [{"external_url": f"https://u/{i}"} for i in range(URLS + 5)]}}, lambda p: len(p.contact.external_urls), URLS,
         [f"properties.contact.external_urls: {URLS + 5} items → cut to {URLS}"]),
        # a contact that is not an object is ignored; so is any other unreadable field
        ({"contact": "John"}, lambda p: p.contact, None, ["properties.contact: text → ignored"]),
        ({"contact": [{"name": "John"}]}, lambda p: p.contact, None, ["properties.contact: array → ignored"]),
        ({"contact": {"name": ["x"], "company": {"n": 1}, "id": True}}, lambda p: (p.contact.name, p.contact.company, p.contact.id), (None, None, None),
         ["properties.contact.id: boolean → dropped", "properties.contact.name: array → dropped", "properties.contact.company: object → dropped"]),
        ({"internal_number": {"a": 1}}, lambda p: p.internal_number, None, ["properties.internal_number: object → dropped"]),
    ],
)
def test_every_other_field_degrades_on_its_own_and_the_correction_is_noted(properties, read, expected, corrections):
    event = accepted(ringing(**properties))
    assert event.call_uuid == "c1"
    assert read(event.properties) == expected
    assert sorted(notes(event)) == sorted(corrections)


def test_the_issues_five_odd_messages_are_all_accepted():
    odd = [
        {"tags": None},
        {"contact_numbers": [442038680167]},
        {"tags": [{"id": 1, "name": "VIP"}]},
        {"external_urls": [{"external_system": "mycrm", "external_url": None}]},
        {"company": "C" * 3000},
    ]
    for contact in odd:
        event = accepted(ringing(external_number="+44 20 3868 0167", contact={"name": "John Doe", **contact}))
        assert event.properties.contact.name == "John Doe"


def test_corrections_carry_the_rule_they_applied_for_counting_repeats():
    event = accepted(ringing(contact={"tags": [{"name": "A"}, {"name": "B"}]}))
    assert [(c.path, c.rule) for c in event.corrections] == [
        ("properties.contact.tags[0]", "tag object → its name"),
        ("properties.contact.tags[1]", "tag object → its name"),
    ]
    assert [c.change for c in event.corrections] == ['object → "A"', 'object → "B"']


def test_a_long_value_is_quoted_short_in_its_correction():
    event = accepted(ringing(contact={"tags": [{"name": "v" * 100}]}))
    (correction,) = event.corrections
    assert correction.change == 'object → "' + "v" * 39 + '…"'
    assert event.properties.contact.tags == ["v" * 100]


def test_models_built_directly_degrade_the_same_way_without_noting():
    contact = Contact.model_validate({"tags": [{"name": "VIP"}], "contact_numbers": 5, "external_urls": [{"external_url": None}], "name": None})
    assert (contact.tags, contact.contact_numbers, contact.external_urls, contact.name) == (["VIP"], ["5"], [], None)


def test_a_null_in_a_later_update_overrides_nothing():
    old = Contact(name="John", company="Co", tags=["VIP"])
    update = accepted(message("contact_info", contact={"name": None, "company": "New Co", "tags": None})).properties.contact
    merged = old.merged_with(update)
    assert (merged.name, merged.company, merged.tags) == ("John", "New Co", ["VIP"])


def test_an_unreadable_value_in_a_later_update_overrides_nothing():
    old = Contact(name="John", company="Co")
    update = accepted(message("contact_info", contact={"name": ["?"], "company": "New Co"})).properties.contact
    assert old.merged_with(update).name == "John"


def test_contact_merge_keeps_old_fields_and_lays_new_ones_over():
    old = Contact(name="John", company="Co", tags=["VIP"])
    new = Contact.model_validate({"name": "John Doe", "tags": ["VIP", "Europe"], "crm_score": 3})
    merged = old.merged_with(new)
    assert (merged.name, merged.company, merged.tags) == ("John Doe", "Co", ["VIP", "Europe"])
    assert merged.model_extra == {"crm_score": 3}
    assert old.merged_with(Contact.model_validate({"tags": []})).tags == [], "an empty list is an update"


def test_the_worst_message_that_fits_stays_small():
    # As many items as fit in 64 KiB, each as long as it can be: the caps bound what is kept.
    big = {"name": "n" * 5000, "company": "c" * 5000, "tags": [{"name": "t" * 300}] * 300, "contact_numbers": ["1" * 80] * 100,
           "contact_emails": ["e" * 260] * 40, "external_urls": [{"external_system": "s" * 300, "external_url": "https://x"}] * 100}
    raw = ringing(external_number="9" * 5000, contact=big)
    while len(raw.encode()) > MAX_MESSAGE_BYTES:
        big["tags"] = big["tags"][:-10]
        big["external_urls"] = big["external_urls"][:-5]
        raw = ringing(external_number="9" * 5000, contact=big)
    contact = accepted(raw).properties.contact
    kept = json.dumps(contact.model_dump(mode="json"))
    assert len(kept) < 25_000
    assert len(contact.tags) <= TAGS and len(contact.external_urls) <= URLS


def test_samples_cover_every_event_a_correcting_message_and_one_rejection():
    results = [parse(raw) for raw in samples()]
    accepted_ = [r for r in results if not isinstance(r, Rejection)]
    for event in accepted_:
        assert event.properties.model_fields_set == {"call_uuid", "external_number", "internal_number", "contact"}
        assert event.properties.contact.model_fields_set == set(Contact.model_fields), "every contact field is exercised"
        assert event.properties.contact.external_urls[0].model_fields_set == {"external_system", "external_url"}
        assert not event.properties.contact.model_extra
    assert [e.name for e in accepted_] == [*EVENT_NAMES, "contact_info"]
    assert all(e.properties.contact is not None and e.properties.contact.external_urls for e in accepted_), "the full contact shape"
    assert [bool(e.corrections) for e in accepted_] == [False] * len(EVENT_NAMES) + [True]
    assert accepted_[-1].properties.contact == accepted_[0].properties.contact, "the odd sample reads back as the plain one"
    assert [r.reason for r in results if isinstance(r, Rejection)] == ["unknown event 'sample'"]


# ---------------------------------------------------------------- broken characters, and the safety nets


@pytest.mark.parametrize(
    ("escaped", "name"),
    [
        (r"Jan\ud83d", "Jan\ufffd"),  # a name cut in the middle of an emoji, as JSON.stringify writes it
        (r"\udc00x", "\ufffdx"),
        (r"A\ud800\u0041", "A\ufffdA"),
        (r"\ud800\ud800\udc00", "\ufffd\U00010000"),
        (r"\\ud800 \ud800", "\\ud800 \ufffd"),  # an escaped backslash before 'ud800' is text, not an escape
        (r"Ann\ud83d & Bo\ud83d", "Ann\ufffd & Bo\ufffd"),
    ],
)
def test_escaped_lone_surrogates_are_replaced_not_fatal(escaped, name):
    raw = '{"event": "ringing", "properties": {"call_uuid": "c", "contact": {"name": "' + escaped + '"}}}'
    event = accepted(raw)
    assert event.properties.contact.name == name
    (correction,) = event.corrections
    assert (correction.path, correction.rule) == ("message", "escaped lone surrogate(s) replaced")
    assert correction.change == f"{name.count(chr(0xFFFD))} escaped lone surrogate(s) → replaced with U+FFFD"


def test_a_message_with_a_broken_character_still_has_its_other_corrections():
    event = accepted('{"event": "ringing", "properties": {"call_uuid": "c", "contact": {"name": "A\\ud800", "tags": "VIP"}}}')
    assert [c.path for c in event.corrections] == ["message", "properties.contact.tags"]


def test_raw_lone_surrogates_in_a_js_string_are_replaced_not_fatal():
    event = accepted('{"event": "ringing", "properties": {"call_uuid": "c", "contact": {"name": "A\ud800B\ufffd \ud83d\ude00"}}}')
    assert event.properties.contact.name == "A\ufffdB\ufffd 😀"
    assert [str(c) for c in event.corrections] == ["message: 1 lone surrogate(s) → replaced with U+FFFD"]


def test_a_bad_escape_that_is_no_surrogate_still_rejects_as_not_json():
    result = parse('{"event": "ringing", "properties": {"call_uuid": "c", "contact": {"name": "\\u12"}}}')
    assert isinstance(result, Rejection) and result.reason.startswith("not JSON (")


def test_an_empty_message_has_an_empty_excerpt_and_an_unserialisable_object_says_so():
    assert parse("  \n") == Rejection("empty message", "")
    loop: list = []
    loop.append(loop)
    assert parse(loop) == Rejection("not JSON-serialisable", "[[...]]")


@pytest.mark.parametrize("failure", [ValueError("odd input"), RecursionError("too deep")])
def test_a_validator_that_raises_something_unexpected_rejects_instead_of_crashing(monkeypatch, failure):
    import cloudtalk.events as events

    def explode(*_args: Any, **_kw: Any) -> Any:
        raise failure

    monkeypatch.setattr(events._ADAPTER, "validate_json", explode)
    assert parse('{"event": "ringing"}') == Rejection(f"not valid: {failure}", '{"event": "ringing"}')


def test_an_excerpt_keeps_two_hundred_characters_and_says_how_long_the_message_was():
    from cloudtalk.events import EXCERPT_CHARS, excerpt

    assert excerpt("x" * EXCERPT_CHARS) == "x" * EXCERPT_CHARS
    assert excerpt("x" * (EXCERPT_CHARS + 1)) == "x" * EXCERPT_CHARS + f"… ({EXCERPT_CHARS + 1} chars)"


@pytest.mark.parametrize(
    ("properties", "rules"),
    [
        ({"contact": {"tags": "VIP"}}, ["text → list of one"]),
        ({"contact": {"tags": [f"t{i}" for i in range(TAGS + 1)]}}, ["list cut"]),
        ({"contact": {"tags": [None, [], True]}}, ["null dropped", "array dropped", "boolean dropped"]),
        ({"contact": {"contact_emails": [{"a": 1}]}}, ["object dropped"]),
        ({"contact": {"contact_numbers": [False]}}, ["boolean dropped"]),
        ({"contact": {"external_urls": [{"external_url": None}, 5]}}, ["object without a usable URL item dropped", "number item dropped"]),
        ({"contact": {"name": "n" * 300, "company": 7}}, ["text cut", "number → text"]),
        ({"contact": {"tags": [{"name": "x"}, {"id": 2}]}}, ["tag object → its name", "tag object without a name dropped"]),
        ({"contact": 5}, ["number ignored"]),
        ({"internal_number": {"n": 1}}, ["object dropped"]),
    ],
)
def test_each_correction_names_its_rule_which_repeats_are_counted_by(properties, rules):
    assert [c.rule for c in accepted(ringing(**properties)).corrections] == rules


def test_values_exactly_at_a_cap_are_kept_whole():
    event = accepted(ringing(external_number=int("9" * NUMBER_CHARS), contact={
        "tags": [{"name": "t" * TEXT_CHARS}] + [str(i) for i in range(TAGS - 1)],
    }))
    assert event.properties.external_number == "9" * NUMBER_CHARS
    assert event.properties.contact.tags[0] == "t" * TEXT_CHARS
    assert len(event.properties.contact.tags) == TAGS
    assert [c.rule for c in event.corrections] == ["number → text", "tag object → its name"], "no list cut at exactly the cap"


def test_a_value_quoted_in_a_correction_is_shown_whole_up_to_forty_characters():
    event = accepted(ringing(contact={"tags": [{"name": "v" * 40}]}))
    assert event.corrections[0].change == 'object → "' + "v" * 40 + '"'


@pytest.mark.parametrize(("number", "text"), [(1e16, "1e+16"), (9007199254740992.0, "9007199254740992"), (-3.0, "-3"), (0.5, "0.5")])
def test_numbers_read_as_text_the_way_they_were_written(number, text):
    assert accepted(ringing(internal_number=number)).properties.internal_number == text


def test_reasons_read_well_for_what_pydantic_might_report_one_day():
    from pydantic_core import ValidationError as CoreError

    from cloudtalk.events import _describe

    def error(kind: str, loc: tuple, **ctx: Any) -> CoreError:
        line = {"type": kind, "loc": loc, "input": "x"}
        if ctx:
            line["ctx"] = ctx
        return CoreError.from_exception_data("PhoneEvent", [line])

    assert _describe(error("json_invalid", (), error="")) == "not JSON"
    assert _describe(error("json_invalid", (), error="EOF while parsing a value at line 1 column 5")) == "not JSON (EOF while parsing a value)"
    assert _describe(error("missing", ("ringing", "properties", "contact", "name"))) == "properties.contact.name: field required"
