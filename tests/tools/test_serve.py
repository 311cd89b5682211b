"""serve.py and serve_tools/: pinned and verified runtime, the vendored lock, the native module split out for snapshots, serving, and clear failures."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import serve  # noqa: E402
from serve_tools import SetupError, fetch, lock, pins, prepare, snapshot  # noqa: E402


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
    with pytest.raises(SetupError, match=r"hash mismatch for pyodide\.asm\.wasm"):
        fetch.verify(file, "0" * 64)
    fetch.verify(file, fetch.sha256_of(file))


def test_a_hash_mismatch_during_fetch_exits_non_zero_with_a_clear_error(tmp_path, monkeypatch, capsys):
    bad = pins.WheelPin("annotated-types==0.8.0", "annotated_types-0.8.0-py3-none-any.whl", "f" * 64)
    monkeypatch.setattr(prepare, "WHEEL_PINS", (bad,))
    monkeypatch.setattr(pins, "WHEEL_PINS", (bad,))
    monkeypatch.setattr(prepare, "NPM_PINS", ())
    monkeypatch.setattr(prepare, "VENDOR", tmp_path / "vendor")
    monkeypatch.setattr(sys, "argv", ["serve.py", "prepare"])
    code = serve.main(["prepare"])
    assert code == 2
    assert "hash mismatch for annotated_types-0.8.0-py3-none-any.whl" in capsys.readouterr().err
    assert not (tmp_path / "vendor").exists(), "nothing half-prepared is left behind as vendor/"


def test_a_missing_npm_is_reported(monkeypatch):
    monkeypatch.setattr(fetch.shutil, "which", lambda _name: None)
    with pytest.raises(SetupError, match=r"`npm` was not found"):
        fetch.fetch_npm(pins.NPM_PINS[0], Path("/tmp"))


def test_the_vendored_lock_lists_exactly_the_wheels_with_their_own_metadata(tmp_path):
    core = lock.read_wheel(make_wheel(tmp_path, "pydantic-core", "2.50.4", ["typing-extensions>=4.16.0"], "pydantic_core"))
    ext = lock.read_wheel(make_wheel(tmp_path, "typing_extensions", "4.16.0", [], "typing_extensions"))
    top = lock.read_wheel(
        make_wheel(tmp_path, "pydantic", "2.14.3", ["pydantic-core==2.50.4", "typing-extensions>=4.16.0", "email-validator>=2; extra == 'email'"], "pydantic")
    )
    original = {
        "info": {"abi_version": "2026_0", "python": "3.14.2"},
        "packages": {"pydantic": {"file_name": "old.whl", "imports": ["pydantic"], "version": "2.12.5"}, "numpy": {"file_name": "numpy.whl"}},
    }
    vendored = lock.vendored_lock(original, [core, ext, top])
    assert vendored["info"] == original["info"]
    assert sorted(vendored["packages"]) == ["pydantic", "pydantic-core", "typing-extensions"]
    entry = vendored["packages"]["pydantic"]
    assert (entry["file_name"], entry["version"], entry["sha256"]) == (top.file_name, "2.14.3", top.sha256)
    assert entry["depends"] == ["pydantic-core", "typing-extensions"]
    assert vendored["packages"]["pydantic-core"]["imports"] == ["pydantic_core"]


def test_a_wheel_whose_dependency_is_not_vendored_is_an_error(tmp_path):
    lonely = lock.read_wheel(make_wheel(tmp_path, "pydantic", "2.14.3", ["pydantic-core==2.50.4"], "pydantic"))
    with pytest.raises(SetupError, match="depends on pydantic-core"):
        lock.vendored_lock({"info": {}, "packages": {}}, [lonely])


def test_the_real_vendor_folder_matches_the_pins():
    assert prepare.vendor_is_current(), "run `python3 serve.py prepare` (tests/run.sh does)"
    shipped_lock = json.loads((ROOT / "vendor/pyodide/pyodide-lock.json").read_text())
    stock_lock = json.loads((ROOT / "vendor/pyodide-stock/pyodide-lock.json").read_text())
    for pin in pins.WHEEL_PINS:
        stock = ROOT / "vendor/pyodide-stock" / pin.file_name
        assert fetch.sha256_of(stock) == pin.sha256, "the published wheel, untouched"
        assert any(p["file_name"] == pin.file_name and p["sha256"] == pin.sha256 for p in stock_lock["packages"].values())
        shipped = ROOT / "vendor/pyodide" / pin.file_name
        assert any(p["file_name"] == pin.file_name and p["sha256"] == fetch.sha256_of(shipped) for p in shipped_lock["packages"].values())
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
    wanted = set(pins.precompiled_modules())
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


def get(url: str, gzip_ok: bool = True):
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
        ("/runtime/pyodide.mjs", "text/javascript; charset=utf-8", True),
    ],
)
def test_files_are_served_with_exact_types_and_gzip_when_accepted(site, path, mime, gzipped):
    headers, body = get(site + path)
    assert headers["Content-Type"] == mime
    assert (headers.get("Content-Encoding") == "gzip") is gzipped
    plain = (ROOT / path.lstrip("/")).read_bytes()
    assert (gzip.decompress(body) if gzipped else body) == plain
    headers, body = get(site + path, gzip_ok=False)
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
                     "runtime/phone-lock.mjs", "runtime/pyodide.mjs", "runtime/engine.mjs", "runtime/snapshot-worker.mjs",
                     "vendor/pyodide/runtime.json",
                     "py/app.zip", "py/app.zip.sha256",
                     "vendor/pyodide/pyodide.asm.wasm", "vendor/pyscript/core.js", "vendor/micropython/micropython.wasm"]:
        assert (out / required).is_file(), required
    assert not list(out.rglob("__pycache__"))
    assert not (out / "vendor/test-wheels").exists()
    assert not (out / "vendor/pyodide-stock").exists(), "the benchmark's floor runtime is never deployed"
    import hashlib

    assert (out / "py/app.zip.sha256").read_text() == hashlib.sha256((out / "py/app.zip").read_bytes()).hexdigest()


def test_build_refuses_to_overwrite_the_project():
    assert serve.main(["build", str(ROOT)]) == 2


def test_every_file_the_page_preloads_exists():
    import re

    html = (ROOT / "index.html").read_text()
    preloaded = re.findall(r'<link rel="(?:module)?preload" href="([^"]+)"', html)
    assert len(preloaded) >= 5
    missing = [href for href in preloaded if not (ROOT / href).is_file()]
    assert missing == [], f"preloads point at files that are not there (a pin changed?): {missing}"


def test_the_native_module_is_split_out_of_its_wheel_with_a_matching_record(tmp_path):
    wheel = tmp_path / "pydantic_core-2.50.4-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
    so = "pydantic_core/_pydantic_core.cpython-314-wasm32-emscripten.so"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("pydantic_core/__init__.py", "x = 1\n")
        archive.writestr(so, b"\0asm native code")
        archive.writestr("pydantic_core-2.50.4.dist-info/RECORD", f"pydantic_core/__init__.py,sha256=a,6\n{so},sha256=b,16\nRECORD,,\n")
    native = snapshot.split_native_module(tmp_path, wheel.name)
    assert native == {"file": "_pydantic_core.cpython-314-wasm32-emscripten.so.wasm", "path": "/lib/python3.14/site-packages/" + so}
    assert (tmp_path / native["file"]).read_bytes() == b"\0asm native code"
    with zipfile.ZipFile(wheel) as archive:
        assert sorted(archive.namelist()) == ["pydantic_core-2.50.4.dist-info/RECORD", "pydantic_core/__init__.py"]
        assert so not in archive.read("pydantic_core-2.50.4.dist-info/RECORD").decode()
        assert archive.read("pydantic_core/__init__.py") == b"x = 1\n"


def test_a_wheel_with_more_than_one_native_module_is_refused(tmp_path):
    wheel = tmp_path / "two.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("a.so", b"1")
        archive.writestr("b.so", b"2")
    with pytest.raises(SetupError, match="holds 2 native modules"):
        snapshot.split_native_module(tmp_path, wheel.name)


def test_runtime_json_names_the_shipped_native_module_and_the_pins():
    info = json.loads((ROOT / "vendor/pyodide/runtime.json").read_text())
    assert info["fingerprint"] == pins.pins_fingerprint()
    assert (ROOT / "vendor/pyodide" / info["native"]["file"]).read_bytes()[:4] == b"\0asm"
    with zipfile.ZipFile(ROOT / "vendor/pyodide-stock" / next(p.file_name for p in pins.WHEEL_PINS if "pydantic_core" in p.file_name)) as stock:
        so = info["native"]["path"].removeprefix("/lib/python3.14/site-packages/")
        assert stock.read(so) == (ROOT / "vendor/pyodide" / info["native"]["file"]).read_bytes(), "the published code, unchanged"


def test_the_app_archive_and_its_digest_are_built_on_request_and_revalidate(site):
    import hashlib

    headers, body = get(site + "/py/app.zip")
    assert headers["Content-Type"] == "application/zip" and headers.get("Content-Encoding") is None
    with zipfile.ZipFile(__import__("io").BytesIO(body)) as archive:
        assert "cloudtalk/events.py" in archive.namelist() and "integrations.py" in archive.namelist()
    _, digest = get(site + "/py/app.zip.sha256")
    assert digest.decode() == hashlib.sha256(body).hexdigest()
    request = urllib.request.Request(site + "/py/app.zip", headers={"If-Modified-Since": headers["Last-Modified"]})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request)
    assert not_modified.value.code == 304
