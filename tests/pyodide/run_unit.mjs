// Runs tests/unit inside Pyodide (Python 3.14 on WebAssembly) under Node.js, in an instance
// started from a memory snapshot, the way the browser starts on a repeat visit: the vendored
// runtime makes a snapshot with pydantic and the core loaded (runtime/engine.mjs), a second
// instance is restored from it, and pytest runs there. If a pin upgrade breaks the restore
// technique, this fails here, loudly, before any browser sees it.
//   node tests/pyodide/run_unit.mjs [pytest args...]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { finishRestore, heapOf, makeBundle, readBundle, snapshotKey, withNativeModule } from "../../runtime/engine.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const indexURL = join(root, "vendor/pyodide") + "/";
const { loadPyodide, version } = await import(join(indexURL, "pyodide.mjs"));
const createModule = (await import(join(indexURL, "pyodide.asm.mjs"))).default;
const runtime = JSON.parse(readFileSync(join(indexURL, "runtime.json"), "utf8"));
const lockText = readFileSync(join(indexURL, "pyodide-lock.json"), "utf8");
const nativeModule = WebAssembly.compile(readFileSync(join(indexURL, runtime.native.file)));
const native = { nativeModule, nativePath: runtime.native.path };
const quiet = { stdout: () => {}, stderr: (line) => console.error(line) };

// The whole package, as the browser's worker snapshots it: the browser layer is imported too (it
// must not touch the page when imported, which this checks: Node has no page either).
const app = readdirSync(join(root, "py/cloudtalk"), { recursive: true }).filter((n) => n.endsWith(".py") && !n.includes("__pycache__")).sort();
const key = await snapshotKey({ runtime: runtime.fingerprint, version, lockText, app: app.map((n) => n + readFileSync(join(root, "py/cloudtalk", n), "utf8")).join("\0") });

let started = performance.now();
const maker = await loadPyodide({
  indexURL, packageBaseUrl: indexURL, lockFileContents: lockText, _makeSnapshot: true, ...quiet,
  createPyodideModule: withNativeModule(createModule, native),
});
await maker.loadPackage("pydantic", { messageCallback: () => {} });
for (const name of app) {
  maker.FS.mkdirTree(dirname(`/home/pyodide/cloudtalk/${name}`));
  maker.FS.writeFile(`/home/pyodide/cloudtalk/${name}`, readFileSync(join(root, "py/cloudtalk", name)));
}
const bytes = makeBundle(maker, { key, nativePath: runtime.native.path });
const made = performance.now() - started;
// What `random` would give next had the restore not reseeded it: the state frozen into the snapshot.
const frozen = maker.runPython("import random; random.random()");

started = performance.now();
const bundle = readBundle(bytes, key);
const pyodide = await loadPyodide({
  indexURL, packageBaseUrl: indexURL, lockFileContents: lockText, _loadSnapshot: heapOf(bundle), ...quiet,
  stdout: (line) => console.log(line),
  createPyodideModule: withNativeModule(createModule, { ...native, heapBytes: bundle.heapBytes }),
});
finishRestore(pyodide, bundle);
if (pyodide.runPython("import random; random.random()") === frozen) {
  console.error("random was not reseeded after the restore: every start would draw the same numbers");
  process.exit(1);
}
console.log(`Snapshot: ${(bytes.length / 1e6).toFixed(1)} MB, made in ${(made / 1000).toFixed(1)} s; ` +
  `restored and checked in ${((performance.now() - started) / 1000).toFixed(2)} s; the tests run in the restored instance`);

pyodide.setStdout({ write: (bytes) => { process.stdout.write(bytes); return bytes.length; } });
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
const wheels = join(root, "vendor/test-wheels");
for (const name of readdirSync(wheels).filter((n) => n.endsWith(".whl"))) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(join(wheels, name))), "wheel", { extractDir: sitePackages });
}
pyodide.FS.mkdirTree("/project");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root }, "/project");
pyodide.globals.set("extra_args", process.argv.slice(2));
const code = await pyodide.runPythonAsync(`
import os, sys, platform, importlib
importlib.invalidate_caches()
os.chdir("/tmp")  # hypothesis and pytest caches stay in memory, not in the project
# The core in the snapshot is the project's own (the key covers its source): tests use those modules.
assert sys.modules["cloudtalk.events"].__file__.startswith("/home/pyodide/cloudtalk/"), "not running from the snapshot"
print(f"Python {platform.python_version()} on {sys.platform} (Pyodide, restored from a memory snapshot)", flush=True)
import pytest
pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", "/project", "-c", "/project/pyproject.toml",
             "/project/tests/unit", *extra_args.to_py()])
`);
process.exit(Number(code));
