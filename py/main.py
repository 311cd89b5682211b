"""Entry point (Pyodide), the composition root: build the app from its parts, take over the phone, go live.

The boot script (py/boot.py) has already put the phone on screen and queued its
messages; this wires storage, the call log, the workspace's views and the handlers,
then drains the queue and sets `data-ready`. Behaviour lives in the parts: what a
call change does is cloudtalk.reactions, carrying it out is cloudtalk.browser.workspace.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import integrations  # noqa: F401 - registers the integrator's @on handlers
import js

from cloudtalk import persist
from cloudtalk.app import WARM_UP_ROUNDS, PhoneApp, warm_up
from cloudtalk.browser.alerts import Alerts
from cloudtalk.browser.archive import Archive, Progress, ask_to_persist, storage_state
from cloudtalk.browser.callbacks import CallBacksView
from cloudtalk.browser.calls_db import CHANNEL, CallsDB
from cloudtalk.browser.contact import ContactCard
from cloudtalk.browser.dom import by_id, keep, listen, spawn
from cloudtalk.browser.history import CallerHistory
from cloudtalk.browser.installable import InstallableApp
from cloudtalk.browser.notes import NotesPanel
from cloudtalk.browser.panels import DiagnosticsPanel, SettingsPanel, download, download_blob, stamp
from cloudtalk.browser.phone import PhoneDock, wait_for_boot
from cloudtalk.browser.readiness import ReadinessCheck
from cloudtalk.browser.router import Router
from cloudtalk.browser.runtime import report_start, save_snapshot_later
from cloudtalk.browser.screen_pop import ScreenPop
from cloudtalk.browser.storage import LocalStorage
from cloudtalk.browser.summary import TodayPanel
from cloudtalk.browser.timeline import Timeline
from cloudtalk.browser.workspace import Views, Workspace
from cloudtalk.callers import CallBacks
from cloudtalk.diagnostics import Diagnostics
from cloudtalk.events import PhoneEvent
from cloudtalk.handlers import registry
from cloudtalk.log import CallLog, Change, Merged, export_csv, export_json
from cloudtalk.persist import CallStore, MemoryCallStore
from cloudtalk.present import storage_line
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
    diagnostics_log = Diagnostics()
    redraw_diagnostics = [lambda: None]  # the panel's redraw, once it exists

    def storage_problem(text: str) -> None:
        diagnostics_log.add("storage", text, at=time.time())
        show_notice(text)
        redraw_diagnostics[0]()

    channel = js.BroadcastChannel.new(CHANNEL) if hasattr(js.window, "BroadcastChannel") else None

    def written(uuids: list[str]) -> None:
        if channel is not None:
            channel.postMessage(js.JSON.parse(json.dumps({"calls": uuids})))

    store: CallStore
    try:
        db = await CallsDB.open(on_problem=storage_problem, on_written=written)
        store = db
    except Exception as error:  # noqa: BLE001 - no database here (blocked, a private mode): keep the calls in the page
        db = None
        store = MemoryCallStore()
        storage_problem(f"The browser's database is not available ({error}): calls are kept in this page only. "
                        "Export them before you close it.")
    log = CallLog(store)
    progress = Progress()
    archive = Archive(log, db, storage, progress, on_more=lambda: workspace.older_loaded(), on_problem=storage_problem) \
        if db is not None else None
    report = await archive.open() if archive is not None else log.load([])
    js.performance.mark("app-restored")
    app = PhoneApp(log, registry, clock=time.time, diagnostics=diagnostics_log)
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
    redraw_diagnostics[0] = diagnostics.changed

    def listed(kind: str) -> Callable[[str], None]:
        """A Diagnostics line of this kind, drawn at once (the network's outages, the start-up's facts)."""
        def add(text: str) -> None:
            diagnostics_log.add(kind, text, at=time.time())
            diagnostics.changed()

        return add

    readiness = ReadinessCheck(boot, settings, on_outage=listed("network"), in_call=lambda: log.active() is not None,
                               announce=alerts.announce, storage=storage)
    router.on_change.append(lambda _name: readiness.set_visible("ready" in router.shown))
    dock.on_here.append(lambda _here: spawn(readiness.observe()))
    report_start(app.diagnostics, time.time)
    router.on_change.append(lambda _name: diagnostics.set_visible("diagnostics" in router.shown))
    router.on_change.append(lambda _name: views.callbacks.set_visible("callbacks" in router.shown))

    def settings_saved(old: Settings, new: Settings) -> None:
        workspace.settings_changed(new)
        readiness.settings = new
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

    installable = InstallableApp(boot, in_call=lambda: log.active() is not None, on_startup_line=listed("startup"),
                                 announce=alerts.announce)
    views.callbacks.on_count.append(installable.badge)
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

    async def export(kind: str) -> None:
        if archive is None:  # no database: the calls of this page, at once
            calls = list(log.newest_first())
            text = export_csv(calls) if kind == "csv" else export_json(calls, time.time())
            download(f"cloudtalk-calls-{stamp()}.{kind}", text, "text/csv" if kind == "csv" else "application/json")
            return
        if archive.busy:
            return
        archive.busy = True
        try:
            blob = await archive.export(kind, time.time())
            download_blob(f"cloudtalk-calls-{stamp()}.{kind}", blob)
            progress.finish(f"Exported {len(log):,} call{'' if len(log) == 1 else 's'}.")
        finally:
            archive.busy = False

    listen(by_id("export-csv"), "click", lambda _e: spawn(export("csv")))
    listen(by_id("export-json"), "click", lambda _e: spawn(export("json")))
    import_file = by_id("import-file")
    listen(by_id("import-history"), "click", lambda _e: import_file.click())

    async def restore(_e: Any) -> None:
        files = import_file.files
        if archive is None or archive.busy or not files.length:
            return
        archive.busy = True
        file = files.item(0)
        try:
            progress.show(f"Reading {file.name}…", 0, 1)
            try:
                text = str(await file.text())
            except Exception as error:  # noqa: BLE001 - unreadable file (permissions, not text): say so
                text = ""
                result: Merged | str = f"Not imported: the file could not be read ({error}). Nothing was changed."
            else:
                result = await archive.restore(text)
            if isinstance(result, str):
                progress.finish(result)
                show_notice(result)
                return
            workspace.restored()
            if channel is not None:
                channel.postMessage(js.JSON.parse('{"reload": true}'))
            message = (f"Imported {file.name}: {result.added:,} new call(s), {result.updated:,} updated, "
                       f"{result.unchanged:,} already here.")
            progress.finish(message)
            alerts.announce(message)
        finally:
            import_file.value = ""
            archive.busy = False

    listen(import_file, "change", lambda e: spawn(restore(e)))
    confirm = by_id("confirm-clear")
    listen(by_id("clear-history"), "click", lambda _e: confirm.showModal())

    def confirmed(_e: Any) -> None:
        if confirm.returnValue == "clear":
            log.clear()
            if channel is not None:
                channel.postMessage(js.JSON.parse('{"clear": true}'))
            workspace.history_cleared()
            alerts.announce("Call history cleared")

    listen(confirm, "close", confirmed)

    async def reread(uuids: list[str]) -> None:
        # Another tab committed these calls or notes: read them as stored, take them in.
        stored = await db.get_many(uuids)
        for uuid, (text, note) in stored.items():
            call = None
            if text is not None:
                try:
                    call = persist.decode_stored(text, note)
                except (ValueError, KeyError, TypeError, IndexError):
                    continue  # unreadable: left as the writer stored it
            workspace.absorb(uuid, call)
        workspace.derived_changed()
        workspace.v.history_buttons()

    async def reopen() -> None:
        await archive.open()
        workspace.reload_all()
        archive.load_the_rest()

    def other_tab(event: Any) -> None:
        data = event.data
        if getattr(data, "clear", False):
            log.load([])
            workspace.history_cleared()
        elif getattr(data, "reload", False):
            spawn(reopen())
        elif getattr(data, "calls", None) is not None and db is not None:
            spawn(reread([str(u) for u in data.calls]))

    if channel is not None:
        listen(channel, "message", other_tab)

    def other_tab_mark(event: Any) -> None:
        # Another tab marked a call-back done (localStorage keeps the marks; a clear comes on the channel).
        if event.key:
            workspace.absorb_mark(str(event.key), str(event.newValue) if event.newValue else None)

    listen(js.window, "storage", other_tab_mark)
    listen(by_id("notice-close"), "click", lambda _e: setattr(by_id("notice"), "hidden", True))

    async def show_storage() -> None:
        state = await storage_state()
        calls = archive.stored_total if archive is not None and archive.loading else len(log)
        by_id("storage-summary").textContent = storage_line(calls, state["persisted"], state["usage"], state["quota"])
        by_id("storage-persist").hidden = state["persisted"] is not False

    async def persist_now(asked_by_agent: bool) -> None:
        granted = await ask_to_persist()
        if asked_by_agent:
            by_id("storage-persist-status").textContent = {
                True: "The browser will keep the history.",
                False: "The browser said no. Installing the app, bookmarking the site or visiting it often may change its mind.",
                None: "This browser cannot be asked.",
            }[granted]
        await show_storage()

    listen(by_id("storage-persist"), "click", lambda _e: spawn(persist_now(True)))
    router.on_change.append(lambda _name: spawn(show_storage()) if "settings" in router.shown else None)
    asked_to_persist = False

    def after_a_call(_event: PhoneEvent, change: Change) -> None:
        if change.changed and (change.call.outcome is not None or change.previous is None):
            readiness.call_changed(started=change.previous is None)
            installable.call_changed()
        # The first call that ends on this page is a good moment to ask the browser to keep the history.
        nonlocal asked_to_persist
        if not asked_to_persist and change.changed and change.call.outcome is not None:
            asked_to_persist = True
            spawn(persist_now(False))

    app.views.append(after_a_call)

    def every_half_minute() -> None:
        workspace.sweep(time.time())
        if db is not None:
            db.retry()

    js.window.setInterval(keep(lambda *_: every_half_minute()), STALE_SWEEP_MS)

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
    if archive is not None:
        archive.load_the_rest()
    readiness.offer_once()
    spawn(readiness.observe())
    # The offline copy of the app (sw.js) is stored after the snapshot is made: the two never share the cores.
    save_snapshot_later(app.diagnostics, time.time, diagnostics.changed, busy=lambda: log.active() is not None,
                        then=lambda: spawn(installable.register()))


await main()  # noqa: F704 - PyScript runs this module with top-level await
