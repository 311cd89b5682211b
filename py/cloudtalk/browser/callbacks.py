"""The "To call back" view and its count in the navigation.

Each entry links to dial its normalized number two ways: `tel:` (any phone app) and `ct+tel:`
(CloudTalk's Click-to-Call extension and desktop app). "Done" stores a mark, so other tabs and
reloads agree.

    view = CallBacksView(CallBacks(log.callers, storage), clock=time.time)
    view.refresh(log.take_touched())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..callers import CallBack, CallBacks
from ..present import caller_name
from .dom import Later, by_id, clear, el, listen, when


class CallBacksView:
    def __init__(self, callbacks: CallBacks, clock: Callable[[], float]) -> None:
        self.callbacks = callbacks
        self.clock = clock
        self.root = by_id("callbacks")
        self.empty = by_id("callbacks-empty")
        self.count = by_id("callback-count")
        self.visible = False
        self._dirty = True
        self.render_later = Later(self.render)
        self.on_count: list[Callable[[int], None]] = []  # the app icon's badge follows the count
        listen(self.root, "click", self._clicked)

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible and self._dirty:
            self.render()

    def refresh(self, keys: Iterable[str]) -> None:
        """The calls of these callers changed: recompute their entries, redraw on the next tick."""
        if self.callbacks.refresh(list(keys)):  # most events change nobody's entry: nothing to redraw
            self._dirty = True
            self.render_later()

    def rebuild(self) -> None:
        self.callbacks.rebuild()
        self._dirty = True
        self.render_later()

    def absorb(self, storage_key: str, text: str | None) -> bool:
        """Another tab's "done" mark. True if it was one."""
        if self.callbacks.absorb(storage_key, text) is None:
            return False
        self._dirty = True
        self.render_later()
        return True

    def render(self) -> None:
        total = len(self.callbacks)
        self.count.hidden = total == 0
        self.count.textContent = str(total)
        self.count.setAttribute("aria-label", f"{total} to call back")
        for hook in self.on_count:
            hook(total)
        if not self.visible:
            return  # the list itself is drawn when it is shown
        self._dirty = False
        clear(self.root)
        now = self.clock()
        for entry in self.callbacks.newest_first():
            self.root.append(self._item(entry, now))
        self.empty.hidden = total > 0

    @staticmethod
    def _item(entry: CallBack, now: float) -> Any:
        latest = entry.latest
        item = el("li", None, class_="callback", data_key=entry.key)
        who = el("div", None, class_="callback-who")
        who.append(el("strong", caller_name(latest)))
        if latest.contact and latest.contact.name and latest.number:
            who.append(el("span", latest.number, class_="muted"))
        item.append(who)
        attempts = f"{entry.attempts} attempt{'s' if entry.attempts != 1 else ''}"
        outcome = latest.outcome.value if latest.outcome else latest.state.label
        item.append(el("p", f"{outcome} · {when(latest.started_at, now)} · {attempts}", class_="callback-when"))
        actions = el("div", None, class_="callback-actions")
        number = entry.number
        if number is not None:  # only a normalized number becomes a link
            actions.append(el("a", "Call", href=f"tel:{number}", class_="button primary",
                              aria_label=f"Call {caller_name(latest)} at {number}"))
            actions.append(el("a", "Call with CloudTalk", href=f"ct+tel:{number}", class_="button",
                              aria_label=f"Call with CloudTalk: {caller_name(latest)}"))
        else:
            actions.append(el("span", "No number to call", class_="muted"))
        actions.append(el("button", "Done", type="button", class_="callback-done", data_key=entry.key,
                          aria_label=f"Done: {caller_name(latest)}"))
        item.append(actions)
        return item

    def _clicked(self, event: Any) -> None:
        button = event.target.closest("button.callback-done")
        if not button:
            return
        self.callbacks.mark_done(str(button.dataset.key), self.clock())
        self.render()
