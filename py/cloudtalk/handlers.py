"""The extension point: `@on("ringing")` registers a Python function for an event.

A handler receives the typed event and the call as it is after that event.
Dispatch is a table lookup; a handler that raises is isolated and recorded.

    @on("ringing")
    def greet(event: Ringing, call: Call) -> None:
        print("incoming from", call.number)
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .calls import Call
from .events import EVENT_TYPES, PhoneEvent

Handler = Callable[[Any, Call], Any]
H = TypeVar("H", bound=Handler)


class HandlerError(Exception):
    """Misuse of the registry, raised when the decorator runs (import time)."""


@dataclass(frozen=True)
class HandlerFailure:
    handler: str
    event: str
    call_uuid: str
    error: str
    traceback: str


def _event_name(event: str | type) -> str:
    if isinstance(event, str):
        if event not in EVENT_TYPES:
            known = ", ".join(EVENT_TYPES)
            raise HandlerError(f"unknown CloudTalk event {event!r}; expected one of: {known}")
        return event
    name = getattr(event, "name", None)
    if isinstance(event, type) and name in EVENT_TYPES and EVENT_TYPES[name] is event:
        return name
    raise HandlerError(f"@on() takes an event name or event class, not {event!r}")


def _check_signature(function: Callable[..., Any]) -> None:
    try:
        inspect.signature(function).bind(None, None)
    except TypeError:
        raise HandlerError(
            f"handler {getattr(function, '__qualname__', function)!r} must accept two arguments: (event, call)"
        ) from None
    except ValueError:
        pass  # builtins without a signature: trust them


class Registry:
    """Handlers by event name, called in registration order."""

    def __init__(self) -> None:
        self._table: dict[str, list[Handler]] = {name: [] for name in EVENT_TYPES}
        self.failures: list[HandlerFailure] = []
        self.max_failures = 100

    def on(self, *events: str | type) -> Callable[[H], H]:
        """Decorator: run the function for each of `events` (names or event classes)."""
        if not events:
            raise HandlerError("@on() needs at least one event, e.g. @on('ringing')")
        names = [_event_name(e) for e in events]

        def register(function: H) -> H:
            _check_signature(function)
            for name in names:
                self._table[name].append(function)
            return function

        return register

    def handlers_for(self, name: str) -> tuple[Handler, ...]:
        return tuple(self._table[name])

    def remove(self, function: Handler) -> None:
        for handlers in self._table.values():
            while function in handlers:
                handlers.remove(function)

    def dispatch(self, event: PhoneEvent, call: Call) -> list[HandlerFailure]:
        """Call every handler for the event; a failure is recorded and the rest still run."""
        failures = []
        for handler in self._table[event.name]:
            try:
                handler(event, call)
            except Exception as error:  # noqa: BLE001 - isolation is the point
                failure = HandlerFailure(
                    handler=getattr(handler, "__qualname__", repr(handler)),
                    event=event.name,
                    call_uuid=call.uuid,
                    error=f"{type(error).__name__}: {error}",
                    traceback=traceback.format_exc(limit=5),
                )
                failures.append(failure)
        if failures:
            self.failures = (self.failures + failures)[-self.max_failures :]
        return failures


registry = Registry()
on = registry.on
