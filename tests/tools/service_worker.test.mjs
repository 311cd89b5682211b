// The service worker (sw.js as serve_tools/webapp.py generates it) in Node: what it answers for, what it
// leaves alone, how it stores a version and drops older ones. The browser parts it relies on (the
// integrity check, the Cache API's storage) are exercised in real browsers by tests/e2e/test_installable.py;
// here `caches` is a Map and `fetch` records what it is asked, so that every decision of the worker shows.
//   node --test tests/tools/service_worker.test.mjs   (tests/tools/test_serve.py runs it with a generated sw.js)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(process.env.SW_JS, "utf8");
const SCOPE = "https://app.example/phone/";

function worker({ stored = {}, failing = [] } = {}) {
  const handlers = {};
  const fetched = [];
  const cacheStore = new Map(Object.entries(stored).map(([name, entries]) => [name, new Map(Object.entries(entries))]));
  const open = (name) => {
    if (!cacheStore.has(name)) cacheStore.set(name, new Map());
    const entries = cacheStore.get(name);
    return {
      match: async (key) => entries.get(typeof key === "string" ? key : key.url)?.clone(),
      put: async (key, response) => { entries.set(typeof key === "string" ? key : key.url, response); },
      keys: async () => [...entries.keys()],
    };
  };
  const state = { skipped: 0 };
  const self = {
    registration: { scope: SCOPE },
    addEventListener: (type, handler) => { handlers[type] = handler; },
    skipWaiting: () => { state.skipped += 1; },
  };
  const context = vm.createContext({
    self, URL, Map, Set, Promise, JSON, Error, Response,
    Request: class { constructor(url, init) { Object.assign(this, { url, ...init }); } },
    caches: { open: async (name) => open(name), keys: async () => [...cacheStore.keys()], delete: async (name) => cacheStore.delete(name) },
    fetch: async (request) => {
      fetched.push(request);
      if (failing.includes(request.url)) return new Response("", { status: 404 });
      return new Response(`network:${request.url}`);
    },
  });
  vm.runInContext(SOURCE, context);
  const version = vm.runInContext("VERSION", context);
  const files = vm.runInContext("FILES", context);
  return { handlers, fetched, cacheStore, state, version, files, cacheName: `cloudtalk-app-${version}` };
}

// What the worker does with one fetch event: null if it leaves it to the browser, else the response text.
async function dispatch(sw, url, { method = "GET", mode = "cors" } = {}) {
  let answered = null;
  sw.handlers.fetch({ request: { url, method, mode }, respondWith: (promise) => { answered = promise; } });
  return answered === null ? null : (await answered).text();
}

async function installed(options) {
  const sw = worker(options);
  let done;
  sw.handlers.install({ waitUntil: (promise) => { done = promise; } });
  await done;
  return sw;
}

test("stores every listed file, fetched with its digest as integrity and revalidated", async () => {
  const sw = await installed();
  const urls = sw.fetched.map((r) => r.url);
  assert.deepEqual(urls.sort(), Array.from(sw.files, ([path]) => new URL(path, SCOPE).href).sort());
  for (const request of sw.fetched) {
    const [, digest] = sw.files.find(([path]) => new URL(path, SCOPE).href === request.url);
    assert.equal(request.integrity, digest);
    assert.equal(request.cache, "no-cache");
  }
  assert.ok(sw.cacheStore.get(sw.cacheName).has(new URL("cloudtalk-files.json", SCOPE).href));
});

test("a file that fails fails the whole version", async () => {
  const bad = new URL("app.css", SCOPE).href;
  await assert.rejects(installed({ failing: [bad] }), /app.css: HTTP 404/);
});

test("files the previous version stored with the same digest are copied, not fetched", async () => {
  const first = await installed();
  const [path, digest] = first.files[0];
  const url = new URL(path, SCOPE).href;
  const previous = {
    [url]: new Response("kept"),
    [new URL("cloudtalk-files.json", SCOPE).href]: new Response(JSON.stringify([[path, digest], ["gone.js", "sha256-x"]])),
  };
  const sw = await installed({ stored: { "cloudtalk-app-0000": previous } });
  assert.ok(!sw.fetched.some((r) => r.url === url), "copied from the previous version");
  assert.equal(sw.fetched.length, sw.files.length - 1);
  assert.equal(await (await sw.cacheStore.get(sw.cacheName).get(url)).text(), "kept");
});

test("answers for its own files and the app's page, from its own version's cache", async () => {
  const sw = await installed();
  const file = new URL(sw.files[0][0], SCOPE).href;
  assert.equal(await dispatch(sw, file), `network:${file}`);
  const start = new URL("index.html", SCOPE).href;
  for (const page of [SCOPE, `${SCOPE}?phone=simulator`, `${SCOPE}index.html#/settings`, `${SCOPE}index.html?partner=x`]) {
    assert.equal(await dispatch(sw, page, { mode: "navigate" }), `network:${start}`, page);
  }
});

