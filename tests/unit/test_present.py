"""What the views show: a timeline item's look, search and filter matching, durations, tel: links."""

from __future__ import annotations

import pytest

from cloudtalk.calls import Call, step
from cloudtalk.present import Badge, ItemLook, duration, item_look, matches, size, storage_line, tel_href
from cloudtalk.search import parse_query

from .messages import event


def play(names: list[str], uuid: str = "c1", **kw) -> Call:
    call = None
    for t, name in enumerate(names):
        call = step(call, event(name, uuid, **kw), at=100.0 + 30 * t)
    assert call is not None
    return call


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "–"), (0, "0:00"), (0.4, "0:00"), (0.6, "0:01"), (59, "0:59"), (60, "1:00"), (75, "1:15"),
     (3599, "59:59"), (3600, "1:00:00"), (3661, "1:01:01"), (36000 + 61, "10:01:01")],
)
def test_durations_read_as_minutes_and_seconds_and_hours_from_an_hour(seconds, text):
    assert duration(seconds) == text


def test_an_answered_inbound_call_looks_answered_with_who_hung_up_and_its_times():
    call = play(["ringing", "calling", "hangup", "ended"], contact={"name": "Ann", "company": "Acme"})
    assert item_look(call) == ItemLook(
        state=("ended", "Answered"),
        direction=Badge("↙ Inbound", "direction dir-inbound"),
        name="Ann",
        number="+44 20 3868 0167",
        state_badge=None,
        outcome_badge=Badge("Answered", "badge outcome-answered"),
        hung_up="you hung up",
        ring="Ring 0:30",
        talk="Talk 0:30",
        steps="4 steps",
    )


def test_a_live_outbound_call_shows_its_state_and_no_outcome():
    look = item_look(play(["dialing"]))
    assert look.state == ("dialing", None)
    assert look.direction == Badge("↗ Outbound", "direction dir-outbound")
    assert look.state_badge == Badge("Dialing", "badge state-dialing")
    assert (look.outcome_badge, look.hung_up, look.ring, look.talk, look.steps) == (None, None, "Ring –", "Talk –", "1 step")
    assert look.name == "Unknown caller"


def test_a_call_first_seen_at_its_end_is_an_unknown_call():
    look = item_look(play(["ended"]))
    assert look.direction == Badge("• Call", "direction dir-unknown")
    assert look.outcome_badge == Badge("Unknown", "badge outcome-unknown")
    assert look.state_badge is None


def test_a_stale_call_shows_its_outcome_and_the_missed_one_its_own_class():
    missed = item_look(play(["ringing", "ended"]))
    assert missed.outcome_badge == Badge("Missed", "badge outcome-missed")
    assert missed.hung_up is None
    no_answer = item_look(play(["dialing", "ended"]))
    assert no_answer.outcome_badge == Badge("No answer", "badge outcome-no_answer")


@pytest.mark.parametrize(
    ("query", "outcome", "expected"),
    [
        ("", "", True),
        ("ann", "", True),  # name, any case
        ("ACME", "", True),  # company
        ("3868 0167", "", True),  # number as typed
        ("38680167", "", True),  # digits across the spaces
        ("+44 (20) 3868", "", True),  # digits of a differently spaced query
        ("bob", "", False),
        ("999", "", False),
        ("", "Answered", True),
        ("", "Missed", False),
        ("", "live", False),
        ("ann", "Missed", False),
    ],
)
def test_the_timeline_search_matches_name_company_number_and_digits_and_the_outcome_filter(query, outcome, expected):
    call = play(["ringing", "calling", "ended"], contact={"name": "Ann", "company": "Acme"})
    assert matches(call, query, outcome) is expected


def test_the_in_progress_filter_keeps_live_calls_only():
    assert matches(play(["ringing"]), "", "live")
    assert not matches(play(["ringing"]), "", "Missed"), "a live call has no outcome yet"
    assert not matches(play(["ringing", "ended"]), "", "live")


def test_a_query_of_no_word_asks_nothing_and_one_of_letters_never_matches_by_digits():
    call = play(["ringing"], contact={"name": "Zed"})
    assert parse_query("-- ") is None and matches(call, "-- ", ""), "as the empty box: every call"
    assert not matches(call, "ze d", "") and not matches(call, "ed", ""), "words match by their beginnings"


