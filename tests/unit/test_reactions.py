"""The ring policy, without a browser: what the app does when a call changes."""

from __future__ import annotations

from cloudtalk.log import CallLog
from cloudtalk.ports import MemoryCallStore
from cloudtalk.reactions import (
    Announce,
    DockState,
    MaximisePhone,
    OpenScreenPop,
    SelectCall,
    ShowCard,
    ShowView,
    StartRinging,
    StopRinging,
    UpdateRinging,
    react,
)
from cloudtalk.settings import Settings

from .messages import event


class Desk:
    """A log and the little the reactions need to know about the page."""

    def __init__(self, **settings) -> None:
        self.log = CallLog(MemoryCallStore())
        self.settings = Settings(**settings)
        self.shown: str | None = None
        self.ringing: str | None = None
        self.t = 0.0

    def on(self, name: str, uuid: str = "c1", **kw):
        self.t += 1
        change = self.log.apply(event(name, uuid, **kw), at=self.t)
        intents = react(change, self.settings, shown_uuid=self.shown, ringing_uuid=self.ringing, active=self.log.active())
        for intent in intents:  # what the page would remember of carrying them out
            if isinstance(intent, ShowCard):
                self.shown = intent.call.uuid
            elif isinstance(intent, StartRinging):
                self.ringing = intent.call.uuid
            elif isinstance(intent, StopRinging):
                self.ringing = None
        return change, intents


def test_a_ringing_call_shows_its_card_selects_it_brings_the_contact_forward_maximises_and_alerts():
    desk = Desk()
    change, intents = desk.on("ringing", contact={"name": "Ann"})
    assert intents == [ShowCard(change.call), SelectCall("c1"), ShowView("contact"), MaximisePhone(), StartRinging(change.call),
                       DockState("· Ringing")]


def test_settings_turn_off_bringing_the_contact_forward_and_maximising_and_turn_on_the_screen_pop():
    desk = Desk(show_contact_on_ring=False, maximise_on_ring=False, screen_pop_auto=True, screen_pop_template="https://crm.example/{number}")
    change, intents = desk.on("ringing")
    assert intents == [ShowCard(change.call), SelectCall("c1"), StartRinging(change.call), OpenScreenPop(change.call), DockState("· Ringing")]


def test_automatic_screen_pop_needs_a_template():
    _, intents = Desk(screen_pop_auto=True).on("ringing")
    assert not any(isinstance(i, OpenScreenPop) for i in intents)


def test_contact_details_while_ringing_update_the_alert_and_answering_stops_it_and_says_so():
    desk = Desk()
    desk.on("ringing")
    change, intents = desk.on("contact_info", contact={"name": "Ann"})
    assert intents == [ShowCard(change.call), UpdateRinging(change.call), DockState("· Ringing")]
    change, intents = desk.on("calling")
    assert intents == [ShowCard(change.call), StopRinging(), Announce("Call with Ann connected"), DockState("· On call")]
    change, intents = desk.on("ended")
    assert intents == [ShowCard(change.call), DockState("")]


def test_a_missed_call_stops_ringing_and_says_how_it_ended_with_the_number_when_there_is_no_name():
    desk = Desk()
    desk.on("ringing")
    change, intents = desk.on("ended")
    assert intents == [ShowCard(change.call), StopRinging(), Announce("Call with +44 20 3868 0167 ended: Missed"), DockState("")]


def test_the_card_stays_on_the_call_the_agent_chose_but_jumps_to_a_new_call():
    desk = Desk()
    desk.on("ringing", "a")
    desk.on("ended", "a")
    desk.shown = "a"
    _, intents = desk.on("dialing", "b")  # a new call: the card jumps to it
    assert isinstance(intents[0], ShowCard) and intents[0].call.uuid == "b"
    desk.shown = "a"  # the agent went back to a's card
    _, intents = desk.on("calling", "b")  # b moves on: the card stays on a
    assert intents == [DockState("· On call")]


def test_a_duplicate_changes_nothing():
    desk = Desk()
    desk.on("ringing")
    _, intents = desk.on("ringing")
    assert intents == []


def test_a_second_ringing_call_alerts_and_the_first_ones_end_stops_nothing():
    desk = Desk()
    desk.on("ringing", "a")
    _, intents = desk.on("ringing", "b")
    assert any(isinstance(i, StartRinging) and i.call.uuid == "b" for i in intents)
    _, intents = desk.on("ended", "a")
    assert not any(isinstance(i, StopRinging) for i in intents), "b still rings"
