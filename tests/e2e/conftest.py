"""End-to-end harness: serve.py on a free port, Debian's Chromium via Playwright, and
the phone's real origin routed inside the browser to a local fake phone page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE_ORIGIN = "https://phone.cloudtalk.io"
FAKE_PHONE = (HERE / "fake_phone.html").read_text()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BOOT_TIMEOUT_MS = 60_000
# Collects Content Security Policy violations of the page and of its same-origin frames (the simulator).
CSP_WATCH = """
try {
  const top = window.top;  // throws in the cross-origin phone frame, which is not ours to watch
  top.__csp = top.__csp || [];
  document.addEventListener('securitypolicyviolation', (e) =>
    top.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
} catch (e) {}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {process.stderr.read() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def start_server(command: list[str], port: int, cwd: Path = ROOT) -> subprocess.Popen:
    env = {**os.environ, "SERVE_QUIET": "1"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_port(port, process)
    return process


def stop_server(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    port = free_port()
    process = start_server([sys.executable, "serve.py", "--port", str(port)], port)
    yield f"http://127.0.0.1:{port}"
    assert stop_server(process) == 0, "serve.py should stop cleanly on SIGTERM"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium must be installed (tests/run.sh installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class FakePhone:
    """Counts loads of the phone URL and answers them with the fake phone page."""

    def __init__(self, body: str = FAKE_PHONE) -> None:
        self.body = body
        self.loads: list[str] = []

    def __call__(self, route: Route) -> None:
        self.loads.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=self.body)


class App:
    """A page of the app plus handles on its phone, errors and requests."""

    def __init__(self, page: Page, base: str, phone: FakePhone) -> None:
        self.page = page
        self.base = base
        self.phone = phone
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.allowed_origins: tuple[str, ...] = ()  # tests that route a hostile origin on purpose
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        page.add_init_script(CSP_WATCH)

    def csp_violations(self) -> list[str]:
        if self.page.is_closed():
            return []
        return self.page.evaluate("window.__csp || []")

    def open(self, path: str = "/") -> App:
        self.page.goto(self.base + path)
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        self.page.wait_for_function("document.body.dataset.ready === 'true'", timeout=BOOT_TIMEOUT_MS)

    @property
    def phone_frame(self) -> Frame:
        frame = self.page.locator("#phone").element_handle().content_frame()
        assert frame is not None, "the phone iframe has no frame"
        return frame

    def send(self, message: Any) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self.phone_frame.evaluate("(m) => window.send(m)", text)

    def send_raw(self, value: Any) -> None:
        self.phone_frame.evaluate("(v) => window.sendRaw(v)", value)

    def call(self, event: str, uuid: str, **properties: Any) -> None:
        self.send({"event": event, "properties": {"call_uuid": uuid, **properties}})

    def settle(self) -> None:
        """Wait until every message posted so far has been handled (postMessage is async)."""
        self.page.evaluate("() => new Promise((r) => setTimeout(r, 50))")

    def item(self, uuid: str):
        return self.page.locator(f'ol[aria-label="Call timeline"] li.call[data-uuid="{uuid}"]')

    def external_requests(self) -> list[str]:
        allowed = (self.base, PHONE_ORIGIN, "data:", "blob:", *self.allowed_origins)
        return [u for u in self.requests if not u.startswith(allowed)]


@pytest.fixture
def phone() -> FakePhone:
    return FakePhone()


@pytest.fixture
def context(browser: Browser, phone: FakePhone) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(f"{PHONE_ORIGIN}/**", phone)
    yield context
    context.close()


@pytest.fixture
def app(context: BrowserContext, site: str, phone: FakePhone) -> Iterator[App]:
    app = App(context.new_page(), site, phone)
    yield app
    assert app.errors == [], f"uncaught page errors: {app.errors}"
    assert app.external_requests() == [], "the app must request nothing outside its origin and the phone"
    assert app.csp_violations() == [], "the Content Security Policy must not be violated"


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
