"""The message firewall and hostile payloads: only the phone iframe's window, from the phone origin."""

from __future__ import annotations

import json

from .conftest import App, FakePhone

RINGING = json.dumps({"event": "ringing", "properties": {"call_uuid": "intruder", "external_number": "+1"}})
XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><svg onload="window.__pwned=1">'


def diagnostics(app: App) -> list[str]:
    app.page.goto(app.base + "/#/diagnostics")
    return app.page.locator("#diagnostics li").all_inner_texts()


def test_messages_from_the_page_itself_an_opener_and_another_frame_are_ignored_and_logged(app: App, context):
    # An evil site opens the app and posts to it: the message comes from another origin (its opener).
    context.route("https://evil.example/**", FakePhone())
    evil = context.new_page()
    evil.goto("https://evil.example/")
    with evil.expect_popup() as popup:
        evil.evaluate("(url) => { window.victim = window.open(url); }", app.base + "/")
    app.page.close()
    app.page = popup.value
    app.page.on("pageerror", lambda error: app.errors.append(str(error)))
    app.wait_ready()
    evil.evaluate("(m) => window.victim.postMessage(m, '*')", RINGING)
    app.page.evaluate("(m) => window.postMessage(m, '*')", RINGING)
    # a second frame on the phone's own origin is still not the phone
    app.page.evaluate(
        "() => new Promise((done) => { const f = document.createElement('iframe'); f.id = 'twin';"
        " f.src = 'https://phone.cloudtalk.io/?twin=1'; f.onload = done; document.body.append(f); })"
    )
    twin = app.page.locator("#twin").element_handle().content_frame()
    twin.evaluate("(m) => window.send(m)", RINGING)
    app.settle()
    assert app.item("intruder").count() == 0
    entries = diagnostics(app)
    assert len(entries) == 3
    joined = "\n".join(entries)
    assert f"origin {app.base} is not the phone's" in joined
    assert "origin https://evil.example is not the phone's" in joined  # the opener
    assert "sender is not the phone iframe" in joined


def test_hostile_payloads_are_rejected_with_reasons_and_nothing_runs(app: App):
    app.open("/#/calls")
    bad = [
        "not json", "", "[]", "42", "null", '{"event": "nope", "properties": {"call_uuid": "x"}}',
        '{"properties": {"call_uuid": "x"}}', '{"event": "ringing", "properties": {"call_uuid": 5}}',
        "[" * 50_000 + "]" * 50_000, "x" * 1_000_000,
        json.dumps({"event": "ringing", "properties": {"call_uuid": "n", "contact": {"tags": list(range(100_000))}}}),
        # wrong types, field by field
        *(
            json.dumps({"event": "ringing", "properties": {"call_uuid": "w", **props}})
            for props in [
                {"external_number": ["+1"]},
                {"internal_number": {"n": 1}},
                {"contact": "John"},
                {"contact": {"name": 42}},
                {"contact": {"company": ["Co"]}},
                {"contact": {"contact_emails": "a@b.c"}},
                {"contact": {"contact_numbers": [1, 2]}},
                {"contact": {"external_urls": "https://x"}},
                {"contact": {"external_urls": [{"external_url": 5}]}},
                {"contact": {"id": {"x": 1}}},
            ]
        ),
        json.dumps({"event": 5, "properties": {"call_uuid": "w"}}),
        json.dumps({"event": "ringing", "properties": "x"}),
    ]
    for raw in bad:
        app.send(raw)
    # valid, with prototype-polluting keys: accepted as plain data, pollutes nothing
    app.send('{"event": "ringing", "properties": {"call_uuid": "p", "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}}')
    for value in [None, 7, {"event": "ringing"}, [1, 2]]:
        app.send_raw(value)
    hostile_contact = {
        "name": XSS, "company": XSS + "\u202e\u200b", "tags": [XSS], "contact_emails": [XSS], "contact_numbers": [XSS],
        "external_urls": [
            {"external_system": "mycrm", "external_url": "javascript:window.__pwned=1"},
            {"external_system": "data", "external_url": "data:text/html,<script>alert(1)</script>"},
            {"external_system": "vb", "external_url": "vbscript:msgbox(1)"},
            {"external_system": "ok", "external_url": "https://example.com/crm/1"},
        ],
    }
    app.call("ringing", "xss-1", external_number=XSS, contact=hostile_contact)
    app.settle()
    assert app.page.evaluate("window.__pwned") is None
    assert app.page.evaluate("({}).polluted") is None
    hrefs = app.page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:", "vbscript:"))]
    card = app.page.get_by_role("region", name="Contact card")
    assert card.get_by_role("link", name="ok").get_attribute("href") == "https://example.com/crm/1"
    assert card.locator("img, script, svg").count() == 0
    entries = diagnostics(app)
    assert len(entries) == len(bad) + 4  # the hostile-but-valid calls are accepted, as text
    joined = "\n".join(entries)
    for reason in ["not JSON", "empty message", "not a JSON object", "unknown event 'nope'", "no 'event' field",
                   "properties.call_uuid: input should be a valid string", "too large"]:
        assert reason in joined, reason
    # a valid call afterwards is shown correctly
    app.page.goto(app.base + "/#/calls")
    app.call("ringing", "after-1", contact={"name": "Still Works"})
    app.call("ended", "after-1")
    app.settle()
    app.page.goto(app.base + "/#/calls")
    assert app.item("after-1").get_attribute("data-outcome") == "Missed"


