"""The three browser engines the end-to-end suite drives, behind one small interface.

- Chromium (Debian's `chromium`), driven by Playwright.
- Firefox ESR (Debian's `firefox-esr`), driven over Marionette with Mozilla's `marionette_driver`.
  Playwright cannot drive it: its own patched Firefox cannot be downloaded here, and its WebDriver
  BiDi path needs a newer Firefox than ESR 153 (it sends `emulation.setMediaFeaturesOverride`).
- WebKitGTK 2.50 (Safari's engine, Debian's `webkit2gtk-driver`), driven by Selenium through
  WebKitWebDriver and MiniBrowser, on an Xvfb display of its own.

A test speaks to a `Tab`: open, run JavaScript, wait for a condition, act on elements (also inside
frames), read back. Each engine gives the fake phone the real phone's origin: Playwright routes
`https://phone.cloudtalk.io` inside Chromium; Firefox and WebKit reach it through `HttpsProxy`.

    engine = Chromium()
    engine.start_test(pages={"phone.cloudtalk.io": fake_phone})
    tab = engine.new_tab()
    tab.goto(site + "/")
    tab.wait("document.body.dataset.ready === 'true'")
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .https_proxy import HttpsProxy

PHONE_HOST = "phone.cloudtalk.io"
TIMEOUT_MS = 30_000
TEST_HOST = "app.test"  # Chromium resolves it to this machine: http://app.test is not a secure context
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream",  # a fake microphone (a beeping tone) and camera, as a headset would be
    f"--host-resolver-rules=MAP {TEST_HOST} 127.0.0.1",  # the site under a host name that is not localhost
]
# WebAssembly in the tests runs in each engine's baseline tier only, where that saves time: Chromium
# without TurboFan (`--liftoff-only`), WebKit without JavaScriptCore's OMG. Each recompiles Pyodide's
# hot functions on both cores while a test lasts a few seconds. WebAssembly means the same in every
# tier, and the app is not timed in these tests (bench/run.py is, with every tier on: it launches
# with CHROMIUM_ARGS alone). Measured back to back: README, "Tests". Firefox's optimizing
# compiler off measured no gain, so Firefox runs as shipped. E2E_OPTIMIZING_WASM=1 turns them back on.
OPTIMIZING_WASM = os.environ.get("E2E_OPTIMIZING_WASM") == "1"
CHROMIUM_TEST_ARGS = [] if OPTIMIZING_WASM else ["--js-flags=--liftoff-only"]
VIEWPORT = (1280, 900)
# Hosts the browsers themselves call (updates, remote settings), never the app: left out of the
# check that the app requests nothing outside its origin and the phone.
BROWSER_VENDOR_HOSTS = ("mozilla.com", "mozilla.net", "mozilla.org", "firefox.com", "webkit.org", "gnome.org")


class WaitTimeoutError(AssertionError):
    pass


# ---------------------------------------------------------------- the interface


class BrowserEndedError(RuntimeError):
    """The browser under a driver is gone: its process ended, or the driver deleted the session with its
    page ("session deleted because of page crash or hang"). The engine's fault, not the page's."""


class LockOutlivedPageError(RuntimeError):
    """WebKitGTK kept the Web Lock of a page the test had closed: the one tab left waits for it in vain. Seen in CI runs
    (the tab hand-over), and between tests, where the clean slate finds the phone's lock held with every window closed
    until the browser ends. The engine's fault, and the test runs again on a browser started afresh
    (conftest.LOCK_OUTLIVED), only where the tab left is the origin's one page and is itself waiting for the lock, so
    the holder can only be the closed page (test_tabs.phone_handed_over)."""


class FrameLostError(RuntimeError):
    """WebKitWebDriver answered "no such window" or "no such frame", with no message, to a script for a frame found a moment
    before. That answer comes before the script is run (WebKit's automation finds no window for the frame),
    so nothing was done. Seen in one full run of five, under load; never when that test ran alone 12 times.
    The engine's fault, and the test runs again (conftest.FRAME_LOST), only where all of these hold
    (`frame_lost_by_engine`): the engine is WebKit; the error carries no message in any attribute (Firefox
    says "Browsing context has been discarded" when the page removes or replaces a frame: that is the
    app's fault, the one this app must never have); the frame entered is still in the page; and no page
    was loaded from the frame's hosts since it was entered (a phone loaded again is the app's fault)."""


class PageLoadStalledError(RuntimeError):
    """WebKitWebDriver runs no script while it holds the page it drives to be loading: it waits for the load,
    past the script's own timeout, up to the session's page-load timeout (WebDriver's default is 300 s), on
    every command. After a location.reload() it now and then never sees that load end (WebDriverTab.reload
    avoids one for that reason, but the app reloads itself when the agent takes an update): once in a full
    CI run, under load, the update test's driver answered nothing for four minutes and the run timed out.
    Here the page-load timeout is PAGE_LOAD_S, and this is raised only when, after such a timeout, a command
    that runs nothing of ours (`document.readyState`, under a 2 s page-load timeout) times out too: the
    driver is still waiting on the load. The engine's fault (conftest.PAGE_LOAD_STALLED): the test runs again
    on a browser started afresh, and must pass there."""


def message_of(error: BaseException) -> str:
    """The text a driver's exception carries: Selenium keeps it in `msg`, Marionette's in `message` too. Not str(error):
    Selenium's is "Message: <msg>" and more, never empty, so an empty answer read that way looked like one with a
    message (which had the frame rule below never declare WebKitWebDriver's empty "no such window")."""
    for name in ("msg", "message"):
        text = getattr(error, name, None)
        if text:
            return str(text)
    if any(hasattr(error, name) for name in ("msg", "message")):
        return ""
    return str(error)


def frame_lost_by_engine(engine: str, error: BaseException, still_in_page: bool, loads_before: dict[str, int],
                         loads_after: dict[str, int]) -> bool:
    """Whether a failure of a script in a frame is WebKitWebDriver losing the frame (FrameLostError), not the page's doing."""
    return (engine == "webkit" and type(error).__name__ in _NO_SUCH_FRAME and not message_of(error)
            and still_in_page and loads_after == loads_before)


# WebKitWebDriver's two empty answers for a frame it had just entered: "no such window" (seen under load in one
# full run of five) and "no such frame" (once, in the first script after a storm of 10,000 messages had kept
# JavaScriptCore busy for a minute, CI stop 40); each before the script was run.
_NO_SUCH_FRAME = ("NoSuchWindowException", "NoSuchFrameException")


class Scope(ABC):
    """Where JavaScript runs and elements are found: a page, or a frame inside it."""

    @abstractmethod
    def js(self, script: str, arg: Any = None) -> Any:
        """Evaluate an expression, or call a function expression with `arg`; promises are awaited."""

    @abstractmethod
    def wait(self, condition: str, arg: Any = None, timeout_ms: int = TIMEOUT_MS) -> Any:
        """Wait until `condition` (as for js) is truthy and return its value; never a fixed sleep."""

    @abstractmethod
    def click(self, css: str) -> None: ...

    @abstractmethod
    def fill(self, css: str, text: str) -> None: ...

    @abstractmethod
    def set_files(self, css: str, path: Path) -> None: ...

    def select(self, css: str, value: str) -> None:
        self.js(
            "([css, value]) => { const s = document.querySelector(css); s.value = value;"
            " s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true})); }",
            [css, value],
        )

    def check(self, css: str, on: bool = True) -> None:
        if bool(self.js("(css) => document.querySelector(css).checked", css)) != on:
            self.click(css)

    def text(self, css: str) -> str:
        return self.js("(css) => document.querySelector(css).innerText", css)

    def attr(self, css: str, name: str) -> str | None:
        return self.js("([css, name]) => document.querySelector(css)?.getAttribute(name) ?? null", [css, name])

    def count(self, css: str) -> int:
        return self.js("(css) => document.querySelectorAll(css).length", css)

    def visible(self, css: str) -> bool:
        return self.js("(css) => { const e = document.querySelector(css); return !!e && e.getClientRects().length > 0; }", css)

    def wait_for(self, css: str, timeout_ms: int = TIMEOUT_MS) -> None:
        self.wait("(css) => !!document.querySelector(css)", css, timeout_ms)

    def wait_visible(self, css: str, timeout_ms: int = TIMEOUT_MS) -> None:
        self.wait("(css) => { const e = document.querySelector(css); return !!e && e.getClientRects().length > 0; }", css, timeout_ms)


class Tab(Scope):
    engine: Engine

    @abstractmethod
    def goto(self, url: str, *, wait_for_load: bool = True) -> None:
        """Open the address; wait_for_load=False returns once the page is committed, for a page whose load
        event may never come (a frame that never answers can hold it)."""

    @abstractmethod
    def reload(self) -> None: ...

    @abstractmethod
    def back(self) -> None: ...

    @abstractmethod
    def frame(self, css: str) -> Scope:
        """The document of the iframe matched by `css` (same-origin or not)."""

    @abstractmethod
    def press(self, key: str) -> None:
        """A key press on the focused element, e.g. "Tab", "Enter", "Escape"."""

    @abstractmethod
    def screenshot(self, path: Path) -> Path: ...

    @abstractmethod
    def popup(self, css: str) -> Tab:
        """Click an element that opens a window (a real click: browsers block pop-ups without one); return its tab."""

    @abstractmethod
    def download(self, css: str) -> tuple[str, str]:
        """Click a control that downloads a file; return its name and text."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    def title(self) -> str:
        return self.js("document.title")

    closed_with: tuple[list[str], list[str]] | None = None  # what problems() said just before the tab closed

    def problems(self) -> tuple[list[str], list[str]]:
        """(uncaught errors, CSP violations) the watcher script recorded in this tab, over every load of it
        (watch.js keeps them in the tab's sessionStorage); for a closed tab, what it had when it closed."""
        if self.closed_with is not None:
            return self.closed_with
        return self.js("[window.__errors || [], window.__csp || []]")

    def forget_problems(self) -> None:
        """Forget what was recorded (after a test planted an error on purpose)."""
        self.js("() => { window.__errors.length = 0; window.__csp.length = 0; sessionStorage.removeItem('__watch'); }")

    def _keep_problems(self) -> None:
        """Read the tab's problems before it closes, so that the test's ending check still sees them."""
        try:
            self.closed_with = self.problems()
        except Exception as error:  # noqa: BLE001 - a page that cannot answer any more: say so, as a problem
            self.closed_with = ([f"the tab could not be read before it closed: {error}"], [])


class Engine(ABC):
    start_afresh = ""  # why the last test left the browser unfit, if it did: the next test starts it afresh
    name: str
    version: str = "?"
    proxy: HttpsProxy | None = None
    opened: list[Any]  # every tab of the current test, in the order opened, closed ones too

    @abstractmethod
    def start_test(self, pages: dict[str, str]) -> None:
        """A clean browser state (no storage, no tabs), with these HTTPS pages served by host."""

    @abstractmethod
    def serve(self, host: str, body: str) -> None:
        """From now on, answer https://host/... with this page."""

    @abstractmethod
    def new_tab(self) -> Tab: ...

    @abstractmethod
    def loads(self, host: str) -> list[str]:
        """The URLs loaded from a served host since the test started."""

    @abstractmethod
    def external_requests(self, allowed: tuple[str, ...] = ()) -> list[str]:
        """Requests to hosts outside the site and the served pages since the test started."""

    @abstractmethod
    def forget_requests(self) -> None:
        """Forget the requests seen so far (after a test planted one on purpose)."""

    @abstractmethod
    def tabs(self) -> list[Tab]: ...

    takes_network_away = False  # set_online(False) makes navigator.onLine false and requests fail, as a real outage

    def set_online(self, tab: Tab, online: bool) -> None:
        """The network goes away or comes back. Here only the page's offline/online event fires
        (navigator.onLine keeps its value); Chromium and Firefox take the network itself away."""
        tab.js("(online) => window.dispatchEvent(new Event(online ? 'online' : 'offline'))", online)

    def wait_tabs(self, count: int) -> list[Tab]:
        """Wait until the page has opened windows by itself to make `count` tabs; return them all."""
        raise NotImplementedError(f"{self.name}: windows opened without a click are not driven here")

    @abstractmethod
    def close(self) -> None: ...


# ---------------------------------------------------------------- Chromium, with Playwright


class _PlaywrightScope(Scope):
    def __init__(self, target: Any) -> None:  # a Playwright Page or Frame
        self._target = target

    def js(self, script: str, arg: Any = None) -> Any:
        return self._target.evaluate(script, arg)

    def wait(self, condition: str, arg: Any = None, timeout_ms: int = TIMEOUT_MS) -> Any:
        try:
            return self._target.wait_for_function(condition, arg=arg, timeout=timeout_ms).json_value()
        except Exception as error:  # noqa: BLE001 - Playwright's TimeoutError, reported as ours
            raise WaitTimeoutError(f"not true within {timeout_ms} ms: {condition} ({error})") from None

    def click(self, css: str) -> None:
        self._target.click(css)

    def fill(self, css: str, text: str) -> None:
        self._target.fill(css, text)

    def set_files(self, css: str, path: Path) -> None:
        self._target.set_input_files(css, str(path))

    def select(self, css: str, value: str) -> None:
        self._target.select_option(css, value)


class PlaywrightTab(_PlaywrightScope, Tab):
    def __init__(self, engine: Chromium, page: Any) -> None:
        super().__init__(page)
        self.engine = engine
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))

    def goto(self, url: str, *, wait_for_load: bool = True) -> None:
        self.page.goto(url, wait_until="load" if wait_for_load else "commit")

    def reload(self) -> None:
        self.page.reload()

    def back(self) -> None:
        self.page.go_back()

    def frame(self, css: str) -> Scope:
        handle = self.page.wait_for_selector(css)
        frame = handle.content_frame()
        assert frame is not None, f"{css} is not a frame"
        return _PlaywrightScope(frame)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def screenshot(self, path: Path) -> Path:
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def popup(self, css: str) -> Tab:
        with self.page.expect_popup() as info:
            self.page.click(css)
        tab = PlaywrightTab(self.engine, info.value)
        self.engine.opened.append(tab)
        return tab

    def download(self, css: str) -> tuple[str, str]:
        with self.page.expect_download(timeout=120_000) as info:  # a long history is exported in parts
            self.page.click(css)
        return info.value.suggested_filename, Path(info.value.path()).read_text()

    def close(self) -> None:
        self._keep_problems()
        self.page.close()

    def problems(self) -> tuple[list[str], list[str]]:
        if self.page.is_closed():  # closed by the test (what it had then), by the page itself, or crashed
            errors, csp = self.closed_with or ([], [])
            return [*self.errors, *(e for e in errors if e not in self.errors)], csp
        errors, csp = super().problems()
        return [*self.errors, *errors], csp

    def forget_problems(self) -> None:
        super().forget_problems()
        self.errors.clear()  # Chromium's own record of page errors


class Chromium(Engine):
    name = "chromium"

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        executable = shutil.which("chromium")
        assert executable, "Debian's chromium must be installed (tests/run.sh installs it)"
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *CHROMIUM_TEST_ARGS])
        self.version = self.browser.version
        self.context: Any = None
        self.pages: dict[str, str] = {}
        self._loads: dict[str, list[str]] = {}
        self.opened: list[PlaywrightTab] = []
        self.viewport = VIEWPORT
        self.color_scheme = "light"

    def start_test(self, pages: dict[str, str]) -> None:
        if self.context is not None:
            self.context.close()
        self.opened = []
        self.pages = {}
        self._loads = {}
        self.context = self.browser.new_context(
            viewport={"width": self.viewport[0], "height": self.viewport[1]}, color_scheme=self.color_scheme
        )
        from .watch import WATCH_JS

        self.context.add_init_script(WATCH_JS)  # the static build has no injected watcher
        for host, body in pages.items():
            self.serve(host, body)

    def serve(self, host: str, body: str) -> None:
        first = host not in self.pages
        self.pages[host] = body
        self._loads.setdefault(host, [])
        if first:
            self.context.route(f"https://{host}/**", self._fulfil_for(host))

    def _fulfil_for(self, host: str) -> Any:
        def fulfil(route: Any) -> None:
            self._loads[host].append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body=self.pages[host])

        return fulfil

    def new_tab(self) -> Tab:
        tab = PlaywrightTab(self, self.context.new_page())
        self.opened.append(tab)
        return tab

    def limit_storage(self, tab: Tab, origin: str, quota_bytes: int | None) -> None:
        """Give the site a storage quota this small, as a nearly full disk would (DevTools protocol); None: the
        browser's own again. The override outlives the page and the context, so a test that sets one resets it."""
        session = self.context.new_cdp_session(tab.page)  # type: ignore[attr-defined]
        session.send("Storage.overrideQuotaForOrigin", {"origin": origin, **({} if quota_bytes is None else {"quotaSize": quota_bytes})})

    takes_network_away = True

    def set_online(self, tab: Tab, online: bool) -> None:
        self.context.set_offline(not online)

    def grant(self, origin: str, *permissions: str) -> None:
        self.context.grant_permissions(list(permissions), origin=origin)

    def deny(self, tab: Tab, origin: str, permission: str) -> None:
        """Block a permission for the site, as a person's "Block" in the site settings would (DevTools protocol)."""
        session = self.context.new_cdp_session(tab.page)  # type: ignore[attr-defined]
        context_id = session.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]  # this test's context, not the default
        session.send("Browser.setPermission", {"permission": {"name": permission}, "setting": "denied", "origin": origin,
                                               "browserContextId": context_id})

    def never_answer(self, host: str) -> None:
        """From now on, requests to https://host/ get no answer at all, as behind a firewall that drops them."""
        self.context.unroute(f"https://{host}/**")
        self.context.route(f"https://{host}/**", lambda route: self._loads.setdefault(host, []).append(route.request.url))

    def crash(self, tab: Tab) -> None:
        """Kill the tab's renderer as a crash would (DevTools Page.crash): no unload, no pagehide, nothing flushed."""
        page = tab.page  # type: ignore[attr-defined]
        session = self.context.new_cdp_session(page)
        with page.expect_event("crash", timeout=10_000), contextlib.suppress(Exception):
            session.send("Page.crash", timeout=2_000)  # the session dies with the renderer: no answer comes back
        self.opened.remove(tab)  # type: ignore[arg-type]

    def loads(self, host: str) -> list[str]:
        return list(self._loads.get(host, []))

    def external_requests(self, allowed: tuple[str, ...] = ()) -> list[str]:
        served = tuple(f"https://{host}" for host in self.pages)
        keep = ("http://127.0.0.1", "data:", "blob:", "about:", *served, *allowed)
        return [url for tab in self.opened for url in tab.requests if not url.startswith(keep)]

    def forget_requests(self) -> None:
        for tab in self.opened:
            tab.requests.clear()

    def tabs(self) -> list[Tab]:
        return [tab for tab in self.opened if not tab.page.is_closed()]

    def wait_tabs(self, count: int) -> list[Tab]:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while len(self.context.pages) < count:
            if time.monotonic() > deadline:
                raise WaitTimeoutError(f"{len(self.context.pages)} tabs, not {count}")
            self.context.pages[0].wait_for_timeout(50)  # lets Playwright deliver the new page's events
        known = {id(tab.page) for tab in self.opened}
        for page in self.context.pages:
            if id(page) not in known:  # opened by the page itself (window.open)
                self.opened.append(PlaywrightTab(self, page))
        return self.tabs()

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.browser.close()
        self._playwright.stop()


