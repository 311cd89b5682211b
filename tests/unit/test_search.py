"""Search by name or number: a call's index words, what a query asks, and that an index's key range never misses a call."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudtalk.calls import annotate, step
from cloudtalk.search import HIGH, MAX_WORDS, WORD_CHARS, call_words, matches, note_words, parse_query, words

from .messages import event


def ann() -> object:
    call = step(None, event("ringing", "a1", external_number="+44 20 3868 0167",
                            contact={"name": "Ann-Marie O'Neil", "company": "Acme Ltd"}), at=0)
    return annotate(call, note="Renewal in MARCH, call after 5", disposition="Follow up", at=1)


def test_a_calls_words_are_its_names_and_companys_words_and_its_numbers_suffixes():
    call = ann()
    suffixes = ["#442038680167", "#42038680167", "#2038680167", "#038680167", "#38680167", "#8680167", "#680167",
                "#80167", "#0167", "#167", "#67", "#7"]
    assert call_words(call) == ["ann", "marie", "o", "neil", "acme", "ltd", *suffixes]
    assert note_words(call) == ["follow", "up", "renewal", "in", "march", "call", "after", "5"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ann", True), ("ANN neil", True), ("mar", True), ("acme", True), ("renew", True), ("after 5", True),
        ("3868 0167", True), ("+44 (20) 3868", True), ("0167", True), ("680", True), ("ann 44", True),
        ("nn", False), ("arie", False), ("bob", False), ("999", False), ("ann bob", False), ("0044 20", False),
    ],
)
def test_a_query_finds_words_by_their_beginnings_and_numbers_by_any_run_of_digits(text, found):
    query = parse_query(text)
    assert query is not None
    assert matches(ann(), query) is found


def test_a_query_of_no_word_asks_nothing_and_a_number_however_typed_is_one_word():
    assert parse_query("") is None and parse_query("  -- ") is None
    assert parse_query("+44 (20) 3868-01") == parse_query("4420386801")
    assert parse_query("Ann  ann") == parse_query("ann")


def test_long_words_and_long_notes_are_kept_to_what_an_index_needs():
    assert words("x" * 100) == ["x" * WORD_CHARS]
    assert len(words(" ".join(f"w{i}" for i in range(500)))) == MAX_WORDS
    query = parse_query("y" * 100)
    assert query is not None and query.words == ("y" * WORD_CHARS,), "a long query word still finds its long word"


text = st.text(alphabet=st.sampled_from("abAB +()-0123456789é'"), max_size=14)


@settings(max_examples=400, deadline=None)
@given(text, text, st.one_of(st.none(), text), text, text)
def test_any_call_a_query_finds_has_a_word_in_the_querys_key_ranges(name, company, number, note, typed):
    """An index asked for the query's ranges (cloudtalk.search.Query.ranges) reaches every call the query finds."""
    call = step(None, event("ringing", "c", external_number=number, contact={"name": name, "company": company}), at=0)
    call = annotate(call, note=note, at=1)
    query = parse_query(typed)
    if query is None or not matches(call, query):
        return
    held = [*call_words(call), *note_words(call)]
    assert any(low <= word <= high for word in held for low, high in query.ranges())
    assert all(high.endswith(HIGH) for _, high in query.ranges())


def test_a_call_without_a_company_or_a_number_has_only_its_names_words():
    call = step(None, event("ringing", "n1", external_number=None, contact={"name": "Zoë Ng"}), at=0)
    assert call_words(call) == ["zoë", "ng"]
