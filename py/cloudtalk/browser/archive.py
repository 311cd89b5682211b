"""The call history's life in the browser: its store, the one-time move out of localStorage, loading
newest first (the rest in the background), and restore and export with progress, one at a time.

The core decides (cloudtalk.log, cloudtalk.backup, cloudtalk.persist); this module does the waiting.
The store is the browser's database, or, where the browser has none (blocked, a private mode), one
in this page's memory: the rest of the app cannot tell them apart.

    archive = await Archive.in_browser(storage, on_problem=report, on_written=tabs.calls_written)
    report = await archive.open()       # moves an older version's calls, loads the newest page
    archive.on_more.append(workspace.older_loaded)
    archive.load_the_rest()             # after going live: older calls in chunks, the page stays responsive
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from .. import persist
from ..backup import RefusedError, read_calls, read_document
from ..calls import Call
from ..exports import export_csv_parts, export_json_parts
from ..log import CallLog, LoadReport, Merged
from ..ports import MemoryCallStore, Storage, StorageFullError, StoredCalls
from .calls_db import CallsDB
from .dom import by_id, spawn
from .ffi import js, to_js

FIRST_PAGE = 200  # calls read before going live: the timeline's first pages, the card, today so far
CHUNK = 2000  # calls per background read or restore step: a short task each
FRAME_MS = 30  # a long piece of work yields to the page this often

T = TypeVar("T")


async def next_frame() -> None:
    """Let the page draw and take input (a new task), then go on."""
    await asyncio.sleep(0)


class Progress:
    """The history toolbar's progress bar and status line (aria-live)."""

    def __init__(self) -> None:
        self.bar = by_id("history-progress")
        self.status = by_id("history-status")

    def show(self, text: str, done: int, total: int) -> None:
        self.bar.hidden = False
        self.bar.max = max(total, 1)
        self.bar.value = done
        self.status.textContent = text

    def finish(self, text: str) -> None:
        self.bar.hidden = True
        self.status.textContent = text


