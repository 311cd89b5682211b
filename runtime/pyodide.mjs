// The Pyodide that PyScript starts (pyscript.toml's `interpreter`): the vendored runtime, started
// from a memory snapshot when this browser holds one for this exact runtime and app, else normally.
//
// Boot paths (README, "Boot paths"):
//  - snapshot: a stored snapshot matches the key (runtime pins, Pyodide's version and lock, the
//    digest of the app's modules). It is checked (SHA-256), restored, and the models are confirmed
//    to work before the app goes live.
//  - normal: no snapshot, or it failed in any way (the reason is kept, the bad one deleted). Once the
//    app is live it calls `cloudtalkRuntime.save()`, and a worker makes a snapshot off the main
//    thread for the next start: a first visit does nothing more than before.
// `?snapshot=off` on this module's URL (the benchmark's floors) gives the normal path, never saving.
// What happened is on `globalThis.cloudtalkRuntime`, for Diagnostics and the tests.
import { loadPyodide as loadStock, version } from "../vendor/pyodide/pyodide.mjs";
import { finishRestore, heapOf, readBundle, sha256, snapshotKey, withNativeModule } from "./engine.mjs";

export { version };

const INDEX = new URL("../vendor/pyodide/", import.meta.url).href;
const CACHE = "cloudtalk-snapshots";
const DIGEST = "x-snapshot-sha256";
// The app's Python modules, one archive (serve_tools/appfiles.py): PyScript unpacks it ([files] in
// pyscript.toml). The snapshot key covers its SHA-256, published beside it, so the page fetches the
// archive once; the worker checks the archive it snapshots against that digest.
const APP = new URL("../py/app.zip", import.meta.url).href;

const enabled = new URL(import.meta.url).searchParams.get("snapshot") !== "off";
const report = (globalThis.cloudtalkRuntime = {
  path: "", // "snapshot" or "normal"
  reason: "", // why not the snapshot, when not
  bytes: 0, // size of the snapshot started from
  saved: "", // "" | "saving" | "saved" | "failed: <reason>" (this visit's save for the next)
  save: () => Promise.resolve(""), // replaced on the normal path: make and store a snapshot
});

const entryURL = (key) => new URL(`snapshot/${key}`, INDEX).href;
const mark = (name) => globalThis.performance?.mark?.(`runtime-${name}`);

// Only the small files are fetched the moment this module runs (index.html loads it beside PyScript).
// Everything heavy waits until the phone is on the page, so that the phone never waits for it: reading
// the stored snapshot (tens of MB from the Cache API) and its checksum, Pyodide's 1.2 MB of JavaScript,
// pydantic-core's native module. "On the page" is the boot script's mark `phone-in-dom`; in a tab
// without the phone (another tab has it), its mark `phone-elsewhere`. PyScript asking for the runtime
// does not start the work by itself: it often asks before the boot script has placed the phone
// (while the Web Lock that keeps one phone per browser is being granted), and measured, the heavy
// start then ran in that gap (Pyodide's JavaScript compiled, its code cache written: ~50 ms in a
// trace of a repeat visit) and delayed the phone. Only if the boot script never says (it failed)
// does the work start anyway, BOOT_GRACE_MS after PyScript asked.
const BOOT_GRACE_MS = 3000;
let phoneDecided;
const goAhead = new Promise((resolve) => { phoneDecided = resolve; });
const early = begin();

function begin() {
  mark("begin");
  const info = fetch(INDEX + "runtime.json").then((r) => r.json());
  const lockText = fetch(INDEX + "pyodide-lock.json").then((r) => r.text());
  const found = goAhead.then(() => lookUp(info, lockText));
  let heavy = null;
  const load = () => {
    heavy ??= {
      createModule: import(INDEX + "pyodide.asm.mjs").then((m) => m.default),
      nativeModule: info.then((i) => WebAssembly.compileStreaming(fetch(INDEX + i.native.file))),
    };
    return heavy;
  };
  for (const promise of [info, lockText]) promise.catch(() => {}); // awaited later
  return { info, lockText, found, load };
}

// {key, app} of this runtime and app, with the stored snapshot's bytes and checksum when there
// is one; or {reason} why there is none. Never rejects.
async function lookUp(info, lockText) {
  if (!enabled) return { reason: "snapshots are off for this page" };
  if (!globalThis.caches || !globalThis.crypto?.subtle) {
    return { reason: "this browser keeps no snapshots for this page (no Cache API or Web Crypto: not a secure context?)" };
  }
  try {
    const [app, runtime, lock] = await Promise.all([fetchAppDigest(), info, lockText]);
    const key = await snapshotKey({ runtime: runtime.fingerprint, version, lockText: lock, app });
    const cache = await caches.open(CACHE);
    const stored = await cache.match(entryURL(key));
    mark("looked-up");
    if (!stored) {
      const others = await cache.keys();
      return {
        key, app, reason: others.length
          ? "the stored snapshot is for another version of the runtime or the app; a new one is made once the app is live"
          : "no snapshot stored yet; one is made once the app is live",
      };
    }
    const bytes = new Uint8Array(await stored.arrayBuffer());
    mark("read");
    // Computed off the main thread while the runtime starts; it must match before going live.
    const checked = sha256(bytes).then((digest) => {
      if (digest !== stored.headers.get(DIGEST)) throw new Error("it is corrupted (its SHA-256 does not match)");
    });
    checked.catch(() => {}); // awaited in fromSnapshot; a failed restore may get there first
    return { key, app, bytes, checked };
  } catch (error) { // storage refused (private mode, quota), or the core could not be read
    return { reason: `the snapshot store could not be read: ${message(error)}` };
  }
}