# ---------------------------------------------------------------- Firefox and WebKit, over WebDriver-style protocols

# Runs in the page: calls the script (an expression, or a function expression given `arg`),
# awaits it, and reports {ok: value} or {error: text}.
_RUN = """
const [__arg, __done] = [arguments[0], arguments[arguments.length - 1]];
Promise.resolve().then(() => { const __f = (%s); return typeof __f === "function" ? __f(__arg) : __f; })
  .then((value) => __done({ok: value === undefined ? null : value}), (e) => __done({error: String(e && e.stack || e)}));
"""
# Polls in the page, 25 ms apart, until the condition is truthy or the time is up.
_WAIT = """
const [[__arg, __ms], __done] = [arguments[0], arguments[arguments.length - 1]];
const __start = performance.now();
const __poll = () => {
  let value;
  try { const __f = (%s); value = typeof __f === "function" ? __f(__arg) : __f; } catch (e) { value = undefined; }
  if (value) return __done({ok: value});
  if (performance.now() - __start > __ms) return __done({timeout: true});
  setTimeout(__poll, 25);
};
__poll();
"""
# Downloads in Firefox and WebKit: the page's download link is caught before the browser saves
# anything, and the Blob the app made for it is read back. (Chromium uses real downloads.)
_CATCH_DOWNLOAD = """
() => new Promise((resolve) => {
  const blobs = new Map();
  const make = URL.createObjectURL;
  URL.createObjectURL = (blob) => { const url = make.call(URL, blob); blobs.set(url, blob); return url; };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (!this.download) return click.call(this);
    HTMLAnchorElement.prototype.click = click;
    URL.createObjectURL = make;
    blobs.get(this.href).text().then((text) => { window.__download = [this.download, text]; });
  };
  resolve(true);
})
"""


