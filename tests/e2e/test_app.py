"""The app as a user sees it: contact card, timeline, outcomes, views, persistence, exports."""

from __future__ import annotations

import csv
import io
import json

from tests.unit.messages import sample_text

from .conftest import App, needs, shot

SAMPLE_UUID = "12345678-1234-1234-123a-012345a6789b"
CARD = "#contact-card"


def test_the_guides_sample_ringing_payload_reaches_the_card_and_the_timeline_and_the_host_pages_javascript(app: App):
    app.open()
    app.tab.js("() => { window.__seen = []; for (const e of ['ringing','ended']) addEventListener('cloudtalk:' + e, (ev) => __seen.push(ev.detail)); }")
    app.send(sample_text())
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'John Doe'")
    app.tab.wait("!document.querySelector('[data-view=\"contact\"]').hidden")  # beside the timeline from 1200 px
    assert "Company Inc." in app.tab.text(CARD)
    assert app.tab.count(f'{CARD} a[href="tel:+442038680167"]') == 1
    assert app.tab.count(f'{CARD} a[href^="mailto:"]') == 2
    assert app.tab.js(f"[...document.querySelectorAll('{CARD} .chip')].map(c => c.textContent)") == ["VIP", "Europe"]
    crm = f'{CARD} a.primary[href="https://mycrm.io/contact/123"]'
    assert app.tab.text(crm) == "Open in mycrm" and app.tab.attr(crm, "rel") == "noopener noreferrer"
    assert app.tab.text("#announcer") == "Incoming call — John Doe"
    # the tab title flashes: the caller's name, then the page's own title, while it rings
    app.tab.wait("document.title === 'Incoming call — John Doe'")
    app.tab.wait("document.title === 'CloudTalk Phone'")
    app.tab.wait("document.title === 'Incoming call — John Doe'")
    shot(app.tab, "ringing-light")
    app.tab.click('nav a[data-route="calls"]')
    item = app.item(SAMPLE_UUID)
    app.tab.wait_visible(item)
    assert app.tab.attr(item, "data-state") == "ringing"
    text = app.tab.text(item)
    assert "John Doe" in text and "+44 20 3868 0167" in text and "Inbound" in text
    app.call("ended", SAMPLE_UUID)
    app.tab.wait("document.title === 'CloudTalk Phone' && document.getElementById('incoming').hidden")
    # Each accepted event is dispatched again on the page, for a host page's own JavaScript.
    seen = app.tab.wait("window.__seen.length === 2 && window.__seen")
    assert [s["event"] for s in seen] == ["ringing", "ended"]
    assert seen[0]["properties"]["contact"]["name"] == "John Doe"


OUTCOME_PATHS = [
    ("in-answered-you", ["ringing", "calling", "hangup", "ended"], "Answered", "you hung up"),
    ("in-answered-they", ["ringing", "calling", "ended"], "Answered", "they hung up"),
    ("in-missed", ["ringing", "ended"], "Missed", None),
    ("in-declined", ["ringing", "hangup", "ended"], "Declined", None),
    ("out-answered", ["dialing", "calling", "ended"], "Answered", "they hung up"),
    ("out-no-answer", ["dialing", "ended"], "No answer", None),
    ("out-cancelled", ["dialing", "hangup", "ended"], "Cancelled", None),
]


def test_every_outcome_path_is_labelled_in_the_timeline_and_its_steps_expand(app: App):
    app.open("/#/calls")
    for uuid, events, _, _ in OUTCOME_PATHS:
        for event in events:
            app.call(event, uuid, external_number="+1 555 0100")
    for uuid, _, outcome, _ in OUTCOME_PATHS:
        app.wait_item(uuid, outcome=outcome)
    app.go("calls")  # ringing brought the contact view forward
    for uuid, _, outcome, hung_up in OUTCOME_PATHS:
        text = app.tab.text(app.item(uuid))
        assert outcome in text
        if hung_up:
            assert hung_up in text
    order = app.tab.js("[...document.querySelectorAll('li.call')].map(i => i.dataset.uuid)")
    assert order == [u for u, *_ in reversed(OUTCOME_PATHS)]
    app.tab.select("#outcome-filter", "Answered")
    app.tab.wait("document.querySelectorAll('li.call').length === 3")
    app.tab.select("#outcome-filter", "")
    app.tab.fill("#search", "no-match-at-all")
    app.tab.wait("document.querySelectorAll('li.call').length === 0")
    app.tab.wait("document.getElementById('timeline-count').textContent === '0 matching'")
    # A call's steps are listed with their times, and expand.
    app.tab.fill("#search", "")
    app.tab.click(f"{app.item('in-answered-you')} summary")
    app.tab.wait_visible(f"{app.item('in-answered-you')} details ol li")
    steps = app.tab.js(f"[...document.querySelectorAll('{app.item('in-answered-you')} details ol li')].map(li => li.textContent)")
    assert [s.split(" · ")[1] for s in steps] == ["ringing", "calling", "hangup", "ended"]


