"""The app as a user sees it: contact card, timeline, outcomes, views, persistence, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.unit.messages import sample_text

from .conftest import App, shot

SAMPLE_UUID = "12345678-1234-1234-123a-012345a6789b"


def test_the_guides_sample_ringing_payload_reaches_the_card_and_the_timeline(app: App):
    app.open()
    app.send(sample_text())
    card = app.page.get_by_role("region", name="Contact card")
    card.get_by_text("John Doe").wait_for()
    assert app.page.evaluate("location.hash") == "#/contact"
    assert card.get_by_text("Company Inc.").is_visible()
    assert card.locator('a[href="tel:+442038680167"]').count() == 1
    assert card.locator('a[href^="mailto:"]').count() == 2
    assert card.locator(".chip").all_inner_texts() == ["VIP", "Europe"]
    crm = card.get_by_role("link", name="Open in mycrm")
    assert crm.get_attribute("href") == "https://mycrm.io/contact/123"
    assert crm.get_attribute("rel") == "noopener noreferrer"
    assert app.page.locator("#announcer").inner_text() == "Incoming call — John Doe"
    assert app.page.title() in ("Incoming call — John Doe", "CloudTalk Phone")
    shot(app.page, "ringing-light")

    app.page.get_by_role("link", name="Calls").click()
    item = app.item(SAMPLE_UUID)
    assert item.get_attribute("data-state") == "ringing"
    assert "John Doe" in item.inner_text() and "+44 20 3868 0167" in item.inner_text()
    assert "Inbound" in item.inner_text()


OUTCOME_PATHS = [
    ("in-answered-you", ["ringing", "calling", "hangup", "ended"], "Answered", "you hung up"),
    ("in-answered-they", ["ringing", "calling", "ended"], "Answered", "they hung up"),
    ("in-missed", ["ringing", "ended"], "Missed", None),
    ("in-declined", ["ringing", "hangup", "ended"], "Declined", None),
    ("out-answered", ["dialing", "calling", "ended"], "Answered", "they hung up"),
    ("out-no-answer", ["dialing", "ended"], "No answer", None),
    ("out-cancelled", ["dialing", "hangup", "ended"], "Cancelled", None),
]


def test_every_outcome_path_is_labelled_in_the_timeline(app: App):
    app.open("/#/calls")
    for uuid, events, _, _ in OUTCOME_PATHS:
        for event in events:
            app.call(event, uuid, external_number="+1 555 0100")
    app.settle()
    app.page.goto(app.base + "/#/calls")  # ringing brought the contact view forward
    for uuid, _, outcome, hung_up in OUTCOME_PATHS:
        item = app.item(uuid)
        assert item.get_attribute("data-outcome") == outcome, uuid
        text = item.inner_text()
        assert outcome in text
        if hung_up:
            assert hung_up in text
    order = app.page.locator("li.call").evaluate_all("items => items.map(i => i.dataset.uuid)")
    assert order == [u for u, *_ in reversed(OUTCOME_PATHS)]
    # the outcome filter
    app.page.select_option("#outcome-filter", "Answered")
    assert app.page.locator("li.call").count() == 3
    app.page.select_option("#outcome-filter", "")
    app.page.fill("#search", "no-match-at-all")
    assert app.page.locator("li.call").count() == 0


def test_steps_are_listed_with_times_and_expand(app: App):
    app.open("/#/calls")
    for event in ["dialing", "calling", "hangup", "ended"]:
        app.call(event, "steps-1")
    app.settle()
    item = app.item("steps-1")
    item.locator("summary").click()
    steps = item.locator("details ol li").all_inner_texts()
    assert [s.split(" · ")[1] for s in steps] == ["dialing", "calling", "hangup", "ended"]


def test_contact_info_updates_the_card_live(app: App):
    app.open()
    app.call("ringing", "live-1", external_number="+420 111", contact={"name": "Old Name", "tags": ["A"]})
    card = app.page.get_by_role("region", name="Contact card")
    card.get_by_text("Old Name").wait_for()
    app.call("contact_info", "live-1", contact={"name": "New Name", "company": "Acme", "tags": ["A", "B"]})
    card.get_by_text("New Name").wait_for()
    assert card.locator(".chip").all_inner_texts() == ["A", "B"]


def test_an_unknown_caller_shows_the_number(app: App):
    app.open()
    app.call("ringing", "unknown-1", external_number="+421 900 000 000")
    card = app.page.get_by_role("region", name="Contact card")
    card.get_by_text("Unknown caller").wait_for()
    assert card.locator('a[href="tel:+421900000000"]').count() == 1


def test_selecting_a_call_in_the_timeline_shows_its_contact_and_stays_selected(app: App):
    app.open("/#/calls")
    app.call("ringing", "a", contact={"name": "Alice"})
    app.call("ended", "a")
    app.call("dialing", "b", contact={"name": "Bob"})
    app.settle()
    app.page.goto(app.base + "/#/calls")
    app.item("a").locator("button.call-open").click()
    assert app.page.evaluate("location.hash") == "#/contact"
    app.page.get_by_role("region", name="Contact card").get_by_text("Alice").wait_for()
    # The selection stays when the list is filtered and cleared (the page is re-rendered).
    app.page.goto(app.base + "/#/calls")
    app.page.fill("#search", "Bob")
    app.page.fill("#search", "")
    app.page.wait_for_function("document.querySelectorAll('li.call').length === 2")
    assert [app.page.locator("li.call.selected").get_attribute("data-uuid")] == ["a"]


def test_back_returns_to_the_view_a_ringing_call_switched_away_from(app: App):
    app.open("/#/settings")
    app.call("ringing", "back-1", contact={"name": "Grace"})
    app.page.locator('[data-view="contact"]').wait_for(state="visible")
    assert app.page.evaluate("location.hash") == "#/contact"
    app.page.go_back()
    app.page.locator('[data-view="settings"]').wait_for(state="visible")
    assert app.page.locator('[data-view="contact"]').is_hidden()
    assert app.page.locator('nav a[aria-current="page"]').get_attribute("data-route") == "settings"


def test_switching_views_never_reloads_or_moves_the_phone(app: App):
    app.open()
    app.page.evaluate("window.__phone = document.getElementById('phone')")
    for name in ["Contact", "Settings", "Diagnostics", "Calls", "Contact"]:
        app.page.locator(f'nav a[data-route="{name.lower()}"]').click()
        app.page.locator(f'[data-view="{name.lower()}"]').wait_for(state="visible")
    app.page.click("#dock-toggle")  # minimise
    app.page.click("#dock-toggle")  # maximise
    assert app.page.evaluate("window.__phone === document.getElementById('phone') && document.contains(window.__phone)")
    assert app.phone_frame.evaluate("window.loads") == 1
    assert len(app.phone.loads) == 1
    iframe = app.page.locator("#phone")
    assert iframe.get_attribute("allow") == "microphone *"
    assert iframe.get_attribute("src") == "https://phone.cloudtalk.io/?partner=mycrm"
    box = iframe.bounding_box()
    assert box["width"] >= 420 and box["height"] >= 700


def test_a_reload_keeps_the_call_log(app: App):
    app.open("/#/calls")
    app.call("ringing", "keep-1", contact={"name": "Kept"})
    app.call("ended", "keep-1")
    app.settle()
    app.page.reload()
    app.wait_ready()
    item = app.item("keep-1")
    assert item.get_attribute("data-outcome") == "Missed"
    assert "Kept" in item.inner_text()


def test_exports_contain_every_call(app: App):
    app.open("/#/calls")
    app.call("ringing", "exp-1", external_number="+44 1", contact={"name": "Exported"})
    app.call("calling", "exp-1")
    app.call("ended", "exp-1")
    app.call("dialing", "exp-2", external_number="+44 2")
    app.settle()
    app.page.goto(app.base + "/#/calls")
    with app.page.expect_download() as download:
        app.page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert [(r["call_uuid"], r["outcome"], r["name"]) for r in rows] == [("exp-2", "", ""), ("exp-1", "Answered", "Exported")]
    with app.page.expect_download() as download:
        app.page.click("#export-json")
    document = json.loads(download.value.path().read_text())
    assert [c["uuid"] for c in document["calls"]] == ["exp-2", "exp-1"]
    assert document["calls"][1]["summary"]["hung_up_by"] == "they"


def test_clear_history_asks_first(app: App):
    app.open("/#/calls")
    app.call("ringing", "gone-1")
    app.settle()
    app.page.goto(app.base + "/#/calls")
    app.page.click("#clear-history")
    app.page.get_by_role("button", name="Cancel").click()
    assert app.item("gone-1").count() == 1
    app.page.click("#clear-history")
    app.page.locator("dialog").get_by_role("button", name="Clear history").click()
    app.page.wait_for_function("document.querySelectorAll('li.call').length === 0")
    app.page.reload()
    app.wait_ready()
    assert app.page.locator("li.call").count() == 0


def test_accepted_events_are_redispatched_for_host_javascript(app: App):
    app.open()
    app.page.evaluate("window.__seen = []; for (const e of ['ringing','ended']) addEventListener('cloudtalk:' + e, (ev) => __seen.push(ev.detail))")
    app.send(sample_text())
    app.call("ended", SAMPLE_UUID)
    app.settle()
    seen = app.page.evaluate("window.__seen")
    assert [s["event"] for s in seen] == ["ringing", "ended"]
    assert seen[0]["properties"]["contact"]["name"] == "John Doe"


def test_partner_comes_from_the_url_and_a_bad_one_is_reported(app: App):
    app.open("/?partner=acme_crm-2")
    assert app.page.locator("#phone").get_attribute("src") == "https://phone.cloudtalk.io/?partner=acme_crm-2"
    app.open("/?partner=bad%20id!")
    assert app.page.locator("#phone").get_attribute("src") == "https://phone.cloudtalk.io/?partner=mycrm"
    assert "Ignored ?partner=" in app.page.locator("#notice").inner_text()


def test_settings_persist_and_turn_off_showing_the_contact(app: App):
    app.open("/#/settings")
    app.page.uncheck("#set-show-contact")
    app.page.get_by_role("button", name="Save settings").click()
    app.page.get_by_text("Saved.").wait_for()
    app.page.reload()
    app.wait_ready()
    assert not app.page.is_checked("#set-show-contact")
    app.page.goto(app.base + "/#/calls")
    app.call("ringing", "quiet-1")
    app.settle()
    assert app.page.evaluate("location.hash") == "#/calls"


def test_a_bad_partner_in_settings_is_refused_with_a_reason(app: App):
    app.open("/#/settings")
    app.page.fill("#set-partner", "not valid!")
    app.page.get_by_role("button", name="Save settings").click()
    assert "Not saved" in app.page.locator("#settings-status").inner_text()
    assert app.page.get_attribute("#set-partner", "aria-invalid") == "true"


@pytest.mark.parametrize(
    ("name", "scheme", "viewport"),
    [("dark", "dark", {"width": 1280, "height": 900}), ("mobile", "light", {"width": 390, "height": 844})],
)
def test_screenshots_of_a_ringing_call(browser, site, phone, name, scheme, viewport):
    from .conftest import PHONE_ORIGIN

    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    context.route(f"{PHONE_ORIGIN}/**", phone)
    app = App(context.new_page(), site, phone)
    app.open()
    app.send(sample_text())
    app.page.get_by_role("region", name="Contact card").get_by_text("John Doe").wait_for()
    shot(app.page, f"ringing-{name}")
    assert app.errors == []
    context.close()


def test_a_live_update_keeps_keyboard_focus_and_open_steps(app: App):
    app.open()
    app.call("dialing", "focus-1", contact={"name": "Focus"})
    app.settle()
    app.page.goto(app.base + "/#/calls")
    item = app.item("focus-1")
    item.locator("summary").click()
    item.locator("button.call-open").focus()
    app.call("calling", "focus-1")
    app.call("ended", "focus-1")
    app.settle()
    assert item.get_attribute("data-outcome") == "Answered"
    assert app.page.evaluate("document.activeElement.closest('li.call')?.dataset.uuid") == "focus-1"
    assert item.locator("details").get_attribute("open") is not None
    assert item.locator("details ol li").count() == 3


def test_a_long_history_renders_one_page_and_more_on_demand(app: App):
    app.open("/#/calls")
    app.page.evaluate(
        """(n) => { for (let i = 0; i < n; i++) localStorage.setItem('cloudtalk:v1:call:h' + i, JSON.stringify({uuid: 'h' + i,
            state: 'ended', direction: 'outbound', external_number: '+1 555 ' + i, internal_number: null, contact: null,
            steps: [['dialing', 1000 + i], ['ended', 1010 + i]], answered_at: null, hangup_at: null, ended_at: 1010 + i})); }""",
        120,
    )
    app.page.reload()
    app.wait_ready()
    assert app.page.locator("li.call").count() == 50
    assert app.page.locator("#timeline-count").inner_text() == "120 calls"
    assert app.page.locator("li.call").first.get_attribute("data-uuid") == "h119"
    app.page.get_by_role("button", name="Show more (70 older)").click()
    app.page.wait_for_function("document.querySelectorAll('li.call').length === 100")
    app.page.fill("#search", "555 7")
    # digits match across spaces: +1 555 7, +1 555 70-79, and +1 555 57 (its digits 155557 hold 5557)
    app.page.wait_for_function("document.querySelectorAll('li.call').length === 12")
    assert app.page.locator("#timeline-count").inner_text() == "12 matching"


def test_odd_fields_cost_nothing_the_card_shows_tag_names_from_tag_objects(app: App):
    app.open("/#/calls")
    app.call("ringing", "odd-1", external_number=442038680167, contact={
        "name": "Odd Fields", "company": "C" * 3000, "tags": [{"id": 1, "name": "VIP"}, {"id": 2, "name": "Europe"}],
        "contact_numbers": [442038680167], "contact_emails": "odd@example.com",
        "external_urls": [{"external_system": "mycrm", "external_url": None}, {"external_system": "wiki", "external_url": "https://wiki.example/odd"}],
    })
    app.send(json.dumps({"event": "contact_info", "properties": {"call_uuid": 77, "contact": {"tags": None, "name": "Integer Id"}}}))
    app.send(json.dumps({"event": "ringing", "properties": {"call_uuid": "odd-2", "contact": "not an object"}}))
    card = app.page.get_by_role("region", name="Contact card")
    card.get_by_text("Unknown caller").wait_for()  # odd-2 rang last: its card shows
    app.page.goto(app.base + "/#/calls")
    app.item("odd-1").locator("button.call-open").click()
    card.get_by_text("Odd Fields").wait_for()
    assert card.locator(".chip").all_inner_texts() == ["VIP", "Europe"]
    company = card.locator(".company").inner_text()
    assert len(company) == 200 and company.endswith("…")
    assert card.locator('a[href="tel:442038680167"]').count() == 1
    assert card.locator('a[href="mailto:odd@example.com"]').count() == 1
    assert card.get_by_role("link", name="wiki").get_attribute("href") == "https://wiki.example/odd"
    app.page.goto(app.base + "/#/calls")
    assert "Integer Id" in app.item("77").inner_text()
    assert app.item("odd-2").get_attribute("data-state") == "ringing"
    app.page.goto(app.base + "/#/diagnostics")
    diagnostics = app.page.locator("#diagnostics").inner_text()
    assert 'properties.contact.tags[0]: object → "VIP"' in diagnostics
    assert "properties.contact: text → ignored" in diagnostics
    assert app.page.locator("#diag-count").is_hidden()
