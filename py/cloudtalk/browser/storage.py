"""localStorage as the core's `Storage` (settings, call-back marks, an older version's calls): QuotaExceededError mapped.

    log = CallLog(LocalStorage())
"""

from __future__ import annotations

from collections.abc import Iterator

from ..ports import StorageFullError
from .ffi import JsException, js, jsnull


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
