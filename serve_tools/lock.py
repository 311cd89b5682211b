"""Pyodide's lock file, cut down to the vendored wheels and describing them as they are."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import SetupError
from .fetch import sha256_of


def canonical_name(name: str) -> str:
    """PEP 503 normalisation, which is how Pyodide's lock keys its packages."""
    out = []
    for ch in name.lower():
        out.append("-" if ch in "._-" else ch)
    text = "".join(out)
    while "--" in text:
        text = text.replace("--", "-")
    return text


@dataclass(frozen=True)
class WheelInfo:
    file_name: str
    name: str
    version: str
    sha256: str
    depends: tuple[str, ...]
    imports: tuple[str, ...]


def read_wheel(path: Path) -> WheelInfo:
    """Name, version, dependencies and top-level imports, read from the wheel itself."""
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        metadata_name = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(metadata_name).decode("utf-8")
    fields: dict[str, list[str]] = {}
    for line in metadata.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            fields.setdefault(key, []).append(value.strip())
    depends = []
    for requirement in fields.get("Requires-Dist", []):
        spec, _, marker = requirement.partition(";")
        if "extra" in marker:  # optional extras are never installed in the browser
            continue
        bare = spec.strip()
        for stop in "<>=!~[( ":
            bare = bare.split(stop, 1)[0]
        depends.append(canonical_name(bare))
    top_level = sorted(
        {
            n.split("/", 1)[0].removesuffix(".py")
            for n in names
            if ".dist-info" not in n.split("/", 1)[0] and (n.endswith(".py") or "/" in n)
        }
    )
    return WheelInfo(
        file_name=path.name,
        name=canonical_name(fields["Name"][0]),
        version=fields["Version"][0],
        sha256=sha256_of(path),
        depends=tuple(depends),
        imports=tuple(top_level),
    )


def vendored_lock(lock: dict, wheels: list[WheelInfo]) -> dict:
    """Pyodide's lock, cut down to exactly the vendored wheels and describing them.

    Hand-written on purpose: the `pyodide-lock` library cannot do this yet
    (0.1.x cannot read Pyodide 314's lock; 0.2.x needs Python >= 3.12 and rejects
    `pyemscripten_*` wheel tags). Replace this function once it can.
    """
    vendored = {w.name for w in wheels}
    packages = {}
    for wheel in wheels:
        missing = [d for d in wheel.depends if d not in vendored]
        if missing:
            raise SetupError(f"{wheel.file_name} depends on {', '.join(missing)}, which is not vendored")
        base = dict(lock.get("packages", {}).get(wheel.name, {}))
        base.update(
            name=wheel.name,
            version=wheel.version,
            file_name=wheel.file_name,
            sha256=wheel.sha256,
            depends=list(wheel.depends),
            imports=list(base.get("imports") or wheel.imports),
            install_dir="site",
            package_type="package",
            unvendored_tests=False,
        )
        packages[wheel.name] = base
    return {"info": dict(lock["info"]), "packages": packages}
