"""The phone dock and the hand-over from the boot script's message queue.

The boot script (py/boot.py, MicroPython) already created the iframe and runs
the firewall. `take_over()` drains what it queued, in order, and from then on
receives each accepted message directly, all in one synchronous step, so no
message is lost or handled twice.

    dock = PhoneDock(boot, busy=lambda: log.active() is not None)
    dock.go_live(app.receive, app.ignore)     # the queued messages first, in order, then each as it comes
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..settings import Settings
from .dom import by_id, keep, listen, show_notice
from .ffi import JsProxy, js


async def wait_for_boot(timeout: float = 30.0) -> Any:
    """The boot script's handle (`window.cloudtalkBoot`), once it exists."""
    waited = 0.0
    while getattr(js.window, "cloudtalkBoot", None) is None:
        if waited >= timeout:
            raise RuntimeError("the phone boot script did not start (py/boot.py)")
        await asyncio.sleep(0.02)
        waited += 0.02
    return js.window.cloudtalkBoot


def as_raw(data: Any) -> object:
    """A posted value as the core's parse() takes it: JS objects become their JSON text."""
    if isinstance(data, JsProxy):
        try:
            text = js.JSON.stringify(data)
        except Exception as error:  # noqa: BLE001 - cyclic or BigInt values: reject with the reason
            return f"<unserialisable object: {error}>"
        return text if isinstance(text, str) else None
    return data


class PhoneDock:
    """The docked phone: minimise/maximise, and the message hand-over."""

    def __init__(self, boot: Any, busy: Callable[[], bool]) -> None:
        self.boot = boot
        self.busy = busy  # a call is in progress: the phone stays, and its settings wait
        self.dock = by_id("dock")
        self.toggle = by_id("dock-toggle")
        self.state_label = by_id("dock-state")
        self.on_here: list[Callable[[bool], None]] = []  # told when the phone arrives in this tab or leaves it
        listen(self.toggle, "click", lambda _e: self.set_minimised(not self.minimised))

    @property
    def minimised(self) -> bool:
        return bool(self.dock.classList.contains("minimised"))

    def set_minimised(self, minimised: bool) -> None:
        # Only a class changes: the iframe stays where it is, so the phone never reloads.
        self.dock.classList.toggle("minimised", minimised)
        self.toggle.textContent = "Maximise" if minimised else "Minimise"
        self.toggle.setAttribute("aria-expanded", "false" if minimised else "true")

    def show_state(self, text: str) -> None:
        self.state_label.textContent = text

    def phone_here(self, here: bool) -> None:
        """The boot script moved the phone into this tab or out of it (one phone per browser)."""
        self.toggle.hidden = not here
        if not here:
            self.set_minimised(False)  # the explanation and its buttons must show
            self.show_state("· in another tab")
        else:
            self.show_state("")
        for told in self.on_here:
            told(here)

    def settings_changed(self, old: Settings, new: Settings) -> None:
        """A new partner id or phone takes a reload (the phone is never reloaded on its own): now, or after the call."""
        if (old.partner, old.phone) == (new.partner, new.phone):
            return
        if self.busy():
            show_notice("The new phone settings apply after the current call: reload the page then.")
            return
        url = js.URL.new(js.window.location.href)
        url.searchParams.delete("partner")  # the address's ?partner= and ?phone= would override the new settings
        url.searchParams.delete("phone")
        js.window.location.assign(url.href)

    def go_live(self, receive: Callable[[Any], Any], ignore: Callable[[str, Any], Any]) -> int:
        """Take the phone over and say the app is live (`data-ready`, the `app-ready` mark)."""
        count = self.take_over(receive, ignore)
        self.boot.ready = True
        by_id("boot").hidden = True
        js.document.body.dataset.ready = "true"
        js.window.performance.mark("app-ready")
        return count

    def take_over(self, receive: Callable[[Any], Any], ignore: Callable[[str, Any], Any]) -> int:
        """Handle every queued message in order, then receive directly. Returns how many were queued.

        `busy` tells the boot script whether a call is in progress, so the phone never leaves
        this tab for another in the middle of a call."""
        self.boot.busy = keep(self.busy)
        self.boot.phoneHere = keep(self.phone_here)
        if not self.boot.iframe:
            self.phone_here(False)
        for item in self.boot.ignored:
            ignore(str(item[0]), str(item[1]))
        self.boot.ignored.length = 0

        queued = self.boot.queue
        count = int(queued.length)
        for index in range(count):
            receive(as_raw(queued[index]))
        queued.length = 0

        def on_message(data: Any) -> None:
            receive(as_raw(data))

        def on_ignored(reason: Any, excerpt: Any) -> None:
            ignore(str(reason), str(excerpt))

        self.boot.sink = keep(on_message)
        self.boot.ignoredSink = keep(on_ignored)
        return count
