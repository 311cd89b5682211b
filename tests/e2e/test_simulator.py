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
