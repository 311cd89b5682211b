"""Fetching the pinned runtime with npm and pip, and refusing any file whose sha256 differs."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from . import SetupError, say
from .pins import PYODIDE_PLATFORM, NpmPin, WheelPin


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        raise SetupError(
            f"hash mismatch for {path.name}: expected sha256 {expected}, got {actual}. "
            "The download differs from the pinned file; refusing to use it."
        )


def run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise SetupError(f"`{command[0]}` was not found; it is needed to {what}. Install it and run again.") from None
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SetupError(f"could not {what}: `{' '.join(command)}` failed:\n  " + "\n  ".join(tail))


def fetch_npm(pin: NpmPin, into: Path) -> Path:
    if shutil.which("npm") is None:
        raise SetupError("`npm` was not found; it is needed to fetch the PyScript and Pyodide runtime. Install Node.js and npm.")
    say(f"fetching {pin.package}@{pin.version} with npm")
    run(["npm", "pack", "--silent", f"{pin.package}@{pin.version}", "--pack-destination", str(into)], f"fetch {pin.package}")
    name = pin.package.lstrip("@").replace("/", "-") + f"-{pin.version}.tgz"
    tarball = into / name
    verify(tarball, pin.sha256)
    return tarball


def fetch_wheel(pin: WheelPin, into: Path) -> Path:
    say(f"fetching {pin.requirement} with pip")
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--dest", str(into)]
    if pin.pyodide_platform:
        platform, version, implementation, abi = PYODIDE_PLATFORM
        command += ["--platform", platform, "--python-version", version, "--implementation", implementation, "--abi", abi]
    run([*command, pin.requirement], f"fetch {pin.requirement}")
    wheel = into / pin.file_name
    if not wheel.exists():
        raise SetupError(f"pip did not produce {pin.file_name} for {pin.requirement}")
    verify(wheel, pin.sha256)
    return wheel


def unpack_npm(tarball: Path, pin: NpmPin, dest: Path) -> None:
    target = dest / pin.folder
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as archive:
        archive.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        for item in pin.files:
            source = package / item
            if item.endswith("/"):
                for path in sorted(source.iterdir()):
                    if path.is_file() and not path.name.endswith(".map"):
                        shutil.copy2(path, target / path.name)
            else:
                shutil.copy2(source, target / Path(item).name)
