"""Entry point (Pyodide), the composition root: build the app from its parts, take over the phone, go live.

The boot script (py/boot.py) has already put the phone on screen and queued its
messages; this wires storage, the call log, the workspace's views and the handlers,
then drains the queue and sets `data-ready`. Behaviour lives in the parts: what a
call change does is cloudtalk.reactions, carrying it out is cloudtalk.browser.workspace.
"""

from __future__ import annotations

import json
import time
from typing import Any

import integrations  # noqa: F401 - registers the integrator's @on handlers
import js

from cloudtalk.app import WARM_UP_ROUNDS, PhoneApp, warm_up
from cloudtalk.browser.alerts import Alerts
from cloudtalk.browser.callbacks import CallBacksView
from cloudtalk.browser.contact import ContactCard
from cloudtalk.browser.dom import by_id, keep, listen
from cloudtalk.browser.history import CallerHistory
from cloudtalk.browser.notes import NotesPanel
from cloudtalk.browser.panels import DiagnosticsPanel, SettingsPanel, download, stamp
from cloudtalk.browser.phone import PhoneDock, wait_for_boot
from cloudtalk.browser.router import Router
from cloudtalk.browser.runtime import report_start, save_snapshot_later
from cloudtalk.browser.screen_pop import ScreenPop
from cloudtalk.browser.storage import LocalStorage
from cloudtalk.browser.summary import TodayPanel
from cloudtalk.browser.timeline import Timeline
from cloudtalk.browser.workspace import Views, Workspace
from cloudtalk.callers import CallBacks
from cloudtalk.events import PhoneEvent
from cloudtalk.handlers import registry
from cloudtalk.log import CallLog, Change, export_csv, export_json
from cloudtalk.settings import Settings

STALE_SWEEP_MS = 30_000


def _probing() -> bool:
    try:
        return bool(js.window.sessionStorage.getItem("cloudtalkProbe"))
    except Exception:  # noqa: BLE001 - storage blocked: no probe
        return False


def redispatch(event: PhoneEvent, _change: Change) -> None:
    """For host JavaScript: every accepted event as a `cloudtalk:<event>` DOM event, validated JSON in `detail`."""
    init = js.Object.new()
    init.detail = js.JSON.parse(event.to_json())
    js.window.dispatchEvent(js.CustomEvent.new(f"cloudtalk:{event.name}", init))


def show_notice(text: str) -> None:
    by_id("notice-text").textContent = text
    by_id("notice").hidden = False


