"""The development server on a free port, serving the project as `python3 serve.py` does."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from serve_tools import server  # noqa: E402


@pytest.fixture
def site() -> Iterator[str]:
    httpd = server.http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **kw: server.SiteHandler(*a, directory=str(ROOT), **kw))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
