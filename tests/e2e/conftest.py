"""End-to-end harness: the site on a free port, and every test in Chromium, Firefox and WebKit.

Each test gets an `app` in one engine (its id ends in [chromium], [firefox] or [webkit]); one
browser per engine serves the whole session, and every test starts from clean storage. The phone's
real origin answers with tests/e2e/fake_phone.html. After each test, every page it opened must show
no uncaught error and no Content Security Policy violation, and nothing may have been requested
outside the site and the phone.

A test that an engine cannot express is skipped there with `@needs("capability")`, and the skip
names the capability the engine lacks.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .engines import ENGINES, PHONE_HOST, TIMEOUT_MS, Engine, Scope, Tab, WaitTimeoutError
from .session import RAN_ENGINES, RESTARTS, SITE_ENV, engine_of, run_order
from .site import start_site, stop_server

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE_ORIGIN = f"https://{PHONE_HOST}"
FAKE_PHONE = (HERE / "fake_phone.html").read_text()
AXE = HERE / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # npm ci --prefix tests/e2e/axe (tests/run.sh)
# WCAG 2.1 A and AA, and axe's best practices (landmarks, headings, regions).
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BOOT_TIMEOUT_MS = 90_000  # WebKit under Xvfb boots in ~4 s here; CI machines can be slower

# What each engine's driver cannot do, with the reason a skipped test gives.
LACKS: dict[str, dict[str, str]] = {
    "chromium": {
        "a browser started afresh": "Playwright's Chromium is started once a run; it has not ended under a test here",
        "a driver that waits on a page's load": "Playwright runs scripts in a page still loading",
    },
    "firefox": {
        "colour-scheme emulation": "Marionette sets no prefers-color-scheme per page",
        "viewport emulation": "Marionette sizes the window, not the page's viewport",
        "a storage quota": "Marionette cannot set a site's storage quota",
        "a renderer crash": "Marionette cannot crash a content process on purpose",
        "a browser started afresh": "Marionette's Firefox is started once a run; it has not ended under a test here",
        "a host name that is not localhost": "Firefox here resolves only localhost to this machine",
        "a sound output": "no sound device or server on this machine, and Firefox's AudioContext stays suspended without "
                          "one (Chromium's headless mode has a fake output)",
        "the Badging API": "Firefox has no navigator.setAppBadge: the app leaves the badge alone there",
        "a network log that marks a worker's answers": "Marionette reports no network responses to the tests",
        "a driver that waits on a page's load": "Marionette runs scripts in a page still loading",
    },
    "webkit": {
        "screenshots": "WebKitWebDriver's Take Screenshot never returns under Xvfb here (WebKitGTK 2.50.6)",
        "rendering steps": "MiniBrowser keeps the tab the driver opens hidden (visibilityState 'hidden'): no animation "
                           "frame, IntersectionObserver callback or scroll event is delivered",
        "pop-up windows": "MiniBrowser under WebKitWebDriver returns null from window.open, whatever its settings",
        "pop-ups without a click": "MiniBrowser under WebKitWebDriver returns null from window.open, whatever its settings",
        "colour-scheme emulation": "WebKitWebDriver sets no prefers-color-scheme per page",
        "viewport emulation": "WebKitWebDriver sizes the window, not the page's viewport",
        "a storage quota": "WebKitWebDriver cannot set a site's storage quota",
        "a renderer crash": "WebKitWebDriver cannot crash a web process on purpose",
        "a fake microphone": "WebKitWebDriver has no command to set a site's permissions (W3C Set Permission), and "
                             "MiniBrowser asks the user, so neither an allowed nor a blocked microphone can be arranged",
        "a sound output": "no sound device or server on this machine",
        "a host name that is not localhost": "MiniBrowser here resolves only localhost to this machine",
        "the Badging API": "WebKitGTK has no navigator.setAppBadge: the app leaves the badge alone there",
        "a network log that marks a worker's answers": "WebKitWebDriver reports no network responses to the tests",
    },
}


# Engines in which a test that needs the app's service worker to register and take over starts on a browser of
# its own: WebKitGTK 2.50 stores a second worker's files in a session whose first worker the clean slate
# unregistered, but getRegistration() then finds no registration and none takes over (seen in every such pair).
FIRST_WORKER_ONLY = {"webkit": "a test of the service worker: WebKitGTK registers none once the clean slate unregistered one"}


def needs(*capabilities: str) -> pytest.MarkDecorator:
    return pytest.mark.needs(*capabilities)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(capability, ...): skip in engines that lack the capability, naming it")
    config.addinivalue_line("markers", "registers_a_worker: the app's service worker must register and take over (FIRST_WORKER_ONLY)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" in metafunc.fixturenames:
        chosen = os.environ.get("E2E_ENGINES", "chromium,firefox,webkit").split(",")
        metafunc.parametrize("engine_name", chosen, scope="session")


TEST_TIMEOUT_S = 300  # the slowest test takes about a minute in WebKit


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A driver that stops answering fails its test (pytest-timeout) instead of stalling the whole run.
    for item in items:
        if "engine_name" in getattr(item, "fixturenames", ()):
            # The scheduler keeps an engine's tests on one worker by reading the engine from the id:
            # a test it would misread would start that browser a second time, in another worker.
            if engine_of(item.nodeid) != item.callspec.params["engine_name"]:
                raise pytest.UsageError(f"session.engine_of cannot read the engine from {item.nodeid}")
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S))
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=[BROWSER_ENDED, RENDERER_CRASHED, JSC_CRASHED, FRAME_LOST, PAGE_LOAD_STALLED,
                                                             LOCK_OUTLIVED]))
    # One browser per engine at a time in a worker: every test of an engine before the next engine's,
    # in the order xdist's units are handed out (session.run_order).
    items.sort(key=lambda item: run_order(item.nodeid))


# Faults of an engine itself, not of the app, each given one more try and listed at the end of the run (session.py):
# JavaScriptCore's WebAssembly crash while Pyodide boots and a browser process that ended under its
# driver (either way the test runs again on a browser started afresh: pytest-rerunfailures, limited to
# those errors; a reload in the same process once crashed again), and a Chromium renderer that crashed under a test that
# did not crash it on purpose (seen under load on this 2-core machine; the test runs again in a new context), and
# WebKitWebDriver refusing a script for the phone's frame before running it (engines.FrameLostError). Beyond
# session.ENGINE_FAULT_CAP in one run, the run fails.
ENGINE_CRASH = "Out of bounds memory access"  # JavaScriptCore's words for its WebAssembly crash
JSC_CRASHED = "JavaScriptCoreCrashError"
BROWSER_ENDED = "BrowserEndedError"  # engines.BrowserEndedError: the browser under the driver is gone
RENDERER_CRASHED = "Target crashed"  # Playwright's words for a page whose renderer died
FRAME_LOST = "FrameLostError"  # engines.FrameLostError: the driver found no window for a frame it had just entered
PAGE_LOAD_STALLED = "PageLoadStalledError"  # engines.PageLoadStalledError: WebKitWebDriver waits on a page that never loads
LOCK_OUTLIVED = "LockOutlivedPageError"  # engines.LockOutlivedPageError: WebKitGTK kept a closed page's Web Lock


# The page is live ("ready"), or the watcher (watch.js) recorded JavaScriptCore's crash ("crashed").
READY_OR_CRASHED = """(crash) => (document.body?.dataset.ready === 'true' && 'ready')
  || ((window.__errors ?? []).some((error) => error.includes(crash)) && 'crashed')"""


class JavaScriptCoreCrashError(AssertionError):
    """JavaScriptCore crashed while Pyodide booted: the test runs again on a browser started afresh."""


# An engine whose driver stopped answering (a test timed out): its later tests fail at once.
WEDGED: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None and str(call.excinfo.value).startswith("Timeout"):
        engine_name = getattr(item, "callspec", None) and item.callspec.params.get("engine_name")
        if engine_name:
            WEDGED.setdefault(engine_name, item.name)


# ---------------------------------------------------------------- processes


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    if shared := os.environ.get(SITE_ENV):  # pytest-xdist's controller serves it to every worker (session.py)
        yield shared
        return
    url, process = start_site()
    yield url
    assert stop_server(process) == 0, "the test site's server did not end cleanly"


@pytest.fixture(scope="session")
def engine(engine_name: str) -> Iterator[Engine]:
    browser = ENGINES[engine_name]()
    RAN_ENGINES.append(engine_name)
    yield browser
    RESTARTS.extend(f"{engine_name}: {why}" for why in getattr(browser, "restarts", []))
    browser.close()


# ---------------------------------------------------------------- the app under test

# Reads the app's IndexedDB from the page, as a person's devtools would (the app's own code is not used).
STORED_JS = """
const openDb = () => new Promise((resolve, reject) => {
  const r = indexedDB.open('cloudtalk'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
  r.onupgradeneeded = () => { r.transaction.abort(); };
});
const ask = (request) => new Promise((resolve, reject) => { request.onsuccess = () => resolve(request.result); request.onerror = () => reject(request.error); });
const stored = async (uuid) => {
  let db; try { db = await openDb(); } catch (e) { return null; }
  try {
    const t = db.transaction(['calls', 'notes']);
    const [call, note] = await Promise.all([ask(t.objectStore('calls').get(uuid)), ask(t.objectStore('notes').get(uuid))]);
    return call ? {...JSON.parse(call.text), ...(note ? JSON.parse(note.text) : {note: '', disposition: ''}), _entry: {...call, text: undefined}} : null;
  } finally { db.close(); }
};
// The test's own read, answered or given up after READ_MS: App.stored asks again (a WebKit read once had no answer for
// 35 s, the app's writes going on; what the app wrote is still checked, by the reads asked again).
const answered = (reading, ms) => Promise.race([reading, new Promise((resolve) => setTimeout(() => resolve({unanswered: true}), ms))]);
const storedCount = async (prefix) => {
  let db; try { db = await openDb(); } catch (e) { return 0; }
  try {
    const range = prefix ? IDBKeyRange.bound(prefix, prefix + '\\uffff') : undefined;
    return await ask(db.transaction('calls').objectStore('calls').count(range));
  } finally { db.close(); }
};
"""


# What a page that has not become ready is doing: its boot marks, its status lines, its errors.
PAGE_STATE = """() => ({ready: document.body?.dataset.ready, marks: performance.getEntriesByType('mark').map((m) => m.name),
  history: document.getElementById('history-status')?.textContent, note: document.getElementById('note-status')?.textContent,
  errors: (window.__errors ?? []).slice(0, 5)})"""


# The app's service worker is active and has stored its copy of the app: the names of its caches, or false.
# (bench/run.py waits on it too.)
WORKER_STORED = """async () => {
  const r = await navigator.serviceWorker.getRegistration();
  const stored = (await caches.keys()).filter((k) => k.startsWith('cloudtalk-app-'));
  return Boolean(r && r.active && r.active.state === 'activated' && stored.length) && stored;
}"""


class App:
    """The app in one tab, with its phone, and the checks every test ends with."""

    def __init__(self, engine: Engine, base: str, tab: Tab | None = None) -> None:
        self.engine = engine
        self.base = base
        self.tab = tab or engine.new_tab()

    # ------------------------------------------------------------ loading

    def open(self, path: str = "/", *, wait_for_load: bool = True) -> App:
        self.leaving()
        self.tab.goto(self.base + path, wait_for_load=wait_for_load)
        self.wait_ready()
        return self

    def engine_crashed(self, where: str, errors: list[str]) -> None:
        """JavaScriptCore's crash: the test runs again on a browser started afresh, where one can be."""
        if "a browser started afresh" in LACKS[self.engine.name]:
            raise AssertionError(f"{self.engine.name} crashed {where}: {errors}")
        self.tab.forget_problems()  # said here instead, and the run lists it (at most ENGINE_FAULT_CAP)
        self.engine.start_afresh = f"JavaScriptCore crashed {where}: {errors}"
        raise JavaScriptCoreCrashError(f"{self.engine.name}: {errors}")

    def wait_ready(self) -> None:
        """Wait until the app is live, or until JavaScriptCore's crash shows, whichever comes first.

        JavaScriptCore now and then crashes while Pyodide boots ("Out of bounds memory access" inside
        the interpreter; never seen in Chromium or Firefox). That one crash, and only it, has the test
        run again on a browser started afresh (a reload in the same process once crashed again,
        "Unreachable code should not be executed"). It is seen as it happens: waiting out the boot's
        timeout instead cost each crash 90 s of a worker."""
        try:
            live = self.tab.wait(READY_OR_CRASHED, ENGINE_CRASH, timeout_ms=BOOT_TIMEOUT_MS)
        except WaitTimeoutError as error:  # what the page was doing, to say where a start stalled
            try:
                doing = self.tab.js(PAGE_STATE)
            except Exception as why:  # noqa: BLE001 - the page may not answer at all
                doing = f"the page did not answer ({type(why).__name__})"
            raise WaitTimeoutError(f"{error}; the page: {doing}") from None
        if live != "ready":
            errors, _ = self.tab.problems()
            self.engine_crashed("while Pyodide booted", errors)

    def leaving(self) -> None:
        """Mark the page about to be left, so that a wait for ready sees only the next one."""
        self.tab.js("document.body && (document.body.dataset.ready = 'leaving')")

    # ------------------------------------------------------------ boot paths (runtime/pyodide.mjs)

    def boot_path(self) -> dict[str, Any]:
        return self.tab.js("({path: cloudtalkRuntime.path, reason: cloudtalkRuntime.reason, saved: cloudtalkRuntime.saved})")

    def heavy_start_waited_for(self, decision: str) -> bool:
        """PyScript's start of the app (it asks runtime/pyodide.mjs for Pyodide: `runtime-asked`) and Pyodide's
        heavy start (`runtime-start`) both came after the boot script's decision about the phone (`phone-in-dom`
        or `phone-elsewhere`): neither competed with the phone."""
        return self.tab.js("""(decision) => { const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
            return at(decision) !== undefined && at('runtime-asked') >= at(decision) && at('runtime-start') >= at(decision); }""",
                           decision)

    def wait_snapshot_outcome(self) -> str:
        """After a normal start the app has a snapshot made once it is live: "saved" or "failed: <reason>"."""
        return self.tab.wait("['saved', 'failed'].includes(cloudtalkRuntime.saved.split(':')[0]) && cloudtalkRuntime.saved",
                             timeout_ms=BOOT_TIMEOUT_MS)

    def wait_snapshot_saved(self) -> None:
        outcome = self.wait_snapshot_outcome()
        if ENGINE_CRASH in outcome:  # the same crash in the worker that makes the snapshot (once in CI)
            self.engine_crashed("while making the snapshot", [outcome])
        assert outcome == "saved", outcome

    def reload(self) -> None:
        self.leaving()
        self.tab.reload()
        self.wait_ready()

    def go(self, route: str) -> None:
        """Show a view by its address, as a link would (a hash change: nothing reloads)."""
        self.tab.js("(route) => { location.hash = '#/' + route; }", route)
        self.tab.wait("(route) => !document.querySelector(`[data-view=\"${route}\"]`).hidden", route)

    @contextlib.contextmanager
    def emulating(self, *, viewport: tuple[int, int] | None = None, scheme: str | None = None) -> Iterator[App]:
        """A fresh browser state and tab with this viewport and colour scheme, restored afterwards.

        Only Chromium emulates them: tests that use this say so with @needs(...)."""
        engine: Any = self.engine
        saved = engine.viewport, engine.color_scheme
        engine.viewport, engine.color_scheme = viewport or saved[0], scheme or saved[1]
        try:
            engine.start_test(dict(engine.pages))
            self.tab = engine.new_tab()
            yield self
        finally:
            engine.viewport, engine.color_scheme = saved

    # ------------------------------------------------------------ the phone

    @property
    def phone(self) -> Scope:
        return self.tab.frame("#phone")

    def send(self, message: Any) -> None:
        """The phone posts this message to the app (JSON text, as the phone sends it)."""
        self._post("send", message if isinstance(message, str) else json.dumps(message))

    def send_raw(self, value: Any) -> None:
        """The phone posts this value as it is, not as JSON text."""
        self._post("sendRaw", value)

    def _post(self, how: str, value: Any) -> None:
        post = "([how, value]) => typeof window[how] === 'function' && (window[how](value), true)"
        if not self.phone.js(post, [how, value]):
            # The phone's frame was made a moment ago (this tab has just taken the phone) and its page has not
            # loaded yet, so nothing was posted: once the app has seen that page load, the phone posts it.
            self.tab.wait("typeof cloudtalkBoot.phoneLoadedAt === 'number'")
            assert self.phone.js(post, [how, value]), "the phone's page loaded without its send functions"

    def call(self, event: str, uuid: str, **properties: Any) -> None:
        self.send({"event": event, "properties": {"call_uuid": uuid, **properties}})

    def phone_loads(self) -> list[str]:
        return self.engine.loads(PHONE_HOST)

    # ------------------------------------------------------------ reading the page

    @staticmethod
    def item(uuid: str) -> str:
        return f'li.call[data-uuid="{uuid}"]'

    def wait_item(self, uuid: str, *, state: str | None = None, outcome: str | None = None, timeout_ms: int = TIMEOUT_MS) -> None:
        """Wait until the call's timeline item exists (and shows this state or outcome)."""
        wanted = self.item(uuid) + (f'[data-state="{state}"]' if state else "") + (f'[data-outcome="{outcome}"]' if outcome else "")
        self.tab.wait_for(wanted, timeout_ms)

    def stored(self, uuid: str) -> dict | None:
        """The call as the browser's database holds it (its note merged in), or None: read with IndexedDB itself."""
        return self._read("stored", uuid)

    def stored_count(self, prefix: str = "") -> int:
        """How many calls the database holds whose uuid starts with `prefix`."""
        return self._read("storedCount", prefix)

    def _read(self, function: str, arg: str, tries: int = 3, each_ms: int = 10_000) -> Any:
        """A read of STORED_JS's, asked again (on a new connection) when the browser gives it no answer in `each_ms`."""
        for _ in range(tries):
            result = self.tab.js(f"async ([arg, ms]) => {{ {STORED_JS} return answered({function}(arg), ms); }}", [arg, each_ms])
            if result != {"unanswered": True}:
                return result
            print(f"{self.engine.name}: the test's read of the database ({function}) had no answer in {each_ms} ms; asked again")
        try:
            doing = self.tab.js(PAGE_STATE)
        except Exception as why:  # noqa: BLE001 - the page may not answer at all
            doing = f"the page did not answer ({type(why).__name__})"
        raise AssertionError(f"the browser's database answered none of {tries} reads ({function} {arg!r}), {each_ms} ms each; "
                             f"the page: {doing}")

    def wait_stored(self, uuid: str, state: str, timeout_ms: int = 15_000) -> None:
        """Wait until the call is saved in this state: every message before the one that did it was handled."""
        self.wait_store(lambda: (self.stored(uuid) or {}).get("state") == state, f"{uuid} stored as {state}", timeout_ms)

    def wait_store(self, check: Callable[[], bool], what: str, timeout_ms: int = 15_000) -> None:
        """Wait until `check` (which reads the database through the page) holds."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not check():  # each read is a round trip to the page: no sleep needed between them
            assert time.monotonic() < deadline, f"not true within {timeout_ms} ms: {what}"

    def diagnostics(self, *, startup: bool = False) -> list[dict]:
        """Diagnostics' entries about messages and storage; with `startup`, the "Start-up" lines (how
        the runtime started, listed on every load) instead."""
        self.go("diagnostics")
        entries = self.tab.js(
            """() => [...document.querySelectorAll('#diagnostics li.diag')].map(i => ({kind: i.className.replace('diag diag-', ''),
                reason: i.querySelector('.reason').textContent,
                count: Number((i.querySelector('.repeats')?.textContent ?? '(1×)').slice(1, -2))}))"""
        )
        return [entry for entry in entries if (entry["kind"] == "startup") == startup]

    # ------------------------------------------------------------ the checks every test ends with

    def check_accessibility(self, state: str, scope: Scope | None = None) -> None:
        """axe-core over the page as it is now (the phone's frame is the phone's own business), or over
        `scope`, a frame of ours (the simulator)."""
        where = scope or self.tab
        where.js("(source) => { if (!window.axe) (0, eval)(source); }", AXE.read_text())
        where.js(
            """(rules) => { window.__axe = null; axe.run(document, {iframes: false, resultTypes: ['violations'],
                runOnly: {type: 'tag', values: rules}}).then(
                (r) => { window.__axe = r.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
                    where: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || ''))})); },
                (e) => { window.__axe = [{rule: 'axe-core failed', help: String(e)}]; }); }""",
            AXE_RULES,
        )
        violations = where.wait("window.__axe", timeout_ms=60_000)
        assert violations == [], f"accessibility, {state}, {self.engine.name}: {json.dumps(violations, indent=1)}"

    def check_clean(self, allowed_origins: tuple[str, ...] = ()) -> None:
        for tab in self.engine.opened:  # every tab of the test, closed ones too, over all their loads
            errors, csp = tab.problems()
            assert errors == [], f"uncaught page errors in {self.engine.name}: {errors}"
            assert csp == [], f"Content Security Policy violations in {self.engine.name}: {csp}"
        external = self.engine.external_requests(allowed_origins)
        assert external == [], f"the app must request nothing outside its origin and the phone: {external}"


@pytest.fixture
def app(request: pytest.FixtureRequest, engine: Engine, site: str) -> Iterator[App]:
    if engine.name in WEDGED:
        pytest.fail(f"{engine.name} stopped answering in {WEDGED[engine.name]}: not driven again in this run")
    for capability in (m for marker in request.node.iter_markers("needs") for m in marker.args):
        reason = LACKS[engine.name].get(capability)
        if reason:
            pytest.skip(f"{engine.name} lacks {capability}: {reason}")
    if request.node.get_closest_marker("registers_a_worker") and engine.name in FIRST_WORKER_ONLY:
        engine.start_afresh = engine.start_afresh or FIRST_WORKER_ONLY[engine.name]
    engine.start_test({PHONE_HOST: FAKE_PHONE})
    if hasattr(engine, "clear_storage"):
        engine.clear_storage(site)
    application = App(engine, site)
    application.allowed_origins: tuple[str, ...] = ()
    yield application
    application.check_clean(application.allowed_origins)


def shot(tab: Tab, name: str) -> Path | None:
    """A screenshot for people to look at (tests/artifacts/); None in an engine that cannot take one.

    Screenshots are never what a test asserts, so a test that takes one still runs its checks there.
    """
    if "screenshots" in LACKS[tab.engine.name]:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return tab.screenshot(ARTIFACTS / f"{name}-{tab.engine.name}.png")
