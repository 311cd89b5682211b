"""Settings → Call history storage: how many calls, the space used, whether the browser keeps the storage.

The first call that ends on a page is a good moment to ask the browser to keep this site's storage
(never evicted under pressure); the agent can ask again from the panel.

    panel = StoragePanel(archive, router)
    app.views.append(panel.on_event)
"""

from __future__ import annotations

from typing import Any

from ..events import PhoneEvent
from ..log import Change
from ..present import storage_line
from .archive import Archive
from .dom import by_id, listen, spawn
from .ffi import js
from .router import Router


async def storage_state() -> dict[str, Any]:
    """What the browser says of this site's storage: persistent or not, usage and quota (bytes), where it tells."""
    state: dict[str, Any] = {"persisted": None, "usage": None, "quota": None}
    manager = getattr(js.navigator, "storage", None)
    if manager is None:
        return state
    try:
        state["persisted"] = bool(await manager.persisted())
        estimate = await manager.estimate()
        state["usage"], state["quota"] = float(estimate.usage), float(estimate.quota)
    except Exception:  # noqa: BLE001 - a browser that has the API but refuses it here: unknown, not an error
        pass
    return state


async def ask_to_persist() -> bool | None:
    """Ask the browser to keep this site's storage (never evicted under pressure). None where it cannot be asked."""
    manager = getattr(js.navigator, "storage", None)
    if manager is None or not hasattr(manager, "persist"):
        return None
    try:
        return bool(await manager.persist())
    except Exception:  # noqa: BLE001 - refused by the browser's policy: same as no
        return False


class StoragePanel:
    def __init__(self, archive: Archive, router: Router) -> None:
        self.archive = archive
        self.asked = False  # asked the browser on this page already
        listen(by_id("storage-persist"), "click", lambda _e: spawn(self.persist_now(asked_by_agent=True)))
        router.on_change.append(lambda _name: spawn(self.show()) if "settings" in router.shown else None)

    async def show(self) -> None:
        state = await storage_state()
        count = await self.archive.store.count()
        by_id("storage-summary").textContent = storage_line(count, state["persisted"], state["usage"], state["quota"])
        by_id("storage-persist").hidden = state["persisted"] is not False

    async def persist_now(self, asked_by_agent: bool) -> None:
        granted = await ask_to_persist()
        if asked_by_agent:
            by_id("storage-persist-status").textContent = {
                True: "The browser will keep the history.",
                False: "The browser said no. Installing the app, bookmarking the site or visiting it often may change its mind.",
                None: "This browser cannot be asked.",
            }[granted]
        await self.show()

    def on_event(self, _event: PhoneEvent, change: Change) -> None:
        """A PhoneApp view: the first call that ends on this page asks the browser to keep the history."""
        if not self.asked and change.changed and change.call.outcome is not None:
            self.asked = True
            spawn(self.persist_now(asked_by_agent=False))
