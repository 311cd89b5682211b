"""Search by name or number, the same whether a store's index answers it or calls in memory do.

A call's words are what an index holds for it: each word of the caller's name and company, each
suffix of the number's digits (marked "#"), and, beside the note, each word of the note and the
disposition. A query finds a call when each of its words begins a word of the call; a word of
digits also finds a number that contains them (it begins one of the number's suffixes), and a
number typed with spaces or brackets is one word. Every word matches by its beginning, so a key
range of an index answers it.

    query = parse_query("dana nov")
    assert query is not None and matches_words(call_words(call) + note_words(call), query)
    low, high = query.ranges()[0]      # an index's key range for the first word
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .calls import Call

NUMBER_MARK = "#"  # a number's digits in the index, apart from words that are digits
WORD_CHARS = 32  # a longer word is kept to its first characters: its beginning still finds it
MAX_WORDS = 64  # a long note gives its first words to the index
HIGH = "\uffff"  # above any character a word has: the end of a prefix's key range
_WORD = re.compile(r"\w+")
_DIGITISH = re.compile(r"[\d\s+().\-/]+")


def words(text: str | None) -> list[str]:
    """The distinct words of a text, folded to lower case, in the order they come, at most MAX_WORDS."""
    found: dict[str, None] = {}
    for match in _WORD.finditer((text or "").casefold()):
        found.setdefault(match.group()[:WORD_CHARS], None)
        if len(found) == MAX_WORDS:
            break
    return list(found)


def digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit() and ch.isascii())


def number_suffixes(number: str | None) -> list[str]:
    """Each suffix of the number's digits, marked: any run of its digits begins one of them."""
    found = digits(number)
    return [NUMBER_MARK + found[start:] for start in range(len(found))]


def call_words(call: Call) -> list[str]:
    """What the calls' index holds for a call: its name's and company's words, its number's suffixes."""
    company = call.contact.company if call.contact else None
    return list(dict.fromkeys([*words(f"{call.display_name} {company or ''}"), *number_suffixes(call.number)]))


def note_words(call: Call) -> list[str]:
    """What the notes' index holds for a call: the words of its disposition and its note."""
    return annotation_words(call.disposition, call.note)


def annotation_words(disposition: str, note: str) -> list[str]:
    return words(f"{disposition} {note}")


@dataclass(frozen=True)
class Query:
    """What was typed in the search box: the words each call must have a word beginning with."""

    words: tuple[str, ...]

    def ranges(self, word: str | None = None) -> list[tuple[str, str]]:
        """An index's key ranges for one of the query's words (by default the longest): any call the query finds has
        a word in one of them. A store asks for each word's and reads the one whose ranges hold the fewest entries."""
        return [(start, start + HIGH) for start in _beginnings(word if word is not None else max(self.words, key=len))]


def _beginnings(wanted: str) -> tuple[str, ...]:
    """What a call's word may begin with to match a query's word: digits may also run inside a number."""
    return (wanted, NUMBER_MARK + wanted) if wanted.isdigit() and wanted.isascii() else (wanted,)


def parse_query(text: str) -> Query | None:
    """The query a search box's text asks, or None when it asks nothing (empty, or no word at all).
    A number however typed ("+44 (20) 3868") is its digits: one word."""
    if _DIGITISH.fullmatch(text.strip() or "x") and digits(text):
        return Query((digits(text),))
    found = tuple(words(text))
    return Query(found) if found else None


def matches_words(call_words: Iterable[str], query: Query) -> bool:
    """Whether a call with these index words (its call's and its note's) answers the query."""
    held = list(call_words)
    return all(any(word.startswith(_beginnings(wanted)) for word in held) for wanted in query.words)


def matches(call: Call, query: Query) -> bool:
    return matches_words([*call_words(call), *note_words(call)], query)
