"""Diagnostics: repeats counted on one entry, newest first, bounded, and the problem count."""

from __future__ import annotations

import pytest

from cloudtalk.diagnostics import Diagnostics


def test_the_same_reason_again_is_counted_on_one_entry_moved_to_the_top():
    diagnostics = Diagnostics()
    diagnostics.add("rejected", "unknown event 'idle'", "first", at=1.0)
    diagnostics.add("rejected", "not JSON", at=2.0)
    diagnostics.add("rejected", "unknown event 'idle'", "third", at=3.0)
    newest, older = diagnostics.newest_first()
    assert (newest.reason, newest.count, newest.excerpt, newest.at) == ("unknown event 'idle'", 2, "third", 3.0)
    assert (older.reason, older.count) == ("not JSON", 1)
    assert diagnostics.counts["rejected"] == 3 and len(diagnostics) == 2


def test_a_key_groups_entries_whose_wording_differs():
    diagnostics = Diagnostics()
    diagnostics.add("corrected", 'tags[0]: object → "VIP"', at=1.0, key="tags[0]: tag object → its name")
    diagnostics.add("corrected", 'tags[0]: object → "Europe"', at=2.0, key="tags[0]: tag object → its name")
    (entry,) = diagnostics.newest_first()
    assert (entry.reason, entry.count) == ('tags[0]: object → "Europe"', 2)


def test_the_same_reason_of_another_kind_is_another_entry():
    diagnostics = Diagnostics()
    diagnostics.add("rejected", "same", at=1.0)
    diagnostics.add("ignored", "same", at=2.0)
    assert [e.kind for e in diagnostics.newest_first()] == ["ignored", "rejected"]


def test_only_the_newest_distinct_entries_are_kept_but_every_occurrence_is_counted():
    diagnostics = Diagnostics(limit=3)
    for i in range(10):
        diagnostics.add("rejected", f"reason {i}", at=float(i))
    assert [e.reason for e in diagnostics.newest_first()] == ["reason 9", "reason 8", "reason 7"]
    assert diagnostics.counts["rejected"] == 10
    diagnostics.add("rejected", "reason 0", at=11.0)
    assert diagnostics.newest_first()[0].count == 1, "an evicted entry starts counting again"


def test_the_problem_count_leaves_out_corrected_messages_which_were_accepted():
    diagnostics = Diagnostics()
    for kind in ("rejected", "ignored", "handler_error", "storage", "corrected", "corrected"):
        diagnostics.add(kind, kind, at=0.0)
    diagnostics.count("ignored")
    assert diagnostics.problems == 5
    assert diagnostics.counts["corrected"] == 2


def test_two_hundred_lines_are_kept_by_default_and_an_excerpt_is_optional():
    diagnostics = Diagnostics()
    for i in range(201):
        diagnostics.add("ignored", f"sender {i}", at=0.0)
    entries = diagnostics.newest_first()
    assert len(entries) == diagnostics.limit == 200
    assert entries[-1].reason == "sender 1" and entries[-1].excerpt == ""


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown diagnostics kind"):
        Diagnostics().add("oops", "x", at=0.0)


def test_observers_are_told_after_every_add_and_count_with_the_entry_already_there():
    diagnostics = Diagnostics()
    seen: list[tuple[int, int]] = []
    diagnostics.observers.append(lambda: seen.append((len(diagnostics), diagnostics.problems)))
    diagnostics.add("rejected", "not JSON", at=1.0)
    diagnostics.count("ignored")
    diagnostics.add("startup", "Started from a memory snapshot", at=2.0)
    assert seen == [(1, 1), (1, 2), (2, 2)]


def test_a_reporter_adds_lines_of_its_kind_stamped_by_its_clock():
    diagnostics = Diagnostics()
    report = diagnostics.reporter("network", clock=lambda: 42.0)
    assert report("Offline for 3 s") is None
    (entry,) = diagnostics.newest_first()
    assert (entry.kind, entry.reason, entry.at) == ("network", "Offline for 3 s", 42.0)


def test_an_app_error_is_a_problem_the_badge_counts():
    diagnostics = Diagnostics()
    diagnostics.add("app_error", "Background work failed: OSError: disk", at=1.0)
    assert diagnostics.problems == 1
