"""Entry point (Pyodide), the composition root: build the app from its parts, connect them, go live.

The boot script (py/boot.py) has already put the phone on screen and queued its messages. This
builds the history, the core service, the views and the panels, connects each to what it follows,
then drains the queue. Behaviour lives in the parts: what a call change does is cloudtalk.reactions,
carrying it out is cloudtalk.browser.workspace; nothing here handles an event itself.
"""

from __future__ import annotations

import time

import integrations  # noqa: F401 - registers the integrator's @on handlers

from cloudtalk.app import PhoneApp, warm_up
from cloudtalk.browser import dom, probes
from cloudtalk.browser.alerts import Alerts
from cloudtalk.browser.archive import Archive
from cloudtalk.browser.ffi import js
from cloudtalk.browser.history_actions import HistoryActions
from cloudtalk.browser.host import redispatch
from cloudtalk.browser.installable import InstallableApp
from cloudtalk.browser.panels import DiagnosticsPanel, SettingsPanel
from cloudtalk.browser.phone import PhoneDock, wait_for_boot
from cloudtalk.browser.readiness import ReadinessCheck
from cloudtalk.browser.router import Router
from cloudtalk.browser.runtime import report_start, save_snapshot_later
from cloudtalk.browser.storage import LocalStorage
from cloudtalk.browser.storage_panel import StoragePanel
from cloudtalk.browser.tabs import Tabs
from cloudtalk.browser.workspace import Workspace
from cloudtalk.diagnostics import Diagnostics
from cloudtalk.handlers import registry
from cloudtalk.settings import Settings

SWEEP_MS = 30_000  # stale calls are closed, and writes the browser refused are tried again, this often


async def main() -> None:
    js.performance.mark("app-imported")
    boot = await wait_for_boot()
    storage = LocalStorage()
    settings = Settings.load(storage, default_partner=str(boot.defaultPartner))
    diagnostics = Diagnostics()
    dom.background_failed.append(diagnostics.reporter("app_error", time.time))

    tabs = Tabs()
    archive = await Archive.in_browser(storage, on_problem=dom.noticed(diagnostics.reporter("storage", time.time)),
                                       on_written=tabs.calls_written)
    log = archive.log
    report = await archive.open()
    js.performance.mark("app-restored")
    app = PhoneApp(log, registry, clock=time.time, diagnostics=diagnostics)
    app.settings_changed(settings, settings)

    def in_call() -> bool:
        return log.active() is not None

    router, alerts, dock = Router(default="calls"), Alerts(settings), PhoneDock(boot, busy=in_call)
    workspace = Workspace(log, archive.store, settings, partner=str(boot.partner), storage=storage, router=router, dock=dock,
                          alerts=alerts)
    history_actions = HistoryActions(archive, workspace, tabs, alerts)
    readiness = ReadinessCheck(boot, settings, on_outage=diagnostics.reporter("network", time.time), in_call=in_call,
                               announce=alerts.announce, storage=storage, router=router, dock=dock)
    installable = InstallableApp(boot, in_call=in_call, on_startup_line=diagnostics.reporter("startup", time.time),
                                 announce=alerts.announce)
    storage_panel = StoragePanel(archive, router)
    diagnostics_panel = DiagnosticsPanel(app)
    router.on_change.append(lambda _name: diagnostics_panel.set_visible("diagnostics" in router.shown))
    SettingsPanel(settings, storage, boot).on_saved.extend(
        [workspace.settings_changed, readiness.settings_changed, app.settings_changed, dock.settings_changed])
    report_start(diagnostics, time.time)

    app.views.extend([workspace.on_event, redispatch, readiness.on_event, installable.on_event, storage_panel.on_event])
    workspace.observers.append(history_actions.refresh_buttons)
    workspace.v.callbacks.on_count.append(installable.badge)
    archive.on_more.append(workspace.background_done)
    tabs.connect(archive, workspace)
    dom.listen(dom.by_id("notice-close"), "click", lambda _e: setattr(dom.by_id("notice"), "hidden", True))
    dom.every(SWEEP_MS, lambda: (workspace.sweep(time.time()), archive.retry()))
    js.performance.mark("app-wired")

    await workspace.reload_all()  # the newest calls are on the page when it says it is ready
    router.sync()
    if report.notice:
        dom.show_notice(report.notice)
    workspace.sweep(time.time())
    probes.install_test_probe()
    workspace.rehearse(warm_up())  # the first real messages pay no first-use costs (see app.warm_up)
    js.performance.mark("app-warmed")
    dock.go_live(probes.timed(app.receive, boot, archive.store), app.ignore)  # the queued messages first, in order
    probes.unless_held("background", archive.start_background)
    readiness.offer_once()
    dom.spawn(readiness.observe())
    # The offline copy of the app (sw.js) is stored after the snapshot is made: the two never share the cores.
    save_snapshot_later(diagnostics, time.time, busy=in_call, then=lambda: dom.spawn(installable.register()))


await main()  # noqa: F704 - PyScript runs this module with top-level await
