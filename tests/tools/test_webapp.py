"""serve_tools/webapp.py and serve_tools/sw.js: the manifest, the worker's list and version, the build's and
the development server's copies, and the worker's decisions (in Node: tests/tools/service_worker.test.mjs)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from serve_tools import build, webapp  # noqa: E402


def listed(worker: bytes) -> tuple[str, list[list[str]]]:
    text = worker.decode()
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', text)
    files = re.search(r"const FILES = (\[.*?\n\]);", text, re.S)
    assert version and files, text[:300]
    return version.group(1), json.loads(files.group(1))


def sri(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("built") / "site"
    build.build(dest)
    return dest


def test_the_manifest_is_complete():
    manifest = json.loads(webapp.manifest_bytes())
    for field in ("name", "short_name", "start_url", "scope", "display", "theme_color", "background_color", "icons", "shortcuts"):
        assert manifest[field], field
    assert manifest["display"] == "standalone"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        assert (ROOT / icon["src"]).is_file(), icon["src"]


def test_the_build_stores_the_shell_and_the_runtime_each_with_its_digest(built: Path):
    version, files = listed((built / "sw.js").read_bytes())
    paths = [path for path, _ in files]
    for needed in ("index.html", "app.css", "pyscript.toml", "app.webmanifest", "py/app.zip", "py/app.zip.sha256", "py/boot.py",
                   "py/main.py", "py/cloudtalk/config.py", "py/cloudtalk/browser/ffi.py", "runtime/pyodide.mjs", "runtime/engine.mjs",
                   "runtime/snapshot-worker.mjs", "vendor/pyodide/pyodide.asm.wasm", "vendor/pyodide/runtime.json",
                   "vendor/pyodide/pydantic-2.14.3-py3-none-any.whl", "vendor/pyscript/core.js",
                   "vendor/micropython/micropython.wasm", "icons/icon-192.png"):
        assert needed in paths, needed
    assert "sw.js" not in paths and not any(p.startswith(("simulator/", "vendor/test-wheels", "vendor/pyodide-stock")) for p in paths)
    assert paths == sorted(paths)
    for path, digest in files:
        assert digest == sri((built / path).read_bytes()), path
    assert (built / "app.webmanifest").read_bytes() == webapp.manifest_bytes()
    assert version == hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]


def test_one_changed_file_makes_a_new_version(built: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(built, copy)
    before, _ = listed((copy / "sw.js").read_bytes())
    assert webapp.write(copy) == before, "the same files, the same version"
    (copy / "py/boot.py").write_text((copy / "py/boot.py").read_text() + "\n# changed\n")
    after = webapp.write(copy)
    assert after != before
    _, files = listed((copy / "sw.js").read_bytes())
    assert dict(files)["py/boot.py"] == sri((copy / "py/boot.py").read_bytes())


def test_the_development_server_makes_both_on_request_over_what_it_sends(site: str):
    with urllib.request.urlopen(site + "/app.webmanifest") as response:
        assert response.headers["Content-Type"] == "application/manifest+json"
        assert response.read() == webapp.manifest_bytes()
    with urllib.request.urlopen(site + "/sw.js") as response:
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        _, files = listed(response.read())
    digests = dict(files)
    for path in ("index.html", "py/app.zip", "vendor/pyodide/runtime.json"):
        with urllib.request.urlopen(f"{site}/{path}") as response:
            assert digests[path] == sri(response.read()), path


def test_the_test_server_stores_the_pages_it_changes_as_it_sends_them():
    from tests.e2e.site import WatchedSite, serving

    with serving(WatchedSite) as base:
        with urllib.request.urlopen(base + "/sw.js") as response:
            digests = dict(listed(response.read())[1])
        with urllib.request.urlopen(base + "/index.html") as response:
            page = response.read()
    assert b"/tests/e2e/watch.js" in page
    assert digests["index.html"] == sri(page) and "tests/e2e/watch.js" in digests


def test_the_workers_decisions_in_node(built: Path):
    node = shutil.which("node")
    assert node, "Node.js runs the core tests in Pyodide too (tests/run.sh)"
    result = subprocess.run([node, "--test", str(ROOT / "tests/tools/service_worker.test.mjs")], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "SW_JS": str(built / "sw.js")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"# pass 10\b", result.stdout), result.stdout
