"""The site the end-to-end tests load: serve.py's own handler, with the watcher script first in each page.

Firefox and WebKit are driven over protocols without init scripts, so the watcher (watch.js) that
records uncaught errors and CSP violations is added here, as the first script of every HTML page,
right after the Content Security Policy. It is a same-origin file, which that policy allows; the
pages are otherwise exactly as served to users.

    python -m tests.e2e.site --port 8123

It also holds the helpers that start and stop a server process and wait for its port, which the
tests, the benchmark and the screenshot tool share.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from serve_tools.server import SiteHandler  # noqa: E402

WATCHER = b'<script src="/tests/e2e/watch.js"></script>'


def with_watcher(html: bytes) -> bytes:
    """The page with the watcher as its first script, right after its Content Security Policy."""
    marker = b'<meta http-equiv="Content-Security-Policy"'
    at = html.find(b">", html.find(marker)) + 1 if marker in html else html.find(b"<head>") + len(b"<head>")
    return html[:at] + WATCHER + html[at:]


class WatchedSite(SiteHandler):
    stored_extra = ("tests/e2e/watch.js",)  # the service worker stores the watcher with the pages that load it

    def page(self, html: bytes) -> bytes:
        if self.path.startswith("/tests/"):  # the fake phone and other test pages: as they are
            return html
        return with_watcher(html)


def watch_built_site(dest: Path) -> None:
    """A site built by `serve.py build`, watched as the test site is: the watcher added to its page, and the
    service worker's list written again over the page as it now is (its digest must match what is served)."""
    from serve_tools.webapp import write as write_webapp

    (dest / "tests" / "e2e").mkdir(parents=True, exist_ok=True)
    (dest / "tests" / "e2e" / "watch.js").write_bytes((ROOT / "tests" / "e2e" / "watch.js").read_bytes())
    page = dest / "index.html"
    page.write_bytes(with_watcher(page.read_bytes()))
    write_webapp(dest)


@contextlib.contextmanager
def serving(handler: type[SiteHandler], directory: Path = ROOT) -> Iterator[str]:
    """This handler over `directory` on a free port, in a thread of the test process: its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **kw: handler(*a, directory=str(directory), **kw))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


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


def start_site() -> tuple[str, subprocess.Popen]:
    """This module's site in a process of its own: its base URL, and the process (stop_server ends it)."""
    port = free_port()
    return f"http://127.0.0.1:{port}", start_server([sys.executable, "-m", "tests.e2e.site", "--port", str(port)], port)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), lambda *a, **kw: WatchedSite(*a, directory=str(ROOT), **kw))

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
