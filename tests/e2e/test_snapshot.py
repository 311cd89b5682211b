"""Boot paths: a repeat visit starts from the memory snapshot the first visit saved; a bad one falls back.

Every test starts as a first visit (the harness empties the snapshot store). The app reports the
path it took on `cloudtalkRuntime` and in Diagnostics ("Start-up").
"""

from __future__ import annotations

from .conftest import App, needs

# Edits the stored snapshot in place, as damage or another build would: `corrupt` flips a heap byte
# and keeps the old checksum; `build` and `key` rewrite Pyodide's build id or the bundle's key and store
# a checksum that matches, so the failure comes from the restore itself. `aged` moves it under another
# key, as an update of the app leaves an older version's. The names (keys) stored afterwards.
TAMPER = """async (mode) => {
  const cache = await caches.open('cloudtalk-snapshots');
  const [request] = await cache.keys();
  const response = await cache.match(request);
  const names = async () => (await cache.keys()).map((r) => r.url.split('/').pop());
  if (mode === 'aged') {
    await cache.put(request.url.replace(/[^/]+$/, '0'.repeat(64)), response);
    await cache.delete(request);
    return names();
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const view = new DataView(bytes.buffer);
  const headerLength = view.getUint32(4, true);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  const align = (n) => Math.ceil(n / 16) * 16;
  const filesStart = align(8 + headerLength);
  const heapStart = align(filesStart + JSON.parse(header).files.reduce((t, f) => t + f[2], 0));
  let digest = response.headers.get('x-snapshot-sha256');
  if (mode === 'corrupt') bytes[heapStart + Math.floor((bytes.length - heapStart) / 2)] ^= 0xff;
  if (mode === 'build') bytes[heapStart + 16] ^= 0xff;
  if (mode === 'key') {
    const key = JSON.parse(header).key, other = [...key].reverse().join('');
    bytes.set(new TextEncoder().encode(header.replace(key, other)), 8);
  }
  if (mode !== 'corrupt') {
    digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  await cache.put(request, new Response(bytes, {headers: {'x-snapshot-sha256': digest}}));
  return names();
}"""

# The names (keys) of the stored snapshots.
STORED = "async () => (await (await caches.open('cloudtalk-snapshots')).keys()).map((r) => r.url.split('/').pop())"


def startup_lines(app: App) -> list[str]:
    return [d["reason"] for d in app.diagnostics(startup=True)]


def test_a_repeat_visit_starts_from_the_snapshot_the_first_visit_saved(app: App):
    app.open("/#/calls")
    first = app.boot_path()
    assert first["path"] == "normal" and "no snapshot stored yet" in first["reason"]
    app.wait_snapshot_saved()
    assert len(app.tab.js(STORED)) == 1
    assert any("Saved a memory snapshot" in line for line in startup_lines(app))

    app.reload()
    assert app.boot_path()["path"] == "snapshot"
    assert any(line.startswith("Started from a memory snapshot") for line in startup_lines(app))
    assert app.tab.js("cloudtalkRuntime.saved") == "", "a start from the snapshot saves nothing"
    # The restored models take calls like a normal start's.
    app.call("ringing", "snap-1", external_number="+1 202 555 0100", contact={"name": "Ada", "tags": [{"name": "VIP"}]})
    app.call("calling", "snap-1")
    app.call("ended", "snap-1")
    app.go("calls")
    app.wait_item("snap-1", outcome="Answered")
    assert "Ada" in app.tab.text(app.item("snap-1"))
    app.check_clean()


# Each damage, how the start that finds it begins its reason, and the reason it gives.
DELETED = "the stored snapshot could not be used, so it was deleted"
OLDER = "the stored snapshot is for another version of the runtime or the app"
DAMAGES = [
    ("corrupt", DELETED, "it is corrupted (its SHA-256 does not match)"),
    ("build", DELETED, "Snapshot build id mismatch"),
    ("key", DELETED, "made for another version of the runtime or the app"),
    ("aged", OLDER, OLDER),
]


def test_a_bad_or_older_snapshot_is_passed_over_and_the_app_starts_normally_and_replaces_it(app: App):
    """The damages in turn, each to the snapshot the start before it saved, then an older version's. One test
    rather than one each: a test's first start and save cost a WebKit run ~10 s, and each damage needs a snapshot
    saved anyway, which the fallback start before it makes. A failure names its damage."""
    app.open("/#/calls")
    for damage, begins, reason in DAMAGES:
        app.wait_snapshot_saved()  # after the first round: the one the last start saved replaced the bad one
        stored = app.tab.js(TAMPER, damage)
        assert len(stored) == 1 and (damage != "aged" or stored == ["0" * 64]), f"{damage}: {stored}"

        app.reload()
        got = app.boot_path()
        assert got["path"] == "normal", damage
        assert got["reason"].startswith(begins) and reason in got["reason"], got
        assert any(reason in line for line in startup_lines(app)), f"{damage}: the reason is listed in Diagnostics"
        app.call("dialing", f"after-{damage}")
        app.call("ended", f"after-{damage}")
        app.go("calls")
        app.wait_item(f"after-{damage}", outcome="No answer")
    # The older one is gone and a new one takes its place, which the next start uses.
    app.wait_snapshot_saved()
    stored = app.tab.js(STORED)
    assert len(stored) == 1 and stored != ["0" * 64], stored
    app.reload()
    assert app.boot_path()["path"] == "snapshot"
    app.check_clean()


@needs("a storage quota")
def test_a_snapshot_that_does_not_fit_the_storage_quota_is_reported_and_nothing_else_changes(app: App):
    app.tab.goto(app.base + "/tests/e2e/fake_phone.html")  # a page of the site's origin, for the quota
    app.engine.limit_storage(app.tab, app.base, 8_000_000)  # type: ignore[attr-defined]  # a snapshot is ~34 MB
    try:
        snapshot_refused(app)
    finally:
        app.engine.limit_storage(app.tab, app.base, None)  # type: ignore[attr-defined]


def snapshot_refused(app: App) -> None:
    app.open("/#/calls")
    outcome = app.wait_snapshot_outcome()
    assert outcome.startswith("failed: ") and "quota" in outcome.lower(), outcome
    assert any(line.startswith("Could not save a memory snapshot") for line in startup_lines(app))
    assert app.tab.js(STORED) == []
    app.call("dialing", "quota-1")
    app.call("ended", "quota-1")
    app.go("calls")
    app.wait_item("quota-1", outcome="No answer")
    app.reload()
    assert app.boot_path()["path"] == "normal"
    app.check_clean()
