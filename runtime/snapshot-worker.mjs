// Makes a memory snapshot for the next start, off the page's main thread (started by
// runtime/pyodide.mjs once the app is live): a second Pyodide loads pydantic, unpacks the app's
// modules (py/app.zip) and imports its package, runs a sample call, and its memory is stored in the
// Cache API under the key, replacing older ones.
import { makeBundle, sha256, withNativeModule } from "./engine.mjs";

self.onmessage = async ({ data }) => {
  const { key, app, appDigest, lockText, info, index, cache: cacheName, entry, digestHeader } = data;
  try {
    const [{ loadPyodide }, createModule] = await Promise.all([
      import(index + "pyodide.mjs"),
      import(index + "pyodide.asm.mjs").then((m) => m.default),
    ]);
    const native = { nativeModule: WebAssembly.compileStreaming(fetch(index + info.native.file)), nativePath: info.native.path };
    const pyodide = await loadPyodide({
      indexURL: index, packageBaseUrl: index, lockFileContents: lockText, _makeSnapshot: true,
      stdout: () => {}, stderr: () => {}, createPyodideModule: withNativeModule(createModule, native),
    });
    await pyodide.loadPackage("pydantic", { messageCallback: () => {} });
    const archive = new Uint8Array(await (await fetch(app)).arrayBuffer());
    if (await sha256(archive) !== appDigest) throw new Error("the app changed while its snapshot was being made");
    pyodide.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
    const bundle = makeBundle(pyodide, { key, nativePath: info.native.path });
    const digest = await sha256(bundle);
    const cache = await caches.open(cacheName);
    await cache.put(entry, new Response(bundle, { headers: { "content-type": "application/octet-stream", [digestHeader]: digest } }));
    for (const request of await cache.keys()) if (request.url !== entry) await cache.delete(request);
    self.postMessage({ ok: true, bytes: bundle.length });
  } catch (error) {
    self.postMessage({ ok: false, reason: String(error?.message ?? error).split("\n")[0] });
  }
};
