"""runtime/ and py/app.zip: what a snapshot holds, and that PyScript gets the same modules."""

from __future__ import annotations

import ast
import io
import re
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from serve_tools.appfiles import app_archive, app_digest, members  # noqa: E402

PACKAGE = sorted(str(p.relative_to(ROOT / "py")) for p in (ROOT / "py/cloudtalk").rglob("*.py"))


def test_the_archive_holds_the_package_and_the_integrators_handlers_and_is_the_same_for_the_same_sources():
    data = app_archive(ROOT / "py")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted([*PACKAGE, "integrations.py"])
        assert archive.read("cloudtalk/events.py") == (ROOT / "py/cloudtalk/events.py").read_bytes()
    assert app_archive(ROOT / "py") == data, "an unchanged app keeps its snapshot key"
    import hashlib

    assert app_digest(ROOT / "py") == hashlib.sha256(data).hexdigest().encode(), "the key's digest is the archive's"
    assert [name for name, _ in members(ROOT / "py")] == sorted([*PACKAGE, "integrations.py"])


def test_pyscript_starts_the_app_through_the_snapshot_loader_with_the_archive():
    config = tomllib.loads((ROOT / "pyscript.toml").read_text())
    assert config["interpreter"] == "runtime/pyodide.mjs"
    assert config["files"] == {"py/app.zip": "./*"}
    assert config["packages_cache"] == "passthrough"
    loader = (ROOT / "runtime/pyodide.mjs").read_text()
    started_early = re.search(r"const PACKAGES = (\[.*?\]);", loader)
    assert started_early and eval(started_early.group(1)) == config["packages"], "the early start loads pyscript.toml's packages"


def test_no_module_of_the_package_touches_the_page_when_imported():
    # The snapshot is made in a worker, which has no page: module level may import, define and assign
    # plain values, never reach for the browser.
    # A module-level try (browser/ffi.py: Pyodide's FFI, else MicroPython's) is held to the same rules inside.
    for path in PACKAGE:
        tree = ast.parse((ROOT / "py" / path).read_text())
        nodes = list(tree.body)
        while nodes:
            node = nodes.pop()
            if isinstance(node, ast.Try):
                nodes += [*node.body, *node.orelse, *node.finalbody, *(n for h in node.handlers for n in h.body)]
                continue
            assert isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                              | ast.Assign | ast.AnnAssign | ast.Expr | ast.If), f"{path}: {ast.dump(node)[:80]}"
            value = getattr(node, "value", None)
            if isinstance(node, ast.Assign | ast.AnnAssign) and value is not None:
                names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
                assert not names & {"js", "document", "window", "create_proxy", "to_js"}, f"{path}: a module-level value from the browser"


def test_the_core_never_imports_the_browser():
    for path in (p for p in PACKAGE if "/browser/" not in p):
        tree = ast.parse((ROOT / "py" / path).read_text())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level}
        assert not imported & {"js", "pyodide", "pyscript", "pyodide_js"}, path