# Empties the site's storage (the call database, memory snapshots, the worker and its offline copy:
# every test starts as a first visit), then waits until no closed window of the last test holds a
# Web Lock. One deadline covers every step: a step still waiting at the end is named in the answer,
# so a stuck browser is told apart from a slow one and the caller starts it afresh.
_CLEAN_SLATE = """async (seconds) => {
  const end = performance.now() + seconds * 1000;
  const within = (what, promise) => Promise.race([promise.then(() => null),
    new Promise((resolve) => setTimeout(() => resolve(what + ' did not finish'), Math.max(0, end - performance.now())))]);
  localStorage.clear(); sessionStorage.clear();
  const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : ['cloudtalk', 'filler'];
  for (const name of names) {  // a closed window's connection can outlive it a moment (WebKit): wait for the deletion itself
    const late = await within('deleting the database ' + name, new Promise((resolve, reject) => {
      const r = indexedDB.deleteDatabase(name); r.onsuccess = resolve; r.onerror = () => reject(r.error); }));
    if (late) return late;
  }
  if (navigator.serviceWorker) {
    const late = await within('unregistering the service worker', navigator.serviceWorker.getRegistrations()
      .then((all) => Promise.all(all.map((r) => r.unregister()))));
    if (late) return late;
  }
  if (self.caches) {  // the app's offline copy and the snapshots
    const late = await within('deleting the caches', caches.keys().then((all) => Promise.all(all.map((n) => caches.delete(n)))));
    if (late) return late;
  }
  if (!navigator.locks) return true;
  while (performance.now() < end) {
    const state = await navigator.locks.query();
    if (!state.held.length && !state.pending.length) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return JSON.stringify(await navigator.locks.query());
}"""


