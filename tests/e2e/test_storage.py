"""No data loss: a reload mid-call, a page killed mid-burst, a full store, corrupt records, two tabs."""

from __future__ import annotations

import json

from .conftest import App


def test_a_call_in_progress_is_still_tracked_after_a_reload(app: App):
    app.open("/#/calls")
    app.call("ringing", "reload-1", contact={"name": "Reloaded"})
    app.call("calling", "reload-1")
    app.wait_stored("reload-1", "on_call")
    app.reload()
    assert app.tab.attr(app.item("reload-1"), "data-state") == "on_call"
    app.call("hangup", "reload-1")
    app.call("ended", "reload-1")
    app.wait_item("reload-1", outcome="Answered")
    assert "you hung up" in app.tab.text(app.item("reload-1"))


def test_a_page_killed_mid_burst_leaves_only_whole_records(app: App):
    app.open("/#/calls")
    app.phone.js(
        "() => { for (let i = 0; i < 400; i++) window.send({event: i % 2 ? 'ended' : 'ringing', properties: {call_uuid: 'kill-' + (i >> 1)}}); }"
    )
    app.tab.wait("Object.keys(localStorage).some(k => k.includes('kill-'))")
    app.tab.close()
    again = App(app.engine, app.base).open("/#/calls")
    stored = again.tab.js("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v2:call:kill-')).length")
    assert stored >= 1
    assert not again.tab.visible("#notice"), "no record was unreadable"
    assert again.tab.js("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:backup:')).length") == 0


def test_a_full_store_prunes_the_oldest_calls_with_a_notice_and_keeps_working(app: App):
    app.open("/#/calls")
    for i in range(30):
        app.call("ringing", f"old-{i:02}")
        app.call("ended", f"old-{i:02}")
    app.wait_stored("old-29", "ended")
    # fill the origin's storage almost to its quota with someone else's data
    app.tab.js(
        """() => { let size = 1 << 20; let i = 0;
          while (size > 64) { try { localStorage.setItem('filler-' + i, 'x'.repeat(size)); i++; } catch (e) { size >>= 1; } } }"""
    )
    for i in range(5):
        app.call("dialing", f"new-{i}", contact={"name": "New call " + "y" * 150})
        app.call("ended", f"new-{i}")
    app.wait_item("new-4", outcome="No answer")
    assert app.stored("new-4") is not None
    assert app.tab.count(app.item("old-00")) == 0, "the oldest calls make room"
    assert any("oldest call(s) to make room" in e["reason"] for e in app.diagnostics())


def test_corrupt_stored_calls_are_set_aside_with_a_clear_message(app: App):
    app.open("/#/calls")
    app.call("ringing", "good-1")
    app.call("ended", "good-1")
    app.wait_stored("good-1", "ended")
    app.tab.js(
        """() => { localStorage.setItem('cloudtalk:v2:call:bad-1', '{broken');
                   localStorage.setItem('cloudtalk:v2:call:bad-2', JSON.stringify({uuid: 'bad-2', state: 'from-the-future'})); }"""
    )
    app.reload()
    assert "2 unreadable stored call(s) were set aside" in app.tab.text("#notice")
    assert app.tab.attr(app.item("good-1"), "data-outcome") == "Missed"
    backups = app.tab.js("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:backup:')).sort()")
    assert backups == ["cloudtalk:backup:cloudtalk:v2:call:bad-1", "cloudtalk:backup:cloudtalk:v2:call:bad-2"]
    assert json.loads(app.tab.js("localStorage.getItem('cloudtalk:backup:cloudtalk:v2:call:bad-2')"))["state"] == "from-the-future"


def test_two_tabs_share_the_log_and_neither_loses_the_others_calls(app: App):
    app.open("/#/calls")
    other = App(app.engine, app.base).open("/#/calls")
    other.tab.wait_visible("#phone-elsewhere")  # one phone per browser: this tab shows every call without its own phone
    app.call("ringing", "tab-a", contact={"name": "From A"})
    app.call("ended", "tab-a")
    other.wait_item("tab-a", outcome="Missed")  # through the storage event, without a reload
    other.tab.click("#take-phone")
    other.tab.wait_for("#phone")
    other.call("dialing", "tab-b", contact={"name": "From B"})
    app.wait_item("tab-b", state="dialing")
    for tab in (app, other):
        tab.go("calls")
        assert tab.tab.js("[...document.querySelectorAll('li.call')].map(i => i.dataset.uuid)") == ["tab-b", "tab-a"]
    other.reload()
    assert other.tab.count("li.call") == 2
