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


def diagnostics_entries(app: App) -> list[dict]:
    app.page.goto(app.base + "/#/diagnostics")
    return app.page.locator("#diagnostics li.diag").evaluate_all(
        """items => items.map(i => ({kind: i.className.replace('diag diag-', ''), reason: i.querySelector('.reason').textContent,
            count: Number((i.querySelector('.repeats')?.textContent ?? '(1×)').slice(1, -2))}))"""
    )


def test_hostile_payloads_are_rejected_with_reasons_and_nothing_runs(app: App):
    app.open("/#/calls")
    rejected = {
        "not JSON (expected ident)": ["not json"],
        "empty message": [""],
        "not a JSON object": ["[]", "42", "null"],
        "unknown event 'nope'": ['{"event": "nope", "properties": {"call_uuid": "x"}}'],
        "unknown event '5'": [json.dumps({"event": 5, "properties": {"call_uuid": "w"}})],
        "no 'event' field": ['{"properties": {"call_uuid": "x"}}'],
        "no usable call id: properties.call_uuid is boolean, not text or an integer": ['{"event": "ringing", "properties": {"call_uuid": true}}'],
        "'properties' is text, not an object": [json.dumps({"event": "ringing", "properties": "x"})],
        "nested too deeply (the limit is 200 levels)": ["[" * 300 + "]" * 300],
        "too large (1000000 bytes; the limit is 65536)": ["x" * 1_000_000],
    }
    for raws in rejected.values():
        for raw in raws:
            app.send(raw)
    huge_list = json.dumps({"event": "ringing", "properties": {"call_uuid": "n", "contact": {"tags": list(range(100_000))}}})
    app.send(huge_list)
    # valid, with prototype-polluting keys: accepted as plain data, pollutes nothing
    app.send('{"event": "ringing", "properties": {"call_uuid": "p", "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}}')
    for value in [None, 7, [1, 2]]:
        app.send_raw(value)  # posted as raw values, not JSON text: not objects either
    app.send_raw({"event": "ringing"})
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
    app.call("ended", "xss-1")
    app.page.locator('li.call[data-uuid="xss-1"][data-state="ended"]').wait_for(state="attached")
    assert app.page.evaluate("window.__pwned") is None
    assert app.page.evaluate("({}).polluted") is None
    hrefs = app.page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:", "vbscript:"))]
    card = app.page.get_by_role("region", name="Contact card")
    assert card.get_by_role("link", name="ok").get_attribute("href") == "https://example.com/crm/1"
    assert card.locator("img, script, svg").count() == 0
    entries = {e["reason"]: e for e in diagnostics_entries(app) if e["kind"] == "rejected"}
    expected = {reason: len(raws) for reason, raws in rejected.items()}
    expected["not a JSON object"] += 3  # the raw values
    expected["no 'properties' object"] = 1
    expected[f"too large ({len(huge_list)} bytes; the limit is 65536)"] = 1
    assert {reason: e["count"] for reason, e in entries.items()} == expected
    summary = app.page.locator("#diag-summary").inner_text()
    # and two corrections: the markup is longer than a phone number may be, as external_number and in contact_numbers
    assert summary.startswith(f"{sum(expected.values())} rejected · 0 ignored · 2 corrected")