async def main() -> None:
    js.performance.mark("app-imported")
    boot = await wait_for_boot()
    storage = LocalStorage()
    settings = Settings.load(storage, default_partner=str(boot.defaultPartner))
    log = CallLog(storage)
    report = log.load()
    js.performance.mark("app-restored")
    app = PhoneApp(log, registry, clock=time.time)
    if settings.record_session:
        app.start_recording()

    dock = PhoneDock(boot)
    router = Router(default="calls")
    alerts = Alerts(settings)
    history_controls = [by_id(name) for name in ("export-csv", "export-json", "clear-history")]

    history_was_empty: bool | None = None

    def history_buttons() -> None:
        nonlocal history_was_empty
        empty = len(log) == 0
        if empty != history_was_empty:  # runs on every event: touch the page only on a change
            history_was_empty = empty
            for control in history_controls:
                control.disabled = empty

    workspace: Workspace  # the views below call back into it once it exists
    views = Views(
        card=ContactCard(by_id("contact-card"), partner=str(boot.partner)),
        history=CallerHistory(log, on_select=lambda call: workspace.select(call), clock=time.time),
        notes=NotesPanel(log, settings, on_saved=lambda change: workspace.annotated(change)),
        timeline=Timeline(log, on_select=lambda call: workspace.select(call)),
        callbacks=CallBacksView(CallBacks(log.callers, storage), clock=time.time),
        today=TodayPanel(log, clock=time.time),
        router=router,
        dock=dock,
        alerts=alerts,
        pop=ScreenPop(settings, partner=str(boot.partner)),
        history_buttons=history_buttons,
    )
    workspace = Workspace(log, settings, views)
    app.views.append(workspace.on_event)
    app.views.append(redispatch)

    def download_recording() -> None:
        if app.recording is None:
            show_notice("Recording is off. Turn on 'Record this session's messages' in Settings, then make calls.")
            return
        download(f"cloudtalk-recording-{stamp()}.json", app.recording_json(), "application/json")

    diagnostics = DiagnosticsPanel(app.diagnostics, download_recording)
    report_start(app.diagnostics, time.time)
    router.on_change.append(lambda _name: diagnostics.set_visible("diagnostics" in router.shown))
    router.on_change.append(lambda _name: views.callbacks.set_visible("callbacks" in router.shown))

    def settings_saved(old: Settings, new: Settings) -> None:
        workspace.settings_changed(new)
        if new.record_session:
            app.start_recording()
        else:
            app.stop_recording()
        if (old.partner, old.phone) != (new.partner, new.phone):
            if log.active() is not None:
                show_notice("The new phone settings apply after the current call: reload the page then.")
            else:
                url = js.URL.new(js.window.location.href)
                url.searchParams.delete("partner")
                url.searchParams.delete("phone")
                js.window.location.assign(url.href)

    SettingsPanel(settings, storage, on_saved=settings_saved)
    if bool(boot.simulator) != (settings.phone == "simulator"):  # ?phone= overrides the setting for this visit
        help_text = by_id("set-phone-help")
        phone = "simulator" if boot.simulator else "CloudTalk Phone"
        help_text.textContent = f"This visit uses the {phone} (set by ?phone= in the address)."
        help_text.hidden = False

    timings = getattr(js.window, "cloudtalkTimings", None)  # set by bench/run.py only
    if timings is not None:
        import pyodide_js

        js.window.cloudtalkWasmBytes = keep(lambda: pyodide_js._module.HEAP8.length)  # for bench/run.py's memory figure

    def receive(raw: Any) -> None:
        app.receive(raw)
        diagnostics.changed()
        if timings is not None:
            timings.push(js.performance.now() - boot.receivedAt)

    def ignore(reason: str, excerpt: str) -> None:
        app.ignore(reason, excerpt, keep=alerts.settings.log_ignored_messages)
        diagnostics.changed()

    def export(kind: str) -> None:
        calls = list(log.newest_first())
        if kind == "csv":
            download(f"cloudtalk-calls-{stamp()}.csv", export_csv(calls), "text/csv")
        else:
            download(f"cloudtalk-calls-{stamp()}.json", export_json(calls, time.time()), "application/json")

    listen(by_id("export-csv"), "click", lambda _e: export("csv"))
    listen(by_id("export-json"), "click", lambda _e: export("json"))
    confirm = by_id("confirm-clear")
    listen(by_id("clear-history"), "click", lambda _e: confirm.showModal())

    def confirmed(_e: Any) -> None:
        if confirm.returnValue == "clear":
            log.clear()
            workspace.history_cleared()
            alerts.announce("Call history cleared")

    listen(confirm, "close", confirmed)

    def other_tab(event: Any) -> None:
        # Another tab of the app wrote the shared store: take its calls in, so neither loses the other's.
        if not event.key:  # the other tab cleared the whole store
            log.load()
            workspace.history_cleared()
            return
        workspace.absorb(str(event.key), str(event.newValue) if event.newValue else None)

    listen(js.window, "storage", other_tab)
    listen(by_id("notice-close"), "click", lambda _e: setattr(by_id("notice"), "hidden", True))

    js.window.setInterval(keep(lambda *_: workspace.sweep(time.time())), STALE_SWEEP_MS)

    js.performance.mark("app-wired")
    workspace.reload_all()
    router.sync()
    if report.notice:
        show_notice(report.notice)
    workspace.sweep(time.time())

    if _probing():  # tests/e2e only: which runtime modules did the app import?
        import sys

        def modules() -> Any:
            # name -> [file, loader] of every module imported from the runtime (stdlib and wheels)
            return js.JSON.parse(json.dumps({
                name: [module.__file__, type(module.__loader__).__name__] for name, module in list(sys.modules.items())
                if (getattr(module, "__file__", None) or "").startswith("/lib/")
            }))

        js.window.cloudtalkProbe = js.Object.new()
        js.window.cloudtalkProbe.modules = keep(modules)

    sample = warm_up()  # the first real messages pay no first-use costs (see app.warm_up)
    if sample is not None:  # the same for rendering: a spare card and timeline items, off the page
        spare_card = ContactCard(js.document.createElement("section"), partner=str(boot.partner))
        for _ in range(WARM_UP_ROUNDS):
            views.timeline.rehearse(sample)
            spare_card.show(None)
            spare_card.show(sample)
    js.performance.mark("app-warmed")
    # Go live: everything the phone sent while Python booted is handled now, in order.
    dock.take_over(receive, ignore, busy=lambda: log.active() is not None)
    boot.ready = True
    by_id("boot").hidden = True
    js.document.body.dataset.ready = "true"
    js.window.performance.mark("app-ready")
    save_snapshot_later(app.diagnostics, time.time, diagnostics.changed, busy=lambda: log.active() is not None)


await main()  # noqa: F704 - PyScript runs this module with top-level await
