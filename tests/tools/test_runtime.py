"""runtime/: the snapshot's core module list agrees with pyscript.toml, and the interpreter is ours."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def core_in_loader() -> list[str]:
    source = (ROOT / "runtime/pyodide.mjs").read_text()
    block = re.search(r"export const CORE = \[(.*?)\]\.map", source, re.S)
    assert block, "runtime/pyodide.mjs: CORE not found"
    return sorted(f"cloudtalk/{name}.py" for name in re.findall(r'"(\w+)"', block.group(1)))


def test_the_snapshot_holds_every_pure_core_module_and_nothing_of_the_browser_layer():
    files = tomllib.loads((ROOT / "pyscript.toml").read_text())["files"]
    core = sorted(target for target in files.values() if re.fullmatch(r"cloudtalk/\w+\.py", target))
    assert core_in_loader() == core
    assert core == sorted(f"cloudtalk/{p.name}" for p in (ROOT / "py/cloudtalk").glob("*.py"))
    for path in core:  # nothing in a snapshot may hold a browser object
        tree = ast.parse((ROOT / "py" / path).read_text())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level}
        assert not imported & {"js", "pyodide", "pyscript", "pyodide_js"}, path


def test_pyscript_starts_the_app_through_the_snapshot_loader():
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    assert config["interpreter"] == "runtime/pyodide.mjs"
    assert config["packages_cache"] == "passthrough"
    loader = (ROOT / "runtime/pyodide.mjs").read_text()
    started_early = re.search(r"const PACKAGES = (\[.*?\]);", loader)
    assert started_early and eval(started_early.group(1)) == config["packages"], "the early start loads pyscript.toml's packages"
