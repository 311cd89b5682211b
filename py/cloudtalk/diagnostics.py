"""Diagnostics: a bounded record of what was rejected, ignored or failed, with reasons.

    diagnostics = Diagnostics(limit=3)
    diagnostics.add("rejected", "not JSON", "{oops", at=0.0)
    assert diagnostics.counts["rejected"] == 1
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

KINDS = ("rejected", "ignored", "handler_error", "storage")


@dataclass(frozen=True)
class Entry:
    seq: int
    at: float
    kind: str
    reason: str
    excerpt: str = ""


class Diagnostics:
    """The newest `limit` entries and a count per kind since the page loaded."""

    def __init__(self, limit: int = 200) -> None:
        self.entries: deque[Entry] = deque(maxlen=limit)
        self.counts: Counter[str] = Counter()
        self._seq = 0

    def add(self, kind: str, reason: str, excerpt: str = "", *, at: float) -> Entry:
        if kind not in KINDS:
            raise ValueError(f"unknown diagnostics kind {kind!r}")
        self._seq += 1
        entry = Entry(self._seq, at, kind, reason, excerpt)
        self.entries.append(entry)
        self.counts[kind] += 1
        return entry

    def count(self, kind: str) -> None:
        """Count without keeping an entry (e.g. ignored messages when logging them is off)."""
        self.counts[kind] += 1

    def newest_first(self) -> list[Entry]:
        return list(reversed(self.entries))
