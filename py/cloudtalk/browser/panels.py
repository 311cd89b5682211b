"""The Settings form and the Diagnostics list.

    settings_panel = SettingsPanel(settings, storage, boot)
    settings_panel.on_saved.append(workspace.settings_changed)   # each told (old, new) after a save
    DiagnosticsPanel(app)                                          # redraws itself as Diagnostics changes
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..app import PhoneApp
from ..diagnostics import Entry
from ..ports import Storage
from ..settings import Settings
from .dom import Later, by_id, clear, download, el, listen, local_clock, show_notice, stamp
from .ffi import js

KIND_LABELS = {
    "rejected": "Rejected",
    "ignored": "Ignored",
    "corrected": "Accepted, corrected",
    "handler_error": "Handler error",
    "app_error": "App error",
    "storage": "Storage",
    "network": "Network",
    "startup": "Start-up",
}


class SettingsPanel:
    def __init__(self, settings: Settings, storage: Storage, boot: Any) -> None:
        self.settings = settings
        self.storage = storage
        self.on_saved: list[Callable[[Settings, Settings], None]] = []  # each told (old, new) after a save
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
        self._explain_phone_override(bool(boot.simulator))

    def _explain_phone_override(self, simulator: bool) -> None:
        if simulator != (self.settings.phone == "simulator"):  # ?phone= overrides the setting for this visit
            help_text = by_id("set-phone-help")
            phone = "simulator" if simulator else "CloudTalk Phone"
            help_text.textContent = f"This visit uses the {phone} (set by ?phone= in the address)."
            help_text.hidden = False

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
        for told in self.on_saved:
            told(old, new)

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
    """The list, drawn while its view is open, and the navigation's badge, kept current as Diagnostics changes."""

    def __init__(self, app: PhoneApp) -> None:
        self.app = app
        self.diagnostics = app.diagnostics
        self.root = by_id("diagnostics")
        self.summary = by_id("diag-summary")
        self.badge = by_id("diag-count")
        self.visible = False
        self._redraw = Later(self.render)  # a message with many corrections draws the list once
        self.diagnostics.observers.append(self.changed)
        listen(by_id("download-recording"), "click", lambda _e: self.download_recording())

    def download_recording(self) -> None:
        if self.app.recording is None:
            show_notice("Recording is off. Turn on 'Record this session's messages' in Settings, then make calls.")
            return
        download(f"cloudtalk-recording-{stamp()}.json", self.app.recording_json(), "application/json")

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
            self._redraw()

    def render(self) -> None:
        counts = self.diagnostics.counts
        self.summary.textContent = (
            f"{counts['rejected']} rejected · {counts['ignored']} ignored · {counts['corrected']} corrected fields in accepted "
            f"messages · {counts['handler_error']} handler errors · {counts['app_error']} app errors · "
            f"{counts['storage']} storage notices · "
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