def test_wrong_types_in_optional_fields_cost_nothing_and_are_listed_as_corrections(app: App):
    app.open("/#/calls")
    wrong = [
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
    for i, props in enumerate(wrong):
        app.call("ringing", f"w{i}", **props)
        app.call("ended", f"w{i}")
    app.page.goto(app.base + "/#/calls")
    app.page.wait_for_function("document.querySelectorAll('li.call[data-outcome=\"Missed\"]').length === 10")
    assert app.page.locator("#diag-count").is_hidden(), "corrections are not problems: no badge"
    reasons = [e["reason"] for e in diagnostics_entries(app) if e["kind"] == "corrected"]
    assert sorted(reasons) == sorted([
        "properties.external_number: array → dropped",
        "properties.internal_number: object → dropped",
        "properties.contact: text → ignored",
        'properties.contact.name: number → "42"',
        "properties.contact.company: array → dropped",
        "properties.contact.contact_emails: text → list of one",
        'properties.contact.contact_numbers[0]: number → "1"',
        'properties.contact.contact_numbers[1]: number → "2"',
        "properties.contact.external_urls: text → list of one",
        "properties.contact.external_urls[0]: text → dropped",
        "properties.contact.external_urls[0]: object without a usable URL → dropped",
        "properties.contact.id: object → dropped",
    ])
    assert "0 rejected · 0 ignored · 12 corrected fields" in app.page.locator("#diag-summary").inner_text()


STORM = """(count) => {
  // A seeded storm: the same 10,000 mixed messages on every run (mulberry32 PRNG).
  let seed = 20261125;
  const rand = () => { seed |= 0; seed = seed + 0x6D2B79F5 | 0; let t = Math.imul(seed ^ seed >>> 15, 1 | seed);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t; return ((t ^ t >>> 14) >>> 0) / 4294967296; };
  const events = ['ringing', 'dialing', 'calling', 'hangup', 'ended', 'contact_info'];
  const junk = [() => 'not json', () => '', () => '[1,2]', () => 'null', () => '{"event": "boom", "properties": {"call_uuid": "x"}}',
    () => '{"event": "ringing"}', () => '{"event": "ringing", "properties": {"call_uuid": true}}', () => '{'.repeat(1 + (rand() * 5000 | 0)),
    () => JSON.stringify({event: 'ended', properties: []})];
  // Odd but acceptable: an integer call id, and a field that needs correcting (counted, never badged).
  const odd = [() => [0, JSON.stringify({event: 'ended', properties: {call_uuid: 42}})],
    () => [1, JSON.stringify({event: 'ended', properties: {call_uuid: 'z', contact: {tags: 'not-a-list'}}})]];
  let valid = 0, invalid = 0, corrected = 0;
  for (let i = 0; i < count; i++) {
    const roll = rand();
    if (roll < 0.45) {
      valid++;
      window.send(JSON.stringify({event: events[rand() * 6 | 0], properties: {call_uuid: 'storm-' + (rand() * 300 | 0),
        external_number: '+1 555 ' + i, contact: rand() < 0.3 ? {name: '<b>n' + i + '</b>', tags: ['t' + (i % 7)]} : undefined}}));
    } else if (roll < 0.5) {
      const [corrections, message] = odd[rand() * odd.length | 0]();
      corrected += corrections;
      window.send(message);
    } else {
      invalid++;
      window.send(junk[rand() * junk.length | 0]());
    }
  }
  window.send(JSON.stringify({event: 'ended', properties: {call_uuid: 'marker-after-storm'}}));
  return {valid, invalid, corrected};
}"""


def test_a_seeded_storm_of_ten_thousand_messages_is_absorbed(app: App):
    app.open("/#/calls")
    app.page.evaluate("window.__pwned = undefined")
    sent = app.phone_frame.evaluate(STORM, 10_000)
    app.page.locator('li.call[data-uuid="marker-after-storm"]').wait_for(state="attached", timeout=180_000)  # the last one sent
    assert app.page.locator("#diag-count").inner_text() == str(sent["invalid"]), "the badge counts rejections only"
    # the page answers at once, every occurrence is counted, and repeats share a line
    started = app.page.evaluate("performance.now()")
    entries = diagnostics_entries(app)
    summary = app.page.locator("#diag-summary").inner_text()
    assert summary.startswith(f"{sent['invalid']} rejected · 0 ignored · {sent['corrected']} corrected fields")
    assert sum(e["count"] for e in entries if e["kind"] == "rejected") == sent["invalid"]
    assert [e["count"] for e in entries if e["kind"] == "corrected"] == [sent["corrected"]]
    assert len(entries) < 20
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
