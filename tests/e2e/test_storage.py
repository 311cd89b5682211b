"""No data loss: two tabs, a reload mid-call, a page killed mid-burst, a full store, corrupt records."""

from __future__ import annotations

import json

from .conftest import App


def test_two_tabs_never_lose_each_others_calls(app: App, context):
    app.open("/#/calls")
    other = App(context.new_page(), app.base, app.phone).open("/#/calls")
    app.call("ringing", "tab-a", contact={"name": "From A"})
    other.call("dialing", "tab-b", contact={"name": "From B"})
    app.call("ended", "tab-a")
    app.settle()
    other.settle()
    for page in (app, other):
        page.page.goto(page.base + "/#/calls")
        page.page.wait_for_function("document.querySelectorAll('li.call').length === 2")
        assert page.item("tab-a").get_attribute("data-outcome") == "Missed"
        assert page.item("tab-b").get_attribute("data-state") == "dialing"
    other.page.reload()
    other.wait_ready()
    assert other.page.locator("li.call").count() == 2
    assert other.errors == []


def test_a_call_in_progress_is_still_tracked_after_a_reload(app: App):
    app.open("/#/calls")
    app.call("ringing", "reload-1", contact={"name": "Reloaded"})
    app.call("calling", "reload-1")
    app.settle()
    app.page.reload()
    app.wait_ready()
    assert app.item("reload-1").get_attribute("data-state") == "on_call"
    app.call("hangup", "reload-1")
    app.call("ended", "reload-1")
    app.settle()
    item = app.item("reload-1")
    assert item.get_attribute("data-outcome") == "Answered"
    assert "you hung up" in item.inner_text()


def test_a_page_killed_mid_burst_leaves_only_whole_records(app: App, context):
    app.open("/#/calls")
    app.phone_frame.evaluate(
        "() => { for (let i = 0; i < 400; i++) window.send({event: i % 2 ? 'ended' : 'ringing', properties: {call_uuid: 'kill-' + (i >> 1)}}); }"
    )
    app.page.wait_for_function("Object.keys(localStorage).some(k => k.includes('kill-'))")
    app.page.close(run_before_unload=False)
    again = App(context.new_page(), app.base, app.phone).open("/#/calls")
    stored = again.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v1:call:kill-')).length")
    assert stored >= 1
    assert again.page.locator("#notice").is_hidden(), "no record was unreadable"
    assert again.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:backup:')).length") == 0
    assert again.errors == []


def test_a_full_store_prunes_the_oldest_calls_with_a_notice_and_keeps_working(app: App):
    app.open("/#/calls")
    for i in range(30):
        app.call("ringing", f"old-{i:02}")
        app.call("ended", f"old-{i:02}")
    app.settle()
    # fill the origin's storage almost to its quota with someone else's data
    app.page.evaluate(
        """() => { let size = 1 << 20; let i = 0;
          while (size > 64) { try { localStorage.setItem('filler-' + i, 'x'.repeat(size)); i++; } catch (e) { size >>= 1; } } }"""
    )
    for i in range(5):
        app.call("dialing", f"new-{i}", contact={"name": "New call " + "y" * 300})
        app.call("ended", f"new-{i}")
    app.settle()
    app.page.goto(app.base + "/#/calls")
    assert app.item("new-4").get_attribute("data-outcome") == "No answer"
    assert app.page.evaluate("localStorage.getItem('cloudtalk:v1:call:new-4') !== null")
    assert app.item("old-00").count() == 0, "the oldest calls make room"
    app.page.goto(app.base + "/#/diagnostics")
    assert "oldest call(s) to make room" in app.page.locator("#diagnostics").inner_text()


def test_corrupt_stored_calls_are_set_aside_with_a_clear_message(app: App):
    app.open("/#/calls")
    app.call("ringing", "good-1")
    app.call("ended", "good-1")
    app.settle()
    app.page.evaluate(
        """() => { localStorage.setItem('cloudtalk:v1:call:bad-1', '{broken');
                   localStorage.setItem('cloudtalk:v1:call:bad-2', JSON.stringify({uuid: 'bad-2', state: 'from-the-future'})); }"""
    )
    app.page.reload()
    app.wait_ready()
    assert "2 unreadable stored call(s) were set aside" in app.page.locator("#notice").inner_text()
    assert app.item("good-1").get_attribute("data-outcome") == "Missed"
    backups = app.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:backup:')).sort()")
    assert backups == ["cloudtalk:backup:cloudtalk:v1:call:bad-1", "cloudtalk:backup:cloudtalk:v1:call:bad-2"]
    assert json.loads(app.page.evaluate("localStorage.getItem('cloudtalk:backup:cloudtalk:v1:call:bad-2')"))["state"] == "from-the-future"
