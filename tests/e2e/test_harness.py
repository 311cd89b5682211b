"""The harness itself, in every engine: the checks each test ends with can fail.

Each test ends by asserting no uncaught error, no Content Security Policy violation and no request
outside the site and the phone (conftest.App.check_clean). Here each of those is planted on
purpose, seen, and then forgotten, so that the test's own ending checks pass.
"""

from __future__ import annotations

import time

import pytest

from .conftest import BOOT_TIMEOUT_MS, ENGINE_CRASH, FAKE_PHONE, App, needs
from .engines import PAGE_LOAD_S, PHONE_HOST, PageLoadStalledError, Tab

# A page of the site that the watcher watches, under the app's own Content Security Policy, and that
# starts no Pyodide: the simulator (MicroPython). What is checked here is the harness, so the app's
# own start (2-5 s in each engine) is left out where it adds nothing.
LIGHT_PAGE = "/simulator/index.html"


def open_light_page(tab: Tab, base: str) -> None:
    tab.goto(base + LIGHT_PAGE)
    tab.wait("document.body.dataset.ready === 'true'")


def plant(tab: Tab, script: str) -> None:
    """A script of the site's own origin, added to the page: it runs as the page's own code."""
    tab.js("(src) => { const s = document.createElement('script'); s.src = src; document.body.append(s); }", script)


def test_the_watcher_sees_uncaught_errors_and_csp_violations(app: App):
    open_light_page(app.tab, app.base)
    plant(app.tab, "/tests/e2e/throw.js")
    app.tab.js("() => { const s = document.createElement('script'); s.textContent = 'window.inline = 1'; document.body.append(s); }")
    errors, csp = app.tab.wait("(window.__errors || []).length && (window.__csp || []).length && [window.__errors, window.__csp]")
    assert any("planted error" in e for e in errors)
    assert any(v.startswith("script-src") for v in csp), csp
    assert app.tab.js("window.inline ?? null") is None, "the policy kept the inline script from running"
    app.tab.forget_problems()


def test_errors_of_an_earlier_load_and_of_a_closed_tab_are_still_seen(app: App):
    open_light_page(app.tab, app.base)
    plant(app.tab, "/tests/e2e/throw.js")
    app.tab.wait("(window.__errors || []).length > 0")
    app.tab.reload()  # a new load of the tab: what the last one saw is kept
    app.tab.wait("document.body.dataset.ready === 'true'")
    assert any("planted error" in e for e in app.tab.problems()[0])
    other = App(app.engine, app.base)
    open_light_page(other.tab, app.base)
    plant(other.tab, "/tests/e2e/throw.js")
    other.tab.wait("(window.__errors || []).length > 0")
    other.tab.close()
    assert any("planted error" in e for e in other.tab.problems()[0]), "a closed tab's errors are kept"
    assert other.tab in app.engine.opened, "the ending check reads closed tabs too"
    app.tab.forget_problems()
    other.tab.closed_with = ([], [])  # planted: forgotten
    if hasattr(other.tab, "errors"):
        other.tab.errors.clear()


def test_a_request_outside_the_site_and_the_phone_is_seen(app: App):
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")  # same origin, and no policy to stop the request
    app.tab.js("() => fetch('https://tracker.example/pixel').catch(() => 'refused')")
    app.tab.wait("true")
    assert any(url.startswith("https://tracker.example/") for url in app.engine.external_requests())
    app.engine.forget_requests()


@needs("a browser started afresh")
def test_a_browser_that_ended_is_started_afresh_for_the_next_test(app: App):
    open_light_page(app.tab, app.base)
    app.engine.kill_browser()
    restarts = len(app.engine.restarts)
    app.engine.start_test({PHONE_HOST: FAKE_PHONE})  # what the next test's setup does
    assert len(app.engine.restarts) == restarts + 1, "the dead session was not noticed"
    assert "had ended" in app.engine.restarts.pop()  # planted: not reported as the engine's own fault
    app.tab = app.engine.new_tab()
    app.open()


@needs("a driver that waits on a page's load")
def test_a_page_whose_load_never_ends_fails_its_test_at_once_and_the_browser_starts_afresh(app: App):
    # WebKitWebDriver waits on a loading page for every command (engines.PageLoadStalledError): here an image
    # that never arrives holds the load, under a page-load timeout of 3 s instead of PAGE_LOAD_S.
    app.engine.serve("stalled.example", "<p>loading for good<img src='https://silent.example/pixel.png'>")
    app.engine.serve("silent.example", "")
    app.engine.never_answer("silent.example")  # type: ignore[attr-defined]
    app.engine.driver.set_page_load_timeout(3)  # type: ignore[attr-defined]
    open_light_page(app.tab, app.base)
    app.tab.js("() => { setTimeout(() => location.assign('https://stalled.example/'), 0); }")
    started = time.monotonic()
    try:
        with pytest.raises(PageLoadStalledError, match="still loading"):
            app.tab.wait("location.host === 'stalled.example' && false", timeout_ms=60_000)
        assert time.monotonic() - started < 20, "it waited for the wait's own timeout"
        assert "still loading" in app.engine.start_afresh, "the next test starts on a browser started afresh"
    finally:
        app.engine.driver.set_page_load_timeout(PAGE_LOAD_S)  # type: ignore[attr-defined]
    with pytest.raises(PageLoadStalledError):  # and at once from then on: the test's ending check is not held up
        app.tab.js("1")
    assert time.monotonic() - started < 20
    app.tab.closed_with = ([], [])  # nothing to read from a page that never loads: the next test starts afresh


def test_javascriptcores_crash_during_a_boot_is_seen_as_it_happens_not_at_the_boots_timeout(app: App):
    open_light_page(app.tab, app.base)
    app.leaving()  # as before a reload: not live until this load says so, which it never will
    plant(app.tab, "/tests/e2e/crash.js")
    started = time.monotonic()
    with pytest.raises(AssertionError, match=ENGINE_CRASH):
        app.wait_ready()
    assert time.monotonic() - started < BOOT_TIMEOUT_MS / 1000 / 3, "it waited for the boot's timeout"
    app.tab.forget_problems()  # planted: not the engine's fault, and no reason to start the browser afresh
    app.engine.start_afresh = ""


def test_a_background_task_that_fails_fails_the_test_and_is_listed_for_the_agent(app: App):
    # The app's background work (import, export, an older store's words, the readiness check, storage writes,
    # the worker's registration) runs through dom.spawn: a failure there must reach the ending check, not
    # only the console, and Diagnostics, where the agent looks.
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")
    app.tab.js("sessionStorage.setItem('cloudtalkProbe', '1')")
    app.open()
    app.tab.js("() => { window.cloudtalkProbe.failInBackground('planted failure'); }")
    errors = app.tab.wait("(window.__errors || []).some((e) => e.includes('planted failure')) && window.__errors")
    assert any("RuntimeError: planted failure" in e for e in errors), errors
    with pytest.raises(AssertionError, match="planted failure"):
        app.check_clean()
    app.go("diagnostics")
    line = app.tab.wait("[...document.querySelectorAll('#diagnostics li')].map((li) => li.innerText)"
                        ".find((text) => text.includes('planted failure'))")
    assert "App error" in line and "RuntimeError: planted failure" in line
    assert app.tab.text("#diag-count") == "1", "the navigation's badge counts it"
    app.tab.forget_problems()
