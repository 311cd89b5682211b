"""Installable: the manifest and its icons, the service worker (offline start, updates, other origins left
alone), the badge for calls to return, and the install offer.

The worker is the one users get: sw.js as serve.py generates it over the files this server sends. The
update test builds a site with `serve.py build` into a folder of its own, serves it on another port,
changes one file and builds again, as a deploy would.
"""

from __future__ import annotations

import json
import struct
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from serve_tools.build import build
from serve_tools.server import SiteHandler
from serve_tools.webapp import site_files
from serve_tools.webapp import write as write_webapp

from .conftest import ROOT, WORKER_STORED, App, needs, shot
from .engines import PHONE_HOST
from .site import serving, start_site, stop_server, watch_built_site

APP_CACHES = "async () => (await caches.keys()).filter((k) => k.startsWith('cloudtalk-app-'))"
WORKER_STATUS = """() => new Promise((resolve) => {
  navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data), {once: true});
  navigator.serviceWorker.controller.postMessage({kind: 'status'});
})"""


# What a worker that has not stored the app is doing, and how the app started (the worker registers after the snapshot).
WORKER_STATE = """async () => { const r = await navigator.serviceWorker.getRegistration();
  return {registration: Boolean(r), installing: r?.installing?.state ?? null, waiting: r?.waiting?.state ?? null,
          active: r?.active?.state ?? null, caches: await caches.keys(), runtime: window.cloudtalkRuntime?.path ?? null,
          startup: [...document.querySelectorAll('#diagnostics li')].map((li) => li.innerText).slice(0, 5)}; }"""


def wait_worker(app: App, timeout_s: float = 90) -> list[str]:
    """Until the app's worker is active with its copy stored (the app registers it after the snapshot is made)."""
    deadline = time.monotonic() + timeout_s
    while True:
        assert app.tab.js("Boolean(navigator.serviceWorker)"), f"{app.engine.name} has no navigator.serviceWorker here"
        found = app.tab.js(WORKER_STORED)
        if found:
            return found
        assert time.monotonic() < deadline, f"the service worker did not store the app: {app.tab.js(WORKER_STATE)}"
        app.tab.wait("new Promise((resolve) => setTimeout(() => resolve(true), 250))")  # a poll, not a fixed wait on a state


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def missed_call(app: App, uuid: str, number: str) -> None:
    app.call("ringing", uuid, external_number=number)
    app.call("ended", uuid, external_number=number)
    app.wait_item(uuid, outcome="Missed")


def test_the_manifest_names_the_app_its_icons_exist_settings_say_how_to_install_and_the_navigation_counts(app: App, site: str):
    """What makes the app installable, and what each browser is told about it, on one page."""
    app.open("/#/settings")
    href = app.tab.js("document.querySelector('link[rel=manifest]').href")
    assert href == site + "/app.webmanifest"
    with urllib.request.urlopen(href) as response:
        assert response.headers["Content-Type"] == "application/manifest+json"
        manifest = json.load(response)
    assert (manifest["name"], manifest["short_name"]) == ("CloudTalk Phone", "Phone")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("./", "./", "standalone")
    assert manifest["theme_color"] and manifest["background_color"]
    themes = app.tab.js("[...document.querySelectorAll('meta[name=theme-color]')].map((m) => m.media)")
    assert themes == ["(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"]
    assert [(s["name"], s["url"]) for s in manifest["shortcuts"]] == [("To call back", "./#/callbacks"), ("Settings", "./#/settings")]
    sizes = {}
    for icon in manifest["icons"]:
        with urllib.request.urlopen(f"{site}/{icon['src']}") as response:
            data = response.read()
        if icon["type"] == "image/png":
            width, height = png_size(data)
            assert f"{width}x{height}" == icon["sizes"], icon
        sizes.setdefault(icon["purpose"], []).append(icon["sizes"])
    assert {"192x192", "512x512"} <= set(sizes["any"]) and sizes["maskable"] == ["512x512"]

    # Settings say how to install in this browser.
    app.tab.wait("document.querySelector('#install-text').textContent.length > 0")
    text = app.tab.text("#install-text")
    offered = app.tab.visible("#install-app")
    if offered:  # the browser made its own offer (beforeinstallprompt)
        assert text.startswith("Installed, the phone has a window of its own"), text
    else:
        family = {"chromium": "Chrome or Edge", "firefox": "Firefox does not install", "webkit": "In Safari on a Mac"}[app.engine.name]
        assert family in text, text
    app.check_accessibility("settings with the install offer")

    # Firefox and WebKitGTK have no badge: nothing breaks, and the navigation still counts (the reason their
    # badge test is skipped is checked here, in each engine).
    has_badge = app.tab.js("'setAppBadge' in navigator")
    assert has_badge is {"chromium": True, "firefox": False, "webkit": False}[app.engine.name]
    missed_call(app, "nb-1", "+420 900 000 001")
    app.tab.wait("document.getElementById('callback-count').textContent === '1'")


