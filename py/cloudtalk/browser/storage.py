"""localStorage as the call log's Storage: one key per call, QuotaExceededError mapped.

    log = CallLog(LocalStorage())
"""

from __future__ import annotations

from collections.abc import Iterator

import js
from pyodide.ffi import JsException, jsnull

from ..ports import StorageFullError


class LocalStorage:
    def __init__(self) -> None:
        self._store = js.window.localStorage

    def get(self, key: str) -> str | None:
        value = self._store.getItem(key)
        return None if value is None or value is jsnull else str(value)

    def set(self, key: str, value: str) -> None:
        try:
            self._store.setItem(key, value)
        except JsException as error:
            if "quota" in str(error).lower():
                raise StorageFullError(key) from None
            raise

    def delete(self, key: str) -> None:
        self._store.removeItem(key)

    def items(self, prefix: str) -> Iterator[tuple[str, str]]:
        # One bulk copy instead of two FFI calls per key: boot reads thousands of calls.
        for key, value in js.Object.entries(self._store).to_py():
            if key.startswith(prefix):
                yield key, value
