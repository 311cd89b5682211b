"""Help for incoming calls that the embedded phone lacks: title flash, announcement,
banner, desktop notification, and a warning before leaving during a call.

    alerts = Alerts(settings)
    alerts.start_ringing(call, pop_href=None)
    alerts.stop_ringing()

What to alert on is decided by the core's reactions; this module only carries it out.
"""

from __future__ import annotations

from typing import Any

from ..calls import Call
from ..present import caller_name
from ..settings import Settings
from .dom import by_id, keep, listen
from .ffi import js, to_js

FLASH_MS = 1000


class Alerts:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_title = str(js.document.title)
        self.ringing: Call | None = None
        self.call_active = False
        self._flash_timer: Any = None
        self._flash_on = False
        self._tick = keep(self._flash)
        self.banner = by_id("incoming")
        self.banner_text = by_id("incoming-text")
        self.pop_link = by_id("incoming-pop")
        self.announcer = by_id("announcer")
        listen(js.window, "beforeunload", self._before_unload)

    def announce(self, text: str) -> None:
        self.announcer.textContent = ""
        self.announcer.textContent = text

    def start_ringing(self, call: Call, pop_href: str | None) -> None:
        self.ringing = call
        text = f"Incoming call — {caller_name(call)}"
        self.banner_text.textContent = text
        self._pop_link(pop_href)
        self.banner.hidden = False
        self.announce(text)
        if self._flash_timer is None:
            self._flash_timer = js.window.setInterval(self._tick, FLASH_MS)
            # The first flash comes on the next tick, not inside the message handler: measured,
            # setting document.title there cost up to 7 ms. The banner and announcement are immediate.
            js.window.setTimeout(self._tick, 0)
        self._notify(call)

    def update_ringing(self, call: Call, pop_href: str | None) -> None:
        """Contact details arrived while it rings."""
        self.ringing = call
        self.banner_text.textContent = f"Incoming call — {caller_name(call)}"
        self._pop_link(pop_href)

    def _pop_link(self, href: str | None) -> None:
        if href is None:
            self.pop_link.hidden = True
            self.pop_link.removeAttribute("href")
        else:
            self.pop_link.href = href
            self.pop_link.hidden = False

    def stop_ringing(self) -> None:
        self.ringing = None
        self.banner.hidden = True
        if self._flash_timer is not None:
            js.window.clearInterval(self._flash_timer)
            self._flash_timer = None
        js.document.title = self.base_title

    def _flash(self, *_: Any) -> None:
        if self.ringing is None:
            return
        self._flash_on = not self._flash_on
        js.document.title = f"Incoming call — {caller_name(self.ringing)}" if self._flash_on else self.base_title

    def _notify(self, call: Call) -> None:
        if not self.settings.desktop_notifications or not hasattr(js.window, "Notification"):
            return
        if js.Notification.permission != "granted":
            return
        options = to_js({"body": call.number or "", "tag": "cloudtalk-" + call.uuid})
        js.Notification.new(f"Incoming call — {caller_name(call)}", options)

    def _before_unload(self, event: Any) -> None:
        if self.call_active:
            event.preventDefault()
            event.returnValue = "A call is in progress."
