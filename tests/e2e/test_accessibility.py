"""Accessibility, checked by axe-core (WCAG 2.1 A/AA and best practices) in every state a user sees.

Colour contrast is part of the check, so each theme is checked where the engine can choose it.
"""

from __future__ import annotations

from tests.unit.messages import sample_text

from .conftest import App, needs, shot

NUMBER = "+44 20 3868 0167"


def walk(app: App, theme: str) -> None:
    """Every view, empty and full, a ringing call, a call in progress, and a second tab."""
    app.open("/#/calls")
    app.check_accessibility(f"{theme}: empty history")
    app.send(sample_text())  # the guide's ringing call: banner, card, history, notes
    app.tab.wait("!document.getElementById('incoming').hidden && !document.getElementById('call-notes').hidden")
    app.check_accessibility(f"{theme}: ringing call")
    app.call("calling", "12345678-1234-1234-123a-012345a6789b")
    app.tab.wait("document.getElementById('incoming').hidden")
    app.check_accessibility(f"{theme}: on a call")
    app.call("ended", "12345678-1234-1234-123a-012345a6789b")
    app.call("ringing", "a11y-missed", external_number=NUMBER)
    app.call("ended", "a11y-missed")
    app.call("ringing", "a11y-odd", external_number="+1 555 0100", contact={"tags": [{"no": "name"}]})  # a correction
    app.call("ended", "a11y-odd")
    app.wait_stored("a11y-odd", "ended")
    app.go("callbacks")
    app.tab.wait("document.querySelectorAll('li.callback').length === 2")
    app.check_accessibility(f"{theme}: call-backs")
    app.go("calls")
    app.tab.fill("#search", "no such caller")
    app.tab.wait("document.querySelectorAll('li.call').length === 0")
    app.check_accessibility(f"{theme}: a search that finds nothing")
    app.tab.fill("#search", "")
    app.go("settings")
    app.check_accessibility(f"{theme}: settings")
    app.tab.fill("#set-pop", "ftp://nope")
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent.startsWith('Not saved')")
    app.check_accessibility(f"{theme}: settings with an error")
    app.go("diagnostics")
    app.tab.wait("document.querySelectorAll('#diagnostics li.diag').length > 0")
    app.check_accessibility(f"{theme}: diagnostics")
    second = App(app.engine, app.base).open("/#/calls")
    second.tab.wait_visible("#phone-elsewhere")
    second.check_accessibility(f"{theme}: a second tab, the phone open elsewhere")


def test_every_state_passes_axe(app: App):
    walk(app, "light")


@needs("colour-scheme emulation")
def test_every_state_passes_axe_in_the_dark_theme(app: App):
    with app.emulating(scheme="dark"):
        walk(app, "dark")


@needs("viewport emulation")
def test_a_phone_sized_screen_passes_axe_while_ringing(app: App):
    with app.emulating(viewport=(390, 844)):
        app.open("/#/calls")
        app.send(sample_text())
        app.tab.wait("location.hash === '#/contact' && !document.getElementById('incoming').hidden")
        app.check_accessibility("390 px: ringing call")
        shot(app.tab, "a11y-390-ringing")


def test_the_simulators_phone_face_and_console_pass_axe(app: App):
    app.open("/?phone=simulator#/calls")
    app.phone.wait("document.body.dataset.ready === 'true'", timeout_ms=60_000)
    app.check_accessibility("simulator: idle face", app.phone)
    app.phone.click("#simulate-incoming")
    app.phone.wait("document.getElementById('face').dataset.screen === 'incoming'")
    app.check_accessibility("simulator: incoming call", app.phone)
    app.phone.click("#answer")
    app.phone.wait("document.getElementById('face').dataset.screen === 'call'")
    app.check_accessibility("simulator: on a call", app.phone)
    app.phone.click("#hang-up")
    app.phone.click("#dev-toggle")
    app.phone.wait_visible("#console")
    app.check_accessibility("simulator: developer console", app.phone)
    assert app.diagnostics() == []  # axe in the phone's frame posted nothing the app had to refuse
