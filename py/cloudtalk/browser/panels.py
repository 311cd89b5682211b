"""Settings, Diagnostics and the history actions (export, clear).

    SettingsPanel(settings, storage, on_saved=apply_settings)
    DiagnosticsPanel(app.diagnostics).render()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import js
from pydantic import ValidationError
from pyodide.ffi import to_js

from ..diagnostics import Diagnostics, Entry
from ..ports import Storage
from ..settings import Settings
from .dom import by_id, clear, el, listen, local_clock

KIND_LABELS = {
    "rejected": "Rejected",
    "ignored": "Ignored",
    "corrected": "Accepted, corrected",
    "handler_error": "Handler error",
    "storage": "Storage",
    "network": "Network",
    "startup": "Start-up",
}


def download(filename: str, text: str, mime: str) -> None:
    """Save text as a file through a temporary blob link."""
    download_blob(filename, js.Blob.new(to_js([text]), to_js({"type": mime}, dict_converter=js.Object.fromEntries)))


def download_blob(filename: str, blob: Any) -> None:
    url = js.URL.createObjectURL(blob)
    link = el("a", None, href=url, download=filename)
    js.document.body.append(link)
    link.click()
    link.remove()
    js.setTimeout(js.URL.revokeObjectURL.bind(js.URL, url), 10_000)


def stamp() -> str:
    return str(js.Date.new().toISOString())[:19].replace(":", "-")


class SettingsPanel:
    def __init__(self, settings: Settings, storage: Storage, on_saved: Callable[[Settings, Settings], None]) -> None:
        self.settings = settings
        self.storage = storage
        self.on_saved = on_saved
        self.form = by_id("settings-form")
        self.status = by_id("settings-status")
        self.fields = {
            "partner": by_id("set-partner"),
            "phone": by_id("set-phone"),
            "show_contact_on_ring": by_id("set-show-contact"),
            "maximise_on_ring": by_id("set-maximise"),
            "desktop_notifications": by_id("set-notify"),
            "log_ignored_messages": by_id("set-log-ignored"),
            "record_session": by_id("set-record"),
            "stale_after_minutes": by_id("set-stale"),
            "screen_pop_template": by_id("set-pop"),
            "screen_pop_auto": by_id("set-pop-auto"),
            "dispositions": by_id("set-dispositions"),  # one a line
        }
        self.fill()
        listen(self.form, "submit", self._submit)
        listen(by_id("notify-permission"), "click", self._ask_permission)
        self._show_permission()

    def fill(self) -> None:
        for name, field in self.fields.items():
            value = getattr(self.settings, name)
            if isinstance(value, bool):
                field.checked = value
            elif isinstance(value, list):
                field.value = "\n".join(value)
            else:
                field.value = str(value)

    def _read(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.fields.items():
            if field.type == "checkbox":
                values[name] = bool(field.checked)
            elif name == "dispositions":
                values[name] = str(field.value).splitlines()
            else:
                values[name] = str(field.value).strip()
        return values

    def _submit(self, event: Any) -> None:
        event.preventDefault()
        for field in self.fields.values():
            field.removeAttribute("aria-invalid")
        try:
            new = Settings.model_validate(self._read())
        except ValidationError as error:
            problems = []
            for problem in error.errors(include_url=False):
                name = str(problem["loc"][0])
                if name in self.fields:
                    self.fields[name].setAttribute("aria-invalid", "true")
                problems.append(f"{name.replace('_', ' ')}: {problem['msg'].removeprefix('Value error, ')}")
            self.status.textContent = "Not saved. " + "; ".join(problems)
            return
        old = self.settings
        try:
            new.save(self.storage)
        except Exception as error:  # noqa: BLE001 - storage blocked or full: say so, keep going
            self.status.textContent = f"Not saved: {error}"
            return
        self.settings = new
        self.status.textContent = "Saved."
        self.on_saved(old, new)

    def _ask_permission(self, _event: Any) -> None:
        if not hasattr(js.window, "Notification"):
            return
        js.Notification.requestPermission().then(lambda _p: self._show_permission())

    def _show_permission(self) -> None:
        status = by_id("notify-status")
        if not hasattr(js.window, "Notification"):
            status.textContent = "This browser has no desktop notifications."
            return
        permission = str(js.Notification.permission)
        status.textContent = {
            "granted": "Allowed: notifications appear while this tab is in the background.",
            "denied": "Blocked in the browser's site settings.",
        }.get(permission, "Not allowed yet.")
        by_id("notify-permission").hidden = permission != "default"


class DiagnosticsPanel:
    def __init__(self, diagnostics: Diagnostics, on_download_recording: Callable[[], None]) -> None:
        self.diagnostics = diagnostics
        self.root = by_id("diagnostics")
        self.summary = by_id("diag-summary")
        self.badge = by_id("diag-count")
        self.visible = False
        listen(by_id("download-recording"), "click", lambda _e: on_download_recording())

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible:
            self.render()

    def changed(self) -> None:
        """Cheap per-message update; the full list is rendered only while the panel is open."""
        total = self.diagnostics.problems
        self.badge.hidden = total == 0
        self.badge.textContent = str(total)
        if self.visible:
            self.render()

    def render(self) -> None:
        counts = self.diagnostics.counts
        self.summary.textContent = (
            f"{counts['rejected']} rejected · {counts['ignored']} ignored · {counts['corrected']} corrected fields in accepted "
            f"messages · {counts['handler_error']} handler errors · {counts['storage']} storage notices · "
            f"{counts['network']} network outages since this page loaded. "
            f"Repeats are counted on one line; the newest {self.diagnostics.limit} lines are kept."
        )
        clear(self.root)
        for entry in self.diagnostics.newest_first():
            self.root.append(self._item(entry))
        if not len(self.diagnostics):
            self.root.append(el("li", "Nothing rejected or ignored so far.", class_="muted"))

    @staticmethod
    def _item(entry: Entry) -> Any:
        item = el("li", None, class_=f"diag diag-{entry.kind}")
        item.append(el("span", KIND_LABELS[entry.kind], class_="badge"))
        item.append(el("time", local_clock(entry.at)))
        item.append(el("span", entry.reason, class_="reason"))
        if entry.count > 1:
            item.append(el("span", f"({entry.count}×)", class_="repeats"))
        if entry.excerpt:
            item.append(el("code", entry.excerpt))
        return item
