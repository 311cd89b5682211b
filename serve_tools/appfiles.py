"""The app's Python modules as one archive, `py/app.zip`, which PyScript unpacks into its file system.

One request instead of one per module: PyScript fetches every [files] entry before the app runs.
runtime/pyodide.mjs keys the memory snapshot to the archive's SHA-256, published beside it as
`py/app.zip.sha256` (64 bytes, so the page does not fetch the archive twice); the worker that makes
a snapshot checks the archive it unpacks against it. The development server builds
it on request from py/ (so an edit shows on the next load); `serve.py build` writes it. The bytes
depend only on the sources (sorted names, fixed dates), so an unchanged app keeps its snapshot.
main.py and boot.py are not in it: the page loads them by their own <script> tags.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

ARCHIVE = "py/app.zip"
DIGEST = "py/app.zip.sha256"
STAMP = (1980, 1, 1, 0, 0, 0)


def members(py: Path) -> list[tuple[str, Path]]:
    """(name in the archive, source file): the cloudtalk package and the integrator's handlers."""
    files = [(str(path.relative_to(py)), path) for path in (py / "cloudtalk").rglob("*.py") if "__pycache__" not in path.parts]
    files.append(("integrations.py", py / "integrations.py"))
    return sorted(files)


def newest(py: Path) -> float:
    return max(path.stat().st_mtime for _, path in members(py))


def app_archive(py: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, path in members(py):
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    return out.getvalue()


def app_digest(py: Path) -> bytes:
    return hashlib.sha256(app_archive(py)).hexdigest().encode()
