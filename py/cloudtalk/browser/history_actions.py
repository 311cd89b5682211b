"""The history toolbar: Export CSV and JSON, Import…, and Clear history (after a confirmation).

One import or export runs at a time (Archive.exclusive); each shows its progress and ends with a
sentence in the status line, which screen readers hear. The buttons that need calls are disabled
while the history is empty.

    actions = HistoryActions(archive, workspace, tabs, alerts)
    workspace.observers.append(actions.refresh_buttons)
"""

from __future__ import annotations

import time
from typing import Any

from ..log import Merged
from .alerts import Alerts
from .archive import Archive
from .dom import by_id, download_blob, listen, show_notice, spawn, stamp
from .tabs import Tabs
from .workspace import Workspace


class HistoryActions:
    def __init__(self, archive: Archive, workspace: Workspace, tabs: Tabs, alerts: Alerts) -> None:
        self.archive = archive
        self.workspace = workspace
        self.tabs = tabs
        self.alerts = alerts
        self.controls = [by_id(name) for name in ("export-csv", "export-json", "clear-history")]
        self._was_empty: bool | None = None
        self.file = by_id("import-file")
        self.confirm = by_id("confirm-clear")
        listen(by_id("export-csv"), "click", lambda _e: spawn(self.archive.exclusive(lambda: self.export("csv"))))
        listen(by_id("export-json"), "click", lambda _e: spawn(self.archive.exclusive(lambda: self.export("json"))))
        listen(by_id("import-history"), "click", lambda _e: self.file.click())
        listen(self.file, "change", lambda _e: spawn(self.archive.exclusive(self.restore)))
        listen(by_id("clear-history"), "click", lambda _e: self.confirm.showModal())
        listen(self.confirm, "close", lambda _e: self.clear() if self.confirm.returnValue == "clear" else None)

    def refresh_buttons(self) -> None:
        """Runs on every event: touches the page only when the history becomes empty or stops being so."""
        empty = self.archive.empty
        if empty != self._was_empty:
            self._was_empty = empty
            for control in self.controls:
                control.disabled = empty

    async def export(self, kind: str) -> None:
        blob, count = await self.archive.export(kind, time.time())
        download_blob(f"cloudtalk-calls-{stamp()}.{kind}", blob)
        self.archive.progress.finish(f"Exported {count:,} call{'' if count == 1 else 's'}.")

    async def restore(self) -> None:
        files = self.file.files
        if not files.length:
            return
        file = files.item(0)
        try:
            result = await self._read_and_merge(file)
            if isinstance(result, str):
                self.archive.progress.finish(result)
                show_notice(result)
                return
            self.archive.progress.show("Updating the call-back list…", 0, 1)
            await self.workspace.restored(result.callers, self._call_backs_progress)
            self.tabs.tell("reload")
            message = (f"Imported {file.name}: {result.added:,} new call(s), {result.updated:,} updated, "
                       f"{result.unchanged:,} already here.")
            self.archive.progress.finish(message)
            self.alerts.announce(message)
        finally:
            self.file.value = ""

    def _call_backs_progress(self, read: int, written: int, changed: int) -> None:
        """The list built again after an import: every stored call read, then the entries that changed written."""
        total = self.archive.stored_total
        if not changed:
            self.archive.progress.show(f"Updating the call-back list: {read:,} of {total:,} calls read", read, total * 2)
        else:
            stored = f"Storing the call-back list: {written:,} of {changed:,} callers"
            self.archive.progress.show(stored, total + total * written // changed, total * 2)

    async def _read_and_merge(self, file: Any) -> Merged | str:
        self.archive.progress.show(f"Reading {file.name}…", 0, 1)
        return await self.archive.restore(file)

    def clear(self) -> None:
        self.archive.clear()
        self.tabs.tell("clear")
        self.workspace.history_cleared()
        self.alerts.announce("Call history cleared")
