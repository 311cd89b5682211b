"""Save-one-event cost of the call log at 10 and 10,000 stored calls (CPython, in-memory storage).

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
from cloudtalk.persist import MemoryStorage  # noqa: E402


class CountingStorage(MemoryStorage):
    """Counts characters written, the cost that would grow if the log rewrote itself."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def set(self, key: str, value: str) -> None:
        self.chars += len(value)
        super().set(key, value)


def event(name: str, uuid: str):
    return parse(json.dumps({"event": name, "properties": {"call_uuid": uuid, "external_number": "+1 555 0100",
                                                           "contact": {"name": "Caller", "tags": ["VIP"]}}}))


def measure(history: int, samples: int = 2000) -> dict[str, float]:
    storage = CountingStorage()
    log = CallLog(storage, cap=history + samples + 10)
    for i in range(history):
        log.apply(event("ringing", f"h{i}"), at=float(i))
        log.apply(event("ended", f"h{i}"), at=float(i) + 1)
    times, chars = [], []
    for i in range(samples):
        name = ("ringing", "calling", "hangup", "ended")[i % 4]
        ev = event(name, f"s{i // 4}")
        before = storage.chars
        started = time.perf_counter()
        log.apply(ev, at=1e6 + i)
        times.append((time.perf_counter() - started) * 1e6)
        chars.append(storage.chars - before)
    times.sort()
    return {"calls": len(log), "p50_us": statistics.median(times), "p99_us": times[int(samples * 0.99)], "chars_per_save": statistics.mean(chars)}


def main() -> dict[str, dict[str, float]]:
    results = {"10": measure(10), "10000": measure(10_000)}
    for size, r in results.items():
        print(f"history {size:>5}: p50 {r['p50_us']:.1f} µs, p99 {r['p99_us']:.1f} µs, {r['chars_per_save']:.0f} chars written per event")
    return results


if __name__ == "__main__":
    main()
