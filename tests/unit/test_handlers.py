"""The @on registry: registration, table dispatch, isolation of failures, early misuse errors."""

from __future__ import annotations

import pytest

from cloudtalk.calls import step
from cloudtalk.events import Ended, Ringing
from cloudtalk.handlers import HandlerError, Registry

from .messages import event


def test_handlers_run_in_registration_order_with_the_event_and_the_call():
    registry = Registry()
    seen = []

    @registry.on("ringing")
    def first(ev, call):
        seen.append(("first", ev.name, call.uuid))

    @registry.on(Ringing, Ended)
    def second(ev, call):
        seen.append(("second", ev.name, call.state.value))

    ringing = event("ringing", "c1")
    registry.dispatch(ringing, step(None, ringing, at=0))
    ended = event("ended", "c1")
    registry.dispatch(ended, step(None, ended, at=1))
    assert seen == [("first", "ringing", "c1"), ("second", "ringing", "ringing"), ("second", "ended", "ended")]


def test_the_decorator_returns_the_function_unchanged():
    registry = Registry()

    def handler(ev, call):
        return None

    assert registry.on("hangup")(handler) is handler


def test_a_failing_handler_is_isolated_and_recorded():
    registry = Registry()
    ran = []

    @registry.on("ringing")
    def broken(ev, call):
        raise RuntimeError("CRM down")

    @registry.on("ringing")
    def fine(ev, call):
        ran.append(call.uuid)

    ringing = event("ringing", "c9")
    failures = registry.dispatch(ringing, step(None, ringing, at=0))
    assert ran == ["c9"]
    assert [(f.handler, f.event, f.error) for f in failures] == [
        ("test_a_failing_handler_is_isolated_and_recorded.<locals>.broken", "ringing", "RuntimeError: CRM down")
    ]
    assert "CRM down" in failures[0].traceback
    assert registry.failures == failures


@pytest.mark.parametrize("bad", ["ring", "RINGING", "", 42, str, object])
def test_an_unknown_event_fails_when_the_decorator_runs(bad):
    with pytest.raises(HandlerError):
        Registry().on(bad)


def test_a_handler_with_the_wrong_signature_fails_at_registration():
    with pytest.raises(HandlerError, match="two arguments"):

        @Registry().on("ended")
        def only_one(ev):
            pass


def test_on_needs_at_least_one_event():
    with pytest.raises(HandlerError):
        Registry().on()


def test_remove_unregisters_a_handler():
    registry = Registry()
    calls = []
    handler = registry.on("ended")(lambda ev, call: calls.append(1))
    registry.remove(handler)
    ended = event("ended")
    registry.dispatch(ended, step(None, ended, at=0))
    assert calls == [] and registry.handlers_for("ended") == ()


def test_misuse_errors_name_what_is_wrong_and_what_would_be_right():
    with pytest.raises(HandlerError, match=r"unknown CloudTalk event 'ring'; expected one of: ringing, dialing, calling, hangup, ended, contact_info$"):
        Registry().on("ring")
    with pytest.raises(HandlerError, match=r"^@on\(\) takes an event name or event class, not 42$"):
        Registry().on(42)
    with pytest.raises(HandlerError, match=r"^@on\(\) needs at least one event, e.g. @on\('ringing'\)$"):
        Registry().on()

    def lonely(ev):
        pass

    with pytest.raises(HandlerError, match=r"^handler 'test_misuse_errors_name_what_is_wrong_and_what_would_be_right.<locals>.lonely' must accept"):
        Registry().on("ended")(lonely)


def test_a_failure_records_the_call_and_a_traceback_and_a_handler_without_a_name_by_its_repr():
    registry = Registry()

    class CrmBridge:
        def __call__(self, ev, call):
            raise RuntimeError("boom")

        def __repr__(self) -> str:
            return "<the CRM bridge>"

    registry.on("ended")(CrmBridge())
    ended = event("ended", "c7")
    (failure,) = registry.dispatch(ended, step(None, ended, at=0))
    assert (failure.handler, failure.call_uuid) == ("<the CRM bridge>", "c7")
    assert failure.traceback.startswith("Traceback") and "RuntimeError: boom" in failure.traceback


def test_only_the_latest_hundred_failures_are_kept():
    registry = Registry()

    @registry.on("ended")
    def broken(ev, call):
        raise ValueError(call.uuid)

    for i in range(105):
        ended = event("ended", f"c{i}")
        registry.dispatch(ended, step(None, ended, at=0))
    assert len(registry.failures) == 100
    assert registry.failures[0].call_uuid == "c5" and registry.failures[-1].call_uuid == "c104"


def test_a_callable_object_with_the_wrong_signature_is_named_by_its_repr():
    class OneArgument:
        def __call__(self, ev):
            pass

        def __repr__(self) -> str:
            return "<one-argument bridge>"

    with pytest.raises(HandlerError, match=r"^handler <one-argument bridge> must accept two arguments"):
        Registry().on("ended")(OneArgument())


def test_a_failures_traceback_keeps_its_first_five_frames():
    registry = Registry()

    def odd(n: int) -> None:  # two functions in turn: Python folds a frame repeated three times
        if n == 0:
            raise RuntimeError("deep")
        even(n - 1)

    def even(n: int) -> None:
        odd(n - 1)

    registry.on("ended")(lambda ev, call: odd(10))
    ended = event("ended")
    (failure,) = registry.dispatch(ended, step(None, ended, at=0))
    assert failure.traceback.count('  File "') == 5
