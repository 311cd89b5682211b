"""No data loss: a reload mid-call, a renderer killed right after an event, a full disk, unreadable records, two tabs,
and the move out of an older version's localStorage."""

from __future__ import annotations

import json

from .conftest import App, needs


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


@needs("a renderer crash")
def test_a_renderer_killed_right_after_an_event_loses_nothing_the_page_showed(app: App):
    app.open("/#/calls")
    for i in range(20):
        app.call("ringing", f"crash-{i}", contact={"name": f"Caller {i}"})
        app.call("ended", f"crash-{i}")
    app.call("ringing", "crash-last", contact={"name": "The last one"})
    app.wait_item("crash-last", state="ringing")  # shown: from here on it must survive
    shown = app.tab.js("[...document.querySelectorAll('li.call')].map((li) => [li.dataset.uuid, li.dataset.state, "
                       "li.dataset.outcome ?? null])")
    app.engine.crash(app.tab)  # type: ignore[attr-defined]
    again = App(app.engine, app.base).open("/#/calls")
    assert again.stored_count("crash-") == 21
    again.tab.wait("document.getElementById('timeline-count').textContent === '21 calls'")  # the store's count, after the page
    # Every call the page showed is stored as it showed it: state, outcome and name, not only the last and the count.
    assert sorted(uuid for uuid, _state, _outcome in shown) == sorted([f"crash-{i}" for i in range(20)] + ["crash-last"])
    for uuid, state, outcome in shown:
        record = again.stored(uuid)
        assert record is not None, f"{uuid} was shown, and is not stored"
        assert record["state"] == state, (uuid, record["state"], state)
        ended = record["ended_at"] is not None
        assert ended == (outcome is not None), (uuid, record, outcome)
        assert again.tab.attr(again.item(uuid), "data-state") == state
        assert again.tab.attr(again.item(uuid), "data-outcome") == outcome, uuid
        number = uuid.removeprefix("crash-")
        assert record["contact"]["name"] == ("The last one" if number == "last" else f"Caller {number}")
    app.tab = again.tab


# Another database of the site grows until the browser refuses even a kilobyte more. Random bytes: the browser
# compresses what it stores, so repeated text would take next to no room.
FILL_THE_DISK = """() => new Promise((resolve) => { const r = indexedDB.open('filler'); r.onupgradeneeded = () => r.result.createObjectStore('x');
  r.onsuccess = () => { let size = 1 << 20, key = 0, total = 0;
    const next = () => { if (size < 1024) return resolve(total);
      const bytes = new Uint8Array(size); for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
      const t = r.result.transaction('x', 'readwrite'); t.objectStore('x').put(bytes, key);
      t.oncomplete = () => { key++; total += size; next(); }; t.onabort = () => { size >>= 1; next(); }; };
    next(); }; })"""


@needs("a storage quota")
def test_a_full_disk_is_said_plainly_and_nothing_is_deleted(app: App):
    # Chromium takes a quota override for an origin only before the browser first reads that origin's quota, and
    # earlier tests have used the site's: this test has the same server to itself under another origin.
    app.base = app.base.replace("127.0.0.1", "localhost")
    app.allowed_origins = (app.base,)  # type: ignore[attr-defined]
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")
    app.engine.limit_storage(app.tab, app.base, 4_000_000)  # type: ignore[attr-defined]  # the snapshot (~34 MB) will not fit either
    try:
        refused_and_kept(app)
    finally:
        app.engine.limit_storage(app.tab, app.base, None)  # type: ignore[attr-defined]


def refused_and_kept(app: App) -> None:
    app.open("/#/calls")
    for i in range(5):
        app.call("ringing", f"old-{i}", contact={"name": f"Kept {i}"})
        app.call("ended", f"old-{i}")
    app.wait_stored("old-4", "ended")
    filled = app.tab.js(FILL_THE_DISK)
    assert 1_000_000 < filled < 4_000_000, f"someone else's data takes nearly all the room, not more: {filled}"
    # a call with a large contact: its record alone is larger than the little room left
    big = {"name": "New caller", "tags": [f"{t:02} " + "y" * 190 for t in range(40)]}
    app.call("dialing", "new-1", contact=big)
    app.call("ended", "new-1")
    app.wait_item("new-1", outcome="No answer")
    app.tab.wait("document.querySelector('#notice-text').textContent.includes('refused to store')")
    notice = app.tab.text("#notice-text")
    assert "kept in this page" in notice and "Export JSON" in notice and "nothing was deleted" in notice
    assert app.stored("new-1") is None, "the browser really refused it"
    assert app.stored_count("old-") == 5, "every stored call is still there"
    assert app.tab.count(app.item("old-0")) == 1
    assert any("refused to store" in e["reason"] for e in app.diagnostics())
    app.go("calls")
    text = app.tab.download("#export-json")[1]
    assert "new-1" in text, "what was refused is in the export"


