"""Simulator mode: the same-origin simulator drives the app with the real protocol, no account needed."""

from __future__ import annotations

from .conftest import App

EXPECTED = {
    "Inbound answered": ("Answered", "you hung up"),
    "Inbound missed": ("Missed", None),
    "Inbound declined": ("Declined", None),
    "Outbound answered": ("Answered", "they hung up"),
    "Outbound no answer": ("No answer", None),
    "Outbound cancelled": ("Cancelled", None),
    "Unknown caller": ("Missed", None),
}


def test_each_scenario_button_gives_its_outcome_and_the_real_phone_is_never_requested(app: App):
    app.open("/?phone=simulator#/calls")
    assert app.page.locator("#simulator-badge").is_visible()
    simulator = app.phone_frame
    simulator.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    simulator.select_option("#speed", "0")
    buttons = simulator.locator("#scenarios button").all_inner_texts()
    assert buttons == [*list(EXPECTED)[:6], "Contact update mid-call", "Unknown caller", "Burst"], "the issue's order"
    for name, (outcome, hung_up) in EXPECTED.items():
        before = app.page.locator("li.call").count()
        simulator.get_by_role("button", name=name, exact=True).click()
        app.page.wait_for_function(f"document.querySelectorAll('li.call').length === {before + 1}")
        app.page.wait_for_function(f"document.querySelector('li.call').dataset.outcome === '{outcome}'")
        newest = app.page.locator("li.call").first
        if hung_up:
            assert hung_up in newest.inner_text()
        if name == "Unknown caller":
            assert "Unknown caller" in newest.inner_text()
        app.page.goto(app.base + "/?phone=simulator#/calls")  # ringing brings the contact forward; come back
    simulator.get_by_role("button", name="Contact update mid-call", exact=True).click()
    app.page.goto(app.base + "/?phone=simulator#/contact")  # a hash change: the page is not reloaded
    app.page.get_by_role("region", name="Contact card").get_by_text("John A. Doe").wait_for()
    assert not [u for u in app.requests if u.startswith("https://phone.cloudtalk.io")]
    assert app.phone.loads == []


def test_the_simulator_burst_records_a_hundred_calls(app: App):
    app.open("/?phone=simulator#/calls")
    simulator = app.phone_frame
    simulator.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    simulator.select_option("#speed", "0")
    simulator.get_by_role("button", name="Burst", exact=True).click()
    app.page.wait_for_function(
        "Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v1:call:burst-')).length === 100", timeout=60_000
    )
    app.page.goto(app.base + "/?phone=simulator#/calls")
    assert "100" in app.page.locator("#timeline-count").inner_text()


def timeline(app: App) -> list[tuple[str | None, str | None, str]]:
    app.page.goto(app.base + "/?phone=simulator#/calls")
    return app.page.locator("li.call").evaluate_all(
        "items => items.map(i => [i.dataset.state, i.dataset.outcome ?? null, i.querySelector('.who').textContent])"
    )


def test_a_recorded_session_replays_into_the_same_timeline(app: App, browser, phone, tmp_path):
    from .conftest import PHONE_ORIGIN

    app.open("/?phone=simulator#/settings")
    app.page.check("#set-record")
    app.page.get_by_role("button", name="Save settings").click()
    app.page.get_by_text("Saved.").wait_for()
    simulator = app.phone_frame
    simulator.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    simulator.select_option("#speed", "0")
    for name in ["Inbound answered", "Outbound cancelled", "Unknown caller"]:
        simulator.get_by_role("button", name=name, exact=True).click()
        simulator.get_by_text(f"Done: {name}").wait_for()
    app.settle()
    original = timeline(app)
    assert len(original) == 3
    app.page.goto(app.base + "/?phone=simulator#/diagnostics")
    with app.page.expect_download() as download:
        app.page.click("#download-recording")
    recording = tmp_path / "recording.json"
    download.value.save_as(recording)

    context = browser.new_context()
    context.route(f"{PHONE_ORIGIN}/**", phone)
    fresh = App(context.new_page(), app.base, phone)
    fresh.open("/?phone=simulator#/calls")
    replayer = fresh.phone_frame
    replayer.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    replayer.set_input_files("#replay-file", str(recording))
    replayer.check("#replay-instant")
    replayer.click("#replay")
    replayer.get_by_text("Replayed").wait_for()
    fresh.settle()
    assert timeline(fresh) == original
    assert fresh.errors == []
    context.close()


def test_settings_say_when_the_address_overrides_the_phone_choice(app: App):
    app.open("/?phone=simulator#/settings")
    assert app.page.input_value("#set-phone") == "cloudtalk"
    assert "This visit uses the simulator" in app.page.locator("#set-phone-help").inner_text()
