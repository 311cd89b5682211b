"""The message path from raw data to log, views, handlers and diagnostics."""

from __future__ import annotations

import json

from cloudtalk.app import PhoneApp
from cloudtalk.calls import Outcome
from cloudtalk.handlers import Registry
from cloudtalk.log import CallLog
from cloudtalk.ports import MemoryCallStore
from cloudtalk.samples import SAMPLE_UUID

from .messages import message, sample_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def make_app():
    registry = Registry()
    app = PhoneApp(CallLog(MemoryCallStore()), registry, clock=FakeClock())
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


def test_a_message_accepted_with_corrections_is_listed_as_such_and_repeats_are_counted():
    app, registry = make_app()
    seen = []
    registry.on("ringing", "contact_info")(lambda ev, call: seen.append(call.contact.tags))
    odd = {"name": "John", "tags": [{"id": 1, "name": "VIP"}]}
    app.receive(message("ringing", "c1", contact=odd))
    for _ in range(999):
        app.receive(message("contact_info", "c1", contact=odd))
    assert seen == [["VIP"]], "the call got its tag; repeats changed nothing"
    (entry,) = app.diagnostics.newest_first()
    assert (entry.kind, entry.reason, entry.count) == ("corrected", 'properties.contact.tags[0]: object → "VIP"', 1000)
    assert '"tags": [{"id": 1' in entry.excerpt
    assert app.diagnostics.problems == 0 and app.accepted == 1000


def test_unknown_events_are_counted_under_their_own_name():
    app, _ = make_app()
    for name in ["idle", "idle", "answered", "idle"]:
        app.receive(json.dumps({"event": name, "properties": {"call_uuid": "x"}}))
    assert [(e.reason, e.count) for e in app.diagnostics.newest_first()] == [("unknown event 'idle'", 3), ("unknown event 'answered'", 1)]


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


class BrokenStore(MemoryCallStore):
    """A store that refuses every write at once (the browser's queues writes; a test double can fail early)."""

    def put_call(self, entry: dict, replay: object = None) -> None:
        raise PermissionError("storage is disabled")


def test_a_rejection_is_listed_with_its_excerpt_and_time():
    app, _ = make_app()
    app.receive('{"event": "idle", "properties": {"call_uuid": "x"}}')
    (entry,) = app.diagnostics.newest_first()
    assert (entry.kind, entry.reason, entry.at) == ("rejected", "unknown event 'idle'", 1_001.0)
    assert entry.excerpt == '{"event": "idle", "properties": {"call_uuid": "x"}}'


def test_a_storage_failure_is_listed_and_nothing_is_shown_or_dispatched():
    registry = Registry()
    app = PhoneApp(CallLog(BrokenStore()), registry, clock=FakeClock())
    shown, handled = [], []
    app.views.append(lambda ev, change: shown.append(ev.name))
    registry.on("ringing")(lambda ev, call: handled.append(call.uuid))
    assert app.receive(message("ringing")) is None
    assert (shown, handled) == ([], [])
    (entry,) = app.diagnostics.newest_first()
    assert (entry.kind, entry.reason, entry.at) == ("storage", "could not save: PermissionError: storage is disabled", 1_001.0)
    assert app.diagnostics.problems == 1


def test_a_handler_failure_is_listed_with_the_handler_the_event_and_the_error():
    app, registry = make_app()

    @registry.on("ringing")
    def crm_lookup(ev, call):
        raise LookupError("no such contact")

    app.receive(message("ringing"))
    (entry,) = app.diagnostics.newest_first()
    assert entry.kind == "handler_error" and entry.at == 1_001.0
    assert entry.reason.endswith("crm_lookup on ringing: LookupError: no such contact")


def test_corrections_are_listed_with_the_message_as_received_and_when():
    app, _ = make_app()
    app.receive({"event": "ringing", "properties": {"call_uuid": "o", "contact": {"tags": "VIP"}}})
    (entry,) = app.diagnostics.newest_first()
    assert (entry.reason, entry.at) == ("properties.contact.tags: text → list of one", 1_001.0)
    assert entry.excerpt == repr({"event": "ringing", "properties": {"call_uuid": "o", "contact": {"tags": "VIP"}}})


def test_corrections_of_a_text_message_carry_the_text_itself():
    app, _ = make_app()
    raw = message("ringing", "t", contact={"tags": "VIP"})
    app.receive(raw)
    assert app.diagnostics.newest_first()[0].excerpt == raw