def test_unreadable_stored_calls_are_reported_and_kept_as_they_are(app: App):
    app.open("/#/calls")
    app.call("ringing", "good-1")
    app.call("ended", "good-1")
    app.wait_stored("good-1", "ended")
    app.tab.js(
        """() => new Promise((resolve) => { const r = indexedDB.open('cloudtalk'); r.onsuccess = () => {
             const t = r.result.transaction('calls', 'readwrite');
             t.objectStore('calls').put({uuid: 'bad-1', started: 1, caller: '', outcome: '', text: '{broken'});
             t.objectStore('calls').put({uuid: 'bad-2', started: 2, caller: '', outcome: '', text: JSON.stringify({uuid: 'bad-2', state: 'from-the-future'})});
             t.oncomplete = () => { r.result.close(); resolve(true); }; }; })"""
    )
    app.reload()
    assert "2 stored call(s) could not be read; they are kept in the browser as they are" in app.tab.text("#notice")
    assert app.tab.attr(app.item("good-1"), "data-outcome") == "Missed"
    assert app.stored_count("bad-") == 2, "nothing is deleted"


def test_two_tabs_share_the_log_and_neither_loses_the_others_calls(app: App):
    app.open("/#/calls")
    other = App(app.engine, app.base).open("/#/calls")
    other.tab.wait_visible("#phone-elsewhere")  # one phone per browser: this tab shows every call without its own phone
    app.call("ringing", "tab-a", contact={"name": "From A"})
    app.call("ended", "tab-a")
    other.wait_item("tab-a", outcome="Missed")  # through the database and a broadcast, without a reload
    other.tab.click("#take-phone")
    other.tab.wait_for("#phone")
    other.call("dialing", "tab-b", contact={"name": "From B"})
    app.wait_item("tab-b", state="dialing")
    for tab in (app, other):
        tab.go("calls")
        assert tab.tab.js("[...document.querySelectorAll('li.call')].map(i => i.dataset.uuid)") == ["tab-b", "tab-a"]
    other.reload()
    assert other.tab.count("li.call") == 2


# Calls `first`..`last - 1` as a version (1 or 2) kept them in localStorage; each version's first call has
# a note where the version kept notes (2).
LEGACY = """([version, first, last]) => { for (let i = first; i < last; i++) {
  const record = {uuid: 'legacy-' + i, state: 'ended', direction: i % 2 ? 'inbound' : 'outbound',
    external_number: '+1 555 ' + String(i).padStart(4, '0'), internal_number: null,
    contact: i % 3 ? null : {id: null, name: 'Person ' + i, company: null, contact_emails: [], contact_numbers: [], external_urls: [], tags: []},
    steps: [['ringing', 1000 + i], ['ended', 1010 + i]], answered_at: null, hangup_at: null, ended_at: 1010 + i};
  if (version === 2) { record.note = i === first ? 'the oldest note' : ''; record.disposition = i === first ? 'Follow up' : ''; }
  localStorage.setItem('cloudtalk:v' + version + ':call:legacy-' + i, JSON.stringify(record)); } }"""


def test_older_versions_5000_calls_move_into_the_database_verified_and_then_leave_local_storage(app: App):
    """Both older schemas at once, 2,500 calls each: one start moves every version's calls (persist.legacy_calls
    reads them in one pass), so one test covers both and pays for one first visit."""
    app.open("/#/calls")
    app.tab.js(LEGACY, [1, 0, 2500])
    app.tab.js(LEGACY, [2, 2500, 5000])
    app.tab.js("() => { localStorage.setItem('cloudtalk:v2:call:junk', '{broken'); }")
    app.reload()
    assert app.stored_count("legacy-") == 5000
    assert app.tab.js("Object.keys(localStorage).filter(k => /^cloudtalk:v[12]:call:/.test(k)).length") == 0
    assert app.tab.js("localStorage.getItem('cloudtalk:backup:cloudtalk:v2:call:junk')") == "{broken", "set aside, not dropped"
    # every moved call was missed or not answered, each from a caller of their own: all 5,000 wait for a call back
    app.tab.wait("document.getElementById('callbacks').dataset.state === 'ready'", timeout_ms=60_000)
    assert app.tab.text("#callback-count") == "5000"
    for uuid, noted in (("legacy-0", ("", "")), ("legacy-2500", ("the oldest note", "Follow up"))):
        oldest = app.stored(uuid)
        start = int(uuid.removeprefix("legacy-"))
        assert oldest["steps"] == [["ringing", 1000 + start], ["ended", 1010 + start]] and oldest["_entry"]["outcome"] == "No answer"
        assert (oldest["note"], oldest["disposition"]) == noted, f"{uuid}: version 1 had no notes, version 2 kept them"
    app.tab.wait("document.querySelector('#timeline-count').textContent === '5000 calls'")  # the older ones load after ready
    app.tab.fill("#search", "555 0000")
    app.tab.wait(f"document.querySelector('{app.item('legacy-0')}') !== null")
    app.reload()
    assert app.stored_count("legacy-") == 5000, "nothing moved twice or lost on the next start"


