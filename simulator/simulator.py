"""The phone simulator (MicroPython): speaks the CloudTalk phone's protocol to its parent.

Every message is a JSON string sent with `window.parent.postMessage`, exactly like the
real phone, so the app cannot tell the difference except by origin (its own).

Two faces: a softphone for demos (dial pad, incoming-call screen, call timer, a scripted demo
day), and, behind "Developer tools", the console for integrators (scenarios, single events,
raw JSON, replay). Both send the same messages in the same order as the real phone.
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


# ---------------------------------------------------------------- the phone face

# Callers for "Simulate an incoming call", in turn: a returning caller (the same contact every
# time, so the app's history and call-backs fill up), a first-time number, and a second contact.
DIRECTORY = [
    ("+44 20 3868 0167", CONTACT),
    ("+1 415 555 0199", None),
    ("+421 2 1234 5678", {"id": 5678, "name": "Jana Nováková", "company": "Nová s.r.o.",
                          "contact_numbers": ["+421 2 1234 5678"], "contact_emails": ["jana@nova.example"],
                          "tags": ["Prospect"], "external_urls": []}),
]
NO_ANSWER_AFTER_MS = 20000  # an incoming call nobody answers ends (Missed), as the real phone's would
PAD = "123456789*0#"

# The face's state. A dict, not a class: the module stays a flat script, as MicroPython runs it.
face = {
    "screen": "idle", "uuid": None, "number": "", "contact": None, "answered_at": 0, "next": 0,
    "demo": None, "demo_live": None, "task": None,
}


def by_id(element_id):
    return document.getElementById(element_id)


def face_status(text):
    by_id("face-status").textContent = text


def show(screen):
    face["screen"] = screen
    by_id("face").dataset.screen = screen
    for name in ("idle", "outgoing", "incoming", "call", "demo"):
        by_id("screen-" + name).hidden = name != screen
    first = {"idle": "dial", "outgoing": "cancel", "incoming": "answer", "call": "hang-up", "demo": "stop-demo"}[screen]
    by_id(first).focus()


def who(number, contact):
    return contact["name"] if contact else number


def send(event, contact=None):
    post(message(event, face["uuid"], contact, face["number"]))


def ring_delay():
    return 1500 + int(window.Math.random() * 2000)  # a short, random ring before the other side decides


async def outgoing():
    number = by_id("dial").value.strip()
    if not number:
        face_status("Type a number first.")
        by_id("dial").focus()
        return
    face["uuid"], face["number"], face["contact"] = new_uuid("face"), number, None
    by_id("out-who").textContent = number
    show("outgoing")
    face_status("Dialling " + number)
    uuid = face["uuid"]
    send("dialing")
    await wait(ring_delay())
    if face["uuid"] != uuid or face["screen"] != "outgoing":
        return  # cancelled while it rang
    if by_id("answers").checked:
        send("calling")
        on_call()
    else:
        end_call("No answer from " + number, False)


def end_call(status, agent_hung_up):
    """The call ends: `hangup` first when the agent pressed the red button, then `ended`, as the real phone sends them."""
    if agent_hung_up:
        send("hangup")
    send("ended")
    face_status(status)
    face["uuid"] = None
    show("idle")


def cancel(_e=None):
    end_call("Cancelled", True)


async def incoming(_e=None):
    number, contact = DIRECTORY[face["next"] % len(DIRECTORY)]
    face["next"] += 1
    face["uuid"], face["number"], face["contact"] = new_uuid("face"), number, contact
    uuid = face["uuid"]
    by_id("in-who").textContent = who(number, contact)
    by_id("in-number").textContent = number if contact else "Not in your contacts"
    by_id("in-company").textContent = contact["company"] if contact else ""
    show("incoming")
    face_status("Incoming call from " + who(number, contact))
    send("ringing", contact)
    if contact is not None:
        await wait(800)
        if face["uuid"] == uuid:
            send("contact_info", contact)  # the CRM's details follow, as with the real phone
    await asyncio.sleep(NO_ANSWER_AFTER_MS / 1000)  # real time whatever the speed: someone must be able to answer
    if face["uuid"] == uuid and face["screen"] == "incoming":
        end_call("Missed call from " + who(number, contact), False)


def answer(_e=None):
    send("calling")
    on_call()


def decline(_e=None):
    end_call("Declined", True)


def on_call():
    face["answered_at"] = window.Date.now()
    by_id("call-who").textContent = who(face["number"], face["contact"])
    by_id("call-timer").textContent = "0:00"
    show("call")
    face_status("On a call with " + who(face["number"], face["contact"]))


def hang_up(_e=None):
    end_call("You hung up", True)


def caller_hangs_up(_e=None):
    end_call("The caller hung up", False)


def tick(*_):
    if face["screen"] != "call":
        return
    seconds = int((window.Date.now() - face["answered_at"]) / 1000)
    by_id("call-timer").textContent = str(seconds // 60) + ":" + ("0" + str(seconds % 60))[-2:]


# A demo morning at 1x: ten calls over about two minutes. (delay before it in ms, kind, caller)
DEMO_DAY = [
    (0, "answered", 0), (9000, "missed", 1), (12000, "outbound answered", 2), (10000, "declined", 1),
    (11000, "answered", 1), (10000, "outbound no answer", 0), (12000, "answered", 2),
    (9000, "missed", 0), (12000, "update", 2), (10000, "answered", 2),
]  # ends with John Doe (caller 0) to call back: no answer, then missed
DEMO_STEPS = {
    "answered": [(0, "ringing"), (800, "contact_info"), (3000, "calling"), (6000, "hangup"), (300, "ended")],
    "missed": [(0, "ringing"), (7000, "ended")],
    "declined": [(0, "ringing"), (2500, "hangup"), (300, "ended")],
    "outbound answered": [(0, "dialing"), (3000, "calling"), (5000, "ended")],
    "outbound no answer": [(0, "dialing"), (8000, "ended")],
    "update": [(0, "ringing"), (2000, "calling"), (2000, "contact_info+"), (4000, "ended")],
}


async def demo_day():
    task = face["demo"]
    show("demo")
    for index, (delay, kind, caller) in enumerate(DEMO_DAY):
        await wait(delay)
        if face["demo"] is not task:
            return  # stopped
        number, contact = DIRECTORY[caller]
        uuid = new_uuid("demo")
        face["demo_live"] = (uuid, number)
        by_id("demo-progress").textContent = "Call " + str(index + 1) + " of " + str(len(DEMO_DAY)) + ": " + kind
        for pause, event in DEMO_STEPS[kind]:
            await wait(pause)
            if face["demo"] is not task:
                return  # stopped: stop_demo() has ended the live call
            details = dict(contact, tags=contact["tags"] + ["Renewal"]) if event == "contact_info+" and contact else contact
            post(message(event.rstrip("+"), uuid, details, number))
        face["demo_live"] = None
    face["demo"] = None
    face_status("Demo day done: " + str(len(DEMO_DAY)) + " calls")
    show("idle")


def start_demo(_e=None):
    face["demo"] = object()
    face_status("Demo day running")
    face["task"] = asyncio.create_task(demo_day())


def stop_demo(_e=None):
    face["demo"] = None
    live = face["demo_live"]
    if live is not None:  # stopped mid-call: the call ends, nothing is left ringing in the app
        post(message("ended", live[0], None, live[1]))
        face["demo_live"] = None
    face_status("Demo day stopped")
    show("idle")


def dev_tools(_e=None):
    console = by_id("console")
    console.hidden = not console.hidden
    by_id("dev-toggle").setAttribute("aria-expanded", "false" if console.hidden else "true")


def key(event):
    screen = face["screen"]
    name = event.key
    if name == "Escape":
        action = {"outgoing": cancel, "incoming": decline, "call": hang_up, "demo": stop_demo}.get(screen)
        if action is not None:
            event.preventDefault()
            action()
    elif name == "Enter" and screen == "idle" and event.target.id == "dial":
        event.preventDefault()
        face["task"] = asyncio.create_task(outgoing())


def pad_key(digit):
    def press(_e):
        dial = by_id("dial")
        dial.value = dial.value + digit
    return press


def on(element_id, event, handler):
    proxy = create_proxy(handler)
    _kept.append(proxy)
    by_id(element_id).addEventListener(event, proxy)


for digit in PAD:
    node = document.createElement("button")
    node.type = "button"
    node.textContent = digit
    node.setAttribute("aria-label", {"*": "star", "#": "hash"}.get(digit, digit))
    node.dataset.digit = digit
    by_id("pad").append(node)
    proxy = create_proxy(pad_key(digit))
    _kept.append(proxy)
    node.addEventListener("click", proxy)

for element_id, handler in (
    ("call", lambda _e: asyncio.create_task(outgoing())),
    ("cancel", cancel),
    ("simulate-incoming", lambda _e: asyncio.create_task(incoming())),
    ("answer", answer),
    ("decline", decline),
    ("hang-up", hang_up),
    ("caller-hangs-up", caller_hangs_up),
    ("demo-day", start_demo),
    ("stop-demo", stop_demo),
    ("dev-toggle", dev_tools),
):
    on(element_id, "click", handler)
on("face", "keydown", key)
timer = create_proxy(tick)
_kept.append(timer)
window.setInterval(timer, 500)
face_status("Ready. Dial a number, or simulate an incoming call.")
document.body.dataset.ready = "true"
