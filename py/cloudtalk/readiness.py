"""Ready to take calls: what the browser layer observed, turned into lines with a state and a fix.

Everything here is data: `Facts` is what was seen (the browser layer fills it in), `check()`
gives the checklist's lines, `at_a_glance()` the dock's short state, and `offline_text()` the
banner. The browser layer only observes and draws; every word a user reads is decided here.

    facts = Facts(secure=False, host="crm.example", mic_permission="denied", browser="firefox")
    lines = {line.key: line for line in check(facts)}
    assert lines["secure"].severity == PROBLEM and "HTTPS" in lines["secure"].fix
    assert at_a_glance(facts) == "Needs HTTPS"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

OK, INFO, WARN, PROBLEM = "ok", "info", "warn", "problem"
Severity = Literal["ok", "info", "warn", "problem"]
Permission = Literal["granted", "prompt", "denied"] | None  # None: the browser does not say
Browser = Literal["chromium", "firefox", "safari", "other"]

PHONE_WAIT_S = 20.0  # how long the phone's page may take before the check calls it "not loaded"
LEVEL_HEARD = 0.02  # a peak input level (0..1) above this is sound, not silence

# Where each browser lets a person allow what a site was refused, by what was refused.
SITE_SETTINGS: dict[str, str] = {
    "chromium": "Click the site information icon left of the address, set {what} to Allow, then reload the page.",
    "firefox": "Click the permissions icon left of the address, remove the block on {what}, then reload the page.",
    "safari": "Open Safari › Settings for This Website…, set {what} to Allow, then reload the page.",
    "other": "Allow {what} for this site in the browser's site settings, then reload the page.",
}

MIC_ERRORS: dict[str, str] = {  # getUserMedia's error names, as a person would put them
    "NotAllowedError": "The microphone was refused, by you or by the browser's settings for this site.",
    "NotFoundError": "No microphone was found.",
    "NotReadableError": "The microphone could not be opened: another application may hold it, or the system blocks it.",
    "OverconstrainedError": "No microphone fits what was asked.",
    "SecurityError": "The browser does not allow the microphone on this page.",
    "AbortError": "The microphone stopped before it gave any sound.",
}


class MicTest(NamedTuple):
    """The outcome of "Test microphone": not run (None in Facts), running, or ended."""

    state: Literal["running", "ended", "failed"]
    device: str = ""  # the input's label, as the browser names it
    peak: float = 0.0  # the loudest level seen, 0..1
    error: str = ""  # getUserMedia's error name, when it failed


@dataclass(frozen=True)
class Facts:
    """What the browser layer observed. Defaults are "all well": tests name only what differs."""

    secure: bool = True  # window.isSecureContext
    host: str = "localhost"
    browser: Browser = "other"
    phone_origin: str = "https://phone.cloudtalk.io"
    frame_allows: bool = True  # the iframe's allow attribute names the microphone
    policy_allows: bool | None = True  # the page's Permissions-Policy for the phone's origin; None: cannot be checked
    mic_permission: Permission = "granted"
    inputs: int | None = 1  # audio inputs (enumerateDevices); None: cannot be listed
    mic_test: MicTest | None = None
    notifications_wanted: bool = False
    notification_permission: Literal["granted", "default", "denied"] | None = None  # None: no Notification API
    pop_auto: bool = False
    pop_test: Literal["opened", "blocked"] | None = None
    persisted: bool | None = True
    storage: str = ""  # usage, as present.storage_line words it
    phone_here: bool = True
    phone_loaded_s: float | None = 1.0  # seconds from the iframe's creation to its load event
    phone_waited_s: float = 0.0  # seconds since the iframe was created
    phone_blocked: str = ""  # the CSP directive that refused the phone's frame, if one did
    online: bool = True


class Line(NamedTuple):
    key: str
    title: str
    severity: Severity
    state: str  # what was found
    fix: str = ""  # what to do about it; empty when nothing needs doing


def _site_settings(browser: Browser, what: str) -> str:
    return SITE_SETTINGS[browser].format(what=what)


def _secure(f: Facts) -> Line:
    title = "Secure connection"
    if f.secure:
        return Line("secure", title, OK, "This page is a secure context (HTTPS or this computer).")
    return Line("secure", title, PROBLEM, f"This page comes over plain http:// from {f.host}.",
                "The phone needs HTTPS for its microphone: serve the app over HTTPS (README, “Hosting”).")


def _frame(f: Facts) -> Line:
    title = "Microphone for the phone's frame"
    if not f.phone_here:
        return Line("frame", title, INFO, "The phone is in another tab: checked there.")
    if not f.frame_allows:
        return Line("frame", title, PROBLEM, "The phone's frame does not ask for the microphone.",
                    'The iframe needs allow="microphone *".')
    if f.policy_allows is None:
        return Line("frame", title, INFO, 'The frame asks with allow="microphone *"; this browser cannot report '
                    "whether the page's Permissions-Policy lets it.")
    if not f.policy_allows:
        return Line("frame", title, PROBLEM, f"The page's Permissions-Policy denies the microphone to {f.phone_origin}.",
                    f'The host must send Permissions-Policy: microphone=(self "{f.phone_origin}"), or no microphone rule.')
    return Line("frame", title, OK, "Allowed by the frame and the page's Permissions-Policy.")


def _permission(f: Facts) -> Line:
    title = "Microphone permission"
    if f.mic_permission == "granted":
        return Line("permission", title, OK, "Allowed for this site.")
    if f.mic_permission == "denied":
        return Line("permission", title, PROBLEM, "Blocked for this site: calls cannot be heard.",
                    _site_settings(f.browser, "the microphone"))
    if f.mic_permission == "prompt":
        return Line("permission", title, WARN, "The browser will ask when the first call is answered.",
                    "Test the microphone now, so that the question is answered before a caller waits.")
    return Line("permission", title, INFO, "This browser does not report it.",
                "Test the microphone: the browser asks then, if it has to.")


def _inputs(f: Facts) -> Line:
    title = "Microphone present"
    if f.inputs is None:
        return Line("inputs", title, INFO, "This browser cannot list its devices.")
    if f.inputs == 0:
        return Line("inputs", title, PROBLEM, "No microphone or headset was found.",
                    "Plug in a headset or microphone, then check again.")
    return Line("inputs", title, OK, f"{f.inputs} audio input{'' if f.inputs == 1 else 's'} found.")


def _mic_test(f: Facts) -> Line:
    title = "Microphone test"
    test = f.mic_test
    if test is None:
        return Line("mic-test", title, INFO, "Not run yet.",
                    "Test microphone asks for it now and shows its level, so the first call does not have to.")
    device = test.device or "the default input"
    if test.state == "running":
        return Line("mic-test", title, OK, f"Listening on {device}: speak, and the level moves.")
    if test.state == "failed":
        reason = MIC_ERRORS.get(test.error, f"The microphone could not be opened ({test.error or 'no reason given'}).")
        fix = _site_settings(f.browser, "the microphone") if test.error == "NotAllowedError" else \
            "Check the headset's cable or connection and that no other application holds it, then test again."
        return Line("mic-test", title, PROBLEM, reason, fix)
    if test.peak > LEVEL_HEARD:
        return Line("mic-test", title, OK, f"Worked with {device}: sound was heard.")
    return Line("mic-test", title, WARN, f"Only silence from {device}.",
                "Check that it is not muted (a switch on the headset, or the system's sound settings), then test again.")


def _notifications(f: Facts) -> Line | None:
    if not f.notifications_wanted:
        return None
    title = "Desktop notifications"
    match f.notification_permission:
        case "granted":
            return Line("notifications", title, OK, "Allowed: a ringing call shows a notification.")
        case "denied":
            return Line("notifications", title, PROBLEM, "Blocked for this site.",
                        _site_settings(f.browser, "notifications"))
        case "default":
            return Line("notifications", title, WARN, "Not allowed yet.", "Allow desktop notifications.")
    return Line("notifications", title, INFO, "This browser has no desktop notifications.")


def _pop(f: Facts) -> Line | None:
    if not f.pop_auto:
        return None
    title = "Screen pop window"
    if f.pop_test == "opened":
        return Line("pop", title, OK, "The test window opened and closed: pop-ups are allowed.")
    if f.pop_test == "blocked":
        return Line("pop", title, PROBLEM, "The browser blocked the test window.",
                    _site_settings(f.browser, "pop-ups and redirects"))
    return Line("pop", title, INFO, "Not tested yet.", "Test pop-up opens the screen-pop window and closes it.")


def _storage(f: Facts) -> Line:
    title = "Call history storage"
    usage = f" {f.storage}" if f.storage else ""
    if f.persisted is None:
        return Line("storage", title, INFO, f"This browser cannot say whether it keeps the history.{usage}")
    if not f.persisted:
        return Line("storage", title, WARN, f"Not persistent: the browser may remove it under disk pressure.{usage}",
                    "Keep the history on this device (Settings), and export it now and then.")
    return Line("storage", title, OK, f"Persistent.{usage}")


def _phone(f: Facts) -> Line:
    title = "The phone"
    if not f.phone_here:
        return Line("phone", title, OK, "Another tab has the phone: calls ring there.")
    causes = (f"Likely causes: the network, a firewall or proxy that blocks {f.phone_origin}, or the host's "
              f"Content-Security-Policy frame-src, which must allow {f.phone_origin}.")
    if f.phone_blocked:
        return Line("phone", title, PROBLEM, f"The page's Content-Security-Policy ({f.phone_blocked}) refused the phone.",
                    f"Add {f.phone_origin} to frame-src in the host's Content-Security-Policy.")
    if f.phone_loaded_s is not None:
        return Line("phone", title, OK, f"In this tab; its page loaded in {f.phone_loaded_s:.1f} s.")
    if f.phone_waited_s < PHONE_WAIT_S:
        return Line("phone", title, INFO, f"In this tab; its page is loading ({f.phone_waited_s:.0f} s).")
    return Line("phone", title, PROBLEM, f"In this tab, but its page has not loaded after {f.phone_waited_s:.0f} s.", causes)


def _network(f: Facts) -> Line:
    if f.online:
        return Line("network", "Network", OK, "Online.")
    return Line("network", "Network", PROBLEM, "Offline: calls cannot reach this phone.",
                "Check the cable, Wi-Fi or VPN; the check updates when the network is back.")


CHECKS = (_secure, _frame, _permission, _inputs, _mic_test, _notifications, _pop, _storage, _phone, _network)


def check(facts: Facts) -> list[Line]:
    """The checklist, in the order a person fixes things: the page, the microphone, then the rest."""
    return [line for line in (each(facts) for each in CHECKS) if line is not None]


# The dock's short state: the first of these whose line is a problem (the order is what matters most).
GLANCE = (
    ("network", "Offline"),
    ("secure", "Needs HTTPS"),
    ("permission", "Microphone blocked"),
    ("frame", "Microphone not allowed"),
    ("inputs", "No microphone"),
    ("mic-test", "Microphone problem"),
    ("phone", "Phone not loading"),
)


def at_a_glance(facts: Facts) -> str:
    """"Ready", or the most pressing problem in two or three words."""
    problems = {line.key for line in check(facts) if line.severity == PROBLEM}
    return next((text for key, text in GLANCE if key in problems), "Ready")


def worst(lines: list[Line]) -> Severity:
    order = (OK, INFO, WARN, PROBLEM)
    return max((line.severity for line in lines), key=order.index, default=OK)


def offline_text(in_call: bool) -> str:
    """The banner while the browser is offline."""
    text = "You are offline: calls cannot reach this phone until the network is back."
    return text + " The call in progress may drop." if in_call else text


def outage_text(started: float, ended: float, start_text: str, end_text: str) -> str:
    """Diagnostics' line for one outage, once it is over; `start_text`/`end_text` are its times as the page words them."""
    seconds = max(0, round(ended - started))
    minutes, secs = divmod(seconds, 60)
    length = f"{minutes} min {secs} s" if minutes else f"{secs} s"
    return f"Offline for {length}, {start_text} to {end_text}: calls could not reach this phone."
