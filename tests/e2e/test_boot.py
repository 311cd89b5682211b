"""Boot: self-hosted and offline, the static build, and no event lost while Python starts."""

from __future__ import annotations

import json
import sys

from .conftest import PHONE_ORIGIN, ROOT, App, FakePhone, free_port, start_server, stop_server

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

RECORD_EVENTS = """
window.__events = [];
for (const name of ['ringing', 'dialing', 'calling', 'hangup', 'ended', 'contact_info']) {
  addEventListener('cloudtalk:' + name, (e) => window.__events.push(e.detail));
}
"""


def test_the_app_boots_from_its_own_origin_with_no_request_leaving_the_machine(app: App):
    app.open()
    assert app.page.locator("#boot").is_hidden()
    assert app.external_requests() == []
    assert [u for u in app.requests if u.startswith(PHONE_ORIGIN)] == ["https://phone.cloudtalk.io/?partner=mycrm"]
    assert any(u.endswith("/vendor/pyodide/pyodide.asm.wasm") for u in app.requests)
    assert any("pydantic_core-2.50.4" in u for u in app.requests)


def test_every_runtime_module_the_app_imports_comes_precompiled(app: App):
    # serve.py ships the modules listed in pyproject.toml as bytecode; one imported from source
    # would be compiled again on every page load. Exercise every event type and view first.
    app.page.add_init_script("window.cloudtalkProbe = {}")
    app.open()
    contact = {"name": "Ada", "contact_emails": ["ada@example.com"], "external_urls": [{"name": "CRM", "url": "https://crm.example.com/1"}]}
    for event in ("ringing", "contact_info", "calling", "hangup", "ended", "dialing"):
        app.call(event, "probe-1", external_number="+1 202 555 0100", contact=contact)
    app.send_raw("not json")
    for route in ("contact", "settings", "diagnostics", "calls"):
        app.page.click(f"a[data-route={route}]")
    app.settle()
    modules = app.page.evaluate("window.cloudtalkProbe.modules()")
    assert len(modules) > 150
    from_source = sorted(name for name, (path, _loader) in modules.items() if path.endswith(".py") and _loader != "type")
    assert from_source == [], f"add these to [tool.cloudtalk] precompiled-modules in pyproject.toml: {from_source}"


def test_events_posted_before_python_is_ready_are_handled_once_in_order(context, site):
    # A phone that starts talking the moment it loads, long before Pyodide is up.
    body = (ROOT / "tests/e2e/fake_phone.html").read_text().replace(
        "window.loads = (window.loads || 0) + 1;",
        f"window.loads = 1; for (const m of {json.dumps(EARLY)}) window.send(m); window.earlySent = true;",
    )
    context.unroute(f"{PHONE_ORIGIN}/**")
    context.route(f"{PHONE_ORIGIN}/**", FakePhone(body))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD_EVENTS)
    page.goto(site + "/#/calls")
    phone_frame = page.wait_for_selector("#phone", timeout=60_000).content_frame()
    phone_frame.wait_for_function("window.earlySent === true", timeout=60_000)
    ready, queued = page.evaluate("[document.body.dataset.ready ?? null, window.cloudtalkBoot.queue.length]")
    assert ready is None, "the phone should have posted before Python was ready"
    assert queued == len(EARLY), "the boot script holds every message until the app takes over"
    page.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    events = page.evaluate("window.__events")
    assert [(e["event"], e["properties"]["call_uuid"]) for e in events] == [(m["event"], m["properties"]["call_uuid"]) for m in EARLY]
    page.goto(site + "/#/calls")
    item = page.locator('li.call[data-uuid="early-1"]')
    assert item.get_attribute("data-outcome") == "Answered"
    assert "Step Two" in item.inner_text() and "you hung up" in item.inner_text()
    assert page.locator('li.call[data-uuid="early-2"]').get_attribute("data-state") == "dialing"
    assert errors == []


def test_the_static_build_boots_under_a_plain_static_server(browser, phone, tmp_path):
    import subprocess

    out = tmp_path / "site"
    subprocess.run([sys.executable, "serve.py", "build", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=120)
    port = free_port()
    server = start_server([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(out)], port)
    try:
        context = browser.new_context()
        context.route(f"{PHONE_ORIGIN}/**", phone)
        app = App(context.new_page(), f"http://127.0.0.1:{port}", phone)
        app.open("/#/calls")
        app.call("dialing", "built-1")
        app.call("ended", "built-1")
        app.settle()
        assert app.item("built-1").get_attribute("data-outcome") == "No answer"
        assert app.external_requests() == [] and app.errors == []
        context.close()
    finally:
        stop_server(server)
