"""The development server: static files with exact MIME types, gzip where it helps, and revalidation."""

from __future__ import annotations

import email.utils
import errno
import gzip
import http.server
import io
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from . import ROOT, SetupError
from .appfiles import ARCHIVE, DIGEST, app_archive, app_digest, newest
from .webapp import MANIFEST, MANIFEST_SOURCE, WORKER, WORKER_SOURCE, manifest_bytes, site_files, worker_bytes

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".toml": "text/plain; charset=utf-8",
    ".py": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}
# Already-compressed formats gain nothing from gzip.
INCOMPRESSIBLE = {".zip", ".whl", ".png", ".ico"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with exact MIME types, gzip for compressible assets, and revalidation."""

    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    _gzip_cache: ClassVar[dict[tuple[str, float], bytes]] = {}
    _worker_cache: ClassVar[dict[tuple, bytes]] = {}
    stored_extra: ClassVar[tuple[str, ...]] = ()  # more files for the service worker to store (the tests' watcher)

    def page(self, html: bytes) -> bytes:
        """An HTML page as served (a subclass may add to it)."""
        return html

    def site_bytes(self, relative: str) -> bytes:
        """A file of the site exactly as this server sends it: what the service worker's digests cover."""
        root = Path(self.directory)
        if relative == ARCHIVE:
            return app_archive(root / "py")
        if relative == DIGEST:
            return app_digest(root / "py")
        if relative == MANIFEST:
            return manifest_bytes()
        data = (root / relative).read_bytes()
        return self.page(data) if relative.endswith(".html") else data

    def worker(self) -> tuple[bytes, float]:
        root = Path(self.directory)
        files = site_files(root, self.stored_extra)
        stamps = [(root / f).stat().st_mtime for f in files if (root / f).is_file()]
        mtime = max([*stamps, newest(root / "py"), WORKER_SOURCE.stat().st_mtime, MANIFEST_SOURCE.stat().st_mtime])
        key = (str(root), type(self).__name__, tuple(files), mtime)
        if key not in self._worker_cache:  # hashing the runtime takes a moment: once per change
            self._worker_cache.clear()
            self._worker_cache[key] = worker_bytes(files, self.site_bytes)
        return self._worker_cache[key], mtime

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if os.environ.get("SERVE_QUIET") != "1":
            super().log_message(format, *args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        root = Path(self.directory)
        if not path.exists() and path == root / ARCHIVE:  # built from py/ on request (serve_tools/appfiles.py)
            return self._send(lambda: app_archive(root / "py"), newest(root / "py"), "application/zip", gzipped=False)
        if not path.exists() and path == root / DIGEST:
            return self._send(lambda: app_digest(root / "py"), newest(root / "py"), "text/plain; charset=utf-8", gzipped=False)
        if not path.exists() and path == root / MANIFEST:  # serve_tools/webapp.py; `serve.py build` writes both
            return self._send(manifest_bytes, MANIFEST_SOURCE.stat().st_mtime,
                              CONTENT_TYPES[".webmanifest"], gzipped=False)
        if not path.exists() and path == root / WORKER:
            body, mtime = self.worker()
            return self._send(lambda: body, mtime, CONTENT_TYPES[".js"], gzipped=False)
        suffix = path.suffix.lower()
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if suffix == ".html" and path.is_file():
            return self._send(lambda: self.page(path.read_bytes()), path.stat().st_mtime, CONTENT_TYPES[".html"],
                              gzipped=accepts_gzip, key=f"{type(self).__name__}:{path}")
        if not path.is_file() or not accepts_gzip or suffix in INCOMPRESSIBLE:
            return super().send_head()
        return self._send(path.read_bytes, path.stat().st_mtime, self.guess_type(str(path)), gzipped=True, key=str(path))

    def _send(self, read: Callable[[], bytes], mtime: float, content_type: str, *, gzipped: bool, key: str = ""):
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.end_headers()
                    return None
            except (TypeError, ValueError):
                pass
        body = self._gzip_cache.get((key, mtime)) if gzipped else None
        if body is None:
            body = gzip.compress(read(), compresslevel=6, mtime=0) if gzipped else read()
            if gzipped:
                self._gzip_cache[(key, mtime)] = body
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(mtime)))
        self.end_headers()
        return io.BytesIO(body)


def serve(host: str, port: int, directory: Path = ROOT) -> None:
    handler = lambda *a, **kw: SiteHandler(*a, directory=str(directory), **kw)  # noqa: E731
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SetupError(f"port {port} on {host} is already in use; pass --port to choose another") from None
        raise SetupError(f"cannot listen on {host}:{port}: {error.strerror}") from None

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"Serving the CloudTalk phone app at http://{shown}:{server.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    finally:
        server.server_close()
