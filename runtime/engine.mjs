// Memory snapshots of Pyodide with pydantic and the app's core loaded: how to make one and how
// to start from one. Plain JavaScript with no browser API, so the page (runtime/pyodide.mjs),
// the worker that makes snapshots (runtime/snapshot-worker.mjs) and the Node.js test runner
// (tests/pyodide/run_unit.mjs) all use this one file.
//
// Pyodide's snapshot options (_makeSnapshot, _loadSnapshot) are private, and a snapshot holds
// only the WebAssembly heap. What else a restore needs, found and pinned here (see the README,
// "Boot paths", and ../shared/platform-facts.md):
//  - pydantic-core's native module lives outside the heap. It is loaded by `withNativeModule` at
//    the same point of every start-up, before Python runs, so its memory and function-table slots
//    are the same in the run that makes a snapshot and the run that restores it.
//  - `loadedPackages` must be empty while the snapshot is taken; it is refilled after.
//  - The heap must be grown to the snapshot's size before it is copied in.
//  - The in-memory file system is not in the heap: the files of the installed packages travel
//    in the bundle beside the heap and are written back.
//  - dlopen handles held by C are re-attached to the JavaScript side of the dynamic linker.
//  - `random` was seeded when the snapshot was made: it is seeded again.

export const FORMAT = "cloudtalk-snapshot/1";
const mark = (name) => globalThis.performance?.mark?.(`runtime-${name}`);
const MAGIC = 0x50414e53; // "SNAP"
const SITE_PACKAGES = "/lib/python3.14/site-packages";
const HOME = "/home/pyodide";
const PACKAGE = "cloudtalk";

/** Wrap pyodide.asm.mjs's module factory so that pydantic-core's native module is linked at start-up.
 *  `heapBytes`: grow the memory to this size before Pyodide restores a snapshot into it. */
export function withNativeModule(createModule, { nativeModule, nativePath, heapBytes = 0 }) {
  return (settings) => {
    mark("factory");
    const preRun = settings.preRun ? [].concat(settings.preRun) : [];
    settings.preRun = [...preRun, (Module) => {
      Module.addRunDependency("cloudtalk-native-module");
      (async () => {
        mark("native-wait");
        const compiled = await nativeModule;
        mark("native-link");
        // Before the runtime is initialised, memory for the library comes from the top of the
        // static heap, not malloc: the same addresses in every start-up of this build.
        const dso = Module.newDSO(nativePath, undefined, "loading");
        const exports = await Module.loadWebAssemblyModule(
          compiled, { loadAsync: true, nodelete: true, allowUndefined: true }, nativePath, {});
        dso.exports = exports;
        Module.reportUndefinedSymbols();
        // Python finds extension modules by file name; the code itself is linked above.
        Module.FS.mkdirTree(nativePath.slice(0, nativePath.lastIndexOf("/")));
        Module.FS.writeFile(nativePath, "linked at start-up by runtime/engine.mjs\n");
        if (heapBytes > Module.HEAP8.length) Module.growMemory(heapBytes);
        mark("native-linked");
      })().then(
        () => Module.removeRunDependency("cloudtalk-native-module"),
        (error) => { Module.cloudtalkStartError = error; Module.removeRunDependency("cloudtalk-native-module"); },
      );
    }];
    return createModule(settings).then((Module) => {
      if (Module.cloudtalkStartError) throw Module.cloudtalkStartError;
      return Module;
    });
  };
}

// Runs in the instance that makes the snapshot: imports the app's modules (`snapshot_modules`, set
// before) and runs a sample call through the core, so that the models are built and the message path
// has run once.
// Open files are not part of a snapshot (their descriptors live in JavaScript), so none may stay
// open in it: importlib.metadata keeps the standard library's zip open in a cache (pydantic reads
// entry points through it), which is emptied and closed.
const WARM_UP = `
import gc, importlib, importlib.metadata, zipfile
importlib.invalidate_caches()
for name in snapshot_modules:
    importlib.import_module(name)
del name, snapshot_modules
from cloudtalk.app import warm_up
assert warm_up() is not None
importlib.metadata.FastPath.__new__.cache_clear()
gc.collect()
still_open = [z.filename for z in gc.get_objects() if isinstance(z, zipfile.ZipFile) and z.fp is not None]
assert not still_open, f"files still open, which a snapshot cannot keep: {still_open}"
`;

// Runs right after a restore, before anything else uses Python.
const AFTER_RESTORE = `
import importlib, random
random.seed()  # the generator's state was frozen into the snapshot
importlib.invalidate_caches()
from cloudtalk.app import self_check
self_check()
`;

/** Make a bundle: the snapshot of an instance loaded with `_makeSnapshot` and the packages, plus
 *  what it needs beside the heap. Every module of the app's package, already in the home folder
 *  (`cloudtalk/`), is imported into the snapshot, and its files travel with it. */
