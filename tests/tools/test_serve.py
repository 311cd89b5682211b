"""serve.py: pinned and verified runtime, the vendored lock, serving, and clear failures."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import serve  # noqa: E402


def make_wheel(folder: Path, name: str, version: str, requires: list[str], package: str) -> Path:
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(f"{package}/__init__.py", "")
        wheel.writestr(f"{name.replace('-', '_')}-{version}.dist-info/METADATA", metadata + "\nlong description\nRequires-Dist: not-a-real-one\n")
    return path


def test_verify_refuses_a_file_whose_hash_differs(tmp_path):
    file = tmp_path / "pyodide.asm.wasm"
    file.write_bytes(b"tampered")
    with pytest.raises(serve.SetupError, match=r"hash mismatch for pyodide\.asm\.wasm"):
        serve.verify(file, "0" * 64)
    serve.verify(file, serve.sha256_of(file))


def test_a_hash_mismatch_during_fetch_exits_non_zero_with_a_clear_error(tmp_path, monkeypatch, capsys):
    bad = serve.WheelPin("annotated-types==0.8.0", "annotated_types-0.8.0-py3-none-any.whl", "f" * 64)
    monkeypatch.setattr(serve, "WHEEL_PINS", (bad,))
    monkeypatch.setattr(serve, "NPM_PINS", ())
    monkeypatch.setattr(serve, "VENDOR", tmp_path / "vendor")
    monkeypatch.setattr(sys, "argv", ["serve.py", "prepare"])
    code = serve.main(["prepare"])
    assert code == 2
    assert "hash mismatch for annotated_types-0.8.0-py3-none-any.whl" in capsys.readouterr().err
    assert not (tmp_path / "vendor").exists(), "nothing half-prepared is left behind as vendor/"


def test_a_missing_npm_is_reported(monkeypatch):
    monkeypatch.setattr(serve.shutil, "which", lambda _name: None)
    with pytest.raises(serve.SetupError, match=r"`npm` was not found"):
        serve.fetch_npm(serve.NPM_PINS[0], Path("/tmp"))


def test_the_vendored_lock_lists_exactly_the_wheels_with_their_own_metadata(tmp_path):
    core = serve.read_wheel(make_wheel(tmp_path, "pydantic-core", "2.50.4", ["typing-extensions>=4.16.0"], "pydantic_core"))
    ext = serve.read_wheel(make_wheel(tmp_path, "typing_extensions", "4.16.0", [], "typing_extensions"))
    top = serve.read_wheel(
        make_wheel(tmp_path, "pydantic", "2.14.3", ["pydantic-core==2.50.4", "typing-extensions>=4.16.0", "email-validator>=2; extra == 'email'"], "pydantic")
    )
    original = {
        "info": {"abi_version": "2026_0", "python": "3.14.2"},
        "packages": {"pydantic": {"file_name": "old.whl", "imports": ["pydantic"], "version": "2.12.5"}, "numpy": {"file_name": "numpy.whl"}},
    }
    lock = serve.vendored_lock(original, [core, ext, top])
    assert lock["info"] == original["info"]
    assert sorted(lock["packages"]) == ["pydantic", "pydantic-core", "typing-extensions"]
    entry = lock["packages"]["pydantic"]
    assert (entry["file_name"], entry["version"], entry["sha256"]) == (top.file_name, "2.14.3", top.sha256)
    assert entry["depends"] == ["pydantic-core", "typing-extensions"]
    assert lock["packages"]["pydantic-core"]["imports"] == ["pydantic_core"]


def test_a_wheel_whose_dependency_is_not_vendored_is_an_error(tmp_path):
    lonely = serve.read_wheel(make_wheel(tmp_path, "pydantic", "2.14.3", ["pydantic-core==2.50.4"], "pydantic"))
    with pytest.raises(serve.SetupError, match="depends on pydantic-core"):
        serve.vendored_lock({"info": {}, "packages": {}}, [lonely])


def test_the_real_vendor_folder_matches_the_pins():
    assert serve.vendor_is_current(), "run `python3 serve.py prepare` (tests/run.sh does)"
    lock = json.loads((ROOT / "vendor/pyodide/pyodide-lock.json").read_text())
    stock_lock = json.loads((ROOT / "vendor/pyodide-stock/pyodide-lock.json").read_text())
    for pin in serve.WHEEL_PINS:
        stock = ROOT / "vendor/pyodide-stock" / pin.file_name
        assert serve.sha256_of(stock) == pin.sha256, "the published wheel, untouched"
        assert any(p["file_name"] == pin.file_name and p["sha256"] == pin.sha256 for p in stock_lock["packages"].values())
        shipped = ROOT / "vendor/pyodide" / pin.file_name
        assert any(p["file_name"] == pin.file_name and p["sha256"] == serve.sha256_of(shipped) for p in lock["packages"].values())
        with zipfile.ZipFile(shipped) as wheel, zipfile.ZipFile(stock) as original:
            assert_precompiled(original, wheel)
            record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
            listed = {row.split(",")[0] for row in wheel.read(record).decode().splitlines()}
            assert listed == set(wheel.namelist()), "RECORD lists exactly the files shipped"
    with zipfile.ZipFile(ROOT / "vendor/pyodide/python_stdlib.zip") as shipped, \
            zipfile.ZipFile(ROOT / "vendor/pyodide-stock/python_stdlib.zip") as original:
        assert_precompiled(original, shipped)
    assert not list((ROOT / "vendor").rglob("*.map"))


def assert_precompiled(original: zipfile.ZipFile, shipped: zipfile.ZipFile) -> None:
    """Listed modules become sourceless bytecode (all of one Python version); every other file is unchanged."""
    wanted = set(serve.precompiled_modules())
    names = set(shipped.namelist())
    for name in original.namelist():
        if not name.endswith(".py"):
            continue
        module = name[:-3].replace("/", ".").removesuffix(".__init__")
        if module in wanted:
            assert name not in names and name[:-3] + ".pyc" in names, name
            pyc = shipped.read(name[:-3] + ".pyc")
            assert pyc[4:8] == b"\x01\x00\x00\x00", "unchecked hash-based pyc"
        else:
            assert shipped.read(name) == original.read(name), name
    magic = {shipped.read(n)[:4] for n in names if n.endswith(".pyc")}
    assert len(magic) <= 1, "one interpreter compiled them all"


@pytest.fixture
def server():
    httpd = serve.http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **kw: serve.SiteHandler(*a, directory=str(ROOT), **kw))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(url: str, gzip_ok: bool = True):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


@pytest.mark.parametrize(
    ("path", "mime", "gzipped"),
    [
        ("/vendor/pyodide/pyodide.asm.wasm", "application/wasm", True),
        ("/vendor/pyodide/pyodide.mjs", "text/javascript; charset=utf-8", True),
        ("/index.html", "text/html; charset=utf-8", True),
        ("/vendor/pyodide/python_stdlib.zip", "application/zip", False),
    ],
)
def test_files_are_served_with_exact_types_and_gzip_when_accepted(server, path, mime, gzipped):
    headers, body = fetch(server + path)
    assert headers["Content-Type"] == mime
    assert (headers.get("Content-Encoding") == "gzip") is gzipped
    plain = (ROOT / path.lstrip("/")).read_bytes()
    assert (gzip.decompress(body) if gzipped else body) == plain
    headers, body = fetch(server + path, gzip_ok=False)
    assert headers.get("Content-Encoding") is None and body == plain


def test_a_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "serve.py", "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_build_writes_a_static_site(tmp_path):
    out = tmp_path / "site"
    result = subprocess.run([sys.executable, "serve.py", "build", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for required in ["index.html", "pyscript.toml", "app.css", "py/main.py", "py/boot.py", "py/cloudtalk/events.py",
                     "vendor/pyodide/pyodide.asm.wasm", "vendor/pyscript/core.js", "vendor/micropython/micropython.wasm"]:
        assert (out / required).is_file(), required
    assert not list(out.rglob("__pycache__"))
    assert not (out / "vendor/test-wheels").exists()
    assert not (out / "vendor/pyodide-stock").exists(), "the benchmark's floor runtime is never deployed"


def test_build_refuses_to_overwrite_the_project():
    assert serve.main(["build", str(ROOT)]) == 2


def test_every_file_the_page_preloads_exists():
    import re

    html = (ROOT / "index.html").read_text()
    preloaded = re.findall(r'<link rel="(?:module)?preload" href="([^"]+)"', html)
    assert len(preloaded) >= 5
    missing = [href for href in preloaded if not (ROOT / href).is_file()]
    assert missing == [], f"preloads point at files that are not there (a pin changed?): {missing}"
