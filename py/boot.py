"""Boot script (MicroPython): put the phone on screen at once and hold its messages.

MicroPython starts in a fraction of Pyodide's boot time. This script creates the
phone iframe, runs the message firewall, and queues every accepted message until
the Pyodide app (py/main.py) takes over by setting `cloudtalkBoot.sink`.
It also drives the boot progress bar from PyScript's `py:progress` events.
"""

import json

import config  # py/cloudtalk/config.py, shared with the app
import js
from pyscript import document, window
from pyscript.ffi import create_proxy


def read_json(text):
    try:
        value = json.loads(text or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def query_param(name):
    params = js.URLSearchParams.new(window.location.search)
    return params.get(name) if params.has(name) else None


def show_notice(text):
    document.getElementById("notice-text").textContent = text
    document.getElementById("notice").hidden = False


app_config = read_json(document.getElementById("app-config").textContent)
try:
    stored = read_json(window.localStorage.getItem(config.SETTINGS_KEY))
except Exception:  # noqa: BLE001 - storage blocked (privacy mode): settings just are not remembered
    stored = {}
default_partner = app_config.get("partner", "mycrm")
if not config.valid_partner(default_partner):
    default_partner = "mycrm"
partner, partner_error = config.resolve_partner(query_param("partner"), stored.get("partner"), default_partner)
simulator = query_param("phone") == "simulator" or (query_param("phone") is None and stored.get("phone") == "simulator")
phone_origin = window.location.origin if simulator else app_config.get("phone_origin", config.PHONE_ORIGIN)

iframe = document.createElement("iframe")
iframe.id = "phone"
iframe.title = "CloudTalk Phone"
iframe.setAttribute("allow", "microphone *")
iframe.setAttribute("width", "420")
iframe.setAttribute("height", "700")
iframe.src = config.phone_src(partner, simulator)
document.getElementById("phone-slot").append(iframe)
window.performance.mark("phone-in-dom")

boot = js.Object.new()
boot.iframe = iframe
boot.partner = partner
boot.defaultPartner = default_partner
boot.partnerError = partner_error
boot.simulator = simulator
boot.origin = phone_origin
boot.queue = js.Array.new()  # accepted messages, in arrival order, until the app takes over
boot.ignored = js.Array.new()  # [reason, excerpt] of messages the firewall turned away
boot.sink = None  # the app's handler for accepted messages
boot.ignoredSink = None
boot.ready = False
window.cloudtalkBoot = boot

if partner_error:
    show_notice(partner_error)
if simulator:
    document.getElementById("simulator-badge").hidden = False


same_window = getattr(js.Object, "is")


def on_message(event):
    # This listener stays for the page's life: measured, a MicroPython hop into the app's
    # sink is cheaper per message than a Pyodide listener reading the event's fields.
    boot.receivedAt = window.performance.now()  # where the benchmark's per-event cost starts
    reason = config.firewall(event.origin, phone_origin, same_window(event.source, iframe.contentWindow))
    if reason is None:
        sink = boot.sink
        if sink:
            sink(event.data)
        else:
            boot.queue.push(event.data)
        return
    ignored_sink = boot.ignoredSink
    if ignored_sink:
        ignored_sink(reason, config.excerpt_of(event.data))
    elif boot.ignored.length < 200:
        boot.ignored.push(js.Array.of(reason, config.excerpt_of(event.data)))


window.addEventListener("message", create_proxy(on_message))

# ---------------------------------------------------------------- progress bar

STEPS = {
    "Loading Pyodide": 25,
    "Loaded Pyodide": 60,
    "Loading packages": 65,
    "Loaded packages": 85,
    "Loading files": 88,
    "Loaded files": 92,
}
bar = document.getElementById("boot-progress")
label = document.getElementById("boot-text")
bar.value = 15
label.textContent = "Phone loading · starting Python…"


def on_progress(event):
    detail = str(event.detail)
    if not boot.ready:
        bar.value = max(int(bar.value), STEPS.get(detail, int(bar.value) + 2))
        label.textContent = detail + "…"


document.addEventListener("py:progress", create_proxy(on_progress))