class Archive:
    def __init__(self, store: StoredCalls, storage: Storage, progress: Progress, on_problem: Callable[[str], None]) -> None:
        self.store = store
        self.log = CallLog(store)
        self.storage = storage
        self.progress = progress
        self.on_more: list[Callable[[], None]] = []  # calls were added in bulk (older ones loaded, a restore)
        self.on_problem = on_problem
        self.stored_total = 0
        self.loading = False
        self.busy = False  # an import or export is running: one at a time (exclusive)

    @classmethod
    async def in_browser(cls, storage: Storage, on_problem: Callable[[str], None],
                         on_written: Callable[[list[str]], None]) -> Archive:
        """The archive over the browser's database, or over this page's memory where there is none (said to the agent)."""
        store: StoredCalls
        try:
            store = await CallsDB.open(on_problem=on_problem, on_written=on_written)
        except Exception as error:  # noqa: BLE001 - no database here (blocked, a private mode): keep the calls in the page
            store = MemoryCallStore()
            on_problem(f"The browser's database is not available ({error}): calls are kept in this page only. "
                       "Export them before you close it.")
        return cls(store, storage, Progress(), on_problem)

    @property
    def count(self) -> int:
        """How many calls the history holds (while older ones load, the stored count)."""
        return self.stored_total if self.loading else len(self.log)

    async def exclusive(self, work: Callable[[], Awaitable[T]]) -> T | None:
        """Run one import or export at a time: None, at once, while another is running."""
        if self.busy:
            return None
        self.busy = True
        try:
            return await work()
        finally:
            self.busy = False

    def retry(self) -> None:
        """Try the writes the browser refused again (called now and then)."""
        self.store.retry()

    def _more(self) -> None:
        for told in self.on_more:
            told()

    # ------------------------------------------------------------ start-up

    async def open(self) -> LoadReport:
        """Move an older version's calls in, then read the newest page (again, after another tab restored a file)."""
        if self.store.durable:  # never into memory: the old copies would be removed, and the calls gone with the page
            await self.move_legacy()
        self.stored_total = await self.store.count()
        calls, notes = await self.store.newest(FIRST_PAGE)
        report = self.log.load(calls, notes)
        self.loading = self.stored_total > len(calls)
        return report

    async def reread(self, uuids: list[str]) -> dict[str, Call | None]:
        """These calls as stored now (another tab wrote them): None where the store no longer has one; an
        unreadable one is left out (kept as its writer stored it)."""
        found: dict[str, Call | None] = {}
        for uuid, (text, note) in (await self.store.get_many(uuids)).items():
            if text is None:
                found[uuid] = None
                continue
            try:
                found[uuid] = persist.decode_stored(text, note)
            except (ValueError, KeyError, TypeError, IndexError):
                continue
        return found

    async def move_legacy(self) -> None:
        """Move an older version's localStorage calls into the database, verified, then remove them.

        Merged with whatever the database already holds of the same calls (a move cut short by a
        crash is simply done again), and the old copies go only once every call reads back as written."""
        legacy = persist.legacy_calls(self.storage)
        if not legacy.calls and not legacy.unreadable:
            return
        uuids = [call.uuid for call in legacy.calls]
        held = await self.store.get_many(uuids)
        mover = CallLog(self.store)
        mover.load([c for c, _ in held.values() if c is not None], [n for _, n in held.values() if n is not None])
        mover.restore(sorted(legacy.calls, key=lambda c: c.started_at))
        await self.store.settled()
        stored = await self.store.get_many(uuids)
        wrong = [uuid for uuid in uuids if not _reads_back(stored[uuid], mover.get(uuid))]
        if wrong:
            self.on_problem(f"{len(wrong)} of {len(uuids)} calls could not be moved to the new store; their old copies "
                            "are kept and the move is tried again on the next start.")
            return
        for key in legacy.keys:
            self.storage.delete(key)
        for key in legacy.unreadable:  # kept under a backup key, never silently dropped
            text = self.storage.get(key)
            try:
                if text is not None:
                    self.storage.set(persist.BACKUP_PREFIX + key, text)
                    self.storage.delete(key)
            except StorageFullError:
                pass  # left where it is: still kept
        if legacy.unreadable:
            self.on_problem(f"{len(legacy.unreadable)} unreadable stored call(s) of an older version were set aside "
                            f"under '{persist.BACKUP_PREFIX}'.")

    def load_the_rest(self) -> None:
        """The background work after going live: the older calls read in, then (once, for a store an older version
        wrote) every record given the words search's index reads."""
        spawn(self._background())

    async def _background(self) -> None:
        if self.loading:
            await self._load_the_rest()
        total = self.stored_total

        def progress(done: int) -> None:
            self.progress.show(f"Preparing search: {min(done, total):,} of {total:,} calls", min(done, total), total)

        try:
            await self.store.add_words(progress)
        finally:
            self.progress.finish("")
            self._more()

    async def _load_the_rest(self) -> None:
        after: str | None = None
        read = 0
        try:
            while True:
                calls, notes, after = await self.store.page(after, CHUNK)
                read += len(calls)
                self.log.add_stored(calls, notes)
                self.progress.show(f"Loading older calls: {min(read, self.stored_total):,} of {self.stored_total:,}",
                                   read, self.stored_total)
                self._more()
                if after is None:
                    break
                await next_frame()
        finally:
            self.loading = False
            self.progress.finish("")
            self._more()

    # ------------------------------------------------------------ restore

    async def restore(self, text: str) -> Merged | str:
        """Merge a backup file into the history: the result, or the reason it was refused (nothing changed then)."""
        try:
            schema, records = read_document(text)
            total = len(records)
            calls: list[Call] = []
            started = time.monotonic()
            for start in range(0, total, CHUNK):  # every call is read before anything changes
                calls.extend(read_calls(records, schema, start, start + CHUNK))
                if (time.monotonic() - started) * 1000 > FRAME_MS:
                    self.progress.show(f"Reading the file: {len(calls):,} of {total:,} calls", len(calls), total * 2)
                    await next_frame()
                    started = time.monotonic()
        except RefusedError as error:
            self.progress.finish("")
            return f"Not imported: {error}. Nothing was changed."
        while self.loading:  # the stored calls first, so that the merge sees every one
            await next_frame()
        calls.reverse()  # exports list the newest first; the log takes the oldest first
        added = updated = unchanged = 0
        for start in range(0, total, CHUNK):
            merged = self.log.restore(calls[start : start + CHUNK])
            added, updated, unchanged = added + merged.added, updated + merged.updated, unchanged + merged.unchanged
            self.progress.show(f"Importing: {start + len(calls[start:start + CHUNK]):,} of {total:,} calls",
                               total + start, total * 2)
            await next_frame()
        await self.store.settled()
        self.progress.finish("")
        self._more()
        return Merged(added, updated, unchanged)

    # ------------------------------------------------------------ exports

    async def export(self, kind: str, exported_at: float) -> Any:
        """The whole history as a Blob, built in parts with the progress shown."""
        while self.loading:
            await next_frame()
        calls = list(self.log.newest_first())
        parts: Iterator[str] = export_csv_parts(calls) if kind == "csv" else export_json_parts(calls, exported_at)
        chunks: list[str] = []
        done = 0
        started = time.monotonic()
        for part in parts:
            chunks.append(part)
            done = min(len(calls), done + 500)
            if (time.monotonic() - started) * 1000 > FRAME_MS:
                self.progress.show(f"Exporting: {done:,} of {len(calls):,} calls", done, len(calls))
                await next_frame()
                started = time.monotonic()
        self.progress.finish("")
        mime = "text/csv" if kind == "csv" else "application/json"
        return js.Blob.new(to_js(chunks), to_js({"type": mime}))


def _reads_back(stored: tuple[str | None, str | None], call: Call | None) -> bool:
    text, note = stored
    if call is None or text is None:
        return False
    try:
        decoded = persist.decode_stored(text, note)
    except (ValueError, KeyError, TypeError, IndexError):
        return False
    return decoded == call