def test_a_move_cut_short_is_finished_on_the_next_start_without_losing_newer_changes(app: App):
    app.open("/#/calls")
    app.tab.js(LEGACY, [2, 0, 3])
    app.reload()  # moved
    app.call("calling", "legacy-1")  # no effect on an ended call: nothing changes in the store
    # as if the previous start had crashed after writing the database and before removing the old copies,
    # while the database has since learnt more (a note typed on the moved call)
    app.tab.js(LEGACY, [2, 0, 3])
    app.tab.js(
        """() => new Promise((resolve) => { const r = indexedDB.open('cloudtalk'); r.onsuccess = () => {
             const t = r.result.transaction('notes', 'readwrite');
             t.objectStore('notes').put({uuid: 'legacy-0', text: JSON.stringify({uuid: 'legacy-0', note: 'typed after the move', disposition: '', noted_at: 5e9})});
             t.oncomplete = () => { r.result.close(); resolve(true); }; }; })"""
    )
    app.reload()
    assert app.tab.js("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v2:call:')).length") == 0
    assert app.stored("legacy-0")["note"] == "typed after the move"
    assert app.stored_count("legacy-") == 3
    assert json.loads(json.dumps(app.stored("legacy-2")))["uuid"] == "legacy-2"


# Version 1 of the app's database, as that version made it: what an agent's browser holds before this one starts.
VERSION_1 = """(entries) => new Promise((resolve, reject) => {
  const r = indexedDB.open('cloudtalk', 1);
  r.onupgradeneeded = () => {
    const calls = r.result.createObjectStore('calls', {keyPath: 'uuid'});
    for (const name of ['started', 'caller', 'outcome']) calls.createIndex(name, name);
    r.result.createObjectStore('notes', {keyPath: 'uuid'});
  };
  r.onerror = () => reject(r.error);
  r.onsuccess = () => {
    const t = r.result.transaction(['calls', 'notes'], 'readwrite');
    for (const [call, note] of entries) { t.objectStore('calls').put(call); if (note) t.objectStore('notes').put(note); }
    t.oncomplete = () => { r.result.close(); resolve(true); };
    t.onerror = () => reject(t.error);
  };
})"""


