"""The call timeline: newest first, one keyed <li> per call, paged, searchable.

On an event only the changed call's item is touched, and only the fields that
changed are written (each write is a call into the browser), so the cost per
event stays small and does not grow with the history.

    timeline = Timeline(log, on_select=card.show)
    timeline.update(change.call)
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..calls import Call
from ..exports import iso_utc
from ..log import CallLog
from ..present import Badge, ItemLook, item_look, matches
from .dom import by_id, clear, el, listen, local_clock, local_time, spawn
from .ffi import js

PAGE = 50
COUNT_SLICE = 2000  # calls matched per slice while counting a search's results


class Timeline:
    def __init__(self, log: CallLog, on_select: Callable[[Call], None]) -> None:
        self.log = log
        self.on_select = on_select
        self.root = by_id("timeline")
        self.empty = by_id("timeline-empty")
        self.more = by_id("timeline-more")
        self.count = by_id("timeline-count")
        self.search = by_id("search")
        self.filter = by_id("outcome-filter")
        self.items: dict[str, Any] = {}
        self.selected: str | None = None
        self.parts: dict[str, _Parts] = {}
        self.limit = PAGE
        self._generation = 0  # each full redraw; a count left from an earlier one stops
        self.query = ""
        self.outcome = ""
        listen(self.more, "click", lambda _e: self.show_more())
        listen(self.search, "input", lambda _e: self._refilter())
        listen(self.filter, "change", lambda _e: self._refilter())
        listen(self.root, "click", self._clicked)

    # ------------------------------------------------------------ rendering

    def render_all(self) -> None:
        clear(self.root)
        self.items.clear()
        self.parts.clear()
        self._generation += 1
        calls: Iterable[Call] = self.log.newest_first()
        held: list[Call] = []
        scanned = 0
        if self.query or self.outcome:
            # The first page of matches is drawn as soon as it is found; the rest are counted after, a slice
            # at a time, so a search over tens of thousands of calls answers at once.
            held = list(calls)  # the calls as they are now: the count goes on over these
            found: list[Call] = []
            for call in held:
                scanned += 1
                if matches(call, self.query, self.outcome):
                    found.append(call)
                    if len(found) == self.limit:
                        break
            calls = found
        page = js.document.createDocumentFragment()
        for call in itertools.islice(calls, self.limit):
            item = self._item(call)
            self.items[call.uuid] = item
            page.append(item)
        self.root.append(page)
        if not (self.query or self.outcome):
            self._footer(len(self.items), len(self.log))  # unfiltered: no need to look at the calls past the first page
        elif scanned < len(held):
            self.more.hidden = True
            self.empty.hidden = True
            self.count.textContent = f"{len(self.items)}+ matching, counting…"
            spawn(self._count_rest(held, scanned, len(self.items), self._generation))
        else:
            self._footer(len(self.items), len(self.items))

    async def _count_rest(self, held: list[Call], start: int, found: int, generation: int) -> None:
        for begin in range(start, len(held), COUNT_SLICE):
            await asyncio.sleep(0)  # let the page draw and take input between slices
            if generation != self._generation:
                return  # the search changed, or the page was drawn again
            found += sum(1 for call in held[begin : begin + COUNT_SLICE] if matches(call, self.query, self.outcome))
        if generation == self._generation:
            self._footer(len(self.items), found)

    def update(self, call: Call) -> None:
        """Re-render one call: replace its item, or put a new call on top."""
        old = self.items.get(call.uuid)
        visible = matches(call, self.query, self.outcome)
        if old is not None:
            if visible:
                self._fill(self.parts[call.uuid], call)
            else:
                old.remove()
                del self.items[call.uuid]
                self.parts.pop(call.uuid, None)
        elif visible:
            item = self._item(call)
            self.items[call.uuid] = item
            self.root.prepend(item)
            if len(self.items) > self.limit:  # keep the page the same size: drop the oldest shown item
                last = self.root.lastElementChild
                self.items.pop(str(last.dataset.uuid), None)
                self.parts.pop(str(last.dataset.uuid), None)
                last.remove()
        self.empty.hidden = bool(self.items)
        if not (self.query or self.outcome):
            self.count.textContent = self._count_text(len(self.log))

    def remove(self, uuid: str) -> None:
        """Take a call off the page (another tab's store no longer has it)."""
        item = self.items.pop(uuid, None)
        self.parts.pop(uuid, None)
        if item is not None:
            item.remove()
        self.empty.hidden = bool(self.items)

    def more_loaded(self) -> None:
        """Older calls were added behind the shown ones (read in the background): only the footer
        changes, unless the page was not full or a search is on, which may now match them."""
        if self.query or self.outcome or len(self.items) < self.limit:
            self.render_all()
        else:
            self._footer(len(self.items), len(self.log))

    def select(self, uuid: str | None) -> None:
        previous, self.selected = self.selected, uuid
        if previous == uuid:
            return
        if previous in self.items:
            self.items[previous].classList.remove("selected")
        if uuid in self.items:
            self.items[uuid].classList.add("selected")

    def show_more(self) -> None:
        self.limit += PAGE
        self.render_all()

    def _refilter(self) -> None:
        self.query = str(self.search.value).strip()
        self.outcome = str(self.filter.value)
        self.limit = PAGE
        self.render_all()

    def _footer(self, shown: int, total: int) -> None:
        self.more.hidden = shown >= total
        self.more.textContent = f"Show more ({total - shown} older)"
        self.empty.hidden = total > 0
        filtered = bool(self.query or self.outcome)
        self.count.textContent = f"{total} matching" if filtered else self._count_text(total)

    @staticmethod
    def _count_text(total: int) -> str:
        return f"{total} call{'s' if total != 1 else ''}"

    def _clicked(self, event: Any) -> None:
        button = event.target.closest("button.call-open")
        if not button:  # closest() gives JS null (falsy) off the buttons
            return
        call = self.log.get(str(button.dataset.uuid))
        if call is not None:
            self.select(call.uuid)
            self.on_select(call)

    def _item(self, call: Call) -> Any:
        parts = self._build(call)
        self.parts[call.uuid] = parts
        if call.uuid == self.selected:  # a re-rendered page keeps the selection
            parts.item.classList.add("selected")
        return parts.item

    def rehearse(self, call: Call) -> None:
        """Build one item off the page and drop it: run at boot so the first real call's
        rendering does not pay the runtime's first-use costs (see app.warm_up)."""
        self._build(call)

    def _build(self, call: Call) -> _Parts:
        item = el("li", None, class_="call", data_uuid=call.uuid)
        head = el("div", None, class_="call-head")
        direction = el("span")
        who = el("button", None, class_="call-open", type="button", data_uuid=call.uuid)
        name, number = el("span", None, class_="who"), el("span", None, class_="number")
        who.append(name, number)
        status = el("span", None, class_="status")
        state, outcome, hung = el("span"), el("span"), el("span", None, class_="muted small")
        status.append(state, outcome, hung)
        head.append(direction, who, status)
        meta = el("div", None, class_="call-meta muted")
        ring, talk = el("span"), el("span")
        meta.append(el("time", local_time(call.started_at), datetime=iso_utc(call.started_at)), ring, talk)
        details = el("details", None, class_="steps")
        summary, steps = el("summary"), el("ol")
        details.append(summary, steps)
        item.append(head, meta, details)
        nodes = (item, direction, name, number, state, outcome, hung, ring, talk, summary)  # in ItemLook's order
        parts = _Parts(item, details, steps, nodes)
        self._fill(parts, call)
        return parts

    @staticmethod
    def _fill(parts: _Parts, call: Call) -> None:
        """Draw a call into its item: only what changed since it was last drawn is written."""
        look = item_look(call)
        # Each write is a call into the browser: skip the ones that would not change anything.
        before = parts.look or (_UNDRAWN,) * len(look)  # a first draw writes everything
        for write, node, shown, was in zip(_WRITERS, parts.nodes, look, before, strict=True):
            if shown != was:
                write(node, shown)
        parts.look = look
        shown = len(parts.call.steps) if parts.call else 0
        parts.call = call
        for s in call.steps[shown:]:  # steps only ever grow: append the new ones
            parts.steps.append(el("li", f"{local_clock(s.at)} · {s.event.replace('_', ' ')}"))


def _badge(node: Any, value: Badge | None) -> None:
    node.hidden = value is None
    if value is not None:
        node.textContent, node.className = value


def _text(node: Any, value: str | None) -> None:
    node.hidden = value is None
    node.textContent = value or ""


def _item_state(node: Any, value: tuple[str, str | None]) -> None:
    state, outcome = value
    node.dataset.state = state
    if outcome:
        node.dataset.outcome = outcome
    else:
        node.removeAttribute("data-outcome")


def _direction(node: Any, value: Badge) -> None:
    node.textContent, node.className = value


_UNDRAWN = object()
# How each field of ItemLook is written into its node, in ItemLook's order.
_WRITERS: tuple[Callable[[Any, Any], None], ...] = (
    _item_state, _direction, _text, _text, _badge, _badge, _text, _text, _text, _text,
)  # fmt: skip


@dataclass
class _Parts:
    """The elements of one rendered call, what they last showed, and the call they show."""

    item: Any
    details: Any
    steps: Any
    nodes: tuple[Any, ...]  # written from item_look(call), in ItemLook's order
    look: ItemLook | None = None
    call: Call | None = None
