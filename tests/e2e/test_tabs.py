"""One phone per browser: a second tab never loads a second phone unasked, and can take it over cleanly."""

from __future__ import annotations

from .conftest import App
from .engines import LockOutlivedPageError, WaitTimeoutError

# A same-origin page that takes the phone's Web Lock and never answers anyone: a frozen tab.
FROZEN_HOLDER = """() => new Promise((held) => {
  window.__stolen = false;
  navigator.locks.request('cloudtalk-phone', () => { held(true); return new Promise(() => {}); })
    .catch(() => { window.__stolen = true; });
})"""

# The origin's Web Locks, by name: held, and asked for but waiting.
LOCKS = """() => navigator.locks.query().then(({held, pending}) =>
  ({held: held.map((lock) => lock.name), pending: pending.map((lock) => lock.name)}))"""
# A same-origin page that takes the phone's Web Lock from whoever has it, until window.__giveBack().
THIEF = """() => new Promise((held) => {
  navigator.locks.request('cloudtalk-phone', {steal: true}, () => {
    held(true);
    return new Promise((resolve) => { window.__giveBack = resolve; });
  });
})"""


def second_tab(app: App) -> App:
    other = App(app.engine, app.base).open("/#/calls")
    other.tab.wait_visible("#phone-elsewhere")
    return other


def phone_handed_over(other: App) -> None:
    """Wait until the tab left, the origin's only page, has the phone once the tab holding it was closed. If it is still
    waiting in line for the lock, held by no page that is open, WebKitGTK kept the closed page's lock: the engine's
    fault (engines.LockOutlivedPageError). Anything else, the phone not taken with the lock free among them, fails."""
    try:
        other.tab.wait_for("#phone")
    except WaitTimeoutError:
        waiting = other.tab.js(LOCKS) == {"held": ["cloudtalk-phone"], "pending": ["cloudtalk-phone"]}
        if other.engine.name == "webkit" and waiting and other.tab.js("() => cloudtalkLock.answer") == "elsewhere":
            raise LockOutlivedPageError("the closed tab's Web Lock is still held, and the one tab left waits for it") from None
        raise


def test_a_second_tab_loads_no_second_phone_says_why_waits_in_line_and_gets_the_phone_when_the_first_closes(app: App):
    """A second tab's life beside the first, in one test (each step leaves the tabs as the next expects)."""
    app.open()
    # The page asks for the phone's Web Lock as it is parsed (runtime/phone-lock.mjs), and the boot script asks no more.
    assert app.tab.js("() => cloudtalkLock.answer") == "held"
    assert app.tab.js(LOCKS) == {"held": ["cloudtalk-phone"], "pending": []}, "the tab asked again for the lock it holds"
    other = second_tab(app)
    assert other.tab.count("#phone") == 0
    assert len(app.phone_loads()) == 1, "the second tab did not load a phone"
    assert "open in another tab" in other.tab.text("#elsewhere-text")
    assert other.tab.text("#dock-state") == "· in another tab"
    assert not other.tab.visible("#dock-toggle")
    assert app.tab.count("#phone") == 1 and not app.tab.visible("#phone-elsewhere")
    assert other.heavy_start_waited_for("phone-elsewhere") and app.heavy_start_waited_for("phone-in-dom")
    assert other.tab.js("() => cloudtalkLock.answer") == "elsewhere"
    assert app.tab.js(LOCKS) == {"held": ["cloudtalk-phone"], "pending": ["cloudtalk-phone"]}  # the second tab waits in line
    # "Switch to the other tab" asks the first to come forward.
    other.tab.click("#show-phone-tab")
    app.tab.wait("document.title === '☎ The phone is here'")
    other.tab.wait("document.getElementById('elsewhere-status').textContent.includes('☎ The phone is here')")
    # Closing the tab with the phone moves it to the tab that waits.
    app.tab.close()
    phone_handed_over(other)
    assert not other.tab.visible("#phone-elsewhere")


def test_use_this_tab_instead_moves_the_phone_and_the_first_tab_can_bring_it_back(app: App):
    app.open()
    other = second_tab(app)
    other.tab.click("#take-phone")
    other.tab.wait_for("#phone")
    app.tab.wait("!document.getElementById('phone')")
    app.tab.wait_visible("#phone-elsewhere")
    assert "moved to another tab" in app.tab.text("#elsewhere-text")
    assert len(app.phone_loads()) == 2
    other.call("ringing", "moved-1", contact={"name": "Moved"})
    other.wait_item("moved-1", state="ringing")
    app.wait_item("moved-1", state="ringing")  # the first tab still sees every call
    other.call("ended", "moved-1")
    other.wait_stored("moved-1", "ended")
    app.tab.click("#take-phone")  # and back again
    app.tab.wait_for("#phone")
    other.tab.wait("!document.getElementById('phone')")
    app.call("dialing", "back-1")
    app.wait_item("back-1", state="dialing")


def test_the_phone_never_leaves_a_tab_in_the_middle_of_a_call(app: App):
    app.open()
    app.call("ringing", "busy-1")
    app.call("calling", "busy-1")
    app.wait_stored("busy-1", "on_call")
    other = second_tab(app)
    other.tab.click("#take-phone")
    other.tab.wait("document.getElementById('elsewhere-status').textContent.includes('on a call')")
    assert app.tab.count("#phone") == 1 and other.tab.count("#phone") == 0
    app.call("ended", "busy-1")
    app.wait_stored("busy-1", "ended")
    other.tab.click("#take-phone")  # the call is over: now it may move
    other.tab.wait_for("#phone")


def test_a_tab_that_does_not_answer_can_have_the_phone_taken_anyway(app: App):
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")
    assert app.tab.js(FROZEN_HOLDER) is True
    other = second_tab(app)
    other.tab.click("#take-phone")
    other.tab.wait_visible("#take-phone-anyway")  # after three seconds without an answer
    assert "not answering" in other.tab.text("#elsewhere-status")
    other.tab.click("#take-phone-anyway")
    other.tab.wait_for("#phone")
    app.tab.wait("window.__stolen === true")  # the frozen tab learns its lock is gone


def test_a_tab_whose_lock_is_taken_gives_up_the_phone_and_gets_it_back_once_the_lock_is_free(app: App):
    app.open()
    thief = app.engine.new_tab()
    thief.goto(app.base + "/tests/e2e/fake_phone.html")
    assert thief.js(THIEF) is True
    app.tab.wait("!document.getElementById('phone')")
    app.tab.wait_visible("#phone-elsewhere")
    assert "took it while this tab was not answering" in app.tab.text("#elsewhere-text")
    thief.js("() => window.__giveBack()")
    app.tab.wait_for("#phone")
    assert not app.tab.visible("#phone-elsewhere")
    app.tab.wait("typeof cloudtalkBoot.phoneLoadedAt === 'number'")  # the new iframe's page loaded: its request is counted
    assert len(app.phone_loads()) == 2
