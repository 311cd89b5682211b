"""The call history's life in the browser: its store, the one-time move out of localStorage, the
newest page read at the start, and restore and export with progress, one at a time.

The core decides (cloudtalk.log, cloudtalk.backup, cloudtalk.persist); this module does the waiting.
The store is the browser's database, or, where the browser has none (blocked, a private mode), one
in this page's memory: the rest of the app cannot tell them apart. The page holds only the log's
working set: every view that needs more reads the store, and restore and export go through it a
part at a time.

    archive = await Archive.in_browser(storage, on_problem=report, on_written=tabs.calls_written)
    report = await archive.open()       # moves an older version's calls, reads the newest page
    archive.on_more.append(workspace.background_done)
    archive.start_background()          # after going live: an older store's records get search's words
"""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from .. import persist
from ..backup import MAX_BYTES, ExportReader, RefusedError
from ..calls import Call, merged
from ..exports import CsvExport, JsonExport
from ..log import CallLog, LoadReport, Merged, restore_into
from ..ports import MemoryCallStore, Storage, StorageFullError, StoredCalls
from .calls_db import CallsDB
from .dom import by_id, spawn
from .ffi import JsException, js, to_js

FIRST_PAGE = 200  # calls read before going live: the timeline's first pages, the card, today so far
CHUNK = 2000  # calls per page of an export: a short task each
PIECE = 256 * 1024  # bytes of a backup file read, parsed and merged at a time: a short task each

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
        self.on_more: list[Callable[[], None]] = []  # the background work ended (search's index is complete)
        self.on_problem = on_problem
        self.log.on_unreadable.append(self._kept_unreadable)
        self.stored_total = 0  # as counted after going live and after a restore (the timeline keeps its own count)
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
    def empty(self) -> bool:
        """Whether the history holds no call (nothing to export or clear)."""
        return self.stored_total == 0 and len(self.log) == 0

    async def exclusive(self, work: Callable[[], Awaitable[T]]) -> T | None:
        """Run one import or export at a time: None, at once, while another is running."""
        if self.busy:
            return None
        self.busy = True
        try:
            return await work()
        finally:
            self.busy = False

    def _kept_unreadable(self, uuid: str) -> None:
        self.on_problem(f"Call {uuid} is stored in a form this version cannot read. It is kept as it is: this page's "
                        "changes to it are shown here but not written over it.")

    def clear(self) -> None:
        """Remove every stored call, here and in every other tab."""
        self.log.clear()
        self.stored_total = 0

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
        calls, notes = await self.store.newest(FIRST_PAGE)
        # At least these; counted after going live (_background): a count of the store grows with the history, and
        # nothing before going live needs more than whether there is any call.
        self.stored_total = len(calls)
        return self.log.load(calls, notes)

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
        if legacy.calls:  # the moved calls' callers may wait for a call back: the list is built again once they are in
            await self.store.call_backs_outdated()
        mover = CallLog(self.store)
        calls = sorted(legacy.calls, key=lambda c: c.started_at)
        if await self.store.count():  # merged with the store's copies (a move cut short is done again)
            await restore_into(mover, self.store, calls)
        else:  # the first move: the store has no copy of any (and no call to read one for)
            mover.restore(calls)
        await self.store.settled()
        stored = await self.store.get_many(uuids)
        expected = {call.uuid: call for call in legacy.calls}
        wrong = [uuid for uuid in uuids if not _reads_back(stored[uuid], expected[uuid])]
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

    def start_background(self) -> None:
        """The background work after going live: the stored calls counted, and once, for a store an older version wrote,
        every record given the words search's index reads. (The older calls themselves stay in the store: the views
        read them there.)"""
        spawn(self._background())

    async def _background(self) -> None:
        self.stored_total = total = await self.store.count()

        def progress(done: int) -> None:
            self.progress.show(f"Preparing search: {min(done, total):,} of {total:,} calls", min(done, total), total)

        try:
            await self.store.add_words(progress)
        finally:
            self.progress.finish("")
            self._more()

    # ------------------------------------------------------------ restore

    async def restore(self, file: Any) -> Merged | str:
        """Merge a backup file into the history: the result, or the reason it was refused (nothing changed then).

        Read twice, a piece at a time, so that neither the file's text nor its calls are ever held whole: once to
        check every call (a damaged one refuses the file before anything changes), once to merge them, each part
        with the store's copies of the same calls."""
        size = int(file.size)
        if size > MAX_BYTES:
            return f"Not imported: the file is {size // 1_000_000} MB, more than any history export. Nothing was changed."
        try:
            reader = ExportReader()
            async for records in self._records(file, reader, "Checking the file", 0):
                reader.calls(records)  # read, and let go: only whether every call can be read matters here
        except RefusedError as error:
            self.progress.finish("")
            return f"Not imported: {error}. Nothing was changed."
        total = reader.count
        added = updated = unchanged = 0
        callers: set[str] = set()
        reader = ExportReader()
        try:
            async for records in self._records(file, reader, "Importing", total):
                merged_part = await restore_into(self.log, self.store, reader.calls(records))  # with the store's copies
                added, updated, unchanged = (added + merged_part.added, updated + merged_part.updated,
                                             unchanged + merged_part.unchanged)
                callers |= merged_part.callers
        except RefusedError as error:  # the file was changed between the two readings
            self.on_problem(f"The file changed while it was imported ({error}): {added + updated:,} calls were merged.")
        await self.store.settled()
        await self.reread_newest()
        self.progress.finish("")
        return Merged(added, updated, unchanged, frozenset(callers))

    async def _records(self, file: Any, reader: ExportReader, doing: str, total: int) -> AsyncIterator[list[Any]]:
        """The file's call records, a piece of the file at a time, with the progress shown (`total` calls, if known);
        raises RefusedError. Each piece is a short task: the page draws and takes calls between them."""
        size = max(int(file.size), 1)
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        read = 0
        while True:
            try:
                piece = (await file.slice(read, read + PIECE).arrayBuffer()).to_bytes()
            except JsException as error:  # unreadable (permissions, the file gone): say so
                raise RefusedError(f"the file could not be read ({error})") from None
            read += len(piece)
            try:
                text = decoder.decode(piece, final=not piece)
            except UnicodeDecodeError:
                raise RefusedError("it is not a text file (it is not UTF-8)") from None
            records = reader.feed(text) if piece else reader.end()
            if records:
                yield records
            count = f"{reader.count:,} of {total:,} calls" if total else f"{reader.count:,} calls"
            self.progress.show(f"{doing}: {count}", read + (size if total else 0), size * 2)
            await next_frame()
            if not piece:
                return

    async def reread_newest(self) -> None:
        """Hold the newest page again (a restore may have brought newer calls than the page held), and count anew."""
        self.stored_total = await self.store.count()
        calls, notes = await self.store.newest(FIRST_PAGE)
        self.log.add_stored(calls, notes)

    # ------------------------------------------------------------ exports

    async def export(self, kind: str, exported_at: float) -> tuple[Any, int]:
        """The whole history as a Blob (and how many calls it holds), newest first, built a page of the store at a time
        with the progress shown. The page's own copies are the newer, and a call the browser refused to store (a full
        disk) is in it too."""
        export = CsvExport() if kind == "csv" else JsonExport(exported_at)
        unstored = await self._unstored()
        total = await self.store.count() + len(unstored)
        chunks = [export.head()]
        done = 0
        before: tuple[float, str] | None = None
        while True:
            page = await self.store.newest_page(before, CHUNK)
            stored = persist.decode_readable(page)
            calls: list[Call] = []
            for call in stored:
                while unstored and (unstored[0].started_at, unstored[0].uuid) > (call.started_at, call.uuid):
                    calls.append(unstored.pop(0))
                calls.append(self.log.get(call.uuid) or call)
            if len(page) < CHUNK:
                calls.extend(unstored)
            chunks.append(export.part(calls))
            done += len(calls)
            self.progress.show(f"Exporting: {min(done, total):,} of {total:,} calls", done, total)
            await next_frame()
            if len(page) < CHUNK:
                break
            if not stored:  # no readable call to go on from (2,000 in a row this version cannot read)
                raise OSError(f"{CHUNK:,} stored calls in a row could not be read; the export stopped after {done:,}")
            before = (stored[-1].started_at, stored[-1].uuid)  # an unreadable call after it is read again, and passed over
        chunks.append(export.tail())
        self.progress.finish("")
        mime = "text/csv" if kind == "csv" else "application/json"
        return js.Blob.new(to_js(chunks), to_js({"type": mime})), done

    async def _unstored(self) -> list[Call]:
        """The calls the page holds that the store does not (yet) have, newest first."""
        held = list(self.log.newest_first())
        found = await self.store.get_many([call.uuid for call in held])
        return [call for call in held if found[call.uuid][0] is None]


def _reads_back(stored: tuple[str | None, str | None], call: Call) -> bool:
    """The store's copy reads back, and knows all the older copy knew (merging that copy in would change nothing)."""
    text, note = stored
    if text is None:
        return False
    try:
        decoded = persist.decode_stored(text, note)
    except (ValueError, KeyError, TypeError, IndexError):
        return False
    return merged(decoded, call) == decoded
