"""Simulator mode: the same-origin simulator drives the app with the real protocol, no account needed."""

from __future__ import annotations

from .conftest import ARTIFACTS, App, needs

EXPECTED = {
    "Inbound answered": ("Answered", "you hung up"),
    "Inbound missed": ("Missed", None),
    "Inbound declined": ("Declined", None),
    "Outbound answered": ("Answered", "they hung up"),
    "Outbound no answer": ("No answer", None),
    "Outbound cancelled": ("Cancelled", None),
    "Unknown caller": ("Missed", None),
}


def open_simulator(app: App, view: str = "calls", *, console: bool = True) -> None:
    """The app with the simulator; its developer console open and set to Instant unless `console` is False."""
    app.open(f"/?phone=simulator#/{view}")
    app.phone.wait("document.body.dataset.ready === 'true'", timeout_ms=60_000)
    if console:
        app.phone.click("#dev-toggle")
        app.phone.select("#speed", "0")


def play(app: App, scenario: str) -> None:
    app.phone.click(f'#scenarios button[data-name="{scenario}"]')
    app.phone.wait("(name) => document.getElementById('sim-status').textContent === 'Done: ' + name", scenario)


def test_each_scenario_button_gives_its_outcome_and_the_real_phone_is_never_requested(app: App):
    open_simulator(app)
    assert app.tab.visible("#simulator-badge")
    buttons = app.phone.js("[...document.querySelectorAll('#scenarios button')].map(b => b.textContent)")
    assert buttons == [*list(EXPECTED)[:6], "Contact update mid-call", "Unknown caller", "Burst"], "the issue's order"
    for name, (outcome, hung_up) in EXPECTED.items():
        before = app.tab.count("li.call")
        play(app, name)
        app.tab.wait(f"document.querySelectorAll('li.call').length === {before + 1}")
        app.tab.wait(f"document.querySelector('li.call').dataset.outcome === '{outcome}'")
        newest = app.tab.text("li.call")
        if hung_up:
            assert hung_up in newest
        if name == "Unknown caller":
            assert "Unknown caller" in newest
        app.go("calls")  # ringing brought the contact forward; come back
    play(app, "Contact update mid-call")
    app.go("contact")  # a hash change: the page is not reloaded
    app.tab.wait("document.querySelector('#contact-card .contact-name')?.textContent === 'John A. Doe'")
    assert app.phone_loads() == [], "the real phone is never requested"


def test_the_simulator_burst_records_a_hundred_calls(app: App):
    open_simulator(app)
    play(app, "Burst")
    app.wait_store(lambda: app.stored_count("burst-") == 100, "a hundred calls stored", timeout_ms=60_000)
    app.go("calls")
    app.tab.wait("document.getElementById('timeline-count').textContent === '100 calls'")


def timeline(app: App) -> list[list]:
    app.go("calls")
    return app.tab.js("[...document.querySelectorAll('li.call')].map(i => [i.dataset.state, i.dataset.outcome ?? null, i.querySelector('.who').textContent])")


def test_a_recorded_session_replays_into_the_same_timeline(app: App):
    app.open("/?phone=simulator#/settings")
    # Settings say that the address overrides the phone chosen there.
    assert app.tab.js("document.getElementById('set-phone').value") == "cloudtalk"
    assert "This visit uses the simulator" in app.tab.text("#set-phone-help")
    app.tab.check("#set-record")
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent === 'Saved.'")
    app.phone.wait("document.body.dataset.ready === 'true'", timeout_ms=60_000)
    app.phone.click("#dev-toggle")
    app.phone.select("#speed", "0")
    for name in ["Inbound answered", "Outbound cancelled", "Unknown caller"]:
        play(app, name)
    app.tab.wait("document.querySelectorAll('li.call[data-state=\"ended\"]').length === 3")
    original = timeline(app)
    assert len(original) == 3
    app.go("diagnostics")
    name, text = app.tab.download("#download-recording")
    assert name.startswith("cloudtalk-recording-")
    recording = ARTIFACTS / f"recording-{app.engine.name}.json"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    recording.write_text(text)
    app.check_clean()

    # a fresh browser: nothing stored, a new tab
    app.engine.start_test({"phone.cloudtalk.io": ""})
    if hasattr(app.engine, "clear_storage"):
        app.engine.clear_storage(app.base)
    fresh = App(app.engine, app.base)
    open_simulator(fresh)
    assert fresh.tab.count("li.call") == 0
    fresh.phone.set_files("#replay-file", recording)
    fresh.phone.check("#replay-instant")
    fresh.phone.click("#replay")
    fresh.phone.wait("document.getElementById('sim-status').textContent.startsWith('Replayed')")
    fresh.tab.wait("document.querySelectorAll('li.call[data-state=\"ended\"]').length === 3")
    assert timeline(fresh) == original


# ---------------------------------------------------------------- the phone face (the default)


def face(app: App, screen: str) -> None:
    app.phone.wait("(s) => document.getElementById('face').dataset.screen === s", screen)


def newest(app: App) -> tuple[str | None, str]:
    return app.tab.js("[document.querySelector('li.call')?.dataset.outcome ?? null, document.querySelector('li.call')?.textContent ?? '']")


def incoming_call(app: App) -> None:
    app.phone.click("#simulate-incoming")
    face(app, "incoming")
    app.tab.wait("document.querySelector('li.call')?.dataset.state === 'ringing'")


