// Runs tests/unit inside Pyodide (Python 3.14 on WebAssembly) under Node.js,
// with the vendored runtime and pydantic: the same code the browser runs.
//   node tests/pyodide/run_unit.mjs [pytest args...]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { loadPyodide } = await import(join(root, "vendor/pyodide/pyodide.mjs"));

const pyodide = await loadPyodide({ indexURL: join(root, "vendor/pyodide") + "/" });
await pyodide.loadPackage("pydantic", { messageCallback: () => {} });
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
print(f"Python {platform.python_version()} on {sys.platform} (Pyodide)", flush=True)
import pytest
pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", "/project", "-c", "/project/pyproject.toml",
             "/project/tests/unit", *extra_args.to_py()])
`);
process.exit(Number(code));
