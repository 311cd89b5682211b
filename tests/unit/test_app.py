"""The message path from raw data to log, views, handlers and diagnostics."""

from __future__ import annotations

import json

from cloudtalk.app import PhoneApp
from cloudtalk.calls import Outcome
from cloudtalk.events import SAMPLE_UUID
from cloudtalk.handlers import Registry
from cloudtalk.log import CallLog
from cloudtalk.persist import MemoryStorage

from .messages import message, sample_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def make_app():
    registry = Registry()
    app = PhoneApp(CallLog(MemoryStorage()), registry, clock=FakeClock())
    return app, registry


def test_a_valid_message_updates_the_log_then_views_then_handlers():
    app, registry = make_app()
    order = []
    app.views.append(lambda ev, change: order.append(("view", ev.name, change.call.state.value)))
    registry.on("ringing")(lambda ev, call: order.append(("handler", ev.name, call.display_name)))
    change = app.receive(sample_text())
    assert change is not None and change.call.contact.name == "John Doe"
    assert order == [("view", "ringing", "ringing"), ("handler", "ringing", "John Doe")]
    assert app.accepted == 1


def test_a_duplicate_reaches_views_but_not_handlers():
    app, registry = make_app()
    seen = []
    registry.on("ringing")(lambda ev, call: seen.append(call.uuid))
    app.receive(message("ringing"))
    app.receive(message("ringing"))
    assert seen == ["call-1"]


def test_bad_messages_are_recorded_with_reasons_and_change_nothing():
    app, _ = make_app()
    for raw in ["nope", "[]", json.dumps({"event": "boom", "properties": {"call_uuid": "x"}})]:
        assert app.receive(raw) is None
    assert len(app.log) == 0
    reasons = [e.reason for e in app.diagnostics.newest_first()]
    assert reasons[0] == "unknown event 'boom'" and reasons[1] == "not a JSON object"
    assert reasons[2].startswith("not JSON")
    assert app.diagnostics.counts["rejected"] == 3


def test_handler_failures_show_up_in_diagnostics_and_do_not_stop_the_app():
    app, registry = make_app()

    @registry.on("ended")
    def explode(ev, call):
        raise ValueError("nope")

    app.receive(message("ringing"))
    app.receive(message("ended"))
    assert app.log.get("call-1").outcome is Outcome.MISSED
    assert app.diagnostics.counts["handler_error"] == 1


def test_ignored_messages_are_counted_with_their_reason():
    app, _ = make_app()
    app.ignore("origin https://evil.example is not the phone", {"event": "ringing"})
    (entry,) = app.diagnostics.newest_first()
    assert entry.kind == "ignored" and "evil" in entry.reason


def test_a_recording_holds_accepted_messages_only_with_their_offsets():
    app, _ = make_app()
    app.start_recording()
    app.receive(message("ringing"))
    app.receive("junk")
    app.receive({"event": "ended", "properties": {"call_uuid": "call-1"}})
    document = json.loads(app.recording_json())
    assert [m["offset_ms"] for m in document["messages"]] == [0, 2000]
    assert json.loads(document["messages"][1]["data"])["event"] == "ended"


def test_warm_up_runs_a_sample_call_through_a_throwaway_app_and_leaves_no_trace():
    from cloudtalk.app import warm_up
    from cloudtalk.handlers import registry

    seen: list[str] = []

    def spy(event, call) -> None:
        seen.append(call.uuid)

    registry.on("ringing")(spy)
    try:
        sample = warm_up(rounds=3)
    finally:
        registry.remove(spy)
    assert seen == [], "the app's own handlers are not run"
    assert sample is not None and sample.uuid == SAMPLE_UUID
    assert [s.event for s in sample.steps] == ["ringing", "calling", "hangup", "ended"], "one whole answered call"
    assert sample.contact is not None and sample.contact.name == "Sample"
