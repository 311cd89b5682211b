"""The app's core service: raw message in, call log and handlers updated, views told.

It owns no browser object; the clock, storage and views are injected, so the
whole message path runs under CPython in tests.

    app = PhoneApp(CallLog(MemoryCallStore()), Registry(), clock=time.time)
    app.receive('{"event": "ringing", "properties": {"call_uuid": "c1"}}')
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .calls import Call
from .corrections import Correction
from .diagnostics import Diagnostics
from .events import PhoneEvent, Rejection, excerpt, parse
from .handlers import Registry
from .log import CallLog, Change
from .ports import MemoryCallStore
from .samples import SAMPLE_UUID, samples
from .settings import Settings

View = Callable[[PhoneEvent, Change], None]

RECORDING_LIMIT = 10_000


@dataclass(frozen=True)
class Recorded:
    """One accepted message, as the phone sent it, and when (seconds since the epoch)."""

    at: float
    message: str


class PhoneApp:
    """Validates each message once, steps its call, persists it, then runs views and handlers."""

    def __init__(
        self,
        log: CallLog,
        registry: Registry,
        *,
        clock: Callable[[], float],
        diagnostics: Diagnostics | None = None,
    ) -> None:
        self.log = log
        self.registry = registry
        self.clock = clock
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()  # an empty one is falsy
        self.views: list[View] = []
        self.recording: deque[Recorded] | None = None
        self.log_ignored = True  # list each message the firewall turned away (Settings), or only count it
        self.accepted = 0

    def receive(self, raw: object) -> Change | None:
        """Handle one message from the phone. Never raises because of the message."""
        now = self.clock()
        result = parse(raw)
        if isinstance(result, Rejection):
            self.diagnostics.add("rejected", result.reason, result.excerpt, at=now)
            return None
        self.accepted += 1
        if result.corrections:
            self._note_corrections(result.corrections, raw, now)
        if self.recording is not None:
            self.recording.append(Recorded(now, raw if isinstance(raw, str) else result.to_json()))
        try:
            change = self.log.apply(result, now)
        except Exception as error:  # noqa: BLE001 - a storage failure must not lose the page
            self.diagnostics.add("storage", f"could not save: {type(error).__name__}: {error}", at=now)
            return None
        for view in self.views:
            view(result, change)
        if change.changed:
            for failure in self.registry.dispatch(result, change.call):
                self.diagnostics.add("handler_error", f"{failure.handler} on {failure.event}: {failure.error}", at=now)
        return change

    def _note_corrections(self, corrections: tuple[Correction, ...], raw: object, now: float) -> None:
        # Listed as accepted, one entry per field and rule: a phone that always sends tag objects
        # shows one counted line per tag position, not a line per message.
        text = excerpt(raw if isinstance(raw, str) else repr(raw))
        for correction in corrections:
            self.diagnostics.add("corrected", str(correction), text, at=now, key=f"{correction.path}: {correction.rule}")

    def ignore(self, reason: str, raw: object, *, keep: bool | None = None) -> None:
        """Count a message the firewall turned away (wrong origin or sender); `keep` (else Settings) lists it too."""
        if not (self.log_ignored if keep is None else keep):
            self.diagnostics.count("ignored")
            return
        text = raw if isinstance(raw, str) else repr(raw)
        self.diagnostics.add("ignored", reason, excerpt(text), at=self.clock())

    # ------------------------------------------------------------ recording for replay

    def start_recording(self) -> None:
        if self.recording is None:
            self.recording = deque(maxlen=RECORDING_LIMIT)

    def stop_recording(self) -> None:
        self.recording = None

    def settings_changed(self, _old: Settings, new: Settings) -> None:
        """Record the session's messages, or stop, and list ignored messages, or only count them, as Settings say."""
        self.log_ignored = new.log_ignored_messages
        if new.record_session:
            self.start_recording()
        else:
            self.stop_recording()

    def recording_json(self) -> str:
        items = list(self.recording or ())
        start = items[0].at if items else 0.0
        return json.dumps(
            {
                "format": "cloudtalk-recording",
                "version": 1,
                "messages": [{"offset_ms": round((r.at - start) * 1000), "data": r.message} for r in items],
            },
            indent=1,
        )


WARM_UP_ROUNDS = 10


def warm_up(rounds: int = WARM_UP_ROUNDS) -> Call | None:
    """Run a sample call through the whole message path, in memory, before the phone's first.

    The first messages through each code path pay one-off costs: the runtime compiling code on
    first use, then again, optimised, once it is hot. Measured in Chromium: the first ringing
    cost 25-40 ms and the next few dozen events 3-12 ms, against ~1 ms later. Paying this at
    boot (10 rounds; 30 measured no better) keeps the first real calls as fast as the rest. A throwaway
    app and store: nothing is kept, shown or dispatched to handlers. Returns the sample call,
    for the views to rehearse rendering it.
    """
    app = PhoneApp(CallLog(MemoryCallStore()), Registry(), clock=lambda: 0.0)
    app.views.append(lambda event, _change: event.to_json() and None)
    for _ in range(rounds):
        app.log.clear()
        for raw in samples():
            app.receive(raw)
    return app.log.get(SAMPLE_UUID)


def self_check() -> None:
    """Raise unless the models and the message path work: run after starting from a memory snapshot, before going live.

    A snapshot restored into the wrong runtime can import fine and still fail on first use (a
    native function table out of step); this sample call touches every model and the call log.
    """
    call = warm_up(1)
    if call is None or call.contact is None or call.contact.name != "Sample" or len(call.steps) != 4:
        raise RuntimeError(f"the sample call came out wrong: {call!r}")

