"""The deployable static site: the app's files plus vendor/, nothing of the development tools."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import ROOT, SetupError
from .appfiles import ARCHIVE, DIGEST, app_archive, app_digest
from .prepare import prepare
from .webapp import write as write_webapp

# What a deployed site needs: the app's own files plus vendor/.
SITE_FILES = ("index.html", "pyscript.toml", "app.css")
SITE_FOLDERS = ("py", "runtime", "simulator", "vendor", "icons")


def build(dest: Path) -> None:
    """Copy the deployable site (app files plus vendor/) into dest."""
    if dest.resolve() == ROOT or ROOT.is_relative_to(dest.resolve()):
        raise SetupError(f"refusing to build into {dest}: it contains the project")
    prepare()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "stamp.json", "test-wheels", "pyodide-stock")
    for name in SITE_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    for name in SITE_FOLDERS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    (dest / ARCHIVE).write_bytes(app_archive(ROOT / "py"))  # what PyScript fetches (served live by serve.py)
    (dest / DIGEST).write_bytes(app_digest(ROOT / "py"))  # what the snapshot key covers
    version = write_webapp(dest)  # app.webmanifest and sw.js, over the files just written
    (dest / ".nojekyll").write_text("")  # GitHub Pages: serve folders that start with _ too
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    print(f"Built a static site in {dest} ({size / 1e6:.1f} MB, version {version}). Serve it with any static server.",
          flush=True)