def test_corrections_of_the_same_field_and_rule_share_a_line_whatever_the_value():
    app, _ = make_app()
    app.receive(message("ringing", "a", contact={"tags": [{"name": "VIP"}]}))
    app.receive(message("ringing", "b", contact={"tags": [{"name": "Gold"}]}))
    app.receive(message("ringing", "c", contact={"tags": ["x", {"name": "Gold"}]}))
    assert [(e.reason, e.count) for e in app.diagnostics.newest_first()] == [
        ('properties.contact.tags[1]: object → "Gold"', 1),
        ('properties.contact.tags[0]: object → "Gold"', 2),
    ]


def test_ignored_messages_are_listed_with_an_excerpt_or_only_counted_when_logging_is_off():
    app, _ = make_app()
    app.ignore("sender is not the phone iframe", "x" * 500)
    app.ignore("origin https://evil.example is not the phone's", {"event": "ringing"})
    app.ignore("origin https://quiet.example is not the phone's", "hidden", keep=False)
    newest, first = app.diagnostics.newest_first()
    assert (newest.excerpt, newest.at) == ("{'event': 'ringing'}", 1_002.0)
    assert first.excerpt == "x" * 200 + "… (500 chars)"
    assert app.diagnostics.counts["ignored"] == 3 and len(app.diagnostics) == 2


def test_a_recording_keeps_raw_text_as_sent_and_objects_as_validated_json():
    app, _ = make_app()
    app.start_recording()
    spaced = '{"event":   "ringing", "properties": {"call_uuid": "r"}}'
    app.receive(spaced)
    app.receive({"event": "ended", "properties": {"call_uuid": "r", "contact": None}})
    document = json.loads(app.recording_json())
    assert (document["format"], document["version"]) == ("cloudtalk-recording", 1)
    assert [m["data"] for m in document["messages"]] == [spaced, '{"event":"ended","properties":{"call_uuid":"r"}}']


def test_an_empty_recording_is_a_valid_document_and_stopping_discards_it():
    app, _ = make_app()
    assert json.loads(app.recording_json())["messages"] == []
    app.start_recording()
    app.receive(message("ringing"))
    app.start_recording()  # already on: keeps what it has
    assert len(app.recording) == 1
    app.stop_recording()
    assert app.recording is None and json.loads(app.recording_json())["messages"] == []


def test_a_recording_keeps_the_newest_ten_thousand_messages():
    from cloudtalk.app import RECORDING_LIMIT

    app, _ = make_app()
    app.start_recording()
    for i in range(RECORDING_LIMIT + 5):
        app.receive(message("ended", f"r{i}"))
    assert len(app.recording) == RECORDING_LIMIT
    assert json.loads(app.recording[0].message)["properties"]["call_uuid"] == "r5"


def test_self_check_passes_on_working_models_and_raises_when_the_sample_call_comes_out_wrong(monkeypatch):
    import dataclasses

    import pytest

    from cloudtalk import app as app_module

    app_module.self_check()  # the real models and message path: nothing raised
    real = app_module.warm_up
    good = real(1)
    assert good is not None and good.contact is not None
    broken = {
        "no call": None,
        "no contact": dataclasses.replace(good, contact=None),
        "another contact": dataclasses.replace(good, contact=good.contact.model_copy(update={"name": "Other"})),
        "steps lost": dataclasses.replace(good, steps=good.steps[:3]),
    }
    for what, call in broken.items():
        monkeypatch.setattr(app_module, "warm_up", lambda rounds=1, call=call: call)
        with pytest.raises(RuntimeError, match="the sample call came out wrong"):
            app_module.self_check()
        assert what


def test_the_app_writes_to_the_diagnostics_it_is_given_even_an_empty_one():
    from cloudtalk.diagnostics import Diagnostics

    given = Diagnostics()
    app = PhoneApp(CallLog(MemoryCallStore()), Registry(), clock=FakeClock(), diagnostics=given)
    app.receive("not json")
    assert app.diagnostics is given and len(given.newest_first()) == 1


def test_settings_turn_the_recording_and_the_listing_of_ignored_messages_on_and_off():
    from cloudtalk.settings import Settings

    app = PhoneApp(CallLog(MemoryCallStore()), Registry(), clock=lambda: 5.0)
    quiet = Settings(record_session=True, log_ignored_messages=False)
    app.settings_changed(Settings(), quiet)
    assert app.recording is not None
    app.ignore("origin https://evil.example is not the phone's", "x")
    assert app.diagnostics.counts["ignored"] == 1 and len(app.diagnostics) == 0, "counted, not listed"
    app.settings_changed(quiet, Settings(record_session=False, log_ignored_messages=True))
    assert app.recording is None
    app.ignore("origin https://evil.example is not the phone's", "x")
    assert len(app.diagnostics) == 1
