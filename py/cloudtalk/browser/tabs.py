"""Other tabs of the app in this browser: what each changed in the shared history, told and taken in.

One message type on a BroadcastChannel, `{"kind": ..., "calls": [...]}`:
- "calls": these calls or their notes were committed to the database: read them as stored;
- "reload": a backup was restored: read the newest page and the call-back list again;
- "clear": the history was cleared.
Call-back marks live in localStorage, so another tab's mark arrives as a `storage` event.
A browser without BroadcastChannel simply does not share (each tab still reads the database at start).

This page itself, left and shown again from the browser's back-forward cache, heard nothing meanwhile: as it is
left the store ends what waits on it (CallsDB.leave), and once shown again it reads as after a restore.

    tabs = Tabs()
    archive = await Archive.in_browser(storage, on_problem=report, on_written=tabs.calls_written)
    ...
    tabs.connect(archive, workspace)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .archive import Archive
from .dom import listen, spawn
from .ffi import js, to_js
from .workspace import Workspace

CHANNEL = "cloudtalk-calls"
KINDS = ("calls", "reload", "clear")


class Tabs:
    def __init__(self) -> None:
        self.channel = js.BroadcastChannel.new(CHANNEL) if hasattr(js.window, "BroadcastChannel") else None
        self.archive: Archive | None = None
        self.workspace: Workspace | None = None

    # ------------------------------------------------------------ telling the others

    def tell(self, kind: str, calls: list[str] | None = None) -> None:
        if self.channel is not None:
            self.channel.postMessage(to_js({"kind": kind, "calls": calls or []}))

    def calls_written(self, uuids: list[str]) -> None:
        """The store committed these calls or notes (its `on_written`)."""
        self.tell("calls", uuids)

    # ------------------------------------------------------------ hearing them

    def connect(self, archive: Archive, workspace: Workspace) -> None:
        self.archive, self.workspace = archive, workspace
        if self.channel is not None:
            listen(self.channel, "message", lambda event: self.heard(event.data))
        listen(js.window, "storage", self._mark)
        listen(js.window, "pagehide", self._left)
        listen(js.window, "pageshow", self._shown_again)

    def _left(self, event: Any) -> None:
        # Only a page the browser keeps (`persisted`): one being destroyed has its transactions ended by the browser, and
        # ending them here fired their events into Python as Firefox tore the page down ("NoGilError", on a reload).
        if event.persisted and self.archive is not None:
            self.archive.store.leave()

    def _shown_again(self, event: Any) -> None:
        if not event.persisted:  # a first load, not a page kept by the browser
            return
        assert self.archive is not None
        self.archive.store.back()
        spawn(self._reopen())

    def heard(self, data: Any) -> None:
        """One message from another tab; anything not of the one shape is not ours, and passed over."""
        kind = str(getattr(data, "kind", ""))
        if kind not in KINDS:
            return
        calls = [str(uuid) for uuid in (getattr(data, "calls", None) or [])]
        handlers: dict[str, Callable[[], None]] = {
            "calls": lambda: spawn(self._reread(calls)) if calls else None,
            "reload": lambda: spawn(self._reopen()),
            "clear": self._cleared,
        }
        handlers[kind]()

    async def _reread(self, uuids: list[str]) -> None:
        assert self.archive is not None and self.workspace is not None
        for uuid, call in (await self.archive.reread(uuids)).items():
            self.workspace.absorb(uuid, call)
        self.workspace.derived_changed()
        self.workspace.changed()

    async def _reopen(self) -> None:
        assert self.archive is not None and self.workspace is not None
        await self.archive.reread_newest()  # the page's own calls stay: they are the newer
        self.workspace.reload_all()

    def _cleared(self) -> None:
        assert self.archive is not None and self.workspace is not None
        self.archive.log.load([])  # the store is empty already: only this page's copies go
        self.archive.stored_total = 0
        self.workspace.history_cleared()

    def _mark(self, event: Any) -> None:
        # Another tab marked a call-back done (localStorage keeps the marks; a clear comes on the channel).
        if event.key and self.workspace is not None:
            self.workspace.absorb_mark(str(event.key), str(event.newValue) if event.newValue else None)