export function makeBundle(py, { key, nativePath }) {
  const app = [];
  collect(py.FS, `${HOME}/${PACKAGE}`, "", app);
  const modules = app.map(([path]) => path.slice(HOME.length + 1).replace(/(\/__init__)?\.py$/, "").replaceAll("/", "."));
  py.globals.set("snapshot_modules", modules);
  py.runPython(WARM_UP);
  const files = [...app];
  collect(py.FS, SITE_PACKAGES, nativePath, files);
  const LDSO = py._module.LDSO;
  const handles = Object.fromEntries(
    Object.entries(LDSO.loadedLibsByHandle).filter(([, dso]) => dso.name !== "__main__").map(([handle, dso]) => [handle, dso.name]));
  const loaded = py.loadedPackages;
  const packages = { ...loaded };
  for (const name of Object.keys(packages)) delete loaded[name];
  let heap;
  try {
    heap = py.makeMemorySnapshot();
  } finally {
    Object.assign(loaded, packages);
  }
  return pack({ format: FORMAT, key, handles, packages }, files, heap);
}

function collect(FS, dir, skip, out) {
  for (const name of FS.readdir(dir)) {
    if (name === "." || name === ".." || name === "__pycache__") continue;
    const path = `${dir}/${name}`;
    if (path === skip) continue;
    if (FS.isDir(FS.stat(path).mode)) collect(FS, path, skip, out);
    else out.push([path, FS.readFile(path)]);
  }
}

// Bundle layout: u32 magic, u32 header length, the header (JSON, UTF-8), padding to 16 bytes,
// the package files one after another, padding, then Pyodide's snapshot (header, JSON, heap).
function pack(meta, files, heap) {
  let filesLength = 0;
  meta.files = files.map(([path, data]) => { const entry = [path, filesLength, data.length]; filesLength += data.length; return entry; });
  const header = new TextEncoder().encode(JSON.stringify(meta));
  const filesStart = align(8 + header.length);
  const heapStart = align(filesStart + filesLength);
  const out = new Uint8Array(heapStart + heap.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  for (const [index, [, data]] of files.entries()) out.set(data, filesStart + meta.files[index][1]);
  out.set(heap, heapStart);
  return out;
}

const align = (n) => Math.ceil(n / 16) * 16;

/** Read a bundle's header and locate its parts; throws with a reason a person can read. */
export function readBundle(bytes, expectedKey) {
  if (bytes.length < 8) throw new Error("the stored snapshot is truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error("the stored snapshot is not one (wrong magic number)");
  const headerLength = view.getUint32(4, true);
  let meta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error("the stored snapshot's header is unreadable");
  }
  if (meta.format !== FORMAT) throw new Error(`the stored snapshot has format ${meta.format}, this app reads ${FORMAT}`);
  if (meta.key !== expectedKey) throw new Error("the stored snapshot was made for another version of the runtime or the app");
  const filesStart = align(8 + headerLength);
  const filesLength = meta.files.reduce((total, [, , length]) => total + length, 0);
  const heap = bytes.subarray(align(filesStart + filesLength));
  if (heap.length < 16) throw new Error("the stored snapshot is truncated");
  const heapView = new DataView(heap.buffer, heap.byteOffset, 16);
  const heapBytes = heap.length - heapView.getUint32(4, true); // Pyodide's header: magic, offset of the heap
  if (heapBytes <= 0) throw new Error("the stored snapshot is truncated");
  return { meta, heap, heapBytes, files: meta.files.map(([path, at, length]) => [path, bytes.subarray(filesStart + at, filesStart + at + length)]) };
}

/** Finish a restore: files back on disk, the linker and the package list as they were, then check
 *  that the models work. Throws if anything does not hold. */
export function finishRestore(py, bundle) {
  mark("finish");
  for (const [path, data] of bundle.files) {
    py.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    py.FS.writeFile(path, data);
  }
  const LDSO = py._module.LDSO;
  for (const [handle, name] of Object.entries(bundle.meta.handles)) {
    const dso = LDSO.loadedLibsByName[name];
    if (!dso) throw new Error(`the snapshot expects ${name}, which was not linked at start-up`);
    LDSO.loadedLibsByHandle[handle] = dso;
  }
  Object.assign(py.loadedPackages, bundle.meta.packages);
  py.runPython(AFTER_RESTORE);
}

/** Pyodide's snapshot heap, handed to loadPyodide's `_loadSnapshot`. */
export const heapOf = (bundle) => bundle.heap;

/** Hex SHA-256 of some bytes, with Web Crypto (browsers and Node.js). */
export async function sha256(data) {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", typeof data === "string" ? new TextEncoder().encode(data) : data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key a snapshot is stored under: the exact runtime (its pins, Pyodide's version and lock) and
 *  the app's modules (the archive's digest, or any text standing for them). Any change makes a new
 *  key, so an old snapshot is never used. */
export async function snapshotKey({ runtime, version, lockText, app }) {
  return sha256([FORMAT, runtime, version, await sha256(lockText), await sha256(app)].join("\n"));
}
