"""Per-event costs of the core that must not grow with the history (CPython, in-memory store): saving one event,
and looking up a ringing caller's history, at 10 and 50,000 stored calls.

    .venv/bin/python bench/save_cost.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from cloudtalk.events import parse  # noqa: E402
from cloudtalk.log import CallLog  # noqa: E402
from cloudtalk.ports import MemoryCallStore  # noqa: E402

CALLERS = 100  # the history's calls come from this many numbers: each caller has history/100 earlier calls


class CountingStore(MemoryCallStore):
    """Counts characters written, the cost that would grow if the log rewrote itself."""

    chars = 0

    def put_call(self, entry: dict, replay=None) -> None:
        self.chars += len(entry["text"])
        super().put_call(entry, replay)


def event(name: str, uuid: str, caller: int = 0):
    return parse(json.dumps({"event": name, "properties": {"call_uuid": uuid, "external_number": f"+1 555 {caller:04}",
                                                           "contact": {"name": "Caller", "tags": ["VIP"]}}}))


def measure(history: int, samples: int = 2000) -> dict[str, float]:
    store = CountingStore()
    log = CallLog(store)
    for i in range(history):
        log.apply(event("ringing", f"h{i}", i % CALLERS), at=float(i))
        log.apply(event("ended", f"h{i}", i % CALLERS), at=float(i) + 1)
    times, chars, lookups = [], [], []
    for i in range(samples):
        name = ("ringing", "calling", "hangup", "ended")[i % 4]
        ev = event(name, f"s{i // 4}", (i // 4) % CALLERS)
        before = store.chars
        started = time.perf_counter()
        change = log.apply(ev, at=1e6 + i)
        times.append((time.perf_counter() - started) * 1e6)
        chars.append(store.chars - before)
        if name == "ringing":  # what the card asks when a call rings: the caller's earlier calls
            started = time.perf_counter()
            log.callers.history(change.call)
            lookups.append((time.perf_counter() - started) * 1e6)
    times.sort()
    lookups.sort()
    return {"calls": len(log), "p50_us": statistics.median(times), "p99_us": times[int(samples * 0.99)],
            "chars_per_save": statistics.mean(chars), "history_lookup_p99_us": lookups[int(len(lookups) * 0.99)]}


def main() -> dict[str, dict[str, float]]:
    results = {"10": measure(10), "50000": measure(50_000)}
    for size, r in results.items():
        print(f"history {size:>5}: save p50 {r['p50_us']:.1f} µs, p99 {r['p99_us']:.1f} µs, {r['chars_per_save']:.0f} chars written "
              f"per event; caller history lookup p99 {r['history_lookup_p99_us']:.1f} µs")
    return results


if __name__ == "__main__":
    main()
