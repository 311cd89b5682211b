"""What the runtime is made of: the pinned npm packages and wheels, with their sha256, and the
modules shipped as bytecode. Bump a pin here; `serve.py prepare` notices and rebuilds vendor/."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import ROOT

# Bump when the layout of vendor/ changes, so that old folders are rebuilt.
LAYOUT_VERSION = 6


@dataclass(frozen=True)
class NpmPin:
    package: str
    version: str
    sha256: str
    folder: str  # where it lands under vendor/
    files: tuple[str, ...]  # paths inside the tarball's package/ folder; "dist/" copies a folder


@dataclass(frozen=True)
class WheelPin:
    requirement: str
    file_name: str
    sha256: str
    pyodide_platform: bool = False  # needs the Pyodide platform tag to be found


NPM_PINS = (
    NpmPin(
        "@pyscript/core",
        "0.7.31",
        "b2ca1a0c0956aebd990a7c8524cca1eb061444a8319a7264d2f31ef30bea276a",
        "pyscript",
        ("dist/",),
    ),
    NpmPin(
        "pyodide",
        "314.0.5",
        "8f8c8aef26dd7ac07658415fcefbc11c12a689196e7815d72e3775c1c764be4b",
        "pyodide",
        ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"),
    ),
    NpmPin(
        "@micropython/micropython-webassembly-pyscript",
        "1.27.0",
        "303919763c8ebfe5923b9da66226c20dce44ad72b604b225fb39338ea15367af",
        "micropython",
        ("micropython.mjs", "micropython.wasm"),
    ),
)

WHEEL_PINS = (
    WheelPin(
        "pydantic==2.14.3",
        "pydantic-2.14.3-py3-none-any.whl",
        "3f7b347782ab7e4cf4c798496ae3a82787d9f21ec12676a9c564355eeef8daa8",
    ),
    WheelPin(
        "pydantic-core==2.50.4",
        "pydantic_core-2.50.4-cp314-cp314-pyemscripten_2026_0_wasm32.whl",
        "e6da138a1ecc1341c8b788a5ee822670b03788e1f5decf7af9d461de6e508b8e",
        pyodide_platform=True,
    ),
    WheelPin(
        "typing-extensions==4.16.0",
        "typing_extensions-4.16.0-py3-none-any.whl",
        "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
    ),
    WheelPin(
        "typing-inspection==0.4.5",
        "typing_inspection-0.4.5-py3-none-any.whl",
        "bc210535442b39e1bf2805e0c7a17dfd6a4ace760c84c7f7d16245d23a6b1c39",
    ),
    WheelPin(
        "annotated-types==0.8.0",
        "annotated_types-0.8.0-py3-none-any.whl",
        "f072f4d804ea359e4eaf198b1af7a8b0943881a87f31bb764f8bf219bb9419e0",
    ),
)

PYODIDE_PLATFORM = ("pyemscripten_2026_0_wasm32", "3.14", "cp", "cp314")


def precompiled_modules(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The runtime modules to ship as bytecode: [tool.cloudtalk] precompiled-modules."""
    return sorted(tomllib.loads(pyproject.read_text())["tool"]["cloudtalk"]["precompiled-modules"])


def pins_fingerprint() -> str:
    pins = {
        "layout": LAYOUT_VERSION,
        "npm": [p.__dict__ for p in NPM_PINS],
        "wheels": [p.__dict__ for p in WHEEL_PINS],
        "precompiled": precompiled_modules(),
    }
    return hashlib.sha256(json.dumps(pins, sort_keys=True).encode()).hexdigest()
