"""Simulator mode: the same-origin simulator drives the app with the real protocol, no account needed."""

from __future__ import annotations

from .conftest import ARTIFACTS, App

EXPECTED = {
    "Inbound answered": ("Answered", "you hung up"),
    "Inbound missed": ("Missed", None),
    "Inbound declined": ("Declined", None),
    "Outbound answered": ("Answered", "they hung up"),
    "Outbound no answer": ("No answer", None),
    "Outbound cancelled": ("Cancelled", None),
    "Unknown caller": ("Missed", None),
}


def open_simulator(app: App, view: str = "calls") -> None:
    app.open(f"/?phone=simulator#/{view}")
    app.phone.wait("document.body.dataset.ready === 'true'", timeout_ms=60_000)
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
    app.tab.wait("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v2:call:burst-')).length === 100", timeout_ms=60_000)
    app.go("calls")
    app.tab.wait("document.getElementById('timeline-count').textContent === '100 calls'")


def timeline(app: App) -> list[list]:
    app.go("calls")
    return app.tab.js("[...document.querySelectorAll('li.call')].map(i => [i.dataset.state, i.dataset.outcome ?? null, i.querySelector('.who').textContent])")


def test_a_recorded_session_replays_into_the_same_timeline(app: App):
    app.open("/?phone=simulator#/settings")
    app.tab.check("#set-record")
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent === 'Saved.'")
    app.phone.wait("document.body.dataset.ready === 'true'", timeout_ms=60_000)
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


def test_settings_say_when_the_address_overrides_the_phone_choice(app: App):
    app.open("/?phone=simulator#/settings")
    assert app.tab.js("document.getElementById('set-phone').value") == "cloudtalk"
    assert "This visit uses the simulator" in app.tab.text("#set-phone-help")