class _Driver(ABC):
    """The few WebDriver commands the suite needs, as Marionette and Selenium spell them."""

    script_timeout: type[Exception]  # what run_async raises when the script never answers

    @abstractmethod
    def run_async(self, script: str, args: list[Any], timeout_s: float) -> Any: ...

    @abstractmethod
    def find(self, css: str) -> Any: ...

    @abstractmethod
    def click(self, element: Any) -> None: ...

    @abstractmethod
    def type(self, element: Any, text: str) -> None: ...

    @abstractmethod
    def enter_frame(self, element: Any | None) -> None: ...

    @abstractmethod
    def navigate(self, url: str) -> None: ...

    @abstractmethod
    def back(self) -> None: ...

    @abstractmethod
    def handles(self) -> list[str]: ...

    @abstractmethod
    def current(self) -> str: ...

    @abstractmethod
    def switch(self, handle: str) -> None: ...

    @abstractmethod
    def new_window(self) -> str: ...

    @abstractmethod
    def close_window(self) -> None: ...

    @abstractmethod
    def press(self, key: str) -> None: ...

    @abstractmethod
    def screenshot(self) -> bytes: ...

    @abstractmethod
    def quit(self) -> None: ...


class _WebDriverScope(Scope):
    def __init__(self, tab: WebDriverTab, frame_css: str | None = None) -> None:
        self._tab = tab
        self._frame_css = frame_css

    @contextlib.contextmanager
    def _inside(self) -> Iterator[_Driver]:
        driver = self._tab._focus()
        if self._frame_css is None:
            yield driver
            return
        frame = driver.find(self._frame_css)
        loads_before = self._loads()
        try:
            driver.enter_frame(frame)  # WebKitWebDriver's empty "no such frame" came here too, once, under load
            yield driver
        except Exception as error:
            driver.enter_frame(None)
            loads = self._loads()
            still_in_page = self._still_in_page(driver, frame)
            if frame_lost_by_engine(self._tab.engine.name, error, still_in_page, loads_before, loads):
                raise FrameLostError(f"{self._frame_css}: {type(error).__name__}, no message, the frame still in the page"
                                     f" (pages served so far: {loads})") from error
            # why it is not counted as the engine's (the run shows it under the error)
            error.add_note(f"{self._frame_css}: still in the page: {still_in_page}; pages served before: {loads_before},"
                           f" after: {loads}; message: {message_of(error)!r}")
            raise
        finally:
            driver.enter_frame(None)

    def _loads(self) -> dict[str, int]:
        return {host: len(urls) for host, urls in self._tab.engine.proxy.loads.items()}

    def _still_in_page(self, driver: _Driver, frame: Any) -> bool:
        """The frame element entered is still the one the page shows under its selector (not removed, not replaced).
        Asked up to three times, a second apart, while the page's own answer is an error: WebKitWebDriver's empty "no
        such window" for the frame came with the same answer for the page at once after it (CI, stop 44), and the page
        answered again at the test's end."""
        for attempt in range(3):
            try:
                answer = driver.run_async(_RUN % "([frame, css]) => frame.isConnected && document.querySelector(css) === frame",
                                          [[frame, self._frame_css]], TIMEOUT_MS / 1000)
            except Exception:  # noqa: BLE001 - the page itself does not answer (yet): nothing says the frame is there
                if attempt < 2:
                    time.sleep(1)
                continue
            return answer.get("ok") is True
        return False

    def js(self, script: str, arg: Any = None) -> Any:
        with self._inside() as driver:
            result = driver.run_async(_RUN % script, [arg], TIMEOUT_MS / 1000)
        if "error" in result:
            raise RuntimeError(f"{script}: {result['error']}")
        return result["ok"]

    def wait(self, condition: str, arg: Any = None, timeout_ms: int = TIMEOUT_MS) -> Any:
        deadline = time.monotonic() + timeout_ms / 1000
        while True:  # a navigation in between ends a script: poll again in the new document
            left = max(0, int((deadline - time.monotonic()) * 1000))
            try:
                with self._inside() as driver:
                    result = driver.run_async(_WAIT % condition, [[arg, left]], left / 1000 + 5)
            except PageLoadStalledError:
                raise
            except Exception as error:  # noqa: BLE001 - a document unloading under the script
                if time.monotonic() > deadline:
                    raise WaitTimeoutError(f"not true within {timeout_ms} ms: {condition} ({error})") from None
                time.sleep(0.05)
                continue
            if result is None:  # Marionette: the document unloaded under the script without an error
                if time.monotonic() > deadline:
                    raise WaitTimeoutError(f"not true within {timeout_ms} ms: {condition} (the page kept navigating)")
                time.sleep(0.05)
                continue
            if "ok" in result:
                return result["ok"]
            raise WaitTimeoutError(f"not true within {timeout_ms} ms: {condition}")

    def click(self, css: str) -> None:
        self.wait_visible(css)
        with self._inside() as driver:
            driver.click(driver.find(css))

    def fill(self, css: str, text: str) -> None:
        self.wait_visible(css)
        self.js("(css) => { const e = document.querySelector(css); e.focus(); e.select?.(); }", css)
        with self._inside() as driver:
            element = driver.find(css)
            self.js("(css) => { document.querySelector(css).value = ''; }", css)
            if text:
                driver.type(element, text)
        self.js("(css) => document.querySelector(css).dispatchEvent(new Event('input', {bubbles: true}))", css)

    def set_files(self, css: str, path: Path) -> None:
        with self._inside() as driver:
            driver.type(driver.find(css), str(path))