def test_an_unknown_caller_shows_the_number_and_contact_info_updates_the_card_live(app: App):
    app.open()
    app.call("ringing", "unknown-1", external_number="+421 900 000 000")
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'Unknown caller'")
    assert app.tab.count(f'{CARD} a[href="tel:+421900000000"]') == 1
    app.call("ended", "unknown-1")
    app.call("ringing", "live-1", external_number="+420 111", contact={"name": "Old Name", "tags": ["A"]})
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'Old Name'")
    app.call("contact_info", "live-1", contact={"name": "New Name", "company": "Acme", "tags": ["A", "B"]})
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'New Name'")
    assert app.tab.js(f"[...document.querySelectorAll('{CARD} .chip')].map(c => c.textContent)") == ["A", "B"]


def test_selecting_a_call_in_the_timeline_shows_its_contact_and_stays_selected(app: App):
    app.open("/#/calls")
    app.call("ringing", "a", contact={"name": "Alice"})
    app.call("ended", "a")
    app.call("dialing", "b", contact={"name": "Bob"})
    app.wait_item("a", outcome="Missed")
    app.wait_item("b", state="dialing")
    app.go("calls")
    app.tab.click(f"{app.item('a')} button.call-open")
    app.tab.wait("location.hash === '#/contact'")
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'Alice'")
    # The selection stays when the list is filtered and cleared (the page is re-rendered).
    app.go("calls")
    app.tab.fill("#search", "Bob")
    app.tab.wait("document.querySelectorAll('li.call').length === 1")
    app.tab.fill("#search", "")
    app.tab.wait("document.querySelectorAll('li.call').length === 2")
    assert app.tab.js("[...document.querySelectorAll('li.call.selected')].map(i => i.dataset.uuid)") == ["a"]


def test_back_returns_to_the_view_a_ringing_call_switched_away_from(app: App):
    app.open("/#/calls")
    # The agent goes to Settings with a click. (That click matters in WebKit and Chromium alike: Back skips
    # history entries that a page made before anyone interacted with it.)
    app.tab.click('nav a[data-route="settings"]')
    app.tab.wait("location.hash === '#/settings'")
    app.call("ringing", "back-1", contact={"name": "Grace"})
    app.tab.wait("location.hash === '#/contact' && !document.querySelector('[data-view=\"contact\"]').hidden")
    app.tab.back()
    app.tab.wait("!document.querySelector('[data-view=\"settings\"]').hidden")
    assert not app.tab.visible('[data-view="contact"]')
    assert app.tab.attr('nav a[aria-current="page"]', "data-route") == "settings"


def test_switching_views_never_reloads_or_moves_the_phone(app: App):
    app.open()
    app.tab.js("window.__phone = document.getElementById('phone')")
    for name in ["contact", "settings", "diagnostics", "calls", "contact"]:
        app.tab.click(f'nav a[data-route="{name}"]')
        app.tab.wait_visible(f'[data-view="{name}"]')
    app.tab.click("#dock-toggle")  # minimise
    app.tab.wait("document.getElementById('dock').classList.contains('minimised')")
    app.tab.click("#dock-toggle")  # maximise
    app.tab.wait("!document.getElementById('dock').classList.contains('minimised')")
    assert app.tab.js("window.__phone === document.getElementById('phone') && document.contains(window.__phone)")
    assert app.phone.js("window.loads") == 1
    assert len(app.phone_loads()) == 1
    assert app.tab.attr("#phone", "allow") == "microphone *"
    assert app.tab.attr("#phone", "src") == "https://phone.cloudtalk.io/?partner=mycrm"
    box = app.tab.js("(() => { const r = document.getElementById('phone').getBoundingClientRect(); return [r.width, r.height]; })()")
    assert box[0] >= 420 and box[1] >= 700


