"""The phone simulator (MicroPython): speaks the CloudTalk phone's protocol to its parent.

Every message is a JSON string sent with `window.parent.postMessage`, exactly like the
real phone, so the app cannot tell the difference except by origin (its own).
"""

import asyncio
import json

from pyscript import document, window
from pyscript.ffi import create_proxy

CONTACT = {
    "id": 1234,
    "name": "John Doe",
    "company": "Company Inc.",
    "contact_emails": ["john.doe@example.com"],
    "contact_numbers": ["+44 20 3868 0167"],
    "external_urls": [{"external_system": "mycrm", "external_url": "https://mycrm.example/contact/1234"}],
    "tags": ["VIP", "Europe"],
}
UPDATED = dict(CONTACT, name="John A. Doe", tags=["VIP", "Europe", "Renewal"])

# (scenario name, [(delay in ms before the event, event, contact or None)]), in button order.
# A list, not a dict: MicroPython dicts do not keep insertion order.
SCENARIOS = [
    ("Inbound answered", [
        (0, "ringing", CONTACT),
        (800, "contact_info", CONTACT),
        (2500, "calling", None),
        (6000, "hangup", None),
        (400, "ended", None),
    ]),
    ("Inbound missed", [(0, "ringing", CONTACT), (8000, "ended", None)]),
    ("Inbound declined", [(0, "ringing", CONTACT), (3000, "hangup", None), (400, "ended", None)]),
    ("Outbound answered", [(0, "dialing", CONTACT), (4000, "calling", None), (7000, "ended", None)]),
    ("Outbound no answer", [(0, "dialing", CONTACT), (12000, "ended", None)]),
    ("Outbound cancelled", [(0, "dialing", CONTACT), (2500, "hangup", None), (400, "ended", None)]),
    ("Contact update mid-call", [(0, "calling", CONTACT), (3000, "contact_info", UPDATED)]),
    ("Unknown caller", [(0, "ringing", None), (5000, "ended", None)]),
]
EVENTS = ("ringing", "dialing", "calling", "hangup", "ended", "contact_info")
_counter = [0]
_kept = []


def post(text):
    window.parent.postMessage(text, window.location.origin)


def message(event, uuid, contact=None, number="+44 20 3868 0167"):
    props = {"call_uuid": uuid, "external_number": number, "internal_number": "+1 888 487 1675"}
    if contact is not None:
        props["contact"] = contact
    return json.dumps({"event": event, "properties": props})


def status(text):
    document.getElementById("sim-status").textContent = text


def speed():
    return float(document.getElementById("speed").value)


def new_uuid(prefix):
    _counter[0] += 1
    return prefix + "-" + str(window.Date.now()) + "-" + str(_counter[0])


async def wait(ms):
    factor = speed()
    if factor > 0 and ms > 0:
        await asyncio.sleep(ms / 1000 / factor)


async def play(name, steps):
    uuid = new_uuid("sim")
    status("Playing: " + name)
    for delay, event, contact in steps:
        await wait(delay)
        post(message(event, uuid, contact))
    status("Done: " + name)


async def burst():
    status("Burst: 100 calls")
    for i in range(100):
        uuid = new_uuid("burst")
        number = "+1 555 01" + ("0" + str(i))[-2:]  # MicroPython has no str.zfill
        post(message("ringing", uuid, None, number))
        post(message("ended", uuid, None, number))
        if i % 10 == 9:
            await wait(200)
    status("Done: Burst")


async def replay(_event=None):
    files = document.getElementById("replay-file").files
    if not files.length:
        status("Choose a recording file first.")
        return
    try:
        recording = json.loads(await files.item(0).text())
        messages = recording["messages"]
    except Exception as error:  # noqa: BLE001 - a bad file is reported, not fatal
        status("Not a recording: " + str(error))
        return
    instant = document.getElementById("replay-instant").checked
    previous = 0
    status("Replaying " + str(len(messages)) + " messages")
    for item in messages:
        offset = int(item.get("offset_ms", 0))
        if not instant and offset > previous:
            await asyncio.sleep((offset - previous) / 1000)
        previous = offset
        post(item["data"])
    status("Replayed " + str(len(messages)) + " messages")


def button(parent, label, handler):
    node = document.createElement("button")
    node.type = "button"
    node.textContent = label
    node.dataset.name = label
    proxy = create_proxy(handler)
    _kept.append(proxy)
    node.addEventListener("click", proxy)
    document.getElementById(parent).append(node)


def scenario_handler(name, steps):
    return lambda _e: asyncio.create_task(play(name, steps))


def manual_handler(event):
    def send(_e):
        uuid = document.getElementById("call-id").value or "manual-1"
        post(message(event, uuid, CONTACT if event == "contact_info" else None))
        status("Sent " + event + " for " + uuid)
    return send


for scenario, steps in SCENARIOS:
    button("scenarios", scenario, scenario_handler(scenario, steps))
button("scenarios", "Burst", lambda _e: asyncio.create_task(burst()))
for name in EVENTS:
    button("manual", name, manual_handler(name))


def send_json(_e):
    post(document.getElementById("json").value)
    status("Sent the payload as typed")


for element_id, handler in (("send-json", send_json), ("replay", lambda _e: asyncio.create_task(replay()))):
    proxy = create_proxy(handler)
    _kept.append(proxy)
    document.getElementById(element_id).addEventListener("click", proxy)
status("Ready. Pick a scenario.")
document.body.dataset.ready = "true"