class WebDriverTab(_WebDriverScope, Tab):
    def __init__(self, engine: WebDriverEngine, handle: str) -> None:
        super().__init__(self)
        self.engine = engine
        self.handle = handle
        self.closed = False

    def _focus(self) -> _Driver:
        driver = self.engine.driver
        if self.engine.current_handle != self.handle:
            driver.switch(self.handle)
            self.engine.current_handle = self.handle
        return driver

    def goto(self, url: str, *, wait_for_load: bool = True) -> None:
        if wait_for_load:
            self._focus().navigate(url)
            return
        # WebDriver's own navigation waits for the load event, which a frame that never answers holds for good:
        # the page navigates itself instead, from a script that returns at once.
        self.js("(url) => { setTimeout(() => location.assign(url), 0); }", url)
        self.wait("(url) => location.href === url", url)

    def reload(self) -> None:
        # A new load of the same address. Not WebDriver's Refresh, nor location.reload(): after either,
        # WebKitWebDriver never answers again on this page.
        url = self.js("location.href")
        driver = self._focus()
        driver.navigate("about:blank")
        driver.navigate(url)

    def back(self) -> None:
        self._focus().back()

    def frame(self, css: str) -> Scope:
        self.wait_for(css)
        return _WebDriverScope(self, css)

    def press(self, key: str) -> None:
        self._focus().press(key)

    def screenshot(self, path: Path) -> Path:
        path.write_bytes(self._focus().screenshot())
        return path

    def popup(self, css: str) -> Tab:
        driver = self._focus()
        before = set(driver.handles())
        self.click(css)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not (new := set(driver.handles()) - before):
            if time.monotonic() > deadline:
                raise WaitTimeoutError("no window opened")
            time.sleep(0.05)
        tab = WebDriverTab(self.engine, new.pop())
        self.engine.opened.append(tab)
        return tab

    def download(self, css: str) -> tuple[str, str]:
        self.js("window.__download = null")
        self.js(_CATCH_DOWNLOAD)
        self.click(css)
        name, text = self.wait("window.__download")
        return name, text

    def close(self) -> None:
        self._keep_problems()
        self._focus().close_window()
        self.closed = True
        self.engine.current_handle = None


