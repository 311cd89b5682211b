"""The shown call's note and disposition: saved as the agent types (debounced), plain text, capped.

    notes = NotesPanel(log, settings, on_saved=lambda change: timeline.update(change.call))
    notes.show(call)

What the agent is typing is never overwritten: while the note field has focus, an update of the
same call (from an event, or another tab) leaves the field alone, and the next save wins.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..calls import NOTE_CHARS, Call
from ..log import CallLog, Change
from ..settings import Settings
from .dom import by_id, el, keep, listen
from .ffi import js

SAVE_AFTER_MS = 600  # quiet time after the last keystroke before the note is written


class NotesPanel:
    def __init__(self, log: CallLog, settings: Settings, on_saved: Callable[[Change], None]) -> None:
        self.log = log
        self.settings = settings
        self.on_saved = on_saved
        self.form = by_id("call-notes")
        self.note = by_id("note")
        self.disposition = by_id("disposition")
        self.status = by_id("note-status")
        self.note.maxLength = NOTE_CHARS
        self.uuid: str | None = None
        self._shown: tuple[str, str] | None = None  # (note, disposition) as last written into the fields
        self._choices: list[str] = []  # the disposition options as last written
        self._timer: Any = None
        self._save_later = keep(lambda *_: self.save())
        listen(self.note, "input", self._typed)
        listen(self.note, "blur", lambda _e: self.save())
        listen(self.disposition, "change", lambda _e: self.save())
        listen(self.form, "submit", lambda e: e.preventDefault())
        listen(js.window, "pagehide", lambda _e: self.save())

    def show(self, call: Call | None) -> None:
        if call is None:
            self.save()
            self.uuid = self._shown = None
            self.form.hidden = True
            return
        same = call.uuid == self.uuid
        if same and self._shown == (call.note, call.disposition):
            return  # runs on every event of the shown call: touch the page only on a change
        if not same:
            self.save()  # what was typed for the previous call is kept before the fields change
            self.uuid = call.uuid
            self.status.textContent = ""
        typing = same and (self._timer is not None or js.document.activeElement == self.note)
        if not typing:
            self.note.value = call.note
        self._options(call.disposition)
        self._shown = (call.note, call.disposition)
        self.form.hidden = False

    def set_dispositions(self, settings: Settings) -> None:
        self.settings = settings
        call = self.log.get(self.uuid) if self.uuid else None
        self._options(call.disposition if call else str(self.disposition.value))

    def _options(self, current: str) -> None:
        choices = ["", *self.settings.dispositions]
        if current and current not in choices:
            choices.append(current)  # chosen before the list was edited: still shown, still selected
        if choices != self._choices:
            self.disposition.replaceChildren(*[el("option", c or "None", value=c) for c in choices])
            self._choices = choices
        self.disposition.value = current

    def _typed(self, _event: Any) -> None:
        self.status.textContent = "Saving…"
        if self._timer is not None:
            js.window.clearTimeout(self._timer)
        self._timer = js.window.setTimeout(self._save_later, SAVE_AFTER_MS)

    def save(self) -> None:
        if self._timer is not None:
            js.window.clearTimeout(self._timer)
            self._timer = None
        if self.uuid is None:
            return
        # Kept in the page at once; the store commits it by the end of this task, or keeps it and says so.
        change = self.log.annotate(self.uuid, note=str(self.note.value), disposition=str(self.disposition.value), at=time.time())
        if change is None:
            self.status.textContent = "Not saved: this call is no longer in the history."
            return
        if change.changed:
            self.status.textContent = "Saved."
            self._shown = (change.call.note, change.call.disposition)
            self.on_saved(change)
        elif self.status.textContent == "Saving…":
            self.status.textContent = "Saved."