@pytest.mark.registers_a_worker
def test_a_worker_controls_the_page_after_one_reload(app: App):
    """All three engines: the worker installs, serves the next load, and the app says so in Diagnostics."""
    app.open()
    app.call("ringing", "sw-1", external_number="+420 111 222 333")
    app.call("ended", "sw-1")
    app.wait_stored("sw-1", "ended")
    assert not app.tab.js("Boolean(navigator.serviceWorker.controller)"), "a first visit is served by the network"
    stored = wait_worker(app)
    assert len(stored) == 1
    version = stored[0].removeprefix("cloudtalk-app-")
    app.go("diagnostics")  # the first visit says what it stored, and from when it is used
    app.tab.wait("document.querySelector('#diagnostics').textContent.includes('Stored a copy of the app')")
    lines = [entry["reason"] for entry in app.diagnostics(startup=True)]
    assert f"Stored a copy of the app for offline starts (version {version}, {len(site_files(ROOT, ('tests/e2e/watch.js',)))} " \
        "files): it is used from the next start" in lines, lines
    app.reload()
    assert app.tab.js("Boolean(navigator.serviceWorker.controller)"), "the reload is served by the worker"
    app.wait_item("sw-1", outcome="Missed")
    app.go("diagnostics")  # the app lists where it started from once its worker answers
    app.tab.wait("document.querySelector('#diagnostics').textContent.includes('Started from this browser')")
    lines = [entry["reason"] for entry in app.diagnostics(startup=True)]
    assert any(line.startswith(f"Started from this browser's copy of the app (version {version}, ") for line in lines), lines
    assert app.tab.js(APP_CACHES) == stored, "the same version, stored once"


@pytest.mark.registers_a_worker
def test_with_the_network_down_a_repeat_visit_starts_and_shows_the_history(app: App):
    # Chromium and Firefox take the network away (navigator.onLine turns false, requests fail). WebKitWebDriver cannot,
    # so there the test has a site of its own and stops its server: nothing but the worker can answer the page, and
    # the page is told it is offline by its offline event.
    own = None
    if not app.engine.takes_network_away:
        app.base, own = start_site()
        app.allowed_origins = (app.base,)  # type: ignore[attr-defined]
    try:
        app.open()
        for n in range(3):
            missed_call(app, f"off-{n}", f"+420 600 000 00{n}")
        app.wait_stored("off-2", "ended")
        wait_worker(app)
        app.reload()  # now served by the worker
        if own is not None:
            stop_server(own)
            own = None
        else:
            app.engine.set_online(app.tab, False)
        started = time.monotonic()
        app.reload()
        assert time.monotonic() - started < 60
        if app.engine.takes_network_away:
            assert app.tab.js("navigator.onLine") is False
        else:
            app.engine.set_online(app.tab, False)
        for n in range(3):
            app.wait_item(f"off-{n}", outcome="Missed")
        app.tab.wait_visible("#offline-banner")
        assert "offline" in app.tab.text("#offline-text").lower()
        app.check_accessibility("started offline")
        app.engine.set_online(app.tab, True)
    finally:
        if own is not None:
            stop_server(own)