class WebDriverEngine(Engine):
    driver: _Driver
    clean_slate_s: float = 20  # the whole clean slate's deadline, in the page, for a browser that cannot be started afresh

    def __init__(self) -> None:
        self.proxy = HttpsProxy()
        self.opened: list[WebDriverTab] = []
        self.current_handle: str | None = None
        self.home: str | None = None  # the one window kept between tests
        self.restarts: list[str] = []  # why the browser was started afresh between tests

    def restart(self) -> None:
        raise AssertionError(f"{self.name}: this driver cannot start its browser afresh")

    def browser_ended(self) -> bool:
        return False

    def never_answer(self, host: str) -> None:
        """From now on, requests to https://host/ get no answer at all, as behind a firewall that drops them."""
        self.proxy.never_answer(host)

    def start_test(self, pages: dict[str, str]) -> None:
        if self.start_afresh:
            self.restarts.append(self.start_afresh)
            self.start_afresh = ""
            self.restart()
        try:
            handles = self.driver.handles()
        except BrowserEndedError as error:
            # Seen now and then in WebKitGTK: the test that saw it failed (and runs again,
            # conftest.ENGINE_FAULTS); this one gets a new browser.
            self.restarts.append(f"the browser had ended: {error}")
            self.restart()
            handles = self.driver.handles()
        driver = self.driver
        for handle in handles:
            if handle != self.home:
                driver.switch(handle)
                # Left first, then closed: a WebKitGTK (2.50.6) window closed on the app kept running its
                # page's JavaScript, a full core for 10-20 s each, beside the next tests (test_app.py in
                # WebKit: 140 s closed as it was, 67 s left first). A page left unloads at once.
                driver.navigate("about:blank")
                driver.close_window()
        driver.switch(self.home)
        self.current_handle = self.home
        driver.navigate("about:blank")  # the last test's pages unload: their Web Locks and channels go
        self.proxy.reset(pages)
        self.opened = []

    def clear_storage(self, origin: str, *, afresh: bool = False) -> None:
        """Empty the site's storage from a page of its own that does not boot the app."""
        driver = self.driver
        driver.switch(self.home)
        self.current_handle = self.home
        driver.navigate(origin + "/tests/e2e/fake_phone.html")
        try:
            result = driver.run_async(_RUN % _CLEAN_SLATE, [self.clean_slate_s], self.clean_slate_s + 10)
        except driver.script_timeout as error:  # the page stopped answering altogether
            result = {"error": f"{type(error).__name__}: {str(error)[:200]}"}
        with contextlib.suppress(Exception):
            driver.navigate("about:blank")
        if result.get("ok") is not True:
            # Every window of the last test is closed, yet a Web Lock is still held, or a storage
            # step never finishes: WebKit (2.50.6) now and then keeps a lock whose page is gone, or
            # leaves a deletion waiting, until the browser process ends. The next test would find
            # "the phone is open in another tab" or last visit's data, so the browser starts afresh.
            assert not afresh, f"{self.name}: a browser started afresh could not clear the site either: {result}"
            self.restarts.append(str(result))
            self.restart()
            self.clear_storage(origin, afresh=True)

    def serve(self, host: str, body: str) -> None:
        self.proxy.serve(host, body)

    def new_tab(self) -> Tab:
        # Every tab is a new window: the window kept between tests (on about:blank) is never the
        # app's, so a test may close any of its tabs without ending the session.
        self.driver.switch(self.current_handle or self.home)
        tab = WebDriverTab(self, self.driver.new_window())
        self.current_handle = tab.handle
        self.opened.append(tab)
        return tab

    def loads(self, host: str) -> list[str]:
        return list(self.proxy.loads.get(host, []))

    def external_requests(self, allowed: tuple[str, ...] = ()) -> list[str]:
        def vendor(url: str) -> bool:
            host = url.split("/")[2].split(":")[0] if "//" in url else url
            return host.endswith(BROWSER_VENDOR_HOSTS)

        return [url for url in self.proxy.refused if not vendor(url) and not url.startswith(allowed)]

    def forget_requests(self) -> None:
        self.proxy.refused.clear()

    def tabs(self) -> list[Tab]:
        return [tab for tab in self.opened if not tab.closed]

    def wait_tabs(self, count: int) -> list[Tab]:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            known = {tab.handle for tab in self.opened}  # type: ignore[attr-defined]
            new = [h for h in self.driver.handles() if h not in known and h != self.home]  # opened by the page itself
            if len(self.tabs()) + len(new) >= count:
                break
            if time.monotonic() > deadline:
                raise WaitTimeoutError(f"{len(self.tabs()) + len(new)} tabs, not {count}")
            time.sleep(0.05)  # a poll of the driver's window list, not a wait standing in for a state
        self.opened.extend(WebDriverTab(self, handle) for handle in new)
        return self.tabs()


