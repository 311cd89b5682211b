"""The call timeline: newest first, one keyed <li> per call, paged from the store, searchable.

Every page is read from the store (a cursor on its start index, or on its outcome index), and a
search from its word indexes, so the timeline reaches every stored call whether or not the page
holds it, and costs the same with 200,000 calls as with fifty. A search too broad for the index
("a") pages through the calls instead, drawing the first matches as soon as they are found, and
the count follows.

On an event only the changed call's item is touched, and only the fields that changed are
written (each write is a call into the browser), so the cost per event stays small and does not
grow with the history.

    timeline = Timeline(log, store, on_select=card.show)
    timeline.update(change.call, new=change.previous is None)
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..calls import Call
from ..exports import iso_utc
from ..log import CallLog
from ..persist import decode_readable
from ..ports import Cursor, Stored, StoredCalls
from ..present import LIVE_FILTER, Badge, ItemLook, item_look, matches
from ..search import Query, parse_query
from .dom import Later, by_id, clear, el, listen, local_clock, local_time, spawn
from .ffi import js, jsnull

T = TypeVar("T")

PAGE = 50
SCAN = 500  # calls read a slice at a time where a search pages through the calls
MOST = 5000  # index entries a search reads before it pages through the calls instead


class Timeline:
    def __init__(self, log: CallLog, store: StoredCalls, on_select: Callable[[Call], None]) -> None:
        self.log = log
        self.store = store
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
        self.query = ""
        self.parsed: Query | None = None
        self.outcome = ""
        self.listing = _Listing(None, None)  # what the last redraw lists (a stale redraw's reads touch only its own)
        self.drawn: asyncio.Future[Any] = asyncio.get_event_loop().create_future()  # the last redraw's first page is shown
        self._reading = asyncio.Lock()
        self._recount = Later(lambda: spawn(self._count_all(self.listing)))
        listen(self.more, "click", lambda _e: self.show_more())
        listen(self.search, "input", lambda _e: self._refilter())
        listen(self.filter, "change", lambda _e: self._refilter())
        listen(self.root, "click", self._clicked)

    # ------------------------------------------------------------ reading from the store

    def _outcome_key(self) -> str | None:
        """The outcome index's key for the filter: "" holds the live calls (no outcome yet)."""
        return None if not self.outcome else "" if self.outcome == LIVE_FILTER else self.outcome

    @property
    def filtered(self) -> bool:
        return self.parsed is not None or bool(self.outcome)

    def render_all(self) -> None:
        """Draw the first page again from the store (the filters changed, or the whole history did)."""
        self.listing = listing = _Listing(self.parsed, self._outcome_key())
        drawn = asyncio.get_event_loop().create_future()
        if not self.drawn.done():
            self.drawn.add_done_callback(lambda _f: drawn.done() or drawn.set_result(None))
        self.drawn = drawn
        if listing.parsed is None and listing.outcome is None:
            self._draw_newest(listing)  # at once, from the page's own newest calls: no read stands before going live
            drawn.set_result(None)
            spawn(self._count_all(listing))
            return
        spawn(self._first_page(listing, drawn))

    def _draw_newest(self, listing: _Listing) -> None:
        """The first page of every call, from the log, which holds the newest calls (read at start, then every new
        one); the pages after it are read from the store, from where this one ends."""
        held = sorted(itertools.islice(self.log.newest_first(), 2 * PAGE), key=lambda c: (c.started_at, c.uuid), reverse=True)
        calls = held[:PAGE]
        listing.exhausted = len(calls) < PAGE and len(self.log) <= PAGE
        if listing.exhausted:
            listing.total = len(calls)  # every call is on the page: the count needs no read
        if calls:
            listing.oldest = (calls[-1].started_at, calls[-1].uuid)
        clear(self.root)
        self.items.clear()
        self.parts.clear()
        self._append(calls)
        self.count.dataset.read = "pages"
        self._footer()

    async def _first_page(self, listing: _Listing, drawn: asyncio.Future[Any]) -> None:
        try:
            if listing.parsed is not None:
                listing.found = await self._read(self.store.search, listing.parsed, listing.outcome, MOST)
            calls = await self._next_page(listing)
            if listing is not self.listing:
                return
            clear(self.root)
            self.items.clear()
            self.parts.clear()
            self._append(calls)
            if listing.found is not None:
                listing.total = len(listing.found)
            # How the page was found, for tests: the word indexes, paging through the calls, or the start's or outcome's
            self.count.dataset.read = "index" if listing.found is not None else "scan" if listing.parsed else "pages"
            self._footer()
        finally:
            if not drawn.done():
                drawn.set_result(None)
        if listing.parsed is None:  # the count follows the page: a count of a store's index grows with the history
            total = await self._read(self.store.count, listing.outcome)
            if listing is self.listing:
                listing.total = total
                self._footer()
        if listing.total is None:  # a search too broad for the index: the count follows, a slice at a time
            await self._count_broad(listing)

    async def _next_page(self, listing: _Listing) -> list[Call]:
        """The next PAGE calls the listing finds, older than those it gave before."""
        if listing.found is not None:
            cursors = listing.found[listing.found_at : listing.found_at + PAGE]
            listing.found_at += len(cursors)
            listing.exhausted = listing.found_at >= len(listing.found)
            stored = await self._read(self.store.get_many, [uuid for _started, uuid in cursors])
            return self._calls([stored[uuid] for _started, uuid in cursors if stored[uuid][0] is not None])
        if listing.parsed is None:
            calls = self._calls(await self._read(self.store.newest_page, listing.oldest, PAGE, listing.outcome))
            listing.exhausted = len(calls) < PAGE
            if calls:
                listing.oldest = (calls[-1].started_at, calls[-1].uuid)
            return calls
        found: list[Call] = []
        while len(found) < PAGE and listing is self.listing:
            page = self._calls(await self._read(self.store.newest_page, listing.oldest, SCAN, listing.outcome))
            for call in page:
                listing.oldest = (call.started_at, call.uuid)
                if matches(call, listing.parsed, ""):
                    found.append(call)
                    if len(found) == PAGE:
                        break
            if len(page) < SCAN and (not page or listing.oldest == (page[-1].started_at, page[-1].uuid)):
                listing.exhausted = True
                break
        return found

    async def _count_broad(self, listing: _Listing) -> None:
        """Count what a broad search finds, over every stored call, a slice a task."""
        found, before = 0, None
        while listing is self.listing:
            page = self._calls(await self._read(self.store.newest_page, before, SCAN, listing.outcome))
            found += sum(1 for call in page if matches(call, listing.parsed, ""))
            if len(page) < SCAN:
                break
            before = (page[-1].started_at, page[-1].uuid)
            await asyncio.sleep(0)
        if listing is self.listing:
            listing.total = found
            self._footer()

    async def _count_all(self, listing: _Listing) -> None:
        """The unfiltered count, read after the first page and again after calls were added (a count on the store's
        index)."""
        if listing.parsed is not None or listing.outcome is not None:
            return
        total = await self._read(self.store.count)
        if listing is self.listing:
            listing.total = total
            self._footer()

    async def _read(self, read: Callable[..., Awaitable[T]], *args: Any) -> T:
        """One read of the store at a time, and none while a write is in flight: a search typed letter by letter starts
        reads for each letter, and in Chromium a write waited over a minute behind reads that kept coming."""
        async with self._reading:
            await self.store.quiet()  # and never while a write of this page waits to be committed
            return await read(*args)

    @staticmethod
    def _calls(stored: list[Stored]) -> list[Call]:
        return decode_readable(stored)

    def _append(self, calls: list[Call]) -> None:
        page = js.document.createDocumentFragment()
        for call in calls:
            if call.uuid in self.items:
                continue
            held = self.log.get(call.uuid) or call  # the page's own copy is the newest
            item = self._item(held)
            self.items[call.uuid] = item
            page.append(item)
        self.root.append(page)

    # ------------------------------------------------------------ changes

    def update(self, call: Call, *, new: bool = False) -> None:
        """Re-render one call: replace its item, or put a new call on top."""
        old = self.items.get(call.uuid)
        visible = matches(call, self.parsed, self.outcome)
        if old is not None:
            if visible:
                self._fill(self.parts[call.uuid], call)
            else:
                old.remove()
                del self.items[call.uuid]
                self.parts.pop(call.uuid, None)
                if self.filtered and self.listing.total is not None:
                    self.listing.total -= 1
        elif visible and self._is_newest(call):
            item = self._item(call)
            self.items[call.uuid] = item
            self.root.prepend(item)
            listing = self.listing
            if self.filtered and listing.total is not None:
                listing.total += 1
            if listing.found is not None:
                listing.found.insert(0, (call.started_at, call.uuid))
                listing.found_at += 1
        if new and not self.filtered:
            self._recount()  # read a task later: the count is the store's, and this message's write is queued
        self.empty.hidden = bool(self.items)
        if self.listing.total is not None:
            self._footer()

    def _is_newest(self, call: Call) -> bool:
        """A call that stands before every shown one goes on top; an older one waits for its page."""
        first = self.root.firstElementChild
        if first is None or first is jsnull:
            return True
        parts = self.parts.get(str(first.dataset.uuid))
        shown = parts.call if parts is not None else None
        return shown is None or (call.started_at, call.uuid) > (shown.started_at, shown.uuid)

    def remove(self, uuid: str) -> None:
        """Take a call off the page (another tab's store no longer has it)."""
        item = self.items.pop(uuid, None)
        self.parts.pop(uuid, None)
        if item is not None:
            item.remove()
        self.empty.hidden = bool(self.items)

    def more_loaded(self) -> None:
        """Older calls were read into the page (or the store's records got their words): the timeline reads the store,
        so only a count may follow. The search box says whether the word index is complete (for tests)."""
        self.search.dataset.index = "ready" if self.store.words_ready else "preparing"
        self._recount()

    def select(self, uuid: str | None) -> None:
        previous, self.selected = self.selected, uuid
        if previous == uuid:
            return
        if previous in self.items:
            self.items[previous].classList.remove("selected")
        if uuid in self.items:
            self.items[uuid].classList.add("selected")

    def show_more(self) -> None:
        spawn(self._more(self.listing))

    async def _more(self, listing: _Listing) -> None:
        calls = await self._next_page(listing)
        if listing is self.listing:
            self._append(calls)
            self._footer()

    def _refilter(self) -> None:
        self.query = str(self.search.value).strip()
        self.parsed = parse_query(self.query)
        self.outcome = str(self.filter.value)
        self.render_all()

    def _footer(self) -> None:
        shown, total = len(self.items), self.listing.total
        left = None if total is None else max(0, total - shown)
        self.more.hidden = self.listing.exhausted or left == 0
        self.more.textContent = "Show more" if left is None else f"Show more ({left} older)"
        self.empty.hidden = shown > 0 or total is None or total > 0
        if total is None:
            self.count.textContent = f"{shown}+ {'matching' if self.filtered else 'calls'}, counting…"
        else:
            self.count.textContent = f"{total} matching" if self.filtered else self._count_text(total)

    @staticmethod
    def _count_text(total: int) -> str:
        return f"{total} call{'s' if total != 1 else ''}"

    def _clicked(self, event: Any) -> None:
        button = event.target.closest("button.call-open")
        if not button:  # closest() gives JS null (falsy) off the buttons
            return
        uuid = str(button.dataset.uuid)
        parts = self.parts.get(uuid)
        call = self.log.get(uuid) or (parts.call if parts is not None else None)  # the page's copy, else the one drawn
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
class _Listing:
    """What one redraw of the timeline lists, and how far it has read."""

    parsed: Query | None
    outcome: str | None  # the outcome index's key: "" for the live calls, None for every call
    found: list[Cursor] | None = None  # a search the index answered: every match, newest first
    found_at: int = 0  # where in `found` the next page begins
    oldest: Cursor | None = None  # where the last page ended: the next begins after it
    exhausted: bool = False  # no older call is left to show
    total: int | None = None  # the calls it finds (None: still counting)


@dataclass
class _Parts:
    """The elements of one rendered call, what they last showed, and the call they show."""

    item: Any
    details: Any
    steps: Any
    nodes: tuple[Any, ...]  # written from item_look(call), in ItemLook's order
    look: ItemLook | None = None
    call: Call | None = None