def test_the_face_answers_and_either_side_hangs_up_or_declines(app: App):
    open_simulator(app, console=False)
    assert app.phone.visible("#pad") and not app.phone.visible("#console")
    incoming_call(app)  # the returning caller first: John Doe, with his CRM details
    assert app.phone.text("#in-who") == "John Doe" and app.phone.text("#in-company") == "Company Inc."
    app.phone.click("#answer")
    face(app, "call")
    app.tab.wait("document.querySelector('li.call')?.dataset.state === 'on_call'")
    app.phone.wait("document.getElementById('call-timer').textContent !== '0:00'")  # the timer runs
    app.phone.click("#caller-hangs-up")
    app.tab.wait("document.querySelector('li.call')?.dataset.outcome === 'Answered'")
    assert "they hung up" in newest(app)[1]
    incoming_call(app)  # a first-time number
    assert app.phone.text("#in-number") == "Not in your contacts"
    app.phone.click("#answer")
    face(app, "call")
    app.phone.click("#hang-up")
    face(app, "idle")
    app.tab.wait("document.querySelector('li.call')?.dataset.outcome === 'Answered'"
                 " && document.querySelector('li.call').textContent.includes('you hung up')")
    assert app.tab.count("li.call") == 2
    incoming_call(app)
    app.phone.click("#decline")
    face(app, "idle")
    app.tab.wait("document.querySelector('li.call')?.dataset.outcome === 'Declined'")


def test_an_outbound_call_nobody_answers_gives_no_answer(app: App):
    open_simulator(app)  # Instant, so the random ring takes no time
    app.phone.click("#dev-toggle")  # and closed again: the face is what a presenter sees
    app.phone.check("#answers", False)
    for digit in "4420":
        app.phone.click(f'#pad button[data-digit="{digit}"]')
    assert app.phone.js("document.getElementById('dial').value") == "4420"
    app.phone.click("#call")
    face(app, "idle")
    app.tab.wait("document.querySelector('li.call')?.dataset.outcome === 'No answer'")
    assert app.phone.text("#face-status") == "No answer from 4420"


def test_the_keyboard_dials_calls_and_hangs_up(app: App):
    open_simulator(app)
    app.phone.click("#dev-toggle")
    app.phone.click("#dial")  # focus is in the number field, as after a click
    for key in "+421":
        app.tab.press(key)
    app.phone.wait("document.getElementById('dial').value === '+421'")
    app.tab.press("Enter")
    face(app, "call")  # "the other side answers" is on by default
    app.tab.wait("document.querySelector('li.call')?.dataset.state === 'on_call'")
    app.tab.press("Escape")  # the Hang up button has the focus, and Escape hangs up wherever it is
    face(app, "idle")
    app.tab.wait("document.querySelector('li.call')?.dataset.outcome === 'Answered'")
    # Every control of every screen is a native button (or field): reachable with Tab, operable with Enter/Space.
    controls = app.phone.js(
        "[...document.querySelectorAll('#face button, #face input, #dev-toggle')].map(b => [b.id || b.dataset.digit, b.tabIndex,"
        " b.getAttribute('aria-label') || b.textContent.trim() || (b.labels && b.labels[0] && b.labels[0].textContent.trim()) || ''])"
    )
    assert len(controls) >= 22
    assert all(tab_index >= 0 and name for _, tab_index, name in controls), controls


def test_a_demo_day_fills_the_timeline_and_can_be_stopped(app: App):
    open_simulator(app)
    app.phone.click("#dev-toggle")
    app.phone.click("#demo-day")
    app.tab.wait("document.getElementById('timeline-count').textContent === '10 calls'"
                 " && document.querySelectorAll('li.call[data-state=\"ended\"]').length === 10", timeout_ms=60_000)
    face(app, "idle")
    outcomes = app.tab.js("[...document.querySelectorAll('li.call')].map(i => i.dataset.outcome)")
    assert {"Answered", "Missed", "Declined", "No answer"} <= set(outcomes)
    app.tab.wait("Number(document.getElementById('callback-count').textContent) > 0")
    # At 1x it can be stopped mid-call: that call ends, nothing is left ringing.
    app.phone.click("#dev-toggle")
    app.phone.select("#speed", "1")
    app.phone.click("#dev-toggle")
    app.phone.click("#demo-day")
    face(app, "demo")
    app.tab.wait("document.getElementById('timeline-count').textContent === '11 calls'")
    app.phone.click("#stop-demo")
    face(app, "idle")
    app.tab.wait("document.querySelectorAll('li.call[data-state=\"ended\"]').length === 11")


@needs("colour-scheme emulation")
def test_screenshots_of_the_face_in_its_three_states_light_and_dark(app: App):
    """Each state shot light, then dark: the themes are CSS alone, switched as the system's setting would."""
    def shots(name: str) -> None:
        for scheme in ("light", "dark"):
            app.tab.page.emulate_media(color_scheme=scheme)  # type: ignore[attr-defined]  # Chromium's page (@needs)
            app.phone.wait("(s) => matchMedia(`(prefers-color-scheme: ${s})`).matches", scheme)
            shot_face(app, f"simulator-{name}-{scheme}")

    open_simulator(app)
    app.phone.click("#dev-toggle")
    app.phone.fill("#dial", "+44 20 7946 0000")
    shots("idle")
    incoming_call(app)
    app.phone.wait("document.getElementById('in-company').textContent === 'Company Inc.'")
    shots("incoming")
    app.phone.click("#answer")
    face(app, "call")
    shots("call")
    app.phone.click("#hang-up")


def shot_face(app: App, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app.tab.page.locator("#phone").screenshot(path=str(ARTIFACTS / f"{name}.png"))