def test_a_reload_keeps_the_call_log_and_the_settings(app: App):
    app.open("/#/settings")
    app.call("ringing", "keep-1", contact={"name": "Kept"})
    app.call("ended", "keep-1")
    app.wait_stored("keep-1", "ended")
    app.go("settings")  # ringing brought the contact forward
    app.tab.check("#set-show-contact", False)
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent === 'Saved.'")
    app.reload()
    assert app.tab.attr(app.item("keep-1"), "data-outcome") == "Missed"
    assert "Kept" in app.tab.text(app.item("keep-1"))
    assert app.tab.js("document.getElementById('set-show-contact').checked") is False
    assert app.tab.js("document.getElementById('set-maximise').checked") is True


def test_exports_contain_every_call(app: App):
    app.open("/#/calls")
    app.call("ringing", "exp-1", external_number="+44 1", contact={"name": "Exported"})
    app.call("calling", "exp-1")
    app.call("ended", "exp-1")
    app.call("dialing", "exp-2", external_number="+44 2")
    app.wait_item("exp-2", state="dialing")
    app.go("calls")
    name, text = app.tab.download("#export-csv")
    assert name.startswith("cloudtalk-calls-") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["call_uuid"], r["outcome"], r["name"]) for r in rows] == [("exp-2", "", ""), ("exp-1", "Answered", "Exported")]
    name, text = app.tab.download("#export-json")
    assert name.endswith(".json")
    document = json.loads(text)
    assert [c["uuid"] for c in document["calls"]] == ["exp-2", "exp-1"]
    assert document["calls"][1]["summary"]["hung_up_by"] == "they"


def test_clear_history_asks_first(app: App):
    app.open("/#/calls")
    app.call("ringing", "gone-1")
    app.wait_item("gone-1", state="ringing")
    app.go("calls")
    app.tab.click("#clear-history")
    app.tab.click('#confirm-clear button[value="cancel"]')
    app.tab.wait("!document.getElementById('confirm-clear').open")
    assert app.tab.count(app.item("gone-1")) == 1
    app.tab.click("#clear-history")
    app.tab.click('#confirm-clear button[value="clear"]')
    app.tab.wait("document.querySelectorAll('li.call').length === 0")
    app.reload()
    assert app.tab.count("li.call") == 0


def test_partner_comes_from_the_url_and_a_bad_one_is_reported(app: App):
    app.open("/?partner=acme_crm-2")
    assert app.tab.attr("#phone", "src") == "https://phone.cloudtalk.io/?partner=acme_crm-2"
    app.open("/?partner=bad%20id!")
    assert app.tab.attr("#phone", "src") == "https://phone.cloudtalk.io/?partner=mycrm"
    assert "Ignored ?partner=" in app.tab.text("#notice")


def visible_views(app: App) -> list[str]:
    return app.tab.js("[...document.querySelectorAll('[data-view]')].filter(v => !v.hidden).map(v => v.dataset.view)")


@needs("viewport emulation")
def test_the_show_contact_setting_decides_whether_a_ringing_call_brings_the_card_forward(app: App):
    # Below 1200 px one view shows at a time, so bringing the card forward replaces the timeline: the
    # setting's effect shows. (Wider, the card sits beside the timeline whatever the setting.)
    with app.emulating(viewport=(900, 900)):
        app.open("/#/calls")
        app.call("ringing", "loud-1", contact={"name": "Brought forward"})
        app.tab.wait("location.hash === '#/contact'")
        assert visible_views(app) == ["contact"]
        app.call("ended", "loud-1")
        app.go("settings")
        app.tab.check("#set-show-contact", False)
        app.tab.click("#settings-form button[type=submit]")
        app.tab.wait("document.getElementById('settings-status').textContent === 'Saved.'")
        app.go("calls")
        app.call("ringing", "quiet-1")
        app.wait_item("quiet-1", state="ringing")  # handled: the item is there
        assert app.tab.js("location.hash") == "#/calls"
        assert visible_views(app) == ["calls"]


def test_a_bad_partner_in_settings_is_refused_with_a_reason(app: App):
    app.open("/#/settings")
    app.tab.fill("#set-partner", "not valid!")
    app.tab.click("#settings-form button[type=submit]")
    app.tab.wait("document.getElementById('settings-status').textContent.startsWith('Not saved')")
    assert app.tab.attr("#set-partner", "aria-invalid") == "true"


