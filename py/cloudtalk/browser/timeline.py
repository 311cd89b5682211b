"""The call timeline: newest first, one keyed <li> per call, paged, searchable.

Only the changed call's item is rebuilt on an event, so the cost per event does
not grow with the history.

    timeline = Timeline(log, on_select=card.show)
    timeline.update(change.call)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import js

from ..calls import Call, Direction
from ..log import CallLog, iso_utc
from .dom import by_id, clear, duration, el, listen, local_clock, local_time

PAGE = 50
ARROWS = {Direction.INBOUND: "↙ Inbound", Direction.OUTBOUND: "↗ Outbound", Direction.UNKNOWN: "• Call"}


def matches(call: Call, query: str, outcome: str) -> bool:
    if outcome == "live" and not call.is_live:
        return False
    if outcome and outcome != "live" and (call.outcome is None or call.outcome.value != outcome):
        return False
    if not query:
        return True
    haystack = " ".join(
        filter(None, [call.display_name, call.number, call.contact.company if call.contact else None])
    ).lower()
    digits = "".join(ch for ch in query if ch.isdigit())
    return query.lower() in haystack or (bool(digits) and digits in "".join(ch for ch in call.number if ch.isdigit()))


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
        self.parts: dict[str, _Parts] = {}
        self.limit = PAGE
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
        calls: Iterable[Call] = self.log.newest_first()
        if self.query or self.outcome:
            calls = [c for c in calls if matches(c, self.query, self.outcome)]
            total = len(calls)
        else:
            total = len(self.log)  # unfiltered: no need to look at the calls past the first page
        page = js.document.createDocumentFragment()
        for call in itertools.islice(calls, self.limit):
            item = self._item(call)
            self.items[call.uuid] = item
            page.append(item)
        self.root.append(page)
        self._footer(len(self.items), total)

    def update(self, call: Call) -> None:
        """Re-render one call: replace its item, or put a new call on top."""
        old = self.items.get(call.uuid)
        visible = matches(call, self.query, self.outcome)
        if old is not None:
            if visible:
                self._refresh(old, call)
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

    def remove_pruned(self, uuids: tuple[str, ...]) -> None:
        for uuid in uuids:
            item = self.items.pop(uuid, None)
            self.parts.pop(uuid, None)
            if item is not None:
                item.remove()

    def select(self, uuid: str | None) -> None:
        for item in self.root.querySelectorAll("li.call.selected"):
            item.classList.remove("selected")
        if uuid and uuid in self.items:
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
        return parts.item

    def rehearse(self, call: Call) -> None:
        """Build one item off the page and drop it: run at boot so the first real call's
        rendering does not pay the runtime's first-use costs (see app.warm_up)."""
        self._build(call)

    def _build(self, call: Call) -> _Parts:
        item = el("li", None, class_="call", data_uuid=call.uuid)
        head = el("div", None, class_="call-head")
        head.append(el("span", ARROWS[call.direction], class_=f"direction dir-{call.direction.value}"))
        who = el("button", None, class_="call-open", type="button", data_uuid=call.uuid)
        who.append(el("span", call.display_name, class_="who"))
        who.append(el("span", call.number, class_="number"))
        head.append(who)
        head.append(el("span", None, class_="status"))
        item.append(head)
        meta = el("div", None, class_="call-meta muted")
        meta.append(el("time", local_time(call.started_at), datetime=iso_utc(call.started_at)))
        meta.append(el("span"))
        meta.append(el("span"))
        item.append(meta)
        details = el("details", None, class_="steps")
        details.append(el("summary"))
        details.append(el("ol"))
        item.append(details)
        parts = _Parts(item, head, meta, details)
        self._fill(parts, call, shown_steps=0)
        return parts

    def _refresh(self, item: Any, call: Call) -> None:
        """Update an item in place; it is rebuilt only when who or which way changed (rare)."""
        parts = self.parts[call.uuid]
        before = parts.call
        who = (call.display_name, call.number, call.direction)
        if before is None or (before.display_name, before.number, before.direction) != who:
            expanded = bool(parts.details.open)
            new = self._item(call)
            self.parts[call.uuid].details.open = expanded
            self.items[call.uuid] = new
            item.replaceWith(new)
            return
        self._fill(parts, call, shown_steps=len(before.steps))

    @staticmethod
    def _fill(parts: _Parts, call: Call, shown_steps: int) -> None:
        parts.call = call
        outcome = call.outcome
        parts.item.dataset.state = call.state.value
        if outcome:
            parts.item.dataset.outcome = outcome.value
        status = el("span", None, class_="status")
        if call.is_live or not outcome:
            status.append(el("span", call.state.label, class_=f"badge state-{call.state.value}"))
        if outcome:
            status.append(el("span", outcome.value, class_=f"badge outcome-{outcome.name.lower()}"))
        if call.hung_up_by:
            status.append(el("span", f"{call.hung_up_by.value} hung up", class_="muted small"))
        parts.head.lastElementChild.replaceWith(status)
        parts.meta.children[1].textContent = f"Ring {duration(call.ring_seconds)}"
        parts.meta.children[2].textContent = f"Talk {duration(call.talk_seconds)}"
        parts.details.firstElementChild.textContent = f"{len(call.steps)} step{'s' if len(call.steps) != 1 else ''}"
        steps = parts.details.lastElementChild
        for s in call.steps[shown_steps:]:  # steps only ever grow: append the new ones
            steps.append(el("li", f"{local_clock(s.at)} · {s.event.replace('_', ' ')}"))


@dataclass
class _Parts:
    """The elements of one rendered call that change, and the call they show."""

    item: Any
    head: Any
    meta: Any
    details: Any
    call: Call | None = None

