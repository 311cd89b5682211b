"""Boot: self-hosted and offline, the static build, and no event lost while Python starts."""

from __future__ import annotations

import json
import re
import sys

import pytest

from .conftest import BOOT_TIMEOUT_MS, FAKE_PHONE, PHONE_HOST, ROOT, App
from .site import free_port, start_server, stop_server, watch_built_site

EARLY = [
    {"event": "ringing", "properties": {"call_uuid": "early-1", "external_number": "+1 202 555 0100"}},
    {"event": "contact_info", "properties": {"call_uuid": "early-1", "contact": {"name": "Step One"}}},
    {"event": "contact_info", "properties": {"call_uuid": "early-1", "contact": {"name": "Step Two", "tags": ["x"]}}},
    {"event": "calling", "properties": {"call_uuid": "early-1"}},
    {"event": "calling", "properties": {"call_uuid": "early-1"}},
    {"event": "hangup", "properties": {"call_uuid": "early-1"}},
    {"event": "ended", "properties": {"call_uuid": "early-1"}},
    {"event": "dialing", "properties": {"call_uuid": "early-2"}},
]


def test_the_app_boots_from_its_own_origin_with_the_phone_and_nothing_else(app: App):
    app.open()
    assert not app.tab.visible("#boot")
    assert app.phone_loads() == [f"https://{PHONE_HOST}/?partner=mycrm"]
    assert app.heavy_start_waited_for("phone-in-dom")
    unused = app.tab.js("performance.getEntriesByType('resource').map(r => r.name)"
                        ".filter(n => /(py-editor|py-terminal|py-game|donkey|deprecations-manager)-/.test(n))")
    assert unused == [], "PyScript's plugins the app does not use are left out (index.html, pyscript.toml)"
    assert app.tab.js("performance.getEntriesByType('resource').some(r => r.name.endsWith('/vendor/pyodide/pyodide.asm.wasm'))")
    assert app.tab.js("performance.getEntriesByType('resource').some(r => r.name.includes('pydantic_core-2.50.4'))")


def test_every_runtime_module_the_app_imports_comes_precompiled(app: App):
    # serve.py ships the modules listed in pyproject.toml as bytecode; one imported from source
    # would be compiled again on every page load. Exercise every event type and view first.
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")
    app.tab.js("sessionStorage.setItem('cloudtalkProbe', '1')")
    app.open()
    contact = {"name": "Ada", "contact_emails": ["ada@example.com"], "external_urls": [{"name": "CRM", "url": "https://crm.example.com/1"}]}
    for event in ("ringing", "contact_info", "calling", "hangup", "ended", "dialing"):
        app.call(event, "probe-1", external_number="+1 202 555 0100", contact=contact)
    app.send_raw("not json")
    app.send(json.dumps({"event": "ringing", "properties": {"call_uuid": "probe-2", "contact": {"tags": [{"name": "VIP"}]}}}))
    app.wait_stored("probe-2", "ringing")
    for route in ("contact", "settings", "diagnostics", "calls"):
        app.tab.click(f"a[data-route={route}]")
        app.tab.wait("(route) => !document.querySelector(`[data-view=\"${route}\"]`).hidden", route)
    modules = app.tab.js("window.cloudtalkProbe.modules()")
    assert len(modules) > 150
    from_source = sorted(name for name, (path, loader) in modules.items() if path.endswith(".py") and loader != "type")
    assert from_source == [], f"add these to [tool.cloudtalk] precompiled-modules in pyproject.toml: {from_source}"


def test_without_the_boot_script_pyodide_still_starts_after_its_grace_period(app: App):
    # The runtime holds its heavy start until the boot script says where the phone is; a boot script that
    # never says (it failed to load) must not leave the page hanging: the start comes BOOT_GRACE_MS later.
    app.tab.goto(app.base + "/tests/e2e/no_boot_script.html")
    app.tab.wait("performance.getEntriesByName('python-ran').length > 0", timeout_ms=BOOT_TIMEOUT_MS)
    asked, started = app.tab.js("['runtime-asked', 'runtime-start'].map(n => performance.getEntriesByName(n)[0].startTime)")
    grace_ms = int(re.search(r"const BOOT_GRACE_MS = (\d+);", (ROOT / "runtime" / "pyodide.mjs").read_text())[1])
    assert started - asked >= grace_ms, "the start waited for the boot script's word, then for the grace period"


@pytest.mark.parametrize("start", ["normal", "snapshot"])
def test_events_posted_before_python_is_ready_are_handled_once_in_order(app: App, start: str):
    if start == "snapshot":  # a repeat visit: the first one saved a snapshot
        app.open("/#/calls")
        app.wait_snapshot_saved()
    # A phone that starts talking the moment it loads, long before Pyodide is up.
    app.engine.serve(PHONE_HOST, FAKE_PHONE.replace(
        "window.loads = (window.loads || 0) + 1;",
        f"window.loads = 1; for (const m of {json.dumps(EARLY)}) window.send(m); window.earlySentAt = performance.timeOrigin + performance.now();",
    ))
    app.open("/?early#/calls")
    # Every message was posted before the app took over (its mark `app-warmed` comes just before): the
    # boot script held them all. Both times are on the browser's one clock, whenever this reads them.
    sent_at = app.phone.wait("window.earlySentAt", timeout_ms=60_000)
    took_over_at = app.tab.wait("performance.getEntriesByName('app-warmed').length"
                                " && performance.timeOrigin + performance.getEntriesByName('app-warmed')[0].startTime")
    assert sent_at < took_over_at, "the phone should have posted before Python was ready"
    assert app.boot_path()["path"] == start
    # The stored call lists every event that changed it, in the order handled: the phone's order,
    # each once (the second `calling` changes nothing, so it adds no step).
    early_1 = app.stored("early-1")
    assert [step[0] for step in early_1["steps"]] == ["ringing", "contact_info", "contact_info", "calling", "hangup", "ended"]
    assert early_1["contact"]["name"] == "Step Two" and early_1["contact"]["tags"] == ["x"]
    assert [step[0] for step in app.stored("early-2")["steps"]] == ["dialing"]
    app.go("calls")
    assert app.tab.attr(app.item("early-1"), "data-outcome") == "Answered"
    assert "Step Two" in app.tab.text(app.item("early-1")) and "you hung up" in app.tab.text(app.item("early-1"))
    assert app.tab.attr(app.item("early-2"), "data-state") == "dialing"


@pytest.mark.parametrize("server", ["serve.py", "the static build under a plain static server"])
def test_the_app_boots_and_takes_calls_from_serve_py_and_from_the_static_build(app: App, server: str, tmp_path):
    import subprocess

    port = free_port()
    if server == "serve.py":
        process = start_server([sys.executable, "serve.py", "--port", str(port)], port)
    else:
        out = tmp_path / "site"
        subprocess.run([sys.executable, "serve.py", "build", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=120)
        watch_built_site(out)  # its page's errors are read in every engine
        process = start_server([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(out)], port)
    try:
        app.base = f"http://127.0.0.1:{port}"
        app.open("/#/calls")
        app.call("dialing", "built-1")
        app.call("ended", "built-1")
        app.wait_item("built-1", outcome="No answer")  # (serve.py's own pages have no error watcher outside Chromium)
    finally:
        code = stop_server(process)
    if server == "serve.py":
        assert code == 0, "serve.py should stop cleanly on SIGTERM"