@needs("colour-scheme emulation", "viewport emulation")
def test_screenshots_of_a_ringing_call_at_three_widths_in_both_themes(app: App):
    """tests/artifacts/ringing-<width>-<theme>-chromium.png, for people to look at (docs/ holds a copy). The
    themes are CSS alone (prefers-color-scheme), so each width's page is shot light, then switched to dark as
    the system's setting would switch it."""
    for width, height in [(1920, 1080), (1400, 1000), (390, 844)]:
        with app.emulating(viewport=(width, height), scheme="light"):
            app.open("/#/calls")
            app.call("ringing", "earlier", external_number="+1 (555) 0100", contact={"id": 1234, "name": "John Doe"})
            app.call("ended", "earlier")
            app.call("dialing", "other", external_number="+421 2 1234 5678", contact={"name": "Jana Nováková"})
            app.call("calling", "other")
            app.call("ended", "other")
            app.send(sample_text())
            app.tab.wait("document.getElementById('history-line').textContent.startsWith('1 earlier call')")
            app.tab.wait("document.querySelector('#today-chart rect.bar') !== null")
            for scheme in ("light", "dark"):
                app.tab.page.emulate_media(color_scheme=scheme)  # type: ignore[attr-defined]  # Chromium's page (@needs)
                app.tab.wait("(s) => matchMedia(`(prefers-color-scheme: ${s})`).matches", scheme)
                shot(app.tab, f"ringing-{width}-{scheme}")
                app.check_clean()


def test_a_live_update_keeps_keyboard_focus_and_open_steps(app: App):
    app.open()
    app.call("dialing", "focus-1", contact={"name": "Focus"})
    app.wait_item("focus-1", state="dialing")
    app.go("calls")
    item = app.item("focus-1")
    app.tab.click(f"{item} summary")
    app.tab.js(f"document.querySelector('{item} button.call-open').focus()")
    app.call("calling", "focus-1")
    app.call("ended", "focus-1")
    app.wait_item("focus-1", outcome="Answered")
    assert app.tab.js("document.activeElement.closest('li.call')?.dataset.uuid") == "focus-1"
    assert app.tab.attr(f"{item} details", "open") is not None
    assert app.tab.count(f"{item} details ol li") == 3


def test_a_long_history_renders_one_page_and_goes_through_every_call_by_keyboard(app: App):
    seed_older_version_calls(app, 260)
    app.reload()
    assert app.stored_count("h") == 260, "moved into the browser's database"
    assert app.tab.js("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v1:')).length") == 0
    assert app.tab.count("li.call") == 50
    app.tab.wait("document.getElementById('timeline-count').textContent === '260 calls'")  # the store's count follows the page
    assert app.tab.js("document.querySelector('li.call').dataset.uuid") == "h259"
    assert app.tab.text("#timeline-more") == "Show more (210 older)"
    app.tab.click("#timeline-more")  # (a driver scrolls the button into view to click it: more may follow, by scroll)
    app.tab.wait("document.querySelectorAll('li.call').length >= 100")
    app.tab.fill("#search", "555 7")
    # digits match across spaces: +1 555 7, +1 555 70-79, and +1 555 57 (its digits 155557 hold 5557)
    app.tab.wait("document.querySelectorAll('li.call').length === 12")
    app.tab.wait("document.getElementById('timeline-count').textContent === '12 matching'")
    app.tab.fill("#search", "")
    app.tab.wait("document.querySelectorAll('li.call').length === 50")
    # By keyboard: from the newest call to the oldest and back, each focused call on the screen.
    focused = "document.activeElement?.closest('li.call')?.dataset.uuid"
    on_screen = ("(() => { const box = document.activeElement.getBoundingClientRect();"
                 " return box.top >= 0 && box.bottom <= window.innerHeight; })()")
    app.tab.js("document.querySelector('li.call button.call-open').focus()")
    for key, uuid in (("ArrowDown", "h258"), ("PageDown", "h248"), ("End", "h0"), ("ArrowUp", "h1"), ("PageUp", "h11"),
                      ("Home", "h259")):
        app.tab.press(key)
        app.tab.wait(f"(uuid) => {focused} === uuid", uuid)
        assert app.tab.js(on_screen), f"{key}: {uuid} is on the screen"
        assert app.tab.count("li.call") <= 200, key
    app.check_accessibility("the timeline scrolled by keyboard")


