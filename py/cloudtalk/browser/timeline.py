"""The call timeline: newest first, one keyed <li> per call, paged from the store, searchable, scrolled through whole.

Every page is read from the store (a cursor on its start index, or on its outcome index), and a
search from its word indexes, so the timeline reaches every stored call whether or not the page
holds it, and costs the same with 200,000 calls as with fifty. A search too broad for the index
("a") pages through the calls instead, drawing the first matches as soon as they are found, and
the count follows.

Only a window of the listing is drawn, at most WINDOW calls. As the list scrolls, by mouse or by
keyboard, the edge's button coming near the screen reads the next page that way, and the calls
that went furthest off the other side are let go; Home and End read the newest or the oldest page.

On an event only the changed call's item is touched, and only the fields that changed are
written (each write is a call into the browser), so the cost per event stays small and does not
grow with the history.

    timeline = Timeline(log, store, on_select=card.show)
    timeline.update(change.call, new=change.previous is None)
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from ..calls import Call
from ..exports import iso_utc
from ..log import CallLog
from ..persist import decode_readable
from ..ports import Cursor, Stored, StoredCalls, cursors_beyond
from ..present import LIVE_FILTER, Badge, ItemLook, item_look, matches
from ..search import Query, parse_query
from .dom import Later, by_id, clear, el, keep, listen, local_clock, local_time, spawn
from .ffi import js, to_js

T = TypeVar("T")

PAGE = 50
WINDOW = 4 * PAGE  # the most calls drawn at once: the window moves through the history as it scrolls
NEAR_PX = 1200  # how near the screen an edge's button comes before the next page that way is read
NEAR = f"{NEAR_PX}px 0px"
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
        self.newer = by_id("timeline-newer")
        self.count = by_id("timeline-count")
        self.search = by_id("search")
        self.filter = by_id("outcome-filter")
        self.items: dict[str, Any] = {}
        self.order: list[str] = []  # the drawn calls' uuids, newest first, as the page shows them
        self.selected: str | None = None
        self.parts: dict[str, _Parts] = {}
        self.query = ""
        self.parsed: Query | None = None
        self.outcome = ""
        self.listing = _Listing(None, None)  # what the last redraw lists (a stale redraw's reads touch only its own)
        self.drawn: asyncio.Future[Any] = asyncio.get_event_loop().create_future()  # the last redraw's first page is shown
        self._reading = asyncio.Lock()
        self._reads = 0  # reads asked for and not yet answered: the list is aria-busy meanwhile
        self._moving = asyncio.Lock()  # one move of the window at a time: a scroll's and the keyboard's
        self._recount = Later(lambda: spawn(self._count_all(self.listing)))
        listen(self.more, "click", lambda _e: self.show_more())
        listen(self.newer, "click", lambda _e: self.show_newer())
        listen(self.search, "input", lambda _e: self._refilter())
        listen(self.filter, "change", lambda _e: self._refilter())
        listen(self.root, "click", self._clicked)
        listen(self.root, "keydown", self._keyed)
        # An edge's button coming near the screen reads the next page that way: the timeline scrolls through every call.
        # The observer tells of a button coming near as the list changes; a scroll is looked at too, as the observer
        # says nothing when a button went away and came back between two of its looks (WebKit, scrolled by a script).
        self._following = False
        self._near = js.IntersectionObserver.new(keep(self._edge_near), to_js({"rootMargin": NEAR}))
        self._near.observe(self.more)
        self._near.observe(self.newer)
        js.window.addEventListener("scroll", keep(lambda _e: self._follow()), to_js({"passive": True}))

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
        held = sorted(itertools.islice(self.log.newest_first(), 2 * PAGE), key=_cursor, reverse=True)
        calls = held[:PAGE]
        listing.at_bottom = len(calls) < PAGE and len(self.log) <= PAGE
        if listing.at_bottom:
            listing.total = len(calls)  # every call is on the page: the count needs no read
        listing.bottom = _cursor(calls[-1]) if calls else None
        self._redraw(calls)
        self.count.dataset.read = "pages"
        self._footer()

    async def _first_page(self, listing: _Listing, drawn: asyncio.Future[Any]) -> None:
        try:
            if listing.parsed is not None:
                listing.found = await self._read(self.store.search, listing.parsed, listing.outcome, MOST)
            calls, listing.at_bottom = await self._page(listing, older=True)
            if listing is not self.listing:
                return
            self._redraw(calls)
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

    async def _page(self, listing: _Listing, *, older: bool) -> tuple[list[Call], bool]:
        """The next PAGE calls the listing finds beyond the window's edge that way (older ones newest first, newer ones
        oldest first), and whether they end the listing that way. The edge moves to where the read stopped."""
        edge = listing.bottom if older else listing.top
        if listing.found is not None:
            return await self._found_page(listing, edge, older=older)
        read = self.store.newest_page if older else self.store.oldest_page
        if listing.parsed is None:
            calls = self._calls(await self._read(read, edge, PAGE, listing.outcome))
            if calls:
                listing.move_edge(_cursor(calls[-1]), older=older)
            return calls, len(calls) < PAGE
        found: list[Call] = []
        while listing is self.listing:
            page = self._calls(await self._read(read, edge, SCAN, listing.outcome))
            for call in page:
                edge = _cursor(call)
                if matches(call, listing.parsed, ""):
                    found.append(call)
                    if len(found) == PAGE:
                        break
            if edge is not None:
                listing.move_edge(edge, older=older)  # a broad search's scan goes on from the last call it read
            if len(found) == PAGE:
                return found, False
            if len(page) < SCAN and (not page or edge == _cursor(page[-1])):
                break
        return found, True

    async def _found_page(self, listing: _Listing, edge: Cursor | None, *, older: bool) -> tuple[list[Call], bool]:
        """A page of the calls a search found in the index, next to the edge in its list (newest first)."""
        cursors, ended = cursors_beyond(listing.found or [], edge, PAGE, older=older)
        if cursors:
            listing.move_edge(cursors[-1], older=older)
        stored = await self._read(self.store.get_many, [uuid for _started, uuid in cursors])
        return self._calls([stored[uuid] for _started, uuid in cursors if stored[uuid][0] is not None]), ended

    async def _count_broad(self, listing: _Listing) -> None:
        """Count what a broad search finds, over every stored call, a slice a task."""
        found, before = 0, None
        while listing is self.listing:
            page = self._calls(await self._read(self.store.newest_page, before, SCAN, listing.outcome))
            found += sum(1 for call in page if matches(call, listing.parsed, ""))
            if len(page) < SCAN:
                break
            before = _cursor(page[-1])
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
        self._reads += 1
        self.root.setAttribute("aria-busy", "true")  # the list is being read: assistive technology waits for it
        try:
            async with self._reading:
                await self.store.quiet()  # and never while a write of this page waits to be committed
                return await read(*args)
        finally:
            self._reads -= 1
            if not self._reads:
                self.root.removeAttribute("aria-busy")

    @staticmethod
    def _calls(stored: list[Stored]) -> list[Call]:
        return decode_readable(stored)

    # ------------------------------------------------------------ the window: the calls drawn, near the screen

    def _redraw(self, calls: list[Call]) -> None:
        """Draw these calls alone, the newest of the listing first: the window starts again at the top."""
        clear(self.root)
        self.items.clear()
        self.parts.clear()
        self.order.clear()
        self.listing.at_top, self.listing.before = True, 0  # the edges are where the reads that drew them stopped
        self._append(calls)

    def _append(self, calls: list[Call]) -> None:
        """Put older calls below the window's last; past WINDOW calls, the newest drawn are let go."""
        page = js.document.createDocumentFragment()
        for call in calls:
            if call.uuid not in self.items:
                page.append(self._add(call))
                self.order.append(call.uuid)
        self.root.append(page)
        if len(self.order) > WINDOW:
            self._let_go(len(self.order) - WINDOW, newest=True)

    def _prepend(self, calls: list[Call]) -> None:
        """Put newer calls (given oldest first) above the window's first, keeping what is on screen where it is; past
        WINDOW calls, the oldest drawn are let go."""
        fresh = [call for call in reversed(calls) if call.uuid not in self.items]
        if not fresh:
            return
        page = js.document.createDocumentFragment()
        for call in fresh:
            page.append(self._add(call))
        anchor = self.items[self.order[0]] if self.order else None
        with _kept_in_place(anchor):
            self.root.prepend(page)
        self.order[:0] = [call.uuid for call in fresh]
        if self.listing.before is not None:
            self.listing.before = max(0, self.listing.before - len(fresh))
        if len(self.order) > WINDOW:
            self._let_go(len(self.order) - WINDOW, newest=False)

    def _let_go(self, n: int, *, newest: bool) -> None:
        """Take n calls off one end of the window (the newest, above the screen, or the oldest, below it); the next
        read that way starts from the window's new edge."""
        gone = self.order[:n] if newest else self.order[-n:]
        kept = self.order[n:] if newest else self.order[:-n]
        anchor = self.items[kept[0]] if newest and kept else None
        with _kept_in_place(anchor):
            for uuid in gone:
                self.items.pop(uuid).remove()
                self.parts.pop(uuid, None)
        self.order = kept
        listing = self.listing
        if newest:
            listing.at_top = False
            listing.top = self._cursor_of(kept[0]) if kept else listing.top
            if listing.before is not None:
                listing.before += n
        else:
            listing.at_bottom = False
            listing.bottom = self._cursor_of(kept[-1]) if kept else listing.bottom

    def _cursor_of(self, uuid: str) -> Cursor:
        call = self.parts[uuid].call
        assert call is not None
        return _cursor(call)

    def _add(self, call: Call) -> Any:
        held = self.log.get(call.uuid) or call  # the page's own copy is the newest
        item = self._item(held)
        self.items[call.uuid] = item
        return item

    def show_more(self) -> None:
        spawn(self._extend(self.listing, older=True))

    def show_newer(self) -> None:
        spawn(self._extend(self.listing, older=False))

    async def _extend(self, listing: _Listing, *, older: bool) -> bool:
        """Read the next page beyond the window's edge that way and draw it; whether anything was drawn."""
        async with self._moving:
            if listing is not self.listing or (listing.at_bottom if older else listing.at_top):
                return False
            calls, ended = await self._page(listing, older=older)
            if listing is not self.listing:
                return False
            if older:
                listing.at_bottom = ended
                self._append(calls)
            else:
                listing.at_top = ended
                self._prepend(calls)
                if ended:
                    listing.before = 0
            self._footer()
            return bool(calls)

    async def _jump(self, listing: _Listing, *, oldest: bool) -> None:
        """Draw the listing's first page (its newest calls) or its last (its oldest), wherever the window was."""
        async with self._moving:
            if listing is not self.listing:
                return
            if not oldest:
                if listing.parsed is None and listing.outcome is None:
                    self._draw_newest(listing)
                    return
                listing.bottom = None
                calls, ended = await self._page(listing, older=True)
                if listing is self.listing:
                    self._redraw(calls)
                    listing.at_bottom = ended
                    self._footer()
                return
            listing.top = None
            calls, ended = await self._page(listing, older=False)  # oldest first
            if listing is not self.listing:
                return
            self._redraw(list(reversed(calls)))
            listing.at_top, listing.at_bottom = ended, True
            listing.before = 0 if ended else None if listing.total is None else listing.total - len(self.order)
            self._footer()

    def _edge_near(self, entries: Any, _observer: Any) -> None:
        if any(bool(entry.isIntersecting) for entry in entries):
            self._follow()

    def _follow(self) -> None:
        if not self._following and (_near_screen(self.more) or _near_screen(self.newer)):
            self._following = True
            spawn(self._follow_scroll(self.listing))

    async def _follow_scroll(self, listing: _Listing) -> None:
        """Read pages while an edge's button is near the screen (a page may not be enough to push it away)."""
        try:
            while listing is self.listing:
                if _near_screen(self.more) and await self._extend(listing, older=True):
                    continue
                if _near_screen(self.newer) and await self._extend(listing, older=False):
                    continue
                return
        finally:
            self._following = False

    # ------------------------------------------------------------ the keyboard

    def _keyed(self, event: Any) -> None:
        """Arrow keys move between calls, Page Up/Down ten at a time, Home and End to the newest and the oldest: the
        window reads what it lacks on the way."""
        step = _KEYS.get(str(event.key))
        item = event.target.closest("li.call")
        if step is None or not item or event.altKey or event.ctrlKey or event.metaKey:
            return
        event.preventDefault()
        spawn(self._move_focus(self.listing, str(item.dataset.uuid), step))

    async def _move_focus(self, listing: _Listing, uuid: str, step: int) -> None:
        if step in (_HOME, _END):
            await self._jump(listing, oldest=step == _END)
            if listing is self.listing and self.order:
                self._focus(self.order[-1 if step == _END else 0])
            return
        while listing is self.listing and uuid in self.items:
            at = self.order.index(uuid) + step
            if 0 <= at < len(self.order):
                self._focus(self.order[at])
                return
            if not await self._extend(listing, older=step > 0):
                self._focus(self.order[-1 if step > 0 else 0])  # the listing's end: as far as it goes
                return

    def _focus(self, uuid: str) -> None:
        item = self.items.get(uuid)
        if item is None:
            return
        item.querySelector("button.call-open").focus(to_js({"preventScroll": True}))
        item.scrollIntoView(to_js({"block": "nearest"}))

    # ------------------------------------------------------------ changes

    def update(self, call: Call, *, new: bool = False) -> None:
        """Re-render one call: replace its item, or put a new call on top."""
        old = self.items.get(call.uuid)
        visible = matches(call, self.parsed, self.outcome)
        listing = self.listing
        if old is not None:
            if visible:
                self._fill(self.parts[call.uuid], call)
            else:
                old.remove()
                del self.items[call.uuid]
                self.parts.pop(call.uuid, None)
                self.order.remove(call.uuid)
                if self.filtered and listing.total is not None:
                    listing.total -= 1
        elif visible and self._is_newest(call):
            if self.filtered and listing.total is not None:
                listing.total += 1
            if listing.found is not None:
                listing.found.insert(0, _cursor(call))
            if listing.at_top:  # the window shows the newest calls: the new one goes on top
                item = self._add(call)
                self.root.prepend(item)
                self.order.insert(0, call.uuid)
                if len(self.order) > WINDOW:
                    self._let_go(1, newest=False)
            elif listing.before is not None:
                listing.before += 1  # it waits above the window, for a scroll up
        if new and not self.filtered:
            self._recount()  # read a task later: the count is the store's, and this message's write is queued
        self.empty.hidden = bool(self.items)
        if listing.total is not None:
            self._footer()

    def _is_newest(self, call: Call) -> bool:
        """A call that stands before every shown one goes on top; an older one waits for its page."""
        shown = self.parts[self.order[0]].call if self.order else None
        return shown is None or _cursor(call) > _cursor(shown)

    def remove(self, uuid: str) -> None:
        """Take a call off the page (another tab's store no longer has it)."""
        item = self.items.pop(uuid, None)
        self.parts.pop(uuid, None)
        if item is not None:
            item.remove()
            self.order.remove(uuid)
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

    def _refilter(self) -> None:
        self.query = str(self.search.value).strip()
        self.parsed = parse_query(self.query)
        self.outcome = str(self.filter.value)
        self.render_all()

    def _footer(self) -> None:
        listing, shown = self.listing, len(self.items)
        total, before = listing.total, listing.before
        if before is None and listing.at_bottom and total is not None:
            listing.before = before = max(0, total - shown)  # a jump to the oldest, counted since
        left = None if total is None or before is None else max(0, total - before - shown)
        self.more.hidden = listing.at_bottom or left == 0
        self.more.textContent = "Show more" if left is None else f"Show more ({left} older)"
        self.newer.hidden = listing.at_top
        self.newer.textContent = "Show newer" if not before else f"Show newer ({before} newer)"
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
    """What one redraw of the timeline lists, and where its window stands in it."""

    parsed: Query | None
    outcome: str | None  # the outcome index's key: "" for the live calls, None for every call
    found: list[Cursor] | None = None  # a search the index answered: every match, newest first
    top: Cursor | None = None  # where the last read upwards stopped: the next begins after it (None: the oldest)
    bottom: Cursor | None = None  # where the last read downwards stopped: the next begins before it (None: the newest)
    at_top: bool = True  # no newer call is left to show
    at_bottom: bool = False  # no older call is left to show
    before: int | None = 0  # how many of its calls stand above the window (None: not known, after a jump to the end)
    total: int | None = None  # the calls it finds (None: still counting)

    def move_edge(self, cursor: Cursor, *, older: bool) -> None:
        if older:
            self.bottom = cursor
        else:
            self.top = cursor


