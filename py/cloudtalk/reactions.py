"""What the app does when a call changes: a pure function from the change to intents.

The ring policy (show the caller, bring the card forward, maximise the phone, alert, pop the
CRM) is the product's most important behaviour, so it is data here, tested without a browser;
the browser layer's Workspace carries the intents out.

    intents = react(change, settings, shown_uuid=None, ringing_uuid=None, active=change.call)
    assert StartRinging(change.call) in intents
"""

from __future__ import annotations

from dataclasses import dataclass

from .calls import Call, State
from .log import Change
from .present import caller_name
from .settings import Settings


@dataclass(frozen=True)
class ShowCard:
    call: Call


@dataclass(frozen=True)
class SelectCall:
    uuid: str


@dataclass(frozen=True)
class ShowView:
    name: str


@dataclass(frozen=True)
class MaximisePhone:
    pass


@dataclass(frozen=True)
class StartRinging:
    call: Call


@dataclass(frozen=True)
class UpdateRinging:
    call: Call  # contact details arrived while it rings


@dataclass(frozen=True)
class StopRinging:
    pass


@dataclass(frozen=True)
class Announce:
    text: str


@dataclass(frozen=True)
class OpenScreenPop:
    call: Call


@dataclass(frozen=True)
class DockState:
    text: str


Intent = (
    ShowCard | SelectCall | ShowView | MaximisePhone | StartRinging | UpdateRinging | StopRinging
    | Announce | OpenScreenPop | DockState
)


def react(
    change: Change, settings: Settings, *, shown_uuid: str | None, ringing_uuid: str | None, active: Call | None
) -> list[Intent]:
    """The intents for one change of one call.

    `shown_uuid` is the call on the card, `ringing_uuid` the call alerting now, `active` the
    newest call in progress after the change.
    """
    if not change.changed:
        return []
    call = change.call
    before = change.previous.state if change.previous else None
    intents: list[Intent] = []
    starts_ringing = call.state is State.RINGING and before is not State.RINGING
    if starts_ringing:
        intents += [ShowCard(call), SelectCall(call.uuid)]
        if settings.show_contact_on_ring:
            intents.append(ShowView("contact"))
        if settings.maximise_on_ring:
            intents.append(MaximisePhone())
        intents.append(StartRinging(call))
        if settings.screen_pop_auto and settings.screen_pop_template:
            intents.append(OpenScreenPop(call))
    elif shown_uuid in (None, call.uuid) or (call.is_live and before is None):
        intents.append(ShowCard(call))  # the card follows its call, and jumps to a call that just started
    if not starts_ringing and ringing_uuid == call.uuid:
        if call.state is State.RINGING:
            intents.append(UpdateRinging(call))
        else:
            intents.append(StopRinging())
            if call.state is State.ON_CALL:
                intents.append(Announce(f"Call with {caller_name(call)} connected"))
            elif call.outcome is not None:
                intents.append(Announce(f"Call with {caller_name(call)} ended: {call.outcome.value}"))
    intents.append(DockState(f"· {active.state.label}" if active else ""))
    return intents