class _MarionetteDriver(_Driver):
    def __init__(self, client: Any) -> None:
        from marionette_driver.errors import ScriptTimeoutException

        self.client = client
        self.script_timeout = ScriptTimeoutException

    def run_async(self, script: str, args: list[Any], timeout_s: float) -> Any:
        return self.client.execute_async_script(script, script_args=args, sandbox=None, script_timeout=int(timeout_s * 1000) + 5000)

    def find(self, css: str) -> Any:
        return self.client.find_element("css selector", css)

    def click(self, element: Any) -> None:
        element.click()

    def type(self, element: Any, text: str) -> None:
        element.send_keys(text)

    def enter_frame(self, element: Any | None) -> None:
        self.client.switch_to_frame(element)

    def navigate(self, url: str) -> None:
        self.client.navigate(url)

    def back(self) -> None:
        self.client.go_back()

    def handles(self) -> list[str]:
        return list(self.client.window_handles)

    def current(self) -> str:
        return self.client.current_window_handle

    def switch(self, handle: str) -> None:
        self.client.switch_to_window(handle)

    def new_window(self) -> str:
        handle = self.client.open(type="tab", focus=True)["handle"]
        self.client.switch_to_window(handle)
        return handle

    def close_window(self) -> None:
        self.client.close()

    def press(self, key: str) -> None:
        from marionette_driver.keys import Keys

        self.client.get_active_element().send_keys(getattr(Keys, _key_name(key), key))

    def screenshot(self) -> bytes:
        return base64.b64decode(self.client.screenshot(full=True))

    def quit(self) -> None:
        with contextlib.suppress(Exception):
            self.client.delete_session()
        self.client.cleanup()


class Firefox(WebDriverEngine):
    name = "firefox"

    def __init__(self) -> None:
        super().__init__()
        from marionette_driver.marionette import Marionette

        binary = shutil.which("firefox-esr") or shutil.which("firefox")
        assert binary, "Debian's firefox-esr must be installed (tests/run.sh installs it)"
        prefs = {
            # every https:// request goes to the proxy; the site on 127.0.0.1 is reached directly
            "network.proxy.type": 1,
            "network.proxy.ssl": "127.0.0.1",
            "network.proxy.ssl_port": self.proxy.port,
            "network.proxy.http": "127.0.0.1",
            "network.proxy.http_port": self.proxy.port,
            "network.proxy.no_proxies_on": "",
            # the browser's own calls home, which only add noise to the external-request check
            "services.settings.server": "http://127.0.0.1:9/v1",
            "app.normandy.enabled": False,
            "browser.safebrowsing.update.enabled": False,
            "dom.disable_open_during_load": False,  # the firewall test opens a window from a script
            # a fake audio input (a tone), as Chromium's --use-fake-device-for-media-stream; permissions are set per site
            "media.navigator.streams.fake": True,
        }
        self._logs = tempfile.NamedTemporaryFile(prefix="firefox-", suffix=".log", delete=False)  # noqa: SIM115
        client = Marionette(bin=binary, headless=True, prefs=prefs, gecko_log=self._logs.name, startup_timeout=120)
        client.start_session({"acceptInsecureCerts": True})
        client.set_window_rect(width=VIEWPORT[0], height=VIEWPORT[1])
        self.driver = _MarionetteDriver(client)
        self.version = str(client.session_capabilities.get("browserVersion"))
        self.home = self.driver.current()

    takes_network_away = True

    def set_online(self, tab: Tab, online: bool) -> None:
        """Firefox's own offline mode ("Work Offline"): navigator.onLine turns false, the pages get their offline
        and online events, and requests fail, as in an outage (Marionette's chrome context)."""
        self._offline(not online)
        tab.wait("(online) => navigator.onLine === online", online)

    def start_test(self, pages: dict[str, str]) -> None:
        self._offline(False)  # a test that ended offline leaves no outage behind
        self._chrome("Services.perms.removeAll();")  # nor a site permission it granted or blocked
        super().start_test(pages)

    def grant(self, origin: str, *permissions: str) -> None:
        """Allow permissions for the site, as a person's "Allow" in the site settings would (the permission manager)."""
        for permission in permissions:
            self._permit(origin, permission, allow=True)

    def deny(self, tab: Tab, origin: str, permission: str) -> None:
        """Block a permission for the site, as a person's "Block" in the site settings would."""
        self._permit(origin, permission, allow=False)

    def _permit(self, origin: str, permission: str, *, allow: bool) -> None:
        self._chrome("const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(arguments[0]);"
                     "Services.perms.addFromPrincipal(principal, arguments[1],"
                     " arguments[2] ? Services.perms.ALLOW_ACTION : Services.perms.DENY_ACTION);", origin, permission, allow)

    def _chrome(self, script: str, *args: Any) -> Any:
        client = self.driver.client
        with client.using_context("chrome"):
            return client.execute_script(script, script_args=list(args))

    def _offline(self, offline: bool) -> None:
        self._chrome("Services.io.manageOfflineStatus = false; Services.io.offline = arguments[0];", offline)

    def close(self) -> None:
        self.driver.quit()
        self.proxy.close()
        with contextlib.suppress(OSError):
            os.unlink(self._logs.name)