def seed_older_version_calls(app: App, n: int) -> None:
    """n calls an older version stored in localStorage, h0 the oldest: the app moves them into its database at the
    next start."""
    app.open("/#/calls")
    # stored by the previous schema: the app migrates them as it loads them
    app.tab.js(
        """(n) => { for (let i = 0; i < n; i++) localStorage.setItem('cloudtalk:v1:call:h' + i, JSON.stringify({uuid: 'h' + i,
            state: 'ended', direction: 'outbound', external_number: '+1 555 ' + i, internal_number: null, contact: null,
            steps: [['dialing', 1000 + i], ['ended', 1010 + i]], answered_at: null, hangup_at: null, ended_at: 1010 + i})); }""",
        n,
    )


@needs("rendering steps")
def test_the_timeline_scrolled_by_mouse_reads_a_page_as_an_end_nears_and_lets_the_far_calls_go(app: App):
    seed_older_version_calls(app, 260)
    app.reload()
    app.tab.wait("document.getElementById('timeline-count').textContent === '260 calls'")
    # Scrolled to the end, a page comes as the list's end nears the screen; the calls far above it are let go.
    first, last = "document.querySelector('li.call')?.dataset.uuid", "document.querySelector('li.call:last-child')?.dataset.uuid"
    for _page in range(6):
        if app.tab.js(last) == "h0":
            break
        was = app.tab.js(last)  # read first: a page may come before the next command
        app.tab.js("window.scrollTo(0, document.documentElement.scrollHeight)")
        app.tab.wait(f"(was) => {last} !== was", was)
    assert app.tab.js(last) == "h0", "the oldest call reached"
    assert app.tab.count("li.call") <= 200, "a window of the history is drawn, not all of it"
    assert app.tab.js(first) != "h259" and app.tab.text("#timeline-newer").startswith("Show newer (")
    for _page in range(6):
        if app.tab.js(first) == "h259":
            break
        was = app.tab.js(first)
        app.tab.js("window.scrollTo(0, 0)")
        app.tab.wait(f"(was) => {first} !== was", was)
    assert app.tab.js(first) == "h259" and not app.tab.visible("#timeline-newer")


def test_odd_fields_cost_nothing_the_card_shows_tag_names_from_tag_objects(app: App):
    app.open("/#/calls")
    app.call("ringing", "odd-1", external_number=442038680167, contact={
        "name": "Odd Fields", "company": "C" * 3000, "tags": [{"id": 1, "name": "VIP"}, {"id": 2, "name": "Europe"}],
        "contact_numbers": [442038680167], "contact_emails": "odd@example.com",
        "external_urls": [{"external_system": "mycrm", "external_url": None}, {"external_system": "wiki", "external_url": "https://wiki.example/odd"}],
    })
    app.send(json.dumps({"event": "contact_info", "properties": {"call_uuid": 77, "contact": {"tags": None, "name": "Integer Id"}}}))
    app.send(json.dumps({"event": "ringing", "properties": {"call_uuid": "odd-2", "contact": "not an object"}}))
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'Unknown caller'")  # odd-2 rang last
    app.go("calls")
    app.tab.click(f"{app.item('odd-1')} button.call-open")
    app.tab.wait(f"document.querySelector('{CARD} .contact-name')?.textContent === 'Odd Fields'")
    assert app.tab.js(f"[...document.querySelectorAll('{CARD} .chip')].map(c => c.textContent)") == ["VIP", "Europe"]
    company = app.tab.js(f"document.querySelector('{CARD} .company').textContent")
    assert len(company) == 200 and company.endswith("…")
    assert app.tab.count(f'{CARD} a[href="tel:442038680167"]') == 1
    assert app.tab.count(f'{CARD} a[href="mailto:odd@example.com"]') == 1
    assert app.tab.text(f'{CARD} a[href="https://wiki.example/odd"]') == "wiki"
    app.go("calls")
    assert "Integer Id" in app.tab.text(app.item("77"))
    assert app.tab.attr(app.item("odd-2"), "data-state") == "ringing"
    reasons = [e["reason"] for e in app.diagnostics() if e["kind"] == "corrected"]
    assert 'properties.contact.tags[0]: object → "VIP"' in reasons
    assert "properties.contact: text → ignored" in reasons
    assert not app.tab.visible("#diag-count")
