"""The watcher script's text, for Playwright's init scripts (see watch.js)."""

from pathlib import Path

WATCH_JS = (Path(__file__).resolve().parent / "watch.js").read_text()
