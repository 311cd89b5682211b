"""The workspace: the views of one page, kept in step with the call log.

It carries out the core's reactions (cloudtalk.reactions decides, this module only does), and
refreshes what derives from many calls (caller history, call-backs, today's summary) from the
caller keys the log reports as touched, never by scanning the history per event.

    workspace = Workspace(log, archive.store, settings, partner="mycrm", storage=storage, router=router, dock=dock,
                          alerts=alerts)
    app.views.append(workspace.on_event)
    workspace.observers.append(history_actions.refresh_buttons)   # told after anything changed the history
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..app import WARM_UP_ROUNDS
from ..callers import CallBacks, RebuildProgress, caller_key
from ..calls import Call
from ..events import PhoneEvent
from ..log import CallLog, Change
from ..ports import Storage, StoredCalls
from ..reactions import (
    Announce,
    DockState,
    Intent,
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
from ..settings import Settings
from .alerts import Alerts
from .callbacks import CallBacksView
from .contact import ContactCard
from .dom import by_id, el, spawn
from .history import CallerHistory
from .notes import NotesPanel
from .phone import PhoneDock
from .router import Router
from .screen_pop import ScreenPop
from .summary import TodayPanel
from .timeline import Timeline


@dataclass
class Views:
    """The parts of the page the workspace drives (built by the workspace, faked nowhere: see tests/e2e)."""

    card: ContactCard
    history: CallerHistory
    notes: NotesPanel
    timeline: Timeline
    callbacks: CallBacksView
    today: TodayPanel
    router: Router
    dock: PhoneDock
    alerts: Alerts
    pop: ScreenPop




class Workspace:
    def __init__(self, log: CallLog, store: StoredCalls, settings: Settings, *, partner: str, storage: Storage,
                 router: Router, dock: PhoneDock, alerts: Alerts) -> None:
        self.log = log
        self.settings = settings
        self.partner = partner
        self.observers: list[Callable[[], None]] = []  # told after anything changed the history shown
        self.v = Views(
            card=ContactCard(by_id("contact-card"), partner=partner),
            history=CallerHistory(log, store, on_select=self.select, clock=time.time),
            notes=NotesPanel(log, settings, on_saved=self.annotated),
            timeline=Timeline(log, store, on_select=self.select),
            callbacks=CallBacksView(CallBacks(store, storage), clock=time.time),
            today=TodayPanel(log, store, clock=time.time),
            router=router,
            dock=dock,
            alerts=alerts,
            pop=ScreenPop(settings, partner=partner),
        )
        router.on_change.append(lambda _name: self.v.callbacks.set_visible("callbacks" in router.shown))
        log.on_corrected.append(self.corrected)
        # Each intent type to the method that carries it out: adding an intent means adding a row.
        self._carry: dict[type, Callable[[Any], None]] = {
            ShowCard: lambda i: self.show(i.call),
            SelectCall: lambda i: self.v.timeline.select(i.uuid),
            ShowView: lambda i: self.v.router.bring_forward(i.name),
            MaximisePhone: lambda _i: self.v.dock.set_minimised(False),
            StartRinging: lambda i: self.v.alerts.start_ringing(i.call, self.v.pop.href(i.call)),
            UpdateRinging: lambda i: self.v.alerts.update_ringing(i.call, self.v.pop.href(i.call)),
            StopRinging: lambda _i: self.v.alerts.stop_ringing(),
            Announce: lambda i: self.v.alerts.announce(i.text),
            OpenScreenPop: self._pop_up,
            DockState: lambda i: self.v.dock.show_state(i.text),
        }

    def changed(self) -> None:
        for told in self.observers:
            told()

    def rehearse(self, sample: Call | None) -> None:
        """Render a sample call off the page, so that the first real call pays no first-use costs (see app.warm_up)."""
        if sample is None:
            return
        spare_card = ContactCard(el("section"), partner=self.partner)
        for _ in range(WARM_UP_ROUNDS):
            self.v.timeline.rehearse(sample)
            spare_card.show(None)
            spare_card.show(sample)

    # ------------------------------------------------------------ showing

    def show(self, call: Call | None) -> None:
        """Put a call on the card, with its history, notes and screen-pop link; the page holds it while it is there."""
        call = self.log.hold(call)
        self.v.card.show(call, self.v.pop.href(call) if call else None)
        self.v.history.show(call)
        self.v.notes.show(call)

    def select(self, call: Call) -> None:
        """The agent picked a call (timeline or history): show it and go to the card."""
        self.v.timeline.select(call.uuid)
        self.show(call)
        self.v.router.go("contact")

    def carry_out(self, intents: list[Intent]) -> None:
        for intent in intents:
            self._carry[type(intent)](intent)

    def _pop_up(self, intent: OpenScreenPop) -> None:
        if not self.v.pop.open(intent.call):
            self.v.alerts.announce("The browser blocked the screen pop-up; use Open in CRM on the card.")

    # ------------------------------------------------------------ changes

    def on_event(self, _event: PhoneEvent, change: Change) -> None:
        """After each accepted event (a PhoneApp view)."""
        if not change.changed:
            return
        self.v.timeline.update(change.call, new=change.previous is None)
        ringing = self.v.alerts.ringing
        active = self.log.active()
        self.v.alerts.call_active = active is not None
        self.carry_out(react(change, self.settings, shown_uuid=self.v.card.shown_uuid,
                             ringing_uuid=ringing.uuid if ringing else None, active=active))
        # The card's history lists the calls before the shown one: that call's own events leave it as
        # it is, unless they moved the call to another caller (a contact id arrived).
        own = change.call.uuid == self.v.card.shown_uuid
        moved = change.previous is not None and caller_key(change.previous) != caller_key(change.call)
        self.derived_changed(history=moved or not own)
        self.changed()

    def derived_changed(self, *, history: bool = True) -> None:
        """Refresh what derives from many calls, for the callers whose calls changed (and the card's
        history too, unless `history` is False)."""
        touched = self.log.take_touched()
        self.v.callbacks.refresh(touched)
        self.v.today.changed()
        shown = self.v.card.shown
        if history and shown is not None and touched and caller_key(shown) in touched:
            self.v.history.show(self.log.get(shown.uuid) or shown, force=True)

    def annotated(self, change: Change) -> None:
        """The agent saved a note or disposition."""
        self.v.timeline.update(change.call)
        self.log.take_touched()  # a note changes no call-back or count

    def settings_changed(self, _old: Settings, settings: Settings) -> None:
        self.settings = settings
        self.v.alerts.settings = settings
        self.v.pop.settings = settings
        self.v.notes.set_dispositions(settings)
        shown = self.v.card.shown
        if shown is not None:
            self.show(shown)  # the screen-pop link follows the template

    def reload_all(self) -> asyncio.Future[Any]:
        """After the whole history changed (cleared here, or restored or cleared in another tab), and at the start: done
        once the timeline's first page and the call-back list are drawn."""
        self.v.timeline.render_all()
        self.show(None)
        self.show(self.log.latest_contact())
        self.log.take_touched()
        listed = spawn(self.v.callbacks.load())
        self.v.today.render()
        self.changed()
        return asyncio.gather(self.v.timeline.drawn, listed)

    def history_cleared(self) -> None:
        """The call history was cleared (here, or in another tab): the call-back marks go with it."""
        self.v.callbacks.callbacks.clear()
        self.reload_all()

    def absorb_mark(self, key: str, text: str | None) -> None:
        """Another tab marked a call-back done (a storage event)."""
        self.v.callbacks.absorb(key, text)

    def corrected(self, call: Call) -> None:
        """The store's copy of a call the page did not hold, with the page's changes made on it (log.Replay): shown."""
        self.v.timeline.update(call)
        if self.v.card.shown_uuid == call.uuid:
            self.show(call)
        self.derived_changed()
        self.changed()

    def absorb(self, uuid: str, call: Call | None) -> None:
        """Another tab wrote a call or its note (None: the store no longer has it): take the change in."""
        self.log.absorb(uuid, call)
        if call is None:
            self.v.timeline.remove(uuid)
        else:
            self.v.timeline.update(call, new=True)  # new to this page, perhaps: the count is read again
        if self.v.card.shown_uuid == uuid:
            self.show(call)
        self.derived_changed()
        self.changed()

    def background_done(self) -> None:
        """The background work after going live ended (an older store's records have search's words): search may ask
        the index."""
        self.v.timeline.more_loaded()
        self.changed()

    async def restored(self, callers: Iterable[str], on_progress: RebuildProgress | None = None) -> None:
        """A backup was merged in, changing these callers' calls, anywhere in the history. Done once their call-backs are
        worked out again (every caller's, from one pass over the store, when there are many: told to `on_progress`)."""
        self.v.callbacks.refresh(callers, on_progress)
        await self.v.callbacks.settled()
        self.v.timeline.render_all()
        shown = self.v.card.shown
        if shown is not None:
            call = self.log.get(shown.uuid) or shown
            self.show(call)
            self.v.history.show(call, force=True)  # its earlier calls may be new
        self.v.today.render()
        self.changed()

    def sweep(self, now: float) -> None:
        for call in self.log.sweep_stale(now, self.settings.stale_after_minutes * 60):
            self.v.timeline.update(call)
            if self.v.card.shown_uuid == call.uuid:
                self.show(call)
        self.derived_changed()