@pytest.mark.parametrize(
    ("number", "href"),
    [("+44 20 3868 0167", "tel:+442038680167"), ("020 3868 0167", "tel:02038680167"), (" +1 (555) 0100", "tel:+15550100"),
     ("1+2", "tel:12"), ("<b>+1</b>", "tel:1")],
)
def test_tel_links_keep_only_digits_and_a_leading_plus(number, href):
    assert tel_href(number) == href


def test_a_call_without_a_contact_is_found_by_number_and_a_query_may_span_name_and_number():
    assert matches(play(["ringing"]), "3868", "")
    assert not matches(play(["ringing"]), "acme", "")
    assert matches(play(["ringing"], contact={"name": "Ann"}), "ann +44", "")
    no_number = step(None, event("ringing", "n", external_number=None, contact={"name": "Ann", "company": "Acme"}), at=0)
    assert matches(no_number, "ann acme", "")


def test_the_search_also_finds_the_agents_note_and_disposition():
    from cloudtalk.calls import annotate

    call = annotate(play(["ringing", "ended"]), note="Renewal in March", disposition="Follow up")
    assert matches(call, "renewal", "") and matches(call, "follow", "")


@pytest.mark.parametrize(("ago", "word"), [(0, "today"), (3600 * 11, "today"), (3600 * 13, "yesterday"), (86_400 * 2, None)])
def test_times_read_as_today_or_yesterday_in_the_agents_own_day(ago, word):
    from cloudtalk.present import day_word

    noon_plus_one = 20_000 * 86_400 + 11 * 3600  # 12:00 at UTC+1
    assert day_word(noon_plus_one - ago, noon_plus_one, utc_offset_minutes=60) == word


def test_the_history_line_counts_earlier_calls_and_names_the_last_outcome():
    from cloudtalk.present import caller_name, history_line

    missed = play(["ringing", "ended"])
    assert history_line(3, missed, "yesterday 16:05") == "3 earlier calls · last: Missed, yesterday 16:05"
    assert history_line(1, play(["dialing"]), "today 09:00") == "1 earlier call · last: Dialing, today 09:00"
    assert history_line(0, None, "") == "First call from this caller"
    assert history_line(0, missed, "today 09:00") == "First call from this caller"
    assert caller_name(play(["ringing"], contact={"name": "Ann"})) == "Ann"
    assert caller_name(step(None, event("ringing", "x", external_number=None), at=0)) == "unknown number"


def test_today_and_yesterday_are_the_agents_own_days_around_local_midnight():
    from cloudtalk.present import day_word

    midnight = 20_000 * 86_400 - 3600  # local midnight at UTC+1, in a real-sized epoch
    assert day_word(midnight - 30, midnight + 30, utc_offset_minutes=60) == "yesterday"  # 23:59:30 and 00:00:30
    assert day_word(midnight + 10, midnight + 86_000, utc_offset_minutes=60) == "today"
    assert day_word(midnight + 86_400 + 5, midnight + 30, utc_offset_minutes=60) is None  # tomorrow (a skewed clock)
    assert day_word(midnight - 86_400 - 30, midnight + 30, utc_offset_minutes=60) is None  # two days ago


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (12_345, "12.3 kB"), (41_200_000, "41.2 MB"), (1e9, "1.0 GB"), (9.99e11, "999.0 GB")],
)
def test_sizes_read_in_decimal_units(n, text):
    assert size(n) == text


def test_the_storage_line_says_what_holds_the_history_how_much_and_whether_it_lasts():
    assert storage_line(50_000, True, 41_200_000, 1e10) == (
        "The browser's database (IndexedDB) holds 50,000 calls; this site uses 41.2 MB of the 10.0 GB the browser "
        "allows it; storage is persistent: the browser will not remove it to free space."
    )
    assert storage_line(1, False, None, None) == (
        "The browser's database (IndexedDB) holds 1 call; storage is not persistent: the browser may remove it under disk pressure."
    )
    assert storage_line(0, None, 10, 0).endswith("holds 0 calls; whether storage is persistent is not known in this browser.")