STORM = """(count) => {
  // A seeded storm: the same 10,000 mixed messages on every run (mulberry32 PRNG).
  let seed = 20261125;
  const rand = () => { seed |= 0; seed = seed + 0x6D2B79F5 | 0; let t = Math.imul(seed ^ seed >>> 15, 1 | seed);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t; return ((t ^ t >>> 14) >>> 0) / 4294967296; };
  const events = ['ringing', 'dialing', 'calling', 'hangup', 'ended', 'contact_info'];
  const junk = [() => 'not json', () => '', () => '[1,2]', () => 'null', () => '{"event": "boom", "properties": {"call_uuid": "x"}}',
    () => '{"event": "ringing"}', () => '{"event": "ringing", "properties": {"call_uuid": 42}}', () => '{'.repeat(1 + (rand() * 5000 | 0)),
    () => JSON.stringify({event: 'ended', properties: {call_uuid: 'z', contact: {tags: 'not-a-list'}}})];
  let valid = 0, invalid = 0;
  for (let i = 0; i < count; i++) {
    if (rand() < 0.5) {
      valid++;
      window.send(JSON.stringify({event: events[rand() * 6 | 0], properties: {call_uuid: 'storm-' + (rand() * 300 | 0),
        external_number: '+1 555 ' + i, contact: rand() < 0.3 ? {name: '<b>n' + i + '</b>', tags: ['t' + (i % 7)]} : undefined}}));
    } else {
      invalid++;
      window.send(junk[rand() * junk.length | 0]());
    }
  }
  return {valid, invalid};
}"""


def test_a_seeded_storm_of_ten_thousand_messages_is_absorbed(app: App):
    app.open("/#/calls")
    app.page.evaluate("window.__pwned = undefined")
    sent = app.phone_frame.evaluate(STORM, 10_000)
    app.page.wait_for_function(
        f"document.getElementById('diag-count').textContent === '{sent['invalid']}'", timeout=180_000
    )
    # the page answers at once, and every rejection is counted while the list stays bounded
    started = app.page.evaluate("performance.now()")
    app.page.goto(app.base + "/#/diagnostics")
    summary = app.page.locator("#diag-summary").inner_text()
    assert summary.startswith(f"{sent['invalid']} rejected · 0 ignored")
    assert app.page.locator("#diagnostics li").count() == 200
    assert app.page.evaluate("performance.now()") - started < 5_000
    assert app.page.evaluate("window.__pwned") is None
    stored = app.page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cloudtalk:v1:call:storm-')).length")
    assert 250 <= stored <= 300
    # a valid call after the storm is shown correctly
    app.call("ringing", "after-storm", contact={"name": "Calm Again"})
    app.call("calling", "after-storm")
    app.call("ended", "after-storm")
    app.settle()
    app.page.goto(app.base + "/#/calls")
    item = app.item("after-storm")
    assert item.get_attribute("data-outcome") == "Answered" and "Calm Again" in item.inner_text()