@needs("the Badging API")
def test_the_badge_counts_the_calls_to_return_and_clears_at_zero(app: App):
    app.tab.page.add_init_script("""(() => {  // a spy on the real API: every call is recorded, then made
      const set = navigator.setAppBadge.bind(navigator), clear = navigator.clearAppBadge.bind(navigator);
      window.__badges = [];
      navigator.setAppBadge = (n) => { window.__badges.push(n); return set(n); };
      navigator.clearAppBadge = () => { window.__badges.push(0); return clear(); };
    })()""")  # type: ignore[attr-defined]
    app.open()
    missed_call(app, "b-1", "+420 700 000 001")
    app.tab.wait("window.__badges.at(-1) === 1")
    missed_call(app, "b-2", "+420 700 000 002")
    app.tab.wait("window.__badges.at(-1) === 2")
    app.go("callbacks")
    for _ in range(2):
        app.tab.click("button.callback-done")
    app.tab.wait("window.__badges.at(-1) === 0")
    assert app.tab.js("window.__badges") == [0, 1, 2, 1, 0], "cleared at the start, set on each change, cleared at zero, never repeated"


@needs("a network log that marks a worker's answers")
def test_no_request_to_the_phone_origin_passes_through_the_worker(app: App):
    app.open()
    wait_worker(app)
    responses: list[tuple[str, bool]] = []
    app.tab.page.on("response", lambda r: responses.append((r.url, r.from_service_worker)))  # type: ignore[attr-defined]
    app.reload()
    app.phone.wait("document.readyState === 'complete'")
    phone = [(url, worker) for url, worker in responses if url.startswith(f"https://{PHONE_HOST}")]
    ours = [(url, worker) for url, worker in responses if url.startswith(app.base)]
    assert phone and not any(worker for _url, worker in phone), phone
    assert sum(worker for _url, worker in ours) >= 20, "the app's own files come from the worker"
    status = app.tab.js(WORKER_STATUS)
    assert status["otherOrigins"] == 0, status
    # Chromium answers the page and the stored files from the worker's cache by its static routes
    # (serve_tools/sw.js, routeToCache): this plain reload ran the worker's fetch handler for none of them.
    assert status["served"] == 0, status


@pytest.fixture
def built_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A site built by `serve.py build`, served as a static host would, its page watched for errors as the test site's are."""
    dest = tmp_path / "site"
    build(dest)
    watch_built_site(dest)
    with serving(SiteHandler, dest) as base:
        yield base, dest


@pytest.mark.registers_a_worker
def test_a_new_build_is_picked_up_after_one_reload_and_the_old_copy_is_gone(app: App, built_site: tuple[str, Path]):
    base, dest = built_site
    app.base = base
    app.open()
    old = wait_worker(app)
    app.reload()
    assert app.tab.js("Boolean(navigator.serviceWorker.controller)")
    # A deploy: one changed file, built again (the worker's list and version with it).
    css = dest / "app.css"
    css.write_text(css.read_text() + "\n.deploy-marker { --deployed: 2; }\n")
    write_webapp(dest)
    app.reload()  # the browser checks sw.js on the way: the new version installs and waits
    app.tab.wait_visible("#update-banner")
    assert app.tab.text("#update-text") == "A new version is ready."
    assert "deploy-marker" not in app.tab.js("fetch('app.css').then((r) => r.text())"), "nothing of the new version yet"
    app.check_accessibility("a new version is ready")
    shot(app.tab, "update-ready")
    # During a call the update waits; afterwards, one click and one reload.
    app.call("ringing", "upd-1", external_number="+420 800 000 001")
    app.tab.wait("document.querySelector('#update-now').disabled")
    assert "when this call ends" in app.tab.text("#update-text")
    app.call("ended", "upd-1")
    app.tab.wait("!document.querySelector('#update-now').disabled")
    app.leaving()
    app.tab.click("#update-now")
    app.wait_ready()
    assert "deploy-marker" in app.tab.js("fetch('app.css').then((r) => r.text())")
    new = app.tab.js(APP_CACHES)
    assert len(new) == 1 and new != old, (old, new)
    app.wait_item("upd-1", outcome="Missed")
    assert app.tab.js("document.querySelector('#update-banner').hidden")
