"""The agent's workspace: caller history, call-backs, notes and disposition, screen pop, today's summary,
and the side-by-side layout, through the fake phone."""

from __future__ import annotations

import csv
import io

from .conftest import App, needs, shot

CARD = "#contact-card"
NUMBER = "+44 20 3868 0167"
DIALLED = "+442038680167"  # the normalized number the links dial
POP = "https://crm.example/search?q={number}&who={name}&p={partner}"


def missed(app: App, uuid: str, number: str = NUMBER, **props: object) -> None:
    app.call("ringing", uuid, external_number=number, **props)
    app.call("ended", uuid)


def answered(app: App, uuid: str, number: str = NUMBER, **props: object) -> None:
    app.call("ringing", uuid, external_number=number, **props)
    app.call("calling", uuid)
    app.call("ended", uuid)


def wait_today_shows(app: App, *words: str) -> None:
    """Wait until Today's counts read all these words: the summary redraws at most once a second."""
    app.tab.wait("(words) => words.every((w) => document.getElementById('today-counts').textContent.includes(w))", list(words))


def save_settings(app: App) -> None:
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent === 'Saved.'")


def test_missed_calls_wait_to_be_called_back_until_an_answered_call_or_done_and_a_short_number_gets_no_links(app: App):
    app.open("/#/callbacks")
    assert app.tab.visible("#callbacks-empty")
    missed(app, "cb-1", NUMBER)
    missed(app, "cb-2", "0044 20 3868 0167")  # the same number, written another way: one entry, two attempts
    app.call("dialing", "cb-3", external_number="+1 555 0100")
    app.call("ended", "cb-3")  # outbound, nobody answered: also to call back
    app.wait_stored("cb-3", "ended")
    app.tab.wait("document.getElementById('callback-count').textContent === '2'")
    entry = f'li.callback[data-key="number:{DIALLED}"]'
    app.tab.wait_for(entry)
    assert "2 attempts" in app.tab.text(entry)
    assert "Missed" in app.tab.text(entry)
    assert app.tab.attr(f"{entry} a[href^='tel:']", "href") == f"tel:{DIALLED}"
    assert app.tab.attr(f"{entry} a[href^='ct+tel:']", "href") == f"ct+tel:{DIALLED}"
    assert app.tab.text("li.callback:first-child .callback-who").startswith("+1 555 0100")  # newest first

    answered(app, "cb-4", "+44 (20) 3868-0167")  # they got through: nobody waits any more
    app.tab.wait("document.querySelectorAll('li.callback').length === 1")
    assert app.tab.text("#callback-count") == "1"

    app.tab.click("li.callback button.callback-done")
    app.tab.wait("document.querySelectorAll('li.callback').length === 0")
    app.tab.wait("document.getElementById('callback-count').hidden")
    app.reload()  # the done mark is stored
    app.go("callbacks")
    assert app.tab.count("li.callback") == 0
    missed(app, "cb-5", "+1 555 0100")  # a new missed call after "done" is a new entry
    app.tab.wait("document.querySelectorAll('li.callback').length === 1")
    assert "1 attempt" in app.tab.text("li.callback")

    missed(app, "short-1", "12", contact={"id": 7, "name": "Front desk"})  # a number too short to dial
    short = 'li.callback[data-key="contact:7"]'
    app.tab.wait_for(short)
    assert app.tab.count(f"{short} a") == 0
    assert "No number to call" in app.tab.text(short)


def test_notes_and_disposition_are_saved_with_the_call_exported_and_searchable_and_a_long_note_is_cut(app: App):
    app.open("/#/contact")
    answered(app, "note-1", contact={"name": "Noted Person"})
    app.wait_stored("note-1", "ended")
    app.tab.wait_visible("#call-notes")
    app.tab.fill("#note", "Wants a quote for <b>20</b> seats")
    app.tab.select("#disposition", "Follow up")
    app.wait_store(lambda: ((c := app.stored("note-1"))["note"], c["disposition"]) == ("Wants a quote for <b>20</b> seats", "Follow up"),
                   "the note and disposition stored")
    app.tab.wait("document.getElementById('note-status').textContent === 'Saved.'")
    # Search finds the call by its note; the text is shown as text, never as HTML.
    app.go("calls")
    app.tab.fill("#search", "quote")
    app.tab.wait("document.querySelectorAll('li.call').length === 1")
    app.tab.fill("#search", "")
    _name, text = app.tab.download("#export-csv")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["disposition"], row["note"]) == ("Follow up", "Wants a quote for <b>20</b> seats")
    app.reload()
    app.go("contact")
    app.tab.wait("document.getElementById('note').value === 'Wants a quote for <b>20</b> seats'")
    assert app.tab.js("document.getElementById('disposition').value") == "Follow up"
    assert app.tab.count("#call-notes b") == 0
    # A note longer than the cap is cut.
    app.tab.js("() => { const n = document.getElementById('note'); n.value = 'x'.repeat(2500); n.dispatchEvent(new Event('input')); n.blur(); }")
    app.wait_store(lambda: len((app.stored("note-1") or {}).get("note", "")) == 2000, "the note stored, cut at 2,000")


