"""The caller's earlier calls, under the contact card: how many, the last outcome, the latest few.

Read from the store's index of each caller's calls (callers.stored_history: a count and a short
cursor), so the card counts every stored call of the caller, loaded into the page yet or not, and
showing it costs the same with 200,000 stored calls as with five.

    history = CallerHistory(log, store, on_select=workspace.select, clock=time.time)
    history.show(call)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..callers import History, stored_history
from ..calls import Call
from ..log import CallLog
from ..persist import decode_stored
from ..ports import StoredCalls
from ..present import duration, history_line
from .dom import Later, by_id, clear, el, listen, spawn, when

LATEST = 5


class CallerHistory:
    def __init__(self, log: CallLog, store: StoredCalls, on_select: Callable[[Call], None], clock: Callable[[], float]) -> None:
        self.log = log
        self.store = store
        self.asked = 0  # each draw asked for: an answer to an earlier one is not drawn
        self.on_select = on_select
        self.clock = clock
        self.root = by_id("caller-history")
        self.line = by_id("history-line")
        self.list = by_id("history-list")
        self.shown: Call | None = None
        # Drawn on the next tick, not inside the message handler: the card shows who is calling at
        # once, and its history (a list of buttons, dates in the browser's locale) follows a tick
        # later. Measured: drawing it in the handler was the largest part of a ringing event.
        self._draw_later = Later(self._draw)
        listen(self.list, "click", self._clicked)

    def show(self, call: Call | None, *, force: bool = False) -> None:
        """Show a call's history; the same call again is skipped unless `force` (its caller's calls changed)."""
        previous, self.shown = self.shown, call
        if call is not None and previous is not None and previous.uuid == call.uuid and not force:
            return  # a call's own events do not change the calls before it
        if call is None:
            self.root.hidden = True
            return
        self._draw_later()

    def _draw(self) -> None:
        if self.shown is not None:
            self.asked += 1
            spawn(self._read(self.shown, self.asked))

    async def _read(self, call: Call, asked: int) -> None:
        history = await stored_history(self.store, call, LATEST)
        if asked == self.asked:  # the card still asks for this one
            self._fill(history)

    def _fill(self, history: History) -> None:
        now = self.clock()
        last = history.latest[0] if history.latest else None
        self.line.textContent = history_line(history.count, last, when(last.started_at, now) if last else "")
        self.root.classList.toggle("first-time", history.first_time)
        clear(self.list)
        for earlier in history.latest:
            outcome = earlier.outcome.value if earlier.outcome else earlier.state.label
            talk = f" · talk {duration(earlier.talk_seconds)}" if earlier.talk_seconds else ""
            note = f" · {earlier.disposition}" if earlier.disposition else ""
            button = el("button", f"{outcome} · {when(earlier.started_at, now)}{talk}{note}", type="button",
                        class_="history-call ghost", data_uuid=earlier.uuid)
            self.list.append(el("li", None, button))
        self.root.hidden = False

    def _clicked(self, event: Any) -> None:
        button = event.target.closest("button.history-call")
        if not button:
            return
        uuid = str(button.dataset.uuid)
        spawn(self._select(uuid))

    async def _select(self, uuid: str) -> None:
        """The earlier call as the page holds it, else as stored (not loaded into the page)."""
        call = self.log.get(uuid)
        if call is None:
            text, note = (await self.store.get_many([uuid]))[uuid]
            call = None if text is None else decode_stored(text, note)
        if call is not None:
            self.on_select(call)