class _SeleniumDriver(_Driver):
    def __init__(self, client: Any, on_stall: Callable[[str], None]) -> None:
        from selenium.common.exceptions import TimeoutException

        self.client = client
        self.script_timeout = TimeoutException
        self.on_stall = on_stall  # the engine starts its browser afresh before the next test
        self.page_load_s = PAGE_LOAD_S
        self.stalled = ""  # why the page stopped answering, once it has: every later script fails at once
        client.set_page_load_timeout(self.page_load_s)  # not WebDriver's 300 s: a stalled load fails a test, not the run

    def set_page_load_timeout(self, seconds: float) -> None:
        self.page_load_s = seconds
        self.client.set_page_load_timeout(seconds)

    def run_async(self, script: str, args: list[Any], timeout_s: float) -> Any:
        if self.stalled:
            raise PageLoadStalledError(self.stalled)
        self.client.set_script_timeout(timeout_s + 5)
        started = time.monotonic()
        try:
            return self.client.execute_async_script(script, *args)
        except self.script_timeout:
            if self._still_loading():
                why = (f"the page was still loading after {time.monotonic() - started:.0f} s, and WebKitWebDriver runs no "
                       "script until it has loaded")
                self.stalled = why
                self.on_stall(why)
                raise PageLoadStalledError(why) from None
            raise

    def _still_loading(self) -> bool:
        """A command that runs nothing of ours times out too: the driver is waiting on the page's load."""
        self.client.set_page_load_timeout(2)
        try:
            self.client.execute_script("return document.readyState")
        except self.script_timeout:
            return True
        finally:
            self.client.set_page_load_timeout(self.page_load_s)
        return False

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.client.find_element(By.CSS_SELECTOR, css)

    def click(self, element: Any) -> None:
        element.click()

    def type(self, element: Any, text: str) -> None:
        element.send_keys(text)

    def enter_frame(self, element: Any | None) -> None:
        if element is None:
            self.client.switch_to.default_content()
        else:
            self.client.switch_to.frame(element)

    def navigate(self, url: str) -> None:
        self.client.get(url)

    def back(self) -> None:
        self.client.back()

    def handles(self) -> list[str]:
        return list(self.client.window_handles)

    def current(self) -> str:
        return self.client.current_window_handle

    def switch(self, handle: str) -> None:
        self.client.switch_to.window(handle)

    def new_window(self) -> str:
        # A tab, which MiniBrowser keeps hidden behind the one it shows (conftest.LACKS: "rendering steps"). Windows
        # instead had WebKitWebDriver answer an empty "no such window" to the phone frame's scripts in two CI runs of
        # two, after a ringing call.
        self.client.switch_to.new_window("tab")
        return self.client.current_window_handle

    def close_window(self) -> None:
        self.client.close()

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.client).send_keys(getattr(Keys, _key_name(key), key)).perform()

    def screenshot(self) -> bytes:
        return self.client.get_screenshot_as_png()

    def quit(self) -> None:
        self.client.quit()


MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
PAGE_LOAD_S = 60  # WebKit: how long any command waits for a page still loading (PageLoadStalledError)


class WebKit(WebDriverEngine):
    name = "webkit"
    # Measured over 21 clean slates here: 16 took under 0.1 s, and the other 5 (a lock or a service
    # worker WebKit keeps) had not finished after 20 s. So 5 s decides, and a restart mends.
    clean_slate_s = 5

    def __init__(self) -> None:
        super().__init__()

        driver_binary = shutil.which("WebKitWebDriver")
        assert driver_binary and Path(MINIBROWSER).exists(), "Debian's webkit2gtk-driver must be installed (tests/run.sh installs it)"
        self._xvfb, self._display = _start_xvfb()
        self._driver_binary = driver_binary
        self._launch()

    def _stalled(self, why: str) -> None:
        self.start_afresh = self.start_afresh or why

    def restart(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.quit()
        self.opened = []
        self.current_handle = None
        self._launch()

    def _launch(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        display, driver_binary = self._display, self._driver_binary
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        options.add_argument(f"--proxy=http://{self.proxy.address}")
        for host in ("127.0.0.1", "localhost"):  # one host a flag: MiniBrowser reads no list
            options.add_argument(f"--ignore-host={host}")
        options.set_capability("acceptInsecureCerts", True)
        # JavaScriptCore's optimizing WebAssembly tier (OMG) off (OPTIMIZING_WASM above): it cost a third
        # of WebKit's test time here (test_app.py: 253 s with it, 173 s without).
        env = {**({} if OPTIMIZING_WASM else {"JSC_useOMGJIT": "0"}), **os.environ, "DISPLAY": display}
        service = Service(executable_path=driver_binary, env=env)
        client = webdriver.WebKitGTK(options=options, service=service)
        client.execute = self._telling_browser_ended(client.execute)
        client.set_window_size(*VIEWPORT)
        self.driver = _SeleniumDriver(client, on_stall=self._stalled)
        self.version = str(client.capabilities.get("browserVersion"))
        self.home = self.driver.current()

    def _telling_browser_ended(self, execute: Any) -> Any:
        """Selenium's one path for every command, raising BrowserEndedError when the browser is gone."""
        from selenium.common.exceptions import InvalidSessionIdException, WebDriverException

        def run(command: str, params: dict | None = None) -> Any:
            try:
                return execute(command, params)
            except WebDriverException as error:
                if isinstance(error, InvalidSessionIdException) or self.browser_ended():
                    raise BrowserEndedError(f"{type(error).__name__}: {(error.msg or 'no message').split('; For documentation')[0]}") from error
                raise

        return run

    def _browser_pids(self) -> list[int]:
        """The live (not zombie) processes WebKitWebDriver started: the browser."""
        service = self.driver.client.service.process.pid
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{service}/task/{service}/children").read_text().split()
            return [int(pid) for pid in children if Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"]
        return []

    def browser_ended(self) -> bool:
        return not self._browser_pids()

    def kill_browser(self) -> None:
        """End the browser process under the driver at once (SIGKILL), as its own crash would."""
        pids = self._browser_pids()
        assert pids, "WebKitWebDriver has no browser process"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not self.browser_ended():  # SIGKILL is delivered, not waited for
            assert time.monotonic() < deadline, "the browser outlived SIGKILL"
            time.sleep(0.05)

    def close(self) -> None:
        self.driver.quit()
        self.proxy.close()
        self._xvfb.terminate()
        self._xvfb.wait(timeout=10)


def _start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """An Xvfb server on a free display of its own choosing (-displayfd), for WebKit's windows."""
    assert shutil.which("Xvfb"), "Xvfb must be installed (tests/run.sh installs xvfb)"
    read, write = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1200x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    return process, f":{number}"


ENGINES = {"chromium": Chromium, "firefox": Firefox, "webkit": WebKit}


def _key_name(key: str) -> str:
    """A key as Playwright names it ("PageDown") as the WebDriver clients' Keys name it ("PAGE_DOWN")."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key).upper()
