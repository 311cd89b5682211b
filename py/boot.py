"""Boot script (MicroPython): put the phone on screen at once and hold its messages.

MicroPython starts in a fraction of Pyodide's boot time. This script creates the
phone iframe, runs the message firewall, and queues every accepted message until
the Pyodide app (py/main.py) takes over by setting `cloudtalkBoot.sink`. It adds
the app's script itself, once the phone is placed, so the app's start never delays the phone.

It also keeps to one phone per browser: the tab holding the Web Lock "cloudtalk-phone"
has the phone; another tab shows why it has none, and can ask for it over a
BroadcastChannel. And it drives the boot progress bar from PyScript's `py:progress`.
"""

import json

import config  # py/cloudtalk/config.py, shared with the app
from ffi import by_id, create_proxy, js, keep, show_notice, to_js  # py/cloudtalk/browser/ffi.py, shared with the app

window = js.window
document = js.document


def read_json(text):
    try:
        value = json.loads(text or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def query_param(name):
    params = js.URLSearchParams.new(window.location.search)
    return params.get(name) if params.has(name) else None


app_config = read_json(by_id("app-config").textContent)
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

boot = to_js({})  # a plain object: the app's handle on this script (window.cloudtalkBoot)
boot.iframe = None  # the phone, while this tab has it
boot.partner = partner
boot.defaultPartner = default_partner
boot.partnerError = partner_error
boot.simulator = simulator
boot.origin = phone_origin
boot.queue = js.Array.new()  # accepted messages, in arrival order, until the app takes over
boot.ignored = js.Array.new()  # [reason, excerpt] of messages the firewall turned away
boot.sink = None  # the app's handler for accepted messages
boot.ignoredSink = None
boot.busy = None  # the app's answer to "is a call in progress?"
boot.phoneHere = None  # the app's hook: called with true or false when the phone arrives or leaves
boot.ready = False
boot.phoneMountedAt = None  # performance.now() when the phone's iframe was created in this tab
boot.phoneLoadedAt = None  # ... and when its page loaded
boot.phoneBlocked = ""  # the CSP directive that refused the phone's frame, if one did
boot.installPrompt = None  # the browser's install offer (beforeinstallprompt), when it made one
window.cloudtalkBoot = boot

if partner_error:
    show_notice(partner_error)
if simulator:
    by_id("simulator-badge").hidden = False


# ---------------------------------------------------------------- the phone and its firewall


def start_app():
    """Add the app's script once the phone is placed (or found in another tab), and only once.

    PyScript starts the app's interpreter as it finds this script: before the phone, that start's own
    work (its config, hooks, the runtime's loader) ran beside MicroPython's and delayed the phone.
    Measured, 8 interleaved repeat visits a side: the phone 183 against 190 ms, the app ready as before.
    """
    if document.querySelector('script[type="py"]'):
        return
    script = document.createElement("script")
    script.type = "py"
    script.src = "py/main.py"  # its config is index.html's <py-config>
    document.body.append(script)


def mount_phone():
    iframe = document.createElement("iframe")
    iframe.id = "phone"
    iframe.title = "CloudTalk Phone"
    iframe.setAttribute("allow", "microphone *")
    iframe.setAttribute("width", "420")
    iframe.setAttribute("height", "700")
    iframe.src = config.phone_src(partner, simulator)
    boot.phoneMountedAt = js.performance.now()
    boot.phoneLoadedAt = None
    iframe.addEventListener("load", keep(phone_loaded))
    by_id("phone-slot").append(iframe)
    boot.iframe = iframe
    by_id("phone-elsewhere").hidden = True
    window.performance.mark("phone-in-dom")
    start_app()
    if boot.phoneHere:
        boot.phoneHere(True)


def phone_loaded(_event):
    # For the readiness check: the phone's page loaded (an error page loads too; a silent drop never does).
    boot.phoneLoadedAt = js.performance.now()


def frame_refused(event):
    # For the readiness check: the page's own Content-Security-Policy refused the phone's frame.
    directive = str(event.effectiveDirective)
    if directive in ("frame-src", "child-src", "default-src") and str(event.blockedURI).startswith(phone_origin):
        boot.phoneBlocked = directive


window.addEventListener("securitypolicyviolation", keep(frame_refused))


def can_install(event):
    # Chromium offers to install the app once, often before the app is live: kept for Settings'
    # "Install as an app" (cloudtalk.browser.installable), instead of the browser's own banner.
    event.preventDefault()
    boot.installPrompt = event


window.addEventListener("beforeinstallprompt", keep(can_install))


def unmount_phone(text):
    if boot.iframe:
        boot.iframe.remove()  # the phone's page unloads: its session ends cleanly in this tab
        boot.iframe = None
    show_elsewhere(text)
    if boot.phoneHere:
        boot.phoneHere(False)


same_window = getattr(js.Object, "is")


def on_message(event):
    # This listener stays for the page's life: measured, a MicroPython hop into the app's
    # sink is cheaper per message than a Pyodide listener reading the event's fields.
    data = event.data
    if config.runtime_self_post(data) and same_window(event.source, window):
        return  # Pyodide's scheduler (Safari, WebKit): refused like any self-post, but not an intruder
    boot.receivedAt = window.performance.now()  # where the benchmark's per-event cost starts
    iframe = boot.iframe
    if iframe is None:
        reason = "no phone in this tab"
    else:
        reason = config.firewall(event.origin, phone_origin, same_window(event.source, iframe.contentWindow))
    if reason is None:
        sink = boot.sink
        if sink:
            sink(data)
        else:
            boot.queue.push(data)
        return
    ignored_sink = boot.ignoredSink
    if ignored_sink:
        ignored_sink(reason, config.excerpt_of(data))
    elif boot.ignored.length < 200:
        boot.ignored.push(js.Array.of(reason, config.excerpt_of(data)))


window.addEventListener("message", create_proxy(on_message))

# ---------------------------------------------------------------- one phone per browser

# CloudTalk's phone is one softphone per agent: a second embedded phone competes with the
# first. The tab that holds the Web Lock has the phone; the others queue for the lock, so the
# phone moves to one of them by itself when its tab closes, and can ask for it sooner.
LOCK = "cloudtalk-phone"
ANSWER_WAIT_MS = 3000  # for the holder to answer "take-over" before offering to take the phone anyway
TITLE_MS = 6000  # how long a tab asked to come forward shows it in its title

locks = getattr(window.navigator, "locks", None)
early = getattr(window, "cloudtalkLock", None)  # runtime/phone-lock.mjs: the first ask, made as the page was parsed
channel = js.BroadcastChannel.new(LOCK) if hasattr(window, "BroadcastChannel") else None
tab = str(js.Math.random())[2:]
release = [None]  # resolves the promise that holds the lock
answer_timer = [None]


def set_status(text):
    by_id("elsewhere-status").textContent = text


def show_elsewhere(text):
    by_id("elsewhere-text").textContent = text
    set_status("")
    by_id("take-phone-anyway").hidden = True
    by_id("phone-elsewhere").hidden = False


def say(kind, to=None):
    if channel:
        channel.postMessage(to_js({"kind": kind, "sender": tab, "to": to}))


def phone_elsewhere():
    show_elsewhere("The CloudTalk phone is open in another tab of this browser. "
                   "Only one phone can take your calls; this tab still shows every call.")
    window.performance.mark("phone-elsewhere")  # the runtime's heavy start waits for this or "phone-in-dom"
    start_app()
    wait_for_phone()


def phone_here():
    stop_answer_timer()
    mount_phone()


def holding(lock):
    """The lock is ours (or, asked with ifAvailable, it was not free: lock is null)."""
    if not lock:
        phone_elsewhere()
        return None

    def hold(resolve, _reject):
        release[0] = resolve

    held = js.Promise.new(create_proxy(hold))  # the lock lasts until release[0]() resolves it
    phone_here()
    return held


def ask_first():
    locks.request(LOCK, to_js({"ifAvailable": True}), holding_proxy).catch(lost_proxy)


def first_answer(answer):
    """The answer to runtime/phone-lock.mjs's early ask: it holds the lock for this tab, or not."""
    if answer == "held":
        release[0] = early.release
        early.lost = lost_proxy  # another tab may take the lock (`steal`) from here on
        phone_here()
        if early.error:  # ... or took it before this script ran
            lost(early.error)
    elif answer == "elsewhere":
        phone_elsewhere()
    else:  # refused: ask as if there were no early ask
        ask_first()


def lost(_error):
    # Another tab took the lock with `steal` (this tab did not answer in time): stand down.
    release[0] = None
    unmount_phone("The phone moved to another tab, which took it while this tab was not answering.")
    wait_for_phone()


holding_proxy = keep(holding)
lost_proxy = keep(lost)


def wait_for_phone():
    locks.request(LOCK, holding_proxy).catch(lost_proxy)


def busy():
    app_busy = boot.busy
    if app_busy:
        return bool(app_busy())
    return boot.queue.length > 0  # the app is still starting: a queued message may be a call


def give_up_phone(requester):
    unmount_phone("The phone moved to another tab. Use this tab instead to bring it back.")
    say("released", requester)
    done, release[0] = release[0], None
    if done:
        done()  # frees the lock: the requesting tab's queued request is granted
    wait_for_phone()


def flash_title():
    title = document.title
    document.title = "☎ The phone is here"
    window.setTimeout(keep(lambda: setattr(document, "title", title)), TITLE_MS)


def on_tab_message(event):
    message = event.data
    kind, sender, to = message.kind, message.sender, message.to
    if to and to != tab:
        return
    if kind == "take-over" and boot.iframe is not None:
        if busy():
            say("busy", sender)
        else:
            give_up_phone(sender)
    elif kind == "show-yourself" and boot.iframe is not None:
        window.focus()  # browsers allow this only sometimes; the title says where the phone is
        flash_title()
        say("shown", sender)
    elif kind == "busy":
        set_status("The other tab is on a call. The phone can move here once that call ends.")
        stop_answer_timer()
    elif kind == "shown":
        set_status("The tab with the phone is now titled “☎ The phone is here”. "
                   "If your browser did not switch to it, pick it from your tabs.")


def stop_answer_timer():
    if answer_timer[0] is not None:
        window.clearTimeout(answer_timer[0])
        answer_timer[0] = None


def no_answer():
    answer_timer[0] = None
    set_status("The other tab is not answering.")
    by_id("take-phone-anyway").hidden = False


def take_phone(_event):
    set_status("Asking the other tab for the phone…")
    stop_answer_timer()
    answer_timer[0] = window.setTimeout(keep(no_answer), ANSWER_WAIT_MS)
    say("take-over")


def take_phone_anyway(_event):
    by_id("take-phone-anyway").hidden = True
    set_status("Taking the phone…")
    locks.request(LOCK, to_js({"steal": True}), holding_proxy).catch(lost_proxy)


def show_phone_tab(_event):
    set_status("Asking the other tab to come forward…")
    say("show-yourself")


if locks is None or channel is None:
    mount_phone()  # no Web Locks (an old browser, or not a secure context): the phone loads as it always did
else:
    channel.addEventListener("message", keep(on_tab_message))
    by_id("take-phone").addEventListener("click", keep(take_phone))
    by_id("take-phone-anyway").addEventListener("click", keep(take_phone_anyway))
    by_id("show-phone-tab").addEventListener("click", keep(show_phone_tab))
    if early and early.answer:
        early.answer.then(keep(first_answer))
    else:
        ask_first()

# ---------------------------------------------------------------- progress bar

STEPS = {
    "Loading Pyodide": 25,
    "Loaded Pyodide": 60,
    "Loading packages": 65,
    "Loaded packages": 85,
    "Loading files": 88,
    "Loaded files": 92,
}
bar = by_id("boot-progress")
label = by_id("boot-text")
bar.value = 15
label.textContent = "Phone loading · starting Python…"


def on_progress(event):
    detail = str(event.detail)
    if not boot.ready:
        bar.value = max(int(bar.value), STEPS.get(detail, int(bar.value) + 2))
        label.textContent = detail + "…"


document.addEventListener("py:progress", create_proxy(on_progress))
