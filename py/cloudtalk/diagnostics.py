"""Diagnostics: a bounded record of what was rejected, ignored, corrected or failed, with reasons.

The same reason seen again is counted on its entry, not listed again, so a phone that
sends one odd field a thousand times shows one line, "(1000×)".

    diagnostics = Diagnostics(limit=3)
    diagnostics.observers.append(panel.changed)      # told after every add or count
    diagnostics.add("rejected", "unknown event 'idle'", at=0.0)
    diagnostics.add("rejected", "unknown event 'idle'", at=1.0)
    assert diagnostics.newest_first()[0].count == 2 and diagnostics.counts["rejected"] == 2
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

KINDS = ("rejected", "ignored", "corrected", "handler_error", "app_error", "storage", "network", "startup")
# What the navigation badge counts: something was lost or failed. A corrected message was
# accepted, and how the runtime started is information: both are listed for whoever looks,
# without raising an alarm. A network outage is a time when calls could not arrive: counted.
# An app error is a piece of the app's own background work that failed (an import, an export, a read).
PROBLEMS = ("rejected", "ignored", "handler_error", "app_error", "storage", "network")


@dataclass(frozen=True)
class Entry:
    at: float  # when it was last seen
    kind: str
    reason: str  # as worded the last time
    excerpt: str = ""
    count: int = 1  # how many times it was seen


class Diagnostics:
    """The newest `limit` distinct entries, and a count per kind since the page loaded."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()  # oldest first
        self.observers: list[Callable[[], None]] = []  # told after every add or count (the panel, the badge)

    def add(self, kind: str, reason: str, excerpt: str = "", *, at: float, key: str | None = None) -> Entry:
        """Record one occurrence. Occurrences with the same kind and `key` (the reason, unless
        given) share one entry: it is counted, moved to the top, and shows the newest wording."""
        if kind not in KINDS:
            raise ValueError(f"unknown diagnostics kind {kind!r}")
        slot = (kind, reason if key is None else key)
        earlier = self._entries.pop(slot, None)
        entry = Entry(at, kind, reason, excerpt, earlier.count + 1 if earlier else 1)
        self._entries[slot] = entry
        if len(self._entries) > self.limit:
            self._entries.popitem(last=False)
        self.counts[kind] += 1
        self._tell()
        return entry

    def count(self, kind: str) -> None:
        """Count without keeping an entry (e.g. ignored messages when logging them is off)."""
        self.counts[kind] += 1
        self._tell()

    def reporter(self, kind: str, clock: Callable[[], float]) -> Callable[[str], None]:
        """A function that adds a line of this kind, stamped by `clock` (for parts that only have a sentence to say)."""

        def report(reason: str) -> None:
            self.add(kind, reason, at=clock())

        return report

    def _tell(self) -> None:
        for observer in self.observers:
            observer()

    @property
    def problems(self) -> int:
        return sum(self.counts[kind] for kind in PROBLEMS)

    def __len__(self) -> int:
        return len(self._entries)

    def newest_first(self) -> list[Entry]:
        return list(reversed(self._entries.values()))