def test_a_version_1_database_is_used_as_it_is_and_the_card_counts_every_stored_call_before_the_older_ones_load(app: App):
    from cloudtalk import persist
    from cloudtalk.callers import caller_key
    from cloudtalk.calls import annotate, step
    from cloudtalk.events import parse

    returning, n = "+44 20 7946 0001", 600
    entries = []
    for i in range(n):  # a call a minute; every 20th from the returning caller, the oldest of them with a note
        number = returning if i % 20 == 0 else f"+1 555 {i:06}"
        call = step(None, parse({"event": "ringing", "properties": {"call_uuid": f"v1-{i:04}", "external_number": number}}),
                    at=1_700_000_000.0 + 60 * i)
        call = step(call, parse({"event": "ended", "properties": {"call_uuid": f"v1-{i:04}", "external_number": number}}),
                    at=1_700_000_000.0 + 60 * i + 30)
        if i == 0:
            call = annotate(call, note="noted in version 1", at=1_700_000_100.0)
        entries.append([persist.call_entry(call, caller_key(call)), persist.note_entry(call) if i == 0 else None])
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")
    app.tab.js(VERSION_1, entries)
    app.tab.js("() => { sessionStorage.setItem('cloudtalkProbe', '1'); sessionStorage.setItem('cloudtalkHold', 'background'); }")
    app.open("/#/calls")
    # The background work is held back (the page holds its first 200 calls): the timeline counts the store's.
    app.tab.wait(f"document.getElementById('timeline-count').textContent === '{n} calls'")
    app.call("ringing", "v2-call", external_number=returning)
    app.tab.wait("document.getElementById('history-line').textContent.includes('earlier call')")
    assert app.tab.text("#history-line").startswith(f"{n // 20} earlier calls"), "read from the store, not the page's few"
    assert app.tab.js("""() => new Promise((resolve) => { const r = indexedDB.open('cloudtalk');
        r.onsuccess = () => { const db = r.result; const names = [...db.transaction('calls').objectStore('calls').indexNames];
        db.close(); resolve([db.version, [...db.objectStoreNames].sort(), names.sort()]); }; })""") == [
        3, ["call_backs", "calls", "meta", "notes"], ["caller", "caller_started", "outcome", "outcome_started", "started", "words"]]
    # Version 1 kept no call-back list: it is built once, from every stored call (each missed once, the returning
    # caller 30 times), the background work still held back.
    waiting = n - n // 20 + 1
    app.tab.wait("document.getElementById('callbacks').dataset.state === 'ready'", timeout_ms=60_000)
    app.tab.wait(f"document.getElementById('callback-count').textContent === '{waiting}'")
    assert app.stored_count("v1-") == n, "every call of version 1 is where it was"
    # Search reaches the oldest call, though neither it nor its words are in the page yet.
    app.tab.fill("#search", "7946 0001")
    app.tab.wait(f"document.getElementById('timeline-count').textContent === '{n // 20 + 1} matching'")
    assert app.tab.count(app.item("v1-0000")) == 1
    assert app.tab.js("document.getElementById('timeline-count').dataset.read") == "scan", "version 1's records have no words yet"
    # Started again without holding the background work back: the records get their words, and the index answers.
    app.tab.js("() => { sessionStorage.removeItem('cloudtalkHold'); }")
    app.reload()
    assert app.tab.js("document.getElementById('callbacks').dataset.state") == "ready", "the list is kept: read as it is"
    assert app.tab.text("#callback-count") == str(waiting)
    app.go("callbacks")
    returning_entry = f'li.callback[data-key="number:{returning.replace(" ", "")}"]'
    assert "30 attempts" in app.tab.text(returning_entry)
    app.go("calls")
    app.tab.wait("document.getElementById('search').dataset.index === 'ready'", timeout_ms=60_000)
    app.tab.fill("#search", "7946 0001")
    app.tab.wait("document.getElementById('timeline-count').dataset.read === 'index'")
    app.tab.wait(f"document.getElementById('timeline-count').textContent === '{n // 20 + 1} matching'")
    assert app.tab.js("""() => new Promise((resolve) => { const r = indexedDB.open('cloudtalk'); r.onsuccess = () => {
        const get = r.result.transaction('calls').objectStore('calls').get('v1-0000');
        get.onsuccess = () => { r.result.close(); resolve(get.result.words); }; }; })""") == [
        "unknown", "caller", "#442079460001", "#42079460001", "#2079460001", "#079460001", "#79460001", "#9460001", "#460001", "#60001", "#0001",
        "#001", "#01", "#1"]
    assert app.stored_count("v1-") == n and app.stored("v1-0000")["note"] == "noted in version 1", "nothing else changed"
    assert app.stored("v1-0000")["note"] == "noted in version 1"


# A same-origin page's write transaction on the calls that lasts until window.__release(): the app's reads queue behind it.
HOLD_CALLS = """() => new Promise((held, failed) => {
  const r = indexedDB.open('cloudtalk');
  r.onerror = () => failed(r.error);
  r.onsuccess = () => {
    const db = r.result, calls = db.transaction('calls', 'readwrite').objectStore('calls');
    let holding = true;
    window.__release = () => { holding = false; };
    const again = () => { calls.count().onsuccess = () => { if (holding) again(); }; };
    again();
    calls.transaction.oncomplete = () => db.close();
    held(true);
  };
})"""


def test_a_page_left_with_a_read_unanswered_holds_up_no_write_of_the_next_page(app: App):
    """A page the browser keeps in its back-forward cache runs nothing: a transaction it had begun would never end, and
    the next page of the app would wait behind it for good. WebKit does that (here after a reload by way of another
    address: a note written after it was never stored). The page ends its unfinished reads as it is left."""
    app.open("/#/calls")
    app.call("ringing", "before-leaving", contact={"name": "Searched For"})
    app.call("ended", "before-leaving")
    app.wait_stored("before-leaving", "ended")
    holder = app.engine.new_tab()
    holder.goto(app.base + "/tests/e2e/fake_phone.html")
    assert holder.js(HOLD_CALLS) is True
    app.tab.fill("#search", "searched")  # read behind the holder's write: not answered while the page is there
    app.tab.wait("document.getElementById('timeline').getAttribute('aria-busy') === 'true'")
    app.leaving()
    app.tab.goto("about:blank")
    holder.js("() => window.__release()")
    app.open("/#/calls")
    app.call("ringing", "after-leaving", contact={"name": "Came Back"})
    app.call("ended", "after-leaving")
    app.wait_stored("after-leaving", "ended")  # written, and read back by another connection
    assert app.tab.count("li.call") == 2
