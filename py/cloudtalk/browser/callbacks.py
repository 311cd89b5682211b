"""The "To call back" view and its count in the navigation.

Each entry links to dial its normalized number two ways: `tel:` (any phone app) and `ct+tel:`
(CloudTalk's Click-to-Call extension and desktop app). "Done" stores a mark, so other tabs and
reloads agree.

    view = CallBacksView(CallBacks(store, storage), clock=time.time)
    await view.load()                   # the list as stored
    view.refresh(log.take_touched())    # worked out again for these callers, in the background
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from ..callers import CallBack, CallBacks, RebuildProgress
from ..present import caller_name
from .dom import Later, by_id, clear, el, listen, spawn, when


def _untold(_read: int, _written: int, _changed: int) -> None:
    """A rebuild's progress, where nobody shows it."""


REFRESH_MOST = 200  # callers waiting to be worked out again beyond which the whole list is built again in one pass


class CallBacksView:
    """The list as the store keeps it (callers.CallBacks), read at the start and worked out again, in the background and
    one caller at a time, for the callers whose calls changed."""

    def __init__(self, callbacks: CallBacks, clock: Callable[[], float]) -> None:
        self.callbacks = callbacks
        self.clock = clock
        self.root = by_id("callbacks")
        self.empty = by_id("callbacks-empty")
        self.count = by_id("callback-count")
        self.root.dataset.state = "loading"  # "ready" once the list is the store's, "building" while it is built
        self.visible = False
        self._dirty = True
        self.render_later = Later(self.render)
        self.on_count: list[Callable[[int], None]] = []  # the app icon's badge follows the count
        self._pending: set[str] = set()  # callers whose calls changed, to work out again
        self._rebuild = False
        self._progress: RebuildProgress = _untold  # told how a rebuild is going (the import's progress bar)
        self._work: asyncio.Future[Any] | None = None
        listen(self.root, "click", self._clicked)

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible and self._dirty:
            self.render()

    async def load(self) -> None:
        """The stored list, drawn; a store an older version wrote has it built, in the background."""
        if await self.callbacks.load():
            self.root.dataset.state = "ready"
        else:
            self.rebuild()
        self._dirty = True
        self.render()

    def refresh(self, keys: Iterable[str], on_progress: RebuildProgress | None = None) -> None:
        """The calls of these callers changed: work their entries out again (after what is under way), then redraw. Past
        REFRESH_MOST callers waiting, the whole list is built again instead (told to `on_progress`): one pass over the
        store costs less than a few reads for each of thousands of callers."""
        self._pending.update(keys)
        if len(self._pending) > REFRESH_MOST:
            self.rebuild(on_progress)
        else:
            self._start()

    def rebuild(self, on_progress: RebuildProgress | None = None) -> None:
        """Build the whole list again from every stored call (a restore changed many callers' calls)."""
        self._rebuild, self._progress = True, on_progress or _untold
        self.root.dataset.state = "building"
        self._start()

    def absorb(self, storage_key: str, text: str | None) -> bool:
        """Another tab's "done" mark. True if it was one."""
        key = self.callbacks.absorb(storage_key, text)
        if key is None:
            return False
        self.refresh([key])
        return True

    async def settled(self) -> None:
        """Wait until the entries asked for so far are worked out (and the list is drawn on its next tick)."""
        while self._work is not None and not self._work.done():
            await self._work

    def _start(self) -> None:
        if self._work is None or self._work.done():
            self._work = spawn(self._drain())

    async def _drain(self) -> None:
        while self._rebuild or self._pending:
            if self._rebuild:
                # Every caller pending now is read by the pass: their calls were queued before it reads.
                self._rebuild, self._pending = False, set()
                progress, self._progress = self._progress, _untold
                await self.callbacks.rebuild(progress)
                self.root.dataset.state = "building" if self._rebuild else "ready"
                changed = True
            else:
                keys, self._pending = self._pending, set()
                changed = await self.callbacks.refresh(keys)  # most events change nobody's entry: nothing to redraw
            if changed:
                self._dirty = True
                self.render_later()

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
        building = self.root.dataset.state == "building"
        self.empty.textContent = "Building the list from the stored calls…" if building else "Nobody to call back."

    @staticmethod
    def _item(entry: CallBack, now: float) -> Any:
        latest = entry.latest
        item = el("li", None, class_="callback", data_key=entry.key)
        who = el("div", None, class_="callback-who")
        who.append(el("strong", caller_name(latest)))
        if latest.contact and latest.contact.name and latest.number:
            who.append(el("span", latest.number, class_="muted"))
        item.append(who)
        attempts = f"{entry.attempts}{'+' if entry.more else ''} attempt{'s' if entry.attempts != 1 or entry.more else ''}"
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
        spawn(self._mark_done(str(button.dataset.key)))

    async def _mark_done(self, key: str) -> None:
        await self.callbacks.mark_done(key, self.clock())
        self._dirty = True
        self.render()
