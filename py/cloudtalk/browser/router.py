"""Hash routing between views. Views are shown and hidden; the phone dock is never touched.

    router = Router(default="calls")
    router.go("contact")
"""

from __future__ import annotations

from collections.abc import Callable

import js

from .dom import listen

ROUTES = ("calls", "contact", "settings", "diagnostics")


class Router:
    def __init__(self, default: str = "calls") -> None:
        self.default = default
        self.current = ""
        self.on_change: list[Callable[[str], None]] = []
        listen(js.window, "hashchange", lambda _e: self.sync())

    def route_from_hash(self) -> str:
        name = str(js.window.location.hash).removeprefix("#/").split("?")[0]
        return name if name in ROUTES else self.default

    def go(self, name: str) -> None:
        if js.window.location.hash != f"#/{name}":
            # pushState, not `location.hash = ...`: measured, the fragment navigation (which looks for
            # an element to scroll to) cost up to 6 ms inside the ringing handler. Back and Forward
            # still fire hashchange between these entries.
            js.window.history.pushState(None, "", f"#/{name}")
        self.sync()

    def sync(self) -> None:
        name = self.route_from_hash()
        for view in js.document.querySelectorAll("[data-view]"):
            view.hidden = view.dataset.view != name
        for link in js.document.querySelectorAll("[data-route]"):
            if link.dataset.route == name:
                link.setAttribute("aria-current", "page")
            else:
                link.removeAttribute("aria-current")
        changed = name != self.current
        self.current = name
        if changed:
            for callback in self.on_change:
                callback(name)
