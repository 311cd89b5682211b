"""Screen pop without code: templates are checked when saved and filled in, URL-encoded, per call."""

from __future__ import annotations

import pytest

from cloudtalk.calls import step
from cloudtalk.screen_pop import TEMPLATE_CHARS, expand, problem

from .messages import event

CALL = step(None, event("ringing", "c/1 ?", contact={"id": 42, "name": "Zoë & Co"}), at=0)


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("", None),
        ("https://crm.example/search?q={number}", None),
        ("HTTPS://crm.example/{contact_id}", None),
        ("http://crm.example/{number}", "the address must start with https://"),
        ("javascript:alert({number})", "the address must start with https://"),
        ("https://crm.example/{phone}", "unknown placeholder {phone}; use {number}, {name}, {contact_id}, {call_uuid}, {partner}"),
        ("https://crm.example/" + "x" * TEMPLATE_CHARS, f"use at most {TEMPLATE_CHARS} characters"),
        ("https://crm.example/" + "x" * (TEMPLATE_CHARS - 20), None),  # exactly at the cap
    ],
)
def test_a_template_must_be_https_with_known_placeholders(template, reason):
    assert problem(template) == reason


def test_every_placeholder_is_filled_in_and_url_encoded():
    url = expand("https://crm.example/c?n={number}&who={name}&id={contact_id}&call={call_uuid}&via={partner}", CALL, "my crm")
    assert url == "https://crm.example/c?n=%2B442038680167&who=Zo%C3%AB%20%26%20Co&id=42&call=c%2F1%20%3F&via=my%20crm"


def test_missing_values_fill_in_empty_and_an_unusable_template_gives_nothing():
    unknown = step(None, event("ringing", "u", external_number=None), at=0)
    assert expand("https://crm.example/{number}/{name}/{contact_id}", unknown, "p") == "https://crm.example///"
    assert expand("", CALL, "p") is None
    assert expand("http://crm.example/{number}", CALL, "p") is None


def test_a_number_that_cannot_be_normalized_is_passed_as_it_is():
    odd = step(None, event("ringing", "o", external_number="ext 12"), at=0)
    assert expand("https://crm.example/?q={number}", odd, "p") == "https://crm.example/?q=ext%2012"