def _cursor(call: Call) -> Cursor:
    return call.started_at, call.uuid


@contextmanager
def _kept_in_place(anchor: Any) -> Iterator[None]:
    """Change the list above the screen without moving what is on it: the anchor item stays where it was drawn. Done by
    hand, and the items are left out of the browsers' own scroll anchoring (app.css), which WebKit does not have."""
    if anchor is None:
        yield
        return
    was = float(anchor.getBoundingClientRect().top)
    yield
    moved = float(anchor.getBoundingClientRect().top) - was
    if moved:
        js.window.scrollBy(0, moved)


def _near_screen(node: Any) -> bool:
    if node.hidden or not node.getClientRects().length:  # hidden, or in a view not shown
        return False
    box = node.getBoundingClientRect()
    return float(box.top) < float(js.window.innerHeight) + NEAR_PX and float(box.bottom) > -NEAR_PX


_HOME, _END = -(10**9), 10**9
_KEYS = {"ArrowDown": 1, "ArrowUp": -1, "PageDown": 10, "PageUp": -10, "Home": _HOME, "End": _END}


@dataclass
class _Parts:
    """The elements of one rendered call, what they last showed, and the call they show."""

    item: Any
    details: Any
    steps: Any
    nodes: tuple[Any, ...]  # written from item_look(call), in ItemLook's order
    look: ItemLook | None = None
    call: Call | None = None