def test_the_card_shows_the_callers_earlier_calls_and_a_first_time_caller(app: App):
    app.open("/#/contact")
    app.call("ringing", "h-1", external_number=NUMBER)
    app.tab.wait("document.getElementById('history-line').textContent === 'First call from this caller'")
    app.call("ended", "h-1")
    answered(app, "h-2", "0044 20 3868 0167")
    app.wait_stored("h-2", "ended")
    app.call("ringing", "h-3", external_number=NUMBER, contact={"name": "Repeat Caller"})
    app.tab.wait("document.getElementById('history-line').textContent.startsWith('2 earlier calls · last: Answered, today ')")
    assert app.tab.count("#history-list button.history-call") == 2
    assert app.tab.text("#history-list li:first-child").startswith("Answered")
    app.tab.click("#history-list li:last-child button")  # the oldest: the missed one
    app.tab.wait(f"document.querySelector('{CARD}').dataset.uuid === 'h-1'")
    # The history is drawn on the next tick, after the card (browser/history.py).
    app.tab.wait("document.getElementById('history-line').textContent === 'First call from this caller'")


def test_screen_pop_template_links_the_ringing_call_and_refuses_other_schemes(app: App):
    app.open("/#/settings")
    app.tab.fill("#set-pop", "http://crm.example/?q={number}")
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent.includes('https://')")
    assert app.tab.attr("#set-pop", "aria-invalid") == "true"
    app.tab.fill("#set-pop", POP)
    save_settings(app)
    app.call("ringing", "pop-1", external_number=NUMBER, contact={"name": "Zoë & Co"})
    expected = "https://crm.example/search?q=%2B442038680167&who=Zo%C3%AB%20%26%20Co&p=mycrm"
    app.tab.wait_visible("#incoming-pop")
    assert app.tab.attr("#incoming-pop", "href") == expected
    app.tab.wait_for(f"{CARD} a.screen-pop")
    assert app.tab.attr(f"{CARD} a.screen-pop", "href") == expected
    app.call("calling", "pop-1")
    app.tab.wait("document.getElementById('incoming').hidden")


@needs("pop-ups without a click")
def test_screen_pop_can_open_by_itself_in_one_named_window(app: App):
    app.engine.serve("crm.example", "<!doctype html><title>CRM</title><p>CRM</p>")
    app.open("/#/settings")
    app.tab.fill("#set-pop", POP)
    app.tab.check("#set-pop-auto")
    save_settings(app)
    before = len(app.engine.tabs())
    app.call("ringing", "auto-1", external_number=NUMBER)
    app.tab.wait_for(f"{CARD} a.screen-pop")
    crm = app.engine.wait_tabs(before + 1)[-1]
    crm.wait("location.href === 'https://crm.example/search?q=%2B442038680167&who=&p=mycrm'")
    assert crm.js("window.name") == "cloudtalk-screen-pop"
    assert crm.js("window.opener === null") is True


def test_today_counts_outcomes_talk_time_and_calls_per_hour(app: App):
    app.open("/#/calls")
    app.tab.wait("document.getElementById('today-chart-text').textContent === 'No calls today yet.'")
    missed(app, "t-1")
    answered(app, "t-2", "+1 555 0100")
    app.wait_stored("t-2", "ended")
    wait_today_shows(app, "2 calls", "1 Missed", "1 Answered")
    assert "talk time" in app.tab.text("#today-counts")
    assert app.tab.text("#today-chart-text").startswith("Calls per hour today: ")
    assert app.tab.text("#today-chart-text").endswith(" 2.")
    assert app.tab.count("#today-chart rect.bar") == 1


@needs("viewport emulation")
def test_at_1400_a_ringing_call_shows_the_card_with_history_beside_the_timeline(app: App):
    with app.emulating(viewport=(1400, 1000)):
        app.open("/#/calls")
        missed(app, "w-1", NUMBER, contact={"name": "Wide Caller", "company": "Acme"})
        app.wait_stored("w-1", "ended")
        app.call("ringing", "w-2", external_number=NUMBER, contact={"name": "Wide Caller", "company": "Acme"})
        app.tab.wait("document.getElementById('history-line').textContent.startsWith('1 earlier call · last: Missed')")
        for view in ("calls", "contact"):
            assert app.tab.visible(f'[data-view="{view}"]'), view
        boxes = app.tab.js(
            "['view-calls', 'view-contact', 'dock'].map(id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return [r.left, r.right, r.width]; })"
        )
        (calls_left, calls_right, _), (card_left, card_right, card_width), (_, dock_right, _) = boxes
        assert dock_right <= calls_left < calls_right <= card_left < card_right <= 1400  # side by side, all on screen
        assert card_width >= 320
        wait_today_shows(app, "2 calls", "1 Missed", "1 in progress")
        shot(app.tab, "workspace-1400-ringing")


@needs("viewport emulation")
def test_below_1200_one_view_shows_at_a_time(app: App):
    with app.emulating(viewport=(1000, 900)):
        app.open("/#/calls")
        app.call("ringing", "n-1", external_number=NUMBER)
        app.tab.wait("location.hash === '#/contact'")
        assert not app.tab.visible('[data-view="calls"]')
        app.go("callbacks")
        assert not app.tab.visible('[data-view="contact"]')


def test_a_second_tab_sees_notes_and_done_marks(app: App):
    app.open("/#/contact")
    missed(app, "two-1")
    app.wait_stored("two-1", "ended")
    other = App(app.engine, app.base).open("/#/callbacks")
    other.tab.wait_for("li.callback")
    app.tab.fill("#note", "Call after 5")
    app.tab.js("document.getElementById('note').blur()")
    app.wait_stored("two-1", "ended")
    other.wait_store(lambda: (other.stored("two-1") or {}).get("note") == "Call after 5", "the note stored")
    other.go("calls")
    other.tab.fill("#search", "after 5")
    other.tab.wait("document.querySelectorAll('li.call').length === 1")
    app.go("callbacks")
    app.tab.click("li.callback button.callback-done")
    other.go("callbacks")
    other.tab.wait("document.querySelectorAll('li.callback').length === 0")