// The app's packages (pyscript.toml's `packages`; tests/tools/test_runtime.py keeps them equal), for a
// start begun before PyScript asks.
const PACKAGES = ["pydantic"];
let started = null;

function start(options) {
  started ??= startRuntime(options);
  return started;
}

/** What PyScript calls. The runtime may be starting already (see `whenMarked` below). */
export async function loadPyodide(options = {}) {
  mark("asked");
  if (globalThis.document?.getElementById("phone-slot")) setTimeout(phoneDecided, BOOT_GRACE_MS);
  else phoneDecided(); // a page without the app's phone (the benchmark's floors, the core's tests) or a worker
  const pyodide = await start(options);
  if (options.stdout) pyodide.setStdout({ batched: options.stdout });
  if (options.stderr) pyodide.setStderr({ batched: options.stderr });
  return pyodide;
}

// The page's own start begins once the phone is on screen, not when PyScript gets round to asking:
// the phone never waits for Pyodide, and Pyodide does not wait for the rest of PyScript's start-up.
if (globalThis.document) {
  whenMarked("phone-in-dom", () => {
    phoneDecided();
    if (enabled) start({ packages: PACKAGES });
  });
  whenMarked("phone-elsewhere", phoneDecided);
}

function whenMarked(name, run) {
  if (performance.getEntriesByName(name).length) return run();
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName(name).length) {
      observer.disconnect();
      run();
    }
  });
  observer.observe({ type: "mark" });
}

async function startRuntime(options) {
  await goAhead;
  mark("start");
  const { createModule: loading, nativeModule: compiling } = early.load();
  const [info, lockText, createModule, nativeModule, found] = await Promise.all(
    [early.info, early.lockText, loading, compiling, early.found]);
  const native = { nativeModule, nativePath: info.native.path };
  const base = { ...options, indexURL: INDEX, packageBaseUrl: INDEX, lockFileContents: lockText };
  report.reason = found.reason ?? "";
  if (found.bytes) {
    const restored = await fromSnapshot(base, createModule, native, found);
    if (restored) return restored;
  }
  report.path = "normal";
  const pyodide = await loadStock({ ...base, createPyodideModule: withNativeModule(createModule, native) });
  if (found.key) report.save = () => saveInWorker({ key: found.key, app: found.app, lockText, info });
  return pyodide;
}

async function fetchAppDigest() {
  const response = await fetch(`${APP}.sha256`);
  if (!response.ok) throw new Error(`py/app.zip.sha256: HTTP ${response.status}`);
  const digest = (await response.text()).trim();
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error("py/app.zip.sha256 is not a SHA-256");
  return digest;
}

async function fromSnapshot(base, createModule, native, { key, bytes, checked }) {
  try {
    const bundle = readBundle(bytes, key);
    const pyodide = await loadStock({
      ...base, packages: [], _loadSnapshot: heapOf(bundle),
      createPyodideModule: withNativeModule(createModule, { ...native, heapBytes: bundle.heapBytes }),
    });
    mark("restored");
    await checked;
    finishRestore(pyodide, bundle);
    mark("checked");
    report.path = "snapshot";
    report.bytes = bytes.length;
    return pyodide;
  } catch (error) {
    report.reason = `the stored snapshot could not be used, so it was deleted: ${message(error)}`;
    await caches.open(CACHE).then((cache) => cache.delete(entryURL(key))).catch(() => {});
    return null;
  }
}

function saveInWorker({ key, app, lockText, info }) {
  if (report.saved) return Promise.resolve(report.saved);
  report.saved = "saving";
  return new Promise((resolve) => {
    const worker = new Worker(new URL("snapshot-worker.mjs", import.meta.url), { type: "module", name: "cloudtalk-snapshot" });
    const done = (outcome) => { report.saved = outcome; worker.terminate(); resolve(outcome); };
    worker.onmessage = ({ data }) => done(data.ok ? "saved" : `failed: ${data.reason}`);
    worker.onerror = (event) => { event.preventDefault(); done(`failed: ${event.message || "the worker did not start"}`); };
    worker.postMessage({ key, app: APP, appDigest: app, lockText, info, index: INDEX, cache: CACHE, entry: entryURL(key), digestHeader: DIGEST });
  });
}

const message = (error) => String(error?.message ?? error).split("\n")[0];
