"""Hash routing between views. Views are shown and hidden; the phone dock is never touched.

From 1200 px wide the page is a workspace: the timeline (or the call-back list) and the contact
card show side by side, whichever of them the address names. Narrower, one view shows at a time.

    router = Router(default="calls")
    router.go("contact")
"""

from __future__ import annotations

from collections.abc import Callable

from .dom import by_id, keep, listen
from .ffi import js

ROUTES = ("calls", "contact", "callbacks", "ready", "settings", "diagnostics")
WIDE = "(min-width: 1200px)"
# In the workspace, the views shown with each route (the left column first). The card always shows,
# and the timeline keeps its place next to it while a call rings.
WORKSPACE = {"calls": ("calls", "contact"), "contact": ("calls", "contact"), "callbacks": ("callbacks", "contact")}


class Router:
    def __init__(self, default: str = "calls") -> None:
        self.default = default
        self.current = ""
        self.shown: tuple[str, ...] = ()
        self.on_change: list[Callable[[str], None]] = []
        self._pending: str | None = None  # a view whose history entry is due on the next tick
        self._push_later = keep(self._push_pending)
        self._views = [(str(v.dataset.view), v) for v in js.document.querySelectorAll("[data-view]")]
        self._links = [(str(a.dataset.route), a) for a in js.document.querySelectorAll("[data-route]")]
        self._main = by_id("main")
        self._wide = js.window.matchMedia(WIDE)
        listen(self._wide, "change", lambda _e: self._show(self.current, force=True))
        listen(js.window, "hashchange", lambda _e: self.sync())
        # Back and Forward over entries made by pushState: Chromium fires hashchange, WebKit only popstate.
        listen(js.window, "popstate", lambda _e: self.sync())

    @property
    def workspace(self) -> bool:
        return bool(self._wide.matches) and self.current in WORKSPACE

    def route_from_hash(self) -> str:
        name = str(js.window.location.hash).removeprefix("#/").split("?")[0]
        return name if name in ROUTES else self.default

    def go(self, name: str, *, defer_history: bool = False) -> None:
        """Show a view and add its history entry (for Back and reload).

        From a message handler, pass defer_history=True: the view still shows at once, and the
        entry follows on the next tick. Measured: the page's first history.pushState cost ~12 ms,
        and assigning location.hash (a fragment navigation) up to 6 ms, inside the ringing handler.
        """
        self._show(name)
        if not defer_history:
            self._pending = None
            self._push(name)
            return
        if self._pending is None:
            js.window.setTimeout(self._push_later, 0)
        self._pending = name

    def bring_forward(self, name: str) -> None:
        """Put a view on screen for a message (a ringing call): nothing moves if it is there already,
        as the card is in the workspace beside the list the agent was reading."""
        if name not in self.shown:
            self.go(name, defer_history=True)

    def sync(self) -> None:
        """Show the view the address names (start-up, Back and Forward)."""
        self._pending = None
        self._show(self.route_from_hash())

    def _push_pending(self, *_: object) -> None:
        name, self._pending = self._pending, None
        if name is not None:
            self._push(name)

    @staticmethod
    def _push(name: str) -> None:
        if js.window.location.hash != f"#/{name}":
            js.window.history.pushState(None, "", f"#/{name}")

    def _show(self, name: str, *, force: bool = False) -> None:
        wide = bool(self._wide.matches)
        shown = WORKSPACE.get(name, (name,)) if wide else (name,)
        if name == self.current and shown == self.shown and not force:
            return  # already shown: a ringing call while on Contact touches nothing
        for view_name, view in self._views:
            view.hidden = view_name not in shown
        self._main.classList.toggle("workspace", len(shown) > 1)
        for route, link in self._links:
            if route == name:
                link.setAttribute("aria-current", "page")
            else:
                link.removeAttribute("aria-current")
        changed = name != self.current
        self.current, self.shown = name, shown
        if changed or force:
            for callback in self.on_change:
                callback(name)
