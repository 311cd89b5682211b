"""Help for incoming calls that the embedded phone lacks: title flash, announcement,
banner, desktop notification, and a warning before leaving during a call.

    alerts = Alerts(settings)
    alerts.call_changed(call, is_active=True)
"""

from __future__ import annotations

from typing import Any

import js

from ..calls import Call, State
from ..settings import Settings
from .dom import by_id, keep, listen

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
        self.announcer = by_id("announcer")
        listen(js.window, "beforeunload", self._before_unload)

    def announce(self, text: str) -> None:
        self.announcer.textContent = ""
        self.announcer.textContent = text

    def call_changed(self, call: Call, previous_state: State | None, active: Call | None) -> None:
        self.call_active = active is not None
        if call.state is State.RINGING and previous_state is not State.RINGING:
            self._start_ringing(call)
        elif self.ringing is not None and self.ringing.uuid == call.uuid and call.state is not State.RINGING:
            self._stop_ringing()
            if call.state is State.ON_CALL:
                self.announce(f"Call with {self._who(call)} connected")
            elif call.outcome is not None:
                self.announce(f"Call with {self._who(call)} ended: {call.outcome.value}")
        elif self.ringing is not None and self.ringing.uuid == call.uuid:
            self.ringing = call  # contact details arrived while ringing
            self.banner_text.textContent = f"Incoming call — {self._who(call)}"

    @staticmethod
    def _who(call: Call) -> str:
        if call.contact and call.contact.name:
            return call.contact.name
        return call.number or "unknown number"

    def _start_ringing(self, call: Call) -> None:
        self.ringing = call
        text = f"Incoming call — {self._who(call)}"
        self.banner_text.textContent = text
        self.banner.hidden = False
        self.announce(text)
        if self._flash_timer is None:
            self._flash_timer = js.window.setInterval(self._tick, FLASH_MS)
            # The first flash comes on the next tick, not inside the message handler: measured,
            # setting document.title there cost up to 7 ms. The banner and announcement are immediate.
            js.window.setTimeout(self._tick, 0)
        self._notify(call)

    def _stop_ringing(self) -> None:
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
        js.document.title = f"Incoming call — {self._who(self.ringing)}" if self._flash_on else self.base_title

    def _notify(self, call: Call) -> None:
        if not self.settings.desktop_notifications or not hasattr(js.window, "Notification"):
            return
        if js.Notification.permission != "granted":
            return
        options = js.Object.new()
        options.body = call.number or ""
        options.tag = "cloudtalk-" + call.uuid
        js.Notification.new(f"Incoming call — {self._who(call)}", options)

    def _before_unload(self, event: Any) -> None:
        if self.call_active:
            event.preventDefault()
            event.returnValue = "A call is in progress."
