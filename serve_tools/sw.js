// The app's service worker (serve_tools/webapp.py puts VERSION and FILES in front of this file).
//
// - Stores one whole version of the app shell and the pinned runtime in its own cache,
//   `cloudtalk-app-<VERSION>`, and serves the page from it: the app starts with the network down.
// - Every file is fetched with its SHA-256 as `integrity`, so the browser refuses a file of another
//   deploy: a version is stored whole or not at all, and never mixes two deploys. Files the previous
//   version stored with the same digest are copied from its cache instead of fetched again.
// - A new version waits (no skipWaiting at install): the page says "A new version is ready" and asks
//   this worker to take over only when the agent says so and no call is in progress. It then deletes
//   the caches of older versions; the memory snapshots' cache (runtime/pyodide.mjs) is not its own.
// - It never answers for another origin (the phone's included), nor for anything outside its list.
//
// Hand-written rather than Workbox: Workbox's precache manifest is made by a Node build step, while
// this project builds with Python's standard library; what is needed here (one list, checked by the
// browser's own integrity check, one cache per version) is this file.

const PREFIX = "cloudtalk-app-";
const CACHE = PREFIX + VERSION;
const LIST = "cloudtalk-files.json"; // each version's cache holds its own FILES under this name
const scope = new URL(self.registration.scope);
const address = (path) => new URL(path, scope).href;
const START = address("index.html");
const STORED = new Map(FILES.map(([path, digest]) => [address(path), digest]));
const seen = { served: 0, passed: 0, otherOrigins: 0 }; // for Diagnostics and the tests, since this worker started

self.addEventListener("install", (event) => {
  routeToCache(event);
  event.waitUntil(store());
});
self.addEventListener("activate", (event) => event.waitUntil(dropOlder()));
self.addEventListener("fetch", (event) => {
  const key = cacheKey(event.request);
  if (key === null) {
    if (new URL(event.request.url).origin !== scope.origin) seen.otherOrigins += 1;
    else seen.passed += 1;
    return; // the browser fetches it as if this worker were not here
  }
  seen.served += 1;
  event.respondWith(answer(key, event.request));
});
self.addEventListener("message", (event) => {
  const kind = event.data?.kind;
  if (kind === "take-over") self.skipWaiting();
  else if (kind === "status") event.source?.postMessage({ kind: "status", version: VERSION, files: FILES.length, ...seen });
});

// Where the browser offers static routes (Chromium's `addRoutes`), it answers from this version's cache
// itself, without starting this worker or running its fetch handler: the app's page at its plain
// addresses (the scope, and index.html, with no query) and every stored file. A page with a query
// (?phone=, ?partner=) still comes to the handler, which answers it with index.html. A file missing
// from the cache goes to the network, as with the handler.
function routeToCache(event) {
  if (typeof event.addRoutes !== "function") return;
  const exactly = (href) => {
    const url = new URL(href);
    return { protocol: url.protocol.slice(0, -1), hostname: url.hostname, port: url.port, pathname: url.pathname, search: "" };
  };
  const fromCache = { cacheName: CACHE };
  const rules = [
    ...[scope.href, START].map((page) => ({ condition: { requestMode: "navigate", urlPattern: exactly(page) }, source: fromCache })),
    { condition: { requestMode: "navigate" }, source: "fetch-event" },
    { condition: { or: FILES.map(([path]) => ({ urlPattern: exactly(address(path)) })) }, source: fromCache },
  ];
  // Routes the browser refuses cost nothing but their speed: the fetch handler answers as before.
  try {
    event.waitUntil(Promise.resolve(event.addRoutes(rules)).catch(() => {}));
  } catch {
    // the same
  }
}

// The stored file that answers this request, or null to leave it alone.
function cacheKey(request) {
  if (request.method !== "GET") return null;
  const target = new URL(request.url);
  if (target.origin !== scope.origin) return null; // never another origin: the phone's, or any other
  if (request.mode === "navigate") {
    // The app's page, whatever its query (?phone=, ?partner=) or hash; other pages go to the network.
    const page = target.origin + target.pathname;
    return page === scope.href || page === START ? START : null;
  }
  if (target.search) return null; // e.g. runtime/pyodide.mjs?snapshot=off (the benchmark's floors)
  return STORED.has(target.href) ? target.href : null;
}

async function answer(key, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  return hit ?? fetch(request); // only if the browser evicted a file: the network, as without the worker
}

async function store() {
  const cache = await caches.open(CACHE);
  const earlier = await previousCopy();
  await Promise.all(FILES.map(async ([path, digest]) => {
    const url = address(path);
    if (await cache.match(url)) return; // an install that was cut short stored it already
    if (earlier && earlier.files.get(url) === digest) {
      const copy = await earlier.cache.match(url);
      if (copy) return cache.put(url, copy);
    }
    const response = await fetch(new Request(url, { cache: "no-cache", integrity: digest }));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    await cache.put(url, response);
  }));
  // The page under the scope's own address too, for the static route of a plain visit (routeToCache).
  if (scope.href !== START) await cache.put(scope.href, await cache.match(START));
  await cache.put(address(LIST), new Response(JSON.stringify(FILES), { headers: { "content-type": "application/json" } }));
}

// The newest other complete version's cache and its list, to copy unchanged files from.
async function previousCopy() {
  for (const name of (await caches.keys()).reverse()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const cache = await caches.open(name);
    const list = await cache.match(address(LIST));
    if (!list) continue;
    const files = new Map((await list.json()).map(([path, digest]) => [address(path), digest]));
    return { cache, files };
  }
  return null;
}

async function dropOlder() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
}
