"""The readiness check in the page: observe the browser and draw cloudtalk.readiness's lines.

Also the offline banner (with each outage listed in Diagnostics when it ends) and the dock's short
state. What the lines say is decided by the pure core; this module only gathers `Facts` and writes
text into the page.

    check = ReadinessCheck(boot, settings, on_outage=..., in_call=lambda: False, clock=time.time)
    spawn(check.observe())
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..events import PhoneEvent
from ..log import Change
from ..present import size
from ..readiness import (
    PHONE_WAIT_S,
    PROBLEM,
    Facts,
    at_a_glance,
    check,
    offline_text,
    outage_text,
    worst,
)
from ..settings import Settings
from .dom import by_id, clear, el, keep, listen, local_clock, spawn
from .ffi import js, to_js
from .microphone import MicrophoneTest
from .phone import PhoneDock
from .router import Router
from .storage_panel import storage_state

OFFERED_KEY = "cloudtalk:ready-offered"  # localStorage: the check was offered once (first use)
ICONS = {"ok": "✓", "info": "i", "warn": "!", "problem": "✕"}
SEVERITY_WORDS = {"ok": "Fine", "info": "Note", "warn": "Attention", "problem": "Problem"}
SUMMARY = {
    "ok": "Ready to take calls.",
    "info": "Ready to take calls. Some things could not be checked in this browser, or are not tested yet.",
    "warn": "Ready to take calls, with something to look at below.",
    "problem": "Not ready: see the lines marked Problem.",
}


def browser_family() -> str:
    agent = str(js.navigator.userAgent)
    if "Firefox/" in agent:
        return "firefox"
    if "Chrome/" in agent or "Chromium/" in agent or "Edg/" in agent:
        return "chromium"
    return "safari" if "Safari/" in agent else "other"


def policy_allows(iframe: Any, origin: str) -> bool | None:
    """Whether the page's Permissions-Policy (and the frame's allow attribute) give the phone the microphone.

    The frame's own policy object where the browser has one (Chromium), else the document's; None
    where the browser offers neither (Firefox, Safari)."""
    frame_policy = getattr(iframe, "featurePolicy", None) if iframe is not None else None
    if frame_policy is not None:
        return bool(frame_policy.allowsFeature("microphone"))
    document_policy = getattr(js.document, "permissionsPolicy", None) or getattr(js.document, "featurePolicy", None)
    if document_policy is not None:
        return bool(document_policy.allowsFeature("microphone", origin))
    return None


async def permission_status(name: str) -> Any:
    """The Permissions API's status object for `name` (its .state, its change event), or None where the
    browser does not report it."""
    permissions = getattr(js.navigator, "permissions", None)
    if permissions is None:
        return None
    try:
        return await permissions.query(to_js({"name": name}))
    except Exception:  # noqa: BLE001 - a name this browser does not know (Firefox before 131: "microphone")
        return None


async def audio_inputs() -> int | None:
    devices = getattr(js.navigator, "mediaDevices", None)
    if devices is None or not hasattr(devices, "enumerateDevices"):
        return None
    try:
        listed = await devices.enumerateDevices()
    except Exception:  # noqa: BLE001 - refused: cannot be listed
        return None
    return sum(1 for device in listed if device.kind == "audioinput")


class ReadinessCheck:
    """Gathers the facts, draws the check, the dock's short state and the offline banner."""

    def __init__(self, boot: Any, settings: Settings, *, on_outage: Callable[[str], None],
                 in_call: Callable[[], bool], announce: Callable[[str], None], storage: Any,
                 router: Router, dock: PhoneDock) -> None:
        self.boot = boot
        self.settings = settings
        self.on_outage = on_outage
        self.in_call = in_call
        self.announce = announce
        self.storage = storage  # localStorage: whether the check was offered
        self.facts = Facts(browser=browser_family(), phone_origin=str(boot.origin), mic_permission=None, inputs=None,
                           persisted=None, phone_loaded_s=None, online=bool(js.navigator.onLine))
        self.visible = False
        self.offline_since: float | None = None if self.facts.online else time.time()
        self.lines = by_id("ready-lines")
        self.summary = by_id("ready-summary")
        self.dock_ready = by_id("dock-ready")
        self.dock_text = by_id("dock-ready-text")
        self.banner = by_id("offline-banner")
        self.notify_button = by_id("ready-notify")
        self.pop_button = by_id("ready-pop")
        self.mic = MicrophoneTest(lambda result: self.update(mic_test=result))
        self._refresh_later = keep(lambda *_: spawn(self.observe()))
        listen(by_id("ready-refresh"), "click", lambda _e: spawn(self.observe()))
        listen(js.window, "offline", lambda _e: self.network(False))
        listen(js.window, "online", lambda _e: self.network(True))
        listen(self.notify_button, "click", lambda _e: spawn(self.ask_notifications()))
        listen(self.pop_button, "click", lambda _e: self.test_pop())
        devices = getattr(js.navigator, "mediaDevices", None)
        if devices is not None and hasattr(devices, "addEventListener"):
            listen(devices, "devicechange", lambda _e: spawn(self.observe()))
        self._watched: set[str] = set()
        router.on_change.append(lambda _name: self.set_visible("ready" in router.shown))
        dock.on_here.append(lambda _here: spawn(self.observe()))

    def on_event(self, _event: PhoneEvent, change: Change) -> None:
        """A PhoneApp view: a call that starts or ends changes what the check says."""
        if change.milestone:
            self.call_changed(started=change.previous is None)

    def settings_changed(self, _old: Settings, new: Settings) -> None:
        self.settings = new

    # ------------------------------------------------------------ observing

    async def observe(self) -> None:
        """Read everything the browser tells, then draw."""
        boot, origin = self.boot, self.facts.phone_origin
        iframe = boot.iframe or None  # JavaScript's null when the phone is in another tab
        state = await storage_state()
        usage = f"This site uses {size(state['usage'])} of {size(state['quota'])}." if state["usage"] is not None \
            and state["quota"] else ""
        notification = getattr(js.window, "Notification", None)
        self.update(
            secure=bool(js.window.isSecureContext),
            host=str(js.location.hostname),
            frame_allows=iframe is None or "microphone" in str(iframe.getAttribute("allow") or ""),
            policy_allows=policy_allows(iframe, origin),
            mic_permission=await self._permission("microphone"),
            inputs=await audio_inputs(),
            notifications_wanted=self.settings.desktop_notifications,
            notification_permission=str(notification.permission) if notification is not None else None,
            pop_auto=self.settings.screen_pop_auto and bool(self.settings.screen_pop_template),
            persisted=state["persisted"],
            storage=usage,
            online=bool(js.navigator.onLine) if self.offline_since is None else False,
            **self._phone(),
        )
        if iframe is not None and self.facts.phone_loaded_s is None and not self.facts.phone_blocked:
            # Look again once the phone has had its time to load.
            waited_ms = self.facts.phone_waited_s * 1000
            js.window.setTimeout(self._refresh_later, max(1000, PHONE_WAIT_S * 1000 - waited_ms + 100))

    async def _permission(self, name: str) -> str | None:
        status = await permission_status(name)
        if status is None:
            return None
        if name not in self._watched:  # a change in the browser's site settings redraws the check
            self._watched.add(name)
            listen(status, "change", lambda _e: spawn(self.observe()))
        return str(status.state)

    def _phone(self) -> dict[str, Any]:
        boot = self.boot
        here = bool(boot.iframe)
        mounted, loaded = boot.phoneMountedAt or None, boot.phoneLoadedAt or None
        known = here and mounted is not None
        return {
            "phone_here": here,
            "phone_loaded_s": (float(loaded) - float(mounted)) / 1000 if known and loaded is not None else None,
            "phone_waited_s": (float(js.performance.now()) - float(mounted)) / 1000 if known else 0.0,
            "phone_blocked": str(boot.phoneBlocked or ""),
        }

    def update(self, **changed: Any) -> None:
        self.facts = replace(self.facts, **changed)
        self.draw()

    # ------------------------------------------------------------ the network

    def network(self, online: bool) -> None:
        if not online and self.offline_since is None:
            self.offline_since = time.time()
            self.announce(offline_text(self.in_call()))
        elif online and self.offline_since is not None:
            started, self.offline_since = self.offline_since, None
            self.on_outage_ended(started, time.time())
            self.announce("Back online: calls reach this phone again.")
        self.update(online=online)

    def call_changed(self, started: bool) -> None:
        """A call started or ended: the offline banner says whether a live call may drop, and a
        microphone test in progress gives the microphone back to the phone for the new call."""
        if started:
            self.mic.stop()
            offer = by_id("ready-offer")
            if not offer.hidden:  # the first call came: the offer "before the first call" is over
                offer.hidden = True
                self._offered()
        if not self.facts.online:
            by_id("offline-text").textContent = offline_text(self.in_call())

    def on_outage_ended(self, started: float, ended: float) -> None:
        self.on_outage(outage_text(started, ended, local_clock(started), local_clock(ended)))

    # ------------------------------------------------------------ actions

    async def ask_notifications(self) -> None:
        notification = getattr(js.window, "Notification", None)
        if notification is not None:
            await notification.requestPermission()
        await self.observe()

    def test_pop(self) -> None:
        # The same window name the screen pop uses; opened and closed at once.
        opened = js.window.open("about:blank", "cloudtalk-screen-pop", "popup,width=200,height=100")
        if opened:
            opened.close()
        self.update(pop_test="opened" if opened else "blocked")

    def offer_once(self) -> None:
        """On first use, a card in the Calls view offers the check; gone for good once used or declined."""
        offer = by_id("ready-offer")
        if self.storage.get(OFFERED_KEY):
            return
        offer.hidden = False

        def done(_e: Any = None) -> None:
            offer.hidden = True
            self._offered()

        listen(by_id("ready-offer-dismiss"), "click", done)
        listen(by_id("ready-offer-go"), "click", done)

    def _offered(self) -> None:
        with contextlib.suppress(Exception):  # storage blocked or full: offered again next time, no harm
            self.storage.set(OFFERED_KEY, "1")

    def set_visible(self, visible: bool) -> None:
        if visible and not self.visible:
            by_id("ready-offer").hidden = True
            self._offered()
            spawn(self.observe())
        self.visible = visible
        if not visible:
            self.mic.stop()

    # ------------------------------------------------------------ drawing (text only)

    def draw(self) -> None:
        facts = self.facts
        found = check(facts)
        glance = at_a_glance(facts)
        self.dock_text.textContent = glance
        self.dock_ready.hidden = False
        self.dock_ready.classList.toggle("bad", glance != "Ready")
        self.banner.hidden = facts.online
        if not facts.online:
            by_id("offline-text").textContent = offline_text(self.in_call())
        self.notify_button.hidden = not facts.notifications_wanted or facts.notification_permission != "default"
        self.pop_button.hidden = not facts.pop_auto
        if not self.visible:
            return
        self.summary.textContent = SUMMARY[worst(found)]
        clear(self.lines)
        for line in found:
            item = el("li", None, class_=f"ready-line sev-{line.severity}", data_key=line.key)
            item.append(el("span", ICONS[line.severity], class_="ready-icon", aria_hidden="true"))
            body = el("div", None, class_="ready-body")
            body.append(el("strong", line.title))
            body.append(el("span", f"{SEVERITY_WORDS[line.severity]}: ", class_="sr-only"))
            body.append(el("span", " " + line.state, class_="ready-state"))
            if line.fix:
                body.append(el("p", line.fix, class_="ready-fix"))
            item.append(body)
            self.lines.append(item)
        self.summary.classList.toggle("bad", worst(found) == PROBLEM)
