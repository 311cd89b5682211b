// Runs serve_tools/precompile_job.py inside the vendored Pyodide under Node.js, so that Pyodide's
// own Python 3.14 compiles the bytecode the browser will load.
//   node precompile.mjs <vendor/pyodide folder> <modules.json> <wheel file names...>
import { readFileSync } from "node:fs";

const [dir, modulesFile, ...wheels] = process.argv.slice(2);
const { loadPyodide } = await import(dir + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: dir + "/", env: { HOME: "/home/pyodide", PYTHONNODEBUGRANGES: "1" } });
py.FS.mkdirTree("/vendor");
py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, "/vendor");
py.globals.set("wanted", JSON.parse(readFileSync(modulesFile, "utf8")));
py.globals.set("wheels", wheels);
py.runPython(readFileSync(new URL("precompile_job.py", import.meta.url), "utf8"));