test("leaves other origins, other pages, queries, unlisted files and writes to the browser", async () => {
  const sw = await installed();
  const file = new URL(sw.files[0][0], SCOPE).href;
  assert.equal(await dispatch(sw, "https://phone.cloudtalk.io/?partner=x", { mode: "navigate" }), null);
  assert.equal(await dispatch(sw, "https://phone.cloudtalk.io/" + sw.files[0][0]), null);
  assert.equal(await dispatch(sw, file.replace("https://app.example", "https://other.example")), null);
  assert.equal(await dispatch(sw, `${SCOPE}simulator/index.html`, { mode: "navigate" }), null);
  assert.equal(await dispatch(sw, "https://app.example/index.html", { mode: "navigate" }), null, "outside the scope");
  assert.equal(await dispatch(sw, `${file}?snapshot=off`), null);
  assert.equal(await dispatch(sw, `${SCOPE}not-listed.js`), null);
  assert.equal(await dispatch(sw, file, { method: "POST" }), null);
});

test("a file the browser evicted comes from the network", async () => {
  const sw = await installed();
  const file = new URL(sw.files[0][0], SCOPE).href;
  sw.cacheStore.get(sw.cacheName).delete(file);
  const before = sw.fetched.length;
  assert.equal(await dispatch(sw, file), `network:${file}`);
  assert.equal(sw.fetched.length, before + 1);
});

test("waits until asked, then drops older versions but not the memory snapshots", async () => {
  const sw = await installed({ stored: { "cloudtalk-app-0000": {}, "cloudtalk-snapshots": {}, "other-app": {} } });
  assert.equal(sw.state.skipped, 0, "a new version waits");
  sw.handlers.message({ data: { kind: "take-over" } });
  assert.equal(sw.state.skipped, 1);
  let done;
  sw.handlers.activate({ waitUntil: (promise) => { done = promise; } });
  await done;
  assert.deepEqual([...sw.cacheStore.keys()].sort(), ["cloudtalk-snapshots", sw.cacheName, "other-app"].sort());
});

test("reports what it served and what it left alone", async () => {
  const sw = await installed();
  await dispatch(sw, new URL(sw.files[0][0], SCOPE).href);
  await dispatch(sw, "https://phone.cloudtalk.io/x");
  await dispatch(sw, `${SCOPE}not-listed.js`);
  let status;
  sw.handlers.message({ data: { kind: "status" }, source: { postMessage: (m) => { status = m; } } });
  assert.deepEqual({ ...status }, { kind: "status", version: sw.version, files: sw.files.length, served: 1, passed: 1, otherOrigins: 1 });
});

test("where the browser takes static routes, the plain page and its stored files go to its own cache", async () => {
  const sw = await installed();
  let routes = null;
  sw.handlers.install({ waitUntil: () => {}, addRoutes: (rules) => { routes = JSON.parse(JSON.stringify(rules)); } });
  const href = ({ urlPattern: p }) => `${p.protocol}://${p.hostname}${p.port ? `:${p.port}` : ""}${p.pathname}`;
  const fromCache = { cacheName: sw.cacheName };
  const [root, start, page, files] = routes;
  // A plain visit (the scope or index.html, no query): the page, stored under both addresses at install.
  for (const [rule, address] of [[root, SCOPE], [start, `${SCOPE}index.html`]]) {
    assert.equal(rule.condition.requestMode, "navigate");
    assert.equal(href(rule.condition), address);
    assert.equal(rule.condition.urlPattern.search, "", "a page with a query is left to the handler");
    assert.deepEqual(rule.source, fromCache);
    assert.ok(sw.cacheStore.get(sw.cacheName).has(address), `${address} is stored`);
  }
  assert.equal(await (await sw.cacheStore.get(sw.cacheName).get(SCOPE)).text(), `network:${SCOPE}index.html`);
  assert.deepEqual(page, { condition: { requestMode: "navigate" }, source: "fetch-event" }, "any other page: the handler");
  assert.deepEqual(files.source, fromCache);
  assert.deepEqual(files.condition.or.map(href).sort(), Array.from(sw.files, ([path]) => new URL(path, SCOPE).href).sort(),
    "each stored file, on this origin only");
  assert.ok(files.condition.or.every(({ urlPattern }) => urlPattern.search === ""), "a query (?snapshot=off) is left to the handler");
  const file = new URL(sw.files[0][0], SCOPE).href;
  assert.equal(await dispatch(sw, file), `network:${file}`, "the handler still answers where the routes do not apply");
});

test("routes the browser refuses, at once or later, leave the install whole", async () => {
  for (const addRoutes of [() => { throw new TypeError("refused"); }, () => Promise.reject(new TypeError("refused"))]) {
    const sw = worker();
    const waited = [];
    sw.handlers.install({ waitUntil: (promise) => waited.push(promise), addRoutes });
    await Promise.all(waited);
    assert.equal(sw.fetched.length, sw.files.length, "every file stored");
  }
});
